"""Home-support requests: intake, eligibility, and the workflow's decisions.

Every action is one transaction that locks the request, checks the workflow guard,
changes it, writes the audit row and queues notifications to be sent after commit.
Booking and visits live in `services.booking` and `services.visits`.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field, fields
from datetime import date, time
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.audit import audit_record, snapshot
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction, Commune
from digiward.core.permissions import Perm
from digiward.homecare import notifications
from digiward.homecare.models import (
    VISIT_NEED_FIELDS,
    HomeSupportRequest,
    LocationSource,
    RequesterRelation,
    RequestSource,
    RequestStatus,
    TimeWindow,
    Urgency,
    new_tracking_code,
)
from digiward.homecare.planner import check_in_commune, settings_for
from digiward.homecare.services.assessment import (
    ELIGIBILITY_FIELDS,
    OVERRIDE_FIELDS,
    refresh_deadline,
    refresh_eligibility,
)
from digiward.homecare.services.booking import drop_planned_visit, reschedule_request_route
from digiward.homecare.services.common import audit_change, audit_status, lock_request
from digiward.homecare.workflow import ACCEPT_FROM, SECOND_VISIT_FROM, transition
from digiward.procedures.models import Procedure
from digiward.registry.models import Area, Resident

AUDITED_FIELDS = (
    "person_name",
    "person_phone",
    "person_birth_year",
    "resident",
    "requester_name",
    "requester_phone",
    "requester_email",
    "requester_relation",
    *VISIT_NEED_FIELDS,
    "visit_minutes",
    "due_on",
    "notes",
)


@dataclass(frozen=True)
class WindowData:
    starts_at: time
    ends_at: time
    weekday: int | None = None
    on_date: date | None = None


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
    preferred_times: str = ""  # the citizen's own words: a note beside the windows
    windows: tuple[WindowData, ...] = ()  # from the form's choices (`homecare.home_times`)


@dataclass(frozen=True)
class RequestDetails:
    """What an officer records after a phone call, or edits later."""

    person_name: str
    address: str
    reason: str
    requester_relation: str = RequesterRelation.SELF
    person_phone: str = ""
    person_birth_year: int | None = None
    requester_name: str = ""
    requester_phone: str = ""
    requester_email: str = ""
    area: Area | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    procedure: Procedure | None = None
    extra_procedures: tuple[Procedure, ...] = ()
    procedure_other: str = ""
    reason_detail: str = ""
    preferred_times: str = ""
    urgency: str = Urgency.NORMAL
    visit_minutes: int | None = None
    windows: tuple[WindowData, ...] = field(default_factory=tuple)
    resident: Resident | None = None
    notes: str = ""


# --- Intake -------------------------------------------------------------------------------


@transaction.atomic
def request_submit_public(*, commune: Commune, data: PublicRequest) -> HomeSupportRequest:
    """A citizen (or a relative) asks for help at home from the public page."""
    by_someone_else = data.requester_relation != RequesterRelation.SELF
    request = HomeSupportRequest(
        commune=commune,
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
    _save_with_tracking_code(request)
    _save_windows(request, data.windows)
    refresh_deadline(request)
    refresh_eligibility(request)
    request.save(update_fields=["sla_working_days", "due_on", *ELIGIBILITY_FIELDS])
    audit_record(action=AuditAction.CREATE, commune=commune, obj=request, note="public form")
    notifications.notify_received(request)  # the tracking code; sent after commit
    return request


def _save_with_tracking_code(request: HomeSupportRequest) -> None:
    """Save a new request under a tracking code drawn at random (drawn again if taken)."""
    for _attempt in range(5):
        request.tracking_code = new_tracking_code()
        try:
            with transaction.atomic():
                request.save()
            return
        except IntegrityError:  # the random tracking code was taken: draw another
            request.pk = None
    raise RuntimeError("could not draw a free tracking code")  # pragma: no cover - 31^8 codes


def normalize_tracking_code(code: str) -> str:
    """A tracking code as typed ("u89b-fups", "U 89B FUPS") → as stored ("U89BFUPS")."""
    return "".join(ch for ch in code.upper() if ch.isalnum())[:20]


def request_lookup(
    code: str, phone_last4: str, *, commune: Commune | None = None
) -> HomeSupportRequest | None:
    """The request with this tracking code whose contact phone ends with these digits.

    A wrong code and a wrong phone give the same answer (None), so nothing reveals
    whether a code exists for someone else. `commune`: the commune whose public pages
    ask; another commune's request is not found there.
    """
    code = normalize_tracking_code(code)
    digits = "".join(ch for ch in phone_last4 if ch.isdigit())
    requests = HomeSupportRequest.objects.select_related("procedure", "commune")
    if commune is not None:
        requests = requests.filter(commune=commune)
    request: HomeSupportRequest | None = requests.filter(tracking_code=code).first()
    if request is None or len(digits) != 4:
        return None
    phones = [p for p in (request.requester_phone, request.person_phone) if p]
    if not any(hmac.compare_digest(p[-4:], digits) for p in phones):
        return None
    return request


def _validate(
    access: Access, details: RequestDetails, *, stored: HomeSupportRequest | None = None
) -> None:
    """The rules a form may forget: every message names the field it is about.

    `stored`: the request being edited. Its GPS point, kept as it is, is not checked
    again: the commune's known area can change under it, and a form saved unchanged is
    never refused (decision 61)."""
    if not (details.person_phone or details.requester_phone):
        raise DomainError(
            _(
                "Give at least one phone number, of the person or of whoever asks: an officer "
                "phones the day before the visit."
            ),
            field="requester_phone",
        )
    if details.procedure is None and not details.extra_procedures and not details.procedure_other:
        raise DomainError(_("Choose what needs doing, or write it."), field="procedure")
    for window in details.windows:
        if window.ends_at <= window.starts_at:
            raise DomainError(
                _("A time window must end after it starts (%(start)s–%(end)s).")
                % {"start": f"{window.starts_at:%H:%M}", "end": f"{window.ends_at:%H:%M}"},
                field="windows",
            )
    if (details.latitude is None) != (details.longitude is None):
        raise DomainError(_("Give both the latitude and the longitude."), field="latitude")
    point = (details.latitude, details.longitude)
    unchanged = stored is not None and point == (stored.latitude, stored.longitude)
    if details.latitude is not None and details.longitude is not None and not unchanged:
        check_in_commune(
            access.commune, settings_for(access.commune), details.latitude, details.longitude
        )
    for related in (details.resident, details.area):
        if related is not None and related.commune_id != access.commune.pk:
            raise DomainError(_("This belongs to another commune."))


# The details copied onto the request as they are; `_apply` and `_save_children` handle
# the others (the registry link, the GPS point, the other procedures, the time windows).
HANDLED_APART = frozenset({"resident", "latitude", "longitude", "extra_procedures", "windows"})
COPIED_FIELDS = tuple(f.name for f in fields(RequestDetails) if f.name not in HANDLED_APART)


def _apply(request: HomeSupportRequest, details: RequestDetails) -> None:
    for name in COPIED_FIELDS:
        setattr(request, name, getattr(details, name))
    if details.resident is not None:
        request.resident = details.resident
    if details.latitude is not None:
        if (details.latitude, details.longitude) != (request.latitude, request.longitude):
            request.location_source = LocationSource.TYPED
            request.location_accuracy_m = None
        request.latitude, request.longitude = details.latitude, details.longitude
    elif request.resident is not None and request.latitude is None:
        household = request.resident.household
        request.latitude, request.longitude = household.latitude, household.longitude
        if household.latitude is not None:
            request.location_source = LocationSource.HOUSEHOLD


def _save_children(request: HomeSupportRequest, details: RequestDetails) -> None:
    request.extra_procedures.set([p for p in details.extra_procedures if p != details.procedure])
    request.windows.all().delete()
    _save_windows(request, details.windows)


def _save_windows(request: HomeSupportRequest, windows: tuple[WindowData, ...]) -> None:
    TimeWindow.objects.bulk_create(
        TimeWindow(
            request=request,
            starts_at=w.starts_at,
            ends_at=w.ends_at,
            weekday=w.weekday,
            on_date=w.on_date,
        )
        for w in windows
    )


@transaction.atomic
def request_create(
    *, access: Access, details: RequestDetails, source: str = RequestSource.PHONE_CALL
) -> HomeSupportRequest:
    """An officer records a request: after a phone call, or for a relative or group head."""
    access.require(Perm.MANAGE_HOME_SUPPORT)
    _validate(access, details)
    request = HomeSupportRequest(
        commune=access.commune,
        source=source,
        created_by=access.user,
        consent_at=timezone.now(),
    )
    _apply(request, details)
    _save_with_tracking_code(request)
    _save_children(request, details)
    refresh_deadline(request)
    refresh_eligibility(request)
    request.save()
    audit_record(
        action=AuditAction.CREATE,
        commune=access.commune,
        obj=request,
        changes={k: [None, v] for k, v in snapshot(request, AUDITED_FIELDS).items() if v},
        note=str(RequestSource(source).label),
    )
    return request


@transaction.atomic
def request_update(
    *, access: Access, request: HomeSupportRequest, details: RequestDetails
) -> HomeSupportRequest:
    access.require(Perm.MANAGE_HOME_SUPPORT)
    locked = lock_request(access.commune, request.pk)
    if not locked.is_open:
        raise DomainError(
            _("This request is “%(status)s”: it can no longer be changed.")
            % {"status": locked.get_status_display()}
        )
    _validate(access, details, stored=locked)
    before = snapshot(locked, AUDITED_FIELDS)
    _apply(locked, details)
    locked.save()
    _save_children(locked, details)
    refresh_deadline(locked)
    refresh_eligibility(locked)
    locked.save()
    audit_change(access=access, obj=locked, fields=AUDITED_FIELDS, before=before)
    if locked.status == RequestStatus.SCHEDULED:
        reschedule_request_route(locked)
    return locked


# --- Decisions ----------------------------------------------------------------------------


@transaction.atomic
def request_accept(
    *, access: Access, request: HomeSupportRequest, confirm_reason: str = ""
) -> HomeSupportRequest:
    """Take the request on. The person must qualify, by the registry or by decision.

    `confirm_reason`: where the registry does not show that the person qualifies, the
    officer's reason for taking it on anyway ("her son phoned: she is bedridden"). It is
    recorded as their decision in the same step, so accepting is never a detour through
    a separate form (issue 12)."""
    access.require(Perm.MANAGE_HOME_SUPPORT)
    locked = lock_request(access.commune, request.pk)
    previous = transition(locked, RequestStatus.ACCEPTED, starts=ACCEPT_FROM)
    reason = confirm_reason.strip()[:300]
    decided = False
    if not locked.is_eligible:
        if not reason or locked.eligibility_override is False:
            raise DomainError(
                _(
                    "The registry does not show that this person qualifies for help at home. "
                    "Write why you take the request on (for example what the caller said), "
                    "or link the person to the registry."
                )
                if locked.eligibility_override is None
                else _(
                    "An officer decided that this person does not qualify. Change that "
                    "decision under Eligibility first."
                ),
                field="confirm_reason",
            )
        locked.eligibility_override = True
        locked.eligibility_override_reason = reason
        locked.eligibility_override_by = access.user
        locked.eligibility_override_at = timezone.now()
        decided = True
    locked.accepted_by = access.user
    locked.decision_reason = ""
    locked.save()
    if decided:
        audit_change(
            access=access,
            obj=locked,
            fields=OVERRIDE_FIELDS,
            before={"eligibility_override": None, "eligibility_override_reason": ""},
            note="eligibility decision",
        )
    audit_status(access, locked, previous)
    return locked


@transaction.atomic
def request_reject(
    *, access: Access, request: HomeSupportRequest, reason: str
) -> HomeSupportRequest:
    return _decide(
        access, request, RequestStatus.REJECTED, reason, _("Say why the request is not taken on.")
    )


@transaction.atomic
def request_cancel(
    *, access: Access, request: HomeSupportRequest, reason: str
) -> HomeSupportRequest:
    """Cancel (the person no longer needs it, moved, died…); a planned visit is dropped."""
    locked = _decide(
        access, request, RequestStatus.CANCELLED, reason, _("Say why the request is cancelled.")
    )
    drop_planned_visit(locked)  # nothing to drop unless it was scheduled
    return locked


@transaction.atomic
def request_second_visit(
    *, access: Access, request: HomeSupportRequest, reason: str
) -> HomeSupportRequest:
    """After a visit, something is missing (a paper, a signature): another visit is needed."""
    return _decide(
        access,
        request,
        RequestStatus.NEEDS_SECOND_VISIT,
        reason,
        _("Say what is missing."),
        starts=SECOND_VISIT_FROM,
    )


def _decide(
    access: Access,
    request: HomeSupportRequest,
    target: str,
    reason: str,
    missing_reason: str,
    *,
    starts: frozenset[str] | None = None,
) -> HomeSupportRequest:
    """A move that needs its reason in words: checked, recorded on the request, audited."""
    access.require(Perm.MANAGE_HOME_SUPPORT)
    if not reason.strip():
        raise DomainError(missing_reason, field="reason")
    locked = lock_request(access.commune, request.pk)
    previous = transition(locked, target, starts=starts)
    locked.decision_reason = reason.strip()[:300]
    locked.save()
    audit_status(access, locked, previous, note=locked.decision_reason)
    return locked


@transaction.atomic
def request_complete(*, access: Access, request: HomeSupportRequest) -> HomeSupportRequest:
    """The papers are done (after a visit): tell the requester."""
    access.require(Perm.MANAGE_HOME_SUPPORT)
    locked = lock_request(access.commune, request.pk)
    previous = complete_locked(locked)
    audit_status(access, locked, previous)
    return locked


def complete_locked(request: HomeSupportRequest) -> str:
    """Move a locked, visited request to completed and queue the requester's message.
    Returns the previous status."""
    previous = transition(request, RequestStatus.COMPLETED)
    request.completed_at = timezone.now()
    request.save()
    notifications.notify_done(request)
    return previous
