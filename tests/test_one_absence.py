"""One absence, read everywhere the person works (issue 13): leave recorded by home
support keeps the officer off the help-desk roster, and days away recorded on the desk
team stop a home visit being booked."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from digiward.core.access import Access
from digiward.core.errors import DomainError
from digiward.core.models import Absence, Role
from digiward.core.testing import client_in
from digiward.guidance import rostering
from digiward.guidance import services as guidance
from digiward.guidance.models import Experience, RosterStatus
from digiward.guidance.tests.factories import DutyShiftFactory, RosterFactory, TeamMemberFactory
from digiward.homecare import services as homecare
from digiward.homecare.services.booking import ensure_available
from digiward.homecare.tests.factories import OfficerProfileFactory

pytestmark = pytest.mark.django_db

DAY = date(2030, 4, 9)  # a Tuesday, a working day


@pytest.fixture
def both_teams(commune, officer):
    """The officer works the help desk and visits homes."""
    member = TeamMemberFactory(
        commune=commune, user=officer, experience=Experience.EXPERIENCED, max_shifts_per_week=5
    )
    profile = OfficerProfileFactory(commune=commune, user=officer, takes_home_visits=True)
    return member, profile


def _as(user, commune, role):
    return Access(user=user, commune=commune, roles=frozenset({role}))


def test_leave_recorded_by_home_support_keeps_the_officer_off_the_desk(commune, admin, both_teams):
    member, profile = both_teams
    homecare.leave_add(
        access=_as(admin, commune, Role.COMMUNE_ADMIN),
        profile=profile,
        starts_on=DAY,
        ends_on=DAY,
        reason="Tập huấn",
    )
    assert Absence.objects.filter(user=member.user).count() == 1  # recorded once
    roster = RosterFactory(commune=commune, month=DAY.replace(day=1), status=RosterStatus.DRAFT)
    shift = DutyShiftFactory(commune=commune, roster=roster, date=DAY)
    with translation.override("en"):
        assert "absent" in (guidance.member_conflict(member, shift) or "")
    (planned,) = [m for m in rostering.solver_members(commune, DAY) if m.id == member.pk]
    assert DAY in planned.absences


def test_days_away_recorded_on_the_desk_stop_a_home_visit(commune, officer, both_teams):
    member, profile = both_teams
    ensure_available(profile, DAY)  # free before
    guidance.absence_add(
        access=_as(officer, commune, Role.OFFICER),
        member=member,
        starts_on=DAY,
        ends_on=DAY,
        reason="Ốm",
    )
    with pytest.raises(DomainError):
        ensure_available(profile, DAY)


def test_both_pages_show_the_same_absence(commune, admin, officer, both_teams):
    member, profile = both_teams
    absence = Absence.objects.create(
        commune=commune, user=officer, starts_on=date(2099, 5, 4), ends_on=date(2099, 5, 6)
    )
    client = client_in(admin, commune)
    desk = client.get(reverse("guidance:member_detail", args=[member.pk]))
    home = client.get(reverse("homecare:officer_edit", args=[profile.pk]))
    assert desk.status_code == home.status_code == 200
    for page in (desk, home):
        assert absence in list(page.context["absences" if page is desk else "leaves"])


def test_another_communes_absence_is_not_found(commune, other_commune, admin, officer):
    elsewhere = Absence.objects.create(
        commune=other_commune, user=officer, starts_on=DAY, ends_on=DAY
    )
    client = client_in(admin, commune)
    response = client.post(reverse("guidance:absence_remove", args=[elsewhere.pk]))
    assert response.status_code == 404
    assert Absence.objects.filter(pk=elsewhere.pk).exists()
