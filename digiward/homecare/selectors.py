"""Reads for the home-support screens."""

from __future__ import annotations

from django.db.models import QuerySet

from digiward.core.access import Access
from digiward.homecare.models import HomeSupportRequest, RequestStatus

OPEN_STATUSES = (
    RequestStatus.RECEIVED,
    RequestStatus.ACCEPTED,
    RequestStatus.SCHEDULED,
    RequestStatus.NEEDS_SECOND_VISIT,
)


def inbox(access: Access, status: str | None = None) -> QuerySet[HomeSupportRequest]:
    requests = HomeSupportRequest.objects.for_access(access).select_related("procedure", "area")
    if status in RequestStatus.values:
        return requests.filter(status=status)
    return requests.filter(status__in=OPEN_STATUSES)
