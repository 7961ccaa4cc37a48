"""Why a roster is impossible: which hard rule fails, and where (wording: roster_wording).

Two stages, both sound (every conflict reported is a real proof that the hard
rules cannot all hold):

1. `precheck` counts: a slot with fewer free people than seats, no experienced
   or skilled person free, overlapping slots needing more people than exist, a
   week needing more shifts (or more experienced / skilled shifts) than the
   members' weekly limits allow. Cheap, and the messages are the clearest.
2. `diagnose` asks CP-SAT, week by week (the hard rules never link two weeks),
   with every constraint group behind an assumption literal. An infeasible week
   answers with a set of groups that clash; the set is shrunk to a minimal one by
   deletion and turned into a `Conflict`, its groups are switched off, and the
   week is asked again to find further, independent conflicts.

Known CP-SAT behaviour this code works around: assumption cores are only
reliable with one worker and no objective (or-tools #3102, #3943), and with
presolve on 9.15 may name a literal that is not an assumption (or-tools #5141),
so diagnosis runs single-threaded without presolve and every shrinking step is
re-checked by a solve.
"""

from __future__ import annotations

import time as wallclock
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from ortools.sat.python import cp_model

from digiward.planning.roster_cpsat import RosterModel, RuleGroup, build_model, make_solver
from digiward.planning.roster_types import (
    Conflict,
    ConflictCode,
    Member,
    RosterIndex,
    RosterProblem,
    Slot,
)

# A week rarely has more than a few independent reasons; past this, the
# manager has enough to act on and the time is better spent on the draft.
_MAX_CORES_PER_WEEK = 6
# Removal order while shrinking a core: what is tried first is dropped first
# when it is not needed, so explanations lean on slot needs, not on limits.
_SHRINK_ORDER = {"weekly": 0, "skill": 1, "experienced": 2, "cover": 3}


# --------------------------------------------------------------------------- counting


def precheck(problem: RosterProblem, index: RosterIndex) -> list[Conflict]:
    """Conflicts found by counting alone, in date order."""
    staffed = [slot for slot in index.slots if slot.required > 0]
    if not staffed:
        return []
    if not index.members:
        return [
            Conflict(
                ConflictCode.NO_MEMBERS,
                detail={"slots": len(staffed), "seats": sum(s.required for s in staffed)},
            )
        ]
    conflicts: list[Conflict] = []
    for slot in staffed:
        conflicts.extend(_slot_conflicts(problem, index, slot))
    short_slots = {c.slot_id for c in conflicts if c.code is ConflictCode.NOT_ENOUGH_AVAILABLE}
    for group in index.overlap_groups:
        if short_slots.intersection(group):
            continue  # already explained slot by slot
        slots = [index.slot_by_id[s] for s in group]
        people = {m for s in group for m in index.eligible[s]}
        needed = sum(s.required for s in slots)
        if needed > len(people):
            conflicts.append(
                Conflict(
                    ConflictCode.OVERLAP_NOT_ENOUGH_PEOPLE,
                    day=slots[0].day,
                    detail={
                        "slots": [_slot_ref(s) for s in slots],
                        "needed": needed,
                        "available": len(people),
                    },
                )
            )
    for week, slot_ids in sorted(index.weeks.items()):
        conflicts.extend(_week_conflicts(problem, index, week, slot_ids))
    return conflicts


def _slot_conflicts(problem: RosterProblem, index: RosterIndex, slot: Slot) -> list[Conflict]:
    eligible = [index.member_by_id[m] for m in index.eligible[slot.id]]
    found: list[Conflict] = []

    def conflict(code: ConflictCode, **detail: Any) -> None:
        found.append(
            Conflict(code, slot_id=slot.id, day=slot.day, detail={"kind": slot.kind, **detail})
        )

    if len(eligible) < slot.required:
        conflict(
            ConflictCode.NOT_ENOUGH_AVAILABLE,
            required=slot.required,
            available=len(eligible),
            available_member_ids=[m.id for m in eligible],
        )
    if not eligible:
        return found  # "nobody is free" already says there is no one experienced or skilled
    if problem.rules.require_experienced and not any(m.experienced for m in eligible):
        conflict(ConflictCode.NO_EXPERIENCED_AVAILABLE, required=slot.required)
    for skill in sorted(slot.required_skills):
        if not any(skill in m.skills for m in eligible):
            conflict(ConflictCode.SKILL_NOT_AVAILABLE, skill=skill)
    return found


def _week_conflicts(
    problem: RosterProblem, index: RosterIndex, week: date, slot_ids: Sequence[str]
) -> list[Conflict]:
    """Weekly supply against weekly demand: all seats, experienced seats, skilled seats.

    Demand only counts what the slots could get at all (seats up to the free
    people, needs that someone free can meet, overlapping slots up to the people
    free for any of them), so a shortage already reported slot by slot or group
    by group does not also make its week look short. Counting less demand keeps
    the check sound: "needed > capacity" still proves infeasibility.
    """
    slots = [index.slot_by_id[s] for s in slot_ids if index.slot_by_id[s].required > 0]
    week_detail = {"week_start": week.isoformat(), "week_end": _week_end(week).isoformat()}
    found: list[Conflict] = []
    needed = _fillable(index, {s.id: min(s.required, len(index.eligible[s.id])) for s in slots})
    capacity = sum(index.capacity_in(m, [s.id for s in slots]) for m in index.members)
    if needed > capacity:
        found.append(
            Conflict(
                ConflictCode.WEEKLY_CAPACITY_TOO_LOW,
                day=week,
                detail={
                    **week_detail,
                    "needed": needed,
                    "capacity": capacity,
                    "held_elsewhere": sum(m.booked.get(week, 0) for m in index.members),
                },
            )
        )

    needs: list[tuple[ConflictCode, dict[str, Any], Callable[[Member], bool], set[str]]] = []
    if problem.rules.require_experienced:
        needs.append(
            (
                ConflictCode.EXPERIENCED_CAPACITY_TOO_LOW,
                {},
                lambda m: m.experienced,
                {s.id for s in slots},
            )
        )
    for skill in sorted({k for s in slots for k in s.required_skills}):
        needs.append(
            (
                ConflictCode.SKILL_CAPACITY_TOO_LOW,
                {"skill": skill},
                lambda m, skill=skill: skill in m.skills,  # type: ignore[misc]
                {s.id for s in slots if skill in s.required_skills},
            )
        )
    for code, extra, has, wanting in needs:
        # Only slots where someone free has it: the others are reported per slot.
        needing = [
            s.id
            for s in slots
            if s.id in wanting and any(has(index.member_by_id[m]) for m in index.eligible[s.id])
        ]
        people = [m for m in index.members if has(m)]
        supply = sum(index.capacity_in(m, needing) for m in people)
        demand = _fillable(index, dict.fromkeys(needing, 1), has)
        if demand > supply:
            found.append(
                Conflict(
                    code,
                    day=week,
                    detail={
                        **week_detail,
                        **extra,
                        "slots_needing": demand,
                        "capacity": supply,
                        "members": [_member_ref(m.id, index) for m in people],
                    },
                )
            )
    return found


def _fillable(
    index: RosterIndex,
    demand: Mapping[str, int],
    has: Callable[[Member], bool] = lambda member: True,
) -> int:
    """Total demand, less what overlapping slots could never get anyway.

    A group of overlapping slots can seat at most as many people (with the
    quality `has`) as are free for any of its slots. Groups may share slots, so
    this can discount twice; that only makes the count smaller, which keeps it a
    valid lower bound of the true demand.
    """
    total = sum(demand.values())
    for group in index.overlap_groups:
        wanted = sum(demand.get(slot_id, 0) for slot_id in group)
        people = {
            m for slot_id in group for m in index.eligible[slot_id] if has(index.member_by_id[m])
        }
        total -= max(0, wanted - len(people))
    return total


def groups_explained_by(conflict: Conflict, index: RosterIndex) -> set[RuleGroup]:
    """The constraint groups a counted conflict already accounts for.

    They are switched off before asking CP-SAT, so the cores it finds are new
    reasons rather than the same one said again.
    """
    detail = conflict.detail
    code = conflict.code
    if code is ConflictCode.NOT_ENOUGH_AVAILABLE:
        slot = index.slot_by_id.get(conflict.slot_id or "")
        if detail["available"] == 0 and slot is not None:
            # Nobody free at all: the slot's experience and skill needs fail too,
            # and saying so again would add nothing.
            return {
                RuleGroup("cover", slot_id=slot.id),
                RuleGroup("experienced", slot_id=slot.id),
                *(RuleGroup("skill", slot_id=slot.id, skill=k) for k in slot.required_skills),
            }
        return {RuleGroup("cover", slot_id=conflict.slot_id)}
    if code is ConflictCode.NO_EXPERIENCED_AVAILABLE:
        return {RuleGroup("experienced", slot_id=conflict.slot_id)}
    if code is ConflictCode.SKILL_NOT_AVAILABLE:
        return {RuleGroup("skill", slot_id=conflict.slot_id, skill=detail["skill"])}
    if code is ConflictCode.OVERLAP_NOT_ENOUGH_PEOPLE:
        return {RuleGroup("cover", slot_id=ref["id"]) for ref in detail["slots"]}
    if conflict.day is None:
        return set()
    week_slots = index.weeks.get(conflict.day, ())
    if code is ConflictCode.WEEKLY_CAPACITY_TOO_LOW:
        return {RuleGroup("weekly", member_id=m.id, week=conflict.day) for m in index.members}
    if code is ConflictCode.EXPERIENCED_CAPACITY_TOO_LOW:
        return {RuleGroup("experienced", slot_id=s) for s in week_slots}
    if code is ConflictCode.SKILL_CAPACITY_TOO_LOW:
        return {RuleGroup("skill", slot_id=s, skill=detail["skill"]) for s in week_slots}
    return set()


# --------------------------------------------------------------------------- CP-SAT cores


def diagnose(
    problem: RosterProblem,
    index: RosterIndex,
    *,
    switched_off: set[RuleGroup],
    deadline: float,
) -> list[Conflict]:
    """Conflicts CP-SAT finds, week by week, beyond those in `switched_off`."""
    conflicts: list[Conflict] = []
    for week, slot_ids in sorted(index.weeks.items()):
        built = build_model(problem, index, "diagnose", slot_ids=slot_ids)
        active = sorted(
            (g for g in built.assumptions if g not in switched_off), key=_group_sort_key
        )
        for _ in range(_MAX_CORES_PER_WEEK):
            remaining = deadline - wallclock.monotonic()
            if remaining <= 0:
                break
            status, core = _solve_assuming(problem, built, active, remaining)
            if status != cp_model.INFEASIBLE or not core:
                # Satisfiable, or undecided in the time left: a week that merely
                # timed out is not blamed for anything.
                break
            core = _shrink(problem, built, core, deadline)
            conflicts.append(_conflict_from_core(index, week, core))
            active = [g for g in active if g not in set(core)]
    return conflicts


def _group_sort_key(group: RuleGroup) -> tuple[int, str, int, str]:
    return (
        _SHRINK_ORDER[group.rule],
        group.slot_id or "",
        group.member_id if group.member_id is not None else -1,
        group.skill or "",
    )


def _solve_assuming(
    problem: RosterProblem, built: RosterModel, groups: Sequence[RuleGroup], time_limit: float
) -> tuple[Any, list[RuleGroup]]:
    """Solve with `groups` assumed; on infeasibility, the groups CP-SAT blames."""
    built.model.clear_assumptions()
    built.model.add_assumptions([built.assumptions[g] for g in groups])
    # Deterministic time keeps the explanation identical from run to run.
    solver = make_solver(problem, time_limit, workers=1, presolve=False)
    status = solver.solve(built.model)
    if status != cp_model.INFEASIBLE:
        return status, []
    by_index = {built.assumptions[g].index: g for g in groups}
    blamed = {
        by_index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in by_index
    }
    # Keep the caller's order; an empty answer means "all of them" to be safe.
    return status, [g for g in groups if g in blamed] or list(groups)


def _shrink(
    problem: RosterProblem, built: RosterModel, core: list[RuleGroup], deadline: float
) -> list[RuleGroup]:
    """Deletion-based shrinking to a minimal clashing set (when time allows).

    A group is necessary when the others alone are satisfiable. A necessary group
    stays necessary in any subset, so each group is tried once. If time runs out
    the set is still sufficient, just maybe not minimal.
    """
    confirmed: list[RuleGroup] = []
    pending = list(core)
    while pending:
        candidate = pending.pop(0)
        remaining = deadline - wallclock.monotonic()
        if remaining <= 0:
            return [*confirmed, candidate, *pending]
        trial = confirmed + pending
        status, smaller = _solve_assuming(problem, built, trial, min(remaining, 2.0))
        if status == cp_model.INFEASIBLE and trial:
            keep = set(smaller)
            pending = [g for g in pending if g in keep]
        else:
            confirmed.append(candidate)
    return confirmed


def _conflict_from_core(index: RosterIndex, week: date, core: Sequence[RuleGroup]) -> Conflict:
    slot_ids = sorted({g.slot_id for g in core if g.slot_id is not None}, key=_slot_order(index))
    member_ids = sorted({g.member_id for g in core if g.member_id is not None})
    rules = sorted(
        {g.rule if g.rule != "skill" else f"skill:{g.skill}" for g in core if g.rule != "weekly"},
        key=_rule_order,
    )
    slots = [index.slot_by_id[s] for s in slot_ids]
    detail: dict[str, Any] = {
        "week_start": week.isoformat(),
        "week_end": _week_end(week).isoformat(),
        "slots": [_slot_ref(s) for s in slots],
        "rules": rules,
    }
    if member_ids:
        detail["members"] = [_member_ref(m, index) for m in member_ids]
        return Conflict(
            ConflictCode.WEEKLY_LIMIT_CONFLICT,
            slot_id=slot_ids[0] if len(slot_ids) == 1 else None,
            member_id=member_ids[0] if len(member_ids) == 1 else None,
            day=week,
            detail=detail,
        )
    if len(slots) == 1:
        slot = slots[0]
        single_rule: dict[tuple[str, ...], ConflictCode] = {
            ("cover",): ConflictCode.NOT_ENOUGH_AVAILABLE,
            ("experienced",): ConflictCode.NO_EXPERIENCED_AVAILABLE,
        }
        simple = single_rule.get(tuple(rules))
        if simple is None and len(rules) == 1 and rules[0].startswith("skill:"):
            simple = ConflictCode.SKILL_NOT_AVAILABLE
        if simple is not None:
            # Counting normally finds these; should the core find one alone, it
            # is worded the same way.
            eligible = list(index.eligible[slot.id])
            detail = {
                "kind": slot.kind,
                "required": slot.required,
                "available": len(eligible),
                "available_member_ids": eligible,
            }
            if simple is ConflictCode.SKILL_NOT_AVAILABLE:
                detail["skill"] = rules[0].removeprefix("skill:")
            return Conflict(simple, slot_id=slot.id, day=slot.day, detail=detail)
        return Conflict(
            ConflictCode.SLOT_REQUIREMENTS_CONFLICT,
            slot_id=slot.id,
            day=slot.day,
            detail={
                **detail,
                "kind": slot.kind,
                "required": slot.required,
                "available_member_ids": list(index.eligible[slot.id]),
            },
        )
    days = {s.day for s in slots}
    same_day = len(days) == 1
    return Conflict(
        ConflictCode.RULES_CONFLICT,
        day=slots[0].day if same_day else week,
        detail={**detail, "same_day": same_day},
    )


def _slot_order(index: RosterIndex) -> Callable[[str], int]:
    position = {slot.id: i for i, slot in enumerate(index.slots)}
    return lambda slot_id: position[slot_id]


def _rule_order(rule: str) -> tuple[int, str]:
    return ({"cover": 0, "experienced": 1}.get(rule, 2), rule)


def _slot_ref(slot: Slot) -> dict[str, Any]:
    return {"id": slot.id, "day": slot.day.isoformat(), "kind": slot.kind}


def _member_ref(member_id: int, index: RosterIndex) -> dict[str, Any]:
    member = index.member_by_id[member_id]
    return {"id": member.id, "name": member.name, "limit": member.max_shifts_per_week}


def _week_end(week: date) -> date:
    return week + timedelta(days=6)
