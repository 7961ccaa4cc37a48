"""The rules a shift must keep, read by every write that puts someone on one.

`member_conflict` is what one person must keep (on the team, not absent, not unavailable,
not booked twice, within the weekly limit); `shift_gaps` is what the shift's team must have
(its seats, an experienced member, the skills it needs). The roster's manual adjustments
and publishing, the swaps and the month's calendar all read them from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from digiward.core.dates import day_text
from digiward.core.models import Absence
from digiward.guidance.models import (
    AvailabilityChoice,
    DutyShift,
    MemberAvailability,
    ShiftAssignment,
    TeamMember,
)
from digiward.planning.roster_wording import WEEKDAYS_VI


def member_conflict(
    member: TeamMember, shift: DutyShift, *, ignoring: Iterable[int] = ()
) -> str | None:
    """Why `member` cannot take `shift` (a hard rule), or None.

    `ignoring`: assignment ids that will be given up in the same move (a swap frees
    the shift a member gives away, for the double-booking and weekly checks).
    """
    name = member.name
    skip = set(ignoring)
    if not member.is_active:
        return _("%(name)s is no longer on the team.") % {"name": name}
    away = (
        Absence.objects.for_commune(member.commune_id)
        .filter(user_id=member.user_id)
        .covering(shift.date)
        .exists()
    )
    if away:
        return _("%(name)s is absent on %(date)s.") % {"name": name, "date": day_text(shift.date)}
    said = (
        MemberAvailability.objects.filter(
            member=member, weekday=shift.date.weekday(), kind=shift.kind
        )
        .values_list("value", flat=True)
        .first()
    )
    if said == AvailabilityChoice.UNAVAILABLE:
        return _("%(name)s is not available for the %(slot)s shift on %(weekday)s.") % {
            "name": name,
            "slot": shift.get_kind_display().lower(),
            "weekday": WEEKDAYS_VI[shift.date.weekday()]
            if translation.get_language() != "en"
            else date_format(shift.date, "l"),
        }
    same_day = (
        ShiftAssignment.objects.filter(member=member, shift__date=shift.date)
        .exclude(pk__in=skip)
        .select_related("shift")
    )
    for taken in same_day:
        if taken.shift_id == shift.pk:
            return _("%(name)s is already on this shift.") % {"name": name}
        if taken.shift.overlaps(shift):
            return _("%(name)s already has a shift at that time on %(date)s (%(slot)s).") % {
                "name": name,
                "date": day_text(shift.date),
                "slot": taken.shift.get_kind_display().lower(),
            }
    monday = shift.date - timedelta(days=shift.date.weekday())
    in_week = (
        ShiftAssignment.objects.filter(
            member=member, shift__date__gte=monday, shift__date__lte=monday + timedelta(days=6)
        )
        .exclude(pk__in=skip)
        .count()
    )
    if in_week >= member.max_shifts_per_week:
        return _(
            "%(name)s already has %(count)s shifts in the week from %(monday)s "
            "(at most %(limit)s a week)."
        ) % {
            "name": name,
            "count": in_week,
            "monday": day_text(monday),
            "limit": member.max_shifts_per_week,
        }
    return None


def shift_gaps(shift: DutyShift, members: list[TeamMember]) -> dict[str, Any]:
    """What a shift still lacks: empty seats, an experienced member, required skills."""
    present_skills = {s for m in members for s in m.skills}
    return {
        "missing": max(0, shift.required - len(members)),
        "needs_experienced": bool(members or shift.required)
        and not any(m.experienced for m in members),
        "needs_skills": [s for s in shift.required_skills if s not in present_skills],
    }
