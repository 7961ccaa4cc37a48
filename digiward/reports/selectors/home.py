"""Numbers for the home pages, read through the owning apps' selectors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from digiward.core.access import Access
from digiward.core.permissions import Perm
from digiward.donations.selectors import follow_up_tasks
from digiward.guidance.models import ShiftAssignment, TeamMember
from digiward.guidance.selectors import member_shifts
from digiward.homecare.selectors import companion_visits, deadlines, goes_along, my_visits
from digiward.registry.selectors import RegistryCounts, registry_counts

SHIFT_HORIZON_DAYS = 31


@dataclass(frozen=True)
class Today:
    """What needs doing, per the role: the member's next duty shift, the officer's home
    visits today, home-support requests at or past their deadline, follow-ups due."""

    next_shift: ShiftAssignment | None = None
    visits_today: int | None = None
    going_along_today: int | None = None  # a volunteer paired with a visiting officer
    overdue_requests: int | None = None
    due_soon_requests: int | None = None
    follow_ups_due: int | None = None

    @property
    def anything(self) -> bool:
        return any(
            value is not None
            for value in (
                self.next_shift,
                self.visits_today,
                self.going_along_today,
                self.overdue_requests,
                self.follow_ups_due,
            )
        )


@dataclass(frozen=True)
class HomeSummary:
    registry: RegistryCounts | None
    today: Today


def home_summary(access: Access, today: date | None = None) -> HomeSummary:
    wants_registry = access.has(Perm.VIEW_REGISTRY) or access.has(Perm.VIEW_STATISTICS)
    return HomeSummary(
        registry=registry_counts(access.commune) if wants_registry else None,
        today=_today(access, today or timezone.localdate()),
    )


def _today(access: Access, today: date) -> Today:
    next_shift = None
    if access.has(Perm.VIEW_ROSTER):
        member = TeamMember.objects.for_access(access).filter(user=access.user).first()
        if member is not None:
            upcoming = member_shifts(
                member, start=today, end=today + timedelta(days=SHIFT_HORIZON_DAYS)
            )
            if today == timezone.localdate():  # a shift already over today is not "next"
                upcoming = upcoming.exclude(
                    shift__date=today, shift__end__lte=timezone.localtime().time()
                )
            next_shift = upcoming.first()
    overdue = due_soon = None
    if access.has(Perm.VIEW_HOME_SUPPORT):
        due = deadlines(access.commune, today)
        overdue, due_soon = len(due.overdue), len(due.due_soon)
    return Today(
        next_shift=next_shift,
        visits_today=len(my_visits(access, today)) if access.has(Perm.VISIT_HOMES) else None,
        going_along_today=(
            len(companion_visits(access, today))
            if not access.has(Perm.VISIT_HOMES) and goes_along(access)
            else None
        ),
        overdue_requests=overdue,
        due_soon_requests=due_soon,
        follow_ups_due=(
            follow_up_tasks(access).filter(due_on__lte=today).count()
            if access.has(Perm.RECORD_MILESTONE)
            else None
        ),
    )
