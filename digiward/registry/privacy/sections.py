"""What the registry itself holds about a person: the sections of `core.personal_data`.

Erased on anonymisation, with the reason each is kept or not (docs/notes/privacy.md):
- the person: name (→ "Người đã ẩn danh N"), date of birth (the year stays: age bands,
  "elderly living alone" and the donation list's oldest member count by it), sex (no
  statistic uses it), citizen ID (encrypted, hash and masked), phone, notes, the free
  text of the consent. Kept: the household, relation, status, the four vulnerability
  flags (journey filters and the donation ranking count them), the journey position,
  the legal basis and consent dates (no personal content left in them);
- milestones: kept (kind, date, source, who recorded); a free-text detail is erased, a
  smartphone's ownership (own/shared/donated) stays;
- household moves: deleted (no statistic reads them; they say where the person lived);
- the household: when every member is anonymised, its address, map position and code
  go (the code is the key of the ward's paper list); area and poverty status stay.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from digiward.core.dates import day_text
from digiward.core.personal_data import (
    Entry,
    Record,
    Reveal,
    Section,
    entry,
    model_entries,
    record,
    register_section,
)
from digiward.registry.identity import reveal_citizen_id
from digiward.registry.journey import LADDER, MilestoneKind, SmartphoneOwnership
from digiward.registry.models import (
    ConsentPurpose,
    Household,
    HouseholdMove,
    Milestone,
    Resident,
)

# Stored, never translated: the data is the ward's, written in Vietnamese.
ANONYMOUS_NAME = "Người đã ẩn danh"
ANONYMOUS_HOUSEHOLD_PREFIX = "AD"

PERSON_FIELDS = (
    "full_name",
    "birth_date",
    "birth_year",
    "sex",
    "phone",
    "phone_carrier",
    "relation_to_head",
    "lives_alone",
    "chronic_illness",
    "disability",
    "limited_mobility",
    "status",
    "status_changed_on",
    "notes",
)
BASIS_FIELDS = (
    "legal_basis",
    "legal_basis_on",
    "legal_basis_by",
    "consent_on",
    "consent_by",
    "consent_scope",
)
HOUSEHOLD_FIELDS = (
    "code",
    "house_number",
    "street",
    "address_detail",
    "area",
    "latitude",
    "longitude",
    "poverty_status",
    "poverty_year",
    "particularly_disadvantaged",
)


def citizen_id_entry(
    key: str, label: object, *, encrypted: str, masked: str, reveal: Reveal
) -> Entry:
    """The full number for who may see it (and operators), else the masked form."""
    if reveal.full_citizen_ids and encrypted:
        return entry(key, str(label), reveal_citizen_id(encrypted))
    return entry(key, str(label), masked)


def household_fully_anonymised(household_id: int) -> bool:
    """True when every member of the household has been anonymised."""
    return not Resident.objects.filter(
        household_id=household_id, anonymised_at__isnull=True
    ).exists()


class PersonSection(Section[Resident]):
    key = "registry.person"
    title = _("Personal details")
    order = 10

    def collect(self, subject: Resident, *, reveal: Reveal) -> list[Record]:
        entries = model_entries(subject, PERSON_FIELDS)
        entries.insert(
            3,
            citizen_id_entry(
                "citizen_id",
                _("citizen ID"),
                encrypted=subject.citizen_id_encrypted,
                masked=subject.citizen_id_masked,
                reveal=reveal,
            ),
        )
        rung_label = str(LADDER[subject.journey_rung - 1].label) if subject.journey_rung else ""
        entries.append(
            entry(
                "journey_rung", _("digital-journey step reached"), subject.journey_rung, rung_label
            )
        )
        entries += model_entries(subject, BASIS_FIELDS)
        purposes = dict(ConsentPurpose.choices)
        entries.append(
            entry(
                "consent_purposes",
                _("consent given for"),
                list(subject.consent_purposes),
                "; ".join(str(purposes.get(p, p)) for p in subject.consent_purposes) or "—",
            )
        )
        entries += model_entries(
            subject, ("consent_withdrawn_on", "anonymised_at", "created_at", "updated_at")
        )
        return [record(subject.full_name, entries)]

    def anonymise(self, subject: Resident, *, now: datetime) -> dict[str, int]:
        erased = sum(
            bool(getattr(subject, name))
            for name in ("birth_date", "sex", "citizen_id_encrypted", "phone", "notes")
        )
        number = (
            Resident.objects.filter(
                commune_id=subject.commune_id, anonymised_at__isnull=False
            ).count()
            + 1
        )
        subject.full_name = f"{ANONYMOUS_NAME} {number}"
        subject.birth_date = None  # birth_year stays (see the module's docstring)
        subject.sex = ""
        subject.citizen_id_encrypted, subject.citizen_id_hash, subject.citizen_id_masked = (
            "",
            None,
            "",
        )
        subject.phone = subject.phone_carrier = ""
        subject.notes = ""
        subject.consent_scope = ""
        subject.anonymised_at = now
        subject.save()
        return {"name": 1, "fields": erased}


class JourneySection(Section[Resident]):
    key = "registry.journey"
    title = _("Digital journey")
    order = 20

    def collect(self, subject: Resident, *, reveal: Reveal) -> list[Record]:
        rows = Milestone.objects.filter(resident=subject).select_related("recorded_by")
        return [
            record(
                m.get_kind_display(),
                [
                    *model_entries(m, ("kind", "achieved_on", "source")),
                    entry("detail", _("detail"), m.detail, m.detail_label or "—"),
                    *model_entries(m, ("recorded_at",)),
                    entry("recorded_by", _("recorded by"), m.recorded_by),
                ],
            )
            for m in rows.order_by("achieved_on", "pk")
        ]

    def anonymise(self, subject: Resident, *, now: datetime) -> dict[str, int]:
        # A smartphone's ownership is a category; anything else in `detail` is free text.
        free_text = (
            Milestone.objects.filter(resident=subject)
            .exclude(detail="")
            .exclude(kind=MilestoneKind.HAS_SMARTPHONE, detail__in=SmartphoneOwnership.values)
        )
        return {"details": free_text.update(detail="")}


class MovesSection(Section[Resident]):
    key = "registry.moves"
    title = _("Household history")
    order = 30

    def collect(self, subject: Resident, *, reveal: Reveal) -> list[Record]:
        moves = HouseholdMove.objects.filter(resident=subject).select_related(
            "from_household", "to_household"
        )
        return [
            record(
                f"{day_text(move.moved_on)}",
                [
                    entry("moved_on", _("moved on"), move.moved_on),
                    entry(
                        "from_household",
                        _("from household"),
                        move.from_household.code if move.from_household else None,
                    ),
                    entry("to_household", _("to household"), move.to_household.code),
                ],
            )
            for move in moves
        ]

    def anonymise(self, subject: Resident, *, now: datetime) -> dict[str, int]:
        deleted, _by_model = HouseholdMove.objects.filter(resident=subject).delete()
        return {"moves": deleted}


class HouseholdSection(Section[Resident]):
    """The person's household. Other members are not listed: their data is theirs."""

    key = "registry.household"
    title = _("Household")
    order = 90  # after every other section: it asks whether anyone is left

    def collect(self, subject: Resident, *, reveal: Reveal) -> list[Record]:
        household = Household.objects.select_related("area").get(pk=subject.household_id)
        entries = model_entries(household, HOUSEHOLD_FIELDS)
        entries.append(entry("is_head", _("head of household"), household.head_id == subject.pk))
        return [record(household.code, entries)]

    def anonymise(self, subject: Resident, *, now: datetime) -> dict[str, int]:
        if not household_fully_anonymised(subject.household_id):
            return {}
        household = Household.objects.select_for_update().get(pk=subject.household_id)
        household.house_number = household.street = household.address_detail = ""
        household.latitude = household.longitude = None
        household.code = _free_code(household)
        household.save()
        return {"address": 1}


def _free_code(household: Household) -> str:
    """A code that says nothing: AD-<id>, unique in the commune."""
    code = f"{ANONYMOUS_HOUSEHOLD_PREFIX}-{household.pk}"
    others = Household.objects.filter(commune_id=household.commune_id).exclude(pk=household.pk)
    suffix = 0
    candidate = code
    while others.filter(code__iexact=candidate).exists():
        suffix += 1
        candidate = f"{code}-{suffix}"
    return candidate


def register() -> None:
    for section in (PersonSection(), JourneySection(), MovesSection(), HouseholdSection()):
        register_section(section)


register()  # on import: the orchestration (privacy.services) imports this module
