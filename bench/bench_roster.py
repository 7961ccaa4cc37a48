"""Benchmark of the CP-SAT duty roster (digiward.planning.roster).

Run from the repository root:

    .venv/bin/python bench/bench_roster.py [--quick]

a) 10 members x 4 weeks x 2 slots/day (Mon-Sat): time to a PROVEN optimum (goal < 2 s).
b) 60 members x 4 weeks x 3 slots/day with skills and preferences: objective,
   bound and gap (goal: within 2 % of the bound in < 20 s on 2 workers), and
   what each part of the model costs, by solving with that part switched off.
c) Fairness against the round-robin rota a team lead would make by hand.
d) (full run only) the alternatives the model replaced: the default CP-SAT
   portfolio, and fairness as max-min spread instead of the fair band.
e) An infeasible month: time to explain it, and the explanation in Vietnamese.

Instances come from fixed seeds. The figures are also written to
bench/results/roster.txt. The machine has 2 cores shared with other work, so
wall-clock figures are noisy; deterministic-time figures are not.
"""

from __future__ import annotations

import argparse
import dataclasses
import platform
import random
import sys
import time
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ortools  # noqa: E402

from digiward.planning.roster import (  # noqa: E402
    Availability,
    Member,
    RosterProblem,
    RosterResult,
    RosterRules,
    Slot,
    describe_vi,
    fairness_metrics,
    round_robin_roster,
    solve_roster,
    validate_roster,
)

START = date(2026, 3, 2)  # a Monday
WEEKS = 4
FIRST_NAMES = [
    "An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng",
    "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Ngọc", "Phúc", "Quân",
    "Quỳnh", "Sơn", "Tâm", "Thảo", "Thắng", "Thư", "Trang", "Trung", "Tuấn", "Vy",
]  # fmt: skip
FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Ngô"]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY_NAMES)} {rng.choice(FIRST_NAMES)}"


def _slots(
    kinds: dict[str, tuple[clock, clock, int]], skills: dict[tuple[int, str], str]
) -> list[Slot]:
    """Mon-Sat slots for WEEKS weeks from START; `skills` adds a skill to a weekday/kind."""
    slots = []
    for offset in range(WEEKS * 7):
        day = START + timedelta(days=offset)
        if day.weekday() == 6:
            continue
        for kind, (start, end, required) in kinds.items():
            skill = skills.get((day.weekday(), kind))
            slots.append(
                Slot(
                    id=f"{day.isoformat()}-{kind}",
                    day=day,
                    kind=kind,
                    required=required,
                    required_skills=frozenset({skill}) if skill else frozenset(),
                    start=start,
                    end=end,
                )
            )
    return slots


def _availability(
    rng: random.Random, kinds: list[str], unavailable: int, prefer_not: int
) -> dict[tuple[int, str], Availability]:
    keys = [(weekday, kind) for weekday in range(6) for kind in kinds]
    picked = rng.sample(keys, unavailable + prefer_not)
    return {
        **dict.fromkeys(picked[:unavailable], Availability.UNAVAILABLE),
        **dict.fromkeys(picked[unavailable:], Availability.PREFER_NOT),
    }


def _absences(rng: random.Random, days: int) -> frozenset[date]:
    first = START + timedelta(days=rng.randrange(WEEKS * 7 - days))
    return frozenset(first + timedelta(days=k) for k in range(days))


def small_problem(seed: int = 20260302, time_limit: float = 20.0) -> RosterProblem:
    """Instance (a): the ward's 10-member team, morning 7:00-11:30 and afternoon 13:30-17:00."""
    rng = random.Random(seed)
    kinds = {"morning": (clock(7), clock(11, 30), 2), "afternoon": (clock(13, 30), clock(17), 2)}
    slots = _slots(kinds, {(2, "morning"): "sign_language", (1, "afternoon"): "khmer"})
    members = []
    for i in range(1, 11):
        skills = {"vneid"} if rng.random() < 0.7 else set()
        if i in (2, 7):
            skills.add("sign_language")
        if i in (4, 9):
            skills.add("khmer")
        members.append(
            Member(
                id=i,
                name=_name(rng),
                skills=frozenset(skills),
                experienced=i <= 5,
                max_shifts_per_week=2 if i in (6, 10) else (4 if i == 3 else 3),
                availability=_availability(rng, list(kinds), unavailable=2, prefer_not=2),
                absences=_absences(rng, rng.randint(2, 3)) if i in (3, 5, 8) else frozenset(),
            )
        )
    return RosterProblem(members=members, slots=slots, time_limit_seconds=time_limit)


def large_problem(seed: int = 60, time_limit: float = 20.0) -> RosterProblem:
    """Instance (b): 60 members, three slots a day (evening 17:30-20:30 for people at work).

    Evenings are unpopular (a third of the members would rather not), skilled
    slots need the few who know sign language or Khmer, and 40 members come with
    a usual weekday/kind from the previous month, which the roster should keep.
    """
    rng = random.Random(seed)
    kinds = {
        "morning": (clock(7), clock(11, 30), 4),
        "afternoon": (clock(13, 30), clock(17), 4),
        "evening": (clock(17, 30), clock(20, 30), 2),
    }
    skill_slots = {
        (2, "morning"): "sign_language",
        (5, "morning"): "sign_language",
        (1, "afternoon"): "khmer",
        (3, "afternoon"): "khmer",
        (4, "evening"): "vneid",
    }
    slots = _slots(kinds, skill_slots)
    members = []
    pattern: set[tuple[int, int, str]] = set()
    for i in range(1, 61):
        skills = {"vneid"} if rng.random() < 0.5 else set()
        if rng.random() < 0.1:
            skills.add("sign_language")
        if rng.random() < 0.12:
            skills.add("khmer")
        availability = _availability(rng, list(kinds), unavailable=2, prefer_not=3)
        if rng.random() < 0.33:
            for weekday in range(6):
                availability.setdefault((weekday, "evening"), Availability.PREFER_NOT)
        members.append(
            Member(
                id=i,
                name=_name(rng),
                skills=frozenset(skills),
                experienced=rng.random() < 0.4,
                max_shifts_per_week=rng.choice([1, 2, 2, 2, 3]),
                availability=availability,
                absences=_absences(rng, rng.randint(1, 5)) if rng.random() < 0.2 else frozenset(),
            )
        )
        if i <= 40:
            usual = [
                key
                for key in ((w, k) for w in range(6) for k in kinds)
                if availability.get(key, Availability.AVAILABLE) is Availability.AVAILABLE
            ]
            for weekday, kind in rng.sample(usual, rng.randint(1, 2)):
                pattern.add((i, weekday, kind))
    rules = RosterRules(previous_pattern=frozenset(pattern))
    return RosterProblem(members=members, slots=slots, rules=rules, time_limit_seconds=time_limit)


class Report:
    """Prints and keeps every line, to write bench/results/roster.txt at the end."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)


def describe_problem(problem: RosterProblem) -> str:
    seats = sum(s.required for s in problem.slots)
    return (
        f"{len(problem.members)} members, {len(problem.slots)} slots, {seats} seats, "
        f"{sum(1 for s in problem.slots if s.required_skills)} slots with a skill"
    )


def result_line(result: RosterResult) -> str:
    gap = "n/a" if result.relative_gap is None else f"{100 * result.relative_gap:.2f} %"
    return (
        f"status={result.status.value} time={result.solve_seconds:.2f}s "
        f"objective={result.objective} bound={result.best_bound} gap={gap} "
        f"breakdown={result.objective_breakdown}"
    )


def part_a(out: Report, repeats: int) -> RosterProblem:
    out("== (a) 10 members x 4 weeks x 2 slots/day, proven optimum wanted in < 2 s")
    problem = small_problem()
    out(describe_problem(problem))
    times = []
    for run in range(repeats):
        result = solve_roster(problem)
        times.append(result.solve_seconds)
        out(f"run {run + 1}: {result_line(result)}")
        assert not validate_roster(problem, result.assignments), "invalid roster"
    proven = result.status.value == "optimal"
    best = min(times)
    out(
        f"(a) proven optimal: {'yes' if proven else 'NO'}; best of {repeats}: {best:.2f} s, "
        f"worst {max(times):.2f} s -> goal (< 2 s, proven) {'MET' if proven and best < 2 else 'NOT MET'}"
    )
    out()
    return problem


def part_b(out: Report, time_limit: float, ablations: bool) -> RosterProblem:
    out(f"== (b) 60 members x 4 weeks x 3 slots/day, gap to the bound after <= {time_limit:g} s")
    problem = large_problem(time_limit=time_limit)
    out(describe_problem(problem))
    result = solve_roster(problem)
    out(f"full model: {result_line(result)}")
    assert result.is_valid
    assert not validate_roster(problem, result.assignments)
    gap = result.relative_gap or 0.0
    out(
        f"(b) gap {100 * gap:.2f} % in {result.solve_seconds:.2f} s -> goal (<= 2 %, < 20 s) "
        f"{'MET' if gap <= 0.02 and result.solve_seconds < 20 else 'NOT MET'}"
    )
    if ablations:
        out("what each soft part costs (solve again with that weight set to 0):")
        for weight in (
            "fairness_weight",
            "preference_weight",
            "consecutive_weight",
            "stability_weight",
        ):
            rules = dataclasses.replace(problem.rules, **{weight: 0})
            variant = dataclasses.replace(problem, rules=rules)
            other = solve_roster(variant)
            out(f"  without {weight:<19} {result_line(other)}")
    out()
    return problem


def part_c(out: Report, problems: list[tuple[str, RosterProblem]]) -> None:
    out("== (c) fairness: CP-SAT roster vs the hand-made round-robin rota")
    header = (
        f"{'instance':<10} {'roster':<12} {'spread':>6} {'std':>6} {'max|dev|':>8} "
        f"{'unmet pref':>10} {'consec.':>7} {'off-pattern':>11} {'unfilled':>8} {'hard viol.':>10}"
    )
    out(header)
    for label, problem in problems:
        for name, result in (
            ("cp-sat", solve_roster(problem)),
            ("round-robin", round_robin_roster(problem)),
        ):
            m = fairness_metrics(problem, result.assignments)
            out(
                f"{label:<10} {name:<12} {m.shift_spread:>6} {m.shift_std:>6.2f} "
                f"{m.max_share_deviation:>8.2f} {m.unmet_preferences:>10} {m.consecutive_excess:>7} "
                f"{m.off_pattern:>11} {m.unfilled_seats:>8} {m.hard_violations:>10}"
            )
    out(
        "spread = max-min shifts per member; max|dev| = largest distance from the member's fair "
        "share; consec. = days beyond the consecutive-day limit; hard viol. = validate_roster errors."
    )
    out()


def part_d(out: Report, time_limit: float) -> None:
    """The two choices that make (b) easy, measured against what they replaced."""
    from ortools.sat.python import cp_model

    from digiward.planning.roster_cpsat import build_model, make_solver
    from digiward.planning.roster_types import RosterIndex

    out(f"== (d) why the model and solver look the way they do ((b), {time_limit:g} s each)")
    problem = large_problem(time_limit=time_limit)
    index = RosterIndex.build(problem)

    def report(label: str, solver: cp_model.CpSolver, status: int, started: float) -> None:
        objective, bound = solver.objective_value, solver.best_objective_bound
        gap = abs(objective - bound) / max(1.0, abs(objective))
        out(
            f"  {label:<46} {solver.status_name(status):<8} {time.perf_counter() - started:6.2f}s "
            f"objective={objective:.0f} bound={bound:.0f} gap={100 * gap:.1f} %"
        )

    built = build_model(problem, index, "optimise")
    built.model.minimize(built.soft_cost())
    plain = cp_model.CpSolver()
    plain.parameters.num_workers = 2
    plain.parameters.max_time_in_seconds = time_limit
    started = time.perf_counter()
    report("default CP-SAT portfolio, 2 workers", plain, plain.solve(built.model), started)

    # Fairness as max-min of (shifts - fair share) instead of the fair band.
    no_band = dataclasses.replace(
        problem, rules=dataclasses.replace(problem.rules, fairness_weight=0)
    )
    built = build_model(no_band, index, "optimise")
    model = built.model
    high, low = model.new_int_var(-1000, 1000, "hi"), model.new_int_var(-1000, 1000, "lo")
    for member in index.members:
        if index.capacity[member.id]:
            shifts = sum(v for (_, m), v in built.x.items() if m == member.id)
            share = round(10 * index.fair_share[member.id])
            model.add(high >= 10 * shifts - share)
            model.add(low <= 10 * shifts - share)
    model.minimize(built.soft_cost() + high - low)
    solver = make_solver(problem, time_limit)
    started = time.perf_counter()
    report("fairness as max-min spread (our solver setup)", solver, solver.solve(model), started)
    out()


def part_e(out: Report) -> None:
    """An impossible month: how long the explanation takes and what it says."""
    out("== (e) an infeasible month: (a) with the experienced members 1-3 away in week 2")
    problem = small_problem()
    away = frozenset(START + timedelta(days=7 + d) for d in range(6))
    members = [
        dataclasses.replace(m, absences=m.absences | away) if m.id <= 3 else m
        for m in problem.members
    ]
    problem = dataclasses.replace(problem, members=members)
    result = solve_roster(problem)
    out(
        f"status={result.status.value} time={result.solve_seconds:.2f}s "
        f"conflicts={len(result.conflicts)} draft={len(result.draft_assignments)} seats filled, "
        f"{sum(n for _, n in result.unfilled)} unfilled"
    )
    for conflict in result.conflicts:
        out(f"  {conflict.code.value}: {describe_vi(conflict)}")
    assert not validate_roster(problem, result.draft_assignments, allow_unfilled=True)
    out()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="one run of (a), 5 s for (b), no ablations, no (d)"
    )
    args = parser.parse_args()
    out = Report()
    out(
        f"bench_roster {time.strftime('%Y-%m-%d %H:%M')} | python {platform.python_version()} | "
        f"ortools {ortools.__version__} | cores {len(__import__('os').sched_getaffinity(0))}"
        f"{' | --quick' if args.quick else ''}"
    )
    out("Timings are wall-clock on a shared 2-core machine: noisy, expect re-runs to differ.")
    out()
    small = part_a(out, repeats=1 if args.quick else 3)
    large = part_b(out, time_limit=5.0 if args.quick else 20.0, ablations=not args.quick)
    part_c(out, [("(a) 10x4", small), ("(b) 60x4", large)])
    if not args.quick:
        part_d(out, time_limit=20.0)
    part_e(out)
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "roster.txt").write_text("\n".join(out.lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
