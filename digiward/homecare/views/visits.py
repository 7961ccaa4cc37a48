"""On the phone at the home: my visits, the visit record, authorization, photos."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digiward.core.access import Access, CommuneRequest, commune_required, get_for_access
from digiward.core.attempts import attempt
from digiward.core.audit import audit_record
from digiward.core.dates import day_text
from digiward.core.models import AuditAction
from digiward.core.params import number_from
from digiward.core.permissions import Perm
from digiward.homecare import services
from digiward.homecare.forms import (
    AuthorizationForm,
    LocationForm,
    PhotoForm,
    VisitRecordForm,
    at_day,
)
from digiward.homecare.models import AuthorizationConfirmation, HomeVisit, LegalForm, VisitPhoto
from digiward.homecare.selectors import (
    VisitNeeds,
    companion_visits,
    may_certify,
    my_visits,
    visit_needs,
)
from digiward.homecare.templatetags.homecare import map_links_for
from digiward.homecare.views.planning import parse_day
from digiward.learning.selectors import practice_skill_choices


@commune_required(Perm.VISIT_HOMES)
def my_visit_list(request: CommuneRequest) -> HttpResponse:
    return _day_of_visits(request, my_visits, companion=False)


@commune_required(Perm.VIEW_HOME)
def companion_visit_list(request: CommuneRequest) -> HttpResponse:
    """A paired volunteer's day: the visits of the officer they go with, read only."""
    return _day_of_visits(request, companion_visits, companion=True)


def _day_of_visits(
    request: CommuneRequest,
    visits_on: Callable[[Access, date], list[HomeVisit]],
    *,
    companion: bool,
) -> HttpResponse:
    day = parse_day(request.GET["day"]) if request.GET.get("day") else timezone.localdate()
    visits = visits_on(request.access, day)
    audit_record(
        action=AuditAction.VIEW,
        commune=request.access.commune,
        object_type="homecare.homevisit",
        object_repr=f"{'visits going along' if companion else 'my visits'} {day_text(day)}",
    )
    rows = [{"visit": v, "links": map_links_for(v.request)} for v in visits]
    return render(
        request, "homecare/my_visits.html", {"rows": rows, "day": day, "companion": companion}
    )


def _visit(request: CommuneRequest, pk: int) -> HomeVisit:
    visit: HomeVisit = get_for_access(
        HomeVisit.objects.select_related(
            "request__procedure", "request__resident__household", "officer", "route__plan"
        ).prefetch_related("request__extra_procedures", "request__windows"),
        request.access,
        pk=pk,
    )
    return visit


def _record_context(
    request: CommuneRequest,
    visit: HomeVisit,
    needs: VisitNeeds,
    record_form: VisitRecordForm | None = None,
) -> dict[str, Any]:
    local_now = timezone.localtime()
    record_form = record_form or VisitRecordForm(
        documents=needs.documents,
        skill_choices=practice_skill_choices(request.access),
        initial={
            "arrived_at": timezone.localtime(visit.arrived_at).time()
            if visit.arrived_at
            else local_now.time().replace(second=0, microsecond=0),
            "left_at": timezone.localtime(visit.left_at).time() if visit.left_at else None,
            "confirmed_by_name": visit.request.person_name,
            "milestone": needs.milestone,
        },
    )
    return {
        "visit": visit,
        "home_request": visit.request,
        "needs": needs.needs,
        "documents": needs.documents,
        "links": map_links_for(visit.request),
        "record_form": record_form,
        "photo_form": PhotoForm(),
        "photos": list(visit.photos.all()),
        "authorization": AuthorizationConfirmation.objects.filter(visit=visit).first(),
        "may_certify": may_certify(request.access.commune, request.user),
        "is_certification": needs.is_certification,
        "today": local_now.date(),
        "location_form": LocationForm(),
    }


@commune_required(Perm.VISIT_HOMES)
@require_http_methods(["GET", "POST"])
def visit_detail(request: CommuneRequest, pk: int) -> HttpResponseBase:
    """The visit record, one screen on a phone; POST records what happened."""
    visit = _visit(request, pk)
    needs = visit_needs(request.access.commune, visit)
    if request.method == "POST":
        form = VisitRecordForm(
            request.POST,
            documents=needs.documents,
            skill_choices=practice_skill_choices(request.access),
        )
        if form.is_valid():
            data = form.cleaned_data
            local_day = visit.local_day
            with attempt(request, form=form, success=_("Visit recorded.")) as outcome:
                services.visit_record(
                    access=request.access,
                    visit=visit,
                    record=services.VisitRecord(
                        outcome=data["outcome"],
                        arrived_at=at_day(data["arrived_at"], local_day),
                        left_at=at_day(data.get("left_at"), local_day),
                        documents_checked=tuple(data["documents_checked"]),
                        person_confirmed=data["person_confirmed"],
                        confirmed_by_name=data["confirmed_by_name"],
                        milestone=data["milestone"],
                        skills=tuple(data["skills"]),
                        notes=data["notes"],
                        complete_now=data["complete_now"],
                    ),
                )
            if outcome.ok:
                return redirect("homecare:visit_detail", pk=visit.pk)
        context = _record_context(request, visit, needs, form)
        return render(request, "homecare/visit_detail.html", context)
    audit_record(action=AuditAction.VIEW, commune=request.access.commune, obj=visit)
    return render(request, "homecare/visit_detail.html", _record_context(request, visit, needs))


@commune_required(Perm.VISIT_HOMES)
@require_POST
def visit_arrive(request: CommuneRequest, pk: int) -> HttpResponseBase:
    visit = _visit(request, pk)
    with attempt(request):
        services.visit_arrive(
            access=request.access,
            visit=visit,
            # Another day than planned only once the officer has said so on the page.
            allow_other_day=request.POST.get("other_day") == "1",
        )
    return redirect("homecare:visit_detail", pk=visit.pk)


@commune_required(Perm.VISIT_HOMES)
@require_POST
def visit_leave(request: CommuneRequest, pk: int) -> HttpResponseBase:
    visit = _visit(request, pk)
    with attempt(request):
        services.visit_leave(access=request.access, visit=visit)
    return redirect("homecare:visit_detail", pk=visit.pk)


@commune_required(Perm.VISIT_HOMES)
@require_http_methods(["GET", "POST"])
def visit_authorization(request: CommuneRequest, pk: int) -> HttpResponseBase:
    visit = _visit(request, pk)
    existing = AuthorizationConfirmation.objects.filter(visit=visit).first()
    if existing is not None:
        return redirect("homecare:visit_detail", pk=visit.pk)
    home_request = visit.request
    year = visit.local_day.year
    form = AuthorizationForm(
        request.POST or None,
        initial={
            "principal_name": home_request.person_name,
            "agent_name": home_request.requester_name
            if home_request.requester_name != home_request.person_name
            else "",
            "legal_form": LegalForm.CONTRACT,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with attempt(request, form=form) as outcome:
            record = services.authorization_record(
                access=request.access,
                visit=visit,
                data=services.AuthorizationData(
                    principal_name=data["principal_name"],
                    principal_citizen_id=data["principal_citizen_id"],
                    agent_name=data["agent_name"],
                    agent_citizen_id=data["agent_citizen_id"],
                    agent_relation=data["agent_relation"],
                    scope=data["scope"],
                    legal_form=data["legal_form"],
                    fingerprinted=data["fingerprinted"],
                    certification_number=data["certification_number"],
                    fee_vnd=data["fee_vnd"],
                ),
            )
        if outcome.ok:
            messages.success(
                request,
                _("Authorization recorded as number %(ref)s in the certification register.")
                % {"ref": record.register_reference},
            )
            return redirect("homecare:visit_detail", pk=visit.pk)
    context = {
        "visit": visit,
        "home_request": home_request,
        "form": form,
        "next_number": services.next_certification_number(request.access.commune.pk, year),
        "year": year,
        "may_certify": may_certify(request.access.commune, request.user),
    }
    return render(request, "homecare/visit_authorization.html", context)


@commune_required(Perm.VISIT_HOMES)
@require_POST
def visit_photo_add(request: CommuneRequest, pk: int) -> HttpResponseBase:
    visit = _visit(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        with attempt(request, success=_("Photo kept (only officers of the commune can see it).")):
            services.photo_add(
                access=request.access,
                visit=visit,
                upload=form.cleaned_data["photo"],
                caption=form.cleaned_data["caption"],
            )
    else:
        messages.error(request, _("Choose a photo."))
    return redirect("homecare:visit_detail", pk=visit.pk)


@commune_required(Perm.VIEW_HOME_SUPPORT)
def photo_view(request: CommuneRequest, pk: int) -> FileResponse:
    """A photo of signed papers: checked, logged, never cached or served as a static file."""
    photo: VisitPhoto = get_for_access(
        VisitPhoto.objects.select_related("visit"), request.access, pk=pk
    )
    name = photo.file.name or ""
    if not name or not default_storage.exists(name):
        raise Http404
    audit_record(
        action=AuditAction.VIEW,
        commune=request.access.commune,
        obj=photo,
        object_repr=f"photo of visit {photo.visit_id}",
    )
    response = FileResponse(default_storage.open(name, "rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="anh-{photo.pk}{_suffix(photo)}"'
    return response


def _suffix(photo: VisitPhoto) -> str:
    return {"image/png": ".png", "image/webp": ".webp"}.get(photo.content_type, ".jpg")


@commune_required(Perm.VIEW_HOME_SUPPORT)
def authorization_list(request: CommuneRequest) -> HttpResponse:
    """The commune's register of authorizations certified at home, by year."""
    this_year = timezone.localdate().year
    year = number_from(request.GET.get("year"), default=this_year, low=2000, high=this_year + 1)
    records = (
        AuthorizationConfirmation.objects.for_access(request.access)
        .filter(register_year=year)
        .select_related("certified_by", "visit__request")
        .order_by("-certification_number")
    )
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    audit_record(
        action=AuditAction.VIEW,
        commune=request.access.commune,
        object_type="homecare.authorizationconfirmation",
        object_repr=f"register {year} page {page.number}",
    )
    years = sorted(
        set(
            AuthorizationConfirmation.objects.for_access(request.access).values_list(
                "register_year", flat=True
            )
        )
        | {timezone.localdate().year},
        reverse=True,
    )
    return render(
        request,
        "homecare/authorization_list.html",
        {"page_obj": page, "year": year, "years": years, "today": timezone.localdate()},
    )
