"""The ward-list reader against hostile and broken files: refused with a clear message
(an UnreadableFile), never a dead worker, a 500 or mojibake in the registry.

Messages are asserted on language-independent markers (sheet names, row numbers,
column letters, numbers): the Vietnamese translations are merged later.
"""

from __future__ import annotations

import struct
import time
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from digiward.registry.imports import limits, probe, reader
from digiward.registry.imports.reader import UnreadableFile, read_table
from digiward.registry.imports.runner import import_file
from digiward.registry.models import Resident

HEADER = ["Mã hộ", "Họ và tên", "Năm sinh"]
PEOPLE = [["H1", "Nguyễn Thị Hoa", 1962], ["H1", "Lê Văn Hùng", 1960]]


def xlsx(path: Path, rows=(HEADER, *PEOPLE), *, cells=None, title="Danh sách", styled=()):
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for ref, value in (cells or {}).items():
        sheet[ref] = value
    for ref in styled:
        sheet[ref].font = Font(bold=True)
    book.save(path)
    return path


def rewrite_member(path: Path, member: str, change) -> Path:
    """Rewrite one part of a zip (to write XML that openpyxl would not)."""
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            target.writestr(info.filename, change(data) if info.filename == member else data)
    return path


SHEET = "xl/worksheets/sheet1.xml"


def refused(path: Path, **kwargs) -> str:
    with pytest.raises(UnreadableFile) as caught:
        read_table(path, **kwargs)
    return str(caught.value)


def run(path: Path, commune):
    return import_file(path, commune=commune, acting_user=None, today=date(2026, 11, 25))


# ---- Spreadsheets that would make calamine build billions of cells ----------------------


def test_a_cell_at_xfd1048576_is_refused_in_moments_naming_the_sheet_and_its_reach(tmp_path):
    # 5 KB: a header at A1 and one value in the last cell Excel has. calamine would
    # build 16,384 × 1,048,576 cells and abort the process (this one, the worker).
    path = xlsx(tmp_path / "xfd.xlsx", cells={"XFD1048576": "x"})
    assert path.stat().st_size < 10_000
    started = time.monotonic()
    message = refused(path)
    assert time.monotonic() - started < 3
    assert "Danh sách" in message
    assert "1.048.576" in message and "XFD" in message  # how far the data reaches
    assert "500.000" in message and "256" in message and "6.000.000" in message  # limits


def test_a_cell_at_cv200000_is_refused_by_the_cell_limit(tmp_path):
    # 100 columns × 200,000 rows: within the row and column limits, 20 million cells
    # (600 MB in calamine, which survives it in the probe) over the cell limit.
    message = refused(xlsx(tmp_path / "cv.xlsx", cells={"CV200000": "x"}))
    assert "200.000" in message and "CV" in message and "20.000.000" in message


def test_far_away_cells_that_are_only_formatted_do_not_count(tmp_path):
    # calamine skips cells without a value; so does the scan, and the list is read.
    path = xlsx(tmp_path / "styled.xlsx", styled=["XFD1048576", "ZZ900000"])
    assert b'r="XFD1048576"' in zipfile.ZipFile(path).read(SHEET)
    sheet = read_table(path)
    assert sheet.rows[1][:2] == ["H1", "Nguyễn Thị Hoa"]


@pytest.fixture(params=["probe measures", "probe dies"])
def probe_outcome(request, monkeypatch):
    """Each sheet-size test both ways: the probe child measures the sheet, or it dies
    (as it does on XFD1048576) and the XML scan has to say how far the sheet reaches."""
    if request.param == "probe dies":

        def dead(*args, **kwargs):
            raise probe.ProbeFailed("exit status -6")

        monkeypatch.setattr(probe, "measure", dead)
    return request.param


def test_cells_written_without_references_are_placed_as_calamine_places_them(
    tmp_path, probe_outcome
):
    # <c> without r="…" takes the next column: 300 of them reach column KN (300).
    cells = b"<c><v>1</v></c>" * 300
    path = rewrite_member(
        xlsx(tmp_path / "no-refs.xlsx"),
        SHEET,
        lambda xml: xml.replace(b"</sheetData>", b'<row r="4">' + cells + b"</row></sheetData>"),
    )
    message = refused(path)
    assert "KN" in message and "Danh sách" in message


def test_a_prefixed_sheet_is_measured_too(tmp_path, probe_outcome):
    # Some writers put the SpreadsheetML namespace on a prefix: <x:c r="…">.
    def prefixed(xml: bytes) -> bytes:
        xml = xml.replace(b"</sheetData>", b'<row r="9"><c r="XFD9"><v>1</v></c></row></sheetData>')
        for tag in (b"worksheet", b"sheetData", b"row", b"c", b"v", b"is", b"t"):
            xml = xml.replace(b"<" + tag + b" ", b"<x:" + tag + b" ")
            xml = xml.replace(b"<" + tag + b">", b"<x:" + tag + b">")
            xml = xml.replace(b"</" + tag + b">", b"</x:" + tag + b">")
        return xml.replace(
            b"<x:worksheet ",
            b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ',
            1,
        )

    message = refused(rewrite_member(xlsx(tmp_path / "prefixed.xlsx"), SHEET, prefixed))
    assert "XFD" in message


def test_when_the_probe_dies_on_a_sheet_within_the_limits_the_file_is_refused_plainly(
    tmp_path, monkeypatch
):
    # The fast scan counts the formatted cell at XFD1048576, the exact one does not:
    # the sheet is small, so the message is the general one, not "reaches XFD".
    def dead(*args, **kwargs):
        raise probe.ProbeFailed("exit status 1: PanicException")

    monkeypatch.setattr(probe, "measure", dead)
    message = refused(xlsx(tmp_path / "styled.xlsx", styled=["XFD1048576"]))
    assert "Excel" in message and "XFD" not in message


def test_a_big_sheet_after_the_list_is_neither_read_nor_refused(tmp_path):
    book = Workbook()
    book.active.title = "Danh sách"
    for row in (HEADER, *PEOPLE):
        book.active.append(row)
    book.create_sheet("Nháp")["A600000"] = "x"  # over the row limit, but never read
    book.save(tmp_path / "two.xlsx")
    assert read_table(tmp_path / "two.xlsx").name == "Danh sách"


# ---- The probe child: every format, and calamine bugs we do not know --------------------


def ods(path: Path, rows_xml: str) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Danh sách">'
        f"{rows_xml}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        book.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def ods_cell(value: str, repeat: int = 1) -> str:
    return (
        f'<table:table-cell table:number-columns-repeated="{repeat}" office:value-type="string">'
        f"<text:p>{value}</text:p></table:table-cell>"
    )


ODS_HEADER = "<table:table-row>" + "".join(ods_cell(h) for h in HEADER) + "</table:table-row>"


def test_an_ods_that_kills_the_probe_is_refused_and_this_process_lives_on(tmp_path):
    # 855 bytes: one cell repeated 100 × 200,000 times. calamine builds 20 million
    # strings and runs out of the probe's memory; the worker would have done the same.
    path = ods(
        tmp_path / "repeat.ods",
        ODS_HEADER
        + '<table:table-row table:number-rows-repeated="200000">'
        + ods_cell("x", 100)
        + "</table:table-row>",
    )
    assert path.stat().st_size < 2_000
    started = time.monotonic()
    message = refused(path)
    assert time.monotonic() - started < 20
    assert "Excel" in message  # "…too large or damaged… copy the list into a new workbook"


def test_an_ods_the_probe_can_measure_is_refused_with_its_reach(tmp_path):
    path = ods(
        tmp_path / "wide.ods",
        ODS_HEADER + "<table:table-row>" + ods_cell("x", 300) + "</table:table-row>",
    )
    message = refused(path)
    assert "Danh sách" in message and "KN" in message  # column 300


def test_one_long_shared_text_used_by_many_cells_is_refused(tmp_path):
    # 100,000 × 2 cells is well within the limits, so measuring the sheet's XML would
    # let it through; but every cell refers to one 30,000-character shared string and
    # calamine copies it into each: 3 GB from a 1 MB file. Only opening it (in the
    # probe) shows that.
    rows = b"".join(
        b'<row r="%d"><c r="B%d" t="s"><v>0</v></c></row>' % (n, n) for n in range(4, 100_004)
    )
    strings = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<si><t>" + b"A" * 30_000 + b"</t></si></sst>"
    )
    path = rewrite_member(
        xlsx(tmp_path / "shared.xlsx"),
        SHEET,
        lambda xml: xml.replace(b"</sheetData>", rows + b"</sheetData>"),
    )
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/sharedStrings.xml", strings)
    assert path.stat().st_size < 1_000_000
    assert "Excel" in refused(path)


def test_a_probe_that_does_not_answer_in_time_means_the_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "PROBE_TIMEOUT_SECONDS", 0.001)
    assert "Excel" in refused(xlsx(tmp_path / "slow.xlsx"))


class PanicException(BaseException):
    """What pyo3 raises for a Rust panic: a BaseException, not an Exception."""


@pytest.mark.parametrize("where", ["from_path", "get_sheet_by_index", "to_python"])
def test_an_unexpected_error_inside_calamine_becomes_unreadable_file(tmp_path, monkeypatch, where):
    real = reader.CalamineWorkbook

    class Sheet:
        def __init__(self, sheet):
            self._sheet = sheet

        def to_python(self, **kwargs):
            if where == "to_python":
                raise PanicException("called `Option::unwrap()` on a `None` value")
            return self._sheet.to_python(**kwargs)

        merged_cell_ranges = None

    class Book:
        def __init__(self, book):
            self._book = book
            self.sheet_names = book.sheet_names

        @classmethod
        def from_path(cls, path):
            if where == "from_path":
                raise PanicException("index out of bounds")
            return cls(real.from_path(path))

        def get_sheet_by_index(self, index):
            if where == "get_sheet_by_index":
                raise PanicException("attempt to multiply with overflow")
            return Sheet(self._book.get_sheet_by_index(index))

        def close(self):
            self._book.close()

    monkeypatch.setattr(reader, "CalamineWorkbook", Book)
    message = refused(xlsx(tmp_path / "panic.xlsx"))
    assert "unwrap" not in message and "overflow" not in message and "index" not in message


def test_overlapping_merged_ranges_are_refused_not_looped_over(tmp_path):
    # 2,000 merges each covering 2,000 rows × 16,384 columns: filling them cell by cell
    # would take hours. Real merges never overlap, so they never cover more cells
    # than the sheet has.
    rows = [HEADER, *[[f"H{n}", f"Người {n}", 1960] for n in range(2_000)]]
    merges = b'<mergeCell ref="A2:XFD2001"/>' * 2_000
    path = rewrite_member(
        xlsx(tmp_path / "merges.xlsx", rows),
        SHEET,
        lambda xml: xml.replace(
            b"</sheetData>", b'</sheetData><mergeCells count="2000">' + merges + b"</mergeCells>"
        ),
    )
    started = time.monotonic()
    assert "Excel" in refused(path)
    assert time.monotonic() - started < 10


def test_too_many_merged_ranges_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_MERGED_RANGES", 10)
    merges = b"".join(b'<mergeCell ref="D%d:E%d"/>' % (n, n) for n in range(1, 12))
    path = rewrite_member(
        xlsx(tmp_path / "many.xlsx"),
        SHEET,
        lambda xml: xml.replace(
            b"</sheetData>", b"</sheetData><mergeCells>" + merges + b"</mergeCells>"
        ),
    )
    message = refused(path)
    assert "Danh sách" in message and "11" in message and "10" in message


# ---- Zip bombs ----------------------------------------------------------------------


def declare_size(path: Path, member: str, size: int) -> Path:
    """Make the zip's central directory claim `member` unpacks to `size` bytes."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + name_length]) == name:
            struct.pack_into("<I", data, at + 24, size)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    return path


def test_a_spreadsheet_that_claims_to_unpack_to_gigabytes_is_refused(tmp_path):
    path = declare_size(xlsx(tmp_path / "bomb.xlsx"), SHEET, 0x7FFF_FFFF)
    assert zipfile.ZipFile(path).getinfo(SHEET).file_size == 0x7FFF_FFFF
    assert "1.024" in refused(path)


def test_a_zip_with_too_many_entries_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ZIP_ENTRIES", 5)
    assert "Excel" in refused(xlsx(tmp_path / "entries.xlsx"))


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.csv"
    path.write_text("Mã hộ;Họ và tên\n" + "H1;Lê Văn A\n" * 20, encoding="utf-8")
    assert "50" in refused(path)


# ---- CSV text: encodings --------------------------------------------------------------

CSV = "Mã hộ;Họ và tên;Năm sinh\nC1;Nguyễn Thị Hoa;1962\nC1;Lê Văn Hùng;1960\nC2;Trần Văn Tư;1971\n"


def csv_file(tmp_path: Path, data: bytes, name: str = "ds.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def names(sheet) -> list[str]:
    return [row[1] for row in sheet.rows[1:]]


def test_utf8_with_one_bad_byte_is_refused_naming_the_row_not_imported_as_mojibake(
    tmp_path, commune
):
    # Headers typed without diacritics, as many wards do: read as Windows-1258, the whole
    # file used to be imported, every Vietnamese letter garbled ("LÃª VÄƒn").
    text = CSV.replace("Mã hộ;Họ và tên;Năm sinh", "Ma ho;Ho va ten;Nam sinh")
    data = text.encode().replace("Lê Văn".encode(), "Lê V".encode() + b"\xff" + "ăn".encode())
    with pytest.raises(UnreadableFile) as caught:
        run(csv_file(tmp_path, data), commune)
    message = str(caught.value)
    assert "3" in message and "UTF-8" in message
    assert not Resident.objects.exists()


def test_several_damaged_rows_are_all_named_and_a_bom_does_not_change_that(tmp_path):
    data = b"\xef\xbb\xbf" + CSV.encode().replace(b"Ho", b"H\xc3o").replace(b"T\xc6\xb0", b"T\xe1")
    message = refused(csv_file(tmp_path, data))
    assert "2" in message and "4" in message and "3" not in message


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_read(tmp_path, encoding):
    sheet = read_table(csv_file(tmp_path, CSV.encode(encoding)))
    assert names(sheet) == ["Nguyễn Thị Hoa", "Lê Văn Hùng", "Trần Văn Tư"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_boms_of_utf16_and_utf32_are_followed(tmp_path, encoding):
    assert names(read_table(csv_file(tmp_path, CSV.encode(encoding))))[0] == "Nguyễn Thị Hoa"


def test_damaged_utf16_is_refused_not_guessed(tmp_path):
    data = CSV.encode("utf-16") + b"\x00\xd8"  # a lone high surrogate at the end
    assert "UTF-16" in refused(csv_file(tmp_path, data))


TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters with their hats,
    tone marks as combining characters."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            tone = "".join(m for m in decomposed[1:] if m in TONES)
            base = unicodedata.normalize(
                "NFC", decomposed[0] + "".join(m for m in decomposed[1:] if m not in TONES)
            )
            out += (base + tone).encode("cp1258")
    return out


def test_a_legacy_windows_1258_file_is_read(tmp_path):
    sheet = read_table(csv_file(tmp_path, cp1258(CSV)))
    assert [unicodedata.normalize("NFC", n) for n in names(sheet)] == [
        "Nguyễn Thị Hoa",
        "Lê Văn Hùng",
        "Trần Văn Tư",
    ]


def test_windows_1258_stays_windows_1258_when_bytes_happen_to_form_utf8(tmp_path):
    # "Hồ" + a no-break space: the combining grave (0xCC) of "ồ" and 0xA0 form a valid
    # UTF-8 sequence (U+0320) by chance; the file is still Windows-1258.
    data = cp1258(CSV.replace("Hoa;", "Hồ\u00a0;"))
    assert "\u0320" in data.decode("utf-8", errors="ignore")
    sheet = read_table(csv_file(tmp_path, data))
    assert unicodedata.normalize("NFC", names(sheet)[0]) == "Nguyễn Thị Hồ\u00a0"


def test_windows_1258_with_a_byte_it_does_not_define_is_refused_naming_the_row(tmp_path):
    data = cp1258(CSV).replace(b"Tr", b"T\x81r")
    message = refused(csv_file(tmp_path, data))
    assert "4" in message and "1258" in message


def test_nul_bytes_mean_this_is_not_a_text_list(tmp_path):
    data = CSV.encode().replace(b"Hoa", b"H\x00oa")
    assert refused(csv_file(tmp_path, data))


# ---- CSV structure ----------------------------------------------------------------------


def test_a_field_over_128_kb_is_a_clear_refusal_naming_the_row(tmp_path):
    data = (CSV + "C3;" + "A" * 129 * 1024 + ";1980\n").encode()  # over 128 KiB
    message = refused(csv_file(tmp_path, data))
    assert "5" in message and "131.072" in message


def test_a_quote_that_never_closes_is_named_too(tmp_path):
    data = (CSV + 'C3;"Lê Thị Tèo;1980\n' + "C4;Ngô Văn Tám;1981\n" * 20_000).encode()
    assert "5" in refused(csv_file(tmp_path, data))


def test_old_mac_line_endings_are_read(tmp_path):
    sheet = read_table(csv_file(tmp_path, CSV.replace("\n", "\r").encode()))
    assert names(sheet)[-1] == "Trần Văn Tư"


def test_a_csv_row_wider_than_the_column_limit_is_refused(tmp_path):
    # What Excel writes for a sheet with a stray value in column KQ: every row that wide.
    data = "".join(line + ";" * 300 + "\n" for line in CSV.splitlines()).encode()
    message = refused(csv_file(tmp_path, data))
    assert "1" in message and "303" in message and "256" in message


def test_a_csv_over_the_cell_limit_is_refused_while_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_CELLS", 10)
    message = refused(csv_file(tmp_path, CSV.encode()))
    assert "10" in message


def test_a_realistic_csv_still_imports(tmp_path, commune):
    report = run(csv_file(tmp_path, CSV.encode("utf-8-sig")), commune)
    assert report.written and Resident.objects.count() == 3
