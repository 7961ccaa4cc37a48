"""The CP-SAT model of the duty roster, in its three uses.

- ``optimise``: every hard rule as a constraint, the soft rules as a weighted cost.
- ``diagnose``: the hard rules only, each group behind an enforcement literal that
  is passed to CP-SAT as an assumption, so an infeasible model answers with the
  groups that clash (``sufficient_assumptions_for_infeasibility``).
- ``draft``: coverage relaxed by "unfilled seat" variables; every other hard rule
  is kept, and an unfilled seat may stand for the experienced person or the skill
  a slot still lacks (the person the manager has to find).

Why the fairness term looks the way it does: minimising max−min of shift counts
gives CP-SAT a linear relaxation whose bound is 0 while the integer optimum is
usually 1 shift, so the gap never closes on large instances. Instead each member
gets a fair *band* [floor(share), ceil(share)] from max-min fair shares
(`roster_types.water_fill`), and only the shifts outside the band cost, convexly.
Every member inside their band is exactly "max−min at most one shift" for equal
shares, and the relaxation's bound of 0 is then also the integer optimum.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from ortools.sat.python import cp_model

from digiward.planning.roster_types import (
    Availability,
    RosterIndex,
    RosterProblem,
    share_band,
    week_of,
)

Mode = Literal["optimise", "diagnose", "draft"]
# Convex fairness cost: the k-th shift outside the band costs k × weight. The
# lines below are exact up to this many shifts and keep growing linearly after.
_FAIRNESS_TIERS = 4


@dataclass(frozen=True)
class RuleGroup:
    """One group of hard constraints that can be switched off in a diagnosis."""

    rule: Literal["cover", "experienced", "skill", "weekly"]
    slot_id: str | None = None
    member_id: int | None = None
    week: date | None = None
    skill: str | None = None


@dataclass
class RosterModel:
    """A built CP-SAT model with handles on the variables the callers read."""

    model: cp_model.CpModel
    x: dict[tuple[str, int], cp_model.IntVar]
    unfilled: dict[str, cp_model.IntVar] = field(default_factory=dict)
    assumptions: dict[RuleGroup, cp_model.IntVar] = field(default_factory=dict)
    costs: dict[str, cp_model.LinearExprT] = field(default_factory=dict)

    def total_unfilled(self) -> cp_model.LinearExprT:
        return sum(self.unfilled.values(), start=cp_model.LinearExpr.constant(0))

    def soft_cost(self) -> cp_model.LinearExprT:
        return sum(self.costs.values(), start=cp_model.LinearExpr.constant(0))


def build_model(
    problem: RosterProblem,
    index: RosterIndex,
    mode: Mode,
    *,
    slot_ids: Collection[str] | None = None,
    shares: Mapping[int, float] | None = None,
) -> RosterModel:
    """Build the model over all slots, or over `slot_ids` (a diagnosis of one week)."""
    rules = problem.rules
    if rules.max_consecutive_days < 1:
        raise ValueError("max_consecutive_days must be at least 1")
    wanted = set(slot_ids) if slot_ids is not None else None
    slots = [s for s in index.slots if wanted is None or s.id in wanted]
    model = cp_model.CpModel()
    x = {
        (slot.id, member_id): model.new_bool_var(f"x[{slot.id},{member_id}]")
        for slot in slots
        for member_id in index.eligible[slot.id]
    }
    built = RosterModel(model=model, x=x)

    def enforce(constraint: cp_model.Constraint, group: RuleGroup) -> None:
        if mode != "diagnose":
            return
        literal = built.assumptions.get(group)
        if literal is None:
            literal = model.new_bool_var(f"assume[{group}]")
            built.assumptions[group] = literal
        constraint.only_enforce_if(literal)

    for slot in slots:
        seats = [x[slot.id, m] for m in index.eligible[slot.id]]
        # In a draft an unfilled seat is the person still to find, so it counts
        # towards coverage and may stand for the missing experience or skill.
        missing: cp_model.LinearExprT = cp_model.LinearExpr.constant(0)
        if mode == "draft":
            gap = model.new_int_var(0, slot.required, f"unfilled[{slot.id}]")
            built.unfilled[slot.id] = gap
            missing = gap
        enforce(
            model.add(sum(seats, start=missing) == slot.required),
            RuleGroup("cover", slot_id=slot.id),
        )
        if slot.required == 0:
            continue
        if rules.require_experienced:
            experienced = [
                x[slot.id, m] for m in index.eligible[slot.id] if index.member_by_id[m].experienced
            ]
            enforce(
                model.add(sum(experienced, start=missing) >= 1),
                RuleGroup("experienced", slot_id=slot.id),
            )
        for skill in sorted(slot.required_skills):
            skilled = [
                x[slot.id, m]
                for m in index.eligible[slot.id]
                if skill in index.member_by_id[m].skills
            ]
            enforce(
                model.add(sum(skilled, start=missing) >= 1),
                RuleGroup("skill", slot_id=slot.id, skill=skill),
            )

    # Weekly limits. A limit no roster could reach is left out: it changes
    # nothing and would only clutter the diagnosis cores.
    by_member_week: dict[tuple[int, date], list[cp_model.IntVar]] = {}
    for (slot_id, member_id), var in x.items():
        week = week_of(index.slot_by_id[slot_id].day)
        by_member_week.setdefault((member_id, week), []).append(var)
    for (member_id, week), week_vars in sorted(by_member_week.items()):
        limit = index.member_by_id[member_id].weekly_limit(week)
        if len(week_vars) > limit:
            enforce(
                model.add(sum(week_vars) <= limit),
                RuleGroup("weekly", member_id=member_id, week=week),
            )

    # No double booking: never switched off, it is a fact, not a policy.
    for group in index.overlap_groups:
        in_model = [slot_id for slot_id in group if wanted is None or slot_id in wanted]
        for member in index.members:
            literals = [x[s, member.id] for s in in_model if (s, member.id) in x]
            if len(literals) > 1:
                model.add_at_most_one(literals)

    if mode != "diagnose":
        _add_soft_costs(problem, index, built, shares or index.fair_share)
    return built


def _add_soft_costs(
    problem: RosterProblem,
    index: RosterIndex,
    built: RosterModel,
    shares: Mapping[int, float],
) -> None:
    rules = problem.rules
    model, x = built.model, built.x
    zero = cp_model.LinearExpr.constant(0)

    # Fairness: only shifts outside [floor(share), ceil(share)] cost (see module doc).
    fairness_terms: list[cp_model.IntVar] = []
    if rules.fairness_weight > 0:
        for member in index.members:
            member_vars = [var for (_, m), var in x.items() if m == member.id]
            low, high = share_band(shares.get(member.id, 0.0))
            count = sum(member_vars, start=zero)
            worst = max(high, len(member_vars) - low, 0)
            dev = model.new_int_var(0, worst, f"dev[{member.id}]")
            model.add(dev >= count - high)
            model.add(dev >= low - count)
            top = rules.fairness_weight * worst * (worst + 1) // 2
            cost = model.new_int_var(0, max(top, 0), f"fair[{member.id}]")
            for tier in range(_FAIRNESS_TIERS):
                # The line through (tier, f(tier)) and (tier+1, f(tier+1)) of
                # f(k) = w·k(k+1)/2: cost >= w·((tier+1)·dev − tier(tier+1)/2).
                model.add(
                    cost >= rules.fairness_weight * ((tier + 1) * dev - tier * (tier + 1) // 2)
                )
            fairness_terms.append(cost)
    built.costs["fairness"] = sum(fairness_terms, start=zero)

    prefer_not = [
        var
        for (slot_id, m), var in x.items()
        if index.member_by_id[m].availability_for(index.slot_by_id[slot_id])
        is Availability.PREFER_NOT
    ]
    built.costs["preferences"] = rules.preference_weight * sum(prefer_not, start=zero)

    built.costs["consecutive"] = rules.consecutive_weight * sum(
        _consecutive_excess(problem, index, built), start=zero
    )

    pattern: dict[int, set[tuple[int, str]]] = {}
    for member_id, weekday, kind in rules.previous_pattern:
        pattern.setdefault(member_id, set()).add((weekday, kind))
    off_pattern = []
    for (slot_id, m), var in x.items():
        usual = pattern.get(m)
        slot = index.slot_by_id[slot_id]
        if usual and (slot.day.weekday(), slot.kind) not in usual:
            off_pattern.append(var)
    built.costs["stability"] = rules.stability_weight * sum(off_pattern, start=zero)


def _consecutive_excess(
    problem: RosterProblem,
    index: RosterIndex,
    built: RosterModel,
) -> list[cp_model.IntVar]:
    """One 0/1 excess per window of N+1 consecutive days a member could fill.

    A run of L worked days (L > N) fills exactly L−N such windows, so the sum of
    the excess variables is the number of days beyond the limit.
    """
    limit = problem.rules.max_consecutive_days
    model, x = built.model, built.x
    days_of: dict[int, dict[date, list[cp_model.IntVar]]] = {}
    for (slot_id, m), var in x.items():
        days_of.setdefault(m, {}).setdefault(index.slot_by_id[slot_id].day, []).append(var)
    excess: list[cp_model.IntVar] = []
    for m, per_day in sorted(days_of.items()):
        windows = [
            [day + timedelta(days=k) for k in range(limit + 1)]
            for day in sorted(per_day)
            if all(day + timedelta(days=k) in per_day for k in range(limit + 1))
        ]
        if not windows:
            continue
        worked: dict[date, cp_model.IntVar] = {}
        for window in windows:
            for day in window:
                if day not in worked:
                    worked[day] = model.new_bool_var(f"works[{m},{day}]")
                    for var in per_day[day]:
                        model.add_implication(var, worked[day])
            over = model.new_bool_var(f"over[{m},{window[0]}]")
            model.add(sum(worked[day] for day in window) <= limit + over)
            excess.append(over)
    return excess


def make_solver(
    problem: RosterProblem,
    time_limit: float,
    *,
    workers: int | None = None,
    presolve: bool = True,
) -> cp_model.CpSolver:
    """A solver configured for the problem's seed, workers and determinism.

    Measured on this 2-core machine (bench/bench_roster.py, 60 members × 4 weeks):
    the LP with every constraint linearised (CP-SAT's `max_lp`) bounds this model
    at the optimum within 0.3 s, so what matters is running that subsolver. The
    default 2-worker portfolio does not: it stayed at a 96 % gap after 20 s. The
    full deterministic portfolio proved the optimum in 13-15 s; restricted to
    max_lp, core and reduced_costs (plus the LNS CP-SAT always adds) in 0.7-3 s.
    """
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = max(1, workers if workers is not None else problem.workers)
    params.random_seed = problem.random_seed
    params.cp_model_presolve = presolve
    limit = max(time_limit, 0.01)
    if params.num_workers == 1:
        params.linearization_level = 2
    else:
        params.subsolvers.extend(["max_lp", "core", "reduced_costs"])
    if problem.deterministic:
        # Deterministic time makes the result independent of machine load. One
        # unit cost 1.3-2 s of wall time on this machine under load (bench),
        # so the wall-clock limit is a safety net that only a very busy machine
        # reaches; when it does, the roster is still valid but may differ.
        params.max_deterministic_time = limit
        params.max_time_in_seconds = limit * 2 + 1
        params.interleave_search = params.num_workers > 1
    else:
        params.max_time_in_seconds = limit
    return solver
