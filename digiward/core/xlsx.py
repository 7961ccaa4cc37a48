"""Writing Excel files the way wards read them: a title row, bold headers, frozen panes."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")


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
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    for index, width in enumerate(widths or [18] * len(headers)):
        sheet.column_dimensions[_column_letter(index)].width = width
    sheet.freeze_panes = "A4"
    heading = WriteOnlyCell(sheet, value=title)
    heading.font = Font(bold=True, size=14)
    sheet.append([heading])
    sheet.append([subtitle])
    header_cells = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header_cells.append(cell)
    sheet.append(header_cells)
    for count, row in enumerate(rows, start=1):
        sheet.append(list(row))
        if on_row is not None:
            on_row(count)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
