"""Requests: the inbox, taking a request on the phone, eligibility, decisions, deadlines."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digiward.core.access import CommuneRequest, commune_required, get_for_access
from digiward.core.audit import audit_record
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction
from digiward.core.params import id_from, search_text
from digiward.core.permissions import Perm
from digiward.core.selectors import calendar_for
from digiward.homecare import scheduling, services
from digiward.homecare.checklists import call_script, merged
from digiward.homecare.eligibility import basis_labels
from digiward.homecare.forms import (
    BookForm,
    EligibilityForm,
    ReasonForm,
    RequestForm,
    ResidentSearchForm,
    window_formset,
)
from digiward.homecare.models import (
    HomeSupportRequest,
    HomeVisit,
    OfficerProfile,
    RequestSource,
    RequestStatus,
    VisitStatus,
)
from digiward.homecare.planner import profiles_for, request_needs, settings_for
from digiward.homecare.selectors import deadlines, inbox
from digiward.homecare.sla import due_state, working_days_left
from digiward.homecare.workflow import SCHEDULABLE, can_transition
from digiward.registry.models import Resident
from digiward.registry.search import SearchRefused, resident_search_for


def get_request(request: CommuneRequest, pk: int) -> HomeSupportRequest:
    home_request: HomeSupportRequest = get_for_access(
        HomeSupportRequest.objects.select_related(
            "procedure",
            "area",
            "resident__household",
            "eligibility_override_by",
            "accepted_by",
            "created_by",
        ).prefetch_related("extra_procedures", "windows"),
        request.access,
        pk=pk,
    )
    return home_request


@commune_required(Perm.VIEW_HOME_SUPPORT)
def request_list(request: CommuneRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    query = search_text(request.GET.get("q"))
    due = request.GET.get("due", "")
    requests = inbox(request.access, status, query=query, due=due).prefetch_related(
        "extra_procedures"
    )
    page = Paginator(requests, 30).get_page(request.GET.get("page"))
    audit_record(
        action=AuditAction.VIEW,
        commune=request.access.commune,
        object_type="homecare.homesupportrequest",
        object_repr=f"inbox page {page.number} {request.GET.urlencode()}"[:200],
    )
    return render(
        request,
        "homecare/request_list.html",
        {
            "page_obj": page,
            "status": status,
            "statuses": RequestStatus.choices,
            "query": query,
            "due": due,
            "today": timezone.localdate(),
        },
    )


def _windows_from(formset: Any) -> list[services.WindowData]:
    return [w for w in (form.window() for form in formset.forms) if w]


@commune_required(Perm.MANAGE_HOME_SUPPORT)
@require_http_methods(["GET", "POST"])
def request_create(request: CommuneRequest) -> HttpResponseBase:
    commune = request.access.commune
    form = RequestForm(request.POST or None, commune=commune)
    windows = window_formset(request.POST or None)
    if request.method == "POST" and form.is_valid() and windows.is_valid():
        try:
            created = services.request_create(
                access=request.access,
                details=form.details(_windows_from(windows)),
                source=form.cleaned_data["source"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("Request %(code)s recorded. Tell the caller this code.")
                % {"code": created.tracking_code},
            )
            return redirect("homecare:request_detail", pk=created.pk)
    return render(
        request,
        "homecare/request_form.html",
        {"form": form, "windows": windows, "home_request": None},
    )


def _initial(home_request: HomeSupportRequest) -> dict[str, Any]:
    return {
        "requester_relation": home_request.requester_relation,
        "requester_name": home_request.requester_name,
        "requester_phone": home_request.requester_phone,
        "requester_email": home_request.requester_email,
        "person_name": home_request.person_name,
        "person_phone": home_request.person_phone,
        "person_birth_year": home_request.person_birth_year,
        "address": home_request.address,
        "area": home_request.area_id,
        "latitude": home_request.latitude,
        "longitude": home_request.longitude,
        "procedure": home_request.procedure_id,
        "extra_procedures": [p.pk for p in home_request.extra_procedures.all()],
        "procedure_other": home_request.procedure_other,
        "reason": home_request.reason,
        "reason_detail": home_request.reason_detail,
        "urgency": home_request.urgency,
        "visit_minutes": home_request.visit_minutes,
        "preferred_times": home_request.preferred_times,
        "notes": home_request.notes,
    }


@commune_required(Perm.MANAGE_HOME_SUPPORT)
@require_http_methods(["GET", "POST"])
def request_edit(request: CommuneRequest, pk: int) -> HttpResponseBase:
    home_request = get_request(request, pk)
    form = RequestForm(
        request.POST or None,
        initial=_initial(home_request),
        commune=request.access.commune,
        editing=True,
    )
    existing = [
        {
            "weekday": "" if w.weekday is None else str(w.weekday),
            "on_date": w.on_date,
            "starts_at": w.starts_at,
            "ends_at": w.ends_at,
        }
        for w in home_request.windows.all()
    ]
    windows = window_formset(request.POST or None, initial=existing)
    if request.method == "POST" and form.is_valid() and windows.is_valid():
        try:
            services.request_update(
                access=request.access,
                request=home_request,
                details=form.details(_windows_from(windows)),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Request saved."))
            return redirect("homecare:request_detail", pk=home_request.pk)
    return render(
        request,
        "homecare/request_form.html",
        {"form": form, "windows": windows, "home_request": home_request},
    )


def _next_working_day(request: CommuneRequest) -> Any:
    calendar = calendar_for(request.access.commune)
    return calendar.next_working_day(timezone.localdate() + timedelta(days=1))


def detail_context(request: CommuneRequest, home_request: HomeSupportRequest) -> dict[str, Any]:
    commune = request.access.commune
    settings = settings_for(commune)
    needs = request_needs(home_request, profiles_for(commune), settings)
    calendar = calendar_for(commune)
    today = timezone.localdate()
    visits = list(
        HomeVisit.objects.filter(request=home_request)
        .select_related("officer", "route__plan")
        .order_by("-day", "-pk")
    )
    planned = next((v for v in visits if v.status == VisitStatus.PLANNED), None)
    me_visits = (
        OfficerProfile.objects.for_commune(commune)
        .filter(user=request.user, takes_home_visits=True)
        .exists()
    )
    book_form = BookForm(
        commune=commune,
        initial={
            "officer": request.user.pk if me_visits else None,
            "day": _next_working_day(request),
        },
    )
    due = (
        due_state(calendar, today, home_request.due_on, settings.due_soon_working_days)
        if home_request.due_on and home_request.is_open
        else None
    )
    return {
        "home_request": home_request,
        "procedures": home_request.procedure_list(),
        "needs": needs,
        "officer_brings": merged(n.officer_brings for n in needs),
        "person_prepares": merged(n.person_prepares for n in needs),
        "authorities": sorted({n.authority_label for n in needs if n.authority}),
        "bases": basis_labels(home_request.eligibility_bases),
        "due": due,
        "days_left": working_days_left(calendar, today, home_request.due_on)
        if home_request.due_on
        else None,
        "visits": visits,
        "planned": planned,
        "can": {
            "accept": can_transition(home_request.status, RequestStatus.ACCEPTED),
            "reject": can_transition(home_request.status, RequestStatus.REJECTED),
            "cancel": can_transition(home_request.status, RequestStatus.CANCELLED),
            "complete": can_transition(home_request.status, RequestStatus.COMPLETED),
            "second_visit": can_transition(home_request.status, RequestStatus.NEEDS_SECOND_VISIT)
            and home_request.status == RequestStatus.VISITED,
            "book": home_request.status in SCHEDULABLE,
        },
        "eligibility_form": EligibilityForm(
            initial={
                "decision": {None: "registry", True: "eligible", False: "not_eligible"}[
                    home_request.eligibility_override
                ],
                "reason": home_request.eligibility_override_reason,
            }
        ),
        "reason_form": ReasonForm(),
        "book_form": book_form,
        "search_form": ResidentSearchForm(),
        "is_phone_call": home_request.source == RequestSource.PHONE_CALL,
    }


@commune_required(Perm.VIEW_HOME_SUPPORT)
def request_detail(request: CommuneRequest, pk: int) -> HttpResponse:
    home_request = get_request(request, pk)
    audit_record(action=AuditAction.VIEW, commune=request.access.commune, obj=home_request)
    return render(request, "homecare/request_detail.html", detail_context(request, home_request))


@commune_required(Perm.MANAGE_HOME_SUPPORT)
@require_http_methods(["GET", "POST"])
def request_link(request: CommuneRequest, pk: int) -> HttpResponseBase:
    """Find the person in the registry (htmx search) and link them, or unlink."""
    home_request = get_request(request, pk)
    if request.method == "POST":
        resident = None
        picked = id_from(request.POST.get("resident"))
        if picked is not None:
            resident = get_for_access(
                Resident.objects.select_related("household"),
                request.access,
                pk=picked,
            )
        try:
            services.request_link_resident(
                access=request.access, request=home_request, resident=resident
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Linked to %(name)s in the registry.") % {"name": resident.full_name}
                if resident
                else _("No longer linked to the registry."),
            )
        return redirect("homecare:request_detail", pk=home_request.pk)
    query = search_text(request.GET.get("q")) or home_request.person_name
    results, refused = None, ""
    try:
        results = resident_search_for(
            request.access, query, purpose=f"request {home_request.tracking_code}"
        )
    except SearchRefused as error:
        refused = error.message
    context = {
        "home_request": home_request,
        "results": results,
        "query": query,
        "refused": refused,
    }
    if request.htmx:
        return render(request, "homecare/partials/_resident_results.html", context)
    return render(request, "homecare/request_link.html", context)


@commune_required(Perm.MANAGE_HOME_SUPPORT)
@require_POST
def request_eligibility(request: CommuneRequest, pk: int) -> HttpResponseBase:
    home_request = get_request(request, pk)
    if request.POST.get("check"):
        services.request_check_eligibility(access=request.access, request=home_request)
        messages.success(request, _("Checked against the registry again."))
        return redirect("homecare:request_detail", pk=home_request.pk)
    form = EligibilityForm(request.POST)
    if form.is_valid():
        try:
            services.request_override_eligibility(
                access=request.access,
                request=home_request,
                eligible=form.eligible,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your decision is recorded."))
    else:
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, str(problem))
    return redirect("homecare:request_detail", pk=home_request.pk)


ACTIONS = {"accept", "reject", "cancel", "complete", "second_visit"}


@commune_required(Perm.MANAGE_HOME_SUPPORT)
@require_POST
def request_decide(request: CommuneRequest, pk: int, action: str) -> HttpResponseBase:
    if action not in ACTIONS:
        raise Http404
    home_request = get_request(request, pk)
    reason = request.POST.get("reason", "")
    try:
        if action == "accept":
            services.request_accept(access=request.access, request=home_request)
            messages.success(request, _("Request accepted: now book a visit or plan the day."))
        elif action == "reject":
            services.request_reject(access=request.access, request=home_request, reason=reason)
            messages.success(request, _("Request not taken on. Phone the person to explain."))
        elif action == "cancel":
            services.request_cancel(access=request.access, request=home_request, reason=reason)
            messages.success(request, _("Request cancelled."))
        elif action == "second_visit":
            services.request_second_visit(
                access=request.access, request=home_request, reason=reason
            )
            messages.success(request, _("The request waits for a second visit."))
        else:
            services.request_complete(access=request.access, request=home_request)
            messages.success(request, _("Request completed."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("homecare:request_detail", pk=home_request.pk)


@commune_required(Perm.VISIT_HOMES)
@require_POST
def request_book(request: CommuneRequest, pk: int) -> HttpResponseBase:
    home_request = get_request(request, pk)
    form = BookForm(request.POST, commune=request.access.commune)
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, str(problem))
        return redirect("homecare:request_detail", pk=home_request.pk)
    try:
        visit = scheduling.visit_book(
            access=request.access,
            request=home_request,
            officer=form.cleaned_data["officer"],
            day=form.cleaned_data["day"],
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("homecare:request_detail", pk=home_request.pk)
    messages.success(
        request,
        _("Visit booked for %(officer)s on %(day)s at about %(time)s.")
        % {
            "officer": visit.officer.get_full_name(),
            "day": f"{visit.day:%d/%m/%Y}",
            "time": f"{visit.starts_at:%H:%M}" if visit.starts_at else "",
        },
    )
    return redirect("homecare:request_detail", pk=home_request.pk)


@commune_required(Perm.VIEW_HOME_SUPPORT)
def request_checklist(request: CommuneRequest, pk: int) -> HttpResponse:
    """Printable: what to bring, what the person has ready, and the call for the day before."""
    home_request = get_request(request, pk)
    context = detail_context(request, home_request)
    planned = context["planned"]
    officer = planned.officer.get_full_name() if planned else request.user.get_full_name()
    custom = [
        line.strip()
        for n in context["needs"]
        for line in n.call_script.splitlines()
        if line.strip()
    ]
    context["script"] = call_script(
        officer=officer,
        commune=request.access.commune.name,
        person=home_request.person_name,
        day=planned.day if planned else None,
        at=planned.starts_at if planned else None,
        procedures=[p.display_name for p in context["procedures"]]
        + ([home_request.procedure_other] if home_request.procedure_other else []),
        prepare=context["person_prepares"],
        custom=custom,
    )
    audit_record(
        action=AuditAction.VIEW, commune=request.access.commune, obj=home_request, note="checklist"
    )
    return render(request, "homecare/request_checklist.html", context)


@commune_required(Perm.VIEW_HOME_SUPPORT)
def deadline_list(request: CommuneRequest) -> HttpResponse:
    lists = deadlines(request.access.commune)
    audit_record(
        action=AuditAction.VIEW,
        commune=request.access.commune,
        object_type="homecare.homesupportrequest",
        object_repr="deadlines",
    )
    calendar = calendar_for(request.access.commune)
    rows = {
        "overdue": [
            (r, -working_days_left(calendar, lists.window.today, r.due_on))  # type: ignore[arg-type]
            for r in lists.overdue
        ],
        "due_soon": [
            (r, working_days_left(calendar, lists.window.today, r.due_on))  # type: ignore[arg-type]
            for r in lists.due_soon
        ],
    }
    return render(request, "homecare/deadlines.html", {"lists": lists, "rows": rows})
