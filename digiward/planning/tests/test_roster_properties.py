"""Property tests: on tiny random instances, CP-SAT agrees with brute force.

Brute force enumerates every roster with exactly `required` free people per
slot, keeps those `validate_roster` accepts, and prices them with an objective
written here from the definitions (not from the model). So:

- a roster exists  ⇔  solve_roster does not say INFEASIBLE;
- a returned roster passes validate_roster and has the brute-force optimum;
- an INFEASIBLE answer always has conflicts and a draft that keeps every hard
  rule except coverage.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from digiward.planning.roster import (
    Availability,
    Member,
    RosterProblem,
    RosterRules,
    RosterStatus,
    Slot,
    round_robin_roster,
    solve_roster,
    validate_roster,
)
from digiward.planning.roster_check import consecutive_runs, shift_counts
from digiward.planning.roster_types import RosterIndex, share_band

MONDAY = date(2026, 3, 2)
SKILLS = ["khmer", "sign_language"]


@st.composite
def problems(draw, min_members=0):
    slots = []
    for i in range(draw(st.integers(1, 4))):
        slots.append(
            Slot(
                id=f"s{i}",
                # Days 0-2 and 7: consecutive days and two ISO weeks.
                day=MONDAY + timedelta(days=draw(st.sampled_from([0, 1, 2, 7]))),
                kind=draw(st.sampled_from(["morning", "afternoon"])),
                required=draw(st.integers(0, 2)),
                # Skills are rare, as in practice; otherwise most instances are infeasible.
                required_skills=draw(
                    st.sampled_from([frozenset(), frozenset(), frozenset(), frozenset(SKILLS[:1])])
                ),
            )
        )
    keys = sorted({(s.day.weekday(), s.kind) for s in slots})
    days = sorted({s.day for s in slots})
    members = []
    answers = [Availability.AVAILABLE, Availability.PREFER_NOT, Availability.UNAVAILABLE]
    for member_id in range(1, draw(st.integers(min_members, 4)) + 1):
        members.append(
            Member(
                id=member_id,
                name=f"Thành viên {member_id}",
                skills=draw(st.frozensets(st.sampled_from(SKILLS), max_size=2)),
                experienced=draw(st.sampled_from([True, True, False])),
                max_shifts_per_week=draw(st.sampled_from([0, 1, 2, 3, 3])),
                availability=draw(
                    st.dictionaries(st.sampled_from(keys), st.sampled_from(answers), max_size=2)
                ),
                absences=draw(st.frozensets(st.sampled_from(days), max_size=1)),
            )
        )
    pattern = draw(
        st.frozensets(
            st.tuples(
                st.integers(1, 4), st.integers(0, 2), st.sampled_from(["morning", "afternoon"])
            ),
            max_size=3,
        )
    )
    rules = RosterRules(
        max_consecutive_days=draw(st.integers(1, 2)),
        require_experienced=draw(st.booleans()),
        previous_pattern=pattern,
    )
    # Tiny problems solve in milliseconds; the generous limit only guards against a busy CI machine.
    return RosterProblem(members=members, slots=slots, rules=rules, time_limit_seconds=30.0)


def all_valid_rosters(prob):
    index = RosterIndex.build(prob)
    choices = [
        [
            [(slot.id, m) for m in combo]
            for combo in itertools.combinations(index.eligible[slot.id], slot.required)
        ]
        for slot in index.slots
    ]
    for pick in itertools.product(*choices):
        roster = [pair for seats in pick for pair in seats]
        if not validate_roster(prob, roster):
            yield roster


def objective(prob, roster):
    """The cost from the definitions in RosterRules, written independently of the model."""
    index = RosterIndex.build(prob)
    rules = prob.rules
    cost = 0
    counts = shift_counts(index, roster)
    for member in index.members:
        low, high = share_band(index.fair_share[member.id])
        k = max(0, counts[member.id] - high, low - counts[member.id])
        # The k-th shift outside the band costs k × weight (exact up to 4, then linear).
        cost += max(rules.fairness_weight * ((j + 1) * k - j * (j + 1) // 2) for j in range(4))
    usual = {}
    for member_id, weekday, kind in rules.previous_pattern:
        usual.setdefault(member_id, set()).add((weekday, kind))
    worked = {m.id: [] for m in index.members}
    for slot_id, member_id in roster:
        slot, member = index.slot_by_id[slot_id], index.member_by_id[member_id]
        worked[member_id].append(slot.day)
        if member.availability_for(slot) is Availability.PREFER_NOT:
            cost += rules.preference_weight
        if usual.get(member_id) and (slot.day.weekday(), slot.kind) not in usual[member_id]:
            cost += rules.stability_weight
    for days in worked.values():
        for _, _, length in consecutive_runs(days):
            cost += rules.consecutive_weight * max(0, length - rules.max_consecutive_days)
    return cost


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(problems(), problems(min_members=3)))
def test_solver_agrees_with_brute_force(prob):
    rosters = list(all_valid_rosters(prob))
    result = solve_roster(prob)
    event(f"status={result.status.value}, seats={sum(s.required for s in prob.slots)}")
    for c in result.conflicts:
        event(c.code.value)
    if not rosters:
        assert result.status is RosterStatus.INFEASIBLE
        assert result.assignments == []
        assert result.conflicts
        assert validate_roster(prob, result.draft_assignments, allow_unfilled=True) == []
        return
    assert result.status is RosterStatus.OPTIMAL
    assert validate_roster(prob, result.assignments) == []
    assert result.objective == min(objective(prob, r) for r in rosters)
    assert objective(prob, result.assignments) == result.objective
    assert sum(result.objective_breakdown.values()) == result.objective


@settings(max_examples=40, deadline=None)
@given(problems())
def test_round_robin_status_matches_its_violations(prob):
    result = round_robin_roster(prob)
    broken = validate_roster(prob, result.assignments)
    assert (result.status is RosterStatus.FEASIBLE) == (not broken)
    # Whatever else it breaks, the baseline never books the unavailable or absent.
    assert not [e for e in broken if "unavailable" in e or "absent" in e]
