from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from digiward.core.request_context import acting_as, command_origin
from digiward.homecare.notifications import visit_confirmations_queue


class Command(BaseCommand):
    help = (
        "Queue the day-before confirmation of tomorrow's home visits (run daily from cron). "
        "Safe to run several times: each confirmation is queued once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="today's date as YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today must be YYYY-MM-DD") from None
        with acting_as(command_origin("send_visit_confirmations")):
            queued = visit_confirmations_queue(today=today)
        self.stdout.write(f"queued={queued}")
