"""digiward apply_retention [--dry-run]: erase what is older than the retention periods.

settings.DIGIWARD_RETENTION_DAYS says how long (uploads, exports, closed_home_requests,
help_session_notes); each app registers its steps in `digiward.core.personal_data`.
Run it daily (docs/notes/privacy.md has the cron line and a systemd timer).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from digiward.core.models import Commune
from digiward.core.personal_data import retention_apply
from digiward.core.request_context import acting_as, command_origin


class Command(BaseCommand):
    help = (
        "Apply the retention periods: delete old uploaded lists and job files, erase the "
        "personal fields of old closed home-support requests and old help-session notes. "
        "One audit row per step and commune. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="say what would happen")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        with acting_as(command_origin("apply_retention" + (" --dry-run" if dry_run else ""))):
            reports = retention_apply(dry_run=dry_run)
        codes = dict(Commune.objects.values_list("pk", "code"))
        for report in reports:
            self.stdout.write(
                _("%(step)s (%(days)s days, before %(cutoff)s): %(n)s")
                % {
                    "step": report.step.key,
                    "days": report.days,
                    "cutoff": f"{report.cutoff:%Y-%m-%d}",
                    "n": report.counts.total,
                }
            )
            for commune_id, n in sorted(
                report.counts.by_commune.items(), key=lambda kv: kv[0] or 0
            ):
                where = codes.get(commune_id, "-") if commune_id is not None else "-"
                self.stdout.write(f"  {where}: {n}")
        self.stdout.write(_("Dry run: nothing changed.") if dry_run else _("Done."))
