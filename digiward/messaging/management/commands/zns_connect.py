from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from digiward.messaging.zns import RefreshFailed, zns_configured, zns_connect


class Command(BaseCommand):
    help = "Store the Zalo OA's first refresh token (encrypted) and fetch an access token."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--refresh-token", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        if not zns_configured():
            raise CommandError("set DIGIWARD_ZNS_APP_ID and DIGIWARD_ZNS_SECRET_KEY first")
        try:
            cred = zns_connect(options["refresh_token"])
        except RefreshFailed as exc:
            raise CommandError(f"Zalo refused the refresh token: {exc}") from None
        self.stdout.write(
            f"connected; access token valid until {cred.access_expires_at:%Y-%m-%d %H:%M}"
        )
