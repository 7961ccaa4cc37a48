from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from digiward.core.models import Commune
from digiward.core.request_context import acting_as, command_origin
from digiward.guidance.services import shift_reminders_queue


class Command(BaseCommand):
    help = (
        "Queue the day-before reminders for tomorrow's duty shifts (published rosters). "
        "Safe to run several times a day: each reminder is queued once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="today's date as YYYY-MM-DD (default: today)")
        parser.add_argument("--commune", help="official commune code (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD") from None
        commune = None
        if options["commune"]:
            commune = Commune.objects.filter(
                code=Commune.normalize_code(options["commune"])
            ).first()
            if commune is None:
                raise CommandError(f"no commune has the code {options['commune']}")
        with acting_as(command_origin("send_shift_reminders")):
            queued = shift_reminders_queue(today=today, commune=commune)
        self.stdout.write(f"queued={queued}")
