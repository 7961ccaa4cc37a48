from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.models import Commune
from digiward.core.request_context import acting_as, command_origin
from digiward.demo.seeders.donations import seed_donations
from digiward.demo.seeders.guidance import seed_guidance
from digiward.demo.seeders.homecare import seed_homecare
from digiward.demo.seeders.learning import seed_learning
from digiward.demo.seeders.messaging import seed_messaging
from digiward.demo.seeders.registry import seed_registry
from digiward.demo.seeders.users import (
    DEMO_PASSWORD,
    DEMO_TOTP_KEY,
    seed_two_step,
    seed_users,
)

NINH_KIEU = "31135"


class Command(BaseCommand):
    help = (
        "Build a realistic demo commune (default: Phường Ninh Kiều, Cần Thơ): households, "
        "residents, journeys and demo sign-ins for every role. Deterministic and idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--commune", default=NINH_KIEU, help="official commune code")
        parser.add_argument("--households", type=int, default=2000)
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="YYYY-MM-DD the demo is built around (default: today). The same --today "
            "always builds the same data.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            # The demo's sign-ins have a password printed in the README: on a real
            # server they would be open doors into a ward's registry.
            raise CommandError(
                _(
                    "seed_demo makes demo accounts whose password is published; it never runs "
                    "with DIGIWARD_ENV=production. Create real accounts with grant_role."
                )
            )
        code = Commune.normalize_code(options["commune"])
        commune = (
            Commune.objects.select_related("province").filter(code=code).first() if code else None
        )
        if commune is None:
            if not Commune.objects.exists():
                raise CommandError(
                    _("No communes are loaded yet: run `digiward load_units` first.")
                )
            raise CommandError(
                _("No commune has the code %(code)s.") % {"code": options["commune"]}
            )
        today = options["today"] or timezone.localdate()
        with acting_as(command_origin("seed_demo")):
            logins = seed_users(commune)
            result = seed_registry(
                commune=commune, recorded_by=None, households=options["households"], today=today
            )
            # Capabilities built on the registry add their own demo data, in dependency order.
            summaries = [
                seed_guidance(commune=commune, today=today),
                seed_homecare(commune=commune, today=today),
                seed_donations(commune=commune, today=today),
                seed_messaging(commune=commune),
                seed_learning(commune=commune),
            ]
            seed_two_step(commune)
        self.stdout.write(
            _("%(commune)s: %(h)s households, %(r)s residents and %(m)s milestones created.")
            % {
                "commune": commune.name,
                "h": result.households_created,
                "r": result.residents_created,
                "m": result.milestones_created,
            }
        )
        for summary in summaries:
            self.stdout.write(f"  {summary}")
        self.stdout.write(
            _("Demo sign-ins (password: %(password)s):") % {"password": DEMO_PASSWORD}
        )
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.role.label} · {login.full_name}")
        self.stdout.write(
            _(
                "Administrators, officers and the province viewer also type a code (two-step "
                "sign-in): add the key %(key)s to an authenticator app, or run "
                "`digiward demo_code`."
            )
            % {"key": DEMO_TOTP_KEY}
        )
