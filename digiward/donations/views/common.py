"""Helpers every donations view uses: fetching a campaign within the access, auditing
what is seen. Files taken away (minutes, reports) go through core.downloads."""

from __future__ import annotations

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
