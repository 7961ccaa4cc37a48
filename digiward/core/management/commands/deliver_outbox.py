from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from digiward.core.outbox import outbox_deliver_due, outbox_run_sweeps


class Command(BaseCommand):
    help = "Deliver every notification that is due (run from cron, or after an outage)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = {**outbox_deliver_due(), **outbox_run_sweeps()}
        self.stdout.write(" ".join(f"{key}={value}" for key, value in counts.items()))
