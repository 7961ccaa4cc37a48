from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from digiward.core.outbox import outbox_deliver_due


class Command(BaseCommand):
    help = "Deliver every notification that is due (run from cron, or after an outage)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = outbox_deliver_due()
        self.stdout.write(
            f"sent={counts['sent']} retry={counts['retry']} failed={counts['failed']}"
        )
