"""Parsing the cells of real ward lists: dates, sexes, poverty status, relations, flags.

Each parser takes what a spreadsheet cell holds (str, int, float, date, datetime or
None) and returns a clean value, or raises CellError with a Vietnamese reason.
Pure functions, property-tested with hypothesis.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from django.utils.translation import gettext as _

from digiward.core.dates import day_text
from digiward.core.text import fold, normalize_spaces, strip_controls
from digiward.registry.models import PovertyStatus, Relation, Sex

# What python-calamine, openpyxl or the csv module hand over for one cell.
CellValue = str | int | float | bool | date | datetime | time | timedelta | None

EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year bug folded in)
OLDEST_BIRTH_YEAR = 1880


class CellError(ValueError):
    """The cell cannot be read; the message is the user-facing reason."""


def is_blank(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: CellValue) -> str:
    """A cell as text: numbers without a trailing .0, spaces normalised, and no control
    character or direction override (a spreadsheet can hold them: "_x0000_" is a NUL,
    which PostgreSQL refuses, and U+202E turns a name around on screen)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return day_text(value)
    if isinstance(value, date):
        return day_text(value)
    return normalize_spaces(strip_controls(str(value)))


# ---- Dates ----------------------------------------------------------------------

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_YEAR = re.compile(r"^(\d{4})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")


def parse_birth(value: CellValue, *, today: date) -> tuple[date | None, int]:
    """A birth date or a bare year → (full date or None, year).

    Accepts Excel dates, Excel serial numbers, 'dd/mm/yyyy' (also with '.' or '-'),
    'yyyy-mm-dd', 'mm/yyyy' and a bare year such as 1948 or '1948'.
    """
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return _check_birth(value, today), value.year
    if isinstance(value, time | timedelta):
        raise CellError(_("This is not a date."))
    if isinstance(value, int | float):
        number = float(value)
        if number.is_integer() and OLDEST_BIRTH_YEAR <= number <= today.year:
            return None, _check_year(int(number), today)  # a bare year typed as a number
        if number.is_integer() and 1 <= number < 80000:
            return _check_birth(EXCEL_EPOCH + timedelta(days=int(number)), today), (
                EXCEL_EPOCH + timedelta(days=int(number))
            ).year
        raise CellError(_("This is not a date."))
    raw = text(value)
    if match := _DMY.match(raw):
        day, month, year = (int(g) for g in match.groups())
        if year < 100:
            # Two-digit years: the person was born in the last century unless that is
            # impossible (a child born in 2015 written '15').
            year += 2000 if 2000 + year <= today.year else 1900
        return _check_birth(_make_date(year, month, day), today), year
    if match := _YMD.match(raw):
        year, month, day = (int(g) for g in match.groups())
        return _check_birth(_make_date(year, month, day), today), year
    if match := _YEAR.match(raw):
        return None, _check_year(int(match.group(1)), today)
    if match := _MONTH_YEAR.match(raw):
        month, year = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise CellError(_("The month must be between 1 and 12."))
        return None, _check_year(year, today)
    raise CellError(_("Write the date as dd/mm/yyyy, or just the year."))


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(
            _("This date does not exist (%(d)s/%(m)s/%(y)s).") % {"d": day, "m": month, "y": year}
        ) from None


def _check_birth(born: date, today: date) -> date:
    if born > today:
        raise CellError(_("The date of birth is in the future."))
    _check_year(born.year, today)
    return born


def _check_year(year: int, today: date) -> int:
    if year > today.year:
        raise CellError(_("The year of birth is in the future."))
    if year < OLDEST_BIRTH_YEAR:
        raise CellError(_("The year of birth is too far in the past."))
    return year


# ---- Coded values ------------------------------------------------------------------

_SEXES = {
    "nam": Sex.MALE,
    "male": Sex.MALE,
    "m": Sex.MALE,
    "trai": Sex.MALE,
    "nu": Sex.FEMALE,
    "female": Sex.FEMALE,
    "f": Sex.FEMALE,
    "gai": Sex.FEMALE,
}


def parse_sex(value: CellValue) -> str:
    key = fold(text(value))
    if key in _SEXES:
        return _SEXES[key]
    raise CellError(_("Write the sex as Nam or Nữ."))


# Folded spellings seen in ward lists, longest first so "ho can ngheo" wins over "ho ngheo".
_POVERTY = [
    ("ho co muc song trung binh", PovertyStatus.AVERAGE_LIVING),
    ("muc song trung binh", PovertyStatus.AVERAGE_LIVING),
    ("ho can ngheo", PovertyStatus.NEAR_POOR),
    ("can ngheo", PovertyStatus.NEAR_POOR),
    ("ho ngheo", PovertyStatus.POOR),
    ("ngheo", PovertyStatus.POOR),
    ("khong ngheo", PovertyStatus.NOT_POOR),
    ("ho khong ngheo", PovertyStatus.NOT_POOR),
    ("binh thuong", PovertyStatus.NOT_POOR),
    ("mstb", PovertyStatus.AVERAGE_LIVING),
    ("cn", PovertyStatus.NEAR_POOR),
    ("hcn", PovertyStatus.NEAR_POOR),
    ("hn", PovertyStatus.POOR),
    ("kn", PovertyStatus.NOT_POOR),
]
_POVERTY_YEAR = re.compile(r"(?:nam\s*)?((?:19|20)\d{2})$")


def parse_poverty(value: CellValue) -> tuple[str, int | None]:
    """'Hộ nghèo', 'HỘ CẬN NGHÈO', 'ho ngheo', 'Hộ nghèo năm 2025', 'CN' → (status, year)."""
    key = fold(text(value)).replace("-", " ").replace("_", " ").strip(" .")
    year = None
    if match := _POVERTY_YEAR.search(key):
        year = int(match.group(1))
        key = key[: match.start()].strip(" ,.-")
    for spelling, status in _POVERTY:
        if key == spelling:
            return status, year
    raise CellError(
        _(
            "Unknown household classification “%(value)s” (expected Hộ nghèo, Hộ cận nghèo, "
            "Hộ có mức sống trung bình or Không nghèo)."
        )
        % {"value": text(value)}
    )


_RELATIONS = {
    "chu ho": Relation.HEAD,
    "ch": Relation.HEAD,
    "chu": Relation.HEAD,
    "vo": Relation.SPOUSE,
    "chong": Relation.SPOUSE,
    "vo chong": Relation.SPOUSE,
    "con": Relation.CHILD,
    "con trai": Relation.CHILD,
    "con gai": Relation.CHILD,
    "con dau": Relation.CHILD_IN_LAW,
    "con re": Relation.CHILD_IN_LAW,
    "cha": Relation.PARENT,
    "me": Relation.PARENT,
    "bo": Relation.PARENT,
    "ba": Relation.PARENT,
    "cha me": Relation.PARENT,
    "bo me": Relation.PARENT,
    "me vo": Relation.PARENT,
    "me chong": Relation.PARENT,
    "cha vo": Relation.PARENT,
    "cha chong": Relation.PARENT,
    "ong": Relation.GRANDPARENT,
    "ba noi": Relation.GRANDPARENT,
    "ba ngoai": Relation.GRANDPARENT,
    "ong noi": Relation.GRANDPARENT,
    "ong ngoai": Relation.GRANDPARENT,
    "chau": Relation.GRANDCHILD,
    "chau noi": Relation.GRANDCHILD,
    "chau ngoai": Relation.GRANDCHILD,
    "anh": Relation.SIBLING,
    "chi": Relation.SIBLING,
    "em": Relation.SIBLING,
    "anh trai": Relation.SIBLING,
    "chi gai": Relation.SIBLING,
    "em trai": Relation.SIBLING,
    "em gai": Relation.SIBLING,
    "anh chi em": Relation.SIBLING,
    "khac": Relation.OTHER,
    "o ghep": Relation.OTHER,
    "o nho": Relation.OTHER,
}


def parse_relation(value: CellValue) -> str:
    raw = text(value).strip(" .").lower()
    # "Bà" (grandmother) and the southern "Ba" (father) fold to the same letters:
    # trust the accent when it is there.
    if raw == "bà":
        return Relation.GRANDPARENT
    key = fold(raw)
    if key in _RELATIONS:
        return _RELATIONS[key]
    raise CellError(_("Unknown relation to the head “%(value)s”.") % {"value": text(value)})


_YES = {"x", "co", "1", "yes", "y", "v", "✓", "✔", "true", "c"}
_NO = {"", "0", "khong", "no", "n", "k", "false", "-"}


def parse_flag(value: CellValue) -> bool:
    """A tick column: 'x', 'có', '1', '✓' → True; empty, 'không', '0' → False."""
    key = fold(text(value))
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise CellError(_("Mark this column with x (yes) or leave it empty (no)."))


def parse_name(value: CellValue) -> str:
    name = text(value)
    if not name:
        raise CellError(_("The full name is empty."))
    if any(ch.isdigit() for ch in name):
        raise CellError(_("A name has no digits."))
    if len(name) > 150:
        raise CellError(_("The name is too long."))
    # Lists typed in capitals stay readable: "NGUYỄN VĂN AN" → "Nguyễn Văn An".
    if name.isupper():
        name = " ".join(word.capitalize() for word in name.split())
    return name


def parse_code(value: CellValue) -> str:
    """A household code: text as is, a number without '.0'."""
    code = text(value).replace(" ", "")
    if not code:
        raise CellError(_("The household code is empty."))
    if len(code) > 32:
        raise CellError(_("The household code is too long."))
    return code
