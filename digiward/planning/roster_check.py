"""Checks that do not trust the solver: hard-rule validation, soft-rule report,
fairness metrics, and the round-robin rota a team lead would make by hand.

Everything here works on plain (slot_id, member_id) pairs, so it judges the
CP-SAT roster, the draft and the baseline with the same yardstick.
"""

from __future__ import annotations

import statistics
import time as wallclock
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from digiward.planning.roster_types import (
    Availability,
    RosterIndex,
    RosterProblem,
    RosterResult,
    RosterStatus,
    SoftCode,
    SoftViolation,
    share_band,
    week_of,
)


def validate_roster(
    problem: RosterProblem,
    assignments: Iterable[tuple[str, int]],
    *,
    allow_unfilled: bool = False,
) -> list[str]:
    """Every hard rule the assignments break, in English; [] means valid.

    With `allow_unfilled` (for drafts) a slot may have fewer people than
    required, and a missing experienced person or skill is excused when the slot
    still has an empty seat that the manager can fill with the right person.
    """
    index = RosterIndex.build(problem)
    errors: list[str] = []
    per_slot: dict[str, list[int]] = {slot.id: [] for slot in index.slots}
    per_member: dict[int, list[str]] = {member.id: [] for member in index.members}
    for slot_id, member_id in assignments:
        slot = index.slot_by_id.get(slot_id)
        member = index.member_by_id.get(member_id)
        if slot is None or member is None:
            errors.append(f"unknown slot {slot_id!r} or member {member_id}")
            continue
        if member_id in per_slot[slot_id]:
            errors.append(f"member {member_id} is twice in slot {slot_id}")
            continue
        if slot.day in member.absences:
            errors.append(f"member {member_id} is absent on {slot.day} but in slot {slot_id}")
        elif member.availability_for(slot) is Availability.UNAVAILABLE:
            errors.append(f"member {member_id} is unavailable for slot {slot_id}")
        per_slot[slot_id].append(member_id)
        per_member[member_id].append(slot_id)

    for slot in index.slots:
        people = [index.member_by_id[m] for m in per_slot[slot.id]]
        short = slot.required - len(people)
        if short < 0 or (short > 0 and not allow_unfilled):
            errors.append(f"slot {slot.id} has {len(people)} people, needs {slot.required}")
        excused = allow_unfilled and short > 0
        if slot.required == 0 or excused:
            continue
        if problem.rules.require_experienced and not any(p.experienced for p in people):
            errors.append(f"slot {slot.id} has no experienced member")
        for skill in sorted(slot.required_skills):
            if not any(skill in p.skills for p in people):
                errors.append(f"slot {slot.id} has nobody with skill {skill!r}")

    for member in index.members:
        weeks: dict[date, int] = {}
        for slot_id in per_member[member.id]:
            week = week_of(index.slot_by_id[slot_id].day)
            weeks[week] = weeks.get(week, 0) + 1
        for week, count in sorted(weeks.items()):
            if count > member.weekly_limit(week):
                errors.append(
                    f"member {member.id} has {count} shifts in the week of {week}, "
                    f"limit {member.max_shifts_per_week}, "
                    f"{member.booked.get(week, 0)} already held outside this roster"
                )
        taken = [index.slot_by_id[s] for s in per_member[member.id]]
        for i, first in enumerate(taken):
            for second in taken[i + 1 :]:
                if first.overlaps(second):
                    errors.append(
                        f"member {member.id} is double-booked in {first.id} and {second.id}"
                    )
    return errors


def shift_counts(index: RosterIndex, assignments: Iterable[tuple[str, int]]) -> dict[int, int]:
    counts = {member.id: 0 for member in index.members}
    for _, member_id in assignments:
        if member_id in counts:
            counts[member_id] += 1
    return counts


def consecutive_runs(days: Iterable[date]) -> list[tuple[date, date, int]]:
    """Maximal runs of consecutive calendar days as (first, last, length)."""
    runs: list[tuple[date, date, int]] = []
    for day in sorted(set(days)):
        if runs and runs[-1][1] + timedelta(days=1) == day:
            first, _, length = runs[-1]
            runs[-1] = (first, day, length + 1)
        else:
            runs.append((day, day, 1))
    return runs


def soft_violations(
    problem: RosterProblem,
    assignments: Sequence[tuple[str, int]],
    *,
    index: RosterIndex | None = None,
    shares: Mapping[int, float] | None = None,
) -> list[SoftViolation]:
    """The soft rules the assignments do not meet, member by member."""
    index = index or RosterIndex.build(problem)
    shares = shares if shares is not None else index.fair_share
    rules = problem.rules
    pattern: dict[int, set[tuple[int, str]]] = {}
    for member_id, weekday, kind in rules.previous_pattern:
        pattern.setdefault(member_id, set()).add((weekday, kind))
    found: list[SoftViolation] = []
    worked: dict[int, list[date]] = {member.id: [] for member in index.members}
    for slot_id, member_id in assignments:
        slot, member = index.slot_by_id[slot_id], index.member_by_id[member_id]
        worked[member_id].append(slot.day)
        context = {"member_name": member.name, "kind": slot.kind}
        if member.availability_for(slot) is Availability.PREFER_NOT:
            found.append(SoftViolation(SoftCode.PREFER_NOT, slot_id, member_id, slot.day, context))
        usual = pattern.get(member_id)
        if usual and (slot.day.weekday(), slot.kind) not in usual:
            found.append(SoftViolation(SoftCode.OFF_PATTERN, slot_id, member_id, slot.day, context))
    for member in index.members:
        for first, last, length in consecutive_runs(worked[member.id]):
            if length > rules.max_consecutive_days:
                found.append(
                    SoftViolation(
                        SoftCode.CONSECUTIVE_DAYS,
                        member_id=member.id,
                        day=first,
                        detail={
                            "member_name": member.name,
                            "first": first.isoformat(),
                            "last": last.isoformat(),
                            "length": length,
                            "limit": rules.max_consecutive_days,
                        },
                    )
                )
    counts = shift_counts(index, assignments)
    for member in index.members:
        share = shares.get(member.id, 0.0)
        low, high = share_band(share)
        if not low <= counts[member.id] <= high:
            found.append(
                SoftViolation(
                    SoftCode.UNFAIR_LOAD,
                    member_id=member.id,
                    detail={
                        "member_name": member.name,
                        "count": counts[member.id],
                        "share": round(share, 2),
                    },
                )
            )
    return found


@dataclass(frozen=True)
class FairnessMetrics:
    """Side-by-side figures for comparing rosters.

    The spread and standard deviation are over members who could work at least
    one slot: someone absent for the whole period is not "unfairly" idle.
    `max_share_deviation` is the largest |shifts − fair share| (shares are
    normalised by what each member can give, see `water_fill`).
    """

    members_counted: int
    min_shifts: int
    max_shifts: int
    shift_spread: int
    shift_std: float
    max_share_deviation: float
    unmet_preferences: int
    consecutive_excess: int
    off_pattern: int
    unfilled_seats: int
    hard_violations: int


def fairness_metrics(
    problem: RosterProblem, assignments: Sequence[tuple[str, int]]
) -> FairnessMetrics:
    index = RosterIndex.build(problem)
    counts = shift_counts(index, assignments)
    counted = [m.id for m in index.members if index.capacity[m.id] > 0]
    values = [counts[m] for m in counted] or [0]
    known = [(s, m) for s, m in assignments if s in index.slot_by_id and m in index.member_by_id]
    soft = soft_violations(problem, known, index=index)
    excess = sum(
        v.detail["length"] - v.detail["limit"] for v in soft if v.code is SoftCode.CONSECUTIVE_DAYS
    )
    filled: dict[str, int] = {}
    for slot_id, _ in known:
        filled[slot_id] = filled.get(slot_id, 0) + 1
    return FairnessMetrics(
        members_counted=len(counted),
        min_shifts=min(values),
        max_shifts=max(values),
        shift_spread=max(values) - min(values),
        shift_std=statistics.pstdev(values),
        max_share_deviation=max(
            (abs(counts[m] - index.fair_share[m]) for m in counted), default=0.0
        ),
        unmet_preferences=sum(1 for v in soft if v.code is SoftCode.PREFER_NOT),
        consecutive_excess=excess,
        off_pattern=sum(1 for v in soft if v.code is SoftCode.OFF_PATTERN),
        unfilled_seats=sum(max(0, s.required - filled.get(s.id, 0)) for s in index.slots),
        hard_violations=len(validate_roster(problem, assignments)),
    )


def round_robin_roster(problem: RosterProblem) -> RosterResult:
    """The hand-made rota, for comparison only: no optimisation at all.

    Slots in date order, members in id order; each seat goes to the next member
    in the cycle who is available, not absent, not already busy at that time and
    under their weekly limit. It ignores experience, skills, preferences and
    fairness, as a busy team lead would; whatever that breaks shows up in
    `validate_roster` and `fairness_metrics`.
    """
    started = wallclock.perf_counter()
    index = RosterIndex.build(problem)
    members = index.members
    pointer = 0
    assignments: list[tuple[str, int]] = []
    unfilled: list[tuple[str, int]] = []
    taken: dict[int, list[str]] = {m.id: [] for m in members}
    weekly: dict[tuple[int, date], int] = {}
    for slot in index.slots:
        in_slot: list[int] = []
        for _ in range(slot.required):
            for step in range(len(members)):
                member = members[(pointer + step) % len(members)]
                week_key = (member.id, week_of(slot.day))
                busy = any(index.slot_by_id[s].overlaps(slot) for s in taken[member.id])
                if (
                    member.can_work(slot)
                    and member.id not in in_slot
                    and not busy
                    and weekly.get(week_key, 0) < member.weekly_limit(week_key[1])
                ):
                    in_slot.append(member.id)
                    taken[member.id].append(slot.id)
                    weekly[week_key] = weekly.get(week_key, 0) + 1
                    assignments.append((slot.id, member.id))
                    pointer = (pointer + step + 1) % len(members)
                    break
        if len(in_slot) < slot.required:
            unfilled.append((slot.id, slot.required - len(in_slot)))
    valid = not validate_roster(problem, assignments)
    return RosterResult(
        status=RosterStatus.FEASIBLE if valid else RosterStatus.INVALID,
        assignments=assignments,
        solve_seconds=wallclock.perf_counter() - started,
        shift_counts=shift_counts(index, assignments),
        fair_shares=dict(index.fair_share),
        soft_violations=soft_violations(problem, assignments, index=index),
        unfilled=unfilled,
        solver="round-robin",
    )
