"""Benchmark of DigiWard's visit routing (digiward.planning.routing).

Run from the repository root:

    .venv/bin/python bench/bench_routing.py                  # all 56 Solomon instances
    .venv/bin/python bench/bench_routing.py --quick          # 7 instances, one per class + R211
    .venv/bin/python bench/bench_routing.py --instances C101,R211

a) Solomon quality. Each instance is solved twice with the same settings:
   * "DigiWard": solomon_problem() + plan_routes(), checked with validate_plan();
   * "direct": the same two-stage pipeline written with raw library calls only
     (vroom.Input/Job/Vehicle, then an ortools RoutingModel seeded with VROOM's routes),
     so the ratios DigiWard/direct measure what the wrapper costs, nothing else.
   The polish stops after a fixed number of solutions (not a time), so both runs do the
   same search and the distances must agree; the time ratio shows the wrapper's overhead.

   Gaps are against two best-known solutions (BKS), printed side by side:
   * distance BKS: the least total distance whatever the vehicle count. Values from
     VROOM-Project/vroom-scripts, benchmarks/VRPTW/BKS.json at commit
     16ca4475ff6fd988466ffc746eb41877f968fafd, keys "<name>_distance" (the same source and
     convention as docs/research/performance-anchors.md section 3.3). The 5 % goal is
     checked against these, since DigiWard minimises travel, not vehicles.
   * hierarchical BKS: fewest vehicles first, then distance: "best_known_cost" in
     /work/shared/benchmarks/solomon/BKS.json. A plan using more vehicles can beat it.

b) A commune's day: 40 visits, 4 officers, time windows, straight-line travel around
   Ninh Kiều; time to a plan with default settings (goal: under 2 s).

Figures are printed and written to bench/results/routing.txt.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import vroom
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from digiward.planning.routing import (
    Officer,
    Point,
    RoutePlan,
    RoutingProblem,
    Visit,
    build_problem,
    plan_routes,
    validate_plan,
)
from digiward.planning.solomon import (
    SolomonInstance,
    euclidean_matrix,
    read_solomon,
    solomon_problem,
)

ROOT = Path(__file__).resolve().parent.parent
SOLOMON_DIR = Path("/work/shared/benchmarks/solomon")
RESULTS = ROOT / "bench" / "results" / "routing.txt"
SCALE = 1000
EXPLORATION = 5
THREADS = 2
# The polish's budget. 500 solutions is the smallest round figure that brings R211 under
# 5 % of the distance BKS (250 leaves it at +6.9 %); see the report for the trade-off.
POLISH_SOLUTIONS = 500
POLISH_CAP_SECONDS = 300.0  # a safety net only: the solution count must be what stops
QUICK = ["C101", "C201", "R101", "R201", "R211", "RC101", "RC201"]

# name: (distance, vehicles) -- vroom-scripts BKS.json @16ca4475, keys "<name>_distance".
DISTANCE_BKS: dict[str, tuple[float, int]] = {
    "C101": (828.94, 10), "C102": (828.94, 10), "C103": (828.06, 10), "C104": (824.78, 10),
    "C105": (828.94, 10), "C106": (828.94, 10), "C107": (828.94, 10), "C108": (828.94, 10),
    "C109": (828.94, 10),
    "C201": (591.56, 3), "C202": (591.56, 3), "C203": (591.17, 3), "C204": (590.60, 3),
    "C205": (588.88, 3), "C206": (588.49, 3), "C207": (588.29, 3), "C208": (588.32, 3),
    "R101": (1642.88, 20), "R102": (1472.81, 18), "R103": (1213.62, 14), "R104": (976.61, 11),
    "R105": (1360.78, 15), "R106": (1240.47, 13), "R107": (1073.34, 11), "R108": (947.55, 10),
    "R109": (1101.37, 13), "R110": (1072.41, 12), "R111": (1053.50, 12), "R112": (953.63, 10),
    "R201": (1149.68, 9), "R202": (1034.35, 8), "R203": (874.87, 6), "R204": (736.52, 4),
    "R205": (955.82, 5), "R206": (879.89, 5), "R207": (799.86, 4), "R208": (705.45, 4),
    "R209": (859.39, 5), "R210": (910.70, 5), "R211": (755.96, 4),
    "RC101": (1643.41, 16), "RC102": (1461.23, 14), "RC103": (1249.86, 11), "RC104": (1135.48, 10),
    "RC105": (1518.58, 16), "RC106": (1381.23, 13), "RC107": (1212.83, 12), "RC108": (1117.53, 11),
    "RC201": (1265.56, 9), "RC202": (1095.64, 8), "RC203": (928.51, 5), "RC204": (786.38, 4),
    "RC205": (1157.55, 7), "RC206": (1054.61, 7), "RC207": (966.08, 6), "RC208": (779.31, 4),
}  # fmt: skip


class Report:
    """Print and keep every line for the results file."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.append(line)


# --- The direct pipeline: raw pyvroom, then raw OR-Tools, same settings -------------------


def direct_solve(instance: SolomonInstance) -> tuple[int, int, float]:
    """(total travel, vehicles used, seconds) with the raw library APIs only."""
    started = time.perf_counter()
    matrix = euclidean_matrix(instance, SCALE)
    depot, customers = instance.customers[0], instance.customers[1:]
    shift = (round(depot.ready * SCALE), round(depot.due * SCALE))
    n, fleet = len(customers), instance.vehicles

    problem = vroom.Input()
    problem.set_durations_matrix("car", matrix)
    for k in range(fleet):
        problem.add_vehicle(
            vroom.Vehicle(
                k,
                start=0,
                end=0,
                capacity=[instance.capacity],
                time_window=vroom.TimeWindow(*shift),
            )
        )
    for i, c in enumerate(customers):
        window = vroom.TimeWindow(round(c.ready * SCALE), round(c.due * SCALE))
        problem.add_job(
            vroom.Job(
                i,
                location=i + 1,
                default_service=round(c.service * SCALE),
                delivery=[c.demand],
                time_windows=[window],
            )
        )
    solution = problem.solve(exploration_level=EXPLORATION, nb_threads=THREADS)
    frame = solution.routes
    jobs = frame[frame["type"] == "job"]
    seed: list[list[int]] = [[] for _ in range(fleet)]
    for vehicle, job in zip(jobs["vehicle_id"].tolist(), jobs["id"].tolist(), strict=True):
        seed[int(vehicle)].append(int(job))
    cost = int(solution.summary.cost)

    # Nodes: customers 0..n-1, then the depot (n), exactly as the wrapper lays them out.
    locations = [*range(1, n + 1), 0]
    travel = [[matrix[a][b] for b in locations] for a in locations]
    service = [round(c.service * SCALE) for c in customers] + [0]
    manager = pywrapcp.RoutingIndexManager(n + 1, fleet, [n] * fleet, [n] * fleet)
    model = pywrapcp.RoutingModel(manager)
    model.SetArcCostEvaluatorOfAllVehicles(model.RegisterTransitMatrix(travel))
    timing = [[t + service[i] for t in row] for i, row in enumerate(travel)]
    horizon = max([shift[1]] + [round(c.due * SCALE) for c in customers])
    model.AddDimension(model.RegisterTransitMatrix(timing), horizon, horizon, False, "time")
    clock = model.GetDimensionOrDie("time")
    drop = (n + fleet + 1) * max(max(row) for row in matrix) + 1
    for i, c in enumerate(customers):
        index = manager.NodeToIndex(i)
        clock.CumulVar(index).SetRange(round(c.ready * SCALE), round(c.due * SCALE))
        model.AddDisjunction([index], drop)
    for k in range(fleet):
        clock.CumulVar(model.Start(k)).SetRange(*shift)
        clock.CumulVar(model.End(k)).SetRange(*shift)
    demand = model.RegisterUnaryTransitVector([c.demand for c in customers] + [0])
    model.AddDimensionWithVehicleCapacity(demand, 0, [instance.capacity] * fleet, True, "load")
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(round(POLISH_CAP_SECONDS * 1000))
    params.solution_limit = POLISH_SOLUTIONS
    initial = model.ReadAssignmentFromRoutes(
        [[manager.NodeToIndex(i) for i in r] for r in seed], True
    )
    polished = model.SolveFromAssignmentWithParameters(initial, params)
    used = sum(1 for r in seed if r)
    if polished is not None and polished.ObjectiveValue() < cost:
        cost = polished.ObjectiveValue()
        used = sum(
            1
            for k in range(fleet)
            if not model.IsEnd(polished.Value(model.NextVar(model.Start(k))))
        )
    return cost, used, time.perf_counter() - started


def digiward_solve(instance: SolomonInstance) -> tuple[RoutePlan, RoutingProblem, float]:
    started = time.perf_counter()
    problem = solomon_problem(instance, SCALE)
    plan = plan_routes(
        problem,
        exploration_level=EXPLORATION,
        threads=THREADS,
        polish_seconds=POLISH_CAP_SECONDS,
        polish_solution_limit=POLISH_SOLUTIONS,
    )
    return plan, problem, time.perf_counter() - started


def broken_routes(errors: list[str]) -> int:
    """Routes named in validate_plan's messages, plus plan-level errors as one each."""
    named = {e.split(":")[0] for e in errors if e.startswith("officer ")}
    return len(named) + sum(1 for e in errors if not e.startswith("officer "))


def gap(value: float, best: float) -> float:
    return 100 * (value / best - 1)


# --- a) Solomon -----------------------------------------------------------------------------


def solomon_section(names: list[str], out: Report) -> dict[str, bool]:
    hierarchical = json.loads((SOLOMON_DIR / "BKS.json").read_text())
    out("a) Solomon VRPTW, 100 customers")
    out(
        f"   settings: exploration_level={EXPLORATION}, threads={THREADS}, polish: OR-Tools GLS, "
        f"{POLISH_SOLUTIONS} solutions (cap {POLISH_CAP_SECONDS:.0f} s); distances x{SCALE} rounded"
    )
    out("   gapD: against distance-only BKS (vroom-scripts BKS.json @16ca447, '<name>_distance')")
    out(
        "   gapH: against hierarchical BKS (best_known_cost in /work/shared/benchmarks/solomon/BKS.json)"
    )
    out("   vroom: DigiWard's stage-1 distance (VROOM alone), gap against distance BKS")
    out()
    head = (
        f"{'inst':6} {'veh':>3} {'dist':>9} {'gapD%':>6} {'gapH%':>6} {'vroom%':>6} {'s':>6} | "
        f"{'veh':>3} {'direct':>9} {'s':>6} | {'dist×':>6} {'time×':>5} {'bad':>3}"
    )
    out(f"{'':6} {'DigiWard':^45} | {'direct (raw APIs)':^21} | ratios")
    out(head)
    rows = []
    for position, name in enumerate(names):
        instance = read_solomon(SOLOMON_DIR / f"{name}.txt")
        # Alternate who goes first so a burst of load on the shared machine hits both alike.
        if position % 2:
            direct_cost, direct_used, direct_s = direct_solve(instance)
            plan, problem, ours_s = digiward_solve(instance)
        else:
            plan, problem, ours_s = digiward_solve(instance)
            direct_cost, direct_used, direct_s = direct_solve(instance)
        bad = broken_routes(validate_plan(problem, plan)) + len(plan.unassigned)
        dist, direct = plan.total_travel / SCALE, direct_cost / SCALE
        best_d, best_h = DISTANCE_BKS[name][0], hierarchical[name]["best_known_cost"]
        row = {
            "name": name, "cls": name[:-2], "veh": len(plan.used_routes), "dist": dist,
            "gapD": gap(dist, best_d), "gapH": gap(dist, best_h),
            "vroom": gap(plan.first_stage_travel / SCALE, best_d), "s": ours_s,
            "direct": direct, "direct_s": direct_s, "dratio": dist / direct,
            "tratio": ours_s / direct_s, "bad": bad,
        }  # fmt: skip
        rows.append(row)
        out(
            f"{name:6} {row['veh']:>3} {dist:9.2f} {row['gapD']:6.2f} {row['gapH']:6.2f} "
            f"{row['vroom']:6.2f} {ours_s:6.2f} | {direct_used:>3} {direct:9.2f} {direct_s:6.2f} | "
            f"{row['dratio']:6.4f} {row['tratio']:5.2f} {bad:>3}"
        )
    out()
    return summarise(rows, out)


def summarise(rows: list[dict], out: Report) -> dict[str, bool]:
    def stats(key: str, subset: list[dict]) -> str:
        values = [r[key] for r in subset]
        return f"mean {statistics.mean(values):6.2f}  median {statistics.median(values):6.2f}  max {max(values):6.2f}"

    out("   Summary")
    out(f"   gap vs distance BKS %      {stats('gapD', rows)}")
    out(f"   gap vs hierarchical BKS %  {stats('gapH', rows)}")
    out(f"   VROOM alone vs dist. BKS % {stats('vroom', rows)}")
    out(
        f"   {'class':5} {'n':>2} {'gapD mean':>9} {'gapD max':>8} {'vroom mean':>10} {'veh mean':>8} {'BKS veh':>7} {'s mean':>7}"
    )
    for cls in ("C1", "C2", "R1", "R2", "RC1", "RC2"):
        sub = [r for r in rows if r["cls"] == cls]
        if sub:
            bks_veh = statistics.mean(DISTANCE_BKS[r["name"]][1] for r in sub)
            out(
                f"   {cls:5} {len(sub):>2} {statistics.mean(r['gapD'] for r in sub):9.2f} "
                f"{max(r['gapD'] for r in sub):8.2f} {statistics.mean(r['vroom'] for r in sub):10.2f} "
                f"{statistics.mean(r['veh'] for r in sub):8.2f} {bks_veh:7.2f} "
                f"{statistics.mean(r['s'] for r in sub):7.2f}"
            )
    total_ours, total_direct = sum(r["s"] for r in rows), sum(r["direct_s"] for r in rows)
    out(
        f"   time DigiWard/direct: mean of ratios {statistics.mean(r['tratio'] for r in rows):.3f}, "
        f"max {max(r['tratio'] for r in rows):.3f}, total {total_ours:.1f} s / {total_direct:.1f} s "
        f"= {total_ours / total_direct:.3f}"
    )
    out(
        f"   distance DigiWard/direct: max {max(r['dratio'] for r in rows):.5f}, "
        f"min {min(r['dratio'] for r in rows):.5f}"
    )
    bad = sum(r["bad"] for r in rows)
    over5 = [f"{r['name']} ({r['gapD']:.2f}%)" for r in rows if r["gapD"] > 5]
    far = [r["name"] for r in rows if r["dratio"] > 1.01]
    slow = [f"{r['name']} ({r['tratio']:.2f})" for r in rows if r["tratio"] > 1.2]
    out(f"   infeasible routes or unassigned visits (validate_plan): {bad}")
    out(f"   instances above +5% of distance BKS: {len(over5)} {over5}")
    out(f"   instances with distance > 1.01 x direct: {len(far)} {far}")
    out(f"   instances with time > 1.2 x direct: {len(slow)} {slow}")
    out()
    return {
        "every route feasible": bad == 0,
        "distance within 1% of direct": not far,
        "time <= 1.2 x direct (total)": total_ours <= 1.2 * total_direct,
        "no instance above +5% of distance BKS": not over5,
    }


# --- b) A commune's day ---------------------------------------------------------------------


def commune_day(seed: int = 2024):
    """40 visits within ~2 km of a ward office in Ninh Kiều, 4 officers, 2 may certify."""
    rng = random.Random(seed)
    office = Point(10.03, 105.78)
    homes = [
        Point(office.lat + rng.uniform(-0.018, 0.018), office.lon + rng.uniform(-0.018, 0.018))
        for _ in range(40)
    ]
    hour = 3600
    morning, afternoon = (7 * hour + 1800, 11 * hour), (13 * hour + 1800, 16 * hour + 1800)
    visits = [
        Visit(f"hh{i:02d}", i + 1, rng.choice([1200, 1800, 2400]),
              rng.choice([(morning,), (afternoon,), (morning, afternoon), ()]),
              frozenset({1}) if i % 5 == 0 else frozenset())
        for i in range(40)
    ]  # fmt: skip
    officers = [
        Officer(f"cb{k}", 0, 0, (7 * hour, 17 * hour), frozenset({1}) if k < 2 else frozenset())
        for k in range(4)
    ]
    return build_problem([office, *homes], visits, officers)


def commune_section(out: Report) -> bool:
    out("b) A commune's day: 40 visits, 4 officers, windows, straight-line travel (1.3 x, 20 km/h)")
    timings = []
    for run in range(3):
        started = time.perf_counter()
        problem = commune_day()
        plan = plan_routes(problem)  # the defaults the Django layer will use
        seconds = time.perf_counter() - started
        timings.append(seconds)
        errors = validate_plan(problem, plan)
        out(
            f"   run {run + 1}: {seconds:.2f} s to a plan (matrix + solve; polish 1 s), "
            f"{len(plan.used_routes)} officers used, {len(plan.unassigned)} unassigned, "
            f"travel {plan.total_travel / 60:.0f} min, VROOM alone {plan.first_stage_travel / 60:.0f} min, "
            f"{len(errors)} validation errors"
        )
    started = time.perf_counter()
    plan = plan_routes(commune_day(), polish_seconds=0)
    out(f"   VROOM alone (polish_seconds=0): {time.perf_counter() - started:.2f} s")
    out(f"   median {statistics.median(timings):.2f} s (goal: under 2 s)")
    out()
    return statistics.median(timings) < 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", help="comma-separated names, e.g. C101,R211")
    parser.add_argument("--quick", action="store_true", help=f"only {','.join(QUICK)}")
    parser.add_argument("--skip-solomon", action="store_true")
    args = parser.parse_args()
    names = sorted(DISTANCE_BKS)
    if args.quick:
        names = QUICK
    if args.instances:
        names = [n.strip().upper() for n in args.instances.split(",") if n.strip()]
        unknown = [n for n in names if n not in DISTANCE_BKS]
        if unknown:
            parser.error(f"unknown instances: {unknown}")

    out = Report()
    out(f"DigiWard routing benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    out(
        f"pyvroom {version('pyvroom')}, ortools {version('ortools')}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} cores, load average at start {os.getloadavg()[0]:.2f}"
    )
    out(
        "Timings are wall-clock on a shared machine: treat them as indicative when the load is high."
    )
    out()
    goals: dict[str, bool] = {}
    if not args.skip_solomon:
        goals |= solomon_section(names, out)
    goals["commune day under 2 s"] = commune_section(out)
    out(f"load average at end {os.getloadavg()[0]:.2f}")
    out(
        "Goals: " + "; ".join(f"{goal}: {'met' if ok else 'NOT met'}" for goal, ok in goals.items())
    )
    if len(names) < len(DISTANCE_BKS) and not args.skip_solomon:
        out(f"(partial run: {len(names)} of {len(DISTANCE_BKS)} instances)")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(out.lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
