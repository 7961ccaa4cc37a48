"""The ward's digital journey: how many people stand on each rung, and who is stuck."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from digiward.core.access import CommuneRequest, commune_required
from digiward.core.audit import audit_record
from digiward.core.models import AuditAction
from digiward.core.permissions import Perm
from digiward.registry.forms import JourneyFilterForm
from digiward.registry.selectors import (
    JourneyFilters,
    journey_distribution,
    registry_settings_for,
    stuck_residents,
)

DEFAULT_STUCK_DAYS = 90


@commune_required(Perm.VIEW_REGISTRY)
def journey(request: CommuneRequest) -> HttpResponse:
    commune = request.access.commune
    form = JourneyFilterForm(request.GET or None, commune=commune)
    filters, days = JourneyFilters(), DEFAULT_STUCK_DAYS
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = JourneyFilters(
            area_id=data["area"].pk if data["area"] else None,
            age_band=data["age_band"] or None,
            vulnerability=data["vulnerability"] or None,
            poverty_status=data["poverty_status"] or None,
        )
        days = data["stuck_days"] or DEFAULT_STUCK_DAYS
    rungs, total = journey_distribution(commune, filters)
    min_age = registry_settings_for(commune).journey_min_age
    stuck = Paginator(stuck_residents(commune, filters, days=days, min_age=min_age), 25).get_page(
        request.GET.get("page")
    )
    audit_record(
        action=AuditAction.VIEW,
        commune=commune,
        object_type="registry.resident",
        object_repr=f"journey: stuck list page {stuck.number}",
    )
    template = (
        "registry/partials/_journey_results.html" if request.htmx else "registry/journey.html"
    )
    return render(
        request,
        template,
        {
            "form": form,
            "rungs": rungs,
            "total": total,
            "stuck": stuck,
            "page_obj": stuck,
            "days": days,
            "min_age": min_age,
        },
    )
