"""The main list pages ask the database the same number of questions for 2 rows as for 9.

An N+1 (one more query per row shown) is invisible on a demo's ten rows and slow on a
ward's thousands. Each test builds the same data twice, small in one commune and larger
in another, opens the page once to warm per-process caches, and then compares the number
of queries of a second opening: equal, or the page has grown a query per row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from digiward.core.audit import audit_record
from digiward.core.models import AuditAction, Commune, Role
from digiward.core.testing import client_in, user_with_role
from digiward.registry.journey import MilestoneKind, MilestoneSource
from digiward.registry.services import milestone_record
from digiward.registry.tests.factories import HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db

SMALL, LARGE = 2, 9


def _queries(client: Any, url: str) -> tuple[int, list[str]]:
    assert client.get(url).status_code == 200  # warm-up: sessions, content types, calendars
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), [q["sql"] for q in captured.captured_queries]


def assert_flat(
    commune: Commune,
    other_commune: Commune,
    build: Callable[[Commune, int], str],
    *,
    role: Role = Role.COMMUNE_ADMIN,
) -> None:
    """`build(commune, rows)` makes `rows` rows and returns the page's URL."""
    counts = []
    for place, rows in ((commune, SMALL), (other_commune, LARGE)):
        url = build(place, rows)
        client = client_in(user_with_role(role, place), place)
        counts.append(_queries(client, url))
    (small, _), (large, sql) = counts
    assert small == large, f"{small} queries for {SMALL} rows, {large} for {LARGE}:\n" + "\n".join(
        sql
    )


def _people(commune: Commune, rows: int) -> None:
    day = timezone.localdate() - timedelta(days=3)
    for n in range(rows):
        household = HouseholdFactory(commune=commune, code=f"Q{commune.pk}{n:03d}")
        head = ResidentFactory(commune=commune, household=household, full_name=f"Nguyễn Thị {n}")
        household.head = head
        household.save()
        milestone_record(
            acting_user=None,
            resident=head,
            kind=MilestoneKind.HAS_SMARTPHONE,
            achieved_on=day,
            source=MilestoneSource.OFFICER,
        )


def test_the_registry_search(commune, other_commune):
    def build(place: Commune, rows: int) -> str:
        _people(place, rows)
        return reverse("registry:home") + "?q=Nguyễn"

    assert_flat(commune, other_commune, build)


def test_the_household_list(commune, other_commune):
    def build(place: Commune, rows: int) -> str:
        _people(place, rows)
        return reverse("registry:household_list")

    assert_flat(commune, other_commune, build)


def test_the_journey_page(commune, other_commune):
    def build(place: Commune, rows: int) -> str:
        _people(place, rows)
        return reverse("registry:journey")

    assert_flat(commune, other_commune, build)


def test_the_audit_log(commune, other_commune):
    def build(place: Commune, rows: int) -> str:
        _people(place, rows)
        for n in range(rows):
            audit_record(
                action=AuditAction.VIEW,
                commune=place,
                object_type="registry.resident",
                object_id=str(n),
                object_repr=f"resident {n}",
            )
        return reverse("core:audit_log")

    assert_flat(commune, other_commune, build)


def test_the_home_support_inbox(commune, other_commune):
    from digiward.homecare.tests.factories import RequestFactory, SettingsFactory

    def build(place: Commune, rows: int) -> str:
        SettingsFactory(commune=place)
        for _ in range(rows):
            RequestFactory(commune=place)
        return reverse("homecare:request_list")

    assert_flat(commune, other_commune, build, role=Role.OFFICER)


def test_the_priority_list(commune, other_commune):
    from digiward.donations.tests.factories import scenario

    def build(place: Commune, rows: int) -> str:
        officer = user_with_role(Role.OFFICER, place)
        s = scenario(
            place, officer, households=rows, phones=rows, sims=0, first_imei=place.pk * 100
        )
        return reverse("donations:list", args=[s.campaign.pk])

    assert_flat(commune, other_commune, build, role=Role.OFFICER)
