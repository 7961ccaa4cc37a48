"""The demo ward: realistic, deterministic and idempotent."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from digiward.core.models import Membership, Role
from digiward.demo.seeders.registry import WardGenerator
from digiward.registry.models import Household, PovertyStatus, Resident

pytestmark = pytest.mark.django_db

TODAY = "2026-11-01"


def counts() -> dict[str, int]:
    """Rows in every table of our apps: a second run must not add any."""
    return {
        model._meta.label: model.objects.count()
        for app in (
            "core",
            "registry",
            "procedures",
            "homecare",
            "guidance",
            "donations",
            "learning",
        )
        for model in apps.get_app_config(app).get_models()
        if model._meta.label
        not in ("core.AuditEvent", "core.Job", "core.OutboxMessage", "core.RateCounter")
    }


def test_seed_demo_is_idempotent(commune):
    call_command("load_procedures", verbosity=0)
    out = StringIO()
    call_command(
        "seed_demo", "--commune", "31135", "--households", "150", "--today", TODAY, stdout=out
    )
    first = counts()
    assert first["registry.Resident"] > 300
    call_command(
        "seed_demo",
        "--commune",
        "31135",
        "--households",
        "150",
        "--today",
        TODAY,
        stdout=StringIO(),
    )
    assert counts() == first
    assert "quantri" in out.getvalue() and "digiward-demo" in out.getvalue()


def test_the_ward_generator_is_deterministic():
    first = WardGenerator(seed=31135, today=date(2026, 11, 1), households=80).households()
    again = WardGenerator(seed=31135, today=date(2026, 11, 1), households=80).households()
    assert first == again
    other = WardGenerator(seed=31150, today=date(2026, 11, 1), households=80).households()
    assert [p.full_name for h in other for p in h.people] != [
        p.full_name for h in first for p in h.people
    ]


def test_demo_ward_is_realistic(commune):
    call_command("load_procedures", verbosity=0)
    call_command(
        "seed_demo",
        "--commune",
        "31135",
        "--households",
        "400",
        "--today",
        TODAY,
        stdout=StringIO(),
    )
    assert 1000 <= Resident.objects.count() <= 1500
    assert Household.objects.filter(head__isnull=True).count() == 0
    poor = Household.objects.filter(
        poverty_status__in=[PovertyStatus.POOR, PovertyStatus.NEAR_POOR]
    ).count()
    assert 10 <= poor <= 60
    assert Resident.objects.filter(lives_alone=True, birth_year__lte=1966).exists()
    assert Resident.objects.exclude(citizen_id_hash=None).count() > 800
    assert (
        Resident.objects.filter(journey_rung=0).exists()
        and Resident.objects.filter(journey_rung=8).exists()
    )
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role)
    # "Ready to confirm" has someone on it: the volunteer seen doing everything, a citizen
    # two competences short, and help sessions that recorded skills done alone.
    from digiward.core.access import access_for
    from digiward.core.models import Commune, User
    from digiward.guidance.models import HelpSession
    from digiward.learning.confirmation import confirmation_candidates
    from digiward.learning.selectors import default_framework

    ward = Commune.objects.get(code="31135")
    access = access_for(User.objects.get(username="quantri"), ward)
    framework = default_framework(access)
    volunteers = confirmation_candidates(access, framework, "volunteer")
    assert [p.user.username for p in volunteers.ready if p.user] == ["tinhnguyen"]
    citizens = confirmation_candidates(access, framework, "citizen")
    assert any(p.resident and len(p.missing) == 2 for p in citizens.nearly)
    assert HelpSession.objects.exclude(skills=[]).exists()


def test_unknown_commune_is_a_clear_error(commune):
    with pytest.raises(CommandError, match="99999"):
        call_command("seed_demo", "--commune", "99999", stdout=StringIO())


def test_seed_demo_refuses_to_run_in_production(commune, settings):
    """Security test finding 6: the demo's published password must never open a real server."""
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", "--commune", "31135", "--households", "5", "--today", TODAY)
    assert not Membership.objects.exists()
    assert not Resident.objects.exists()


def test_demo_accounts_that_need_two_step_sign_in_are_enrolled(commune):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    call_command("load_procedures", verbosity=0)
    call_command(
        "seed_demo",
        "--commune",
        "31135",
        "--households",
        "150",
        "--today",
        TODAY,
        stdout=StringIO(),
    )
    enrolled = set(
        TOTPDevice.objects.filter(confirmed=True).values_list("user__username", flat=True)
    )
    assert {"quantri", "canbo", "tinh"} <= enrolled
    assert "tinhnguyen" not in enrolled  # a volunteer sees no full citizen ID
    out = StringIO()
    call_command("demo_code", stdout=out)
    device = TOTPDevice.objects.get(user__username="quantri")
    assert f"{TOTP(device.bin_key).token():06d}" in out.getvalue()
