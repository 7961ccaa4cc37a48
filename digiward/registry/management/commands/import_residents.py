"""digiward import_residents FILE --commune CODE [--dry-run] [--skip-invalid] [--errors-out F]
[--json]"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from digiward.core.models import Commune
from digiward.core.request_context import acting_as, command_origin
from digiward.registry.imports.reader import UnreadableFile
from digiward.registry.imports.runner import error_report_xlsx, import_file


class Command(BaseCommand):
    help = (
        "Import households and residents from an Excel or CSV ward list. All-or-nothing by "
        "default; --skip-invalid writes the valid rows. Exit status 1 when rows were rejected "
        "and nothing was written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--commune", required=True, help="official commune code, e.g. 31135")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )
        parser.add_argument(
            "--skip-invalid", action="store_true", help="write the valid rows, report the rest"
        )
        parser.add_argument(
            "--errors-out", help="write rejected rows and warnings to this .xlsx file"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        code = Commune.normalize_code(options["commune"])
        commune = Commune.objects.filter(code=code).first() if code else None
        if commune is None:
            raise CommandError(
                _("No commune has the code %(code)s.") % {"code": options["commune"]}
            )
        with acting_as(command_origin(f"import_residents {path.name}")):
            try:
                report = import_file(
                    path,
                    commune=commune,
                    acting_user=None,
                    dry_run=options["dry_run"],
                    skip_invalid=options["skip_invalid"],
                )
            except UnreadableFile as error:
                raise CommandError(str(error)) from None
        if options["errors_out"]:
            Path(options["errors_out"]).write_bytes(error_report_xlsx(report, filename=path.name))
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False, default=str))
        else:
            self._print_summary(report)
        if report.rejected and not report.written:
            raise SystemExit(1)

    def _print_summary(self, report: Any) -> None:
        out = self.stdout.write
        out(
            _("Sheet “%(sheet)s”, header on row %(row)s, %(n)s data rows.")
            % {"sheet": report.sheet, "row": report.header_row, "n": report.rows_read}
        )
        out(
            _(
                "Households: %(c)s new, %(u)s updated. Residents: %(rc)s new, %(ru)s updated, %(same)s unchanged."
            )
            % {
                "c": report.households_created,
                "u": report.households_updated,
                "rc": report.residents_created,
                "ru": report.residents_updated,
                "same": report.unchanged,
            }
        )
        for problem in report.rejected[:50]:
            out(f"  {_('row')} {problem['row']} · {problem['column']}: {problem['reason']}")
        if len(report.rejected) > 50:
            out(_("  … and %(n)s more (use --errors-out).") % {"n": len(report.rejected) - 50})
        if report.written:
            out(_("Written."))
        elif report.dry_run:
            out(_("Dry run: nothing written."))
        else:
            out(_("Nothing written: fix the rejected rows, or use --skip-invalid."))
