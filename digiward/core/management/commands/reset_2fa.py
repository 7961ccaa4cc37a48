"""Reset a person's two-step sign-in from the server (a system administrator's path for
someone who lost their phone and codes and has no other administrator to ask)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from digiward.core.mfa import mfa_reset_by_operator
from digiward.core.models import User
from digiward.core.request_context import acting_as, command_origin


class Command(BaseCommand):
    help = "Remove a person's two-step sign-in devices; they set it up again at next sign-in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--reason", required=True, help="why (kept in the audit log)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username__iexact=options["username"]).first()
        if user is None:
            raise CommandError(f"No account has the username {options['username']!r}.")
        if not options["reason"].strip():
            raise CommandError("Give a reason: it is kept in the audit log.")
        with acting_as(command_origin("reset_2fa")):
            removed = mfa_reset_by_operator(user=user, reason=options["reason"])
        self.stdout.write(f"{user.username}: {removed} device(s) removed.")
