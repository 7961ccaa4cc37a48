"""Day plans: every officer's route, planning as a job, hand changes, printable routes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiward.core.access import CommuneRequest, commune_required, get_for_access
from digiward.core.attempts import attempt
from digiward.core.audit import audit_record
from digiward.core.dates import day_or_404, day_text
from digiward.core.documents import qr_data_uri, render_pdf
from digiward.core.downloads import exported_file
from digiward.core.models import AuditAction, User
from digiward.core.permissions import Perm
from digiward.core.selectors import calendar_for
from digiward.homecare import services
from digiward.homecare.checklists import merged
from digiward.homecare.forms import DayForm, MoveForm, visiting_officers
from digiward.homecare.models import DayPlan, HomeVisit, OfficerRoute, VisitStatus
from digiward.homecare.planner import profiles_for, request_needs, settings_for
from digiward.homecare.selectors import plan_overview
from digiward.homecare.templatetags.homecare import map_links_for


def parse_day(value: str) -> date:
    return day_or_404(value)


def _plan_url(day: date) -> str:
    return reverse("homecare:plan_detail", args=[day.isoformat()])


@commune_required(Perm.VIEW_HOME_SUPPORT)
def plan_today(request: CommuneRequest) -> HttpResponseBase:
    """The day plan page opens on the next working day (tomorrow's visits, usually)."""
    form = DayForm(request.GET or None)
    if form.is_valid():
        return redirect(_plan_url(form.cleaned_data["day"]))
    calendar = calendar_for(request.access.commune)
    return redirect(_plan_url(calendar.next_working_day(timezone.localdate() + timedelta(days=1))))


@commune_required(Perm.VIEW_HOME_SUPPORT)
def plan_detail(request: CommuneRequest, day: str) -> HttpResponse:
    the_day = parse_day(day)
    commune = request.access.commune
    overview = plan_overview(commune, the_day)
    audit_record(
        action=AuditAction.VIEW,
        commune=commune,
        object_type="homecare.dayplan",
        object_id=overview.plan.pk if overview.plan else "",
        object_repr=f"day plan {day_text(the_day)}",
    )
    calendar = calendar_for(commune)
    context: dict[str, Any] = {
        "overview": overview,
        "day": the_day,
        "previous_day": the_day - timedelta(days=1),
        "next_day": the_day + timedelta(days=1),
        "working_day": calendar.is_working_day(the_day),
        "holiday": calendar.holiday_name(the_day),
        "day_form": DayForm(initial={"day": the_day}),
        "officers": visiting_officers(commune),
        "settings": settings_for(commune),
        "job": overview.plan.job if overview.plan else None,
    }
    return render(request, "homecare/plan_detail.html", context)


@commune_required(Perm.MANAGE_HOME_SUPPORT)
@require_POST
def plan_run(request: CommuneRequest, day: str) -> HttpResponseBase:
    the_day = parse_day(day)
    with attempt(request) as outcome:
        job = services.dayplan_start(access=request.access, day=the_day)
    if not outcome.ok:
        return redirect(_plan_url(the_day))
    return redirect("core:job_detail", job_id=job.pk)


def _route(request: CommuneRequest, the_day: date, officer_id: int) -> OfficerRoute:
    plan = get_for_access(DayPlan.objects.all(), request.access, day=the_day)
    route: OfficerRoute = get_for_access(
        OfficerRoute.objects.select_related("officer", "plan"),
        request.access,
        plan=plan,
        officer_id=officer_id,
    )
    return route


def _route_context(request: CommuneRequest, route: OfficerRoute) -> dict[str, Any]:
    commune = request.access.commune
    settings = settings_for(commune)
    profiles = profiles_for(commune)
    visits = list(
        HomeVisit.objects.filter(route=route)
        .exclude(status=VisitStatus.CANCELLED)
        .select_related("request__procedure", "request__resident__household")
        .prefetch_related("request__extra_procedures", "request__windows")
        .order_by("sequence")
    )
    stops = []
    for visit in visits:
        needs = request_needs(visit.request, profiles, settings)
        stops.append(
            {
                "visit": visit,
                "links": map_links_for(visit.request),
                "needs": needs,
                "prepare": merged(n.person_prepares for n in needs),
            }
        )
    brings = merged(n.officer_brings for stop in stops for n in stop["needs"])
    return {
        "route": route,
        "stops": stops,
        "brings": brings,
        "settings": settings,
        "day": route.plan.day,
    }


@commune_required(Perm.VIEW_HOME_SUPPORT)
def route_sheet(request: CommuneRequest, day: str, officer_id: int) -> HttpResponse:
    """One officer's route, printable: the order, times, addresses, phones and map links."""
    route = _route(request, parse_day(day), officer_id)
    audit_record(
        action=AuditAction.VIEW,
        commune=request.access.commune,
        obj=route,
        object_repr=f"route {route}",
    )
    return render(request, "homecare/route_sheet.html", _route_context(request, route))


@commune_required(Perm.VIEW_HOME_SUPPORT)
def route_pdf(request: CommuneRequest, day: str, officer_id: int) -> HttpResponse:
    """The same route as an A4 PDF (WeasyPrint), with a QR code per stop for the map."""
    route = _route(request, parse_day(day), officer_id)
    context = _route_context(request, route)
    for stop in context["stops"]:
        stop["qr"] = qr_data_uri(stop["links"].osm) if stop["links"] else ""
    context |= {
        "commune": request.access.commune,
        "printed_at": timezone.localtime(),
    }
    return exported_file(
        request,
        render_pdf("homecare/route_pdf.html", context, request=request),
        obj=route,
        object_repr=f"route {route} (PDF)",
        filename=f"lo-trinh-{route.plan.day:%Y%m%d}-{route.officer.username}.pdf",
    )


@commune_required(Perm.MANAGE_HOME_SUPPORT)
@require_POST
def route_lock(request: CommuneRequest, day: str, officer_id: int) -> HttpResponseBase:
    the_day = parse_day(day)
    route = _route(request, the_day, officer_id)
    locked = request.POST.get("locked") == "1"
    services.route_lock(access=request.access, route=route, locked=locked)
    messages.success(
        request,
        (
            _("Order locked: planning will leave this route alone.")
            if locked
            else _("Route unlocked.")
        ),
    )
    return redirect(_plan_url(the_day))


def _visit(request: CommuneRequest, pk: int) -> HomeVisit:
    visit: HomeVisit = get_for_access(
        HomeVisit.objects.select_related("request", "officer", "route__plan"), request.access, pk=pk
    )
    return visit


@commune_required(Perm.MANAGE_HOME_SUPPORT)
@require_POST
def visit_move(request: CommuneRequest, pk: int) -> HttpResponseBase:
    visit = _visit(request, pk)
    form = MoveForm(request.POST, commune=request.access.commune)
    if form.is_valid():
        officer: User = form.cleaned_data["officer"]
        moved = _("The visit to %(person)s is now on the route of %(officer)s.") % {
            "person": visit.request.person_name,
            "officer": officer.get_full_name(),
        }
        with attempt(request, success=moved):
            services.visit_move(access=request.access, visit=visit, officer=officer)
    else:
        messages.error(request, _("Choose an officer."))
    return redirect(_plan_url(visit.day) + f"#visit-{visit.pk}")


@commune_required(Perm.MANAGE_HOME_SUPPORT)
@require_POST
def visit_reorder(request: CommuneRequest, pk: int) -> HttpResponseBase:
    visit = _visit(request, pk)
    step = -1 if request.POST.get("step") == "up" else 1
    with attempt(request):
        services.visit_reorder(access=request.access, visit=visit, step=step)
    return redirect(_plan_url(visit.day) + f"#visit-{visit.pk}")


@commune_required(Perm.MANAGE_HOME_SUPPORT)
@require_POST
def visit_unschedule(request: CommuneRequest, pk: int) -> HttpResponseBase:
    visit = _visit(request, pk)
    off = _("The visit to %(person)s is off the plan; the request waits for a new day.") % {
        "person": visit.request.person_name
    }
    with attempt(request, success=off):
        services.visit_unschedule(
            access=request.access, visit=visit, reason=request.POST.get("reason", "")
        )
    return redirect(_plan_url(visit.day))
