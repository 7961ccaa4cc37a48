"""Registry screens."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from digiward.core.access import CommuneRequest, commune_required
from digiward.core.audit import audit_record
from digiward.core.models import AuditAction
from digiward.core.permissions import Perm
from digiward.registry.models import Household


@commune_required(Perm.VIEW_REGISTRY)
def household_list(request: CommuneRequest) -> HttpResponse:
    households = Household.objects.for_access(request.access).select_related("area", "head")
    page = Paginator(households, 50).get_page(request.GET.get("page"))
    audit_record(
        action=AuditAction.VIEW,
        commune=request.access.commune,
        object_type="registry.household",
        object_repr=f"list page {page.number}",
    )
    return render(request, "registry/household_list.html", {"page_obj": page})
