"""Helpers every donations view uses: fetching a campaign within the access, auditing
what is seen and what is taken away (minutes, reports)."""

from __future__ import annotations

from django.db import models
from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from digiward.core.access import CommuneRequest
from digiward.core.audit import audit_record
from digiward.core.models import AuditAction
from digiward.donations.models import Campaign
from digiward.donations.selectors import campaigns_for


def get_campaign(request: CommuneRequest, pk: int, *, for_update: bool = False) -> Campaign:
    """The campaign if this user may see it; another commune's or sponsor's is a 404."""
    campaign: Campaign = get_object_or_404(
        campaigns_for(request.access).select_related("commune"), pk=pk
    )  # campaigns_for is already scoped to the access (commune, and sponsor for viewers)
    return campaign


def audit_view(request: CommuneRequest, object_type: str, description: str) -> None:
    audit_record(
        action=AuditAction.VIEW,
        commune=request.access.commune,
        object_type=object_type,
        object_repr=description[:200],
    )


PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def exported_file(
    request: CommuneRequest,
    content: bytes,
    *,
    obj: models.Model,
    object_repr: str,
    filename: str,
    content_type: str = PDF,
) -> HttpResponse:
    """A document made for this user (minutes, a report): the audit row that says who
    took it, then the file. PDFs open in the browser, other files are downloaded."""
    audit_record(
        action=AuditAction.EXPORT,
        commune=request.access.commune,
        obj=obj,
        object_repr=object_repr,
    )
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if content_type == PDF else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
