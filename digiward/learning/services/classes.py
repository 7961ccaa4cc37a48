"""Classes: scheduling one, its participants, attendance (and the evidence it records)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.audit import audit_record
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction, User
from digiward.core.permissions import Perm
from digiward.learning.models import (
    Competence,
    Evidence,
    EvidenceKind,
    LearningClass,
    Participant,
    Quiz,
)
from digiward.learning.services.evidence import Learner, evidence_record, learner_check
from digiward.registry.models import Area, Resident


@dataclass(frozen=True)
class ClassDetails:
    topic: str
    held_on: date
    place: str
    track: str
    starts_at: time | None = None
    area: Area | None = None
    trainer: User | None = None
    trainer_name: str = ""
    competences: Sequence[Competence] = ()
    check_quiz: Quiz | None = None


def _details_check(access: Access, details: ClassDetails) -> None:
    commune = access.commune
    if not details.topic.strip():
        raise DomainError(_("Say what the class is about."), field="topic")
    if not details.place.strip():
        raise DomainError(_("Say where the class takes place."), field="place")
    if details.area is not None and details.area.commune_id != commune.pk:
        raise DomainError(_("This khu vực is not in your commune."), field="area")
    if (
        details.trainer is not None
        and not details.trainer.memberships.filter(commune=commune).exists()
    ):
        raise DomainError(_("The trainer is not a member of your commune."), field="trainer")
    if details.trainer is None and not details.trainer_name.strip():
        raise DomainError(_("Name the trainer."), field="trainer")
    if details.check_quiz is not None and details.check_quiz.commune_id != commune.pk:
        raise DomainError(_("This quiz belongs to another commune."), field="check_quiz")
    for competence in details.competences:
        if competence.framework.commune_id not in (None, commune.pk):
            raise DomainError(
                _("This competence belongs to another commune's framework."), field="competences"
            )


@transaction.atomic
def class_save(
    *, access: Access, details: ClassDetails, learning_class: LearningClass | None = None
) -> LearningClass:
    access.require(Perm.MANAGE_CLASSES)
    _details_check(access, details)
    created = learning_class is None
    row = learning_class or LearningClass(commune=access.commune, created_by=access.user)
    if row.commune_id != access.commune.pk:
        raise DomainError(_("This class belongs to another commune."))
    row.topic = details.topic.strip()[:200]
    row.held_on = details.held_on
    row.starts_at = details.starts_at
    row.place = details.place.strip()[:200]
    row.area = details.area
    row.track = details.track
    row.trainer = details.trainer
    row.trainer_name = "" if details.trainer is not None else details.trainer_name.strip()[:150]
    row.check_quiz = details.check_quiz
    row.save()
    row.competences.set(details.competences)
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.CHANGE,
        commune=access.commune,
        obj=row,
        object_repr=str(row),
        changes={"held_on": [None, row.held_on.isoformat()], "place": [None, row.place]},
    )
    return row


@transaction.atomic
def participant_add(
    *,
    access: Access,
    learning_class: LearningClass,
    resident: Resident | None = None,
    user: User | None = None,
    walk_in_name: str = "",
) -> tuple[Participant, bool]:
    """Add someone to the class list; someone already on it is returned, not added twice."""
    access.require(Perm.RECORD_SKILLS)
    if learning_class.commune_id != access.commune.pk:
        raise DomainError(_("This class belongs to another commune."))
    if resident is not None or user is not None:
        learner_check(access, Learner(resident=resident, user=user))
    elif not walk_in_name.strip():
        raise DomainError(_("Type the person's name."), field="walk_in_name")
    existing = None
    if resident is not None:
        existing = learning_class.participants.filter(resident=resident).first()
    elif user is not None:
        existing = learning_class.participants.filter(user=user).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            participant = Participant.objects.create(
                learning_class=learning_class,
                resident=resident,
                user=user,
                walk_in_name="" if (resident or user) else walk_in_name.strip()[:150],
            )
    except IntegrityError:  # added by someone else at the same moment
        found = learning_class.participants.filter(resident=resident, user=user).first()
        if found is None:
            raise
        return found, False
    audit_record(
        action=AuditAction.CREATE,
        commune=access.commune,
        obj=participant,
        object_repr=f"{learning_class}: {participant.name}",
    )
    return participant, True


@transaction.atomic
def attendance_mark(*, access: Access, participant: Participant, attended: bool) -> Participant:
    """Set whether the person came. Coming records evidence of the class's competences
    for a person of the registry or a member; un-ticking (a wrong tap) takes it back."""
    access.require(Perm.RECORD_SKILLS)
    # Lock only the participant's row: PostgreSQL refuses FOR UPDATE on the nullable
    # side of the outer joins that the resident and user bring.
    locked = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("learning_class", "resident", "user")
        .get(pk=participant.pk)
    )
    learning_class = locked.learning_class
    if learning_class.commune_id != access.commune.pk:
        raise DomainError(_("This class belongs to another commune."))
    if attended and learning_class.held_on > timezone.localdate():
        raise DomainError(_("The class has not taken place yet."))
    if locked.attended == attended:
        return locked  # the same tap twice: nothing changes
    locked.attended = attended
    locked.marked_at = timezone.now()
    locked.marked_by = access.user
    locked.save(update_fields=["attended", "marked_at", "marked_by"])
    learner = (
        Learner(resident=locked.resident)
        if locked.resident is not None
        else Learner(user=locked.user)
        if locked.user is not None
        else None
    )
    source = f"class:{learning_class.pk}"
    if learner is not None:
        if attended:
            for competence in learning_class.competences.select_related("framework"):
                evidence_record(
                    actor=access.user,
                    commune=access.commune,
                    learner=learner,
                    competence=competence,
                    kind=EvidenceKind.CLASS,
                    source_ref=source,
                    achieved_on=learning_class.held_on,
                )
        else:
            Evidence.objects.filter(
                resident=learner.resident, user=learner.user, source_ref=source
            ).delete()
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=locked,
        object_repr=f"{learning_class}: {locked.name}",
        changes={"attended": [not attended, attended]},
    )
    return locked
