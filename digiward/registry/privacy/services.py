"""A person's rights over their data: export everything DigiWard holds, anonymise on request.

Both go through every section registered in `core.personal_data` (the registry's own and
those of guidance, homecare and donations), write one audit row and are the only way to
do this: the pages of a commune administrator and the commands `digiward export_person`
and `digiward anonymise_person` (an operator at the server) call the same functions.

The audit log is append-only and is not rewritten by an anonymisation: it is the legal
record of who accessed the person's data (docs/notes/privacy.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.audit import audit_record
from digiward.core.dates import day_text
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction, Commune, User
from digiward.core.permissions import Perm
from digiward.core.personal_data import Record, Reveal, sections
from digiward.registry.models import Resident
from digiward.registry.privacy import sections as _registry_sections  # noqa: F401  (registers)

# Held only by commune administrators (core.permissions).
PRIVACY_PERM = Perm.HANDLE_DATA_REQUESTS  # commune administrators only

EXPORT_FORMAT = "digiward.person-export/1"
CITIZEN_LANGUAGE = "vi"


@dataclass(frozen=True)
class SectionExport:
    key: str
    title: str
    records: list[Record]


@dataclass(frozen=True)
class PersonExport:
    """Everything DigiWard holds about one person, section by section."""

    commune: Commune
    resident: Resident
    generated_at: datetime
    full_citizen_ids: bool
    sections: list[SectionExport]

    def as_json(self) -> dict[str, Any]:
        return {
            "format": EXPORT_FORMAT,
            "generated_at": timezone.localtime(self.generated_at).isoformat(timespec="seconds"),
            "commune": {"code": self.commune.code, "name": self.commune.name},
            "resident": {
                "id": self.resident.pk,
                "anonymised": self.resident.is_anonymised,
            },
            "citizen_ids": "full" if self.full_citizen_ids else "masked",
            "sections": {
                section.key: {
                    "title": section.title,
                    "records": [r.as_json() for r in section.records],
                }
                for section in self.sections
            },
        }

    def counts(self) -> dict[str, int]:
        return {section.key: len(section.records) for section in self.sections}


def _fresh(commune: Commune, resident: Resident) -> Resident:
    """The stored person (never what a caller changed in memory), in this commune only."""
    stored: Resident | None = (
        Resident.objects.filter(pk=resident.pk, commune_id=commune.pk)
        .select_related("household", "consent_by", "legal_basis_by")
        .first()
    )
    if stored is None:
        raise DomainError(_("This person belongs to another commune."))
    return stored


def _collect(commune: Commune, resident: Resident, *, full_ids: bool) -> PersonExport:
    resident = _fresh(commune, resident)
    reveal = Reveal(full_citizen_ids=full_ids)
    # The export is the citizen's document: in Vietnamese, whatever the screen's language.
    with translation.override(CITIZEN_LANGUAGE):
        found = [
            SectionExport(
                key=section.key,
                title=str(section.title),
                records=section.collect(resident, reveal=reveal),
            )
            for section in sections()
        ]
    return PersonExport(
        commune=commune,
        resident=resident,
        generated_at=timezone.now(),
        full_citizen_ids=full_ids,
        sections=found,
    )


def _audited_export(
    commune: Commune, resident: Resident, *, full_ids: bool, fmt: str, actor: User | None = None
) -> PersonExport:
    export = _collect(commune, resident, full_ids=full_ids)
    audit_record(
        action=AuditAction.EXPORT,
        commune=commune,
        obj=export.resident,
        actor=actor,
        changes={
            "format": [None, fmt],
            "citizen_id": [None, "full" if full_ids else "masked"],
        },
        note="personal data export: "
        + ", ".join(f"{key} {n}" for key, n in export.counts().items()),
    )
    return export


def person_export(*, access: Access, resident: Resident, fmt: str) -> PersonExport:
    """The export as records (for the PDF or the JSON), audited. Full citizen IDs only for
    roles that may see them."""
    access.require(PRIVACY_PERM)
    return _audited_export(
        access.commune,
        resident,
        full_ids=access.has(Perm.VIEW_FULL_CITIZEN_ID),
        fmt=fmt,
        actor=access.user,
    )


@transaction.atomic
def resident_export(*, access: Access, resident: Resident) -> dict[str, Any]:
    """Everything held about the person, machine-readable (JSON), audited."""
    return person_export(access=access, resident=resident, fmt="json").as_json()


@transaction.atomic
def resident_export_pdf(*, access: Access, resident: Resident) -> bytes:
    """Everything held about the person, readable, in Vietnamese (PDF), audited."""
    from digiward.registry.privacy.pdf import person_pdf

    return person_pdf(person_export(access=access, resident=resident, fmt="pdf"))


@transaction.atomic
def resident_export_by_operator(*, commune: Commune, resident: Resident) -> dict[str, Any]:
    """The command line's export: an operator at the server gets the full citizen ID."""
    return _audited_export(commune, resident, full_ids=True, fmt="json").as_json()


@transaction.atomic
def resident_export_pdf_by_operator(*, commune: Commune, resident: Resident) -> bytes:
    from digiward.registry.privacy.pdf import person_pdf

    return person_pdf(_audited_export(commune, resident, full_ids=True, fmt="pdf"))


# ---- Anonymisation -------------------------------------------------------------------------


class AlreadyAnonymised(DomainError):
    pass


@dataclass(frozen=True)
class SectionPreview:
    key: str
    title: str
    records: int


@dataclass(frozen=True)
class AnonymisePreview:
    """What the confirmation page shows: what each section holds, and what stops it."""

    sections: list[SectionPreview]
    blockers: list[str]


def anonymise_preview(resident: Resident) -> AnonymisePreview:
    """No audit row of its own: the page showing it is audited as a view of the person."""
    reveal = Reveal(full_citizen_ids=False, files=False)
    previews, blockers = [], []
    for section in sections():
        previews.append(
            SectionPreview(
                section.key, str(section.title), len(section.collect(resident, reveal=reveal))
            )
        )
        blockers += section.blockers(resident)
    return AnonymisePreview(sections=previews, blockers=blockers)


@dataclass(frozen=True)
class AnonymiseResult:
    resident: Resident
    label: str
    at: datetime
    counts: dict[str, dict[str, int]]


def _anonymise(
    commune: Commune, resident: Resident, *, reason: str, actor: User | None = None
) -> AnonymiseResult:
    reason = reason.strip()
    if not reason:
        raise DomainError(
            _("Say why: the request the person made, or the decision behind it."), field="reason"
        )
    locked = (
        Resident.objects.select_for_update()
        .filter(pk=resident.pk, commune_id=commune.pk)
        .select_related("commune")
        .first()
    )
    if locked is None:
        raise DomainError(_("This person belongs to another commune."))
    if locked.anonymised_at is not None:
        raise AlreadyAnonymised(
            _("This person was already anonymised on %(day)s; nothing is left to erase.")
            % {"day": f"{day_text(timezone.localtime(locked.anonymised_at))}"}
        )
    blockers = [text for section in sections() for text in section.blockers(locked)]
    if blockers:
        raise DomainError(" ".join(blockers))
    now = timezone.now()
    counts: dict[str, dict[str, int]] = {}
    for section in sections():
        changed = section.anonymise(locked, now=now)
        if any(changed.values()):
            counts[section.key] = {k: v for k, v in changed.items() if v}
    audit_record(
        action=AuditAction.DELETE,
        commune=commune,
        obj=locked,
        object_repr=locked.full_name,  # the neutral label: the new row adds no name
        changes={
            key: [None, ", ".join(f"{name} {n}" for name, n in erased.items())]
            for key, erased in counts.items()
        },
        note=f"anonymised: {reason}",
        actor=actor,
    )
    resident.refresh_from_db()
    return AnonymiseResult(resident=locked, label=locked.full_name, at=now, counts=counts)


@transaction.atomic
def resident_anonymise(*, access: Access, resident: Resident, reason: str) -> AnonymiseResult:
    """Erase the person's personal fields everywhere, keep what statistics count; one audit
    row, irreversible. Refused for someone already anonymised, or while something open
    still needs the person's details (a home-support request, an item set aside)."""
    access.require(PRIVACY_PERM)
    return _anonymise(access.commune, resident, reason=reason, actor=access.user)


@transaction.atomic
def resident_anonymise_by_operator(
    *, commune: Commune, resident: Resident, reason: str
) -> AnonymiseResult:
    return _anonymise(commune, resident, reason=reason)
