"""Turning the data rows of a ward list into checked person rows, with reasons.

Every problem is reported with its spreadsheet row number, the column header as
written in the file, and a reason in Vietnamese. Pure: no database.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from digiward.core.phones import PhoneError, parse_phone
from digiward.core.text import fold, is_plain_digits
from digiward.registry.citizen_ids import CitizenIdError, consistency_warnings, parse_citizen_id
from digiward.registry.imports import cells
from digiward.registry.imports.cells import CellError, CellValue
from digiward.registry.imports.headers import (
    Column,
    Field,
    HeaderMatch,
    is_column_numbers,
    is_footer,
)

HOUSEHOLD_FIELDS = (
    Field.POVERTY,
    Field.POVERTY_YEAR,
    Field.AREA,
    Field.ADDRESS,
    Field.HOUSE_NUMBER,
    Field.STREET,
    Field.DISADVANTAGED,
)
FLAG_FIELDS = {
    Field.LIVES_ALONE: "lives_alone",
    Field.CHRONIC_ILLNESS: "chronic_illness",
    Field.DISABILITY: "disability",
    Field.LIMITED_MOBILITY: "limited_mobility",
}


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass
class HouseholdValues:
    """Household-level values a row carries (only the columns the file has)."""

    poverty_status: str | None = None
    poverty_year: int | None = None
    area: str | None = None
    house_number: str | None = None
    street: str | None = None
    address_detail: str | None = None
    particularly_disadvantaged: bool | None = None


@dataclass
class PersonRow:
    row: int
    household_code: str = ""
    full_name: str = ""
    name_folded: str = ""
    birth_date: date | None = None
    birth_year: int | None = None
    sex: str = ""
    citizen_id: str = ""
    relation: str = ""
    phone: str = ""
    phone_carrier: str = ""
    flags: dict[str, bool] = field(default_factory=dict)
    notes: str = ""
    household: HouseholdValues = field(default_factory=HouseholdValues)
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors


@dataclass
class ParsedRows:
    rows: list[PersonRow]
    skipped_rows: int  # empty rows, column-number rows
    footer_row: int | None  # where the signature block starts, if found


_HOUSE_STREET = re.compile(r"^(\d+[\w/]*)\s+(.+)$")
_AREA_WORDS = re.compile(r"^(khu vuc|ap|to|khom|khu pho|kv)\b")


def split_address(raw: str) -> tuple[str, str, str, str]:
    """'12/3 Hai Bà Trưng, Khu vực 3' → (house number, street, detail, area)."""
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    area = ""
    rest = []
    for part in parts:
        if not area and _AREA_WORDS.match(fold(part)):
            area = part
        else:
            rest.append(part)
    house_number = street = ""
    if rest and (match := _HOUSE_STREET.match(rest[0])):
        house_number, street = match.group(1), match.group(2)
        rest = rest[1:]
    elif rest:
        street, rest = rest[0], rest[1:]
    return house_number[:30], street[:120], ", ".join(rest)[:200], area[:100]


def parse_rows(
    rows: Sequence[Sequence[CellValue]], header: HeaderMatch, *, today: date
) -> ParsedRows:
    columns = header.by_field
    result: list[PersonRow] = []
    skipped = 0
    footer_row = None
    previous: PersonRow | None = None
    for index in range(header.data_start, len(rows)):
        row = rows[index]
        if all(cells.is_blank(cell) for cell in row):
            skipped += 1
            continue
        # Signature blocks and "(1) (2) (3)" rows carry no birth date and no citizen ID:
        # only such rows are worth the (slower) footer and numbering checks.
        if not _identifies_someone(row, columns):
            if is_footer(row):
                footer_row = index + 1
                break
            if is_column_numbers(row):
                skipped += 1
                continue
        person = _RowReader(index + 1, row, columns, today).read(previous)
        if person is None:
            skipped += 1
            continue
        result.append(person)
        previous = person
    return ParsedRows(rows=result, skipped_rows=skipped, footer_row=footer_row)


_IDENTIFYING = (Field.BIRTH, Field.BIRTH_MALE, Field.BIRTH_FEMALE, Field.CITIZEN_ID)


def _identifies_someone(row: Sequence[CellValue], columns: dict[Field, Column]) -> bool:
    for field_ in _IDENTIFYING:
        column = columns.get(field_)
        if column is not None and column.index < len(row) and not cells.is_blank(row[column.index]):
            value = cells.text(row[column.index]).strip("()")
            if not is_plain_digits(value) or len(value) > 2:
                return True
    return False


class _RowReader:
    """Reads one data row; problems are recorded against the file's own column headers."""

    def __init__(
        self, number: int, row: Sequence[CellValue], columns: dict[Field, Column], today: date
    ) -> None:
        self.row, self.columns, self.today = row, columns, today
        self.person = PersonRow(row=number)

    def cell(self, field_: Field) -> CellValue:
        column = self.columns.get(field_)
        if column is None or column.index >= len(self.row):
            return None
        return self.row[column.index]

    def has(self, field_: Field) -> bool:
        return field_ in self.columns and not cells.is_blank(self.cell(field_))

    def fail(self, field_: Field, reason: str) -> None:
        column = self.columns.get(field_)
        self.person.errors.append(
            RowProblem(self.person.row, column.header if column else "", reason)
        )

    def warn(self, field_: Field, reason: str) -> None:
        column = self.columns.get(field_)
        self.person.warnings.append(
            RowProblem(self.person.row, column.header if column else "", reason)
        )

    def read(self, previous: PersonRow | None) -> PersonRow | None:
        person = self.person
        if not self.has(Field.FULL_NAME):
            # Values but no name: a sub-total or a stray note. Report it rather than
            # drop it silently, unless the row holds nothing but a row number.
            if not any(self.has(f) for f in self.columns if f != Field.ROW_NUMBER):
                return None
            self.fail(Field.FULL_NAME, _("The full name is empty."))
        else:
            try:
                person.full_name = cells.parse_name(self.cell(Field.FULL_NAME))
                person.name_folded = fold(person.full_name)
            except CellError as error:
                self.fail(Field.FULL_NAME, str(error))
        inherited = False
        if not self.has(Field.HOUSEHOLD_CODE) and previous is not None and previous.household_code:
            # Lists written household by household give the code on the first member only.
            person.household_code, person.household = previous.household_code, previous.household
            inherited = True
        else:
            try:
                person.household_code = cells.parse_code(self.cell(Field.HOUSEHOLD_CODE))
            except CellError as error:
                self.fail(Field.HOUSEHOLD_CODE, str(error))
        self._birth_and_sex()
        self._citizen_id()
        self._phone()
        self._relation_flags_notes()
        if not inherited or any(self.has(f) for f in HOUSEHOLD_FIELDS):
            if inherited:
                person.household = HouseholdValues()
            self._household_values()
        return person

    def _birth_and_sex(self) -> None:
        person = self.person
        birth_field, birth_cell = Field.BIRTH, self.cell(Field.BIRTH)
        for sexed, sex in ((Field.BIRTH_MALE, "male"), (Field.BIRTH_FEMALE, "female")):
            if self.has(sexed):
                birth_field, birth_cell, person.sex = sexed, self.cell(sexed), sex
        if not cells.is_blank(birth_cell):
            try:
                person.birth_date, person.birth_year = cells.parse_birth(
                    birth_cell, today=self.today
                )
            except CellError as error:
                self.fail(birth_field, str(error))
        if self.has(Field.SEX):
            try:
                person.sex = cells.parse_sex(self.cell(Field.SEX))
            except CellError as error:
                self.fail(Field.SEX, str(error))

    def _citizen_id(self) -> None:
        person = self.person
        if not self.has(Field.CITIZEN_ID):
            if person.birth_year is None and not person.errors:
                self.fail(
                    Field.BIRTH,
                    _(
                        "Give a year of birth or a citizen ID: one of them is needed to recognise the person."
                    ),
                )
            return
        value = self.cell(Field.CITIZEN_ID)
        try:
            parsed = parse_citizen_id(
                value if isinstance(value, int | float) else cells.text(value), today=self.today
            )
        except CitizenIdError as error:
            self.fail(Field.CITIZEN_ID, str(error))
            return
        person.citizen_id = parsed.number
        for message in consistency_warnings(
            parsed, sex=person.sex or None, birth_year=person.birth_year
        ):
            self.warn(Field.CITIZEN_ID, message)
        person.sex = person.sex or parsed.sex
        if person.birth_year is None:
            person.birth_year = parsed.birth_year

    def _phone(self) -> None:
        if not self.has(Field.PHONE):
            return
        value = self.cell(Field.PHONE)
        try:
            phone = parse_phone(value if isinstance(value, int | float) else cells.text(value))
        except PhoneError as error:
            self.fail(Field.PHONE, str(error))
            return
        self.person.phone, self.person.phone_carrier = phone.national, phone.carrier

    def _relation_flags_notes(self) -> None:
        person = self.person
        if self.has(Field.RELATION):
            try:
                person.relation = cells.parse_relation(self.cell(Field.RELATION))
            except CellError as error:
                self.fail(Field.RELATION, str(error))
        for flag_field, attribute in FLAG_FIELDS.items():
            if flag_field in self.columns:
                try:
                    person.flags[attribute] = cells.parse_flag(self.cell(flag_field))
                except CellError as error:
                    self.fail(flag_field, str(error))
        if Field.NOTES in self.columns:
            person.notes = cells.text(self.cell(Field.NOTES))[:1000]

    def _household_values(self) -> None:
        values = self.person.household
        if self.has(Field.POVERTY):
            try:
                values.poverty_status, year = cells.parse_poverty(self.cell(Field.POVERTY))
                values.poverty_year = year or values.poverty_year
            except CellError as error:
                self.fail(Field.POVERTY, str(error))
        if self.has(Field.POVERTY_YEAR):
            year_text = cells.text(self.cell(Field.POVERTY_YEAR))
            if is_plain_digits(year_text) and 2000 <= int(year_text) <= self.today.year + 1:
                values.poverty_year = int(year_text)
            else:
                self.fail(Field.POVERTY_YEAR, _("The year certified must be a year such as 2025."))
        if self.has(Field.ADDRESS):
            number, street, detail, area = split_address(cells.text(self.cell(Field.ADDRESS)))
            values.house_number, values.street, values.address_detail = number, street, detail
            values.area = area or values.area
        if self.has(Field.HOUSE_NUMBER):
            values.house_number = cells.text(self.cell(Field.HOUSE_NUMBER))[:30]
        if self.has(Field.STREET):
            values.street = cells.text(self.cell(Field.STREET))[:120]
        if self.has(Field.AREA):
            area_text = cells.text(self.cell(Field.AREA))
            # "3" in a "Khu vực" column means Khu vực 3.
            header = self.columns[Field.AREA].header
            values.area = (f"{header} {area_text}" if is_plain_digits(area_text) else area_text)[
                :100
            ]
        if Field.DISADVANTAGED in self.columns:
            try:
                values.particularly_disadvantaged = cells.parse_flag(self.cell(Field.DISADVANTAGED))
            except CellError as error:
                self.fail(Field.DISADVANTAGED, str(error))
