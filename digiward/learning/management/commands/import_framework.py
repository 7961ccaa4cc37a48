from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from digiward.core.models import Commune
from digiward.core.request_context import acting_as, command_origin
from digiward.learning.framework_files import FrameworkFileError, framework_parse
from digiward.learning.services import framework_save


class Command(BaseCommand):
    help = "Import a competence framework from a JSON file (all or nothing; the same file twice changes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a file written by export_framework")
        parser.add_argument("--commune", help="import as this commune's own copy (commune code)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        commune = None
        if options["commune"]:
            commune = Commune.objects.filter(code=options["commune"]).first()
            if commune is None:
                raise CommandError(
                    _("No commune has the code %(code)s.") % {"code": options["commune"]}
                )
        try:
            data = framework_parse(path.read_bytes())
            with acting_as(command_origin(f"import_framework {path.name}")):
                result = framework_save(data, commune=commune)
        except FileNotFoundError:
            raise CommandError(_("The file %(file)s does not exist.") % {"file": path}) from None
        except FrameworkFileError as error:
            raise CommandError(
                "\n".join([error.message, *(f"- {p}" for p in error.problems)])
            ) from None
        if not result.changed:
            message = _("%(framework)s is already loaded; nothing changed.")
        elif result.created:
            message = _("%(framework)s imported.")
        else:
            message = _("%(framework)s updated.")
        self.stdout.write(message % {"framework": result.framework})
