"""Reading a ward list file into rows of cells: .xlsx/.xlsm/.xls/.ods and .csv.

Spreadsheets are read with python-calamine (Rust), about twelve times faster than
openpyxl on a 100,000-row file. Merged cells are filled with their top-left value,
so a household code merged down the rows of a household reaches every member and a
header merged across two columns labels both.

Files come from anywhere, so nothing is turned into memory before it is known to be
small enough (limits.py says how small, and why):

* every spreadsheet sheet is first opened in a probe child with a memory cap
  (probe.py): if calamine aborts, panics or runs out of memory there, the file is
  refused and the worker lives on;
* the probe's measure is checked against the row, column and cell limits; when the
  probe does not survive an .xlsx/.xlsm sheet, the sheet's XML is scanned
  (sheet_scan.py) to say how far it reaches ("row 1.048.576 and column XFD");
* zips may not unpack to more than MAX_UNPACKED_BYTES; merged ranges are filled
  within the sheet, and overlapping ones (which only crafted files have) are refused;
* any error calamine raises that we do not expect (a Rust panic is a BaseException)
  becomes an UnreadableFile, never a crash.

CSV text is decoded by strict rules, so the registry never stores mojibake:

1. A byte-order mark decides: UTF-8, UTF-16 LE/BE or UTF-32 LE/BE.
2. No BOM but NUL bytes at every other position: UTF-16 (LE or BE by which half
   holds them), the way ASCII-heavy UTF-16 text looks. Other NUL bytes mean the file
   is not text at all.
3. Valid UTF-8 is UTF-8.
4. Not valid UTF-8, but holding a Vietnamese letter or tone mark encoded as UTF-8
   (ă, ư, đ, ế, a combining hook…), or more valid multi-byte sequences than bad
   bytes: a UTF-8 file with damaged rows. The file is refused naming those rows
   (decoding them any other way would store garbled names). The import is all or
   nothing per file unless "skip invalid rows" is chosen, and rows the reader cannot
   decode cannot be shown to anyone for checking, so refusing with row numbers is the
   honest answer.
5. Otherwise the file is legacy Windows-1258 (Excel's plain "CSV" on Vietnamese
   Windows), decoded strictly; a byte Windows-1258 does not define refuses the file
   naming the rows. Windows-1258 writes tone marks as combining bytes (0xCC, 0xEC,
   0xD2, 0xDE, 0xF2) that may, by chance, form a valid UTF-8 pair with the next byte
   (the grave 0xCC and a no-break space 0xA0 make U+0320), so "any valid multi-byte
   sequence" is not proof of UTF-8; a UTF-8 Vietnamese letter is, since Windows-1258
   text cannot produce one (it would need, say, "Ă" followed by a symbol, or a tone
   mark followed by "€", which Vietnamese spelling never writes).

CSV cells longer than the csv module's limit (128 K characters, set process-wide and
left alone), rows wider than MAX_COLUMNS and files over MAX_ROWS rows or MAX_CELLS
cells are refused naming the row, while the file is read.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import logging
import re
import zipfile
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar, cast

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from python_calamine import CalamineError, CalamineWorkbook

from digiward.registry.imports import limits, probe, sheet_scan
from digiward.registry.imports.cells import CellValue
from digiward.registry.imports.headers import HeaderMatch, HeaderNotFound, detect_header

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}
MAX_ROWS = limits.MAX_ROWS

logger = logging.getLogger(__name__)

Rows = list[list[CellValue]]
T = TypeVar("T")


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
    if suffix not in CSV_SUFFIXES and suffix not in SPREADSHEET_SUFFIXES:
        raise UnreadableFile(
            _("Only Excel (.xlsx, .xls), OpenDocument (.ods) and CSV files can be imported.")
        )
    if path.stat().st_size > limits.MAX_FILE_BYTES:
        raise UnreadableFile(_("The file is larger than 50 MB."))  # limits.MAX_FILE_BYTES
    tables: Iterator[tuple[str, Rows]] = (
        iter([("CSV", _read_csv(path.read_bytes()))])
        if suffix in CSV_SUFFIXES
        else _read_spreadsheet(path)
    )
    problem: HeaderNotFound | None = None
    try:
        for name, rows in tables:
            if len(rows) > limits.MAX_ROWS:
                raise UnreadableFile(
                    _("The file has more than %(n)s rows; split it.") % {"n": _n(limits.MAX_ROWS)}
                )
            try:
                return Sheet(name=name, rows=rows, header=detect_header(rows))
            except HeaderNotFound as error:
                problem = error
    finally:
        if isinstance(tables, Generator):
            tables.close()
    raise UnreadableFile(str(problem) if problem else _("The file is empty."))


# ---- Spreadsheets ---------------------------------------------------------------------


def _read_spreadsheet(path: Path) -> Generator[tuple[str, Rows], None, None]:
    """Sheet after sheet, each measured before it is read; the caller stops at the
    first one with a header, so later sheets are never opened."""
    archive = _open_archive(path)
    book: CalamineWorkbook | None = None
    try:
        index, count = 0, 1
        while index < min(count, limits.MAX_SHEETS):
            measured = _measure(path, index, archive)
            if measured.open_error is not None:
                raise UnreadableFile(_cannot_open(measured.open_error))
            count = len(measured.names)
            if measured.error is None:  # else a chart sheet or an unsupported one
                if book is None:
                    book = _open_book(path)
                rows = _sheet_rows(book, index)
                if rows is not None:
                    yield measured.names[index], rows
            index += 1
    finally:
        if archive is not None:
            archive.book.close()
        if book is not None:
            with contextlib.suppress(CalamineError, UnreadableFile):
                _calamine(book.close)


def _measure(path: Path, index: int, archive: _Archive | None) -> probe.SheetProbe:
    """The probe child opens the sheet first; only its numbers let the worker read it.

    When the child dies, the XML scan (for .xlsx) says why if it can: a sheet reaching
    XFD1048576 gets the precise message, anything else the "too large or damaged" one.
    The scan runs only then, so a normal file pays for the child alone.
    """
    try:
        measured = probe.measure(
            path,
            index,
            memory_bytes=limits.PROBE_MEMORY_BYTES,
            timeout=limits.PROBE_TIMEOUT_SECONDS,
        )
    except probe.ProbeFailed as failure:
        logger.warning("Import probe refused %s (sheet %s): %s", path.name, index, failure)
        if archive is not None:
            archive.check(index)
        raise UnreadableFile(_unsafe()) from None
    if measured.error is None and measured.open_error is None:
        name = measured.names[index]
        if measured.end is not None:
            _check_extent(name, measured.end[0] + 1, measured.end[1] + 1)
        if measured.merged > limits.MAX_MERGED_RANGES:
            raise UnreadableFile(
                _(
                    "Sheet “%(sheet)s” has %(n)s merged cell ranges; at most %(max)s can be "
                    "read. Unmerge the cells of the list and import it again."
                )
                % {"sheet": name, "n": _n(measured.merged), "max": _n(limits.MAX_MERGED_RANGES)}
            )
    return measured


def _open_book(path: Path) -> CalamineWorkbook:
    try:
        return _calamine(lambda: CalamineWorkbook.from_path(str(path)))
    except (CalamineError, OSError, ValueError) as error:
        raise UnreadableFile(_cannot_open(str(error))) from None


def _sheet_rows(book: CalamineWorkbook, index: int) -> Rows | None:
    try:
        sheet = _calamine(lambda: book.get_sheet_by_index(index))
    except (CalamineError, ValueError):
        return None  # a chart sheet or an unsupported one: look at the next
    try:
        rows = cast(Rows, _calamine(lambda: sheet.to_python(skip_empty_area=False)))
        merged = _calamine(lambda: getattr(sheet, "merged_cell_ranges", None)) or []
    except (CalamineError, OSError, ValueError) as error:
        raise UnreadableFile(_cannot_open(str(error))) from None
    _fill_merged(rows, merged)
    return rows


def _calamine(call: Callable[[], T]) -> T:
    """`call()`, with anything unexpected from inside calamine (a Rust panic arrives as
    pyo3's PanicException, a BaseException) turned into an UnreadableFile."""
    try:
        return call()
    except (CalamineError, OSError, ValueError):
        raise
    except BaseException as error:
        if isinstance(error, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        logger.warning("python-calamine failed unexpectedly", exc_info=True)
        raise UnreadableFile(_unsafe()) from None


def _fill_merged(rows: Rows, ranges: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """Give every cell of a merged range the range's top-left value, within the sheet.

    Real merges never overlap, so together they cover at most every cell once; more
    than that (2,000 ranges each over the whole sheet) only comes from a crafted file,
    and filling it would take hours.
    """
    budget = sum(len(row) for row in rows)
    for (top, left), (bottom, right) in ranges:
        if top >= len(rows) or top > bottom or left > right or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            row = rows[r]
            stop = min(right, len(row) - 1)
            if stop < left:
                continue
            budget -= stop - left + 1
            if budget < 0:
                raise UnreadableFile(_unsafe())
            row[left : stop + 1] = [value] * (stop - left + 1)


class _Archive:
    """A spreadsheet zip (.xlsx, .xlsm, .xlsb, .ods) that passed the zip limits."""

    def __init__(self, book: zipfile.ZipFile) -> None:
        self.book = book
        self._parts: list[sheet_scan.WorksheetPart] | None = None

    def check(self, index: int) -> None:
        """Refuse sheet `index` if its XML reaches beyond the limits (.xlsx/.xlsm only;
        for any other zip, or an unusual .xlsx, there is nothing to say)."""
        if self._parts is None:
            is_xlsx = "xl/workbook.xml" in self.book.namelist()
            self._parts = sheet_scan.worksheet_parts(self.book) if is_xlsx else []
        part = self._parts[index].part if index < len(self._parts) else None
        if part is None:
            return
        sizes = {"chunk": limits.SCAN_CHUNK_BYTES, "max_tag": limits.SCAN_MAX_TAG_BYTES}
        try:
            extent = sheet_scan.fast_extent(self.book, part, **sizes)
            if extent is None or not _fits(extent.rows, extent.columns):
                # The fast pass also counts formatted empty cells: ask the exact one
                # before refusing anything.
                extent = sheet_scan.exact_extent(self.book, part, **sizes)
        except sheet_scan.ScanError as error:
            logger.info("Import scan gave up on %s: %s", part, error)
            return
        _check_extent(self._parts[index].name, extent.rows, extent.columns)


def _open_archive(path: Path) -> _Archive | None:
    with path.open("rb") as handle:
        if handle.read(4) != b"PK\x03\x04":
            return None  # .xls (OLE2), or not a zip: the probe decides
    entries = sheet_scan.zip_entry_count(path)
    if entries is not None and entries > limits.MAX_ZIP_ENTRIES:
        raise UnreadableFile(_unsafe())
    try:
        book = zipfile.ZipFile(path)
    except Exception:  # a damaged zip: calamine (in the probe) will say what is wrong
        return None
    infos = book.infolist()
    unpacked = sum(info.file_size for info in infos)
    if len(infos) > limits.MAX_ZIP_ENTRIES or unpacked > limits.MAX_UNPACKED_BYTES:
        book.close()
        if len(infos) > limits.MAX_ZIP_ENTRIES:
            raise UnreadableFile(_unsafe())
        raise UnreadableFile(
            _(
                "The spreadsheet unpacks to more than %(n)s MB, far more than any ward list. "
                "Open it in Excel, copy the list into a new workbook, save that as .xlsx "
                "and import it."
            )
            % {"n": _n(limits.MAX_UNPACKED_BYTES // (1024 * 1024))}
        )
    return _Archive(book)


def _fits(rows: int, columns: int) -> bool:
    return (
        rows <= limits.MAX_ROWS
        and columns <= limits.MAX_COLUMNS
        and rows * columns <= limits.MAX_CELLS
    )


def _check_extent(sheet: str, rows: int, columns: int) -> None:
    if _fits(rows, columns):
        return
    raise UnreadableFile(
        _(
            "Sheet “%(sheet)s” has data as far as row %(rows)s and column %(column)s "
            "(%(cells)s cells). At most %(max_rows)s rows, %(max_columns)s columns and "
            "%(max_cells)s cells can be imported: delete what lies below and to the right "
            "of the list (often a stray value or formula far away), or split the file."
        )
        % {
            "sheet": sheet,
            "rows": _n(rows),
            "column": sheet_scan.column_letters(columns),
            "cells": _n(rows * columns),
            "max_rows": _n(limits.MAX_ROWS),
            "max_columns": _n(limits.MAX_COLUMNS),
            "max_cells": _n(limits.MAX_CELLS),
        }
    )


def _cannot_open(error: str) -> str:
    return _("This file cannot be opened as a spreadsheet (%(error)s).") % {"error": error}


def _unsafe() -> str:
    return _(
        "This spreadsheet is too large or too damaged to be opened safely. Open it in Excel "
        "or LibreOffice, copy the list into a new workbook, save that as .xlsx and import it."
    )


def _n(number: int) -> str:
    return f"{number:,}".replace(",", ".")


# ---- CSV ------------------------------------------------------------------------------

# A Vietnamese letter or tone mark, as a valid UTF-8 sequence decodes it (rule 4 above).
_VIETNAMESE = re.compile(
    "[\u00c0-\u00c3\u00c8-\u00ca\u00cc\u00cd\u00d2-\u00d5\u00d9\u00da\u00dd"
    "\u00e0-\u00e3\u00e8-\u00ea\u00ec\u00ed\u00f2-\u00f5\u00f9\u00fa\u00fd"
    "\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0"
    "\u0300\u0301\u0303\u0309\u0323\u1ea0-\u1ef9]"
)
_MULTIBYTE = re.compile("[^\x00-\x7f\udc80-\udcff]")
# What errors="surrogateescape" makes of a byte that does not decode.
_ESCAPED = re.compile("[\udc80-\udcff]")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),  # before UTF-16 LE: it starts alike
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
_SHOWN_ROWS = 10


def _read_csv(data: bytes) -> Rows:
    content, label, damaged = _decode(data)
    rows = _parse_csv(content)
    if damaged:
        bad = [n for n, row in enumerate(rows, 1) if any(_ESCAPED.search(c) for c in row)]
        shown = ", ".join(str(n) for n in bad[:_SHOWN_ROWS]) + (
            ", …" if len(bad) > _SHOWN_ROWS else ""
        )
        raise UnreadableFile(
            ngettext(
                "Row %(rows)s has bytes that are not valid %(encoding)s text, so its letters "
                "cannot be read correctly. Fix it, or save the list again from Excel as "
                "“CSV UTF-8”, and import again.",
                "Rows %(rows)s have bytes that are not valid %(encoding)s text, so their "
                "letters cannot be read correctly. Fix them, or save the list again from "
                "Excel as “CSV UTF-8”, and import again.",
                len(bad),
            )
            % {"rows": shown, "encoding": label}
        )
    return cast(Rows, rows)


def _decode(data: bytes) -> tuple[str, str, bool]:
    """(text, encoding name, damaged): by the rules in the module docstring. Damaged
    text has each undecodable byte as a lone surrogate (errors="surrogateescape")."""
    for bom, encoding, label in _BOMS:
        if data.startswith(bom):
            return _decode_as(data[len(bom) :], encoding, label)
    if (utf16 := _utf16_without_bom(data)) is not None:
        return _decode_as(data, utf16, "UTF-16")
    if b"\x00" in data:
        raise UnreadableFile(
            _(
                "This file does not hold text, so it cannot be read as a CSV list. Save the "
                "list again from Excel as “CSV UTF-8” and import it."
            )
        )
    try:
        return data.decode("utf-8"), "UTF-8", False
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="surrogateescape")
    if _VIETNAMESE.search(text) or len(_MULTIBYTE.findall(text)) >= len(_ESCAPED.findall(text)):
        return text, "UTF-8", True
    return _decode_as(data, "cp1258", "Windows-1258")


def _decode_as(data: bytes, encoding: str, label: str) -> tuple[str, str, bool]:
    try:
        return data.decode(encoding), label, False
    except UnicodeDecodeError:
        pass
    if encoding in {"utf-8", "cp1258"}:  # byte-oriented: the damaged rows can be named
        return data.decode(encoding, errors="surrogateescape"), label, True
    raise UnreadableFile(
        _(
            "This file is not valid %(encoding)s text. Save the list again from Excel as "
            "“CSV UTF-8” and import it."
        )
        % {"encoding": label}
    )


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 LE/BE by its NUL bytes: ASCII letters, digits and separators (most of a
    Vietnamese list) have a zero high byte, and nothing else in a text file is zero."""
    sample = data[:4096]
    pairs = len(sample) // 2
    sample = sample[: pairs * 2]
    if pairs < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd * 4 >= pairs and even * 8 <= odd:
        return "utf-16-le"
    if even * 4 >= pairs and odd * 8 <= even:
        return "utf-16-be"
    return None


def _parse_csv(content: str) -> list[list[str]]:
    # The sniffer's regexes take time quadratic in the sample (2.8 s for 20 KB of ‘";’):
    # 8 KB, cut at a line end, is still dozens of rows of a real list.
    sample = content[:8_192]
    if "\n" in sample[:-1]:
        sample = sample[: sample.rindex("\n", 0, len(sample) - 1) + 1]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows: list[list[str]] = []
    cells = 0
    # newline="": the csv module sees \r, \n and \r\n line ends itself (old Mac files).
    records = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        for row in records:
            rows.append(row)
            if len(rows) > limits.MAX_ROWS:
                raise UnreadableFile(
                    _("The file has more than %(n)s rows; split it.") % {"n": _n(limits.MAX_ROWS)}
                )
            if len(row) > limits.MAX_COLUMNS:
                raise UnreadableFile(
                    _(
                        "Row %(row)s has %(n)s columns; at most %(max)s can be imported. Delete "
                        "the columns to the right of the list and save the file again."
                    )
                    % {"row": len(rows), "n": _n(len(row)), "max": _n(limits.MAX_COLUMNS)}
                )
            cells += len(row)
            if cells > limits.MAX_CELLS:
                raise UnreadableFile(
                    _("The file has more than %(n)s cells; split it.") % {"n": _n(limits.MAX_CELLS)}
                )
    except csv.Error as error:
        row_number = len(rows) + 1
        if "field larger than field limit" in str(error):
            raise UnreadableFile(
                _(
                    'Row %(row)s has a cell longer than %(n)s characters. A quotation mark (") '
                    "that opens a cell and is never closed usually causes this: fix that row "
                    "and import again."
                )
                % {"row": row_number, "n": _n(csv.field_size_limit())}
            ) from None
        raise UnreadableFile(
            _("Row %(row)s cannot be read as CSV.") % {"row": row_number}
        ) from None
    return rows
