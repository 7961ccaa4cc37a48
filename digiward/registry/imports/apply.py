"""Loading the registry snapshot an import is matched against, and writing a plan.

Writing is one transaction: either every accepted row is written or none is. The
caller decides whether rejected rows stop the import (all-or-nothing, the default)
or are skipped and reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from digiward.core.audit import audit_bulk, audit_record
from digiward.core.bulk import fast_insert, fast_update
from digiward.core.chunks import chunked
from digiward.core.models import AuditAction, Commune, User
from digiward.core.text import fold
from digiward.registry.identity import protect_citizen_id
from digiward.registry.imports.plan import (
    ExistingHousehold,
    ExistingResident,
    HouseholdPlan,
    ImportPlan,
    PersonPlan,
    Snapshot,
)
from digiward.registry.models import (
    Area,
    Household,
    HouseholdMove,
    LegalBasis,
    PovertyStatus,
    Relation,
    Resident,
)


def load_snapshot(commune: Commune) -> Snapshot:
    """Everything the matcher needs, in three queries (100,000 residents: well under a second)."""
    snapshot = Snapshot()
    areas = dict(Area.objects.for_commune(commune).values_list("pk", "name_folded"))
    for row in Household.objects.for_commune(commune).values_list(
        "pk",
        "code",
        "poverty_status",
        "poverty_year",
        "area_id",
        "house_number",
        "street",
        "address_detail",
        "particularly_disadvantaged",
        "head_id",
    ):
        pk, code, status, year, area_id, number, street, detail, disadvantaged, head = row
        snapshot.households[code] = ExistingHousehold(
            pk,
            code,
            status,
            year,
            areas.get(area_id, ""),
            number,
            street,
            detail,
            disadvantaged,
            head,
        )
    codes = {h.id: h.code for h in snapshot.households.values()}
    for row in Resident.objects.for_commune(commune).values_list(
        "pk",
        "household_id",
        "full_name",
        "name_folded",
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
    ):
        pk, household_id, *rest = row
        resident = ExistingResident(pk, codes[household_id], *rest)
        if resident.citizen_id_hash:
            snapshot.by_hash[resident.citizen_id_hash] = resident
        snapshot.by_key.setdefault(resident.key, resident)
    return snapshot


@dataclass(frozen=True)
class WriteCounts:
    households_created: int
    households_updated: int
    residents_created: int
    residents_updated: int


@transaction.atomic
def write_plan(
    plan: ImportPlan, *, commune: Commune, acting_user: User | None, filename: str
) -> WriteCounts:
    today = timezone.localdate()
    area_ids = _ensure_areas(commune, plan)
    household_ids = _write_households(plan, commune, area_ids)
    resident_ids = _write_residents(plan, commune, household_ids, acting_user, today)
    _set_heads(plan, household_ids, resident_ids)
    entries: list[tuple[str, str, str, dict[str, Any]]] = [
        ("registry.household", str(h.existing.id), h.code, h.changes)
        for h in plan.households.values()
        if h.existing is not None and h.changes
    ]
    entries += [
        ("registry.resident", str(p.existing.id), p.row.full_name, p.changes)
        for p in plan.people
        if p.existing is not None and p.changes
    ]
    audit_bulk(
        action=AuditAction.CHANGE, commune=commune, entries=entries, note=f"import:{filename}"
    )
    counts = WriteCounts(
        plan.households_created,
        plan.households_updated,
        plan.residents_created,
        plan.residents_updated,
    )
    audit_record(
        action=AuditAction.IMPORT,
        commune=commune,
        object_type="registry.resident",
        object_repr=filename[:200],
        changes={
            "created": [None, counts.residents_created],
            "updated": [None, counts.residents_updated],
        },
        note=(
            f"households +{counts.households_created} ~{counts.households_updated}; "
            f"unchanged {plan.unchanged}; rejected rows {plan.rejected_rows}"
        ),
        actor=acting_user,
    )
    return counts


def _ensure_areas(commune: Commune, plan: ImportPlan) -> dict[str, int]:
    wanted = {fold(h.values.area): h.values.area for h in plan.households.values() if h.values.area}
    existing = dict(Area.objects.for_commune(commune).values_list("name_folded", "pk"))
    new = [
        Area(commune=commune, name=name, name_folded=folded)
        for folded, name in wanted.items()
        if folded not in existing
    ]
    Area.objects.bulk_create(new)
    existing.update({area.name_folded: area.pk for area in new})
    return existing


def _household_fields(plan: HouseholdPlan, area_ids: dict[str, int]) -> dict[str, Any]:
    values = plan.values
    fields: dict[str, Any] = {}
    if values.poverty_status is not None:
        fields["poverty_status"] = values.poverty_status
    if values.poverty_year is not None:
        fields["poverty_year"] = values.poverty_year
    for name in ("house_number", "street", "address_detail"):
        if getattr(values, name):
            fields[name] = getattr(values, name)
    if values.particularly_disadvantaged is not None:
        fields["particularly_disadvantaged"] = values.particularly_disadvantaged
    if values.area:
        fields["area_id"] = area_ids[fold(values.area)]
    return fields


def _write_households(
    plan: ImportPlan, commune: Commune, area_ids: dict[str, int]
) -> dict[str, int]:
    ids = {code: h.existing.id for code, h in plan.households.items() if h.existing is not None}
    new_codes, new_rows = [], []
    for code, household in plan.households.items():
        if household.existing is None:
            fields = _household_fields(household, area_ids)
            fields.setdefault("poverty_status", PovertyStatus.NOT_POOR)
            new_codes.append(code)
            new_rows.append({"commune_id": commune.pk, "code": code, **fields})
    ids.update(zip(new_codes, fast_insert(Household, new_rows), strict=True))
    changed = [h for h in plan.households.values() if h.existing is not None and h.changes]
    updates: list[tuple[Household, tuple[str, ...]]] = []
    for household in changed:
        assert household.existing is not None
        fields = _household_fields(household, area_ids)
        obj = Household(pk=household.existing.id, commune=commune, code=household.code, **fields)
        obj.updated_at = timezone.now()
        updates.append((obj, tuple(sorted(fields))))
    # bulk_update writes the same columns for every object: group by the columns touched.
    for names in {names for _obj, names in updates}:
        batch = [obj for obj, touched in updates if touched == names]
        Household.objects.bulk_update(batch, [*names, "updated_at"], batch_size=500)
    return ids


def _new_resident(
    person: PersonPlan,
    commune: Commune,
    household_id: int,
    basis: dict[str, Any],
) -> dict[str, Any]:
    row = person.row
    values: dict[str, Any] = {
        **basis,
        "commune_id": commune.pk,
        "household_id": household_id,
        "relation_to_head": row.relation or Relation.OTHER,
        "full_name": row.full_name,
        "name_folded": row.name_folded,
        "birth_date": row.birth_date,
        "birth_year": row.birth_date.year if row.birth_date else row.birth_year,
        "sex": row.sex,
        "phone": row.phone,
        "phone_carrier": row.phone_carrier,
        "notes": row.notes,
        **row.flags,
    }
    if row.citizen_id:
        stored = protect_citizen_id(row.citizen_id)
        values["citizen_id_encrypted"] = stored.encrypted
        values["citizen_id_hash"] = stored.hash
        values["citizen_id_masked"] = stored.masked
    return values


def _write_residents(
    plan: ImportPlan,
    commune: Commune,
    household_ids: dict[str, int],
    acting_user: User | None,
    today: date,
) -> dict[int, int]:
    """Create and update residents; returns {spreadsheet row: resident id}."""
    by_row: dict[int, int] = {}
    # The ward's official list is the legal basis of what an import writes (a public task,
    # Decree 13/2023/NĐ-CP Art. 17), never the person's consent.
    basis = {
        "legal_basis": LegalBasis.OFFICIAL_LIST,
        "legal_basis_on": today,
        "legal_basis_by_id": acting_user.pk if acting_user is not None else None,
    }
    new_people = [p for p in plan.people if p.existing is None]
    new = [
        _new_resident(p, commune, household_ids[p.row.household_code], basis) for p in new_people
    ]
    by_row.update(
        {p.row.row: pk for p, pk in zip(new_people, fast_insert(Resident, new), strict=True)}
    )
    by_row.update({p.row.row: p.existing.id for p in plan.people if p.existing is not None})
    changed = {p.existing.id: p for p in plan.people if p.existing is not None and p.changes}
    moves = []
    fields_touched: set[str] = set()
    objects = []
    for batch in chunked(list(changed)):
        for resident in Resident.objects.filter(pk__in=batch):
            person = changed[resident.pk]
            row = person.row
            for name, (_old, new_value) in person.changes.items():
                if name == "household":
                    moves.append(
                        HouseholdMove(
                            resident=resident,
                            from_household_id=resident.household_id,
                            to_household_id=household_ids[row.household_code],
                            moved_on=today,
                            recorded_by=acting_user,
                        )
                    )
                    resident.household_id = household_ids[row.household_code]
                    fields_touched.add("household")
                elif name == "citizen_id":
                    stored = protect_citizen_id(row.citizen_id)
                    (
                        resident.citizen_id_encrypted,
                        resident.citizen_id_hash,
                        resident.citizen_id_masked,
                    ) = stored.encrypted, stored.hash, stored.masked
                    fields_touched.update(
                        {"citizen_id_encrypted", "citizen_id_hash", "citizen_id_masked"}
                    )
                else:
                    setattr(resident, name, new_value)
                    fields_touched.add(name)
                    if name == "full_name":
                        resident.name_folded = row.name_folded
                        fields_touched.add("name_folded")
                    if name == "phone":
                        resident.phone_carrier = row.phone_carrier
                        fields_touched.add("phone_carrier")
            resident.updated_at = timezone.now()
            objects.append(resident)
    if objects:
        Resident.objects.bulk_update(
            objects, sorted(fields_touched | {"updated_at"}), batch_size=1000
        )
    HouseholdMove.objects.bulk_create(moves, batch_size=1000)
    # People already known who are on the list: the list is their basis if none was recorded.
    listed = [p.existing.id for p in plan.people if p.existing is not None]
    for batch in chunked(listed):
        Resident.objects.filter(pk__in=batch, legal_basis="").update(**basis)
    return by_row


def _set_heads(
    plan: ImportPlan, household_ids: dict[str, int], resident_ids: dict[int, int]
) -> None:
    heads: dict[int, int] = {}
    for code, household in plan.households.items():
        if household.head_row is None:
            continue
        head_id = resident_ids[household.head_row]
        if household.existing is None or household.existing.head_id != head_id:
            heads[household_ids[code]] = head_id
    fast_update(Household, "head", heads)
