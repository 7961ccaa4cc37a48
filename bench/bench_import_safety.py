"""What it costs to measure a ward list safely before reading it (security issue, hole 2).

    python bench/bench_import_safety.py [--residents 100000] [--repeats 3]

The reader opens every spreadsheet first in a short-lived child process with a memory
cap (digiward/registry/imports/probe.py), so a hostile file kills the child, not the
worker. The baseline, in the same run on the same file, is the read without that guard:
calamine opening the sheet and handing over its rows in this process (what the reader
did before). Also timed: refusing the 5 KB file with one cell at XFD1048576, which
aborted the worker before.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DIGIWARD_VAR_DIR", str(ROOT / "var" / "bench"))

import django  # noqa: E402

django.setup()

from openpyxl import Workbook  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402
from ward_lists import ward_rows, write_xlsx  # noqa: E402

from digiward.registry.imports.reader import UnreadableFile, read_table  # noqa: E402


def unguarded(path: Path) -> int:
    book = CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    return len(rows)


def guarded(path: Path) -> int:
    return len(read_table(path).rows)


def timed(fn, path: Path, repeats: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    times, result = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn(path)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def hostile_xlsx(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append(["Mã hộ", "Họ và tên", "Năm sinh"])
    sheet.append(["NK1", "Nguyễn Văn An", 1950])
    book.save(path)
    # Move one cell to the last row and column Excel allows.
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    parts["xl/worksheets/sheet1.xml"] = xml.replace("</sheetData>", far + "</sheetData>").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        ward = Path(folder) / "ward.xlsx"
        write_xlsx(ward, ward_rows(args.residents))
        size_mb = ward.stat().st_size / 1e6
        base, base_rows = timed(unguarded, ward, args.repeats)
        safe, safe_rows = timed(guarded, ward, args.repeats)
        bomb = Path(folder) / "bomb.xlsx"
        hostile_xlsx(bomb)
        start = time.perf_counter()
        try:
            read_table(bomb)
        except UnreadableFile as error:
            message = str(error)
        else:
            message = "NOT REFUSED"
        refused = time.perf_counter() - start
    print(f"ward list: {args.residents} residents, {size_mb:.1f} MB .xlsx, {os.cpu_count()} cores")
    print(f"read without the guard (baseline): {base:.2f} s ({base_rows} rows)")
    print(f"read with the guard (probe + read): {safe:.2f} s ({safe_rows} rows)")
    print(f"overhead: +{safe - base:.2f} s, {safe / base:.2f}x the baseline")
    print(f"file with a cell at XFD1048576: refused in {refused:.2f} s")
    print(f"  message: {message[:160]}")


if __name__ == "__main__":
    main()
