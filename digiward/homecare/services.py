"""Home-support actions. Issue-7 workflow (scheduling, visits) builds on these."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from digiward.core.audit import audit_record
from digiward.core.models import AuditAction, Commune
from digiward.homecare.models import HomeSupportRequest, RequestSource, new_tracking_code
from digiward.procedures.models import Procedure
from digiward.registry.models import Area


@dataclass(frozen=True)
class PublicRequest:
    """What the public form collects: as little as the visit needs."""

    person_name: str
    phone: str
    address: str
    reason: str
    requester_relation: str
    requester_name: str = ""
    area: Area | None = None
    procedure: Procedure | None = None
    procedure_other: str = ""
    reason_detail: str = ""
    preferred_times: str = ""


@transaction.atomic
def request_submit_public(*, commune: Commune, data: PublicRequest) -> HomeSupportRequest:
    """A citizen (or a relative) asks for help at home from the public page."""
    by_someone_else = data.requester_relation != "self"
    for _attempt in range(5):
        try:
            with transaction.atomic():
                request = HomeSupportRequest.objects.create(
                    commune=commune,
                    tracking_code=new_tracking_code(),
                    source=RequestSource.PUBLIC_FORM,
                    person_name=data.person_name,
                    person_phone="" if by_someone_else else data.phone,
                    requester_name=data.requester_name if by_someone_else else data.person_name,
                    requester_phone=data.phone,
                    requester_relation=data.requester_relation,
                    address=data.address,
                    area=data.area,
                    procedure=data.procedure,
                    procedure_other=data.procedure_other,
                    reason=data.reason,
                    reason_detail=data.reason_detail,
                    preferred_times=data.preferred_times,
                    consent_at=timezone.now(),
                )
            break
        except IntegrityError:  # the random tracking code was taken: draw another
            continue
    else:  # pragma: no cover - 31^8 codes
        raise RuntimeError("could not draw a free tracking code")
    audit_record(action=AuditAction.CREATE, commune=commune, obj=request, note="public form")
    return request


def request_lookup(code: str, phone_last4: str) -> HomeSupportRequest | None:
    """The request with this tracking code whose contact phone ends with these digits.

    A wrong code and a wrong phone give the same answer (None), so nothing reveals
    whether a code exists for someone else.
    """
    code = code.strip().upper().replace(" ", "").replace("-", "")
    digits = "".join(ch for ch in phone_last4 if ch.isdigit())
    request: HomeSupportRequest | None = (
        HomeSupportRequest.objects.select_related("procedure", "commune")
        .filter(tracking_code=code)
        .first()
    )
    if request is None or len(digits) != 4:
        return None
    phones = [p for p in (request.requester_phone, request.person_phone) if p]
    if not any(hmac.compare_digest(p[-4:], digits) for p in phones):
        return None
    return request
