from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from digiward.core.errors import DomainError
from digiward.messaging.models import ZnsTemplate
from digiward.messaging.services import zns_templates_set
from digiward.messaging.templates import KINDS


class Command(BaseCommand):
    help = (
        "List or set the installation's approved ZNS template id of each message kind "
        "(a commune admin may override one on the messages settings page)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--set", action="append", default=[], metavar="KIND=ID")

    def handle(self, *args: Any, **options: Any) -> None:
        for item in options["set"]:
            kind, _sep, template_id = item.partition("=")
            try:
                zns_templates_set(kind=kind.strip(), template_id=template_id.strip())
            except DomainError as error:
                raise CommandError(f"{error.message}: {item}") from None
        ids = dict(
            ZnsTemplate.objects.filter(commune__isnull=True).values_list("kind", "template_id")
        )
        for kind, spec in KINDS.items():
            params = ", ".join(f"{p.name}({p.max_length})" for p in spec.params)
            self.stdout.write(f"{kind}={ids.get(kind, '') or '-'}  [{params}]")
