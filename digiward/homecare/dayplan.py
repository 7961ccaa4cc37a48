"""A commune's day of home visits as a routing problem, and checks of hand-made changes.

Pure module (no ORM): `homecare.planner` reads the database into a `DayProblem`,
`solve_day` hands it to `digiward.planning.routing` (VROOM, then OR-Tools polish) and
checks the answer with `validate_plan`; `check_route` and `best_insertion` re-check a
route an officer changed by hand (a visit moved, an order changed) with the same rules.

Times are seconds from midnight of the planned day. Someone's time window at home
bounds the whole visit, so the visit must *start* by the window's end minus its
duration (planning's windows bound the start of service). The location index 0 is the
service center, where every route starts and ends.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from digiward.planning.routing import (
    Officer,
    Point,
    Route,
    RoutePlan,
    RoutingProblem,
    Stop,
    TravelTimes,
    Visit,
    plan_routes,
    validate_plan,
)

Window = tuple[int, int]


class LeftOutReason(enum.StrEnum):
    """Reasons found here, before or after the solver (the solver's own: UnassignedReason)."""

    NO_LOCATION = "no_location"
    NOT_HOME_THAT_DAY = "not_home_that_day"
    WINDOW_TOO_SHORT = "window_too_short"
    ONLY_HOME_AT_LUNCH = "only_home_at_lunch"
    NO_OFFICER_AVAILABLE = "no_officer_available"
    BOOKED_MEANWHILE = "booked_meanwhile"
    ROUTE_LOCKED = "route_locked"


@dataclass(frozen=True)
class StopSpec:
    """A visit to plan: where, how long, when someone is home (``()``: any time), who may go."""

    key: str
    point: Point
    service_seconds: int
    windows: tuple[Window, ...] = ()
    authorities: frozenset[str] = frozenset()
    priority: int = 0

    def start_windows(self) -> tuple[Window, ...]:
        """When the visit may start so that it also ends while someone is home."""
        return tuple(
            (start, end - self.service_seconds)
            for start, end in self.windows
            if end - self.service_seconds >= start
        )


@dataclass(frozen=True)
class OfficerSpec:
    key: str
    shift: Window
    authorities: frozenset[str] = frozenset()
    max_visits: int | None = None


@dataclass(frozen=True)
class DayProblem:
    center: Point
    officers: tuple[OfficerSpec, ...]
    stops: tuple[StopSpec, ...]


@dataclass(frozen=True)
class PlannedStop:
    key: str
    arrival: int
    start: int
    end: int
    travel: int
    waiting: int


@dataclass(frozen=True)
class PlannedRoute:
    officer_key: str
    stops: tuple[PlannedStop, ...]
    departure: int
    return_time: int
    travel: int


@dataclass(frozen=True)
class LeftOut:
    key: str
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class DaySolution:
    routes: tuple[PlannedRoute, ...]
    left_out: tuple[LeftOut, ...]
    total_travel: int
    solve_seconds: float
    solver: str


class IssueKind(enum.StrEnum):
    LATE = "late"  # arrives after the last time someone is home
    AFTER_HOURS = "after_hours"  # back at the center after the working day
    AUTHORITY = "authority"  # the officer may not do this procedure
    MAX_VISITS = "max_visits"


@dataclass(frozen=True)
class RouteIssue:
    kind: IssueKind
    key: str = ""
    at: int = 0
    limit: int = 0


@dataclass(frozen=True)
class RouteCheck:
    route: PlannedRoute | None
    issue: RouteIssue | None = None

    @property
    def ok(self) -> bool:
        return self.route is not None


def _skill_ids(officers: Sequence[OfficerSpec], stops: Sequence[StopSpec]) -> dict[str, int]:
    names = {a for o in officers for a in o.authorities} | {a for s in stops for a in s.authorities}
    return {name: index for index, name in enumerate(sorted(names))}


def routing_problem(
    center: Point,
    officers: Sequence[OfficerSpec],
    stops: Sequence[StopSpec],
    travel: TravelTimes,
) -> RoutingProblem:
    """Location 0 is the center, stop ``i`` is location ``i + 1``; ids are the keys."""
    skills = _skill_ids(officers, stops)
    points = [center, *(s.point for s in stops)]
    visits = [
        Visit(
            id=s.key,
            location_index=i + 1,
            service_seconds=s.service_seconds,
            time_windows=s.start_windows(),
            skills=frozenset(skills[a] for a in s.authorities),
            priority=s.priority,
        )
        for i, s in enumerate(stops)
    ]
    crew = [
        Officer(
            id=o.key,
            start_index=0,
            end_index=0,
            shift=o.shift,
            skills=frozenset(skills[a] for a in o.authorities),
            max_visits=o.max_visits,
        )
        for o in officers
    ]
    return RoutingProblem(visits, crew, travel.matrix(points))


def _planned(route: Route) -> PlannedRoute:
    return PlannedRoute(
        officer_key=route.officer_id,
        stops=tuple(
            PlannedStop(
                s.visit_id,
                s.arrival,
                s.start_service,
                s.departure,
                s.travel_from_previous,
                s.waiting,
            )
            for s in route.stops
        ),
        departure=route.departure,
        return_time=route.return_time,
        travel=route.travel,
    )


def solve_day(
    problem: DayProblem,
    travel: TravelTimes,
    *,
    polish_seconds: float = 0.5,
    solution_limit: int | None = None,
    time_limit_seconds: float | None = None,
) -> DaySolution:
    """Assign and order the day's visits; every visit not routed comes back with a reason."""
    left_out: list[LeftOut] = []
    solvable: list[StopSpec] = []
    for stop in problem.stops:
        if stop.windows and not stop.start_windows():
            left_out.append(LeftOut(stop.key, LeftOutReason.WINDOW_TOO_SHORT))
        else:
            solvable.append(stop)
    if not problem.officers:
        left_out += [LeftOut(s.key, LeftOutReason.NO_OFFICER_AVAILABLE) for s in solvable]
        return DaySolution((), tuple(left_out), 0, 0.0, "")
    rp = routing_problem(problem.center, problem.officers, solvable, travel)
    plan = plan_routes(
        rp,
        polish_seconds=polish_seconds,
        polish_solution_limit=solution_limit,
        time_limit_seconds=time_limit_seconds,
    )
    errors = validate_plan(rp, plan)
    if errors:  # the solver glue broke a rule: never save such a plan
        raise RuntimeError("routing returned an invalid plan: " + "; ".join(errors[:5]))
    left_out += [LeftOut(u.visit_id, u.reason.value, u.detail) for u in plan.unassigned]
    return DaySolution(
        routes=tuple(_planned(route) for route in plan.routes),
        left_out=tuple(left_out),
        total_travel=plan.total_travel,
        solve_seconds=plan.solve_seconds,
        solver=plan.solver,
    )


# --- Hand-made changes ---------------------------------------------------------------------


def _earliest(arrival: int, windows: tuple[Window, ...]) -> int | None:
    if not windows:
        return arrival
    starts = [max(arrival, a) for a, b in windows if arrival <= b]
    return min(starts) if starts else None


def _schedule(
    officer: OfficerSpec, stops: Sequence[StopSpec], durations: Sequence[Sequence[int]]
) -> RouteCheck:
    """Stops in the given order (stop ``i`` at matrix index ``i + 1``), earliest starts."""
    if officer.max_visits is not None and len(stops) > officer.max_visits:
        return RouteCheck(None, RouteIssue(IssueKind.MAX_VISITS, limit=officer.max_visits))
    clock, here = officer.shift[0], 0
    planned: list[PlannedStop] = []
    for index, stop in enumerate(stops, start=1):
        if not stop.authorities <= officer.authorities:
            return RouteCheck(None, RouteIssue(IssueKind.AUTHORITY, stop.key))
        leg = durations[here][index]
        arrival = clock + leg
        windows = stop.start_windows()
        begin = _earliest(arrival, windows) if (windows or not stop.windows) else None
        if begin is None:
            last = max((b for _a, b in stop.windows), default=0)
            return RouteCheck(None, RouteIssue(IssueKind.LATE, stop.key, arrival, last))
        if not planned:
            arrival = begin  # leave the center just in time, not to wait on a doorstep
        clock = begin + stop.service_seconds
        planned.append(PlannedStop(stop.key, arrival, begin, clock, leg, begin - arrival))
        here = index
    back = durations[here][0] if planned else 0
    departure = planned[0].arrival - planned[0].travel if planned else officer.shift[0]
    return_time = clock + back if planned else officer.shift[0]
    if return_time > officer.shift[1]:
        return RouteCheck(
            None, RouteIssue(IssueKind.AFTER_HOURS, at=return_time, limit=officer.shift[1])
        )
    travel = sum(s.travel for s in planned) + back
    return RouteCheck(PlannedRoute(officer.key, tuple(planned), departure, return_time, travel))


def _cross_check(
    center: Point,
    officer: OfficerSpec,
    stops: Sequence[StopSpec],
    durations: Sequence[Sequence[int]],
    route: PlannedRoute,
) -> None:
    """Planning's independent checker must agree with `_schedule` (a bug otherwise)."""
    skills = _skill_ids([officer], stops)
    problem = RoutingProblem(
        [
            Visit(
                s.key,
                i + 1,
                s.service_seconds,
                s.start_windows(),
                frozenset(skills[a] for a in s.authorities),
            )
            for i, s in enumerate(stops)
        ],
        [
            Officer(
                officer.key,
                0,
                0,
                officer.shift,
                frozenset(skills[a] for a in officer.authorities),
                max_visits=officer.max_visits,
            )
        ],
        durations,
    )
    routed = Route(
        officer_id=officer.key,
        stops=tuple(
            Stop(s.key, s.arrival, s.start, s.end, s.waiting, s.travel) for s in route.stops
        ),
        departure=route.departure,
        return_time=route.return_time,
        travel=route.travel,
        travel_to_end=route.return_time - (route.stops[-1].end if route.stops else 0),
        service=sum(s.end - s.start for s in route.stops),
        waiting=sum(s.waiting for s in route.stops),
        distance=None,
        load=0,
    )
    plan = RoutePlan([routed], [], route.travel, None, 0.0, "hand", route.travel)
    errors = validate_plan(problem, plan)
    if errors:
        raise RuntimeError("hand-made route failed the planning check: " + "; ".join(errors[:5]))


def check_route(
    center: Point, officer: OfficerSpec, stops: Sequence[StopSpec], travel: TravelTimes
) -> RouteCheck:
    """Can ``officer`` do ``stops`` in this order? The schedule, or the first problem."""
    durations = travel.matrix([center, *(s.point for s in stops)])
    result = _schedule(officer, stops, durations)
    if result.route is not None and result.route.stops:
        _cross_check(center, officer, stops, durations, result.route)
    return result


def best_insertion(
    center: Point,
    officer: OfficerSpec,
    stops: Sequence[StopSpec],
    new: StopSpec,
    travel: TravelTimes,
) -> tuple[list[StopSpec] | None, RouteCheck]:
    """Where ``new`` fits best in ``stops`` (least travel, then earliest return).

    Returns the new order and its check, or ``None`` and the check of the last position
    tried (its issue says why it does not fit).
    """
    points = [center, new.point, *(s.point for s in stops)]
    full = travel.matrix(points)
    best: tuple[tuple[int, int], list[StopSpec], RouteCheck] | None = None
    last = RouteCheck(None, RouteIssue(IssueKind.AFTER_HOURS))
    for position in range(len(stops) + 1):
        order = [*stops[:position], new, *stops[position:]]
        # Matrix indices in `full`: center 0, new 1, old stop j at j + 2.
        before = [j + 2 for j in range(position)]
        after = [j + 2 for j in range(position, len(stops))]
        index = [0, *before, 1, *after]
        durations = [[full[a][b] for b in index] for a in index]
        result = _schedule(officer, order, durations)
        if result.route is None:
            if result.issue is not None and result.issue.kind != IssueKind.AUTHORITY:
                last = result
            elif result.issue is not None:
                return None, result  # no position helps an officer without the authority
            continue
        rank = (result.route.travel, result.route.return_time)
        if best is None or rank < best[0]:
            best = (rank, order, result)
    if best is None:
        return None, last
    _rank, order, result = best
    assert result.route is not None
    durations = travel.matrix([center, *(s.point for s in order)])
    _cross_check(center, officer, order, durations, result.route)
    return order, result
