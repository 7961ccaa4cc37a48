"""Fair duty rosters for the help desk, with CP-SAT (pure Python, no Django).

The ward's digital-education team takes turns at the public-service help desk.
`solve_roster` turns members (skills, experience, weekly limits, availability,
absences) and dated slots into a roster that keeps every hard rule and is as fair
and as considerate as the weights ask:

HARD  availability and absences; exactly `required` people per slot; weekly
      limits; one experienced member per slot; every required skill present;
      nobody in two overlapping slots.
SOFT  shifts close to each member's fair share (normalised by what they can
      give); PREFER_NOT respected; at most N consecutive days; the previous
      weekday/kind pattern kept.

When the hard rules cannot all hold, nothing is silently broken: the result is
INFEASIBLE with machine-readable `conflicts` (counting first, then CP-SAT
assumption cores; `describe_vi` words them) and a clearly separate `draft`
that keeps every hard rule except coverage, with the seats still to fill.

This module is the public API; the work is split across `roster_types`
(dataclasses), `roster_cpsat` (the model), `roster_explain` (conflicts),
`roster_wording` (describe_vi / describe_en) and `roster_check` (validation,
metrics, round-robin baseline).
"""

from __future__ import annotations

import math
import time as wallclock
from typing import Any

from ortools.sat.python import cp_model

from digiward.planning.roster_check import (
    FairnessMetrics,
    fairness_metrics,
    round_robin_roster,
    shift_counts,
    soft_violations,
    validate_roster,
)
from digiward.planning.roster_cpsat import RosterModel, build_model, make_solver
from digiward.planning.roster_explain import diagnose, groups_explained_by, precheck
from digiward.planning.roster_types import (
    Availability,
    Conflict,
    ConflictCode,
    DraftGap,
    Member,
    RosterIndex,
    RosterProblem,
    RosterResult,
    RosterRules,
    RosterStatus,
    Slot,
    SoftCode,
    SoftViolation,
    pattern_from_assignments,
    water_fill,
)
from digiward.planning.roster_wording import describe_en, describe_vi

__all__ = [
    "Availability",
    "Conflict",
    "ConflictCode",
    "DraftGap",
    "FairnessMetrics",
    "Member",
    "RosterProblem",
    "RosterResult",
    "RosterRules",
    "RosterStatus",
    "Slot",
    "SoftCode",
    "SoftViolation",
    "describe_en",
    "describe_vi",
    "fairness_metrics",
    "pattern_from_assignments",
    "round_robin_roster",
    "solve_roster",
    "validate_roster",
]

# Share of the explanation budget given to the CP-SAT diagnosis; the rest goes
# to the draft, which the manager needs in any case.
_DIAGNOSIS_SHARE = 0.5
# Explaining an infeasible problem gets at least this much of the time limit
# even when proving infeasibility used it up: an INFEASIBLE without a reason or
# a draft is of little use to the manager.
_MIN_EXPLAIN_SHARE = 0.5


def solve_roster(problem: RosterProblem) -> RosterResult:
    """The best roster CP-SAT finds within the time limit, or why there is none."""
    started = wallclock.monotonic()
    index = RosterIndex.build(problem)
    if not any(slot.required for slot in index.slots):
        return RosterResult(
            status=RosterStatus.OPTIMAL,
            objective=0.0,
            best_bound=0.0,
            relative_gap=0.0,
            shift_counts=shift_counts(index, []),
            fair_shares=dict(index.fair_share),
        )

    conflicts = precheck(problem, index)
    if not conflicts:
        built = build_model(problem, index, "optimise")
        built.model.minimize(built.soft_cost())
        solver = make_solver(problem, problem.time_limit_seconds)
        status = solver.solve(built.model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _solved(problem, index, built, solver, status, started)
        if status == cp_model.MODEL_INVALID:
            raise RuntimeError(f"invalid CP-SAT model: {built.model.validate()}")
        if status != cp_model.INFEASIBLE:
            return RosterResult(
                status=RosterStatus.UNKNOWN,
                solve_seconds=wallclock.monotonic() - started,
                fair_shares=dict(index.fair_share),
            )
    return _explain_infeasible(problem, index, conflicts, started)


def _solved(
    problem: RosterProblem,
    index: RosterIndex,
    built: RosterModel,
    solver: cp_model.CpSolver,
    status: Any,
    started: float,
) -> RosterResult:
    assignments = _chosen(built, solver)
    # Every cost is an integer, but CP-SAT reports doubles that can come back as
    # 0.9999999999999998 (found by the property test). Rounding the objective is
    # exact; the bound may be raised to the next integer, as no integer
    # objective can lie below it.
    objective = float(round(solver.objective_value))
    bound = float(math.ceil(solver.best_objective_bound - 1e-6))
    optimal = status == cp_model.OPTIMAL
    return RosterResult(
        status=RosterStatus.OPTIMAL if optimal else RosterStatus.FEASIBLE,
        assignments=assignments,
        objective=objective,
        best_bound=objective if optimal else bound,
        # CP-SAT's own definition, so the figure matches its logs.
        relative_gap=0.0 if optimal else abs(objective - bound) / max(1.0, abs(objective)),
        solve_seconds=wallclock.monotonic() - started,
        shift_counts=shift_counts(index, assignments),
        fair_shares=dict(index.fair_share),
        objective_breakdown={name: int(solver.value(e)) for name, e in built.costs.items()},
        soft_violations=soft_violations(problem, assignments, index=index),
    )


def _chosen(built: RosterModel, solver: cp_model.CpSolver) -> list[tuple[str, int]]:
    """The (slot, member) pairs set to 1, in date order then member id."""
    return [pair for pair, var in built.x.items() if solver.boolean_value(var)]


def _explain_infeasible(
    problem: RosterProblem,
    index: RosterIndex,
    counted: list[Conflict],
    started: float,
) -> RosterResult:
    limit = problem.time_limit_seconds
    explain_started = wallclock.monotonic()
    budget = max(limit - (explain_started - started), _MIN_EXPLAIN_SHARE * limit)
    diagnosis_deadline = explain_started + budget * _DIAGNOSIS_SHARE
    conflicts = list(counted)
    if not any(c.code is ConflictCode.NO_MEMBERS for c in counted):
        switched_off = set().union(*(groups_explained_by(c, index) for c in counted))
        conflicts += diagnose(
            problem, index, switched_off=switched_off, deadline=diagnosis_deadline
        )
    if not conflicts:
        # Proven infeasible, but the diagnosis found no reason in the time it
        # had (every week it could check was satisfiable on its own, or the
        # checks timed out): say so rather than pretend to know why.
        conflicts = [Conflict(ConflictCode.UNEXPLAINED)]
    draft_budget = max(budget - (wallclock.monotonic() - explain_started), 0.2 * budget)
    draft, unfilled, gaps, shares = _draft(problem, index, draft_budget)
    return RosterResult(
        status=RosterStatus.INFEASIBLE,
        solve_seconds=wallclock.monotonic() - started,
        shift_counts=shift_counts(index, draft),
        fair_shares=shares,
        soft_violations=soft_violations(problem, draft, index=index, shares=shares),
        conflicts=conflicts,
        draft_assignments=draft,
        unfilled=unfilled,
        draft_gaps=gaps,
    )


def _draft(
    problem: RosterProblem, index: RosterIndex, budget: float
) -> tuple[list[tuple[str, int]], list[tuple[str, int]], list[DraftGap], dict[int, float]]:
    """Best effort: fewest unfilled seats first, then the usual soft costs.

    Two phases rather than one big-M weight: the seat count is what matters, and
    the fair shares of the second phase depend on how many seats can be filled.
    """
    first = build_model(problem, index, "draft")
    first.model.minimize(first.total_unfilled())
    solver = make_solver(problem, budget * 0.4)
    status = solver.solve(first.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # Cannot happen in practice (all seats unfilled is always a solution),
        # but a time-out must still give a well-formed answer.
        unfilled = [(s.id, s.required) for s in index.slots if s.required]
        return [], unfilled, [], dict(index.fair_share)
    missing = int(solver.value(first.total_unfilled()))
    demand = sum(slot.required for slot in index.slots) - missing
    shares = water_fill(index.capacity, demand)

    second = build_model(problem, index, "draft", shares=shares)
    second.model.add(second.total_unfilled() <= missing)
    # No hint from the first phase: it ignores every soft cost, and measured on
    # the 60-member bench it made the second phase 3x slower, not faster.
    second.model.minimize(second.soft_cost())
    better = make_solver(problem, budget * 0.6)
    if better.solve(second.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        solver, chosen_model = better, second
    else:
        chosen_model = first
    draft = _chosen(chosen_model, solver)
    per_slot: dict[str, list[int]] = {}
    for slot_id, member_id in draft:
        per_slot.setdefault(slot_id, []).append(member_id)
    unfilled, gaps = [], []
    for slot in index.slots:
        people = [index.member_by_id[m] for m in per_slot.get(slot.id, [])]
        short = slot.required - len(people)
        if short <= 0:
            continue
        unfilled.append((slot.id, short))
        gaps.append(
            DraftGap(
                slot_id=slot.id,
                missing=short,
                needs_experienced=problem.rules.require_experienced
                and not any(p.experienced for p in people),
                needs_skills=frozenset(
                    k for k in slot.required_skills if not any(k in p.skills for p in people)
                ),
            )
        )
    return draft, unfilled, gaps, shares
