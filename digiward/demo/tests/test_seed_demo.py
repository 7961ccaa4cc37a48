"""The demo ward: realistic, deterministic and idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from digiward.core.models import Membership, Role, User
from digiward.registry.models import Household, Milestone, PovertyStatus, Resident

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (
        User.objects.count(),
        Membership.objects.count(),
        Household.objects.count(),
        Resident.objects.count(),
        Milestone.objects.count(),
    )


def test_seed_demo_is_idempotent_and_deterministic(commune):
    out = StringIO()
    call_command("seed_demo", "--commune", "31135", "--households", "150", stdout=out)
    first = counts()
    people = list(
        Resident.objects.order_by("household__code", "full_name").values_list(
            "full_name", "birth_year", "citizen_id_masked"
        )
    )
    call_command("seed_demo", "--commune", "31135", "--households", "150", stdout=StringIO())
    assert counts() == first
    assert "quantri" in out.getvalue() and "digiward-demo" in out.getvalue()

    # Built from scratch again, the ward is the same people.
    Milestone.objects.all().delete()
    Household.objects.update(head=None)
    Resident.objects.all().delete()
    Household.objects.all().delete()
    call_command("seed_demo", "--commune", "31135", "--households", "150", stdout=StringIO())
    assert (
        list(
            Resident.objects.order_by("household__code", "full_name").values_list(
                "full_name", "birth_year", "citizen_id_masked"
            )
        )
        == people
    )


def test_demo_ward_is_realistic(commune):
    call_command("seed_demo", "--commune", "31135", "--households", "400", stdout=StringIO())
    assert 1000 <= Resident.objects.count() <= 1500
    assert Household.objects.filter(head__isnull=True).count() == 0
    poor = Household.objects.filter(
        poverty_status__in=[PovertyStatus.POOR, PovertyStatus.NEAR_POOR]
    ).count()
    assert 10 <= poor <= 60
    assert Resident.objects.filter(lives_alone=True, birth_year__lte=1966).exists()
    assert all(
        any(ch in name for ch in "ăâđêôơưáàảãạếềệốồộớờợúùủũụíìịýỳ")
        for name in Resident.objects.values_list("full_name", flat=True)[:50]
        if " Thị " in name or " Văn " in name
    )
    assert Resident.objects.exclude(citizen_id_hash=None).count() > 800
    assert (
        Resident.objects.filter(journey_rung=0).exists()
        and Resident.objects.filter(journey_rung=8).exists()
    )
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role)


def test_unknown_commune_is_a_clear_error(commune):
    with pytest.raises(CommandError, match="99999"):
        call_command("seed_demo", "--commune", "99999", stdout=StringIO())
