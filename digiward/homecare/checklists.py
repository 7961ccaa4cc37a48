"""What each procedure needs at the home: authority, time, what to bring, the call script.

A commune's ProcedureProfile row wins; empty fields fall back to defaults by the
procedure's field. Certification at the commune (signatures, authorization contracts)
needs the commune's seal and certification register and someone authorised to certify
(Decree 23/2015/NĐ-CP Art. 5(2)); people who cannot sign fingerprint instead (điểm chỉ).
What the person must have ready comes from the procedure catalog's documents list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from digiward.core.dates import day_text
from digiward.homecare.models import Authority, ProcedureProfile
from digiward.procedures.models import Procedure, ProcedureField
from digiward.registry.journey import MilestoneKind

_FORMS = gettext_lazy("Printed forms for the procedure (two copies)")
_PEN = gettext_lazy("Pen, and an ink pad for a fingerprint if the person cannot sign")
_PHONE = gettext_lazy("A phone or tablet with mobile data, charged")
_CARD = gettext_lazy("The printed guide card to leave with the person")
_ID = gettext_lazy("Staff ID card and the visit plan")

OFFICER_BRINGS: dict[str, list[StrOrPromise]] = {
    ProcedureField.CERTIFICATION: [
        _FORMS,
        gettext_lazy("The commune's seal (con dấu)"),
        gettext_lazy("The certification register (sổ chứng thực)"),
        _PEN,
        gettext_lazy("Receipt book for the certification fee"),
        _ID,
    ],
    ProcedureField.CIVIL_STATUS: [
        _FORMS,
        gettext_lazy("The civil-status register (sổ hộ tịch)"),
        _PEN,
        _ID,
    ],
    ProcedureField.SOCIAL_PROTECTION: [_FORMS, _PEN, _ID],
    ProcedureField.RESIDENCE: [_PHONE, _CARD, _ID],
    ProcedureField.IDENTIFICATION: [_PHONE, _CARD, _ID],
    ProcedureField.ONLINE_SERVICES: [_PHONE, _CARD, _ID],
    ProcedureField.PAYMENTS: [_PHONE, _CARD, _ID],
    ProcedureField.HEALTH_INSURANCE: [_PHONE, _CARD, _ID],
    ProcedureField.DIGITAL_SAFETY: [_CARD, _ID],
}
DEFAULT_BRINGS: list[StrOrPromise] = [_FORMS, _PEN, _ID]

AUTHORITY_BY_FIELD: dict[str, str] = {
    ProcedureField.CERTIFICATION: Authority.CERTIFY,
    ProcedureField.CIVIL_STATUS: Authority.CIVIL_STATUS,
}
MINUTES_BY_FIELD: dict[str, int] = {
    ProcedureField.CERTIFICATION: 30,
    ProcedureField.CIVIL_STATUS: 40,
    ProcedureField.SOCIAL_PROTECTION: 30,
}
# Digital-journey steps a visit for these procedures usually reaches (a suggestion only).
MILESTONE_BY_SLUG: dict[str, str] = {
    "vneid-dang-ky-muc-1": MilestoneKind.VNEID_LEVEL1,
    "vneid-cai-dat-cap-nhat": MilestoneKind.VNEID_LEVEL1,
    "nop-ho-so-dich-vu-cong": MilestoneKind.FIRST_ONLINE_SERVICE,
    "vneid-xuat-trinh-thong-tin-cu-tru": MilestoneKind.FIRST_ONLINE_SERVICE,
    "vneid-lien-ket-vi-dien-tu": MilestoneKind.FIRST_CASHLESS_PAYMENT,
}


@dataclass(frozen=True)
class ProcedureNeeds:
    """One procedure's effective home-support settings (profile, else defaults)."""

    procedure: Procedure
    sla_working_days: int | None
    visit_minutes: int
    authority: str
    officer_brings: list[str]
    person_prepares: list[str]
    call_script: str

    @property
    def authority_label(self) -> str:
        return str(Authority(self.authority).label) if self.authority else ""


def needs_for(
    procedure: Procedure, profile: ProcedureProfile | None, *, default_minutes: int
) -> ProcedureNeeds:
    field = procedure.field
    brings = (
        list(profile.officer_brings)
        if profile and profile.officer_brings
        else [str(item) for item in OFFICER_BRINGS.get(field, DEFAULT_BRINGS)]
    )
    prepares = (
        list(profile.person_prepares)
        if profile and profile.person_prepares
        else procedure.display_documents
    )
    authority = (
        profile.required_authority
        if profile and profile.required_authority
        else AUTHORITY_BY_FIELD.get(field, "")
    )
    minutes = (profile.visit_minutes if profile else None) or MINUTES_BY_FIELD.get(
        field, default_minutes
    )
    # The catalog's time limit is for the dossier once filed, not for getting to the home:
    # only the commune's own setting (or its default) counts here.
    sla = profile.sla_working_days if profile else None
    return ProcedureNeeds(
        procedure=procedure,
        sla_working_days=sla,
        visit_minutes=minutes,
        authority=authority,
        officer_brings=brings,
        person_prepares=prepares,
        call_script=profile.call_script if profile else "",
    )


def merged(items: Iterable[list[str]]) -> list[str]:
    """Lists joined without repeating an item (the order of first appearance kept)."""
    seen: dict[str, None] = {}
    for group in items:
        for item in group:
            seen.setdefault(item.strip(), None)
    return [item for item in seen if item]


def call_script(
    *,
    officer: str,
    commune: str,
    person: str,
    day: date | None,
    at: time | None,
    procedures: list[str],
    prepare: list[str],
    custom: list[str],
) -> list[str]:
    """What to say when phoning the day before, line by line, with the details filled in."""
    when = (
        _("%(day)s at about %(time)s") % {"day": day_text(day), "time": f"{at:%H:%M}"}
        if day and at
        else (day_text(day) if day else _("the agreed day"))
    )
    lines = [
        _(
            "Hello, this is %(officer)s from %(commune)s. I am calling about the home visit for "
            "%(person)s."
        )
        % {"officer": officer, "commune": commune, "person": person},
        _("We plan to come on %(when)s to help with: %(procedures)s.")
        % {"when": when, "procedures": "; ".join(procedures) or _("the request")},
        _("Will someone be at home then to open the door?"),
    ]
    if prepare:
        lines.append(_("Please have these ready: %(items)s.") % {"items": "; ".join(prepare)})
    lines += [
        _("If the person cannot sign, they can put a fingerprint instead: no need to worry."),
        *custom,
        _("If the time does not suit, tell me now and we will find another one."),
    ]
    return lines
