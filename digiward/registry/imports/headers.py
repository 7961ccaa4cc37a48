"""Finding the header row of a ward list and mapping its columns to registry fields.

Ward lists put title rows above the header ("UBND PHƯỜNG…", "DANH SÁCH HỘ…"), may
split a header over two rows ("Ngày sinh" over "Nam | Nữ"), and name the same
column many ways ("Họ và tên", "Họ tên", "HO TEN"). Headers are compared folded:
any case, with or without diacritics.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from digiward.core.text import fold, is_plain_digits
from digiward.registry.imports.cells import CellValue, text


class Field(StrEnum):
    ROW_NUMBER = "row_number"
    HOUSEHOLD_CODE = "household_code"
    FULL_NAME = "full_name"
    BIRTH = "birth"
    BIRTH_MALE = "birth_male"  # "Ngày sinh" split into Nam / Nữ columns
    BIRTH_FEMALE = "birth_female"
    SEX = "sex"
    CITIZEN_ID = "citizen_id"
    RELATION = "relation"
    POVERTY = "poverty"
    POVERTY_YEAR = "poverty_year"
    PHONE = "phone"
    AREA = "area"
    ADDRESS = "address"
    HOUSE_NUMBER = "house_number"
    STREET = "street"
    LIVES_ALONE = "lives_alone"
    CHRONIC_ILLNESS = "chronic_illness"
    DISABILITY = "disability"
    LIMITED_MOBILITY = "limited_mobility"
    DISADVANTAGED = "particularly_disadvantaged"
    NOTES = "notes"


FIELD_LABELS: dict[Field, StrOrPromise] = {
    Field.ROW_NUMBER: _("Row number"),
    Field.HOUSEHOLD_CODE: _("Household code"),
    Field.FULL_NAME: _("Full name"),
    Field.BIRTH: _("Date or year of birth"),
    Field.BIRTH_MALE: _("Date of birth (men's column)"),
    Field.BIRTH_FEMALE: _("Date of birth (women's column)"),
    Field.SEX: _("Sex"),
    Field.CITIZEN_ID: _("Citizen ID"),
    Field.RELATION: _("Relation to the head"),
    Field.POVERTY: _("Household classification"),
    Field.POVERTY_YEAR: _("Year certified"),
    Field.PHONE: _("Phone number"),
    Field.AREA: _("Area"),
    Field.ADDRESS: _("Address"),
    Field.HOUSE_NUMBER: _("House number"),
    Field.STREET: _("Street"),
    Field.LIVES_ALONE: _("Lives alone"),
    Field.CHRONIC_ILLNESS: _("Chronic illness"),
    Field.DISABILITY: _("Disability"),
    Field.LIMITED_MOBILITY: _("Cannot travel easily"),
    Field.DISADVANTAGED: _("Particularly disadvantaged"),
    Field.NOTES: _("Notes"),
}

# Folded header spellings. Exact matches win; then the "contains" hints below.
SYNONYMS: dict[Field, tuple[str, ...]] = {
    Field.ROW_NUMBER: ("stt", "so tt", "so thu tu", "tt"),
    Field.HOUSEHOLD_CODE: (
        "ma ho",
        "ma so ho",
        "ma ho gia dinh",
        "ma hgd",
        "so ho",
        "ma ho ngheo",
        "ma ho dan",
        "ma so ho gia dinh",
        "ma ho so",
        "so so ho khau",
    ),
    Field.FULL_NAME: (
        "ho va ten",
        "ho ten",
        "ten",
        "ho va ten thanh vien",
        "ho ten thanh vien",
        "ho va ten nguoi",
        "ho va ten chu ho va thanh vien",
        "ho ten nguoi dan",
    ),
    Field.BIRTH: (
        "ngay sinh",
        "nam sinh",
        "ngay thang nam sinh",
        "ngay, thang, nam sinh",
        "ns",
        "sinh ngay",
        "ngay/thang/nam sinh",
        "ngay sinh (hoac nam sinh)",
    ),
    Field.SEX: ("gioi tinh", "gioi", "phai", "nam/nu", "gt"),
    Field.CITIZEN_ID: (
        "so cccd",
        "cccd",
        "so dinh danh",
        "so dinh danh ca nhan",
        "can cuoc",
        "so can cuoc",
        "cmnd/cccd",
        "so cmnd/cccd",
        "can cuoc cong dan",
        "ma dinh danh",
        "so cccd/cmnd",
        "cccd/cmnd",
        "so can cuoc cong dan",
        "dinh danh ca nhan",
    ),
    Field.RELATION: (
        "quan he voi chu ho",
        "quan he",
        "qh voi chu ho",
        "quan he chu ho",
        "quan he voi ch",
        "qh",
        "moi quan he voi chu ho",
    ),
    Field.POVERTY: (
        "phan loai ho",
        "loai ho",
        "dien ho",
        "ho ngheo/can ngheo",
        "phan loai",
        "xep loai ho",
        "dien",
        "thuoc dien",
        "ho ngheo, can ngheo",
    ),
    Field.POVERTY_YEAR: ("nam cong nhan", "nam xet duyet", "nam phan loai", "nam ra soat"),
    Field.PHONE: (
        "so dien thoai",
        "dien thoai",
        "sdt",
        "dt",
        "so dt",
        "di dong",
        "so di dong",
        "dien thoai lien he",
        "sdt lien he",
    ),
    Field.AREA: ("khu vuc", "ap", "to", "khom", "to dan pho", "khu pho", "kv", "khu vuc/ap"),
    Field.ADDRESS: (
        "dia chi",
        "noi o",
        "dia chi thuong tru",
        "cho o hien nay",
        "noi o hien nay",
        "so nha, duong",
        "dia chi cu tru",
    ),
    Field.HOUSE_NUMBER: ("so nha",),
    Field.STREET: ("duong", "ten duong", "duong/hem"),
    Field.LIVES_ALONE: ("song mot minh", "neo don", "nguoi cao tuoi neo don", "song don than"),
    Field.CHRONIC_ILLNESS: ("benh man tinh", "benh hiem ngheo", "om dau", "benh nan y"),
    Field.DISABILITY: ("khuyet tat", "nguoi khuyet tat", "nkt"),
    Field.LIMITED_MOBILITY: (
        "kho di lai",
        "han che di lai",
        "khong di lai duoc",
        "kho khan di lai",
    ),
    Field.DISADVANTAGED: (
        "dac biet kho khan",
        "hoan canh dac biet kho khan",
        "ho dac biet kho khan",
    ),
    Field.NOTES: ("ghi chu", "ghi chu khac"),
}
CONTAINS_HINTS: tuple[tuple[str, Field], ...] = (
    ("cccd", Field.CITIZEN_ID),
    ("dinh danh", Field.CITIZEN_ID),
    ("can cuoc", Field.CITIZEN_ID),
    ("dien thoai", Field.PHONE),
    ("ho va ten", Field.FULL_NAME),
    ("ho ten", Field.FULL_NAME),
    ("quan he", Field.RELATION),
    ("ma ho", Field.HOUSEHOLD_CODE),
    ("ngay sinh", Field.BIRTH),
    ("nam sinh", Field.BIRTH),
    ("phan loai", Field.POVERTY),
    ("khuyet tat", Field.DISABILITY),
    ("dia chi", Field.ADDRESS),
)
_LOOKUP: dict[str, Field] = {
    spelling: f for f, spellings in SYNONYMS.items() for spelling in spellings
}
_PARENTHESES = re.compile(r"\([^)]*\)")
_PUNCT = re.compile(r"[:*.\n\r\t]+")
MAX_HEADER_SCAN = 40


def normalize_header(value: CellValue) -> str:
    """'Số CCCD (12 số):' → 'so cccd'; 'HỌ VÀ TÊN' → 'ho va ten'."""
    folded = fold(text(value))
    folded = _PARENTHESES.sub(" ", folded)
    folded = _PUNCT.sub(" ", folded)
    return " ".join(folded.split()).strip(" ,;-")


def field_for(header: CellValue) -> Field | None:
    key = normalize_header(header)
    if not key:
        return None
    if key in _LOOKUP:
        return _LOOKUP[key]
    for hint, hinted in CONTAINS_HINTS:
        if hint in key:
            return hinted
    return None


@dataclass(frozen=True)
class Column:
    index: int
    header: str  # as written in the file (both rows of a two-row header)
    field: Field | None

    @property
    def letter(self) -> str:
        letters, n = "", self.index + 1
        while n:
            n, rem = divmod(n - 1, 26)
            letters = chr(65 + rem) + letters
        return letters


@dataclass(frozen=True)
class HeaderMatch:
    row_index: int  # 0-based index of the (first) header row
    data_start: int  # 0-based index of the first data row
    columns: list[Column] = field(default_factory=list)

    @property
    def by_field(self) -> dict[Field, Column]:
        found: dict[Field, Column] = {}
        for column in self.columns:
            if column.field is not None and column.field not in found:
                found[column.field] = column
        return found

    @property
    def header_row_number(self) -> int:
        return self.row_index + 1


class HeaderNotFound(ValueError):
    pass


def _score(row: Sequence[CellValue]) -> tuple[int, bool]:
    fields = {field_for(cell) for cell in row}
    fields.discard(None)
    return len(fields), Field.FULL_NAME in fields


def detect_header(rows: Sequence[Sequence[CellValue]]) -> HeaderMatch:
    """The row with the most recognised headers (a full-name column required)."""
    best: tuple[int, int] | None = None
    for index, row in enumerate(rows[:MAX_HEADER_SCAN]):
        score, has_name = _score(row)
        if has_name and score >= 2 and (best is None or score > best[1]):
            best = (index, score)
    if best is None:
        raise HeaderNotFound(
            str(
                _(
                    "No header row found: the first rows must include a “Họ và tên” column and "
                    "at least one other known column (Mã hộ, Ngày sinh, Số CCCD…)."
                )
            )
        )
    index = best[0]
    header = list(rows[index])
    below = list(rows[index + 1]) if index + 1 < len(rows) else []
    data_start = index + 1
    columns: list[Column] = []
    sub_labels = {normalize_header(cell) for cell in below if normalize_header(cell)}
    two_row = bool(sub_labels) and sub_labels <= {"nam", "nu"}
    if two_row:
        data_start = index + 2
    width = max(len(header), len(below))
    for col in range(width):
        top = header[col] if col < len(header) else None
        sub = below[col] if two_row and col < len(below) else None
        mapped = field_for(top)
        label = text(top)
        if two_row and normalize_header(sub) in ("nam", "nu"):
            label = f"{label} / {text(sub)}".strip(" /")
            if mapped == Field.BIRTH or mapped is None:
                mapped = Field.BIRTH_MALE if normalize_header(sub) == "nam" else Field.BIRTH_FEMALE
        columns.append(Column(index=col, header=label, field=mapped))
    return HeaderMatch(row_index=index, data_start=data_start, columns=_dedupe(columns))


def _dedupe(columns: list[Column]) -> list[Column]:
    """Keep the first column of each field; a repeated one (e.g. a second "Ghi chú") is ignored."""
    seen: set[Field] = set()
    result = []
    for column in columns:
        if column.field is not None and column.field in seen:
            result.append(Column(column.index, column.header, None))
            continue
        if column.field is not None:
            seen.add(column.field)
        result.append(column)
    return result


# Rows below the data: signatures, totals, place and date of signing.
_FOOTER = re.compile(
    r"^(nguoi lap( bieu)?|lap bieu|chu tich|pho chu tich|truong (khu vuc|ap|khom|to|ban)|"
    r"xac nhan|ky ten|\(ky|tm\.? ?(ubnd|uy ban)|ktm?\.|tong cong|tong so|cong:)|"
    r"ngay \d{1,2} thang \d{1,2} nam \d{4}|, ngay .* thang .* nam"
)


def is_footer(row: Sequence[CellValue]) -> bool:
    return any(_FOOTER.search(normalize_header(cell) or "") for cell in row if not _blank(cell))


def is_column_numbers(row: Sequence[CellValue]) -> bool:
    """The '(1) (2) (3)…' row that forms print under the header."""
    values = [text(cell).strip("()") for cell in row if not _blank(cell)]
    return (
        len(values) >= 3
        and all(is_plain_digits(v) for v in values)
        and [int(v) for v in values] == sorted(int(v) for v in values)
        and int(values[0]) <= 1
    )


def _blank(cell: CellValue) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())
