"""The visit record, filled in on a phone at the home: times, outcome, evidence.

Arrived/left times, what happened, the documents checked, the person's confirmation,
photos of the signed papers (private storage, every view audit-logged) and, for an
authorization, who authorises whom, for what, the legal form and the number in the
commune's certification register (unique per commune and year). A journey milestone
reached during the visit goes through `registry.services.milestone_record`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digiward.core.access import Access
from digiward.core.audit import audit_record
from digiward.core.dates import day_text
from digiward.core.errors import DomainError
from digiward.core.images import ImageRefused, ImageRules, Refusal, image_prepare
from digiward.core.models import AuditAction
from digiward.core.permissions import Perm
from digiward.homecare.models import (
    AuthorizationConfirmation,
    HomeVisit,
    LegalForm,
    RequestStatus,
    VisitOutcome,
    VisitPhoto,
    VisitStatus,
)
from digiward.homecare.selectors import may_certify
from digiward.homecare.services.common import lock_request
from digiward.homecare.services.requests import complete_locked
from digiward.homecare.workflow import transition
from digiward.learning.models import EvidenceKind
from digiward.learning.services import evidence_from_practice, practice_competences
from digiward.registry.citizen_ids import CitizenIdError, parse_citizen_id
from digiward.registry.identity import protect_citizen_id
from digiward.registry.journey import MilestoneKind, MilestoneSource
from digiward.registry.services import milestone_record

MAX_PHOTO_BYTES = 8 * 1024 * 1024
# A phone's clock a few minutes ahead of the server's is not a visit recorded in advance.
FUTURE_SLACK = timedelta(minutes=10)
# Photos of signed papers are kept as a new JPEG (core.images), never as sent: the
# camera's EXIF holds the GPS position and time of the visit at the person's home.
# 2400 px on the long side: an A4 page filling 80 % of the frame gets ~165 dpi (2400 × 0.8
# / 11.7 in), so 10-point print has ~15 px capitals and the stacked Vietnamese marks
# (ệ, ẫ, ở) stay readable, as do ID numbers and signatures; ~0.5-1 MB at quality 85
# (text edges need more than a screenshot's 80). 50 Mpx admits a 50-megapixel phone
# camera's full-size photo (8160 × 6120) and bounds decoding to ~200 MB.
PHOTO_RULES = ImageRules(
    max_bytes=MAX_PHOTO_BYTES, max_pixels=50_000_000, max_box=(2400, 2400), quality=85
)
# This form's own wording (already translated); the helper's for a picture too big.
PHOTO_REFUSALS = {
    Refusal.TOO_LARGE: gettext_lazy("The photo is too large (at most 8 MB)."),
    Refusal.WRONG_FORMAT: gettext_lazy("This file is not a photo (JPEG, PNG or WebP)."),
    Refusal.NOT_AN_IMAGE: gettext_lazy("This file is not a photo (JPEG, PNG or WebP)."),
}
# Outcomes where the officer was let in: the person (or a relative) confirms the visit.
MET_THE_PERSON = frozenset(
    {VisitOutcome.COMPLETED_ON_SITE, VisitOutcome.PAPERS_TAKEN, VisitOutcome.ANOTHER_VISIT}
)


def _lock(access: Access, visit: HomeVisit) -> HomeVisit:
    """Lock the request, then the visit: the order every home-support write follows."""
    request = lock_request(access.commune, visit.request_id)
    locked: HomeVisit = (
        HomeVisit.objects.select_for_update(no_key=True, of=("self",))
        .select_related("officer", "route")
        .get(pk=visit.pk, commune=access.commune)
    )
    locked.request = request
    return locked


def _may_record(access: Access, visit: HomeVisit) -> None:
    """The visit's officer records it; a manager may record it for them."""
    access.require(Perm.VISIT_HOMES)
    if visit.officer_id != access.user.pk:
        access.require(Perm.MANAGE_HOME_SUPPORT)


@transaction.atomic
def visit_arrive(
    *,
    access: Access,
    visit: HomeVisit,
    at: datetime | None = None,
    allow_other_day: bool = True,
) -> HomeVisit:
    """The officer is at the home now (or at `at`).

    `allow_other_day=False` (what the visit screen passes until the officer confirms)
    refuses an arrival on another day than the planned one: a tap a day early is a slip
    far more often than a visit moved without re-booking (issue 12)."""
    locked = _lock(access, visit)
    _may_record(access, locked)
    if locked.status != VisitStatus.PLANNED:
        raise DomainError(_("This visit is already recorded."))
    when = at or timezone.now()
    other_day = timezone.localdate(when) != locked.day
    if other_day and not allow_other_day:
        raise DomainError(
            _(
                "This visit is planned for %(planned)s, not today (%(today)s). If you really "
                "are at the home today, confirm it below; otherwise record the arrival on "
                "the day of the visit."
            )
            % {"planned": day_text(locked.day), "today": day_text(timezone.localdate(when))},
            field="other_day",
        )
    locked.arrived_at = when
    locked.save(update_fields=["arrived_at", "updated_at"])
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=locked,
        note="arrived on another day than planned" if other_day else "arrived",
    )
    return locked


@transaction.atomic
def visit_leave(*, access: Access, visit: HomeVisit, at: datetime | None = None) -> HomeVisit:
    locked = _lock(access, visit)
    _may_record(access, locked)
    if locked.arrived_at is None:
        raise DomainError(_("Record the arrival first."))
    when = at or timezone.now()
    if when < locked.arrived_at:
        raise DomainError(_("The officer cannot leave before arriving."), field="left_at")
    locked.left_at = when
    locked.save(update_fields=["left_at", "updated_at"])
    audit_record(action=AuditAction.CHANGE, commune=access.commune, obj=locked, note="left")
    return locked


@dataclass(frozen=True)
class VisitRecord:
    outcome: str
    arrived_at: datetime | None = None
    left_at: datetime | None = None
    documents_checked: tuple[str, ...] = ()
    person_confirmed: bool = False
    confirmed_by_name: str = ""
    milestone: str = ""
    skills: tuple[int, ...] = ()  # learning.Competence ids the person did alone
    notes: str = ""
    complete_now: bool = False


@transaction.atomic
def visit_record(*, access: Access, visit: HomeVisit, record: VisitRecord) -> HomeVisit:
    """What happened at the home; moves the request on (visited, completed or second visit)."""
    locked = _lock(access, visit)
    _may_record(access, locked)
    if locked.status != VisitStatus.PLANNED:
        raise DomainError(_("This visit is already recorded."))
    if record.outcome not in VisitOutcome.values:
        raise DomainError(_("Choose what happened."), field="outcome")
    arrived = record.arrived_at or locked.arrived_at
    left = record.left_at or locked.left_at
    if arrived is None:
        raise DomainError(_("Record the time of arrival."), field="arrived_at")
    if arrived > timezone.now() + FUTURE_SLACK:
        # The form puts the typed time on the planned day: recorded the day before, that
        # is tomorrow. A record says what happened, so it cannot be ahead of the clock.
        raise DomainError(
            _(
                "The arrival (%(when)s) is later than now: a visit is recorded after it "
                "took place. The visit is planned for %(planned)s."
            )
            % {
                "when": f"{timezone.localtime(arrived):%H:%M %d/%m/%Y}",
                "planned": day_text(locked.day),
            },
            field="arrived_at",
        )
    if left is not None and left < arrived:
        raise DomainError(_("The officer cannot leave before arriving."), field="left_at")
    met = record.outcome in MET_THE_PERSON
    if met and (not record.person_confirmed or not record.confirmed_by_name.strip()):
        raise DomainError(
            _(
                "The person (or a relative) must confirm the visit: tick the box and write their name."
            ),
            field="person_confirmed",
        )
    if record.milestone and record.milestone not in MilestoneKind.values:
        raise DomainError(_("Unknown milestone."), field="milestone")
    request = locked.request
    if record.milestone and request.resident is None:
        raise DomainError(
            _("Link the person to the registry to record a step of their digital journey."),
            field="milestone",
        )
    if record.skills and request.resident is None:
        raise DomainError(
            _("Link the person to the registry to record the skills they did alone."),
            field="skills",
        )
    practice_competences(access.commune, record.skills)
    locked.arrived_at, locked.left_at = arrived, left or timezone.now()
    locked.outcome = record.outcome
    locked.documents_checked = [d.strip() for d in record.documents_checked if d.strip()]
    locked.person_confirmed = met and record.person_confirmed
    locked.confirmed_by_name = record.confirmed_by_name.strip()[:150] if met else ""
    locked.milestone = record.milestone if met else ""
    locked.skills = sorted(set(record.skills)) if met else []
    locked.notes = record.notes.strip()
    locked.recorded_by, locked.recorded_at = access.user, timezone.now()
    done = record.outcome in (VisitOutcome.COMPLETED_ON_SITE, VisitOutcome.PAPERS_TAKEN)
    locked.status = VisitStatus.DONE if done else VisitStatus.MISSED
    locked.save()
    previous = request.status
    if done:
        transition(request, RequestStatus.VISITED)
        request.save()
        if record.outcome == VisitOutcome.COMPLETED_ON_SITE and record.complete_now:
            complete_locked(request)
    else:
        transition(request, RequestStatus.NEEDS_SECOND_VISIT)
        request.save()
    if locked.milestone and request.resident is not None:
        milestone_record(
            acting_user=access.user,
            resident=request.resident,
            kind=locked.milestone,
            achieved_on=timezone.localdate(locked.arrived_at),
            source=MilestoneSource.HOME_VISIT,
            source_ref=f"homecare.visit:{locked.pk}",
            detail=request.tracking_code,
        )
    if locked.skills and request.resident is not None:
        evidence_from_practice(
            access=access,
            resident=request.resident,
            competence_ids=locked.skills,
            kind=EvidenceKind.HOME_VISIT,
            source_ref=f"homecare.visit:{locked.pk}",
            # The arrival may be up to FUTURE_SLACK ahead of the clock (just before
            # midnight, tomorrow's date); the skill was shown today at the latest.
            achieved_on=min(timezone.localdate(locked.arrived_at), timezone.localdate()),
        )
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=locked,
        changes={"outcome": [None, locked.outcome], "request": [previous, request.status]},
        note="visit recorded",
    )
    return locked


# --- Authorization confirmations ------------------------------------------------------------


@dataclass(frozen=True)
class AuthorizationData:
    principal_name: str
    agent_name: str
    scope: str
    legal_form: str
    principal_citizen_id: str = ""
    agent_citizen_id: str = ""
    agent_relation: str = ""
    fingerprinted: bool = False
    certification_number: int | None = None
    fee_vnd: int | None = None


def next_certification_number(commune_id: int, year: int) -> int:
    current = AuthorizationConfirmation.objects.filter(
        commune_id=commune_id, register_year=year
    ).aggregate(top=Max("certification_number"))["top"]
    return int(current or 0) + 1


def _protected(raw: str, field: str) -> tuple[str, str]:
    if not raw.strip():
        return "", ""
    try:
        number = parse_citizen_id(raw).number
    except CitizenIdError as error:
        raise DomainError(str(error), field=field) from None
    stored = protect_citizen_id(number)
    return stored.encrypted, stored.masked


@transaction.atomic
def authorization_record(
    *, access: Access, visit: HomeVisit, data: AuthorizationData
) -> AuthorizationConfirmation:
    """Record an authorization certified at the home, with its register number.

    Only an officer authorised to certify may record it. Without a number, the next free
    one in this year's register is taken; a number already used is refused.
    """
    locked = _lock(access, visit)
    _may_record(access, locked)
    if locked.status == VisitStatus.CANCELLED:
        raise DomainError(_("This visit was taken off the plan."))
    if AuthorizationConfirmation.objects.filter(visit=locked).exists():
        raise DomainError(_("This visit already has an authorization confirmation."))
    if not may_certify(access.commune, access.user):
        raise DomainError(
            _("Only an officer authorised to certify can record a certification."),
        )
    for name, value in (
        ("principal_name", data.principal_name),
        ("agent_name", data.agent_name),
        ("scope", data.scope),
    ):
        if not value.strip():
            raise DomainError(_("This field is required."), field=name)
    if data.legal_form not in LegalForm.values:
        raise DomainError(_("Choose the legal form."), field="legal_form")
    if data.principal_name.strip().casefold() == data.agent_name.strip().casefold():
        raise DomainError(
            _("A person cannot authorise themselves: check the two names."), field="agent_name"
        )
    principal_encrypted, principal_masked = _protected(
        data.principal_citizen_id, "principal_citizen_id"
    )
    agent_encrypted, agent_masked = _protected(data.agent_citizen_id, "agent_citizen_id")
    certified_on = locked.local_day
    year = certified_on.year
    request = locked.request
    for _attempt in range(5):
        number = data.certification_number or next_certification_number(access.commune.pk, year)
        record = AuthorizationConfirmation(
            commune=access.commune,
            visit=locked,
            principal_name=data.principal_name.strip(),
            principal_resident=request.resident,
            principal_id_encrypted=principal_encrypted,
            principal_id_masked=principal_masked,
            agent_name=data.agent_name.strip(),
            agent_id_encrypted=agent_encrypted,
            agent_id_masked=agent_masked,
            agent_relation=data.agent_relation.strip(),
            scope=data.scope.strip(),
            legal_form=data.legal_form,
            fingerprinted=data.fingerprinted,
            register_year=year,
            certification_number=number,
            certified_on=certified_on,
            certified_by=access.user,
            fee_vnd=data.fee_vnd,
        )
        try:
            with transaction.atomic():
                record.save()
            break
        except IntegrityError:
            if data.certification_number:
                raise DomainError(
                    _(
                        "Number %(number)s is already used in the %(year)s certification "
                        "register. The next free number is %(next)s."
                    )
                    % {
                        "number": number,
                        "year": year,
                        "next": next_certification_number(access.commune.pk, year),
                    },
                    field="certification_number",
                ) from None
            continue  # someone took the next number at the same moment: take the one after
    else:  # pragma: no cover - five collisions in a row
        raise DomainError(_("The register is busy: please try again."))
    audit_record(
        action=AuditAction.CREATE,
        commune=access.commune,
        obj=record,
        changes={
            "certification": [None, record.register_reference],
            "legal_form": [None, record.legal_form],
        },
    )
    return record


# --- Photos of signed papers ----------------------------------------------------------------


@transaction.atomic
def photo_add(
    *, access: Access, visit: HomeVisit, upload: UploadedFile[bytes], caption: str = ""
) -> VisitPhoto:
    """Keep a photo of signed papers in private storage: re-encoded as a bounded JPEG
    without the camera's metadata (only real images are accepted)."""
    locked = _lock(access, visit)
    _may_record(access, locked)
    if locked.status == VisitStatus.CANCELLED:
        raise DomainError(_("This visit was taken off the plan."))
    try:
        prepared = image_prepare(upload, PHOTO_RULES)
    except ImageRefused as refused:
        message = PHOTO_REFUSALS.get(refused.reason, refused.message)
        raise DomainError(str(message), field="photo") from None
    photo = VisitPhoto(
        commune=access.commune,
        visit=locked,
        content_type=prepared.content_type,
        size=len(prepared.content),
        caption=caption.strip()[:200],
        uploaded_by=access.user,
    )
    photo.file.save(f"photo{prepared.suffix}", ContentFile(prepared.content), save=False)
    photo.save()
    audit_record(
        action=AuditAction.CREATE,
        commune=access.commune,
        obj=photo,
        object_repr=f"photo of visit {locked.pk}",
        note=photo.caption,
    )
    return photo
