from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from digiward.ops.backup.upgrade import upgrade_check


class Command(BaseCommand):
    help = (
        "Before an upgrade: the pending migrations and their cost on this database, free "
        "disk, and a fresh backup. Exits non-zero when a check fails."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--max-backup-age-hours",
            type=float,
            default=24.0,
            help="the latest backup must be newer (default 24)",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        report = upgrade_check(
            alias=options["database"],
            max_backup_age=timedelta(hours=options["max_backup_age_hours"]),
        )
        for migration in report.pending:
            self.stdout.write(f"pending {migration.name}")
            for step in migration.steps:
                flag = " CONTRACT" if step.contract else ""
                self.stdout.write(
                    f"    {step.operation:<20} {step.kind:<14} {step.table or '-'} ({step.rows} rows){flag}"
                )
        for check in report.checks:
            self.stdout.write(f"{check.status:<5} {check.name:<10} {check.message}")
        if not report.ok:
            failed = sum(1 for check in report.checks if check.status == "FAIL")
            raise CommandError(_("%(count)s upgrade checks failed.") % {"count": failed})
        self.stdout.write(_("Ready to upgrade."))
