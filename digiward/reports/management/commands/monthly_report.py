"""digiward monthly_report --commune CODE --month YYYY-MM --format xlsx|pdf -o FILE"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from digiward.core.audit import audit_record
from digiward.core.models import AuditAction, Commune
from digiward.reports.monthly import FORMATS, MonthError, monthly_report, parse_month


class Command(BaseCommand):
    help = (
        "Write a commune's monthly report (the dashboard's figures for one month) as "
        "Excel or PDF. The same file the dashboard's 'Monthly report' makes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--commune", required=True, help="official commune code, e.g. 31135")
        parser.add_argument("--month", required=True, help="YYYY-MM, e.g. 2026-11")
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("-o", "--output", required=True, help="file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        code = Commune.normalize_code(options["commune"])
        commune = Commune.objects.select_related("province").filter(code=code).first()
        if commune is None:
            raise CommandError(f"No commune with code {options['commune']!r}.")
        try:
            month = parse_month(options["month"])
        except MonthError as error:
            raise CommandError(str(error)) from error
        content = monthly_report(commune, month, options["format"])
        output = Path(options["output"])
        output.write_bytes(content)
        audit_record(
            action=AuditAction.EXPORT,
            commune=commune,
            object_type="reports.monthly",
            object_repr=output.name,
            note=f"{month:%Y-%m} {options['format']} (command)",
        )
        self.stdout.write(f"{output} ({len(content):,} bytes)")
