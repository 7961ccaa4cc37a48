"""From the team's rows to the solver's dataclasses, and the solver's words back.

The roster solver (`digiward.planning.roster`) knows nothing of Django. This module
builds its `RosterProblem` for one month of one commune — members with their skills,
weekly availability and absences; dated slots generated from the opening-hours
templates minus the days the working calendar says are closed (public holidays, Tết by
the lunar calendar, local closures) — and turns stored conflicts back into sentences.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from typing import Any

from django.db.models import Q
from django.utils.translation import get_language

from digiward.core.models import Absence, Commune
from digiward.core.selectors import calendar_for
from digiward.guidance.models import (
    MemberAvailability,
    Roster,
    ShiftAssignment,
    Skill,
    SlotTemplate,
    TeamMember,
)
from digiward.planning.roster import (
    Availability,
    Conflict,
    ConflictCode,
    Member,
    RosterProblem,
    RosterRules,
    Slot,
    SoftCode,
    SoftViolation,
    describe_en,
    describe_vi,
    pattern_from_assignments,
)
from digiward.planning.roster_types import week_of
from digiward.planning.roster_wording import SKILLS_VI

# The solver's own default is 20 s; the 60-member benchmark proves optimality in
# about 2 s, a 10-member month in 0.1 s (bench/results/roster.txt).
DEFAULT_TIME_LIMIT = 20.0


@dataclass(frozen=True)
class PlannedSlot:
    """A dated slot of the month, before it becomes a DutyShift row."""

    day: date
    kind: str
    start: time
    end: time
    required: int
    required_skills: tuple[str, ...]

    @property
    def slot_id(self) -> str:
        return f"{self.day.isoformat()}:{self.kind}"


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def days_of(month: date) -> list[date]:
    first, last = month_bounds(month)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def closed_days(commune: Commune, month: date) -> dict[date, str]:
    """Days of the month the center is closed although a template would open it.

    The desk opens on the weekdays its templates name (Saturdays included), so only
    public holidays and the commune's calendar exceptions close it: the working
    calendar is asked with an empty weekend.
    """
    cal = replace(calendar_for(commune), weekend=frozenset())
    closed = {}
    for day in days_of(month):
        if not cal.is_working_day(day):
            closed[day] = cal.holiday_name(day) or ""
    return closed


def planned_slots(commune: Commune, month: date) -> list[PlannedSlot]:
    templates = list(SlotTemplate.objects.for_commune(commune).filter(is_active=True))
    closed = closed_days(commune, month)
    slots: dict[str, PlannedSlot] = {}
    for day in days_of(month):
        if day in closed:
            continue
        for template in templates:
            if day.weekday() not in template.weekdays:
                continue
            slot = PlannedSlot(
                day=day,
                kind=template.kind,
                start=template.start,
                end=template.end,
                required=template.required,
                required_skills=tuple(sorted(template.required_skills)),
            )
            # Two templates of one kind on the same weekday: the first (earliest) wins;
            # the template form refuses that overlap anyway.
            slots.setdefault(slot.slot_id, slot)
    return sorted(slots.values(), key=lambda s: (s.day, s.start))


def team_members(commune: Commune) -> list[TeamMember]:
    return list(
        TeamMember.objects.for_commune(commune).filter(is_active=True).select_related("user")
    )


def solver_members(commune: Commune, month: date) -> list[Member]:
    first, last = month_bounds(month)
    members = team_members(commune)
    availability: dict[int, dict[tuple[int, str], Availability]] = {m.pk: {} for m in members}
    for row in MemberAvailability.objects.filter(member__in=members):
        availability[row.member_id][(row.weekday, row.kind)] = Availability(row.value)
    # Absences are the users' (core.Absence), read by home-visit booking too.
    absences: dict[int, set[date]] = {m.pk: set() for m in members}
    member_of_user = {m.user_id: m.pk for m in members}
    away = (
        Absence.objects.for_commune(commune)
        .filter(user_id__in=member_of_user)
        .overlapping(first, last)
    )
    for absence in away:
        day = max(absence.starts_on, first)
        while day <= min(absence.ends_on, last):
            absences[member_of_user[absence.user_id]].add(day)
            day += timedelta(days=1)
    booked = shifts_held_next_door(members, month)
    return [
        Member(
            id=m.pk,
            name=m.name,
            skills=frozenset(m.skills),
            experienced=m.experienced,
            max_shifts_per_week=m.max_shifts_per_week,
            availability=availability[m.pk],
            absences=frozenset(absences[m.pk]),
            booked=booked.get(m.pk, {}),
        )
        for m in members
    ]


def shifts_held_next_door(members: list[TeamMember], month: date) -> dict[int, dict[date, int]]:
    """Shifts each member holds in the neighbouring months' rosters, per week that the
    month shares with them (the first and last weeks of a month usually spill over).
    They count against the weekly limit, as they do when the team lead adds someone by
    hand (`services.member_conflict` counts by date, whatever the roster)."""
    first, last = month_bounds(month)
    before = first - timedelta(days=first.weekday())
    after = last + timedelta(days=6 - last.weekday())
    rows = (
        ShiftAssignment.objects.filter(member__in=members)
        .filter(
            Q(shift__date__gte=before, shift__date__lt=first)
            | Q(shift__date__gt=last, shift__date__lte=after)
        )
        .values_list("member_id", "shift__date")
    )
    held: dict[int, dict[date, int]] = {}
    for member_id, day in rows:
        weeks = held.setdefault(member_id, {})
        weeks[week_of(day)] = weeks.get(week_of(day), 0) + 1
    return held


def solver_slot(slot: PlannedSlot) -> Slot:
    return Slot(
        id=slot.slot_id,
        day=slot.day,
        kind=slot.kind,
        required=slot.required,
        required_skills=frozenset(slot.required_skills),
        start=slot.start,
        end=slot.end,
    )


def previous_pattern(commune: Commune, month: date) -> frozenset[tuple[int, int, str]]:
    """Who usually works which weekday and slot: last month's roster, for stability."""
    first, _last = month_bounds(month)
    before = (first - timedelta(days=1)).replace(day=1)
    rows = ShiftAssignment.objects.filter(commune=commune, shift__roster__month=before).values_list(
        "shift__date", "shift__kind", "member_id"
    )
    slots = {}
    pairs = []
    for day, kind, member_id in rows:
        slot = Slot(id=f"{day.isoformat()}:{kind}", day=day, kind=kind)
        slots[slot.id] = slot
        pairs.append((slot.id, member_id))
    return pattern_from_assignments(slots.values(), pairs)


def build_problem(
    commune: Commune, month: date, *, time_limit: float = DEFAULT_TIME_LIMIT
) -> tuple[RosterProblem, list[PlannedSlot]]:
    slots = planned_slots(commune, month)
    problem = RosterProblem(
        members=solver_members(commune, month),
        slots=[solver_slot(s) for s in slots],
        rules=RosterRules(previous_pattern=previous_pattern(commune, month)),
        time_limit_seconds=time_limit,
    )
    return problem, slots


# ---- Storing and wording the solver's explanations -------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def item_to_json(item: Conflict | SoftViolation) -> dict[str, Any]:
    return {
        "code": item.code.value,
        "slot_id": item.slot_id,
        "member_id": item.member_id,
        "day": item.day.isoformat() if item.day else None,
        "detail": _jsonable(item.detail),
    }


def conflict_from_json(data: Mapping[str, Any]) -> Conflict:
    day = data.get("day")
    return Conflict(
        code=ConflictCode(data["code"]),
        slot_id=data.get("slot_id"),
        member_id=data.get("member_id"),
        day=date.fromisoformat(day) if day else None,
        detail=data.get("detail") or {},
    )


def soft_from_json(data: Mapping[str, Any]) -> SoftViolation:
    day = data.get("day")
    return SoftViolation(
        code=SoftCode(data["code"]),
        slot_id=data.get("slot_id"),
        member_id=data.get("member_id"),
        day=date.fromisoformat(day) if day else None,
        detail=data.get("detail") or {},
    )


def _labels(*, vi: bool) -> dict[str, str]:
    """Skill names as the team's screens show them. In Vietnamese the solver's own
    wording (`SKILLS_VI`) is kept for the skills it knows, so its sentences read the same
    in the benchmark, the tests and the app."""
    return {
        skill.value: str(skill.label) for skill in Skill if not (vi and skill.value in SKILLS_VI)
    }


def describe(item: Conflict | SoftViolation) -> str:
    """One plain sentence: Vietnamese by default, English when the page is in English."""
    if (get_language() or "vi").startswith("en"):
        return describe_en(item, _labels(vi=False))
    return describe_vi(item, _labels(vi=True))


def conflict_sentences(roster: Roster) -> list[str]:
    return [describe(conflict_from_json(c)) for c in roster.conflicts]


def soft_sentences(roster: Roster, *, codes: Iterable[str] | None = None) -> list[str]:
    wanted = set(codes) if codes is not None else None
    return [
        describe(soft_from_json(v))
        for v in roster.soft_violations
        if wanted is None or v["code"] in wanted
    ]
