"""Who the person is and whether they qualify: the registry link, the home's GPS point,
eligibility (checked against the registry, or decided by the officer) and the deadline.

Split from `requests` (intake and the workflow's decisions), which calls
`refresh_eligibility` and `refresh_deadline` when a request is created or changed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.audit import audit_record, snapshot
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction
from digiward.core.permissions import Perm
from digiward.core.selectors import calendar_for
from digiward.homecare.eligibility import PersonFacts, assess
from digiward.homecare.models import (
    HomeSupportRequest,
    LocationSource,
    RequestStatus,
    TravelReason,
    Urgency,
)
from digiward.homecare.planner import check_in_commune, profiles_for, request_needs, settings_for
from digiward.homecare.services.booking import reschedule_request_route
from digiward.homecare.services.common import audit_change, lock_request
from digiward.homecare.sla import deadline, sla_days
from digiward.registry.models import Resident
from digiward.registry.services import refuse_anonymised

LINK_FIELDS = ("resident", "latitude", "longitude", "eligibility")


@transaction.atomic
def request_link_resident(
    *, access: Access, request: HomeSupportRequest, resident: Resident | None
) -> HomeSupportRequest:
    """Link the person to the registry (or unlink), then check eligibility again."""
    access.require(Perm.MANAGE_HOME_SUPPORT)
    locked = lock_request(access.commune, request.pk)
    if resident is not None and resident.commune_id != access.commune.pk:
        raise DomainError(_("This belongs to another commune."))
    if resident is not None:
        refuse_anonymised(resident)
    before = snapshot(locked, LINK_FIELDS)
    locked.resident = resident
    if resident is not None:
        household = resident.household
        if locked.latitude is None and household.latitude is not None:
            locked.latitude, locked.longitude = household.latitude, household.longitude
            locked.location_source = LocationSource.HOUSEHOLD
        if not locked.person_phone and resident.phone:
            locked.person_phone = resident.phone
    refresh_eligibility(locked)
    locked.save()
    audit_change(access=access, obj=locked, fields=LINK_FIELDS, before=before, note="registry link")
    return locked


LOCATION_FIELDS = ("latitude", "longitude", "location_source", "location_accuracy_m")


@transaction.atomic
def request_set_location(
    *,
    access: Access,
    request: HomeSupportRequest,
    latitude: Decimal,
    longitude: Decimal,
    source: str = LocationSource.PHONE,
    accuracy_m: int | None = None,
) -> HomeSupportRequest:
    """Record the home's GPS point: an officer's phone at the house, or typed.

    The point must lie within the commune (`planner.check_in_commune`); a planned visit
    is retimed with it (refused, with the reason, if it no longer fits)."""
    access.require(Perm.VISIT_HOMES)
    locked = lock_request(access.commune, request.pk)
    if not locked.is_open:
        raise DomainError(
            _("This request is “%(status)s”: it can no longer be changed.")
            % {"status": locked.get_status_display()}
        )
    if source not in LocationSource.values:
        raise DomainError(_("Unknown source of the GPS point."), field="latitude")
    latitude, longitude = round(latitude, 6), round(longitude, 6)
    check_in_commune(access.commune, settings_for(access.commune), latitude, longitude)
    before = snapshot(locked, LOCATION_FIELDS)
    locked.latitude, locked.longitude = latitude, longitude
    locked.location_source = source
    locked.location_accuracy_m = accuracy_m
    locked.save()
    audit_change(access=access, obj=locked, fields=LOCATION_FIELDS, before=before, note="GPS point")
    if locked.status == RequestStatus.SCHEDULED:
        reschedule_request_route(locked)
    return locked


# --- Eligibility --------------------------------------------------------------------------

ELIGIBILITY_FIELDS = ("eligibility", "eligibility_bases", "eligibility_checked_at")


def person_facts(request: HomeSupportRequest, today: date) -> PersonFacts:
    resident = request.resident
    if resident is not None:
        return PersonFacts(
            in_registry=True,
            age=resident.age(today),
            disability=resident.disability,
            limited_mobility=resident.limited_mobility,
            chronic_illness=resident.chronic_illness,
            lives_alone=resident.lives_alone,
        )
    age = today.year - request.person_birth_year if request.person_birth_year else None
    return PersonFacts(
        in_registry=False,
        age=age,
        disability=request.reason == TravelReason.DISABILITY,
        chronic_illness=request.reason == TravelReason.ILL,
    )


def refresh_eligibility(request: HomeSupportRequest) -> None:
    """Assess the person again against the registry (the caller saves)."""
    result = assess(person_facts(request, timezone.localdate()))
    request.eligibility = result.outcome
    request.eligibility_bases = [b.value for b in result.bases]
    request.eligibility_checked_at = timezone.now()


def refresh_deadline(request: HomeSupportRequest) -> None:
    """The deadline from the procedures' working days and the urgency (the caller saves)."""
    settings = settings_for(request.commune)
    needs = request_needs(request, profiles_for(request.commune), settings)
    days = sla_days(
        [n.sla_working_days for n in needs],
        default=settings.default_sla_working_days,
        urgent=request.urgency == Urgency.URGENT,
        urgent_days=settings.urgent_sla_working_days,
    )
    request.sla_working_days = days
    request.due_on = deadline(calendar_for(request.commune), request.received_on, days)


@transaction.atomic
def request_check_eligibility(*, access: Access, request: HomeSupportRequest) -> HomeSupportRequest:
    access.require(Perm.VIEW_HOME_SUPPORT)
    locked = lock_request(access.commune, request.pk)
    before = locked.eligibility
    refresh_eligibility(locked)
    locked.save(update_fields=[*ELIGIBILITY_FIELDS, "updated_at"])
    audit_record(
        action=AuditAction.VIEW,
        commune=access.commune,
        obj=locked,
        changes={"eligibility": [before, locked.eligibility]}
        if before != locked.eligibility
        else {},
        note="eligibility check against the registry",
    )
    return locked


OVERRIDE_FIELDS = ("eligibility_override", "eligibility_override_reason")


@transaction.atomic
def request_override_eligibility(
    *, access: Access, request: HomeSupportRequest, eligible: bool | None, reason: str
) -> HomeSupportRequest:
    """The officer decides (eligible or not) against or without the registry, with a reason.

    ``eligible=None`` removes the decision: the registry check counts again.
    """
    access.require(Perm.MANAGE_HOME_SUPPORT)
    locked = lock_request(access.commune, request.pk)
    reason = reason.strip()
    if eligible is not None and not reason:
        raise DomainError(_("Say why you decide differently from the registry."), field="reason")
    before = snapshot(locked, OVERRIDE_FIELDS)
    locked.eligibility_override = eligible
    locked.eligibility_override_reason = reason if eligible is not None else ""
    locked.eligibility_override_by = access.user if eligible is not None else None
    locked.eligibility_override_at = timezone.now() if eligible is not None else None
    locked.save()
    audit_change(
        access=access,
        obj=locked,
        fields=OVERRIDE_FIELDS,
        before=before,
        note="eligibility decision",
    )
    return locked
