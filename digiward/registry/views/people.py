"""Registry screens: find people, households, a resident's journey, the ward's journey."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digiward.core.access import CommuneRequest, commune_required, get_for_access
from digiward.core.attempts import attempt
from digiward.core.audit import audit_record
from digiward.core.models import AuditAction
from digiward.core.params import id_from, number_from, search_text
from digiward.core.permissions import Perm
from digiward.core.text import fold
from digiward.registry import services
from digiward.registry.forms import HouseholdForm, MilestoneForm, ResidentForm, ResidentStatusForm
from digiward.registry.journey import LADDER, NEXT_STEP_HINTS, RUNG, next_step
from digiward.registry.models import Area, Household, Milestone, PovertyStatus, Resident
from digiward.registry.privacy.consent import data_use
from digiward.registry.privacy.services import PRIVACY_PERM
from digiward.registry.search import SearchRefused, resident_search_for
from digiward.registry.selectors import poverty_standard_for


def _audit_list(request: CommuneRequest, object_type: str, description: str) -> None:
    audit_record(
        action=AuditAction.VIEW,
        commune=request.access.commune,
        object_type=object_type,
        object_repr=description[:200],
    )


@commune_required(Perm.VIEW_REGISTRY)
def registry_home(request: CommuneRequest) -> HttpResponse:
    """Find a person: one box for a name, a citizen ID, a phone number or a household code."""
    query = search_text(request.GET.get("q"))
    page = number_from(request.GET.get("page"), default=1, low=1)
    results, refused = None, ""
    if query:
        try:
            results = resident_search_for(request.access, query, page=page)
        except SearchRefused as error:
            refused = error.message
    context = {"query": query, "results": results, "refused": refused}
    if request.htmx and request.htmx.target == "search-results":
        return render(request, "registry/partials/_search_results.html", context)
    return render(request, "registry/home.html", context)


@commune_required(Perm.VIEW_REGISTRY)
def household_list(request: CommuneRequest) -> HttpResponse:
    commune = request.access.commune
    households = (
        Household.objects.for_access(request.access)
        .select_related("area", "head")
        .annotate(members=Count("residents", filter=Q(residents__status="active")))
    )
    area_id = id_from(request.GET.get("area"))
    if area_id is not None:
        households = households.filter(area_id=area_id)
    poverty = request.GET.get("poverty", "")
    if poverty in PovertyStatus.values:
        households = households.filter(poverty_status=poverty)
    query = search_text(request.GET.get("q"))
    if query:
        households = households.filter(
            Q(code__icontains=query)
            | Q(street__icontains=query)
            | Q(head__name_folded__contains=fold(query))
        )
    page = Paginator(households.order_by("code"), 50).get_page(request.GET.get("page"))
    _audit_list(request, "registry.household", f"list page {page.number} {request.GET.urlencode()}")
    return render(
        request,
        "registry/household_list.html",
        {
            "page_obj": page,
            "areas": Area.objects.for_commune(commune),
            "poverty_choices": PovertyStatus.choices,
            "filters": {"area": area_id, "poverty": poverty, "q": query},
        },
    )


@commune_required(Perm.VIEW_REGISTRY)
def household_detail(request: CommuneRequest, pk: int) -> HttpResponse:
    household = get_for_access(
        Household.objects.select_related("area", "head"), request.access, pk=pk
    )
    residents = household.residents.order_by("status", "-relation_to_head", "birth_year")
    audit_record(action=AuditAction.VIEW, commune=request.access.commune, obj=household)
    standard = (
        poverty_standard_for(household.poverty_year) if household.is_poor_or_near_poor else None
    )
    urban = request.access.commune.kind != "commune"  # wards and special zones count as urban
    context = {"household": household, "residents": residents, "standard": standard, "urban": urban}
    return render(request, "registry/household_detail.html", context)


@commune_required(Perm.EDIT_REGISTRY)
@require_http_methods(["GET", "POST"])
def household_edit(request: CommuneRequest, pk: int | None = None) -> HttpResponseBase:
    household = get_for_access(Household.objects.all(), request.access, pk=pk) if pk else None
    form = HouseholdForm(request.POST or None, instance=household, commune=request.access.commune)
    if request.method == "POST" and form.is_valid():
        with attempt(request, form=form) as outcome:
            saved = services.household_save(
                access=request.access, household=form.save(commit=False)
            )
        if outcome.ok:
            messages.success(request, _("Household %(code)s saved.") % {"code": saved.code})
            return redirect("registry:household_detail", pk=saved.pk)
    return render(request, "registry/household_form.html", {"form": form, "household": household})


def _resident(request: CommuneRequest, pk: int) -> Resident:
    resident: Resident = get_for_access(
        Resident.objects.select_related(
            "household", "household__area", "consent_by", "legal_basis_by"
        ),
        request.access,
        pk=pk,
    )
    return resident


def _journey_context(resident: Resident) -> dict[str, object]:
    milestones = list(
        resident.milestones.select_related("recorded_by").order_by("achieved_on", "pk")
    )
    reached = {m.kind for m in milestones}
    step = next_step(reached)
    form = MilestoneForm(
        initial={"kind": step.value if step else None, "achieved_on": timezone.localdate()}
    )
    return {
        "resident": resident,
        "milestones": milestones,
        "ladder": [(kind, RUNG[kind.value], kind.value in reached) for kind in LADDER],
        "next_step": step,
        "next_hint": NEXT_STEP_HINTS.get(step.value) if step else None,
        "milestone_form": form,
        "data_use": data_use(resident),
        "privacy_perm": PRIVACY_PERM,
    }


@commune_required(Perm.VIEW_REGISTRY)
def resident_detail(request: CommuneRequest, pk: int) -> HttpResponse:
    resident = _resident(request, pk)
    audit_record(action=AuditAction.VIEW, commune=request.access.commune, obj=resident)
    context = _journey_context(resident)
    context["moves"] = resident.moves.select_related("from_household", "to_household")
    context["status_form"] = ResidentStatusForm(initial={"status": resident.status})
    return render(request, "registry/resident_detail.html", context)


@commune_required(Perm.EDIT_REGISTRY)
@require_http_methods(["GET", "POST"])
def resident_edit(request: CommuneRequest, pk: int | None = None) -> HttpResponseBase:
    commune = request.access.commune
    resident = _resident(request, pk) if pk else None
    if resident is not None and resident.is_anonymised:
        messages.error(
            request, _("This person was anonymised: the record can no longer be changed.")
        )
        return redirect("registry:resident_detail", pk=resident.pk)
    initial = {}
    household_id = id_from(request.GET.get("household"))
    if resident is None and household_id is not None:
        household = Household.objects.for_access(request.access).filter(pk=household_id).first()
        if household is not None:
            initial["household"] = household.code
    form = ResidentForm(request.POST or None, instance=resident, initial=initial, commune=commune)
    if request.method == "POST" and form.is_valid():
        with attempt(request, form=form) as outcome:
            saved = services.resident_save(
                access=request.access,
                resident=form.save(commit=False),
                citizen_id=form.new_citizen_id,
                consent_given=form.cleaned_data["consent"],
            )
        if outcome.ok:
            for warning in form.warnings:
                messages.warning(request, warning)
            messages.success(request, _("%(name)s saved.") % {"name": saved.full_name})
            return redirect("registry:resident_detail", pk=saved.pk)
    return render(request, "registry/resident_form.html", {"form": form, "resident": resident})


@commune_required(Perm.EDIT_REGISTRY)
@require_POST
def resident_validate(request: CommuneRequest) -> HttpResponse:
    """htmx: check one field as the user leaves it, and show the error (or warning) in place."""
    name = request.POST.get("_field")
    resident = None
    resident_id = id_from(request.POST.get("resident_id"))
    if resident_id is not None:
        resident = Resident.objects.for_access(request.access).filter(pk=resident_id).first()
    form = ResidentForm(request.POST, instance=resident, commune=request.access.commune)
    form.is_valid()
    if not name or name not in form.fields:
        return HttpResponse(status=204)
    return render(
        request,
        "registry/partials/_validated_field.html",
        {
            "field": form[name],
            "warnings": form.warnings if name in ("citizen_id", "sex", "birth") else [],
        },
    )


@commune_required(Perm.VIEW_FULL_CITIZEN_ID)
@require_POST
def citizen_id_reveal(request: CommuneRequest, pk: int) -> HttpResponse:
    resident = _resident(request, pk)
    number = services.citizen_id_reveal(access=request.access, resident=resident)
    return render(
        request, "registry/partials/_citizen_id.html", {"resident": resident, "full_number": number}
    )


@commune_required(Perm.RECORD_MILESTONE)
@require_POST
def milestone_add(request: CommuneRequest, pk: int) -> HttpResponseBase:
    resident = _resident(request, pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with attempt(request, form=form) as outcome:
            created = services.milestone_record(
                acting_user=request.user,
                resident=resident,
                kind=data["kind"],
                achieved_on=data["achieved_on"],
                source=data["source"],
                detail=data["detail"],
            )
        if outcome.ok:
            resident.refresh_from_db()
            if created is None:
                messages.info(request, _("This milestone was already recorded; nothing changed."))
            else:
                messages.success(
                    request, _("Recorded: %(step)s.") % {"step": created.get_kind_display()}
                )
            if not request.htmx:
                return redirect("registry:resident_detail", pk=resident.pk)
            context = _journey_context(resident)
            return render(request, "registry/partials/_journey.html", context)
    context = _journey_context(resident)
    context["milestone_form"] = form
    if request.htmx:
        return render(request, "registry/partials/_journey.html", context)
    return render(
        request, "registry/resident_detail.html", {**context, "status_form": ResidentStatusForm()}
    )


@commune_required(Perm.EDIT_REGISTRY)
@require_POST
def milestone_remove(request: CommuneRequest, pk: int, milestone_id: int) -> HttpResponseBase:
    resident = _resident(request, pk)
    milestone = Milestone.objects.filter(resident=resident, pk=milestone_id).first()
    if milestone is None:
        return redirect("registry:resident_detail", pk=resident.pk)
    with attempt(request) as outcome:
        services.milestone_remove(
            access=request.access, milestone=milestone, reason=request.POST.get("reason", "")
        )
    if outcome.ok:
        messages.success(request, _("Milestone removed."))
    return redirect("registry:resident_detail", pk=resident.pk)


@commune_required(Perm.EDIT_REGISTRY)
@require_POST
def resident_status(request: CommuneRequest, pk: int) -> HttpResponseBase:
    resident = _resident(request, pk)
    form = ResidentStatusForm(request.POST)
    if form.is_valid():
        resident.status = form.cleaned_data["status"]
        with attempt(request) as outcome:
            services.resident_save(access=request.access, resident=resident)
        if outcome.ok:
            messages.success(
                request, _("Status saved: %(status)s.") % {"status": resident.get_status_display()}
            )
    return redirect(reverse("registry:resident_detail", args=[resident.pk]))
