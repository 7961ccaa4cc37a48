"""Matching checked rows against the registry: what to create, update or leave alone.

A person is matched by citizen ID when the row has one, else by household code +
folded name + year of birth. Pure: the registry is given as a snapshot (loaded by
`apply.load_snapshot`), so the rules are unit-tested without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from digiward.core.text import fold
from digiward.registry.imports.rows import HouseholdValues, PersonRow, RowProblem
from digiward.registry.models import Relation

PersonKey = tuple[str, str, int | None]  # household code, folded name, year of birth


@dataclass(frozen=True)
class ExistingHousehold:
    id: int
    code: str
    poverty_status: str
    poverty_year: int | None
    area: str  # folded area name, "" when none
    house_number: str
    street: str
    address_detail: str
    particularly_disadvantaged: bool
    head_id: int | None


@dataclass(frozen=True)
class ExistingResident:
    id: int
    household_code: str
    full_name: str
    name_folded: str
    birth_date: date | None
    birth_year: int | None
    sex: str
    citizen_id_hash: str | None
    phone: str
    relation: str
    lives_alone: bool
    chronic_illness: bool
    disability: bool
    limited_mobility: bool

    @property
    def key(self) -> PersonKey:
        return (self.household_code, self.name_folded, self.birth_year)


@dataclass
class Snapshot:
    households: dict[str, ExistingHousehold] = field(default_factory=dict)
    by_hash: dict[str, ExistingResident] = field(default_factory=dict)
    by_key: dict[PersonKey, ExistingResident] = field(default_factory=dict)


@dataclass
class HouseholdPlan:
    code: str
    values: HouseholdValues
    existing: ExistingHousehold | None
    changes: dict[str, list[Any]] = field(default_factory=dict)
    head_row: int | None = None


@dataclass
class PersonPlan:
    row: PersonRow
    citizen_id_hash: str | None
    existing: ExistingResident | None
    changes: dict[str, list[Any]] = field(default_factory=dict)
    moved_from: str | None = None  # household code before a move


@dataclass
class ImportPlan:
    households: dict[str, HouseholdPlan]
    people: list[PersonPlan]
    rejected: list[RowProblem]
    warnings: list[RowProblem]
    rows_total: int

    @property
    def households_created(self) -> int:
        return sum(1 for h in self.households.values() if h.existing is None)

    @property
    def households_updated(self) -> int:
        return sum(1 for h in self.households.values() if h.existing is not None and h.changes)

    @property
    def residents_created(self) -> int:
        return sum(1 for p in self.people if p.existing is None)

    @property
    def residents_updated(self) -> int:
        return sum(1 for p in self.people if p.existing is not None and p.changes)

    @property
    def unchanged(self) -> int:
        return sum(1 for p in self.people if p.existing is not None and not p.changes)

    @property
    def rejected_rows(self) -> int:
        return len({problem.row for problem in self.rejected})


def make_plan(
    rows: list[PersonRow],
    snapshot: Snapshot,
    *,
    hash_citizen_id: Any,
    headers: dict[str, str] | None = None,
) -> ImportPlan:
    """Decide, row by row, what the import would do. Rows with errors are rejected whole.

    `headers` names the file's own column headers ({"citizen_id": "Số định danh"}) so
    that problems found here point at the column as the user wrote it.
    """
    labels = headers or {}

    def _problem(row: PersonRow, field_name: str, reason: str) -> RowProblem:
        return RowProblem(
            row.row, labels.get(field_name) or str(_default_header(field_name)), reason
        )

    rejected: list[RowProblem] = []
    warnings: list[RowProblem] = []
    first_row_of_id: dict[str, int] = {}
    first_row_of_key: dict[PersonKey, int] = {}
    heads: dict[str, int] = {}
    people: list[PersonPlan] = []
    households: dict[str, HouseholdPlan] = {}

    for row in rows:
        warnings.extend(row.warnings)
        problems = list(row.errors)
        id_hash = hash_citizen_id(row.citizen_id) if row.citizen_id else None
        key: PersonKey = (row.household_code, row.name_folded, row.birth_year)
        existing: ExistingResident | None = None
        # Cross-row checks run even on rows with other errors, so one pass reports everything.
        if id_hash is not None:
            if id_hash in first_row_of_id:
                problems.append(
                    _problem(
                        row,
                        "citizen_id",
                        _("The same citizen ID is already on row %(row)s of this file.")
                        % {"row": first_row_of_id[id_hash]},
                    )
                )
            else:
                first_row_of_id[id_hash] = row.row
            existing = snapshot.by_hash.get(id_hash)
            if existing is not None and row.name_folded and existing.name_folded != row.name_folded:
                problems.append(
                    _problem(
                        row,
                        "citizen_id",
                        _(
                            "This citizen ID already belongs to another person in the registry (household %(code)s)."
                        )
                        % {"code": existing.household_code},
                    )
                )
                existing = None
        if existing is None and row.name_folded and row.household_code:
            if key in first_row_of_key:
                problems.append(
                    _problem(
                        row,
                        "full_name",
                        _(
                            "The same person (name and year of birth) is already on row %(row)s of this household."
                        )
                        % {"row": first_row_of_key[key]},
                    )
                )
            else:
                first_row_of_key[key] = row.row
            candidate = snapshot.by_key.get(key)
            if (
                candidate is not None
                and id_hash is not None
                and candidate.citizen_id_hash not in (None, id_hash)
            ):
                problems.append(
                    _problem(
                        row,
                        "citizen_id",
                        _("This person is in the registry with a different citizen ID."),
                    )
                )
            elif candidate is not None:
                existing = candidate
        if row.relation == Relation.HEAD and row.household_code:
            if row.household_code in heads:
                problems.append(
                    _problem(
                        row,
                        "relation",
                        _("Household %(code)s already has a head on row %(row)s.")
                        % {"code": row.household_code, "row": heads[row.household_code]},
                    )
                )
            else:
                heads[row.household_code] = row.row
        if problems:
            rejected.extend(problems)
            continue
        household = households.get(row.household_code)
        if household is None:
            household = households[row.household_code] = HouseholdPlan(
                code=row.household_code,
                values=HouseholdValues(),
                existing=snapshot.households.get(row.household_code),
            )
        _merge_household_values(household, row, warnings)
        if row.relation == Relation.HEAD:
            household.head_row = row.row
        plan = PersonPlan(row=row, citizen_id_hash=id_hash, existing=existing)
        if existing is not None:
            plan.changes = _person_changes(existing, row, id_hash)
            if existing.household_code != row.household_code:
                plan.moved_from = existing.household_code
                plan.changes["household"] = [existing.household_code, row.household_code]
        people.append(plan)

    for household in households.values():
        if household.existing is not None:
            household.changes = _household_changes(household.existing, household.values)
    return ImportPlan(
        households=households,
        people=people,
        rejected=rejected,
        warnings=warnings,
        rows_total=len(rows),
    )


def _default_header(field_name: str) -> str:
    headers = {
        "citizen_id": _("Citizen ID"),
        "full_name": _("Full name"),
        "relation": _("Relation to the head"),
    }
    return str(headers.get(field_name, field_name))


def _merge_household_values(
    household: HouseholdPlan, row: PersonRow, warnings: list[RowProblem]
) -> None:
    """Household values come from its rows; the head's row wins where members disagree."""
    values = household.values
    for name, value in vars(row.household).items():
        if value is None or value == "":
            continue
        current = getattr(values, name)
        if current in (None, "") or (row.relation == Relation.HEAD and current != value):
            if current not in (None, "") and current != value:
                warnings.append(
                    RowProblem(
                        row.row,
                        name,
                        _(
                            "Household %(code)s: this row says %(new)s, an earlier row said %(old)s; the head's row is kept."
                        )
                        % {"code": household.code, "new": value, "old": current},
                    )
                )
            setattr(values, name, value)


def _household_changes(
    existing: ExistingHousehold, values: HouseholdValues
) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    pairs = {
        "poverty_status": (existing.poverty_status, values.poverty_status),
        "poverty_year": (existing.poverty_year, values.poverty_year),
        "house_number": (existing.house_number, values.house_number),
        "street": (existing.street, values.street),
        "address_detail": (existing.address_detail, values.address_detail),
        "particularly_disadvantaged": (
            existing.particularly_disadvantaged,
            values.particularly_disadvantaged,
        ),
    }
    for name, (old, new) in pairs.items():
        if new is not None and new != "" and new != old:
            changes[name] = [old, new]
    if values.area and fold(values.area) != existing.area:
        changes["area"] = [existing.area, values.area]
    return changes


def _person_changes(
    existing: ExistingResident, row: PersonRow, id_hash: str | None
) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}

    def compare(name: str, old: Any, new: Any) -> None:
        if new not in (None, "") and new != old:
            changes[name] = [old, new]

    compare("full_name", existing.full_name, row.full_name)
    if row.birth_date is not None:
        compare("birth_date", existing.birth_date, row.birth_date)
    compare("birth_year", existing.birth_year, row.birth_year)
    compare("sex", existing.sex, row.sex)
    compare("phone", existing.phone, row.phone)
    compare("relation_to_head", existing.relation, row.relation)
    if id_hash is not None and existing.citizen_id_hash is None:
        changes["citizen_id"] = ["", "•••"]
    for flag, value in row.flags.items():
        if value != getattr(existing, flag):
            changes[flag] = [getattr(existing, flag), value]
    return changes
