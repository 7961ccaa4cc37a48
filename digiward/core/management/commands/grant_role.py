from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from digiward.core.errors import DomainError
from digiward.core.models import Commune, Province, Role, User
from digiward.core.request_context import acting_as, command_origin
from digiward.core.services import role_assign_by_operator


class Command(BaseCommand):
    help = (
        "Give a user a role: the first commune administrator, or a province viewer. "
        "Creates the user if --create is given (the password is asked for)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="username")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--commune", help="official commune code, e.g. 31135")
        parser.add_argument("--province", help="official province code, e.g. 92")
        parser.add_argument("--create", action="store_true", help="create the user if missing")
        parser.add_argument("--full-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        commune = province = None
        if options["commune"]:
            code = Commune.normalize_code(options["commune"])
            commune = Commune.objects.filter(code=code).first() if code else None
            if commune is None:
                raise CommandError(
                    _("No commune has the code %(code)s.") % {"code": options["commune"]}
                )
        if options["province"]:
            province = Province.objects.filter(code=str(options["province"]).zfill(2)).first()
            if province is None:
                raise CommandError(
                    _("No province has the code %(code)s.") % {"code": options["province"]}
                )
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            if not options["create"]:
                raise CommandError(
                    _("No user is called %(name)s (add --create).") % {"name": options["user"]}
                )
            user = User(username=options["user"], full_name=options["full_name"] or options["user"])
            user.set_unusable_password()
            user.save()
            self.stdout.write(
                _("User created; set a password with: digiward changepassword %(name)s")
                % {"name": user.username}
            )
        with acting_as(command_origin("grant_role")):
            try:
                _membership, created = role_assign_by_operator(
                    user=user, role=Role(options["role"]), commune=commune, province=province
                )
            except DomainError as error:
                raise CommandError(error.message) from None
        self.stdout.write(_("Role granted.") if created else _("The user already had this role."))
