from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from digiward.core.models import Commune
from digiward.learning.models import Framework
from digiward.learning.services import framework_export


class Command(BaseCommand):
    help = (
        "Write a competence framework (with its crosswalk) as a JSON file another DigiWard imports."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="framework code, e.g. DW-ESSENTIALS")
        parser.add_argument(
            "-o", "--output", required=True, help="JSON file to write ('-' for stdout)"
        )
        parser.add_argument(
            "--framework-version", dest="framework_version", help="version (default: the newest)"
        )
        parser.add_argument("--commune", help="the commune's own copy (commune code)")

    def handle(self, *args: Any, **options: Any) -> None:
        frameworks = Framework.objects.filter(code=options["code"].upper())
        if options["commune"]:
            commune = Commune.objects.filter(code=options["commune"]).first()
            if commune is None:
                raise CommandError(
                    _("No commune has the code %(code)s.") % {"code": options["commune"]}
                )
            frameworks = frameworks.filter(commune=commune)
        else:
            frameworks = frameworks.filter(commune__isnull=True)
        if options["framework_version"]:
            frameworks = frameworks.filter(version=options["framework_version"])
        framework = frameworks.order_by("-updated_at", "-pk").first()
        if framework is None:
            raise CommandError(_("No framework has the code %(code)s.") % {"code": options["code"]})
        text = json.dumps(framework_export(framework), ensure_ascii=False, indent=2) + "\n"
        if options["output"] == "-":
            self.stdout.write(text, ending="")
            return
        Path(options["output"]).write_text(text, encoding="utf-8")
        self.stderr.write(
            _("Wrote %(framework)s to %(file)s.")
            % {"framework": framework, "file": options["output"]}
        )
