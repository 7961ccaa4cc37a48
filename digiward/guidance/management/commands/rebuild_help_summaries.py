"""digiward rebuild_help_summaries [--commune CODE]"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from digiward.core.models import Commune
from digiward.guidance.summaries import rebuild


class Command(BaseCommand):
    help = (
        "Count the help sessions of every day again (the dashboard's daily counts). Saving "
        "a session keeps them in step; run this after writing sessions around the ORM."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--commune", help="one commune's code (default: every commune)")

    def handle(self, *args: Any, **options: Any) -> None:
        commune_id = None
        if options["commune"]:
            code = Commune.normalize_code(options["commune"])
            commune = Commune.objects.filter(code=code).first()
            if commune is None:
                raise CommandError(f"No commune with code {options['commune']!r}.")
            commune_id = commune.pk
        started = time.perf_counter()
        rows = rebuild(commune_id)
        self.stdout.write(f"{rows:,} daily rows in {time.perf_counter() - started:.1f} s")
