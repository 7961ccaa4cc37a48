"""Opening and measuring one sheet of a workbook in a short-lived child process.

python-calamine (Rust) builds a sheet's whole dense rectangle when it is opened, and
a Rust allocation failure aborts the process: a 5 KB .xlsx with a cell at XFD1048576
asks for 17 billion cells and would take the import worker down with it. Every
format (xlsx, xls, xlsb, ods) and every calamine bug we do not know about is
therefore first opened here, in a child with a memory cap (RLIMIT_AS), a CPU cap and
a timeout. The child prints one JSON line; if it dies instead (abort, MemoryError,
panic, timeout) the worker refuses the file and lives on. Only when the child has
measured the sheet, and the sheet is within the limits, does the worker read it.

This file is run by path (`python -P probe.py <file> <sheet index> ...`) so the child
imports python_calamine and the standard library only: no Django, no settings, no
database connections. The parent side (`measure`) lives here too, so the protocol
is in one place.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The child's exit status when the environment (not the file) is broken: python-calamine
# cannot be imported. The parent raises instead of blaming the file.
EXIT_ENVIRONMENT = 3


@dataclass(frozen=True)
class SheetProbe:
    """What the child saw: the workbook's sheets and one sheet's extent."""

    names: list[str]
    index: int
    # The sheet cannot be read (a chart sheet, an unsupported one): calamine's message.
    error: str | None = None
    # 0-based (row, column) of the bottom-right cell; None for an empty sheet.
    end: tuple[int, int] | None = None
    merged: int = 0
    # calamine could not open the workbook at all: its message (names is then empty).
    open_error: str | None = None


class ProbeFailed(Exception):
    """The child died, timed out or answered nonsense: the file is not safe to open."""


def measure(path: Path, index: int, *, memory_bytes: int, timeout: float) -> SheetProbe:
    """Open sheet `index` of `path` in a child process and say what it holds.

    Raises ProbeFailed when the child does not answer (it is killed at the timeout),
    RuntimeError when it cannot run at all (a deployment fault, not the file's).
    """
    if not sys.executable:
        raise RuntimeError("The import probe needs sys.executable to start a child process.")
    command = [
        sys.executable,
        "-P",  # do not put this folder on the child's sys.path
        str(Path(__file__).resolve()),
        str(path.resolve()),  # absolute: never mistaken for an option
        str(index),
        "--memory-bytes",
        str(memory_bytes),
        "--cpu-seconds",
        str(int(timeout) + 1),
    ]
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and script, no shell
            command, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise ProbeFailed(f"no answer within {timeout} s") from None
    if done.returncode == EXIT_ENVIRONMENT:
        raise RuntimeError(f"The import probe cannot run: {done.stderr.decode(errors='replace')}")
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or [""]
        raise ProbeFailed(f"exit status {done.returncode}: {tail[0][:300]}")
    try:
        return _parse(done.stdout, index)
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise ProbeFailed(f"unreadable answer: {error}") from None


def _parse(out: bytes, index: int) -> SheetProbe:
    data = json.loads(out)
    if "open_error" in data:
        return SheetProbe(names=[], index=index, open_error=str(data["open_error"]))
    names = [str(name) for name in data["sheets"]]
    sheet = data["sheet"]
    if sheet is None:
        return SheetProbe(names=names, index=index, error="no such sheet")
    if "error" in sheet:
        return SheetProbe(names=names, index=index, error=str(sheet["error"]))
    end = sheet["end"]
    return SheetProbe(
        names=names,
        index=index,
        end=None if end is None else (int(end[0]), int(end[1])),
        merged=int(sheet["merged"]),
    )


# ---- The child -------------------------------------------------------------------------


def _limit(memory_bytes: int, cpu_seconds: int) -> None:
    try:
        import resource
    except ImportError:  # not on Unix: the timeout still applies
        return
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    # An abort must not leave a core dump of the file's contents on the server.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path")
    parser.add_argument("index", type=int)
    parser.add_argument("--memory-bytes", type=int, required=True)
    parser.add_argument("--cpu-seconds", type=int, required=True)
    args = parser.parse_args(argv)
    _limit(args.memory_bytes, args.cpu_seconds)
    try:
        from python_calamine import CalamineError, CalamineWorkbook
    except ImportError as error:
        print(f"python_calamine cannot be imported: {error}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    # The same calls, with the same expected errors, as the reader makes afterwards.
    # Anything else (a panic, MemoryError) is left to kill this process: that is the
    # answer the parent needs.
    try:
        book = CalamineWorkbook.from_path(args.path)
    except (CalamineError, OSError, ValueError) as error:
        _answer({"open_error": str(error)})
        return 0
    names = list(book.sheet_names)
    answer: dict[str, Any] = {"sheets": names, "sheet": None}
    if 0 <= args.index < len(names):
        try:
            sheet = book.get_sheet_by_index(args.index)
        except (CalamineError, ValueError) as error:
            answer["sheet"] = {"error": str(error)}
        else:
            end = sheet.end
            merged = sheet.merged_cell_ranges or []
            answer["sheet"] = {"end": list(end) if end else None, "merged": len(merged)}
    _answer(answer)
    return 0


def _answer(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data))
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
