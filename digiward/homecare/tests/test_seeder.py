"""The demo's home support: requests over the ward and a day plan for three officers."""

from __future__ import annotations

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from digiward.demo.seeders.homecare import seed_homecare
from digiward.homecare.models import (
    AuthorizationConfirmation,
    DayPlan,
    HomeSupportRequest,
    HomeVisit,
    OfficerRoute,
    RequestStatus,
    VisitStatus,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)  # the demo's fixed "today" (a Sunday)


def snapshot():
    return (
        sorted(
            HomeSupportRequest.objects.values_list(
                "tracking_code", "person_name", "status", "latitude", "longitude"
            )
        ),
        sorted(
            HomeVisit.objects.values_list(
                "request__tracking_code",
                "officer__username",
                "day",
                "sequence",
                "starts_at",
                "status",
            )
        ),
    )


def test_the_demo_is_realistic_deterministic_and_idempotent(commune):
    call_command(
        "seed_demo",
        "--commune",
        "31135",
        "--households",
        "250",
        "--today",
        TODAY.isoformat(),
        stdout=StringIO(),
    )
    summary = seed_homecare(commune=commune, today=TODAY)
    assert "day plan 02/11/2026" in summary
    statuses = Counter(HomeSupportRequest.objects.values_list("status", flat=True))
    assert set(statuses) == set(RequestStatus.values)
    plan = DayPlan.objects.get(day=date(2026, 11, 2))
    routes = OfficerRoute.objects.filter(plan=plan).exclude(departs_at=None)
    assert routes.count() == 3
    assert HomeVisit.objects.filter(day=plan.day, status=VisitStatus.PLANNED).count() >= 15
    assert AuthorizationConfirmation.objects.exists()
    for request in HomeSupportRequest.objects.exclude(status="received"):
        assert abs(float(request.latitude) - 10.034) < 0.02
        assert abs(float(request.longitude) - 105.783) < 0.02
    first = snapshot()
    assert "0 requests created" in seed_homecare(commune=commune, today=TODAY)
    assert snapshot() == first
