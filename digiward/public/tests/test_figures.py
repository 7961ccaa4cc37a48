"""The ward's figures for everyone (/so-lieu/): the same counts as the dashboard, no count
below 5 and nothing that gives one back, no names, at most a minute old."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from digiward.core.tests.factories import UserFactory
from digiward.guidance.models import HelpSession
from digiward.public import views
from digiward.public.figures import public_figures
from digiward.registry.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_commune_read_afresh():
    views._public_commune.cache_clear()
    yield
    views._public_commune.cache_clear()


def _residents(commune, rung: int, how_many: int, **fields) -> None:
    for _ in range(how_many):
        ResidentFactory(commune=commune, journey_rung=rung, **fields)


def test_small_counts_are_hidden_with_the_one_that_would_give_them_away(commune):
    _residents(commune, 0, 40)
    _residents(commune, 1, 3, full_name="Bà Ba Người")  # fewer than 5: hidden
    _residents(commune, 2, 12)
    _residents(commune, 8, 7)  # the next smallest: hidden with it
    _residents(commune, 5, 2, birth_year=timezone.localdate().year - 10)  # children

    figures = public_figures(commune)

    counts = [cell.count for cell in figures.ladder]
    assert counts == [40, None, 12, 0, 0, 0, 0, 0, None]
    assert figures.adults == 62

    page = client_page()
    assert "Bà Ba Người" not in page
    few = "fewer than 5"
    assert shown_counts(page) == ["40", few, "12", "0", "0", "0", "0", "0", few]


def test_help_given_this_year_is_counted_with_the_same_rule(commune):
    helper = UserFactory()
    today = timezone.localdate()
    for outcome, how_many in (("done", 9), ("partly", 2), ("referred", 6)):
        for _ in range(how_many):
            HelpSession.objects.create(
                commune=commune, helped_on=today, helper=helper, outcome=outcome, minutes=5
            )
    HelpSession.objects.create(  # last year: not this year's figure
        commune=commune,
        helped_on=date(today.year - 1, 6, 1),
        helper=helper,
        outcome="done",
        minutes=5,
    )
    figures = public_figures(commune)
    assert figures.help_sessions == 17
    # Outcomes in their order: done, partly, referred, come back. "Partly" (2) is hidden,
    # and "referred" with it, or 17 - 9 - 0 would give it back.
    assert [cell.count for cell in figures.by_outcome] == [9, None, None, 0]


def test_a_ward_with_few_people_shows_no_total_either(commune):
    _residents(commune, 3, 2)
    figures = public_figures(commune)
    assert figures.adults is None
    assert all(cell.count in (0, None) for cell in figures.ladder)


def test_a_new_figure_shows_within_a_minute(commune):
    _residents(commune, 2, 10)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert shown_counts(client_page())[2] == "10"
        _residents(commune, 2, 5)
        clock.shift(30)
        assert shown_counts(client_page())[2] == "10"  # kept for a minute
        clock.shift(31)
        assert shown_counts(client_page())[2] == "15"


def test_no_public_commune_is_a_404(settings, commune):
    settings.DIGIWARD_PUBLIC_COMMUNE = ""
    views._public_commune.cache_clear()
    from django.test import Client

    assert Client().get(reverse("public:figures")).status_code == 404


def shown_counts(page: str) -> list[str]:
    """The ladder's count cells as the page shows them."""
    ladder = page[page.index('id="ladder-heading"') : page.index('id="help-heading"')]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in CELL.findall(ladder)]


CELL = re.compile(r'<td class="num">(.*?)</td>', re.S)


def client_page() -> str:
    from django.test import Client

    response = Client().get(reverse("public:figures"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()
