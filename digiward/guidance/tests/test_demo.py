"""The demo team: 10 members, generated rosters, a few hundred sessions; idempotent."""

from __future__ import annotations

from datetime import date

import pytest

from digiward.demo.seeders.guidance import seed_guidance
from digiward.demo.seeders.registry import seed_registry
from digiward.demo.seeders.users import seed_users
from digiward.guidance.models import HelpSession, Roster, ShiftAssignment, TeamMember
from digiward.registry.models import Milestone

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 1)


def snapshot():
    return (
        TeamMember.objects.count(),
        Roster.objects.count(),
        list(
            ShiftAssignment.objects.order_by(
                "shift__date", "shift__kind", "member__user__username"
            ).values_list("shift__date", "shift__kind", "member__user__username")
        ),
        HelpSession.objects.count(),
        Milestone.objects.filter(source="help_session").count(),
    )


def test_seed_guidance_is_idempotent_and_realistic(commune):
    seed_users(commune)
    seed_registry(commune=commune, recorded_by=None, households=60, today=TODAY)
    summary = seed_guidance(commune=commune, today=TODAY, sessions=220)
    assert summary.startswith("10 team members, 2 months of roster")
    first = snapshot()
    assert first[0] == 10 and first[1] == 2
    assert all(
        r.solver_status in ("optimal", "feasible") and r.status == "published"
        for r in Roster.objects.all()
    )
    days = {d for d, _k, _u in first[2]}
    assert len(days) >= 40  # October and November, Monday to Saturday, minus holidays
    assert first[3] == 220 and first[4] > 0
    assert ShiftAssignment.objects.filter(shift__date__lt=TODAY, attendance="done").exists()
    seed_guidance(commune=commune, today=TODAY, sessions=220)
    assert snapshot() == first
