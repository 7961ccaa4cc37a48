"""Writing Excel files the way wards read them: a title row, bold headers, frozen panes.

Every export of DigiWard goes through `build_workbook`, which writes every string as
text, never as a formula: a resident named "=HYPERLINK(...)" or an address typed as
"=WEBSERVICE(...)" shows as typed when the file is opened; it is not run. Control
characters (which Excel files cannot hold) are dropped, so one stray character in a
name stored years ago cannot stop an export for the whole commune.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
EXCEL_CELL_LIMIT = 32_767  # characters in one cell


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: a title row, the subtitle, bold headers, then rows."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] | None = None
    # Excel number formats by column (None: as written), e.g. "#,##0" or "0.0%".
    number_formats: Sequence[str | None] = ()


def build_workbook(
    *,
    title: str,
    subtitle: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] | None = None,
    on_row: Callable[[int], None] | None = None,
) -> bytes:
    """A one-sheet .xlsx (streamed with write-only mode, so 100,000 rows fit in memory)."""
    return build_book(
        subtitle=subtitle,
        sheets=[Sheet(title=title, headers=headers, rows=rows, widths=widths)],
        on_row=on_row,
    )


def build_book(
    *,
    subtitle: str,
    sheets: Sequence[Sheet],
    on_row: Callable[[int], None] | None = None,
) -> bytes:
    """An .xlsx with one sheet per section, each with frozen headers (write-only mode)."""
    book = Workbook(write_only=True)
    count = 0
    for spec in sheets:
        sheet = book.create_sheet(title=ILLEGAL_CHARACTERS_RE.sub("", spec.title)[:31])
        for index, width in enumerate(spec.widths or [18] * len(spec.headers)):
            sheet.column_dimensions[_column_letter(index)].width = width
        sheet.freeze_panes = "A4"
        heading = text_cell(sheet, spec.title)
        heading.font = Font(bold=True, size=14)
        sheet.append([heading])
        sheet.append([text_cell(sheet, subtitle)])
        header_cells = []
        for text in spec.headers:
            cell = text_cell(sheet, text)
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            header_cells.append(cell)
        sheet.append(header_cells)
        formats = list(spec.number_formats)
        for row in spec.rows:
            sheet.append(
                [
                    _cell(sheet, v, formats[i] if i < len(formats) else None)
                    for i, v in enumerate(row)
                ]
            )
            count += 1
            if on_row is not None:
                on_row(count)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(sheet: Any, value: Any, number_format: str | None) -> Any:
    if isinstance(value, str):
        return text_cell(sheet, value)
    if number_format is None or value is None:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def text_cell(sheet: Any, value: str) -> WriteOnlyCell:
    """A cell holding `value` as text: never a formula, an error code or a number."""
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value)[:EXCEL_CELL_LIMIT])
    cell.data_type = "s"  # after the value: openpyxl would read "=..." as a formula
    return cell


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
