"""Fixtures of the guidance tests: a small team and a published roster around today."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from digiward.core.access import Access
from digiward.core.models import Role
from digiward.guidance.models import Experience, RosterStatus
from digiward.guidance.tests.factories import (
    AssignmentFactory,
    DutyShiftFactory,
    RosterFactory,
    TeamMemberFactory,
)


def access_of(user, commune, role=Role.VOLUNTEER) -> Access:
    roles = frozenset(Role(m.role) for m in user.memberships.filter(commune=commune)) or frozenset(
        {role}
    )
    return Access(user=user, commune=commune, roles=roles)


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Services word their refusals with gettext. The tests read them by their English
    msgids, so a better Vietnamese wording in the catalogue never breaks them; Vietnamese
    wording is tested where it matters (the root `vietnamese` fixture)."""
    translation.activate("en")
    yield
    translation.activate("vi")


@pytest.fixture
def lead_access(officer, commune):
    return access_of(officer, commune)


@pytest.fixture
def member_thu(volunteer, commune):
    """Lê Minh Thư, the volunteer persona, on the team."""
    return TeamMemberFactory(
        commune=commune, user=volunteer, experience=Experience.EXPERIENCED, max_shifts_per_week=3
    )


@pytest.fixture
def member_khang(commune):
    from digiward.core.tests.factories import UserFactory

    user = UserFactory(username="khang", full_name="Huỳnh Gia Khang", email="khang@example.vn")
    return TeamMemberFactory(
        commune=commune, user=user, experience=Experience.EXPERIENCED, max_shifts_per_week=3
    )


def next_weekday(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7 or 7)


@pytest.fixture
def future_day() -> date:
    """A Wednesday at least two days ahead (so both a "tomorrow" and a later day exist)."""
    return next_weekday(timezone.localdate() + timedelta(days=2), 2)


@pytest.fixture
def published(commune, future_day):
    return RosterFactory(
        commune=commune, month=future_day.replace(day=1), status=RosterStatus.PUBLISHED
    )


@pytest.fixture
def shift_factory(commune):
    def make(day, kind="morning", roster=None, **kwargs):
        from datetime import time

        times = {"morning": (time(7), time(11, 30)), "afternoon": (time(13, 30), time(17))}
        start, end = times.get(kind, (time(7), time(11, 30)))
        start, end = kwargs.pop("start", start), kwargs.pop("end", end)
        if roster is None:
            roster = (
                RosterFactory(
                    commune=commune,
                    month=date(day.year, day.month, 1),
                    status=RosterStatus.PUBLISHED,
                )
                if not _roster_exists(commune, day)
                else _roster_for(commune, day)
            )
        return DutyShiftFactory(
            commune=commune, roster=roster, date=day, kind=kind, start=start, end=end, **kwargs
        )

    return make


def _roster_exists(commune, day):
    from digiward.guidance.models import Roster

    return Roster.objects.filter(commune=commune, month=day.replace(day=1)).exists()


def _roster_for(commune, day):
    from digiward.guidance.models import Roster

    return Roster.objects.get(commune=commune, month=day.replace(day=1))


@pytest.fixture
def seat():
    def make(shift, member, **kwargs):
        return AssignmentFactory(shift=shift, member=member, **kwargs)

    return make
