"""Planning a whole day: queued as a job, solved without a transaction, written under locks.

`dayplan_start` queues the job (`homecare.tasks.plan_day`); the task calls
`dayplan_solve`, which reads the day (`planner.gather_day`), solves it
(`dayplan.solve_day`, no transaction held meanwhile) and hands the answer to
`dayplan_apply`. That locks what it changes in the order every home-support write
follows (requests, then the plan, visits, routes) and leaves alone what someone changed
by hand meanwhile: a booked request, a locked route. Those are listed with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.audit import audit_record
from digiward.core.dates import day_text
from digiward.core.jobs import job_start
from digiward.core.models import AuditAction, Job, User
from digiward.core.permissions import Perm
from digiward.core.selectors import calendar_for
from digiward.homecare import notifications
from digiward.homecare.dayplan import DaySolution, LeftOut, LeftOutReason, solve_day
from digiward.homecare.models import (
    DayPlan,
    HomeVisit,
    OfficerRoute,
    RequestStatus,
    VisitStatus,
)
from digiward.homecare.planner import (
    GatheredDay,
    center_of,
    gather_day,
    refuse_closed_day,
    settings_for,
    travel_for,
    travel_label,
)
from digiward.homecare.services.common import lock_request, lock_requests
from digiward.homecare.services.routes import (
    dayplan_for,
    route_for,
    route_recheck,
    save_new_visit,
    write_route,
)
from digiward.homecare.tasks import plan_day
from digiward.homecare.workflow import SCHEDULABLE, transition

# Planning settings of the background job: a short OR-Tools polish after VROOM.
PLAN_POLISH_SECONDS = 0.6
PLAN_TIME_LIMIT_SECONDS = 1.5


@transaction.atomic
def dayplan_start(*, access: Access, day: date) -> Job:
    """Queue the planning of ``day`` as a background job (checks what it can first)."""
    access.require(Perm.MANAGE_HOME_SUPPORT)
    center_of(settings_for(access.commune))  # refuses now if the center is not set
    refuse_closed_day(calendar_for(access.commune), day)
    plan = dayplan_for(access.commune, day)
    job = job_start(
        acting_user=access.user,
        commune=access.commune,
        kind="homecare.plan",
        title=_("Plan the home visits of %(day)s") % {"day": day_text(day)},
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
    lock_requests(touched)
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
        route = route_for(plan, officer_id)
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
            route_recheck(route)
        else:
            write_route(route, {str(v.request_id): v for v in visits}, planned)
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
    request = lock_request(plan.commune, int(key))
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
            save_new_visit(visit)
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
        request = lock_request(plan.commune, int(key))
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
