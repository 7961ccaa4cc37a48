"""Reads for the home-support screens: the inbox, deadlines, a request's page, day plans,
my visits, what a visit needs."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from digiward.core.access import Access
from digiward.core.models import Commune, User
from digiward.core.selectors import calendar_for
from digiward.homecare.checklists import (
    MILESTONE_BY_SLUG,
    ProcedureNeeds,
    call_script,
    merged,
)
from digiward.homecare.eligibility import basis_labels
from digiward.homecare.models import (
    OPEN_STATUSES,
    Authority,
    DayPlan,
    HomeSupportRequest,
    HomeVisit,
    OfficerProfile,
    OfficerRoute,
    RequestSource,
    RequestStatus,
    VisitStatus,
)
from digiward.homecare.planner import (
    officer_profile,
    officer_profiles,
    profiles_for,
    request_needs,
    settings_for,
    unavailability,
)
from digiward.homecare.sla import DueState, due_state, working_days_left
from digiward.homecare.wording import UNAVAILABLE, left_out_label
from digiward.homecare.workflow import REQUEST, SCHEDULABLE, SECOND_VISIT_FROM
from digiward.procedures.models import Procedure

__all__ = [
    "OPEN_STATUSES",
    "call_script_for",
    "companion_visits",
    "deadline_rows",
    "deadlines",
    "goes_along",
    "inbox",
    "last_visit",
    "may_certify",
    "my_visits",
    "plan_overview",
    "planned_visit",
    "request_load_by_commune",
    "request_page",
    "visit_needs",
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


def deadline_rows(
    commune: Commune, lists: Deadlines
) -> dict[str, list[tuple[HomeSupportRequest, int]]]:
    """The deadline page's rows: each overdue request with its working days late, each
    request due soon with its working days left."""
    calendar = calendar_for(commune)
    today = lists.window.today
    return {
        "overdue": [
            (r, -working_days_left(calendar, today, r.due_on))  # type: ignore[arg-type]
            for r in lists.overdue
        ],
        "due_soon": [
            (r, working_days_left(calendar, today, r.due_on))  # type: ignore[arg-type]
            for r in lists.due_soon
        ],
    }


# --- A request's page ---------------------------------------------------------------------


@dataclass(frozen=True)
class RequestPage:
    """A request's page besides the request itself: what its procedures need, how close
    its deadline is, its visits, and which decisions its status allows (`can`)."""

    procedures: list[Procedure]
    needs: list[ProcedureNeeds]
    officer_brings: list[str]
    person_prepares: list[str]
    authorities: list[str]
    bases: list[str]
    due: DueState | None
    days_left: int | None
    visits: list[HomeVisit]
    planned: HomeVisit | None
    can: dict[str, bool]
    is_phone_call: bool
    # What the booking form proposes: the user when they visit homes, the next working day.
    book_officer: int | None
    book_day: date

    def context(self) -> dict[str, Any]:
        """The page's template variables, one per field."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def request_page(access: Access, request: HomeSupportRequest) -> RequestPage:
    commune = access.commune
    settings = settings_for(commune)
    needs = request_needs(request, profiles_for(commune), settings)
    calendar = calendar_for(commune)
    today = timezone.localdate()
    visits = list(
        HomeVisit.objects.filter(request=request)
        .select_related("officer", "route__plan")
        .order_by("-day", "-pk")
    )
    profile = officer_profile(commune, access.user)
    status = request.status
    return RequestPage(
        procedures=request.procedure_list(),
        needs=needs,
        officer_brings=merged(n.officer_brings for n in needs),
        person_prepares=merged(n.person_prepares for n in needs),
        authorities=sorted({n.authority_label for n in needs if n.authority}),
        bases=basis_labels(request.eligibility_bases),
        due=due_state(calendar, today, request.due_on, settings.due_soon_working_days)
        if request.due_on and request.is_open
        else None,
        days_left=working_days_left(calendar, today, request.due_on) if request.due_on else None,
        visits=visits,
        planned=next((v for v in visits if v.status == VisitStatus.PLANNED), None),
        can={
            "accept": REQUEST.can(status, RequestStatus.ACCEPTED),
            "reject": REQUEST.can(status, RequestStatus.REJECTED),
            "cancel": REQUEST.can(status, RequestStatus.CANCELLED),
            "complete": REQUEST.can(status, RequestStatus.COMPLETED),
            "second_visit": REQUEST.can(status, RequestStatus.NEEDS_SECOND_VISIT)
            and status in SECOND_VISIT_FROM,
            "book": status in SCHEDULABLE,
        },
        is_phone_call=request.source == RequestSource.PHONE_CALL,
        book_officer=access.user.pk if profile and profile.takes_home_visits else None,
        book_day=calendar.next_working_day(today + timedelta(days=1)),
    )


def call_script_for(access: Access, request: HomeSupportRequest, page: RequestPage) -> list[str]:
    """What to say when phoning the day before, in the name of the officer who goes (the
    user while nobody is booked), with each procedure's own lines."""
    planned = page.planned
    officer = planned.officer if planned else access.user
    custom = [
        line.strip() for n in page.needs for line in n.call_script.splitlines() if line.strip()
    ]
    return call_script(
        officer=officer.get_full_name(),
        commune=access.commune.name,
        person=request.person_name,
        day=planned.day if planned else None,
        at=planned.starts_at if planned else None,
        procedures=[p.display_name for p in page.procedures]
        + ([request.procedure_other] if request.procedure_other else []),
        prepare=page.person_prepares,
        custom=custom,
    )


# --- A visit ------------------------------------------------------------------------------


def may_certify(commune: Commune, user: User) -> bool:
    """May the user certify signatures and contracts at a home (their officer profile)?"""
    profile = officer_profile(commune, user)
    return profile is not None and profile.may(Authority.CERTIFY)


@dataclass(frozen=True)
class VisitNeeds:
    """What the visit record asks about: the procedures' needs, the documents to check,
    the journey step it usually reaches (only for a person linked to the registry)."""

    needs: list[ProcedureNeeds]
    documents: list[str]
    milestone: str
    is_certification: bool


def visit_needs(commune: Commune, visit: HomeVisit) -> VisitNeeds:
    needs = request_needs(visit.request, profiles_for(commune), settings_for(commune))
    suggested = next(
        (
            MILESTONE_BY_SLUG[n.procedure.slug]
            for n in needs
            if n.procedure.slug in MILESTONE_BY_SLUG
        ),
        "",
    )
    return VisitNeeds(
        needs=needs,
        documents=merged(n.person_prepares for n in needs),
        milestone=suggested if visit.request.resident_id else "",
        is_certification=any(n.authority == Authority.CERTIFY for n in needs),
    )


# --- Day plans ----------------------------------------------------------------------------


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


# After a visit the citizen is told when it took place (a done or missed visit).
VISITED_STATUSES = (
    RequestStatus.VISITED,
    RequestStatus.COMPLETED,
    RequestStatus.NEEDS_SECOND_VISIT,
)


def last_visit(request: HomeSupportRequest) -> HomeVisit | None:
    """The visit that took place last, for the public status page (its day only)."""
    if request.status not in VISITED_STATUSES:
        return None
    return (
        HomeVisit.objects.filter(request=request, status__in=(VisitStatus.DONE, VisitStatus.MISSED))
        .only("day", "arrived_at", "status")
        .order_by("-day", "-pk")
        .first()
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


@dataclass(frozen=True)
class RequestLoad:
    """A commune's home-support requests still open, and how many are past their deadline."""

    open: int = 0
    overdue: int = 0


def request_load_by_commune(commune_ids: list[int], today: date) -> dict[int, RequestLoad]:
    """Open and overdue requests of each commune in `commune_ids` that has any open: one
    grouped query (the province roll-up)."""
    rows = (
        HomeSupportRequest.objects.filter(commune_id__in=commune_ids, status__in=OPEN_STATUSES)
        .values("commune_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        .order_by()
    )
    return {row["commune_id"]: RequestLoad(row["open"], row["overdue"]) for row in rows}


def open_requests_by_status(commune: Commune) -> dict[str, int]:
    """The commune's open home-support requests, counted by status: one grouped query."""
    return dict(
        HomeSupportRequest.objects.filter(commune=commune, status__in=OPEN_STATUSES)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
