"""The priority list explains itself (issue 12): which criteria earned each household's
points, on the list and on the household's page, also after the lock; and no position
leaves the default view without a word on why."""

from __future__ import annotations

import pytest
from django.urls import reverse

from digiward.core.testing import client_in
from digiward.donations import ranking, services
from digiward.donations.models import ChangeAction, EntryStatus, PriorityEntry
from digiward.donations.tests.factories import poor_household, scenario

pytestmark = pytest.mark.django_db


def english(user, commune):
    client = client_in(user, commune)
    client.cookies["digiward_language"] = "en"
    return client


def test_points_add_up_to_the_score_for_every_combination_of_facts():
    rules = ranking.Rules(weights={**ranking.DEFAULT_WEIGHTS, "chronic_illness": 0})
    table = rules.score_table()
    for bits in range(ranking.WEIGHTED_MASK + 1):
        if bits & ~ranking.WEIGHTED_MASK:
            continue
        earned = ranking.points(bits, rules)
        assert sum(p for _name, p in earned) == table[bits]
        assert all(p > 0 for _name, p in earned), "a criterion worth nothing is not listed"
        assert "chronic_illness" not in dict(earned)


def test_the_list_and_the_household_page_say_which_criteria_earned_the_points(commune, officer):
    s = scenario(commune, officer, households=2, phones=2, sims=0)  # locked
    assert s.campaign.list_is_locked
    entry = PriorityEntry.objects.filter(campaign=s.campaign).first()
    # Heads born in 1950 in a home with no smartphone: 20 + 5 with the default weights.
    assert entry.score == 25
    client = english(officer, commune)
    listing = client.get(reverse("donations:list", args=[s.campaign.pk])).content.decode()
    assert "25 points: no smartphone yet +20, an elderly member +5" in listing
    page = client.get(
        reverse("donations:campaign_household", args=[s.campaign.pk, entry.household_id])
    ).content.decode()
    assert "25 points: no smartphone yet +20, an elderly member +5" in page


def test_the_points_are_those_of_the_ranking_even_if_the_rules_changed_since(commune, officer):
    s = scenario(commune, officer, households=1, phones=1, sims=0, lock=False)
    rules = s.campaign.ranking_rules
    services.campaign_rules_save(
        access=s.access,
        campaign=s.campaign,
        rules=ranking.Rules(weights={**rules.weights, "no_smartphone": 40}),
    )
    entry = PriorityEntry.objects.get(campaign=s.campaign)
    page = english(officer, commune).get(
        reverse("donations:campaign_household", args=[s.campaign.pk, entry.household_id])
    )
    assert "25 points: no smartphone yet +20, an elderly member +5" in page.content.decode()


def test_a_removed_household_keeps_its_place_in_the_default_view_with_the_reason(commune, officer):
    s = scenario(commune, officer, households=3, phones=3, sims=0, lock=False)
    first, second, third = PriorityEntry.objects.filter(campaign=s.campaign).order_by("position")
    services.list_change(
        access=s.access,
        campaign=s.campaign,
        household=second.household,
        action=ChangeAction.REMOVE,
        reason="Đã có điện thoại do con cho",
    )
    response = english(officer, commune).get(reverse("donations:list", args=[s.campaign.pk]))
    html = response.content.decode()
    shown = [row["entry"].pk for row in response.context["rows"]]
    assert shown == [first.pk, second.pk, third.pk], "position 2 does not vanish"
    assert "Đã có điện thoại do con cho" in html and "Removed by the review" in html
    # Asking for the households still on the list only says how many are hidden, and why.
    only = english(officer, commune).get(
        reverse("donations:list", args=[s.campaign.pk]), {"show": "listed"}
    )
    assert [row["entry"].pk for row in only.context["rows"]] == [first.pk, third.pk]
    assert "1 household removed by the review is not shown" in only.content.decode()
    assert PriorityEntry.objects.get(pk=second.pk).status == EntryStatus.REMOVED


def test_a_household_added_by_the_review_says_its_points_too(commune, officer):
    s = scenario(commune, officer, households=1, phones=1, sims=0, lock=False)
    outsider = poor_household(commune, "NGOAI01")
    services.list_change(
        access=s.access,
        campaign=s.campaign,
        household=outsider,
        action=ChangeAction.ADD,
        reason="Họp xét duyệt: hộ mới gặp hoạn nạn",
    )
    listing = english(officer, commune).get(reverse("donations:list", args=[s.campaign.pk]))
    assert listing.content.decode().count("25 points: no smartphone yet +20") == 2
