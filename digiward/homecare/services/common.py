"""What the home-support services share: the request lock and the audit rows of a change."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import Model

from digiward.core.access import Access
from digiward.core.audit import audit_record, audit_saved
from digiward.core.models import AuditAction, Commune
from digiward.homecare.models import HomeSupportRequest


def lock_request(commune: Commune, request_id: int) -> HomeSupportRequest:
    """The request row, locked until the transaction ends, as it is now in the database.

    Every home-support write takes this lock first, then the visit, then the routes (in id
    order): a booking, a day plan and a visit record of the same request wait for one
    another instead of deadlocking. Another commune's request is not found."""
    locked: HomeSupportRequest = (
        HomeSupportRequest.objects.select_for_update(no_key=True, of=("self",))
        .select_related("resident__household", "procedure", "commune")
        .get(pk=request_id, commune=commune)
    )
    return locked


def lock_requests(ids: Iterable[int]) -> None:
    """Lock several requests at once, in id order (the order two writers both follow)."""
    list(
        HomeSupportRequest.objects.select_for_update(no_key=True, of=("self",))
        .filter(pk__in=sorted(ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def audit_change(
    *,
    access: Access,
    obj: Model,
    fields: Sequence[str],
    before: Mapping[str, Any],
    note: str = "",
    skip_unchanged: bool = False,
) -> None:
    """The audit row of an edit: the `fields` that changed since `before` (their
    `snapshot` taken before the edit), [old, new] each. `skip_unchanged`: no row at all
    when nothing changed (a settings form saved as it was)."""
    audit_saved(
        commune=access.commune,
        obj=obj,
        fields=fields,
        before=before,
        note=note,
        skip_unchanged=skip_unchanged,
    )


def audit_status(
    access: Access, request: HomeSupportRequest, previous: str, note: str = ""
) -> None:
    """The audit row of a move in the workflow: from `previous` to the request's status."""
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=request,
        changes={"status": [previous, request.status]},
        note=note,
    )
