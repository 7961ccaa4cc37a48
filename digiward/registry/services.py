"""Registry actions: every write to households, residents and milestones goes through here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.audit import audit_record, audit_saved, snapshot, snapshot_saved
from digiward.core.chunks import chunked
from digiward.core.dates import day_text
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction, Commune, User
from digiward.core.permissions import Perm
from digiward.core.phones import parse_phone
from digiward.registry.identity import protect_citizen_id, reveal_citizen_id
from digiward.registry.journey import RUNG, MilestoneKind, MilestoneSource
from digiward.registry.models import (
    Household,
    HouseholdMove,
    LegalBasis,
    Milestone,
    RegistrySettings,
    Relation,
    Resident,
    ResidentStatus,
)


@dataclass(frozen=True)
class NewMilestone:
    """A milestone to record in bulk (imports, demo data)."""

    resident_id: int
    kind: str
    achieved_on: date
    source: MilestoneSource
    detail: str = ""
    source_ref: str = ""


@transaction.atomic
def milestones_bulk_record(
    *, commune: Commune, milestones: Iterable[NewMilestone], recorded_by: User | None
) -> int:
    """Record many milestones at once and refresh each resident's journey position.

    Milestones already recorded for a resident are skipped (the first one stands).
    Returns how many were created.
    """
    items = list(milestones)
    resident_ids = {m.resident_id for m in items}
    existing: dict[int, set[str]] = defaultdict(set)
    for batch in chunked(resident_ids):
        for resident_id, kind in Milestone.objects.filter(resident_id__in=batch).values_list(
            "resident_id", "kind"
        ):
            existing[resident_id].add(kind)
    rows = []
    for item in items:
        if item.kind in existing[item.resident_id]:
            continue
        existing[item.resident_id].add(item.kind)
        rows.append(
            Milestone(
                commune=commune,
                resident_id=item.resident_id,
                kind=item.kind,
                achieved_on=item.achieved_on,
                source=item.source,
                source_ref=item.source_ref,
                detail=item.detail,
                recorded_by=recorded_by,
            )
        )
    Milestone.objects.bulk_create(rows, batch_size=2000)
    journey_refresh(resident_ids=resident_ids)
    return len(rows)


def journey_refresh(*, resident_ids: Iterable[int]) -> None:
    """Recompute the derived journey fields of these residents from their milestones."""
    for batch in chunked(resident_ids):
        rungs: dict[int, int] = defaultdict(int)
        last_on: dict[int, date] = {}
        for resident_id, kind, achieved_on in Milestone.objects.filter(
            resident_id__in=batch
        ).values_list("resident_id", "kind", "achieved_on"):
            rungs[resident_id] = max(rungs[resident_id], RUNG[kind])
            if resident_id not in last_on or achieved_on > last_on[resident_id]:
                last_on[resident_id] = achieved_on
        changed = []
        for resident in Resident.objects.filter(pk__in=batch).only(
            "pk", "journey_rung", "journey_last_on"
        ):
            rung, last = rungs.get(resident.pk, 0), last_on.get(resident.pk)
            if (resident.journey_rung, resident.journey_last_on) != (rung, last):
                resident.journey_rung, resident.journey_last_on = rung, last
                changed.append(resident)
        Resident.objects.bulk_update(changed, ["journey_rung", "journey_last_on"], batch_size=1000)


# ---- Single-record actions (views, API, other apps) -------------------------------------


def refuse_anonymised(resident: Resident, *, field: str | None = None) -> None:
    """Nothing new is recorded about someone whose details were erased on request: every
    app that links a record to a resident asks here first."""
    if resident.anonymised_at is not None:
        raise DomainError(
            _("This person was anonymised: nothing more is recorded about them."), field=field
        )


@transaction.atomic
def milestone_record(
    *,
    acting_user: User | None,
    resident: Resident,
    kind: MilestoneKind | str,
    achieved_on: date,
    source: MilestoneSource | str,
    source_ref: str = "",
    detail: str = "",
) -> Milestone | None:
    """Record that `resident` reached a step of the digital journey.

    The one entry point for every app (help sessions, donations, classes, home
    visits). Recording a step already reached returns None and changes nothing: the
    first date stands. The resident's journey position is refreshed from the events.
    """
    if kind not in RUNG:
        raise DomainError(_("Unknown milestone."))
    if achieved_on > timezone.localdate():
        raise DomainError(_("A milestone cannot be reached in the future."), field="achieved_on")
    if resident.birth_date and achieved_on < resident.birth_date:
        raise DomainError(_("This date is before the person was born."), field="achieved_on")
    locked = Resident.objects.select_for_update().get(pk=resident.pk)
    refuse_anonymised(locked)
    if Milestone.objects.filter(resident=locked, kind=kind).exists():
        return None
    milestone = Milestone.objects.create(
        commune_id=locked.commune_id,
        resident=locked,
        kind=kind,
        achieved_on=achieved_on,
        source=source,
        source_ref=source_ref[:80],
        detail=detail[:200],
        recorded_by=acting_user,
    )
    journey_refresh(resident_ids=[locked.pk])
    audit_record(
        action=AuditAction.CREATE,
        commune=locked.commune,
        obj=milestone,
        object_repr=f"{locked.full_name}: {milestone.get_kind_display()}",
        changes={"kind": [None, str(kind)], "achieved_on": [None, achieved_on.isoformat()]},
        actor=acting_user,
    )
    return milestone


@transaction.atomic
def milestone_remove(*, access: Access, milestone: Milestone, reason: str) -> None:
    """Undo a milestone recorded by mistake (kept in the audit log with the reason)."""
    access.require(Perm.EDIT_REGISTRY)
    if not reason.strip():
        raise DomainError(_("Say why the milestone is removed."), field="reason")
    resident_id = milestone.resident_id
    audit_record(
        action=AuditAction.DELETE,
        commune=access.commune,
        obj=milestone,
        changes={
            "kind": [milestone.kind, None],
            "achieved_on": [milestone.achieved_on.isoformat(), None],
        },
        note=reason,
    )
    milestone.delete()
    journey_refresh(resident_ids=[resident_id])


def citizen_id_reveal(*, access: Access, resident: Resident) -> str:
    """The full citizen ID, for roles that need it; every look is in the audit log."""
    access.require(Perm.VIEW_FULL_CITIZEN_ID)
    if not resident.citizen_id_encrypted:
        return ""
    audit_record(action=AuditAction.VIEW_SENSITIVE, commune=access.commune, obj=resident)
    return reveal_citizen_id(resident.citizen_id_encrypted)


HOUSEHOLD_AUDIT_FIELDS = (
    "code",
    "area_id",
    "house_number",
    "street",
    "address_detail",
    "latitude",
    "longitude",
    "poverty_status",
    "poverty_year",
    "particularly_disadvantaged",
    "head_id",
)
RESIDENT_AUDIT_FIELDS = (
    "full_name",
    "birth_date",
    "birth_year",
    "sex",
    "citizen_id_hash",
    "phone",
    "relation_to_head",
    "lives_alone",
    "chronic_illness",
    "disability",
    "limited_mobility",
    "journey_not_applicable",
    "legal_basis",
    "consent_on",
    "consent_purposes",
    "consent_scope",
    "consent_withdrawn_on",
    "notes",
    "household_id",
    "status",
)


@transaction.atomic
def household_save(*, access: Access, household: Household) -> Household:
    """Create or change a household (from a validated form)."""
    access.require(Perm.EDIT_REGISTRY)
    if household.commune_id != access.commune.pk:
        raise DomainError(_("This household belongs to another commune."))
    before = snapshot_saved(household, HOUSEHOLD_AUDIT_FIELDS)
    household.full_clean()
    household.save()
    audit_saved(
        commune=access.commune,
        obj=household,
        fields=HOUSEHOLD_AUDIT_FIELDS,
        before=before,
        skip_unchanged=True,
    )
    return household


@transaction.atomic
def resident_save(
    *,
    access: Access,
    resident: Resident,
    citizen_id: str | None = None,
    consent_given: bool = False,
) -> Resident:
    """Create or change a resident. `citizen_id`: a new, already validated number; "" clears it.

    `consent_given`: the person agreed, on `resident.consent_on` (required: consent is
    recorded with its date and whoever records it). Refused for an anonymised person."""
    access.require(Perm.EDIT_REGISTRY)
    if (
        resident.commune_id != access.commune.pk
        or resident.household.commune_id != access.commune.pk
    ):
        raise DomainError(_("This person or household belongs to another commune."))
    creating = resident.pk is None
    previous = None if creating else Resident.objects.select_for_update().get(pk=resident.pk)
    if previous is not None and previous.anonymised_at is not None:
        raise DomainError(
            _(
                "This person's details were anonymised on %(day)s: the record can no longer "
                "be changed."
            )
            % {"day": f"{day_text(timezone.localtime(previous.anonymised_at))}"}
        )
    before = None if previous is None else snapshot(previous, RESIDENT_AUDIT_FIELDS)
    _record_basis(access, resident, previous, consent_given=consent_given)
    if citizen_id is not None:
        if citizen_id:
            stored = protect_citizen_id(citizen_id)
            resident.citizen_id_encrypted = stored.encrypted
            resident.citizen_id_hash = stored.hash
            resident.citizen_id_masked = stored.masked
        else:
            resident.citizen_id_encrypted, resident.citizen_id_hash, resident.citizen_id_masked = (
                "",
                None,
                "",
            )
    if previous is not None and previous.household_id != resident.household_id:
        HouseholdMove.objects.create(
            resident=resident,
            from_household_id=previous.household_id,
            to_household_id=resident.household_id,
            moved_on=timezone.localdate(),
            recorded_by=access.user,
        )
    if previous is not None and previous.status != resident.status:
        resident.status_changed_on = timezone.localdate()
    # The form gives the national form (0912345678); the carrier is derived, never typed.
    resident.phone_carrier = parse_phone(resident.phone).carrier if resident.phone else ""
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError:
        raise DomainError(
            _("Another resident of this commune has this citizen ID."), field="citizen_id"
        ) from None
    audit_saved(
        commune=access.commune,
        obj=resident,
        fields=RESIDENT_AUDIT_FIELDS,
        before=before,
        skip_unchanged=True,
    )
    _follow_head(access, resident, previous)
    return resident


def _record_basis(
    access: Access, resident: Resident, previous: Resident | None, *, consent_given: bool
) -> None:
    """Who recorded the consent and the legal basis, and when: the acting user, for what
    changed. Consent becomes the basis when no other is recorded."""
    if consent_given and resident.consent_on is None:
        raise DomainError(
            _("Give the date the person agreed: consent is recorded with its date."),
            field="consent_on",
        )
    if resident.consent_on is not None and (
        previous is None or previous.consent_on != resident.consent_on
    ):
        resident.consent_by = access.user
    if previous is not None and previous.legal_basis and not resident.legal_basis:
        resident.legal_basis = previous.legal_basis  # a basis is changed, never removed
    if not resident.legal_basis and resident.consent_on is not None:
        resident.legal_basis = LegalBasis.CONSENT
    if resident.legal_basis == LegalBasis.CONSENT and resident.consent_on is not None:
        resident.legal_basis_on, resident.legal_basis_by = resident.consent_on, resident.consent_by
    elif resident.legal_basis and (
        previous is None or previous.legal_basis != resident.legal_basis
    ):
        resident.legal_basis_on, resident.legal_basis_by = timezone.localdate(), access.user


def _follow_head(access: Access, resident: Resident, previous: Resident | None) -> None:
    """Keep `Household.head` in step with the relation typed on the resident form: the
    person marked as head of an active household becomes its head; a head who leaves
    the household, dies or moves away leaves it without one until someone is marked."""
    changed: list[tuple[Household, int | None]] = []
    if previous is not None and (
        previous.household_id != resident.household_id
        or resident.status != ResidentStatus.ACTIVE
        or resident.relation_to_head != Relation.HEAD
    ):
        old = Household.objects.select_for_update().get(pk=previous.household_id)
        if old.head_id == resident.pk:
            changed.append((old, None))
    # Only when the person *becomes* head here (new, newly marked, moved in or back):
    # editing the phone of a former head must not take the household back from the
    # person marked after them.
    becomes_head = (
        resident.relation_to_head == Relation.HEAD
        and resident.status == ResidentStatus.ACTIVE
        and (
            previous is None
            or previous.relation_to_head != Relation.HEAD
            or previous.household_id != resident.household_id
            or previous.status != ResidentStatus.ACTIVE
            or not Household.objects.filter(pk=resident.household_id, head__isnull=False).exists()
        )
    )
    if becomes_head:
        household = Household.objects.select_for_update().get(pk=resident.household_id)
        if household.head_id != resident.pk:
            changed.append((household, resident.pk))
    for household, head_id in changed:
        before = household.head_id
        household.head_id = head_id
        household.save(update_fields=["head"])
        audit_record(
            action=AuditAction.CHANGE,
            commune=access.commune,
            obj=household,
            changes={"head_id": [before, head_id]},
        )


REGISTRY_SETTINGS_FIELDS = ("journey_min_age", "full_citizen_id_on_minutes")


@transaction.atomic
def registry_settings_save(
    *, access: Access, journey_min_age: int, full_citizen_id_on_minutes: bool
) -> RegistrySettings:
    """Save the commune's registry rules (who the journey's lists are for, how the
    handover minutes print a citizen ID), audited; an unchanged save writes no row."""
    access.require(Perm.MANAGE_COMMUNE_SETTINGS)
    if not 0 <= journey_min_age <= 100:
        raise DomainError(_("The age must be between 0 and 100."), field="journey_min_age")
    found = RegistrySettings.objects.select_for_update().filter(commune=access.commune).first()
    saved = found if found is not None else RegistrySettings(commune=access.commune)
    before = snapshot(saved, REGISTRY_SETTINGS_FIELDS) if found is not None else None
    saved.journey_min_age = journey_min_age
    saved.full_citizen_id_on_minutes = full_citizen_id_on_minutes
    saved.save()
    audit_saved(
        commune=access.commune,
        obj=saved,
        fields=REGISTRY_SETTINGS_FIELDS,
        before=before,
        skip_unchanged=True,
    )
    return saved
