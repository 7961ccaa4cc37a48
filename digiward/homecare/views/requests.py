"""Requests: the inbox, taking a request on the phone, eligibility, decisions, deadlines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_stubs_ext import StrOrPromise

from digiward.core.access import CommuneRequest, commune_required, get_for_access
from digiward.core.attempts import attempt
from digiward.core.audit import audit_record
from digiward.core.dates import day_text
from digiward.core.models import AuditAction
from digiward.core.params import id_from, search_text
from digiward.core.permissions import Perm
from digiward.homecare import services
from digiward.homecare.booking_options import OfficerOption, booking_options
from digiward.homecare.forms import (
    AcceptForm,
    BookForm,
    EligibilityForm,
    LocationForm,
    ReasonForm,
    RequestForm,
    ResidentSearchForm,
    window_formset,
)
from digiward.homecare.matching import RequestFacts, likely_residents
from digiward.homecare.models import HomeSupportRequest, LocationSource, RequestStatus
from digiward.homecare.selectors import (
    call_script_for,
    deadline_rows,
    deadlines,
    inbox,
    request_page,
)
from digiward.homecare.views.common import form_problems
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
        with attempt(request, form=form) as outcome:
            created = services.request_create(
                access=request.access,
                details=form.details(_windows_from(windows)),
                source=form.cleaned_data["source"],
            )
        if outcome.ok:
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
        with attempt(request, form=form, success=_("Request saved.")) as outcome:
            services.request_update(
                access=request.access,
                request=home_request,
                details=form.details(_windows_from(windows)),
            )
        if outcome.ok:
            return redirect("homecare:request_detail", pk=home_request.pk)
    return render(
        request,
        "homecare/request_form.html",
        {"form": form, "windows": windows, "home_request": home_request},
    )


def _book_day(request: CommuneRequest, proposed: date) -> date:
    """The day the booking list is for: `?day=` (a later working day), else the proposal."""
    try:  # as the day field reads it: dd/mm/yyyy as typed, ISO from a link
        day = BookForm.base_fields["day"].clean(request.GET.get("day", ""))
    except ValidationError:
        return proposed
    return day if timezone.localdate() <= day <= proposed + timedelta(days=366) else proposed


def _officer_label(option: OfficerOption) -> str:
    """One line per officer: how full the day is, and where the visit would go."""
    free = (
        _("%(free)s of %(limit)s places free") % {"free": option.free, "limit": option.limit}
        if option.limit is not None
        else _("%(count)s visits planned") % {"count": option.planned}
    )
    if option.fits:
        assert option.starts_at is not None
        when = _("visit at about %(time)s") % {"time": f"{option.starts_at:%H:%M}"}
        return f"{option.officer.get_full_name()} · {free} · {when}"
    return f"{option.officer.get_full_name()} · {free} · {option.problem}"


def detail_context(request: CommuneRequest, home_request: HomeSupportRequest) -> dict[str, Any]:
    access = request.access
    page = request_page(access, home_request)
    decision = {None: "registry", True: "eligible", False: "not_eligible"}
    manages = access.has(Perm.MANAGE_HOME_SUPPORT)
    options = None
    offered = None
    initial: dict[str, Any] = {"officer": page.book_officer, "day": page.book_day}
    if page.can["book"] and access.has(Perm.VISIT_HOMES):
        day = _book_day(request, page.book_day)
        options = booking_options(access, home_request, day)
        shown = [o for o in options.options if manages or o.officer.pk == access.user.pk]
        offered = [(o.officer, _officer_label(o)) for o in shown]
        best = next((o for o in shown if o.fits), None)
        initial = {"officer": best.officer.pk if best else page.book_officer, "day": day}
    matches = []
    if manages and home_request.is_open and home_request.resident_id is None:
        matches = likely_residents(
            access,
            RequestFacts(
                name=home_request.person_name,
                birth_year=home_request.person_birth_year,
                address=home_request.address,
                phones=tuple(
                    p for p in (home_request.person_phone, home_request.requester_phone) if p
                ),
            ),
            purpose=f"request {home_request.tracking_code} · likely residents",
        )
    return {
        "home_request": home_request,
        **page.context(),
        "eligibility_form": EligibilityForm(
            initial={
                "decision": decision[home_request.eligibility_override],
                "reason": home_request.eligibility_override_reason,
            }
        ),
        "reason_form": ReasonForm(),
        "accept_form": AcceptForm(),
        "book_form": BookForm(commune=access.commune, offered=offered, initial=initial),
        "booking": options,
        "matches": matches,
        "location_form": LocationForm(),
        "search_form": ResidentSearchForm(),
    }


@commune_required(Perm.VIEW_HOME_SUPPORT)
def request_detail(request: CommuneRequest, pk: int) -> HttpResponse:
    home_request = get_request(request, pk)
    audit_record(action=AuditAction.VIEW, commune=request.access.commune, obj=home_request)
    return render(request, "homecare/request_detail.html", detail_context(request, home_request))


@commune_required(Perm.MANAGE_HOME_SUPPORT)
@require_http_methods(["GET", "POST"])
def request_link(request: CommuneRequest, pk: int) -> HttpResponseBase:
    """Find the person in the registry (htmx search) and link them, or unlink; or, where
    the registry has no point, record where the home is from the officer's phone."""
    home_request = get_request(request, pk)
    if request.method == "POST" and request.POST.get("location") == "phone":
        return _record_location(request, home_request)
    if request.method == "POST":
        resident = None
        picked = id_from(request.POST.get("resident"))
        if picked is not None:
            resident = get_for_access(
                Resident.objects.select_related("household"),
                request.access,
                pk=picked,
            )
        linked = (
            _("Linked to %(name)s in the registry.") % {"name": resident.full_name}
            if resident
            else _("No longer linked to the registry.")
        )
        with attempt(request, success=linked):
            services.request_link_resident(
                access=request.access, request=home_request, resident=resident
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
        with attempt(request, success=_("Your decision is recorded.")):
            services.request_override_eligibility(
                access=request.access,
                request=home_request,
                eligible=form.eligible,
                reason=form.cleaned_data["reason"],
            )
    else:
        form_problems(request, form)
    return redirect("homecare:request_detail", pk=home_request.pk)


# Each decision of the request page: its service, whether it takes the reason typed, and
# what the officer is told once it is taken.
DECISIONS: dict[str, tuple[Callable[..., HomeSupportRequest], bool, StrOrPromise]] = {
    "accept": (
        services.request_accept,
        False,
        gettext_lazy("Request accepted: now book a visit or plan the day."),
    ),
    "reject": (
        services.request_reject,
        True,
        gettext_lazy("Request not taken on. Phone the person to explain."),
    ),
    "cancel": (services.request_cancel, True, gettext_lazy("Request cancelled.")),
    "second_visit": (
        services.request_second_visit,
        True,
        gettext_lazy("The request waits for a second visit."),
    ),
    "complete": (services.request_complete, False, gettext_lazy("Request completed.")),
}


@commune_required(Perm.MANAGE_HOME_SUPPORT)
@require_POST
def request_decide(request: CommuneRequest, pk: int, action: str) -> HttpResponseBase:
    if action not in DECISIONS:
        raise Http404
    home_request = get_request(request, pk)
    decide, with_reason, success = DECISIONS[action]
    reason = {"reason": request.POST.get("reason", "")} if with_reason else {}
    if action == "accept":  # the officer's reason where the registry does not show it
        reason = {"confirm_reason": request.POST.get("confirm_reason", "")}
    with attempt(request, success=success):
        decide(access=request.access, request=home_request, **reason)
    return redirect("homecare:request_detail", pk=home_request.pk)


@commune_required(Perm.VISIT_HOMES)
@require_POST
def request_book(request: CommuneRequest, pk: int) -> HttpResponseBase:
    home_request = get_request(request, pk)
    form = BookForm(request.POST, commune=request.access.commune)
    if not form.is_valid():
        form_problems(request, form)
        return redirect("homecare:request_detail", pk=home_request.pk)
    with attempt(request) as outcome:
        visit = services.visit_book(
            access=request.access,
            request=home_request,
            officer=form.cleaned_data["officer"],
            day=form.cleaned_data["day"],
            times_agreed=form.cleaned_data["times_agreed"],
        )
    if outcome.ok:
        messages.success(
            request,
            _("Visit booked for %(officer)s on %(day)s at about %(time)s.")
            % {
                "officer": visit.officer.get_full_name(),
                "day": day_text(visit.day),
                "time": f"{visit.starts_at:%H:%M}" if visit.starts_at else "",
            },
        )
    return redirect("homecare:request_detail", pk=home_request.pk)


def _record_location(request: CommuneRequest, home_request: HomeSupportRequest) -> HttpResponseBase:
    """The home's GPS point from the officer's phone, at the house ("use this phone's
    location"); back to the page it came from (the request or the visit)."""
    form = LocationForm(request.POST)
    back = _back_to(request, home_request)
    if not form.is_valid():
        messages.error(
            request,
            _(
                "The phone did not give a location. Allow location for this site, or type "
                "the numbers (Edit the request)."
            ),
        )
        return back
    data = form.cleaned_data
    with attempt(request, success=_("GPS point of the home recorded from this phone.")):
        services.request_set_location(
            access=request.access,
            request=home_request,
            latitude=data["latitude"],
            longitude=data["longitude"],
            source=LocationSource.PHONE,
            accuracy_m=data.get("accuracy"),
        )
    return back


def _back_to(request: CommuneRequest, home_request: HomeSupportRequest) -> HttpResponseBase:
    visit = id_from(request.POST.get("visit"))
    if visit is not None and home_request.visits.filter(pk=visit).exists():
        return redirect("homecare:visit_detail", pk=visit)
    return redirect("homecare:request_detail", pk=home_request.pk)


@commune_required(Perm.VIEW_HOME_SUPPORT)
def request_checklist(request: CommuneRequest, pk: int) -> HttpResponse:
    """Printable: what to bring, what the person has ready, and the call for the day before."""
    home_request = get_request(request, pk)
    page = request_page(request.access, home_request)
    context = {
        "home_request": home_request,
        **page.context(),
        "script": call_script_for(request.access, home_request, page),
    }
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
    rows = deadline_rows(request.access.commune, lists)
    return render(request, "homecare/deadlines.html", {"lists": lists, "rows": rows})
