"""The two solver stages behind ``routing.plan_routes``: VROOM, then OR-Tools polish.

Kept apart from ``routing`` so that module holds the data model, the schedule and the
checks, and this one holds every call into the solver libraries (which have no stubs).
Both functions take visit indices and return visit indices per officer, in route order;
times, waiting and the schedule are computed by ``routing`` from those orders.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import TYPE_CHECKING

import vroom
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

if TYPE_CHECKING:
    from digiward.planning.routing import RoutingProblem


def merged_windows(windows: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    """Sorted, disjoint windows: callers may give overlapping ones, the solvers may not."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


# --- Stage 1: VROOM -----------------------------------------------------------------------


def uses_capacity(problem: RoutingProblem) -> bool:
    return any(o.capacity is not None for o in problem.officers)


def capacities(problem: RoutingProblem) -> list[int]:
    # An officer without a capacity can carry everything: one shared dimension keeps VROOM
    # and OR-Tools happy (both want the same amount size for every vehicle).
    total = sum(v.demand for v in problem.visits)
    return [total if o.capacity is None else o.capacity for o in problem.officers]


def solve_vroom(
    problem: RoutingProblem, exploration_level: int, threads: int, timeout: float | None
) -> list[list[int]]:
    """Visit indices per officer, in route order."""
    solver_input = vroom.Input()
    solver_input.set_durations_matrix("car", problem.durations)
    with_amounts = uses_capacity(problem)
    for k, (officer, capacity) in enumerate(
        zip(problem.officers, capacities(problem), strict=True)
    ):
        extra = {} if officer.max_visits is None else {"max_tasks": officer.max_visits}
        solver_input.add_vehicle(
            vroom.Vehicle(
                k,
                start=officer.start_index,
                end=officer.end_index,
                capacity=[capacity] if with_amounts else [],
                skills=set(officer.skills) or None,
                time_window=vroom.TimeWindow(*officer.shift),
                **extra,
            )
        )
    solver_input.add_job(
        [
            vroom.Job(
                i,
                location=visit.location_index,
                default_service=visit.service_seconds,
                delivery=vroom.Amount([visit.demand] if with_amounts else []),
                skills=set(visit.skills) or None,
                priority=visit.priority,
                time_windows=[
                    vroom.TimeWindow(a, b) for a, b in merged_windows(visit.time_windows)
                ],
            )
            for i, visit in enumerate(problem.visits)
        ]
    )
    solution = solver_input.solve(
        exploration_level=exploration_level,
        nb_threads=threads,
        timeout=None if timeout is None else timedelta(seconds=timeout),
    )
    # The public ``routes`` frame lists steps in route order; VROOM drops the id column
    # altogether when no job was routed.
    routes: list[list[int]] = [[] for _ in problem.officers]
    frame = solution.routes
    if len(frame) and "id" in frame.columns:
        jobs = frame[frame["type"] == "job"]
        for vehicle, job in zip(jobs["vehicle_id"].tolist(), jobs["id"].tolist(), strict=True):
            routes[int(vehicle)].append(int(job))
    return routes


# --- Stage 2: OR-Tools guided local search ------------------------------------------------


def polish(
    problem: RoutingProblem, seed: list[list[int]], seconds: float, solution_limit: int | None
) -> list[list[int]] | None:
    """Improve ``seed`` with OR-Tools; ``None`` if OR-Tools cannot read it or finds nothing.

    Nodes are the visits (0..n-1, so several visits may share a location), then one node per
    distinct start/end location, then, only if an officer has no end point, one free
    "anywhere" node ending open routes (a node no route ends at would have to be visited).
    """
    visits, officers, durations = problem.visits, problem.officers, problem.durations
    n = len(visits)
    depots = sorted(
        {o.start_index for o in officers}
        | {o.end_index for o in officers if o.end_index is not None}
    )
    node_of = {location: n + i for i, location in enumerate(depots)}
    locations: list[int | None] = [*(v.location_index for v in visits), *depots]
    if any(o.end_index is None for o in officers):
        locations.append(None)
    free_end = len(locations) - 1
    not_visits = [0] * (len(locations) - n)
    service = [v.service_seconds for v in visits] + not_visits
    travel = [
        [0 if a is None or b is None else durations[a][b] for b in locations] for a in locations
    ]
    manager = pywrapcp.RoutingIndexManager(
        len(locations),
        len(officers),
        [node_of[o.start_index] for o in officers],
        [free_end if o.end_index is None else node_of[o.end_index] for o in officers],
    )
    model = pywrapcp.RoutingModel(manager)
    # Matrix callbacks stay in C++. Python callbacks cost a Python call per arc evaluated:
    # on Solomon R211, a 5 s polish then reached +6.9 % instead of +4.6 % over the BKS.
    model.SetArcCostEvaluatorOfAllVehicles(model.RegisterTransitMatrix(travel))
    timing = [[t + service[i] for t in row] for i, row in enumerate(travel)]
    horizon = max([o.shift[1] for o in officers] + [b for v in visits for _, b in v.time_windows])
    model.AddDimension(model.RegisterTransitMatrix(timing), horizon, horizon, False, "time")
    clock = model.GetDimensionOrDie("time")
    # Dropping a visit must cost more than any travel saved; priorities scale the penalty.
    drop = (n + len(officers) + 1) * max(max(row) for row in durations) + 1
    for i, visit in enumerate(visits):
        index = manager.NodeToIndex(i)
        windows = merged_windows(visit.time_windows)
        if windows:
            clock.CumulVar(index).SetRange(windows[0][0], windows[-1][1])
            for (_, gap_start), (gap_end, _) in itertools.pairwise(windows):
                if gap_end - gap_start > 1:
                    clock.CumulVar(index).RemoveInterval(gap_start + 1, gap_end - 1)
        model.AddDisjunction([index], drop * (1 + visit.priority))
        allowed = [k for k, o in enumerate(officers) if visit.skills <= o.skills]
        if len(allowed) < len(officers):
            # -1 is "not performed". (SetAllowedVehiclesForIndex would be the neater call,
            # but its Python binding in ortools 9.15 rejects every list type.)
            model.VehicleVar(index).SetValues([-1, *allowed])
    for k, officer in enumerate(officers):
        clock.CumulVar(model.Start(k)).SetRange(*officer.shift)
        clock.CumulVar(model.End(k)).SetRange(*officer.shift)
    if uses_capacity(problem):
        demand = model.RegisterUnaryTransitVector([v.demand for v in visits] + not_visits)
        model.AddDimensionWithVehicleCapacity(demand, 0, capacities(problem), True, "load")
    if any(o.max_visits is not None for o in officers):
        one = model.RegisterUnaryTransitVector([1] * n + not_visits)
        limits = [n if o.max_visits is None else o.max_visits for o in officers]
        model.AddDimensionWithVehicleCapacity(one, 0, limits, True, "visits")

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(max(1, round(seconds * 1000)))
    if solution_limit is not None:
        # A solution count makes the search deterministic: same input, same plan.
        params.solution_limit = solution_limit
    initial = model.ReadAssignmentFromRoutes(
        [[manager.NodeToIndex(i) for i in r] for r in seed], True
    )
    if initial is None:
        return None
    solution = model.SolveFromAssignmentWithParameters(initial, params)
    if solution is None:
        return None
    routes: list[list[int]] = []
    for k in range(len(officers)):
        route: list[int] = []
        index = solution.Value(model.NextVar(model.Start(k)))
        while not model.IsEnd(index):
            route.append(manager.IndexToNode(index))
            index = solution.Value(model.NextVar(index))
        routes.append(route)
    return routes
