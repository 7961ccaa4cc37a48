"""Actions at the help desk: logging a help session, linking a walk-in, the queue.

Logging must be fast (one POST, well under 50 ms with 100,000 residents): the resident
is fetched by primary key, the procedure by primary key, and milestones go through
the registry's own service (which locks the resident and refreshes the journey).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.audit import audit_record
from digiward.core.dates import day_text
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction
from digiward.core.permissions import Perm
from digiward.guidance.models import (
    AgeBand,
    AloneNextTime,
    Channel,
    HelpSession,
    Outcome,
    QueuePriority,
    QueueService,
    QueueStatus,
    QueueTicket,
    VisitorSex,
    queue_call_order,
)
from digiward.learning.models import EvidenceKind
from digiward.learning.services import evidence_from_practice, practice_competences
from digiward.procedures.models import Procedure
from digiward.registry.journey import LADDER, MilestoneSource
from digiward.registry.models import Resident
from digiward.registry.services import milestone_record, refuse_anonymised

MAX_MINUTES = 600


@dataclass
class SessionInput:
    """What the help-session form collected (already cleaned)."""

    outcome: str
    minutes: int
    helped_on: date
    channel: str = Channel.DESK
    resident_id: int | None = None
    visitor_name: str = ""
    visitor_phone: str = ""
    age_band: str = ""
    sex: str = ""
    procedure_id: int | None = None
    topic: str = ""
    dossier_code: str = ""
    milestones: list[str] = field(default_factory=list)
    skills: list[int] = field(default_factory=list)  # learning.Competence ids done alone
    alone_next_time: str = ""
    notes: str = ""
    ticket_id: int | None = None


def _resident_here(access: Access, resident_id: int) -> Resident:
    """The resident, refusing clearly (not a bare 404) one who lives in another commune."""
    resident: Resident | None = Resident.objects.filter(pk=resident_id).first()
    if resident is None:
        raise DomainError(_("This person is not in the registry."), field="resident")
    if resident.commune_id != access.commune.pk:
        raise DomainError(
            _(
                "This person is registered in another commune. Sessions are logged only for "
                "residents of %(commune)s: log the visit as a walk-in instead."
            )
            % {"commune": access.commune.name},
            field="resident",
        )
    refuse_anonymised(resident, field="resident")
    return resident


def _check(access: Access, data: SessionInput) -> None:
    if data.minutes < 0:
        raise DomainError(_("Minutes cannot be negative."), field="minutes")
    if data.minutes > MAX_MINUTES:
        raise DomainError(_("At most 600 minutes (10 hours)."), field="minutes")
    if data.helped_on > timezone.localdate():
        raise DomainError(_("A session cannot be in the future."), field="helped_on")
    if data.outcome not in Outcome.values:
        raise DomainError(_("Pick the outcome."), field="outcome")
    if data.channel not in Channel.values:
        raise DomainError(_("Pick where the help took place."), field="channel")
    if data.age_band and data.age_band not in AgeBand.values:
        raise DomainError(_("Unknown age band."), field="age_band")
    if data.sex and data.sex not in VisitorSex.values:
        raise DomainError(_("Unknown sex."), field="sex")
    if data.alone_next_time and data.alone_next_time not in AloneNextTime.values:
        raise DomainError(_("Unknown answer."), field="alone_next_time")
    if not data.procedure_id and not data.topic.strip():
        raise DomainError(_("Pick what the person needed help with."), field="procedure")
    unknown = [m for m in data.milestones if m not in {k.value for k in LADDER}]
    if unknown:
        raise DomainError(_("Unknown milestone."), field="milestones")
    practice_competences(access.commune, data.skills)


def _record_milestones(access: Access, session: HelpSession, resident: Resident) -> int:
    created = 0
    order = {k.value: i for i, k in enumerate(LADDER)}
    for kind in sorted(set(session.milestones), key=order.__getitem__):
        milestone = milestone_record(
            acting_user=access.user,
            resident=resident,
            kind=kind,
            achieved_on=session.helped_on,
            source=MilestoneSource.HELP_SESSION,
            source_ref=f"help_session:{session.pk}",
        )
        created += milestone is not None
    session.milestones_recorded = True
    return created


def _record_skills(access: Access, session: HelpSession, resident: Resident) -> int:
    """The skills the person did alone become evidence of their digital skills."""
    if not session.skills:
        return 0
    return evidence_from_practice(
        access=access,
        resident=resident,
        competence_ids=session.skills,
        # At home is a home visit; the desk and the phone are both the help desk.
        kind=EvidenceKind.HOME_VISIT
        if session.channel == Channel.HOME_VISIT
        else EvidenceKind.DESK,
        source_ref=f"help_session:{session.pk}",
        achieved_on=session.helped_on,
    )


@transaction.atomic
def help_session_log(*, access: Access, data: SessionInput) -> tuple[HelpSession, int]:
    """Record one help session; returns it and how many new milestones reached the journey.

    Refused with a message, writing nothing, for negative minutes, a resident of another
    commune, a procedure the commune cannot see or a missing topic.
    """
    access.require(Perm.LOG_HELP_SESSION)
    _check(access, data)
    resident = _resident_here(access, data.resident_id) if data.resident_id else None
    procedure = None
    if data.procedure_id:
        procedure = (
            Procedure.objects.visible_in(access.commune).filter(pk=data.procedure_id).first()
        )
        if procedure is None:
            raise DomainError(_("Unknown procedure."), field="procedure")
    ticket = None
    if data.ticket_id:
        ticket = (
            QueueTicket.objects.for_access(access)
            .select_for_update()
            .filter(pk=data.ticket_id)
            .first()
        )
    session = HelpSession.objects.create(
        commune=access.commune,
        helped_on=data.helped_on,
        channel=data.channel,
        helper=access.user,
        resident=resident,
        # A registry resident needs no copy of their name and phone here.
        visitor_name="" if resident else data.visitor_name.strip()[:150],
        visitor_phone="" if resident else data.visitor_phone,
        age_band="" if resident else data.age_band,
        sex="" if resident else data.sex,
        procedure=procedure,
        topic=data.topic.strip()[:200],
        outcome=data.outcome,
        minutes=data.minutes,
        dossier_code=data.dossier_code.strip()[:40],
        milestones=sorted(set(data.milestones)),
        skills=sorted(set(data.skills)),
        alone_next_time=data.alone_next_time,
        notes=data.notes.strip(),
        ticket=ticket,
    )
    reached = 0
    if resident is not None and session.milestones:
        reached = _record_milestones(access, session, resident)
        session.save(update_fields=["milestones_recorded"])
    if resident is not None:
        _record_skills(access, session, resident)
    if ticket is not None and ticket.status in (QueueStatus.WAITING, QueueStatus.CALLED):
        now = timezone.now()
        ticket.status = QueueStatus.SERVED
        ticket.called_at = ticket.called_at or now
        ticket.finished_at = now
        ticket.served_by = ticket.served_by or access.user
        ticket.save(update_fields=["status", "called_at", "finished_at", "served_by"])
    audit_record(
        action=AuditAction.CREATE,
        commune=access.commune,
        obj=session,
        object_repr=f"{day_text(session.helped_on)} {resident.full_name if resident else session.visitor_name or '—'}",
        changes={
            "resident": [None, resident.pk if resident else None],
            "outcome": [None, data.outcome],
        },
    )
    return session, reached


@transaction.atomic
def help_session_link(*, access: Access, session: HelpSession, resident_id: int) -> int:
    """Link a walk-in's session to the registry resident they turned out to be.

    The milestones that waited in the session reach the journey now. Returns how many
    were new.
    """
    access.require(Perm.LOG_HELP_SESSION)
    session = HelpSession.objects.select_for_update().get(pk=session.pk)
    if session.commune_id != access.commune.pk:
        raise DomainError(_("This session belongs to another commune."))
    if session.resident_id:
        raise DomainError(_("This session is already linked to a resident."))
    resident = _resident_here(access, resident_id)
    session.resident = resident
    session.visitor_name, session.visitor_phone = "", ""
    reached = _record_milestones(access, session, resident) if session.milestones else 0
    _record_skills(access, session, resident)
    session.save(update_fields=["resident", "visitor_name", "visitor_phone", "milestones_recorded"])
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=session,
        object_repr=f"{day_text(session.helped_on)} {resident.full_name}",
        changes={"resident": [None, resident.pk]},
        note="linked to the registry",
    )
    return reached


# ---- The queue ------------------------------------------------------------------------------


def ticket_take(
    *, access: Access, service: str = QueueService.OTHER, priority: str = ""
) -> QueueTicket:
    """The next number of the day, for `service`, with a `priority` group or none. Two
    desks pressing at once get different numbers."""
    access.require(Perm.RUN_DESK)
    if service not in QueueService.values:
        raise DomainError(_("Choose what the person came for."), field="service")
    if priority not in QueuePriority.values:
        raise DomainError(_("Unknown priority."), field="priority")
    today = timezone.localdate()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                top = (
                    QueueTicket.objects.for_access(access)
                    .filter(issued_on=today)
                    .aggregate(top=Max("number"))["top"]
                )
                return QueueTicket.objects.create(
                    commune=access.commune,
                    number=(top or 0) + 1,
                    issued_on=today,
                    issued_at=timezone.now(),
                    service=service,
                    priority=priority,
                )
        except IntegrityError:
            continue  # another desk took this number between our read and write
    raise DomainError(_("The queue is busy; press again."))


@transaction.atomic
def queue_call_next(*, access: Access, desk: str = "") -> QueueTicket | None:
    """Call the next number to `desk`: priority numbers first, then the longest waiting;
    None when nobody waits."""
    access.require(Perm.RUN_DESK)
    ticket: QueueTicket | None = (
        QueueTicket.objects.for_access(access)
        .select_for_update()
        .filter(issued_on=timezone.localdate(), status=QueueStatus.WAITING)
        .order_by(*queue_call_order())
        .first()
    )
    if ticket is None:
        return None
    ticket.status = QueueStatus.CALLED
    ticket.called_at = timezone.now()
    ticket.served_by = access.user
    ticket.desk = desk[:20]
    ticket.save(update_fields=["status", "called_at", "served_by", "desk"])
    return ticket


@transaction.atomic
def ticket_close(*, access: Access, ticket: QueueTicket, status: str) -> QueueTicket:
    """Finish a called ticket (served) or give up on a waiting one (did not come)."""
    access.require(Perm.RUN_DESK)
    ticket = QueueTicket.objects.select_for_update().get(pk=ticket.pk)
    if status not in (QueueStatus.SERVED, QueueStatus.NO_SHOW):
        raise DomainError(_("Unknown status."))
    if ticket.status in (QueueStatus.SERVED, QueueStatus.NO_SHOW):
        raise DomainError(_("This number is already closed."))
    now = timezone.now()
    ticket.status = status
    ticket.finished_at = now
    if status == QueueStatus.SERVED:
        ticket.called_at = ticket.called_at or now
        ticket.served_by = ticket.served_by or access.user
    ticket.save(update_fields=["status", "finished_at", "called_at", "served_by"])
    return ticket


@transaction.atomic
def ticket_requeue(*, access: Access, ticket: QueueTicket) -> QueueTicket:
    """The way back: a number called by mistake, or marked "did not come" while the person
    was only outside, waits again with its number and so its place. Today's numbers only;
    a served one stays served (its session is logged)."""
    access.require(Perm.RUN_DESK)
    ticket = QueueTicket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.issued_on != timezone.localdate():
        raise DomainError(_("Only today's numbers can go back to the queue."))
    if ticket.status not in (QueueStatus.CALLED, QueueStatus.NO_SHOW):
        raise DomainError(_("This number was served: it cannot go back to the queue."))
    ticket.status = QueueStatus.WAITING
    ticket.called_at = ticket.finished_at = None
    ticket.desk = ""
    ticket.served_by = None
    ticket.save(update_fields=["status", "called_at", "finished_at", "desk", "served_by"])
    return ticket
