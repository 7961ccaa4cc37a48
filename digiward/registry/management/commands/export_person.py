"""digiward export_person --commune CODE --resident ID -o FILE.json [--pdf FILE.pdf]"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from digiward.core.errors import DomainError
from digiward.core.models import Commune
from digiward.core.request_context import acting_as, command_origin
from digiward.registry.models import Resident
from digiward.registry.privacy.services import (
    resident_export_by_operator,
    resident_export_pdf_by_operator,
)


def commune_and_resident(code: str, resident_id: int) -> tuple[Commune, Resident]:
    """The commune by its official code and one of its residents by id, or a CommandError."""
    normalized = Commune.normalize_code(code)
    commune = Commune.objects.filter(code=normalized).first() if normalized else None
    if commune is None:
        raise CommandError(_("No commune has the code %(code)s.") % {"code": code})
    resident = (
        Resident.objects.for_commune(commune)
        .select_related("household", "consent_by", "legal_basis_by")
        .filter(pk=resident_id)
        .first()
    )
    if resident is None:
        raise CommandError(
            _("%(commune)s has no resident with the id %(id)s.")
            % {"commune": commune.name, "id": resident_id}
        )
    return commune, resident


class Command(BaseCommand):
    help = (
        "Export everything DigiWard holds about one person (a data-subject access request): "
        "JSON, and optionally the readable PDF in Vietnamese. Full citizen IDs; audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--commune", required=True, help="official commune code, e.g. 31135")
        parser.add_argument("--resident", required=True, type=int, help="the resident's id")
        parser.add_argument("-o", "--output", required=True, help="the JSON file to write")
        parser.add_argument("--pdf", help="also write the readable PDF to this file")

    def handle(self, *args: Any, **options: Any) -> None:
        commune, resident = commune_and_resident(options["commune"], options["resident"])
        with acting_as(command_origin(f"export_person {commune.code} {resident.pk}")):
            try:
                data = resident_export_by_operator(commune=commune, resident=resident)
                pdf = (
                    resident_export_pdf_by_operator(commune=commune, resident=resident)
                    if options["pdf"]
                    else None
                )
            except DomainError as error:
                raise CommandError(error.message) from None
        output = Path(options["output"])
        output.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        output.chmod(0o600)  # it holds the full citizen ID
        written = [str(output)]
        if pdf is not None:
            pdf_path = Path(options["pdf"])
            pdf_path.write_bytes(pdf)
            pdf_path.chmod(0o600)
            written.append(str(pdf_path))
        records = sum(len(s["records"]) for s in data["sections"].values())
        self.stdout.write(
            _("%(records)s records in %(sections)s sections written to %(files)s.")
            % {"records": records, "sections": len(data["sections"]), "files": ", ".join(written)}
        )
