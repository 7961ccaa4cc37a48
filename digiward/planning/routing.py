"""Visit routing: officers' home visits as a vehicle routing problem with time windows.

Officers leave a start point (the service centre), visit elderly or sick residents at home
within the hours someone is in, and come back (or not) before the end of their shift. This
module turns that into routes, dataclasses in and dataclasses out, with no Django import.

Conventions, shared by every function here:

* Times are whole seconds from one origin (usually midnight of the planned day).
* A visit's time windows bound the *start* of service (the Solomon and VROOM convention);
  the caller subtracts the service time from a window's end if the visit must also finish
  by then. An empty tuple means "any time".
* A shift ``(start, end)``: the officer leaves no earlier than ``start`` and is back at the
  end point (or, with no end point, has finished the last visit) no later than ``end``.
* ``durations[i][j]`` is the travel time from location ``i`` to location ``j``. Locations
  are indices into that matrix; ``Point`` and ``TravelTimes`` build it from coordinates.

Solving is two stages of well-kept solvers, never a hand-written heuristic:

1. VROOM (pyvroom) builds the plan: it assigns as many visits as it can (highest priority
   first) and minimises total travel time.
2. Optionally, OR-Tools routing polishes it with guided local search, seeded with VROOM's
   routes and bounded by time and/or a number of solutions. VROOM stops in deep local
   optima on wide-window instances (up to +7.5 % on Solomon R2); the polish removes most of
   that. It is kept only if it is strictly better (more priority, more visits, less travel).

Stop times are then recomputed here from the route order, so both stages give the same
kind of schedule: every visit starts as early as possible, and the officer leaves the start
point just in time for the first visit rather than waiting on a doorstep.
"""

from __future__ import annotations

import enum
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version
from typing import Protocol, runtime_checkable

from digiward.planning import routing_solvers

# VROOM reads durations and times as unsigned 32-bit integers.
MAX_TIME = 2**32 - 1
# VROOM's job priorities range over 0..100.
MAX_PRIORITY = 100
EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)


@dataclass(frozen=True, slots=True)
class Point:
    """A WGS84 coordinate in decimal degrees."""

    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Visit:
    """One home visit: where, how long, when someone is home, and who may do it."""

    id: str
    location_index: int
    service_seconds: int
    time_windows: tuple[tuple[int, int], ...] = ()
    skills: frozenset[int] = frozenset()
    demand: int = 0
    priority: int = 0


@dataclass(frozen=True, slots=True)
class Officer:
    """A civil servant's working day. ``end_index=None``: the route ends at the last visit."""

    id: str
    start_index: int
    end_index: int | None
    shift: tuple[int, int]
    skills: frozenset[int] = frozenset()
    capacity: int | None = None
    max_visits: int | None = None


@dataclass(frozen=True)
class RoutingProblem:
    """Visits, officers and the square travel-time matrix (``distances`` is optional)."""

    visits: Sequence[Visit]
    officers: Sequence[Officer]
    durations: Sequence[Sequence[int]]
    distances: Sequence[Sequence[int]] | None = None


@dataclass(frozen=True, slots=True)
class Stop:
    """A visit on a route. ``waiting`` is ``start_service - arrival``."""

    visit_id: str
    arrival: int
    start_service: int
    departure: int
    waiting: int
    travel_from_previous: int


@dataclass(frozen=True, slots=True)
class Route:
    """One officer's day. An officer with no visit has an empty route of zero length."""

    officer_id: str
    stops: tuple[Stop, ...]
    departure: int
    return_time: int
    travel: int
    travel_to_end: int
    service: int
    waiting: int
    distance: int | None
    load: int


class UnassignedReason(enum.StrEnum):
    """Machine codes for a visit left out; the Django layer words them in Vietnamese."""

    NO_OFFICER_WITH_SKILLS = "no_officer_with_skills"
    OVER_CAPACITY = "over_capacity"
    WINDOW_OUTSIDE_ALL_SHIFTS = "window_outside_all_shifts"
    UNREACHABLE_IN_WINDOW = "unreachable_in_window"
    MAX_VISITS_REACHED = "max_visits_reached"
    NO_TIME_LEFT = "no_time_left"


@dataclass(frozen=True, slots=True)
class Unassigned:
    """A visit left out, with the first reason found (``detail``: short English context)."""

    visit_id: str
    reason: UnassignedReason
    detail: str


@dataclass(frozen=True)
class RoutePlan:
    """The answer: one route per officer, in the problem's order, and the visits left out.

    ``solver`` names the pipeline that ran (library versions included);
    ``first_stage_travel`` is VROOM's total before any polish, to see what the polish bought.
    """

    routes: list[Route]
    unassigned: list[Unassigned]
    total_travel: int
    total_distance: int | None
    solve_seconds: float
    solver: str
    first_stage_travel: int

    @property
    def used_routes(self) -> list[Route]:
        return [route for route in self.routes if route.stops]


# --- Travel times -------------------------------------------------------------------------


class TravelTimes(Protocol):
    """Anything that turns points into a matrix of travel seconds (later: an OSRM client)."""

    def matrix(self, points: Sequence[Point]) -> list[list[int]]: ...


@runtime_checkable
class RoadDistances(Protocol):
    """A travel-time provider that can also give road distances in metres."""

    def distance_matrix(self, points: Sequence[Point]) -> list[list[int]]: ...


def haversine_m(a: Point, b: Point) -> float:
    """Great-circle distance in metres."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlon = math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True, slots=True)
class StraightLineTravel:
    """Haversine distance stretched by a road factor, at a constant speed.

    No map service is reachable from the ward's server, so this stands in for one. The
    defaults are assumptions to calibrate against real trips: 1.3 is a commonly used detour
    factor for town street grids, 20 km/h a cautious motorbike pace through narrow lanes.
    """

    road_factor: float = 1.3
    speed_kmh: float = 20.0

    def __post_init__(self) -> None:
        if not (self.road_factor >= 1.0 and self.speed_kmh > 0):
            raise ValueError("road_factor must be >= 1 and speed_kmh > 0")

    def _road_m(self, points: Sequence[Point]) -> list[list[float]]:
        return [[haversine_m(a, b) * self.road_factor for b in points] for a in points]

    def distance_matrix(self, points: Sequence[Point]) -> list[list[int]]:
        return [[round(m) for m in row] for row in self._road_m(points)]

    def matrix(self, points: Sequence[Point]) -> list[list[int]]:
        metres_per_second = self.speed_kmh / 3.6
        return [[round(m / metres_per_second) for m in row] for row in self._road_m(points)]


def build_problem(
    points: Sequence[Point],
    visits: Sequence[Visit],
    officers: Sequence[Officer],
    travel: TravelTimes | None = None,
) -> RoutingProblem:
    """A problem whose location indices are positions in ``points``."""
    provider: TravelTimes = travel if travel is not None else StraightLineTravel()
    distances = provider.distance_matrix(points) if isinstance(provider, RoadDistances) else None
    return RoutingProblem(list(visits), list(officers), provider.matrix(points), distances)


# --- Input checks -------------------------------------------------------------------------


def _check_time(value: int, what: str) -> None:
    if not 0 <= value <= MAX_TIME:
        raise ValueError(f"{what}: {value} is outside 0..{MAX_TIME}")


def check_problem(problem: RoutingProblem) -> None:
    """Raise ``ValueError`` on anything a solver would reject or misread."""
    size = len(problem.durations)
    for name, matrix in (("durations", problem.durations), ("distances", problem.distances)):
        if matrix is None:
            continue
        if len(matrix) != size or any(len(row) != size for row in matrix):
            raise ValueError(f"{name} must be a {size}x{size} matrix")
        if any(not (isinstance(v, int) and 0 <= v <= MAX_TIME) for row in matrix for v in row):
            raise ValueError(f"{name} must hold integers in 0..{MAX_TIME}")
    for kind, ids in (
        ("visit", [v.id for v in problem.visits]),
        ("officer", [o.id for o in problem.officers]),
    ):
        if len(set(ids)) != len(ids):
            raise ValueError(f"{kind} ids must be unique")
    for v in problem.visits:
        if not 0 <= v.location_index < size:
            raise ValueError(f"visit {v.id}: location {v.location_index} not in the matrix")
        _check_time(v.service_seconds, f"visit {v.id} service")
        for start, end in v.time_windows:
            _check_time(start, f"visit {v.id} window")
            _check_time(end, f"visit {v.id} window")
            if start > end:
                raise ValueError(f"visit {v.id}: window ({start}, {end}) ends before it starts")
        if v.demand < 0 or not 0 <= v.priority <= MAX_PRIORITY:
            raise ValueError(f"visit {v.id}: demand must be >= 0 and priority 0..{MAX_PRIORITY}")
    for o in problem.officers:
        ends = [o.start_index] + ([] if o.end_index is None else [o.end_index])
        if any(not 0 <= index < size for index in ends):
            raise ValueError(f"officer {o.id}: start or end not in the matrix")
        _check_time(o.shift[0], f"officer {o.id} shift")
        _check_time(o.shift[1], f"officer {o.id} shift")
        if o.shift[0] > o.shift[1]:
            raise ValueError(f"officer {o.id}: shift ends before it starts")
        if (o.capacity is not None and o.capacity < 0) or (
            o.max_visits is not None and o.max_visits < 0
        ):
            raise ValueError(f"officer {o.id}: capacity and max_visits must be >= 0")


# --- Schedules ----------------------------------------------------------------------------


class _Infeasible(Exception):
    """A route order that breaks a window, a shift, the capacity or the visit limit."""


def _earliest_start(arrival: int, windows: tuple[tuple[int, int], ...]) -> int | None:
    if not windows:
        return arrival
    starts = [max(arrival, a) for a, b in windows if arrival <= b]
    return min(starts) if starts else None


def _route(problem: RoutingProblem, k: int, order: list[int]) -> Route:
    """Schedule ``order`` for officer ``k``: earliest service starts, just-in-time departure."""
    officer, durations, distances = problem.officers[k], problem.durations, problem.distances
    if not order:
        start = officer.shift[0]
        return Route(officer.id, (), start, start, 0, 0, 0, 0, None if distances is None else 0, 0)
    clock, here, distance = officer.shift[0], officer.start_index, 0
    stops: list[Stop] = []
    for i in order:
        visit = problem.visits[i]
        leg = durations[here][visit.location_index]
        arrival = clock + leg
        begin = _earliest_start(arrival, visit.time_windows)
        if begin is None:
            raise _Infeasible(f"{visit.id}: arrival {arrival} after every window")
        if not visit.skills <= officer.skills:
            raise _Infeasible(f"{visit.id}: {officer.id} lacks the skills")
        if not stops:
            arrival = begin  # leave just in time instead of waiting on the doorstep
        clock = begin + visit.service_seconds
        stops.append(Stop(visit.id, arrival, begin, clock, begin - arrival, leg))
        distance += 0 if distances is None else distances[here][visit.location_index]
        here = visit.location_index
    end = officer.end_index
    to_end = 0 if end is None else durations[here][end]
    distance += 0 if distances is None or end is None else distances[here][end]
    load = sum(problem.visits[i].demand for i in order)
    if clock + to_end > officer.shift[1]:
        raise _Infeasible(f"{officer.id}: back at {clock + to_end} after shift end")
    if (officer.capacity is not None and load > officer.capacity) or (
        officer.max_visits is not None and len(order) > officer.max_visits
    ):
        raise _Infeasible(f"{officer.id}: over capacity or visit limit")
    return Route(
        officer_id=officer.id,
        stops=tuple(stops),
        departure=stops[0].arrival - stops[0].travel_from_previous,
        return_time=clock + to_end,
        travel=sum(s.travel_from_previous for s in stops) + to_end,
        travel_to_end=to_end,
        service=sum(s.departure - s.start_service for s in stops),
        waiting=sum(s.waiting for s in stops),
        distance=None if distances is None else distance,
        load=load,
    )


def _routes(problem: RoutingProblem, orders: list[list[int]]) -> list[Route]:
    return [_route(problem, k, order) for k, order in enumerate(orders)]


def _rank(problem: RoutingProblem, routes: list[Route]) -> tuple[int, int, int]:
    """Lower is better: VROOM's order of objectives (priority, then visits, then travel)."""
    priority = {v.id: v.priority for v in problem.visits}
    served = [s.visit_id for r in routes for s in r.stops]
    return (-sum(priority[v] for v in served), -len(served), sum(r.travel for r in routes))


# --- Diagnosis of unassigned visits -------------------------------------------------------


def _reachable(problem: RoutingProblem, visit: Visit, officer: Officer) -> bool:
    """Could ``officer`` do ``visit`` alone, leaving at shift start and going straight back?"""
    arrival = officer.shift[0] + problem.durations[officer.start_index][visit.location_index]
    begin = _earliest_start(arrival, visit.time_windows)
    if begin is None:
        return False
    back = (
        0
        if officer.end_index is None
        else problem.durations[visit.location_index][officer.end_index]
    )
    return begin + visit.service_seconds + back <= officer.shift[1]


def _diagnose(problem: RoutingProblem, visit: Visit, routes: dict[str, Route]) -> Unassigned:
    """The first honest reason, narrowing the officers who could have taken the visit."""

    def left_out(reason: UnassignedReason, detail: str) -> Unassigned:
        return Unassigned(visit.id, reason, detail)

    skilled = [o for o in problem.officers if visit.skills <= o.skills]
    if not skilled:
        return left_out(
            UnassignedReason.NO_OFFICER_WITH_SKILLS, f"needs skills {sorted(visit.skills)}"
        )
    roomy = [o for o in skilled if o.capacity is None or o.capacity >= visit.demand]
    if not roomy:
        biggest = max(o.capacity or 0 for o in skilled)
        return left_out(
            UnassignedReason.OVER_CAPACITY, f"demand {visit.demand} > capacity {biggest}"
        )
    windows = visit.time_windows or ((0, MAX_TIME),)
    in_shift = [o for o in roomy if any(a <= o.shift[1] and b >= o.shift[0] for a, b in windows)]
    if not in_shift:
        shifts = sorted({o.shift for o in roomy})
        return left_out(
            UnassignedReason.WINDOW_OUTSIDE_ALL_SHIFTS,
            f"windows {list(windows)} vs shifts {shifts}",
        )
    reachable = [o for o in in_shift if _reachable(problem, visit, o)]
    if not reachable:
        fastest = min(problem.durations[o.start_index][visit.location_index] for o in in_shift)
        return left_out(
            UnassignedReason.UNREACHABLE_IN_WINDOW,
            f"travel {fastest} s from start; windows {list(windows)}",
        )
    with_room = [
        o for o in reachable if o.capacity is None or routes[o.id].load + visit.demand <= o.capacity
    ]
    if not with_room:
        return left_out(
            UnassignedReason.OVER_CAPACITY, f"demand {visit.demand}; capacity used by other visits"
        )
    with_slot = [
        o for o in with_room if o.max_visits is None or len(routes[o.id].stops) < o.max_visits
    ]
    if not with_slot:
        return left_out(
            UnassignedReason.MAX_VISITS_REACHED, f"{len(with_room)} officer(s) at their visit limit"
        )
    return left_out(
        UnassignedReason.NO_TIME_LEFT, f"{len(with_slot)} officer(s) could go; their days are full"
    )


# --- Public entry points ------------------------------------------------------------------


def plan_routes(
    problem: RoutingProblem,
    *,
    exploration_level: int = 5,
    threads: int = 2,
    time_limit_seconds: float | None = None,
    polish_seconds: float = 1.0,
    polish_solution_limit: int | None = None,
) -> RoutePlan:
    """Assign and order visits: VROOM, then (if ``polish_seconds`` > 0) OR-Tools polish.

    ``time_limit_seconds`` caps the whole solve: VROOM gets it as its timeout, the polish
    gets what is left (at most ``polish_seconds``). A polish stopped by time depends on how
    busy the machine is; ``polish_solution_limit`` stops it after that many solutions
    instead, which makes the plan reproducible (the benchmark relies on this).
    Raises ``ValueError`` on malformed input (see ``check_problem``).
    """
    check_problem(problem)
    started = time.perf_counter()
    solver = f"pyvroom-{version('pyvroom')} x{exploration_level}"
    orders: list[list[int]] = [[] for _ in problem.officers]
    if problem.visits and problem.officers:
        orders = routing_solvers.solve_vroom(
            problem, exploration_level, threads, time_limit_seconds
        )
    try:
        routes = _routes(problem, orders)
    except _Infeasible as error:  # VROOM and this module disagree on a rule: a bug to fix
        raise RuntimeError(f"VROOM returned a route that breaks a rule: {error}") from error
    first_stage = sum(r.travel for r in routes)
    budget = polish_seconds
    if time_limit_seconds is not None:
        budget = min(budget, time_limit_seconds - (time.perf_counter() - started))
    if budget > 0 and any(orders):
        solver += f" + ortools-{version('ortools')} GLS"
        polished = routing_solvers.polish(problem, orders, budget, polish_solution_limit)
        if polished is not None:
            try:
                candidate = _routes(problem, polished)
            except _Infeasible:  # should not happen: both models hold the same rules
                candidate = routes
            if _rank(problem, candidate) < _rank(problem, routes):
                routes = candidate
    by_officer = {r.officer_id: r for r in routes}
    served = {s.visit_id for r in routes for s in r.stops}
    unassigned = [_diagnose(problem, v, by_officer) for v in problem.visits if v.id not in served]
    distances = [r.distance for r in routes]
    return RoutePlan(
        routes=routes,
        unassigned=unassigned,
        total_travel=sum(r.travel for r in routes),
        total_distance=None if problem.distances is None else sum(d or 0 for d in distances),
        solve_seconds=time.perf_counter() - started,
        solver=solver,
        first_stage_travel=first_stage,
    )


# --- Checking a plan ---------------------------------------------------------------------


def _check_stop(
    where: str, stop: Stop, visit: Visit, officer: Officer, leg: int, clock: int
) -> list[str]:
    """What is wrong with one stop, given the previous departure ``clock``."""
    errors = []
    name, begin = visit.id, stop.start_service
    if stop.travel_from_previous != leg or stop.arrival != clock + leg:
        errors.append(f"{where}: {name} travel/arrival {stop.travel_from_previous}/{stop.arrival}")
    if begin < stop.arrival or stop.waiting != begin - stop.arrival:
        errors.append(f"{where}: {name} starts {begin}, arrives {stop.arrival}")
    if visit.time_windows and not any(a <= begin <= b for a, b in visit.time_windows):
        errors.append(f"{where}: {name} starts {begin} outside {list(visit.time_windows)}")
    if stop.departure != begin + visit.service_seconds:
        errors.append(f"{where}: {name} leaves at {stop.departure}, not start + service")
    if not visit.skills <= officer.skills:
        errors.append(f"{where}: lacks skills {sorted(visit.skills - officer.skills)} for {name}")
    return errors


def _check_route(problem: RoutingProblem, route: Route, officer: Officer) -> list[str]:
    """Rebuild the route leg by leg from the matrix and compare every reported figure."""
    visits = {v.id: v for v in problem.visits}
    where, errors = f"officer {officer.id}", list[str]()
    if not route.stops:
        return errors
    if route.departure < officer.shift[0]:
        errors.append(f"{where}: leaves at {route.departure}, shift starts {officer.shift[0]}")
    clock, here, travel, distance = route.departure, officer.start_index, 0, 0
    for stop in route.stops:
        visit = visits[stop.visit_id]
        leg = problem.durations[here][visit.location_index]
        errors += _check_stop(where, stop, visit, officer, leg, clock)
        distance += (
            0 if problem.distances is None else problem.distances[here][visit.location_index]
        )
        clock, travel, here = stop.departure, travel + leg, visit.location_index
    end = officer.end_index
    to_end = 0 if end is None else problem.durations[here][end]
    distance += 0 if problem.distances is None or end is None else problem.distances[here][end]
    if route.travel_to_end != to_end or route.return_time != clock + to_end:
        errors.append(f"{where}: back at {route.return_time}, matrix says {clock + to_end}")
    if route.return_time > officer.shift[1]:
        errors.append(f"{where}: back at {route.return_time}, shift ends {officer.shift[1]}")
    if route.travel != travel + to_end:
        errors.append(f"{where}: route travel {route.travel}, legs add up to {travel + to_end}")
    if problem.distances is not None and route.distance != distance:
        errors.append(f"{where}: route distance {route.distance}, legs add up to {distance}")
    load = sum(visits[s.visit_id].demand for s in route.stops)
    if route.load != load or (officer.capacity is not None and load > officer.capacity):
        errors.append(f"{where}: load {route.load} (actual {load}), capacity {officer.capacity}")
    if officer.max_visits is not None and len(route.stops) > officer.max_visits:
        errors.append(f"{where}: {len(route.stops)} visits, limit {officer.max_visits}")
    return errors


def validate_plan(problem: RoutingProblem, plan: RoutePlan) -> list[str]:
    """Every broken rule in ``plan``, checked from scratch against ``problem`` (empty: valid).

    Written apart from the scheduling code on purpose: it recomputes each leg from the
    matrix and each rule from the input, so a bug in the solver glue cannot hide itself.
    """
    errors: list[str] = []
    visit_ids = {v.id for v in problem.visits}
    officers = {o.id: o for o in problem.officers}
    routed: list[str] = []
    with_route: set[str] = set()
    for route in plan.routes:
        officer = officers.get(route.officer_id)
        if officer is None or route.officer_id in with_route:
            errors.append(f"route for an unknown or repeated officer {route.officer_id}")
            continue
        with_route.add(officer.id)
        unknown = [s.visit_id for s in route.stops if s.visit_id not in visit_ids]
        if unknown:
            errors.append(f"officer {officer.id}: unknown visits {unknown}")
            continue
        routed += [s.visit_id for s in route.stops]
        errors += _check_route(problem, route, officer)
    left_out = [u.visit_id for u in plan.unassigned]
    if len(set(routed)) != len(routed):
        errors.append("a visit is routed more than once")
    if len(set(left_out)) != len(left_out) or set(left_out) & set(routed):
        errors.append("a visit is listed unassigned twice, or both routed and unassigned")
    missing = visit_ids - set(routed) - set(left_out)
    if missing or set(left_out) - visit_ids:
        errors.append(f"visits neither routed nor unassigned, or unknown: {sorted(missing)}")
    if plan.total_travel != sum(r.travel for r in plan.routes):
        errors.append(f"total travel {plan.total_travel} is not the sum of the routes")
    return errors
