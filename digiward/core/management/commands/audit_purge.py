from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils.translation import gettext as _

from digiward.core.db import audit_guard


class Command(BaseCommand):
    help = (
        "Delete audit events older than a date (retention). Database owner only: it "
        "lifts the append-only trigger for the length of one transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--before", required=True, help="YYYY-MM-DD: delete events before this day"
        )
        parser.add_argument("--yes", action="store_true", help="do it (otherwise only count)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            cutoff = date.fromisoformat(options["before"])
        except ValueError:
            raise CommandError(_("--before must be a date written YYYY-MM-DD.")) from None
        table = audit_guard.AUDIT_TABLE
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE at < %s", [cutoff])  # noqa: S608
            (count,) = cursor.fetchone()
        if not options["yes"]:
            self.stdout.write(
                _("%(count)s events would be deleted (add --yes).") % {"count": count}
            )
            return
        vendor = connection.vendor
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in audit_guard.lift_statements(vendor):
                cursor.execute(statement)
            cursor.execute(f"DELETE FROM {table} WHERE at < %s", [cutoff])  # noqa: S608
            for statement in audit_guard.restore_statements(vendor):
                cursor.execute(statement)
        self.stdout.write(_("%(count)s events deleted.") % {"count": count})
