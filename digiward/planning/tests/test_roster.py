"""The duty roster: every hard rule, the soft rules, the draft, determinism, baseline.

Each hard-rule test is built so that breaking the rule would be *cheaper* for the
objective (someone else "prefers not", fairness is off, ...): if the rule were
dropped from the model, the solver would break it and the test would fail.
"""

from __future__ import annotations

import dataclasses
from datetime import date, time, timedelta

import pytest

from digiward.planning.roster import (
    Availability,
    Member,
    RosterProblem,
    RosterRules,
    RosterStatus,
    Slot,
    SoftCode,
    fairness_metrics,
    pattern_from_assignments,
    round_robin_roster,
    solve_roster,
    validate_roster,
)
from digiward.planning.roster_check import consecutive_runs
from digiward.planning.roster_types import water_fill

MONDAY = date(2026, 3, 2)
NO = Availability.UNAVAILABLE
MEH = Availability.PREFER_NOT
# Hard-rule tests switch fairness off so that only preferences pull the solver.
ONLY_PREFERENCES = RosterRules(fairness_weight=0, stability_weight=0, consecutive_weight=0)


def day(offset):
    return MONDAY + timedelta(days=offset)


def member(id, *, experienced=True, skills=(), max_week=5, prefer_not=(), no=(), absent=()):
    availability = dict.fromkeys(prefer_not, MEH) | dict.fromkeys(no, NO)
    return Member(
        id=id,
        name=f"Thành viên {id}",
        skills=frozenset(skills),
        experienced=experienced,
        max_shifts_per_week=max_week,
        availability=availability,
        absences=frozenset(absent),
    )


def slot(id, offset=0, kind="morning", required=1, skills=(), start=None, end=None):
    return Slot(
        id=id,
        day=day(offset),
        kind=kind,
        required=required,
        required_skills=frozenset(skills),
        start=start,
        end=end,
    )


def problem(members, slots, rules=ONLY_PREFERENCES, **kwargs):
    return RosterProblem(
        members=members, slots=slots, rules=rules, time_limit_seconds=5.0, **kwargs
    )


def solved(prob):
    result = solve_roster(prob)
    assert result.status is RosterStatus.OPTIMAL, result.conflicts
    assert validate_roster(prob, result.assignments) == []
    return result


def who(result, slot_id):
    return sorted(m for s, m in result.assignments if s == slot_id)


MON_MORNING = (0, "morning")


# --------------------------------------------------------------------------- hard rules


def test_never_assigns_an_unavailable_member():
    # Member 2 would cost nothing; member 1 "prefers not" but is the only legal choice.
    prob = problem([member(1, prefer_not=[MON_MORNING]), member(2, no=[MON_MORNING])], [slot("s")])
    assert who(solved(prob), "s") == [1]


def test_never_assigns_an_absent_member():
    prob = problem([member(1, prefer_not=[MON_MORNING]), member(2, absent=[day(0)])], [slot("s")])
    assert who(solved(prob), "s") == [1]


def test_coverage_is_exactly_the_required_number():
    everyone_meh = [MON_MORNING]
    prob = problem(
        [member(i, prefer_not=everyone_meh) for i in range(1, 5)], [slot("s", required=3)]
    )
    assert len(who(solved(prob), "s")) == 3


def test_coverage_is_not_exceeded_when_fairness_would_like_more():
    # Shares are computed from the seats, so over-staffing could never look fair;
    # still, the count must be exact even with fairness at full weight.
    prob = problem([member(i) for i in range(1, 5)], [slot("s", required=2)], rules=RosterRules())
    assert len(who(solved(prob), "s")) == 2


def test_weekly_limit_is_respected():
    slots = [slot(f"d{d}", d) for d in range(5)]
    others_meh = [(d, "morning") for d in range(5)]
    prob = problem([member(1, max_week=2), member(2, prefer_not=others_meh)], slots)
    result = solved(prob)
    assert result.shift_counts == {1: 2, 2: 3}


def test_weekly_limit_counts_iso_weeks():
    # Friday to Tuesday crosses a week boundary: two shifts in each week are fine.
    slots = [slot(f"d{d}", d) for d in (3, 4, 7, 8)]
    result = solved(problem([member(1, max_week=2)], slots))
    assert result.shift_counts == {1: 4}


def test_shifts_already_held_in_the_week_count_against_the_limit():
    # A week spanning two months: member 1 already holds 2 of their 3 shifts of this
    # week in the other month's roster, so this roster may give only one more, although
    # member 2 "prefers not" every day.
    slots = [slot(f"d{d}", d) for d in range(3)]
    others_meh = [(d, "morning") for d in range(3)]
    held = dataclasses.replace(member(1, max_week=3), booked={MONDAY: 2})
    prob = problem([held, member(2, prefer_not=others_meh)], slots)
    assert solved(prob).shift_counts == {1: 1, 2: 2}
    # The validator and the hand-made rota count them too.
    assert validate_roster(prob, [("d0", 1), ("d1", 1), ("d2", 2)])
    assert round_robin_roster(prob).shift_counts.get(1, 0) <= 1


def test_each_slot_has_an_experienced_member():
    prob = problem([member(1, prefer_not=[MON_MORNING]), member(2, experienced=False)], [slot("s")])
    assert who(solved(prob), "s") == [1]


def test_experience_rule_can_be_switched_off():
    rules = dataclasses.replace(ONLY_PREFERENCES, require_experienced=False)
    prob = problem(
        [member(1, prefer_not=[MON_MORNING]), member(2, experienced=False)], [slot("s")], rules
    )
    assert who(solved(prob), "s") == [2]


def test_required_skill_is_covered():
    prob = problem(
        [member(1, skills=["sign_language"], prefer_not=[MON_MORNING]), member(2)],
        [slot("s", skills=["sign_language"])],
    )
    assert who(solved(prob), "s") == [1]


def test_every_required_skill_is_covered_by_someone():
    prob = problem(
        [
            member(1, skills=["khmer"], prefer_not=[MON_MORNING]),
            member(2, skills=["sign_language"], prefer_not=[MON_MORNING]),
            member(3),
            member(4),
        ],
        [slot("s", required=2, skills=["khmer", "sign_language"])],
    )
    assert who(solved(prob), "s") == [1, 2]


def test_no_double_booking_in_two_slots_of_the_same_day_and_kind():
    # Two desks open in the same morning; member 1 would happily take both.
    meh = [MON_MORNING]
    prob = problem([member(1), member(2, prefer_not=meh)], [slot("desk1"), slot("desk2")])
    result = solved(prob)
    assert sorted(who(result, "desk1") + who(result, "desk2")) == [1, 2]


def test_no_double_booking_in_slots_whose_times_overlap():
    slots = [
        slot("desk", kind="morning", start=time(7), end=time(11, 30)),
        slot("visit", kind="outreach", start=time(9), end=time(12)),
    ]
    meh = [MON_MORNING, (0, "outreach")]
    result = solved(problem([member(1), member(2, prefer_not=meh)], slots))
    assert sorted(who(result, "desk") + who(result, "visit")) == [1, 2]


def test_morning_and_afternoon_of_the_same_day_do_not_overlap():
    slots = [
        slot("am", kind="morning", start=time(7), end=time(11, 30)),
        slot("pm", kind="afternoon", start=time(13, 30), end=time(17)),
    ]
    meh = [MON_MORNING, (0, "afternoon")]
    result = solved(problem([member(1), member(2, prefer_not=meh)], slots))
    assert who(result, "am") == who(result, "pm") == [1]


# --------------------------------------------------------------------------- soft rules


def rota_problem(rules=None):
    """Six members, two weeks of morning and afternoon, 2 per slot, mixed availability.

    Members 1-2 cannot do mornings, 5-6 cannot do afternoons: a rota in id
    order piles shifts on whoever comes next after a gap.
    """
    slots = [
        slot(f"{d}-{kind}", d, kind, required=2)
        for d in [*range(6), *range(7, 13)]
        for kind in ("morning", "afternoon")
    ]
    mornings = [(w, "morning") for w in range(6)]
    afternoons = [(w, "afternoon") for w in range(6)]
    members = [
        member(1, no=mornings),
        member(2, no=mornings, experienced=False),
        member(3),
        member(4, experienced=False),
        member(5, no=afternoons),
        member(6, no=afternoons, experienced=False),
    ]
    return problem(members, slots, rules or RosterRules())


def test_fairness_beats_the_round_robin_rota():
    prob = rota_problem()
    ours = fairness_metrics(prob, solved(prob).assignments)
    theirs = fairness_metrics(prob, round_robin_roster(prob).assignments)
    assert ours.shift_spread <= 1
    assert ours.shift_spread < theirs.shift_spread
    assert ours.shift_std < theirs.shift_std
    assert ours.hard_violations == 0


def test_fair_shares_follow_what_each_member_can_give():
    # Member 1 can give one shift a week; the other two share the rest equally.
    slots = [slot(f"d{d}", d, required=1) for d in range(6)]
    prob = problem([member(1, max_week=1), member(2), member(3)], slots, RosterRules())
    result = solved(prob)
    assert result.fair_shares == {1: 1.0, 2: 2.5, 3: 2.5}
    assert result.shift_counts[1] == 1
    assert sorted([result.shift_counts[2], result.shift_counts[3]]) == [2, 3]


def test_water_fill_caps_small_capacities():
    assert water_fill({1: 2, 2: 10, 3: 10}, 12) == {1: 2.0, 2: 5.0, 3: 5.0}
    assert water_fill({1: 2, 2: 3}, 10) == {1: 2.0, 2: 3.0}
    assert water_fill({1: 0, 2: 4}, 3) == {1: 0.0, 2: 3.0}


def test_preferences_are_honoured_when_possible():
    slots = [slot(f"d{d}", d) for d in range(4)]
    prob = problem([member(1, prefer_not=[MON_MORNING]), member(2)], slots, RosterRules())
    result = solved(prob)
    assert who(result, "d0") == [2]
    assert not [v for v in result.soft_violations if v.code is SoftCode.PREFER_NOT]


def test_unavoidable_preference_is_reported():
    prob = problem([member(1, prefer_not=[MON_MORNING])], [slot("s")], RosterRules())
    result = solved(prob)
    [violation] = result.soft_violations
    assert violation.code is SoftCode.PREFER_NOT
    assert (violation.slot_id, violation.member_id, violation.day) == ("s", 1, day(0))
    assert result.objective_breakdown["preferences"] == RosterRules().preference_weight


def test_consecutive_day_limit_is_kept_when_it_is_worth_it():
    # Member 2 "prefers not" any day (cost 4 each), so without the limit member 1
    # would do all six days; an excess day costs 6, so runs of at most 2 win.
    every_day = [(w, "morning") for w in range(6)]
    rules = RosterRules(fairness_weight=0, max_consecutive_days=2)
    prob = problem(
        [member(1), member(2, prefer_not=every_day)], [slot(f"d{d}", d) for d in range(6)], rules
    )
    result = solved(prob)
    runs = consecutive_runs(day(int(s[1:])) for s, m in result.assignments if m == 1)
    assert max(length for _, _, length in runs) <= 2
    assert result.shift_counts[1] == 4


def test_unavoidable_consecutive_days_are_reported():
    rules = RosterRules(max_consecutive_days=3)
    prob = problem([member(1)], [slot(f"d{d}", d) for d in range(5)], rules)
    result = solved(prob)
    [violation] = [v for v in result.soft_violations if v.code is SoftCode.CONSECUTIVE_DAYS]
    assert violation.member_id == 1
    assert violation.day == day(0)
    assert violation.detail["length"] == 5
    assert result.objective_breakdown["consecutive"] == 2 * rules.consecutive_weight
    assert fairness_metrics(prob, result.assignments).consecutive_excess == 2


def test_stability_keeps_the_previous_weekday_pattern():
    # Last month member 1 did Mondays and member 2 Tuesdays. Member 1 mildly
    # prefers not to do Mondays, but here stability is weighted above preferences.
    slots = [slot(f"w{w}-{d}", 7 * w + d) for w in range(2) for d in (0, 1)]
    pattern = frozenset({(1, 0, "morning"), (2, 1, "morning")})
    rules = RosterRules(
        fairness_weight=0, preference_weight=1, stability_weight=5, previous_pattern=pattern
    )
    prob = problem([member(1, prefer_not=[MON_MORNING]), member(2)], slots, rules)
    result = solved(prob)
    assert who(result, "w0-0") == who(result, "w1-0") == [1]
    assert who(result, "w0-1") == who(result, "w1-1") == [2]


def test_preferences_outweigh_stability_with_default_weights():
    # Same set-up, default weights: "prefer not" (4) beats the usual pattern (1).
    slots = [slot("mon", 0), slot("tue", 1)]
    rules = RosterRules(fairness_weight=0, previous_pattern=frozenset({(1, 0, "morning")}))
    prob = problem([member(1, prefer_not=[MON_MORNING]), member(2)], slots, rules)
    result = solved(prob)
    assert who(result, "mon") == [2]
    assert not [v for v in result.soft_violations if v.code is SoftCode.PREFER_NOT]


def test_members_and_conflicts_are_hashable():
    assert len({member(1, no=[MON_MORNING]), member(1, no=[MON_MORNING])}) == 1
    prob = problem([member(1), member(2, no=[MON_MORNING])], [slot("s", required=2)])
    assert len(set(solve_roster(prob).conflicts)) == 1


def test_pattern_from_assignments():
    slots = [slot("mon", 0), slot("tue", 1, kind="afternoon")]
    assert pattern_from_assignments(slots, [("mon", 1), ("tue", 2), ("gone", 3)]) == {
        (1, 0, "morning"),
        (2, 1, "afternoon"),
    }


# --------------------------------------------------------------------------- infeasible: draft


def test_infeasible_problem_returns_no_roster_but_a_draft():
    # The morning needs two people; only member 1 is free then.
    prob = problem(
        [member(1), member(2, no=[MON_MORNING])],
        [slot("am", 0, required=2), slot("tue", 1, required=2)],
        RosterRules(),
    )
    result = solve_roster(prob)
    assert result.status is RosterStatus.INFEASIBLE
    assert not result.is_valid
    assert result.assignments == []
    assert [c.code.value for c in result.conflicts] == ["NOT_ENOUGH_AVAILABLE"]
    assert sorted(result.draft_assignments) == [("am", 1), ("tue", 1), ("tue", 2)]
    assert result.unfilled == [("am", 1)]
    [gap] = result.draft_gaps
    assert (gap.slot_id, gap.missing, gap.needs_experienced) == ("am", 1, False)
    assert validate_roster(prob, result.draft_assignments, allow_unfilled=True) == []
    assert validate_roster(prob, result.draft_assignments) != []


def test_draft_keeps_weekly_limits_availability_and_overlaps():
    members = [
        member(1, max_week=1),
        member(2, no=[(1, "morning")]),
        member(3, experienced=False, absent=[day(2)]),
    ]
    slots = [
        slot("a", 0, required=3),
        slot("b", 0, required=1),  # same morning as a: nobody left for it
        slot("c", 1, required=2),
        slot("d", 2, required=2, skills=["sign_language"]),
    ]
    prob = problem(members, slots, RosterRules())
    result = solve_roster(prob)
    assert result.status is RosterStatus.INFEASIBLE
    assert validate_roster(prob, result.draft_assignments, allow_unfilled=True) == []
    # The most the other rules allow: a = {1, 2, 3}; b nobody (all busy in a);
    # c only 3 (1 used its weekly shift, 2 is unavailable); d only 2 (3 absent).
    filled = len(result.draft_assignments)
    assert filled + sum(n for _, n in result.unfilled) == 8
    assert filled == 5
    gap_d = next(g for g in result.draft_gaps if g.slot_id == "d")
    assert gap_d.needs_skills == {"sign_language"}


def test_draft_leaves_seat_for_missing_experience():
    # Nobody experienced is free: the draft staffs what it can and says who is missing.
    prob = problem(
        [member(1, experienced=False), member(2, experienced=False)], [slot("s", required=2)]
    )
    result = solve_roster(prob)
    assert result.status is RosterStatus.INFEASIBLE
    assert len(result.draft_assignments) == 1
    assert result.unfilled == [("s", 1)]
    assert result.draft_gaps[0].needs_experienced


# --------------------------------------------------------------------------- determinism


def test_same_input_gives_the_same_roster():
    prob = rota_problem()
    first = solve_roster(prob)
    second = solve_roster(prob)
    assert first.assignments == second.assignments


def test_input_order_does_not_change_the_roster():
    prob = rota_problem()
    shuffled = dataclasses.replace(
        prob, members=list(reversed(prob.members)), slots=list(reversed(prob.slots))
    )
    assert solve_roster(prob).assignments == solve_roster(shuffled).assignments


@pytest.mark.parametrize("workers", [1, 2])
def test_assignments_come_in_date_order(workers):
    prob = dataclasses.replace(rota_problem(), workers=workers)
    result = solved(prob)
    order = [s.id for s in sorted(prob.slots, key=lambda s: (s.day, s.kind != "morning"))]
    positions = [order.index(s) for s, _ in result.assignments]
    assert positions == sorted(positions)


def test_non_deterministic_mode_still_gives_a_valid_optimal_roster():
    prob = dataclasses.replace(rota_problem(), deterministic=False)
    result = solved(prob)
    deterministic = solved(rota_problem())
    assert result.objective == deterministic.objective


# --------------------------------------------------------------------------- baseline, metrics


def test_round_robin_cycles_in_member_order_and_skips_the_unavailable():
    prob = problem(
        [member(1), member(2, no=[(1, "morning")]), member(3)],
        [slot(f"d{d}", d) for d in range(4)],
    )
    result = round_robin_roster(prob)
    assert result.assignments == [("d0", 1), ("d1", 3), ("d2", 1), ("d3", 2)]
    assert result.status is RosterStatus.FEASIBLE
    assert result.solver == "round-robin"


def test_round_robin_ignores_skills_and_is_flagged_invalid():
    prob = problem([member(1), member(2, skills=["khmer"])], [slot("s", skills=["khmer"])])
    result = round_robin_roster(prob)
    assert result.assignments == [("s", 1)]
    assert result.status is RosterStatus.INVALID
    assert fairness_metrics(prob, result.assignments).hard_violations == 1


def test_fairness_metrics_figures():
    prob = problem(
        [
            member(1, prefer_not=[MON_MORNING]),
            member(2),
            member(3, absent=[day(d) for d in range(3)]),
        ],
        [slot(f"d{d}", d) for d in range(3)],
    )
    metrics = fairness_metrics(prob, [("d0", 1), ("d1", 1), ("d2", 1)])
    # Member 3 is absent the whole time, so is not counted as "unfairly idle".
    assert metrics.members_counted == 2
    assert (metrics.min_shifts, metrics.max_shifts, metrics.shift_spread) == (0, 3, 3)
    assert metrics.shift_std == pytest.approx(1.5)
    assert metrics.max_share_deviation == pytest.approx(1.5)
    assert metrics.unmet_preferences == 1
    assert metrics.unfilled_seats == 0
    assert metrics.hard_violations == 0


def test_validate_roster_names_each_broken_rule():
    prob = problem(
        [member(1, max_week=1, no=[(1, "morning")]), member(2, experienced=False)],
        [slot("a", 0, required=1), slot("b", 0, required=1), slot("c", 1, skills=["khmer"])],
    )
    errors = validate_roster(prob, [("a", 1), ("b", 1), ("c", 1), ("c", 2), ("x", 9)])
    text = "\n".join(errors)
    assert "unknown slot 'x'" in text
    assert "member 1 is unavailable for slot c" in text
    assert "slot b has 1 people" not in text
    assert "slot c has 2 people, needs 1" in text
    assert "slot c has nobody with skill 'khmer'" in text
    assert "member 1 has 3 shifts in the week of 2026-03-02, limit 1" in text
    assert "member 1 is double-booked in a and b" in text


def test_no_slots_is_an_empty_optimal_roster():
    result = solve_roster(problem([member(1)], []))
    assert result.status is RosterStatus.OPTIMAL
    assert result.assignments == []


@pytest.mark.parametrize(
    ("members", "slots", "message"),
    [
        ([member(1), member(1)], [slot("s")], "duplicate member ids"),
        ([member(1)], [slot("s"), slot("s", 1)], "duplicate slot ids"),
        ([member(1)], [slot("s", required=-1)], "required must not be negative"),
        ([member(1)], [slot("s", start=time(9))], "both start and end"),
    ],
)
def test_malformed_input_is_an_error_not_an_infeasible_roster(members, slots, message):
    with pytest.raises(ValueError, match=message):
        solve_roster(problem(members, slots))
