"""Print the current two-step sign-in code of the demo accounts (demo only)."""

from __future__ import annotations

import base64
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django_otp.oath import TOTP

from digiward.demo.seeders.users import DEMO_TOTP_KEY


class Command(BaseCommand):
    help = "Print the 6-digit code that demo accounts type at sign-in (never in production)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(_("demo_code only works in the demo, never in production."))
        totp = TOTP(base64.b32decode(DEMO_TOTP_KEY))
        left = 30 - int(time.time()) % 30
        self.stdout.write(
            _("%(code)s (valid for %(seconds)s more seconds)")
            % {"code": f"{totp.token():06d}", "seconds": left}
        )
