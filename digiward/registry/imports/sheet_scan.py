"""How far each worksheet of an .xlsx/.xlsm reaches, found without building it.

python-calamine materialises a sheet as the dense rectangle from A1 to its farthest
cell before we can ask how big it is. The probe child (probe.py) does that under a
memory cap; when it does not survive, this module says why: it reads the sheet's XML
inside the zip, a few MB at a time, and looks only at the cell references
(`<c r="B7">`). The declared `<dimension ref="A1:K100">` is never trusted, it can say
anything. Pure standard library, no Django: the reader turns the numbers into messages.

Two passes:

* `fast_extent` — files as Excel, LibreOffice, openpyxl and the other writers make
  them: every cell is `<c r="…"` with no namespace prefix. One regex over each chunk
  collects the column letters and row numbers (about 0.7 s for a 100,000-row list).
  It counts every cell, also formatted empty ones that calamine skips, so it may
  overstate a sheet, never understate it. Anything unusual (a cell without `r`, a
  prefixed `<x:c>`, `r` not first) makes it answer None.
* `exact_extent` — follows calamine's own rules (xlsx/cells_reader.rs): a cell
  without `r` takes the next column of the current row, `<row r>` sets the row,
  `</row>` moves to the next one, only cells with a `<v>` or `<is>` count. Slower
  (a tag at a time); used when the fast pass cannot answer or says "too big", so a
  sheet is refused only for cells calamine would really build.

A crafted file that fools the regexes only loses the precise message: the probe has
already refused it.
"""

from __future__ import annotations

import html
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

# Parts we read whole (workbook.xml, its rels) are small in every real file.
_MAX_INDEX_PART_BYTES = 16 * 1024 * 1024


class ScanError(Exception):
    """The part cannot be scanned (damaged, or written in a way the scan does not
    follow); the probe child decides about the sheet instead."""


@dataclass(frozen=True)
class Extent:
    """The last row and column (1-based) holding a cell; 0 × 0 for an empty sheet."""

    rows: int
    columns: int

    @property
    def cells(self) -> int:
        """The rectangle from A1 that the spreadsheet library builds."""
        return self.rows * self.columns


@dataclass(frozen=True)
class WorksheetPart:
    name: str
    part: str | None  # the zip member, None when the workbook does not say


# ---- The zip as a whole ---------------------------------------------------------------

_EOCD = b"PK\x05\x06"
_EOCD_FORMAT = "<4sHHHHIIH"


def zip_entry_count(path: Path) -> int | None:
    """The number of entries the zip's end record declares, read before `ZipFile` lists
    them all (which costs memory per entry). None when there is no plain end record
    (not a zip, or a Zip64 one: then the listing itself is counted)."""
    size = path.stat().st_size
    tail_size = min(size, struct.calcsize(_EOCD_FORMAT) + 0xFFFF)
    with path.open("rb") as handle:
        handle.seek(size - tail_size)
        tail = handle.read(tail_size)
    at = tail.rfind(_EOCD)
    if at == -1 or len(tail) - at < struct.calcsize(_EOCD_FORMAT):
        return None
    entries = struct.unpack_from(_EOCD_FORMAT, tail, at)[4]
    return None if entries == 0xFFFF else int(entries)


def worksheet_parts(book: zipfile.ZipFile) -> list[WorksheetPart]:
    """The sheets in workbook order with their XML part, resolved as calamine does
    (xlsx/mod.rs read_workbook). Empty when the workbook index cannot be read."""
    try:
        workbook = _read_small(book, "xl/workbook.xml")
        rels = _read_small(book, "xl/_rels/workbook.xml.rels")
    except (KeyError, ScanError):
        return []
    targets: dict[bytes, str] = {}
    for match in _element("Relationship").finditer(rels):
        attrs = _attributes(match.group(1))
        if b"Id" in attrs and b"Target" in attrs:
            targets[attrs[b"Id"]] = _text(attrs[b"Target"])
    names = set(book.namelist())
    sheets = []
    for match in _element("sheet").finditer(workbook):
        attrs = _attributes(match.group(1))
        name = _text(attrs.get(b"name", b""))
        rid = attrs.get(b"r:id", attrs.get(b"relationships:id"))
        target = targets.get(rid) if rid is not None else None
        sheets.append(WorksheetPart(name, _resolve(target, names)))
    return sheets


def _resolve(target: str | None, names: set[str]) -> str | None:
    if target is None:
        return None
    if target.startswith("/xl/"):
        path = target[1:]
    elif target.startswith("xl/"):
        path = target
    else:
        path = f"xl/{target}"
    if path in names:
        return path
    normal = posixpath.normpath(path).lstrip("/")
    return normal if normal in names else None


def _read_small(book: zipfile.ZipFile, name: str) -> bytes:
    info = book.getinfo(name)
    if info.file_size > _MAX_INDEX_PART_BYTES:
        raise ScanError(f"{name} is {info.file_size} bytes")
    try:
        return book.read(info)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as e:
        raise ScanError(str(e)) from None


def _element(tag: str) -> re.Pattern[bytes]:
    return re.compile(
        rb"<(?:[A-Za-z_][\w.\-]*:)?" + tag.encode() + rb"\s((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"
    )


_ATTRIBUTE = re.compile(rb"([\w:.\-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def _attributes(raw: bytes) -> dict[bytes, bytes]:
    return {
        m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
        for m in _ATTRIBUTE.finditer(raw)
    }


def _text(raw: bytes) -> str:
    return html.unescape(raw.decode("utf-8", errors="replace"))


# ---- One worksheet --------------------------------------------------------------------

_FAST_CELL = re.compile(rb'<c r="([A-Za-z]+)(\d+)"')


def fast_extent(book: zipfile.ZipFile, part: str, *, chunk: int, max_tag: int) -> Extent | None:
    """An upper bound of the sheet's extent for files in the usual form, else None."""
    letters: set[bytes] = set()
    digits: set[bytes] = set()
    started = False
    with _open(book, part) as stream:
        for piece in _pieces(stream, chunk=chunk, max_tag=max_tag):
            if not started:
                at = piece.find(b"<sheetData")
                if at == -1:
                    if b"sheetData" in piece:
                        return None  # a prefixed <x:sheetData>: the exact pass
                    continue
                started = True
                piece = piece[at:]
            end = piece.find(b"</sheetData>")
            region = piece if end == -1 else piece[:end]
            if b":c" in region:
                return None  # maybe a prefixed <x:c>
            found = _FAST_CELL.findall(region)
            # Inside sheetData only cells start with "<c": any that the regex did not
            # take is a cell in another form.
            if region.count(b"<c") != len(found):
                return None
            letters.update(f[0] for f in found)
            digits.update(f[1] for f in found)
            if end != -1:
                break
    if not letters:
        return Extent(0, 0)
    return Extent(max(int(d) for d in digits), max(column_number(c) for c in letters))


_TAG = re.compile(
    rb"<(/?)(?:[A-Za-z_][\w.\-]*:)?(sheetData|row|c|v|is)(?=[\s/>])"
    rb"((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"
)
_R = re.compile(rb"(?:^|\s)r\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_REF = re.compile(rb"([A-Za-z]*)(\d+)")


def exact_extent(book: zipfile.ZipFile, part: str, *, chunk: int, max_tag: int) -> Extent:
    """The extent of the cells calamine would build, following its rules."""
    in_data = False
    row_index = col_index = 0  # 0-based, as calamine counts
    cell: tuple[int, int] | None = None
    has_value = False
    rows = columns = 0
    with _open(book, part) as stream:
        for piece in _pieces(stream, chunk=chunk, max_tag=max_tag):
            for closing, name, attrs in _TAG.findall(piece):
                empty = attrs.rstrip().endswith(b"/")
                if name == b"sheetData":
                    # calamine reads the first sheetData only; <sheetData/> holds no cells.
                    if (closing and in_data) or (empty and not in_data):
                        return Extent(rows, columns)
                    in_data = in_data or not closing
                    continue
                if not in_data:
                    continue
                if name == b"row":
                    if not closing and (r := _r(attrs)) is not None:
                        row_index = _reference(r)[0]
                    if closing or empty:
                        row_index += 1
                        col_index = 0
                elif name == b"c":
                    if closing:
                        if cell is not None:
                            if has_value:
                                rows = max(rows, cell[0] + 1)
                                columns = max(columns, cell[1] + 1)
                            col_index += 1
                            cell = None
                        continue
                    if (r := _r(attrs)) is not None:
                        row, column = _reference(r)
                        if column < 0:
                            raise ScanError("a cell reference without a column")
                        col_index = column
                        position = (row, column)
                    else:
                        position = (row_index, col_index)
                    if empty:
                        col_index += 1  # <c/> holds no value: calamine skips it
                    else:
                        cell, has_value = position, False
                elif cell is not None and not closing and not empty:
                    has_value = True  # a <v> or <is> inside the cell
    return Extent(rows, columns)


def _r(attrs: bytes) -> bytes | None:
    match = _R.search(attrs)
    if match is None:
        return None
    return match.group(1) if match.group(1) is not None else match.group(2)


def _reference(raw: bytes) -> tuple[int, int]:
    """'B7' → (6, 1), '7' → (6, -1): 0-based like calamine's get_row_column."""
    match = _REF.fullmatch(raw)
    if match is None or int(match.group(2)) < 1:
        raise ScanError(f"cell reference {raw[:20]!r}")
    return int(match.group(2)) - 1, column_number(match.group(1)) - 1


def column_number(letters: bytes) -> int:
    """b'A' → 1, b'XFD' → 16384 (0 for no letters)."""
    number = 0
    for byte in letters.upper():
        number = number * 26 + byte - 64
    return number


def column_letters(number: int) -> str:
    """1 → 'A', 16384 → 'XFD'."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _open(book: zipfile.ZipFile, part: str) -> IO[bytes]:
    try:
        return book.open(part)
    except (KeyError, zipfile.BadZipFile, NotImplementedError, RuntimeError) as error:
        raise ScanError(str(error)) from None


def _pieces(stream: IO[bytes], *, chunk: int, max_tag: int) -> Iterator[bytes]:
    """The unpacked part in pieces that never cut a tag in two (zipfile checks the CRC
    and the declared size as it goes: a part that lies about either raises)."""
    carry = b""
    while True:
        try:
            block = stream.read(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            raise ScanError(str(error)) from None
        if not block:
            if carry:
                yield carry
            return
        data = carry + block
        cut = data.rfind(b"<")
        if cut == -1 or data.find(b">", cut) != -1:
            carry = b""
            yield data
        else:
            carry = data[cut:]
            if len(carry) > max_tag:
                raise ScanError("an XML tag longer than the scan accepts")
            yield data[:cut]
