"""digiward anonymise_person --commune CODE --resident ID --reason TEXT [--dry-run]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from digiward.core.errors import DomainError
from digiward.core.request_context import acting_as, command_origin
from digiward.registry.management.commands.export_person import commune_and_resident
from digiward.registry.privacy.services import (
    anonymise_preview,
    resident_anonymise_by_operator,
)


class Command(BaseCommand):
    help = (
        "Anonymise one person on a lawful request: erase the personal fields everywhere, keep "
        "what statistics count. Irreversible, audited. Refused for someone already anonymised "
        "or while a request or an allocation still needs their details."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--commune", required=True, help="official commune code, e.g. 31135")
        parser.add_argument("--resident", required=True, type=int, help="the resident's id")
        parser.add_argument(
            "--reason", required=True, help="the request or decision (kept in the audit log)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="show what is held and what stops it"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        commune, resident = commune_and_resident(options["commune"], options["resident"])
        if options["dry_run"]:
            preview = anonymise_preview(resident)
            for section in preview.sections:
                self.stdout.write(f"  {section.key}: {section.records}")
            for blocker in preview.blockers:
                self.stdout.write(f"  ! {blocker}")
            self.stdout.write(_("Dry run: nothing written."))
            return
        with acting_as(command_origin(f"anonymise_person {commune.code} {resident.pk}")):
            try:
                result = resident_anonymise_by_operator(
                    commune=commune, resident=resident, reason=options["reason"]
                )
            except DomainError as error:
                raise CommandError(error.message) from None
        for key, erased in result.counts.items():
            self.stdout.write(f"  {key}: " + ", ".join(f"{name} {n}" for name, n in erased.items()))
        self.stdout.write(
            _("Resident %(id)s anonymised: the record now reads “%(label)s”.")
            % {"id": resident.pk, "label": result.label}
        )
