"""Officers' home-support inbox (the full workflow arrives with the home-support issue)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from digiward.core.access import CommuneRequest, commune_required, get_for_access
from digiward.core.audit import audit_record
from digiward.core.models import AuditAction
from digiward.core.permissions import Perm
from digiward.homecare.models import HomeSupportRequest, RequestStatus
from digiward.homecare.selectors import inbox


@commune_required(Perm.VIEW_HOME_SUPPORT)
def request_list(request: CommuneRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    page = Paginator(inbox(request.access, status), 30).get_page(request.GET.get("page"))
    audit_record(
        action=AuditAction.VIEW,
        commune=request.access.commune,
        object_type="homecare.homesupportrequest",
        object_repr=f"inbox page {page.number}",
    )
    return render(
        request,
        "homecare/request_list.html",
        {"page_obj": page, "status": status, "statuses": RequestStatus.choices},
    )


@commune_required(Perm.VIEW_HOME_SUPPORT)
def request_detail(request: CommuneRequest, pk: int) -> HttpResponse:
    home_request = get_for_access(
        HomeSupportRequest.objects.select_related("procedure", "area", "resident"),
        request.access,
        pk=pk,
    )
    audit_record(action=AuditAction.VIEW, commune=request.access.commune, obj=home_request)
    return render(request, "homecare/request_detail.html", {"home_request": home_request})
