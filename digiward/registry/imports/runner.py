"""Running an import end to end: read, check, match, and write (or not), with a report.

Used by the `import_residents` command and by the web import job, so both behave
exactly alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.dates import moment_text
from digiward.core.models import Commune, User
from digiward.core.xlsx import build_workbook
from digiward.registry.identity import citizen_id_hash
from digiward.registry.imports.apply import load_snapshot, write_plan
from digiward.registry.imports.headers import FIELD_LABELS
from digiward.registry.imports.plan import make_plan
from digiward.registry.imports.reader import read_table
from digiward.registry.imports.rows import RowProblem, parse_rows

Progress = Callable[[int, int, str], None]


@dataclass
class DetectedColumn:
    letter: str
    header: str
    field: str  # the field's label in the current language, "" when ignored


@dataclass
class ImportReport:
    households_created: int = 0
    households_updated: int = 0
    residents_created: int = 0
    residents_updated: int = 0
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    written: bool = False
    dry_run: bool = False
    skip_invalid: bool = False
    rows_read: int = 0
    rejected_rows: int = 0
    warnings: list[dict[str, Any]] = field(default_factory=list)
    sheet: str = ""
    header_row: int = 0
    footer_row: int | None = None
    columns: list[DetectedColumn] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The command's --json object: the keys the issue names first."""
        data = asdict(self)
        keys = [
            "households_created",
            "households_updated",
            "residents_created",
            "residents_updated",
            "unchanged",
            "rejected",
            "written",
        ]
        return {**{k: data.pop(k) for k in keys}, **data}

    @property
    def clean(self) -> bool:
        return not self.rejected


def _silent(done: int, total: int, message: str) -> None:
    return None


def import_file(
    path: Path,
    *,
    commune: Commune,
    acting_user: User | None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    original_name: str | None = None,
    today: date | None = None,
    progress: Progress = _silent,
) -> ImportReport:
    """Read, check and match a ward list; write it unless told not to or it has errors."""
    today = today or timezone.localdate()
    name = original_name or path.name
    progress(0, 4, _("Reading the file"))
    sheet = read_table(path, original_name=name)
    report = ImportReport(
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        sheet=sheet.name,
        header_row=sheet.header.header_row_number,
    )
    found = sheet.header.by_field
    report.columns = [
        DetectedColumn(c.letter, c.header, str(FIELD_LABELS[c.field]) if c.field else "")
        for c in sheet.header.columns
        if c.header or c.field
    ]
    progress(1, 4, _("Checking %(n)s rows") % {"n": len(sheet.rows) - sheet.header.data_start})
    required = [f for f in ("household_code", "full_name") if f not in {x.value for x in found}]
    if required:
        report.missing_columns = [
            str(FIELD_LABELS[next(f for f in FIELD_LABELS if f.value == r)]) for r in required
        ]
        report.rejected = [
            RowProblem(
                sheet.header.header_row_number,
                "",
                _("The file has no “%(column)s” column.") % {"column": label},
            ).as_dict()
            for label in report.missing_columns
        ]
        return report
    parsed = parse_rows(sheet.rows, sheet.header, today=today)
    report.rows_read = len(parsed.rows)
    report.footer_row = parsed.footer_row
    progress(2, 4, _("Matching with the registry"))
    headers = {f.value: c.header for f, c in found.items()}
    plan = make_plan(
        parsed.rows, load_snapshot(commune), hash_citizen_id=citizen_id_hash, headers=headers
    )
    report.households_created = plan.households_created
    report.households_updated = plan.households_updated
    report.residents_created = plan.residents_created
    report.residents_updated = plan.residents_updated
    report.unchanged = plan.unchanged
    report.rejected = [p.as_dict() for p in plan.rejected]
    report.rejected_rows = plan.rejected_rows
    report.warnings = [p.as_dict() for p in plan.warnings]
    if dry_run or (plan.rejected and not skip_invalid):
        return report
    progress(3, 4, _("Writing to the registry"))
    write_plan(plan, commune=commune, acting_user=acting_user, filename=name)
    report.written = True
    progress(4, 4, _("Done"))
    return report


def error_report_xlsx(report: ImportReport, *, filename: str) -> bytes:
    """The rejected rows and the warnings, for the person who has to fix the file."""
    rows = [(p["row"], p["column"], p["reason"], _("Error")) for p in report.rejected]
    rows += [(p["row"], p["column"], p["reason"], _("Warning")) for p in report.warnings]
    rows.sort(key=lambda r: (r[0], r[1]))
    return build_workbook(
        title=_("Import problems"),
        subtitle=f"{filename} · {moment_text(timezone.localtime())}",
        headers=[_("Row"), _("Column"), _("Reason"), _("Kind")],
        rows=rows,
        widths=[8, 24, 80, 12],
    )
