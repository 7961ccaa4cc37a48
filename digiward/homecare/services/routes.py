"""An officer's route as booking and day planning change it: read, re-checked, written back.

No business verb of its own: `services.booking` (one visit by hand) and
`services.dayplan` (a whole day) both lock the request first, then the visits, then the
routes they change (`lock_routes`, in id order), and re-check every changed route against
time windows, working hours and authority (`dayplan.check_route`) before writing it.
A change that does not fit raises DomainError with the reason (`issue_message`): nothing
is written then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from digiward.core.dates import day_text
from digiward.core.errors import DomainError
from digiward.core.models import Commune, User
from digiward.core.selectors import calendar_for
from digiward.homecare.dayplan import (
    IssueKind,
    LeftOutReason,
    PlannedRoute,
    RouteIssue,
    StopSpec,
    best_insertion,
    check_route,
)
from digiward.homecare.models import (
    DayPlan,
    HomeSupportRequest,
    HomeVisit,
    OfficerProfile,
    OfficerRoute,
    VisitStatus,
    authority_labels,
)
from digiward.homecare.planner import (
    center_of,
    officer_profile,
    officer_spec,
    profiles_for,
    request_queryset,
    settings_for,
    stop_for,
    time_of,
    travel_for,
)

# --- Plans and routes ---------------------------------------------------------------------


def dayplan_for(commune: Commune, day: date) -> DayPlan:
    """The day's plan, created on first use (two creators at once: one row)."""
    plan, _created = DayPlan.objects.get_or_create(commune=commune, day=day)
    return plan


def route_for(plan: DayPlan, officer_id: int) -> OfficerRoute:
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


def lock_routes(*routes: OfficerRoute) -> list[OfficerRoute]:
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


def ensure_unlocked(route: OfficerRoute) -> None:
    """Refuse to change a route whose order someone locked (planning leaves it alone too)."""
    if route.locked:
        raise DomainError(
            _("The route of %(officer)s on %(day)s is locked: unlock it first.")
            % {"officer": route.officer.get_full_name(), "day": day_text(route.plan.day)}
        )


def visiting_profile(commune: Commune, officer: User) -> OfficerProfile:
    """The officer's profile, or a refusal when they do not take home visits."""
    profile = officer_profile(commune, officer)
    if profile is None or not profile.takes_home_visits or not officer.is_active:
        raise DomainError(
            _("%(officer)s does not take home visits (see Home support › Officers).")
            % {"officer": officer.get_full_name()},
            field="officer",
        )
    return profile


def already_booked(request: HomeSupportRequest) -> DomainError:
    """The refusal when someone else booked the request first, naming who and when."""
    visit = (
        HomeVisit.objects.filter(request=request, status=VisitStatus.PLANNED)
        .select_related("officer")
        .first()
    )
    if visit is None:
        return DomainError(_("Someone has just booked this visit. Nothing was changed."))
    return DomainError(
        _("%(officer)s has already booked this visit for %(day)s. Nothing was changed.")
        % {"officer": visit.officer.get_full_name(), "day": day_text(visit.day)}
    )


def save_new_visit(visit: HomeVisit) -> None:
    """Insert a visit; the one-planned-visit constraint refuses a second booking."""
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:
        raise already_booked(visit.request) from None


# --- What does not fit, in words ----------------------------------------------------------


def _clock(seconds: int) -> str:
    return f"{time_of(seconds):%H:%M}"


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
    return ", ".join(authority_labels(sorted(needed)))


def refuse_issue(issue: RouteIssue | None, route: OfficerRoute, stops: RouteStops) -> DomainError:
    """The refusal of a route that does not fit, naming the officer and the person."""
    assert issue is not None
    return DomainError(
        issue_message(issue, route.officer.get_full_name(), stops.people(), stops.stops)
    )


# --- A route's stops ----------------------------------------------------------------------


@dataclass
class RouteStops:
    """A route's visits in order, with what planning needs to know about each."""

    route: OfficerRoute
    visits: list[HomeVisit]
    stops: list[StopSpec]

    def people(self) -> dict[str, str]:
        return {stop_key(v): v.request.person_name for v in self.visits}

    def by_key(self) -> dict[str, HomeVisit]:
        return {stop_key(v): v for v in self.visits}


def stop_key(visit: HomeVisit) -> str:
    """A stop's key on a hand-checked route: the visit (one request may be visited twice)."""
    return "new" if visit._state.adding else f"v{visit.pk}"


def route_stops(route: OfficerRoute, *, without: HomeVisit | None = None) -> RouteStops:
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
        stops.append(replace(spec, key=stop_key(visit)))
    return RouteStops(route, visits, stops)


def write_route(route: OfficerRoute, by_key: dict[str, HomeVisit], planned: PlannedRoute) -> None:
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
            save_new_visit(visit)
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


def route_recheck(route: OfficerRoute, *, without: HomeVisit | None = None) -> None:
    """Recompute a route's times after a visit left it (leaving never breaks a route)."""
    current = route_stops(route, without=without)
    route_reorder(route, current, current.stops)


def route_reorder(route: OfficerRoute, current: RouteStops, stops: list[StopSpec]) -> None:
    """Write ``current``'s visits in the order of ``stops`` if the route still fits, or refuse."""
    profile = visiting_profile(route.commune, route.officer)
    settings = settings_for(route.commune)
    result = check_route(center_of(settings), officer_spec(profile), stops, travel_for(settings))
    if result.route is None:
        raise refuse_issue(result.issue, route, replace(current, stops=stops))
    write_route(route, current.by_key(), result.route)


def route_insert(route: OfficerRoute, profile: OfficerProfile, visit: HomeVisit) -> None:
    """Put ``visit`` where it fits best in ``route`` and retime the route, or refuse."""
    ensure_unlocked(route)
    settings = settings_for(route.commune)
    current = route_stops(route, without=visit)
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
            % {"day": day_text(route.plan.day)},
            field="day",
        )
    new = replace(new, key=stop_key(visit))
    order, result = best_insertion(
        center_of(settings), officer_spec(profile), current.stops, new, travel_for(settings)
    )
    with_new = RouteStops(route, [*current.visits, visit], [*current.stops, new])
    if order is None or result.route is None:
        raise refuse_issue(result.issue, route, with_new)
    write_route(route, with_new.by_key(), result.route)
