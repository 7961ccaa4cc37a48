"""Who can go and how the commune works: officer profiles, leave, settings, procedures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from digiward.core.absences import absence_add, absence_remove, requires
from digiward.core.access import Access
from digiward.core.audit import snapshot
from digiward.core.errors import DomainError
from digiward.core.models import Absence, Commune, Membership
from digiward.core.permissions import ROLE_PERMISSIONS, Perm
from digiward.homecare.models import (
    Authority,
    HomecareSettings,
    HomeVisit,
    OfficerProfile,
    ProcedureProfile,
    VisitStatus,
)
from digiward.homecare.planner import check_in_commune
from digiward.homecare.services.common import audit_change

VISITING_ROLES = [role for role, perms in ROLE_PERMISSIONS.items() if Perm.VISIT_HOMES in perms]
PROFILE_FIELDS = (
    "takes_home_visits",
    "authorities",
    "work_starts",
    "work_ends",
    "working_days",
    "max_visits",
    "volunteer",
)
SETTINGS_FIELDS = (
    "center_name",
    "center_latitude",
    "center_longitude",
    "road_factor",
    "speed_kmh",
    "default_sla_working_days",
    "urgent_sla_working_days",
    "due_soon_working_days",
    "default_visit_minutes",
    "address_margin_km",
)
PROCEDURE_FIELDS = (
    "sla_working_days",
    "visit_minutes",
    "required_authority",
    "officer_brings",
    "person_prepares",
    "call_script",
)


def officer_profiles_sync(commune: Commune) -> int:
    """A profile for every member whose role lets them visit homes (new ones only)."""
    users = (
        Membership.objects.filter(commune=commune, role__in=VISITING_ROLES, user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    have = set(OfficerProfile.objects.for_commune(commune).values_list("user_id", flat=True))
    missing = [
        OfficerProfile(commune=commune, user_id=user_id) for user_id in sorted(set(users) - have)
    ]
    OfficerProfile.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


@transaction.atomic
def officer_profile_save(*, access: Access, profile: OfficerProfile) -> OfficerProfile:
    """Save an officer's authorities and hours (the form has set the fields)."""
    access.require(Perm.MANAGE_HOME_SUPPORT)
    if profile.commune_id != access.commune.pk:
        raise DomainError(_("This belongs to another commune."))
    if profile.work_ends <= profile.work_starts:
        raise DomainError(_("The working day must end after it starts."), field="work_ends")
    unknown = set(profile.authorities) - set(Authority.values)
    if unknown:
        raise DomainError(_("Unknown authority."), field="authorities")
    old = OfficerProfile.objects.select_for_update(no_key=True, of=("self",)).get(pk=profile.pk)
    before = snapshot(old, PROFILE_FIELDS)
    profile.save()
    audit_change(
        access=access, obj=profile, fields=PROFILE_FIELDS, before=before, skip_unchanged=True
    )
    return profile


# Leave is a core.Absence of the officer's user, the same row the help-desk roster reads;
# home support keeps its own rule on who may record it.
LEAVE_RULE = requires(Perm.MANAGE_HOME_SUPPORT)


@transaction.atomic
def leave_add(
    *, access: Access, profile: OfficerProfile, starts_on: date, ends_on: date, reason: str
) -> tuple[Absence, list[HomeVisit]]:
    """Record leave. Returns the officer's planned visits in it: they must be moved."""
    access.require(Perm.MANAGE_HOME_SUPPORT)
    if profile.commune_id != access.commune.pk:
        raise DomainError(_("This belongs to another commune."))
    leave = absence_add(
        access=access,
        user_id=profile.user_id,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        rule=LEAVE_RULE,
    )
    clashes = list(
        HomeVisit.objects.filter(
            commune=access.commune,
            officer_id=profile.user_id,
            status=VisitStatus.PLANNED,
            day__gte=starts_on,
            day__lte=ends_on,
        )
        .select_related("request")
        .order_by("day", "sequence")
    )
    return leave, clashes


def leave_remove(*, access: Access, leave: Absence) -> None:
    absence_remove(access=access, absence=leave, rule=LEAVE_RULE)


@transaction.atomic
def settings_save(*, access: Access, settings: HomecareSettings) -> HomecareSettings:
    access.require(Perm.MANAGE_HOME_SUPPORT)
    settings.commune = access.commune
    if (settings.center_latitude is None) != (settings.center_longitude is None):
        raise DomainError(_("Give both the latitude and the longitude."), field="center_latitude")
    if settings.has_center:
        check_in_commune(
            access.commune,
            HomecareSettings(commune=access.commune, address_margin_km=settings.address_margin_km),
            settings.center_latitude or Decimal(0),
            settings.center_longitude or Decimal(0),
        )
    old = (
        HomecareSettings.objects.select_for_update(no_key=True, of=("self",))
        .filter(commune=access.commune)
        .first()
    )
    before = snapshot(old, SETTINGS_FIELDS) if old else {}
    if old is not None:
        settings.pk = old.pk
    settings.save()
    audit_change(
        access=access, obj=settings, fields=SETTINGS_FIELDS, before=before, skip_unchanged=True
    )
    return settings


@transaction.atomic
def procedure_profile_save(*, access: Access, profile: ProcedureProfile) -> ProcedureProfile:
    access.require(Perm.MANAGE_HOME_SUPPORT)
    profile.commune = access.commune
    old = (
        ProcedureProfile.objects.select_for_update(no_key=True, of=("self",))
        .filter(commune=access.commune, procedure=profile.procedure)
        .first()
    )
    before = snapshot(old, PROCEDURE_FIELDS) if old else {}
    if old is not None:
        profile.pk = old.pk
    profile.officer_brings = [i.strip() for i in profile.officer_brings if i.strip()]
    profile.person_prepares = [i.strip() for i in profile.person_prepares if i.strip()]
    profile.save()
    audit_change(
        access=access, obj=profile, fields=PROCEDURE_FIELDS, before=before, skip_unchanged=True
    )
    return profile
