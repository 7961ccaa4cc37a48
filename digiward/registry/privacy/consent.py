"""What DigiWard may do with one person's data, on what basis, since when, recorded by whom:
the plain-language panel on the resident's page.

The bases (docs/notes/privacy.md): the person's consent (Decree 13/2023/NĐ-CP Art. 11,
Personal Data Protection Law 91/2025/QH15 Art. 9: specific, informed, recorded in a
form that can be printed); the ward's official list, kept for the ward's public tasks,
which needs no consent (Decree 13 Art. 17); a request the person made (help at the desk
or at home), kept to handle that request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from digiward.registry.models import ConsentPurpose, LegalBasis, Resident

PURPOSE_SENTENCES = {
    ConsentPurpose.JOURNEY: lambda: _(
        "Record the steps of their digital journey and help them at the desk."
    ),
    ConsentPurpose.CONTACT: lambda: _("Phone or text them about appointments and follow-ups."),
    ConsentPurpose.HOME_SUPPORT: lambda: _("Plan visits to their home and keep the visit records."),
    ConsentPurpose.DONATIONS: lambda: _(
        "Consider their household for device donations and follow up after a handover."
    ),
}


@dataclass(frozen=True)
class DataUse:
    """The panel's content, already in words."""

    basis: str  # the basis in words, "" when none is recorded
    basis_explained: str
    basis_on: date | None
    basis_by: str
    consent_on: date | None
    consent_by: str
    consent_details: str
    withdrawn_on: date | None
    may: list[str] = field(default_factory=list)
    warning: str = ""
    anonymised: bool = False


def _who(user: object) -> str:
    return str(user) if user is not None else ""


def data_use(resident: Resident) -> DataUse:
    # A consent written straight into the table (demo data, older code) still counts.
    basis = resident.legal_basis or (LegalBasis.CONSENT if resident.consent_on else "")
    consent_valid = resident.consent_on is not None and resident.consent_withdrawn_on is None
    explained = (
        {
            LegalBasis.OFFICIAL_LIST: _(
                "The details come from the official list the ward keeps for its public tasks; "
                "no consent is needed for that (Decree 13/2023/NĐ-CP, Art. 17). Anything beyond "
                "it needs the person's consent."
            ),
            LegalBasis.CONSENT: _(
                "The person agreed, for the purposes below and nothing else. They may withdraw "
                "their consent at any time."
            ),
            LegalBasis.OWN_REQUEST: _(
                "The person asked the ward for help (at the desk or at home); the details are "
                "kept to handle that request."
            ),
        }.get(LegalBasis(basis), "")
        if basis
        else ""
    )
    may: list[str] = []
    warning = ""
    if resident.is_anonymised:
        warning = _("The personal details were erased; only the statistics are kept.")
    elif basis and (basis != LegalBasis.CONSENT or consent_valid):
        may.append(
            _(
                "Keep the details shown here and count the person in the ward's statistics "
                "(numbers only, never names)."
            )
        )
        if consent_valid:
            may += [
                str(PURPOSE_SENTENCES[ConsentPurpose(p)]())
                for p in resident.consent_purposes
                if p in ConsentPurpose.values
            ]
        elif basis == LegalBasis.OFFICIAL_LIST:
            may.append(_("Find the person at the desk and record the help given."))
        may.append(
            _(
                "Share nothing outside the ward's staff. A sponsor sees a recipient's name only "
                "if the person agreed at the handover."
            )
        )
    if not resident.is_anonymised:
        if not basis:
            warning = _(
                "No legal basis is recorded for this person. Record their consent, or import "
                "the ward's official list they are on."
            )
        elif basis == LegalBasis.CONSENT and not consent_valid:
            warning = _(
                "Consent was withdrawn and nothing else allows DigiWard to keep these details: "
                "a commune administrator should anonymise the record."
            )
        elif resident.consent_withdrawn_on is not None:
            warning = _("Consent was withdrawn: DigiWard may no longer use the details for it.")
    return DataUse(
        basis=str(LegalBasis(basis).label) if basis else "",
        basis_explained=explained,
        basis_on=resident.legal_basis_on if resident.legal_basis else resident.consent_on,
        basis_by=_who(resident.legal_basis_by if resident.legal_basis else resident.consent_by),
        consent_on=resident.consent_on,
        consent_by=_who(resident.consent_by),
        consent_details=resident.consent_scope,
        withdrawn_on=resident.consent_withdrawn_on,
        may=may,
        warning=warning,
        anonymised=resident.is_anonymised,
    )
