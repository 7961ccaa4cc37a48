"""Reads for the home-support screens: the inbox, deadlines, day plans, my visits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from digiward.core.access import Access
from digiward.core.models import Commune
from digiward.core.selectors import calendar_for
from digiward.homecare.models import (
    OPEN_STATUSES,
    DayPlan,
    HomeSupportRequest,
    HomeVisit,
    OfficerProfile,
    OfficerRoute,
    RequestStatus,
    VisitStatus,
)
from digiward.homecare.planner import officer_profiles, settings_for, unavailability
from digiward.homecare.wording import UNAVAILABLE, left_out_label

__all__ = [
    "OPEN_STATUSES",
    "companion_visits",
    "deadlines",
    "goes_along",
    "inbox",
    "my_visits",
    "plan_overview",
    "planned_visit",
]


def inbox(
    access: Access, status: str | None = None, *, query: str = "", due: str = ""
) -> QuerySet[HomeSupportRequest]:
    requests = HomeSupportRequest.objects.for_access(access).select_related("procedure", "area")
    chosen = [status] if status in RequestStatus.values else list(OPEN_STATUSES)
    requests = requests.filter(status__in=chosen)
    if query:
        code = query.strip().upper().replace(" ", "")
        requests = requests.filter(
            Q(tracking_code=code)
            | Q(person_name__icontains=query.strip())
            | Q(address__icontains=query.strip())
            | Q(requester_phone__endswith=query.strip())
            | Q(person_phone__endswith=query.strip())
        )
    if due:
        window = deadlines_window(access.commune)
        if due == "overdue":
            requests = requests.filter(status__in=OPEN_STATUSES, due_on__lt=window.today)
        elif due == "due_soon":
            requests = requests.filter(
                status__in=OPEN_STATUSES, due_on__gte=window.today, due_on__lte=window.soon_until
            )
    return requests


@dataclass(frozen=True)
class DeadlineWindow:
    today: date
    soon_until: date


def deadlines_window(commune: Commune, today: date | None = None) -> DeadlineWindow:
    today = today or timezone.localdate()
    days = settings_for(commune).due_soon_working_days
    return DeadlineWindow(today, calendar_for(commune).add_working_days(today, days))


@dataclass(frozen=True)
class Deadlines:
    window: DeadlineWindow
    overdue: list[HomeSupportRequest]
    due_soon: list[HomeSupportRequest]


def deadlines(commune: Commune, today: date | None = None) -> Deadlines:
    """Open requests past their deadline, and those due within the warning period."""
    window = deadlines_window(commune, today)
    open_requests = (
        HomeSupportRequest.objects.for_commune(commune)
        .filter(status__in=OPEN_STATUSES, due_on__isnull=False)
        .select_related("procedure")
        .order_by("due_on", "created_at")
    )
    return Deadlines(
        window=window,
        overdue=list(open_requests.filter(due_on__lt=window.today)),
        due_soon=list(
            open_requests.filter(due_on__gte=window.today, due_on__lte=window.soon_until)
        ),
    )


@dataclass
class RouteView:
    route: OfficerRoute | None
    profile: OfficerProfile | None
    officer_name: str
    officer_id: int
    visits: list[HomeVisit] = field(default_factory=list)
    unavailable: str = ""


@dataclass
class LeftOutView:
    request: HomeSupportRequest | None
    reason: str
    detail: str


@dataclass
class PlanOverview:
    day: date
    plan: DayPlan | None
    routes: list[RouteView]
    left_out: list[LeftOutView]
    waiting: int

    @property
    def visit_count(self) -> int:
        return sum(len(r.visits) for r in self.routes)


def plan_overview(commune: Commune, day: date) -> PlanOverview:
    """Every officer's route on ``day`` (empty for those without), and what did not fit."""
    plan = DayPlan.objects.for_commune(commune).filter(day=day).first()
    routes = (
        {r.officer_id: r for r in OfficerRoute.objects.filter(plan=plan).select_related("officer")}
        if plan
        else {}
    )
    visits: dict[int, list[HomeVisit]] = {}
    if plan is not None:
        for visit in (
            HomeVisit.objects.filter(route__plan=plan)
            .exclude(status=VisitStatus.CANCELLED)
            .select_related("request__procedure", "request__resident__household")
            .order_by("sequence")
        ):
            visits.setdefault(visit.officer_id, []).append(visit)
    views: list[RouteView] = []
    seen: set[int] = set()
    for profile in officer_profiles(commune):
        reason = unavailability(profile, day)
        views.append(
            RouteView(
                route=routes.get(profile.user_id),
                profile=profile,
                officer_name=profile.user.get_full_name(),
                officer_id=profile.user_id,
                visits=visits.get(profile.user_id, []),
                unavailable=str(UNAVAILABLE[reason]) if reason else "",
            )
        )
        seen.add(profile.user_id)
    for officer_id, route in routes.items():  # a route whose officer lost their profile
        if officer_id not in seen:
            views.append(
                RouteView(
                    route,
                    None,
                    route.officer.get_full_name(),
                    officer_id,
                    visits.get(officer_id, []),
                )
            )
    left: list[LeftOutView] = []
    if plan is not None and plan.unassigned:
        ids = [item["request"] for item in plan.unassigned]
        found = {
            r.pk: r
            for r in HomeSupportRequest.objects.for_commune(commune)
            .filter(pk__in=ids)
            .select_related("procedure")
        }
        for item in plan.unassigned:
            request = found.get(item["request"])
            if request is not None and request.status == RequestStatus.SCHEDULED:
                continue  # booked by hand since the plan was made
            left.append(
                LeftOutView(request, left_out_label(item["reason"]), item.get("detail", ""))
            )
    waiting = (
        HomeSupportRequest.objects.for_commune(commune)
        .filter(status__in=(RequestStatus.ACCEPTED, RequestStatus.NEEDS_SECOND_VISIT))
        .count()
    )
    return PlanOverview(day, plan, views, left, waiting)


def my_visits(access: Access, day: date) -> list[HomeVisit]:
    return list(
        HomeVisit.objects.for_access(access)
        .filter(officer=access.user, day=day)
        .exclude(status=VisitStatus.CANCELLED)
        .select_related("request__procedure", "request__resident__household", "route")
        .order_by("sequence")
    )


def goes_along(access: Access) -> bool:
    """Is the user the paired volunteer of an officer who visits homes here?"""
    return (
        OfficerProfile.objects.for_access(access)
        .filter(volunteer=access.user, takes_home_visits=True)
        .exists()
    )


def companion_visits(access: Access, day: date) -> list[HomeVisit]:
    """The visits of the officers a volunteer is paired with (`OfficerProfile.volunteer`):
    the volunteer goes along, so sees where and when, and nothing else of home support."""
    officers = OfficerProfile.objects.for_access(access).filter(
        volunteer=access.user, takes_home_visits=True
    )
    return list(
        HomeVisit.objects.for_access(access)
        .filter(officer__in=officers.values("user"), day=day)
        .exclude(status=VisitStatus.CANCELLED)
        .select_related("request__procedure", "request__resident__household", "officer")
        .order_by("officer__full_name", "sequence")
    )


def planned_visit(request: HomeSupportRequest) -> HomeVisit | None:
    """The visit a citizen is told about on the public status page (day and time only)."""
    if request.status != RequestStatus.SCHEDULED:
        return None
    return (
        HomeVisit.objects.filter(request=request, status=VisitStatus.PLANNED)
        .only("day", "starts_at")
        .first()
    )
