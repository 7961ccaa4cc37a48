"""Booking visits, planning a day, and changing a plan by hand, safely under concurrency.

Every write locks the request row before looking at its status (`select_for_update`
on PostgreSQL; SQLite's IMMEDIATE transactions queue writers the same way), and then
the route rows it changes, always in id order. A second officer booking the same
request at the same moment therefore waits, sees it scheduled and is told so; the
`homecare_one_planned_visit` constraint is the last line if anything slips through.
Every hand change is re-checked against time windows, working hours and authority
(`dayplan.check_route`), and refused with the reason if it does not fit: nothing
changes then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.audit import audit_record
from digiward.core.errors import DomainError
from digiward.core.jobs import job_start
from digiward.core.models import AuditAction, Commune, Job, User
from digiward.core.permissions import Perm
from digiward.core.selectors import calendar_for
from digiward.homecare import notifications
from digiward.homecare.dayplan import (
    DaySolution,
    IssueKind,
    LeftOut,
    LeftOutReason,
    PlannedRoute,
    RouteIssue,
    StopSpec,
    best_insertion,
    check_route,
    solve_day,
)
from digiward.homecare.models import (
    Authority,
    DayPlan,
    HomeSupportRequest,
    HomeVisit,
    OfficerProfile,
    OfficerRoute,
    RequestStatus,
    VisitStatus,
)
from digiward.homecare.planner import (
    GatheredDay,
    center_of,
    gather_day,
    officer_spec,
    profiles_for,
    request_queryset,
    settings_for,
    stop_for,
    time_of,
    travel_for,
    travel_label,
)
from digiward.homecare.workflow import SCHEDULABLE, guard_transition, transition

# Planning settings of the background job: a short OR-Tools polish after VROOM.
PLAN_POLISH_SECONDS = 0.6
PLAN_TIME_LIMIT_SECONDS = 1.5


def _name(user: User) -> str:
    return user.get_full_name()


def _day(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _clock(seconds: int) -> str:
    return f"{time_of(seconds):%H:%M}"


# --- Plans and routes ---------------------------------------------------------------------


def dayplan_for(commune: Commune, day: date) -> DayPlan:
    """The day's plan, created on first use (two creators at once: one row)."""
    plan, _created = DayPlan.objects.get_or_create(commune=commune, day=day)
    return plan


def _route_for(plan: DayPlan, officer_id: int) -> OfficerRoute:
    """The officer's route that day, locked for this transaction."""
    route, _created = OfficerRoute.objects.get_or_create(
        plan=plan, officer_id=officer_id, defaults={"commune_id": plan.commune_id}
    )
    locked: OfficerRoute = (
        OfficerRoute.objects.select_for_update(no_key=True, of=("self",))
        .select_related("officer")
        .get(pk=route.pk)
    )
    return locked


def _profile(commune: Commune, officer: User) -> OfficerProfile:
    profile = (
        OfficerProfile.objects.for_commune(commune)
        .select_related("user")
        .prefetch_related("leaves")
        .filter(user=officer)
        .first()
    )
    if profile is None or not profile.takes_home_visits or not officer.is_active:
        raise DomainError(
            _("%(officer)s does not take home visits (see Home support › Officers).")
            % {"officer": _name(officer)},
            field="officer",
        )
    return profile  # type: ignore[no-any-return]


def ensure_available(profile: OfficerProfile, day: date) -> None:
    """Refuse a day the officer cannot visit: a day off, not their day, or on leave."""
    commune = profile.commune
    calendar = calendar_for(commune)
    officer = _name(profile.user)
    if not calendar.is_working_day(day):
        holiday = calendar.holiday_name(day)
        raise DomainError(
            (
                _("%(day)s is not a working day (%(holiday)s).")
                % {"day": _day(day), "holiday": holiday}
                if holiday
                else _("%(day)s is not a working day.") % {"day": _day(day)}
            ),
            field="day",
        )
    if not profile.works_on(day):
        raise DomainError(
            _("%(officer)s does not work on %(weekday)s.")
            % {"officer": officer, "weekday": date_format(day, "l")},
            field="day",
        )
    for leave in profile.leaves.all():
        if leave.covers(day):
            raise DomainError(
                _("%(officer)s is on leave on %(day)s (%(from)s–%(until)s%(reason)s).")
                % {
                    "officer": officer,
                    "day": _day(day),
                    "from": _day(leave.starts_on),
                    "until": _day(leave.ends_on),
                    "reason": f": {leave.reason}" if leave.reason else "",
                },
                field="day",
            )


def issue_message(
    issue: RouteIssue, officer: str, people: dict[str, str], stops: Sequence[StopSpec] = ()
) -> str:
    """A route problem in the officer's words."""
    person = people.get(issue.key, "")
    if issue.kind == IssueKind.LATE:
        return _(
            "%(officer)s would reach %(person)s at %(time)s: too late, someone is home only "
            "until %(until)s."
        ) % {
            "officer": officer,
            "person": person,
            "time": _clock(issue.at),
            "until": _clock(issue.limit),
        }
    if issue.kind == IssueKind.AUTHORITY:
        return _(
            "%(officer)s cannot do the visit to %(person)s: it needs an officer with this "
            "authority: %(authority)s."
        ) % {"officer": officer, "person": person, "authority": _authorities(issue.key, stops)}
    if issue.kind == IssueKind.MAX_VISITS:
        return _("%(officer)s already has the most visits allowed in a day (%(limit)s).") % {
            "officer": officer,
            "limit": issue.limit,
        }
    return _(
        "%(officer)s would be back at the service center at %(time)s, after the end of the "
        "working day (%(until)s). Choose another officer or another day."
    ) % {"officer": officer, "time": _clock(issue.at), "until": _clock(issue.limit)}


def _authorities(key: str, stops: Sequence[StopSpec]) -> str:
    needed = {a for s in stops if s.key == key for a in s.authorities}
    return ", ".join(str(Authority(a).label) for a in sorted(needed) if a in Authority.values)


@dataclass
class RouteStops:
    """A route's visits in order, with what planning needs to know about each."""

    route: OfficerRoute
    visits: list[HomeVisit]
    stops: list[StopSpec]

    def people(self) -> dict[str, str]:
        return {_key(v): v.request.person_name for v in self.visits}

    def by_key(self) -> dict[str, HomeVisit]:
        return {_key(v): v for v in self.visits}


def _key(visit: HomeVisit) -> str:
    """A stop's key on a hand-checked route: the visit (one request may be visited twice)."""
    return "new" if visit._state.adding else f"v{visit.pk}"


def _route_stops(route: OfficerRoute, *, without: HomeVisit | None = None) -> RouteStops:
    commune = route.commune
    settings = settings_for(commune)
    calendar = calendar_for(commune)
    profiles = profiles_for(commune)
    visits = list(
        HomeVisit.objects.filter(route=route)
        .exclude(status=VisitStatus.CANCELLED)
        .exclude(pk=without.pk if without else None)
        .order_by("sequence", "pk")
    )
    requests = {
        r.pk: r
        for r in request_queryset(commune).filter(  # type: ignore[attr-defined]
            pk__in=[v.request_id for v in visits]
        )
    }
    stops: list[StopSpec] = []
    for visit in visits:
        visit.request = requests[visit.request_id]
        spec = stop_for(
            visit.request,
            route.plan.day,
            profiles=profiles,
            settings=settings,
            calendar=calendar,
            allow_lunch=True,  # already booked: only a lunch-only visit may stay there
        )
        if not isinstance(spec, StopSpec):
            raise DomainError(
                _("The visit to %(person)s has no GPS point or no time at home that day.")
                % {"person": visit.request.person_name}
            )
        stops.append(replace(spec, key=_key(visit)))
    return RouteStops(route, visits, stops)


def _write_route(route: OfficerRoute, by_key: dict[str, HomeVisit], planned: PlannedRoute) -> None:
    """Store the order and times of a checked route (``by_key``: the visit of each stop)."""
    for sequence, stop in enumerate(planned.stops, start=1):
        visit = by_key[stop.key]
        is_new = visit._state.adding
        visit.route, visit.officer_id, visit.day, visit.sequence = (
            route,
            route.officer_id,
            route.plan.day,
            sequence,
        )
        visit.arrives_at, visit.starts_at, visit.ends_at = (
            time_of(stop.arrival),
            time_of(stop.start),
            time_of(stop.end),
        )
        visit.travel_seconds = stop.travel
        if is_new:
            _save_new_visit(visit)
        else:
            visit.save()
    if planned.stops:
        route.departs_at, route.returns_at = (
            time_of(planned.departure),
            time_of(planned.return_time),
        )
    else:
        route.departs_at = route.returns_at = None
    route.travel_seconds = planned.travel
    route.save()


def _recheck(route: OfficerRoute, *, without: HomeVisit | None = None) -> None:
    """Recompute a route's times after a visit left it (leaving never breaks a route)."""
    current = _route_stops(route, without=without)
    profile = _profile(route.commune, route.officer)
    result = check_route(
        center_of(settings_for(route.commune)),
        officer_spec(profile),
        current.stops,
        travel_for(settings_for(route.commune)),
    )
    if result.route is None:
        assert result.issue is not None
        raise DomainError(
            issue_message(result.issue, _name(route.officer), current.people(), current.stops)
        )
    _write_route(route, current.by_key(), result.route)


def _insert(route: OfficerRoute, profile: OfficerProfile, visit: HomeVisit) -> None:
    """Put ``visit`` where it fits best in ``route`` and retime the route, or refuse."""
    if route.locked:
        raise DomainError(
            _("The route of %(officer)s on %(day)s is locked: unlock it first.")
            % {"officer": _name(route.officer), "day": _day(route.plan.day)}
        )
    settings = settings_for(route.commune)
    current = _route_stops(route, without=visit)
    new = stop_for(
        visit.request,
        route.plan.day,
        profiles=profiles_for(route.commune),
        settings=settings,
        calendar=calendar_for(route.commune),
        allow_lunch=True,  # booked by hand: the officer may go during the break
    )
    if not isinstance(new, StopSpec):
        if new.reason == LeftOutReason.NO_LOCATION:
            raise DomainError(
                _("Add the GPS point of the home first, or link the person to the registry."),
                field="latitude",
            )
        raise DomainError(
            _("Nobody is home on %(day)s according to the times given.")
            % {"day": _day(route.plan.day)},
            field="day",
        )
    new = replace(new, key=_key(visit))
    order, result = best_insertion(
        center_of(settings), officer_spec(profile), current.stops, new, travel_for(settings)
    )
    if order is None or result.route is None:
        assert result.issue is not None
        people = current.people() | {new.key: visit.request.person_name}
        stops = [*current.stops, new]
        raise DomainError(issue_message(result.issue, _name(route.officer), people, stops))
    _write_route(route, current.by_key() | {new.key: visit}, result.route)


# --- Booking ------------------------------------------------------------------------------


def _lock_request(commune: Commune, request_id: int) -> HomeSupportRequest:
    locked: HomeSupportRequest = (
        HomeSupportRequest.objects.select_for_update(no_key=True, of=("self",))
        .select_related("commune", "procedure", "resident__household")
        .get(pk=request_id, commune=commune)
    )
    return locked


def _already_booked(request: HomeSupportRequest) -> DomainError:
    visit = (
        HomeVisit.objects.filter(request=request, status=VisitStatus.PLANNED)
        .select_related("officer")
        .first()
    )
    if visit is None:
        return DomainError(_("Someone has just booked this visit. Nothing was changed."))
    return DomainError(
        _("%(officer)s has already booked this visit for %(day)s. Nothing was changed.")
        % {"officer": _name(visit.officer), "day": _day(visit.day)}
    )


@transaction.atomic
def visit_book(
    *, access: Access, request: HomeSupportRequest, officer: User, day: date
) -> HomeVisit:
    """Book a visit for ``officer`` on ``day``, where it fits best in their route."""
    access.require(Perm.VISIT_HOMES)
    if officer.pk != access.user.pk:
        access.require(Perm.MANAGE_HOME_SUPPORT)
    locked = _lock_request(access.commune, request.pk)
    if locked.status == RequestStatus.SCHEDULED:
        raise _already_booked(locked)
    guard_transition(locked, RequestStatus.SCHEDULED)
    profile = _profile(access.commune, officer)
    ensure_available(profile, day)
    plan = dayplan_for(access.commune, day)
    route = _route_for(plan, officer.pk)
    visit = HomeVisit(
        commune=access.commune,
        request=locked,
        route=route,
        officer=officer,
        day=day,
        created_by=access.user,
        status_before=locked.status,
    )
    _insert(route, profile, visit)  # saves the visit with its place and times, or refuses
    transition(locked, RequestStatus.SCHEDULED)
    locked.save()
    audit_record(
        action=AuditAction.CREATE,
        commune=access.commune,
        obj=visit,
        changes={"officer": [None, _name(officer)], "day": [None, day.isoformat()]},
        note=f"request {locked.tracking_code}",
    )
    notifications.notify_scheduled(locked, visit)
    return visit


def _save_new_visit(visit: HomeVisit) -> None:
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:
        raise _already_booked(visit.request) from None


def _lock_visit(access: Access, visit: HomeVisit) -> HomeVisit:
    locked: HomeVisit = (
        HomeVisit.objects.select_for_update(no_key=True, of=("self",))
        .select_related("route__plan", "officer", "request")
        .get(pk=visit.pk, commune=access.commune)
    )
    if locked.status != VisitStatus.PLANNED:
        raise DomainError(
            _("This visit is “%(status)s”: it can no longer be moved.")
            % {"status": locked.get_status_display()}
        )
    return locked


def _lock_routes(*routes: OfficerRoute) -> list[OfficerRoute]:
    """Lock routes in id order (two officers moving visits between the same routes)."""
    ids = sorted({r.pk for r in routes})
    rows = {
        r.pk: r
        for r in OfficerRoute.objects.select_for_update(no_key=True, of=("self",))
        .select_related("officer", "plan")
        .filter(pk__in=ids)
        .order_by("pk")
    }
    return [rows[r.pk] for r in routes]


@transaction.atomic
def visit_move(*, access: Access, visit: HomeVisit, officer: User) -> HomeVisit:
    """Give a planned visit to another officer the same day (re-checked, or refused)."""
    access.require(Perm.MANAGE_HOME_SUPPORT)
    request = _lock_request(access.commune, visit.request_id)  # requests first, then visits
    locked = _lock_visit(access, visit)
    if officer.pk == locked.officer_id:
        return locked
    profile = _profile(access.commune, officer)
    ensure_available(profile, locked.day)
    target = _route_for(locked.route.plan, officer.pk)
    source, target = _lock_routes(locked.route, target)
    if source.locked:
        raise DomainError(
            _("The route of %(officer)s on %(day)s is locked: unlock it first.")
            % {"officer": _name(source.officer), "day": _day(locked.day)}
        )
    locked.request = request
    _insert(target, profile, locked)
    _recheck(source, without=locked)
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=locked,
        changes={"officer": [_name(source.officer), _name(officer)]},
        note="moved by hand",
    )
    return locked


@transaction.atomic
def visit_reorder(*, access: Access, visit: HomeVisit, step: int) -> HomeVisit:
    """Move a visit earlier (``step=-1``) or later (``+1``) in its route, if it still fits."""
    access.require(Perm.MANAGE_HOME_SUPPORT)
    locked = _lock_visit(access, visit)
    (route,) = _lock_routes(locked.route)
    if route.locked:
        raise DomainError(
            _("The route of %(officer)s on %(day)s is locked: unlock it first.")
            % {"officer": _name(route.officer), "day": _day(locked.day)}
        )
    current = _route_stops(route)
    keys = [s.key for s in current.stops]
    index = keys.index(_key(locked))
    other = index + (1 if step > 0 else -1)
    if not 0 <= other < len(keys):
        return locked
    stops = list(current.stops)
    stops[index], stops[other] = stops[other], stops[index]
    profile = _profile(access.commune, route.officer)
    settings = settings_for(access.commune)
    result = check_route(center_of(settings), officer_spec(profile), stops, travel_for(settings))
    if result.route is None:
        assert result.issue is not None
        raise DomainError(
            issue_message(result.issue, _name(route.officer), current.people(), stops)
        )
    _write_route(route, current.by_key(), result.route)
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=locked,
        changes={"sequence": [index + 1, other + 1]},
        note="order changed by hand",
    )
    return locked


def drop_planned_visit(request: HomeSupportRequest, *, note: str = "") -> HomeVisit | None:
    """Take the request's planned visit off its route (the caller holds the request lock)."""
    visit = (
        HomeVisit.objects.select_for_update(no_key=True, of=("self",))
        .select_related("route__plan", "route__officer")
        .filter(request=request, status=VisitStatus.PLANNED)
        .first()
    )
    if visit is None:
        return None
    visit.status = VisitStatus.CANCELLED
    visit.notes = (visit.notes + "\n" + note).strip() if note else visit.notes
    visit.save()
    (route,) = _lock_routes(visit.route)
    _recheck(route)
    return visit  # type: ignore[no-any-return]


@transaction.atomic
def visit_unschedule(*, access: Access, visit: HomeVisit, reason: str = "") -> HomeSupportRequest:
    """Take a visit off the plan; the request waits for a new day again."""
    access.require(Perm.MANAGE_HOME_SUPPORT)
    locked_request = _lock_request(access.commune, visit.request_id)
    current = _lock_visit(access, visit)
    if current.route.locked:
        raise DomainError(
            _("The route of %(officer)s on %(day)s is locked: unlock it first.")
            % {"officer": _name(current.officer), "day": _day(current.day)}
        )
    back_to = current.status_before or RequestStatus.ACCEPTED
    previous = transition(locked_request, back_to)
    locked_request.save()
    drop_planned_visit(locked_request, note=reason)
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=locked_request,
        changes={"status": [previous, back_to]},
        note=reason or "taken off the plan",
    )
    return locked_request


def reschedule_request_route(request: HomeSupportRequest) -> None:
    """After a request's details changed, retime its route (refused if it no longer fits)."""
    visit = HomeVisit.objects.filter(request=request, status=VisitStatus.PLANNED).first()
    if visit is None:
        return
    (route,) = _lock_routes(visit.route)
    try:
        _recheck(route)
    except DomainError as error:
        raise DomainError(
            _(
                "With these changes the planned visit no longer fits: %(why)s Take it off the plan first."
            )
            % {"why": error.message}
        ) from None


@transaction.atomic
def route_lock(*, access: Access, route: OfficerRoute, locked: bool) -> OfficerRoute:
    """Lock a route's order (planning leaves it alone) or unlock it."""
    access.require(Perm.MANAGE_HOME_SUPPORT)
    (current,) = _lock_routes(route)
    if current.commune_id != access.commune.pk:
        raise DomainError(_("This belongs to another commune."))
    current.locked = locked
    current.locked_by = access.user if locked else None
    current.save()
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=current,
        changes={"locked": [not locked, locked]},
    )
    return current


# --- Planning a whole day -----------------------------------------------------------------


@transaction.atomic
def dayplan_start(*, access: Access, day: date) -> Job:
    """Queue the planning of ``day`` as a background job (checks what it can first)."""
    from digiward.homecare.tasks import plan_day

    access.require(Perm.MANAGE_HOME_SUPPORT)
    center_of(settings_for(access.commune))  # refuses now if the center is not set
    calendar = calendar_for(access.commune)
    if not calendar.is_working_day(day):
        raise DomainError(
            _("%(day)s is not a working day: no visits are planned on it.") % {"day": _day(day)}
        )
    plan = dayplan_for(access.commune, day)
    job = job_start(
        acting_user=access.user,
        commune=access.commune,
        kind="homecare.plan",
        title=_("Plan the home visits of %(day)s") % {"day": _day(day)},
        task=plan_day,
        perm=Perm.MANAGE_HOME_SUPPORT,
        params={"plan_id": plan.pk, "day": day.isoformat()},
    )
    DayPlan.objects.filter(pk=plan.pk).update(job=job)
    audit_record(
        action=AuditAction.CHANGE, commune=access.commune, obj=plan, note="planning started"
    )
    return job


@dataclass(frozen=True)
class PlanOutcome:
    plan: DayPlan
    assigned: int
    left_out: int
    new_visits: int
    solve_seconds: float


def dayplan_solve(
    plan_id: int,
    *,
    acting_user: User | None,
    polish_seconds: float = PLAN_POLISH_SECONDS,
    solution_limit: int | None = None,
    time_limit_seconds: float | None = PLAN_TIME_LIMIT_SECONDS,
) -> PlanOutcome:
    """Read the day, solve it (no transaction held meanwhile), then write the routes."""
    plan = DayPlan.objects.select_related("commune").get(pk=plan_id)
    gathered = gather_day(plan.commune, plan.day, plan)
    solution = solve_day(
        gathered.problem,
        travel_for(gathered.settings),
        polish_seconds=polish_seconds,
        solution_limit=solution_limit,
        time_limit_seconds=time_limit_seconds,
    )
    return dayplan_apply(plan, gathered, solution, acting_user=acting_user)


@transaction.atomic
def dayplan_apply(
    plan: DayPlan, gathered: GatheredDay, solution: DaySolution, *, acting_user: User | None
) -> PlanOutcome:
    """Write a solved day. Requests booked by hand meanwhile are left alone and listed."""
    # Lock order everywhere: requests (by id), then the plan, visits, routes. A hand booking
    # holds its request first too, so the two wait for each other instead of deadlocking.
    touched = {int(s.key) for r in solution.routes for s in r.stops} | {
        int(key) for key in gathered.planned
    }
    list(
        HomeSupportRequest.objects.select_for_update(no_key=True, of=("self",))
        .filter(pk__in=sorted(touched))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # NO KEY UPDATE: a booking inserting a route of this plan (a foreign key) is not blocked.
    plan = (
        DayPlan.objects.select_for_update(no_key=True, of=("self",))
        .select_related("commune")
        .get(pk=plan.pk)
    )
    commune = plan.commune
    locked_now = set(
        OfficerRoute.objects.filter(plan=plan, locked=True).values_list("officer_id", flat=True)
    )
    left_out = list(gathered.left_out) + list(solution.left_out)
    kept: set[int] = set()
    new_visits = assigned = 0
    for planned in solution.routes:
        officer_id = int(planned.officer_key)
        if officer_id in locked_now:
            left_out += [LeftOut(s.key, LeftOutReason.ROUTE_LOCKED) for s in planned.stops]
            continue
        route = _route_for(plan, officer_id)
        visits: list[HomeVisit] = []
        stops = []
        for stop in planned.stops:
            visit = _claim(plan, route, gathered, stop.key, acting_user)
            if visit is None:
                left_out.append(LeftOut(stop.key, LeftOutReason.BOOKED_MEANWHILE))
                continue
            new_visits += visit._state.adding
            visits.append(visit)
            stops.append(stop)
        if len(stops) != len(planned.stops):  # something was skipped: retime what is left
            _save_claimed(visits)
            _recheck(route)
        else:
            _write_route(route, {str(v.request_id): v for v in visits}, planned)
        kept.update(v.pk for v in visits)
        assigned += len(visits)
        for visit in visits:
            _after_claim(visit)
    _drop_unrouted(plan, gathered, kept, locked_now)
    plan.unassigned = [
        {"request": int(item.key), "reason": str(item.reason), "detail": item.detail}
        for item in left_out
    ]
    plan.planned_at = timezone.now()
    plan.planned_by = acting_user
    plan.solver = solution.solver[:200]
    plan.solve_seconds = solution.solve_seconds
    plan.total_travel_seconds = sum(
        OfficerRoute.objects.filter(plan=plan).values_list("travel_seconds", flat=True)
    )
    plan.travel_model = travel_label(gathered.settings)[:200]
    plan.save()
    audit_record(
        action=AuditAction.CHANGE,
        commune=commune,
        obj=plan,
        changes={"assigned": [None, assigned], "left_out": [None, len(left_out)]},
        note="day planned",
        actor=acting_user,
    )
    return PlanOutcome(plan, assigned, len(left_out), new_visits, solution.solve_seconds)


def _claim(
    plan: DayPlan, route: OfficerRoute, gathered: GatheredDay, key: str, acting_user: User | None
) -> HomeVisit | None:
    """The visit for request ``key`` on ``route``: the day's existing one, or a new one.

    None when someone changed the request meanwhile (booked it by hand, cancelled it,
    locked its route): planning never overrides that.
    """
    existing = gathered.planned.get(key)
    if existing is not None:
        visit = (
            HomeVisit.objects.select_for_update(no_key=True, of=("self",))
            .select_related("route", "request")
            .filter(pk=existing.pk, status=VisitStatus.PLANNED)
            .first()
        )
        if visit is None or visit.route.locked:
            return None
        visit.route = route
        return visit  # type: ignore[no-any-return]
    request = _lock_request(plan.commune, int(key))
    if request.status not in SCHEDULABLE:
        return None
    return HomeVisit(
        commune=plan.commune,
        request=request,
        route=route,
        officer_id=route.officer_id,
        day=plan.day,
        created_by=acting_user,
        status_before=request.status,
    )


def _save_claimed(visits: list[HomeVisit]) -> None:
    for sequence, visit in enumerate(visits, start=1):
        visit.sequence = sequence
        visit.officer_id = visit.route.officer_id
        if visit._state.adding:
            _save_new_visit(visit)
        else:
            visit.save()


def _after_claim(visit: HomeVisit) -> None:
    """A new visit schedules its request and tells the requester."""
    request = visit.request
    if request.status == RequestStatus.SCHEDULED:
        return
    transition(request, RequestStatus.SCHEDULED)
    request.save()
    notifications.notify_scheduled(request, visit)


def _drop_unrouted(
    plan: DayPlan, gathered: GatheredDay, kept: set[int], locked_now: set[int]
) -> None:
    """Planned visits the new plan could not keep go back to waiting (they are listed)."""
    for key, visit in gathered.planned.items():
        if visit.pk in kept or visit.officer_id in locked_now:
            continue
        request = _lock_request(plan.commune, int(key))
        current = HomeVisit.objects.filter(pk=visit.pk, status=VisitStatus.PLANNED).first()
        if current is None or request.status != RequestStatus.SCHEDULED:
            continue
        current.status = VisitStatus.CANCELLED
        current.save()
        transition(request, current.status_before or RequestStatus.ACCEPTED)
        request.save()
    for route in OfficerRoute.objects.filter(plan=plan, locked=False):
        if not route.visits.exclude(status=VisitStatus.CANCELLED).exists():
            route.departs_at = route.returns_at = None
            route.travel_seconds = 0
            route.save()
