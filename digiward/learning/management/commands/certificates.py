from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from digiward.core.audit import audit_record
from digiward.core.models import AuditAction, Commune
from digiward.core.request_context import acting_as, command_origin
from digiward.learning.models import Certificate


class Command(BaseCommand):
    help = "List a commune's skills certificates: verification code, holder, status."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--commune", required=True, help="commune code")
        parser.add_argument("--json", action="store_true", help="one JSON object per line")

    def handle(self, *args: Any, **options: Any) -> None:
        commune = Commune.objects.filter(code=options["commune"]).first()
        if commune is None:
            raise CommandError(
                _("No commune has the code %(code)s.") % {"code": options["commune"]}
            )
        certificates = (
            Certificate.objects.filter(commune=commune)
            .select_related("framework")
            .order_by("issued_on", "pk")
        )
        count = 0
        for certificate in certificates.iterator():
            count += 1
            if options["json"]:
                self.stdout.write(
                    json.dumps(
                        {
                            "code": certificate.code,
                            "holder": certificate.holder_name,
                            "status": certificate.status.value,
                            "framework": str(certificate.framework),
                            "issued_on": certificate.issued_on.isoformat(),
                            "revoked_at": certificate.revoked_at.isoformat()
                            if certificate.revoked_at
                            else None,
                        },
                        ensure_ascii=False,
                    )
                )
            else:
                self.stdout.write(
                    f"{certificate.code}\t{certificate.holder_name}\t{certificate.status.value}"
                )
        # Holders' names left the database: the listing is an export of personal data.
        with acting_as(command_origin(f"certificates --commune {commune.code}")):
            audit_record(
                action=AuditAction.EXPORT,
                commune=commune,
                object_type="learning.certificate",
                object_repr=_("Certificate list"),
                changes={"count": count},
            )
