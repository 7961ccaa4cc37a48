"""Reading a ward list file into rows of cells: .xlsx/.xlsm/.xls/.ods and .csv.

Spreadsheets are read with python-calamine (Rust), about twelve times faster than
openpyxl on a 100,000-row file. Merged cells are filled with their top-left value,
so a household code merged down the rows of a household reaches every member and a
header merged across two columns labels both.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from digiward.registry.imports.cells import CellValue
from digiward.registry.imports.headers import HeaderMatch, HeaderNotFound, detect_header

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}
MAX_ROWS = 500_000


class UnreadableFile(ValueError):
    """The file cannot be read as a list; the message is user-facing."""


@dataclass
class Sheet:
    name: str
    rows: list[list[CellValue]]
    header: HeaderMatch


def read_table(path: Path, *, original_name: str | None = None) -> Sheet:
    """The first sheet of the file that has a recognisable header row."""
    suffix = Path(original_name or path.name).suffix.lower()
    if suffix in CSV_SUFFIXES:
        tables = [("CSV", _read_csv(path.read_bytes()))]
    elif suffix in SPREADSHEET_SUFFIXES:
        tables = _read_spreadsheet(path)
    else:
        raise UnreadableFile(
            _("Only Excel (.xlsx, .xls), OpenDocument (.ods) and CSV files can be imported.")
        )
    problem: HeaderNotFound | None = None
    for name, rows in tables:
        if len(rows) > MAX_ROWS:
            raise UnreadableFile(
                _("The file has more than %(n)s rows; split it.")
                % {"n": f"{MAX_ROWS:,}".replace(",", ".")}
            )
        try:
            return Sheet(name=name, rows=rows, header=detect_header(rows))
        except HeaderNotFound as error:
            problem = error
    raise UnreadableFile(str(problem) if problem else _("The file is empty."))


def _read_spreadsheet(path: Path) -> list[tuple[str, list[list[CellValue]]]]:
    try:
        book = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as error:
        raise UnreadableFile(
            _("This file cannot be opened as a spreadsheet (%(error)s).") % {"error": error}
        ) from None
    tables = []
    for index, name in enumerate(book.sheet_names):
        try:
            sheet = book.get_sheet_by_index(index)
        except (CalamineError, ValueError):
            continue  # a chart sheet or an unsupported one: look at the next
        rows = cast("list[list[CellValue]]", sheet.to_python(skip_empty_area=False))
        merged = getattr(sheet, "merged_cell_ranges", None) or []
        _fill_merged(rows, merged)
        tables.append((name, rows))
    return tables


def _fill_merged(
    rows: list[list[CellValue]], ranges: list[tuple[tuple[int, int], tuple[int, int]]]
) -> None:
    for (top, left), (bottom, right) in ranges:
        if top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(left, right + 1):
                if c < len(row):
                    row[c] = value


def _read_csv(data: bytes) -> list[list[CellValue]]:
    content = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(content[:20_000], delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    return [list(row) for row in csv.reader(io.StringIO(content), delimiter=delimiter)]


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text"), else Windows-1258."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1258", errors="replace")
