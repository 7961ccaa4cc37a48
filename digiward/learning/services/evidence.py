"""Recording evidence of a competence, and the journey milestone it shows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.audit import audit_record
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction, Commune, User
from digiward.core.permissions import Perm
from digiward.learning.models import PRACTICE_KINDS, Competence, Evidence, EvidenceKind
from digiward.registry.journey import MilestoneSource
from digiward.registry.models import Resident
from digiward.registry.services import milestone_record


@dataclass(frozen=True)
class Learner:
    """The person evidence is about: a citizen (resident) or an official or volunteer."""

    resident: Resident | None = None
    user: User | None = None

    def __post_init__(self) -> None:
        if (self.resident is None) == (self.user is None):
            raise ValueError("a learner is a resident or a user, not both")

    @property
    def name(self) -> str:
        if self.resident is not None:
            return self.resident.full_name
        assert self.user is not None
        return self.user.full_name or self.user.username


def learner_check(access: Access, learner: Learner) -> None:
    """The learner belongs to the acting commune: a resident of it or one of its members."""
    if learner.resident is not None:
        if learner.resident.commune_id != access.commune.pk:
            raise DomainError(_("This person is not in your commune's registry."))
        if learner.resident.anonymised_at is not None:
            raise DomainError(_("This person's record has been anonymised."))
    elif (
        learner.user is not None
        and not learner.user.memberships.filter(commune=access.commune).exists()
    ):
        raise DomainError(_("This person is not a member of your commune."))


def evidence_record(
    *,
    actor: User | None,
    commune: Commune,
    learner: Learner,
    competence: Competence,
    kind: EvidenceKind,
    source_ref: str,
    achieved_on: date,
    level: int = 1,
    note: str = "",
) -> Evidence | None:
    """Record one piece of evidence; the same fact (same source) twice stays one row.

    Practice (a class, the desk, a home visit, an official's observation) of a competence
    tied to a journey step records that milestone for a resident, through the registry's
    one service. Returns None when the evidence was already there.
    """
    if competence.framework.commune_id not in (None, commune.pk):
        raise DomainError(_("This competence belongs to another commune's framework."))
    levels = competence.framework.levels.count()
    if not 1 <= level <= max(levels, 1):
        raise DomainError(_("This framework has no level %(level)s.") % {"level": level})
    if achieved_on > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), field="achieved_on")
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(
                commune=commune,
                competence=competence,
                level=level,
                resident=learner.resident,
                user=learner.user,
                kind=kind,
                source_ref=source_ref[:60],
                achieved_on=achieved_on,
                note=note[:300],
                recorded_by=actor,
            )
    except IntegrityError:
        return None
    if kind in PRACTICE_KINDS and learner.resident is not None and competence.milestone:
        milestone_record(
            acting_user=actor,
            resident=learner.resident,
            kind=competence.milestone,
            achieved_on=achieved_on,
            source=MilestoneSource.LEARNING,
            source_ref=f"learning-evidence:{evidence.pk}",
            detail=competence.name_vi[:200],
        )
    audit_record(
        action=AuditAction.CREATE,
        commune=commune,
        obj=evidence,
        object_repr=f"{learner.name}: {competence.reference} ({evidence.get_kind_display()})",
        changes={"competence": [None, competence.reference], "level": [None, level]},
        actor=actor,
    )
    return evidence


OBSERVED_KINDS = (EvidenceKind.DESK, EvidenceKind.HOME_VISIT, EvidenceKind.OBSERVED)


@transaction.atomic
def evidence_observe(
    *,
    access: Access,
    learner: Learner,
    competence: Competence,
    kind: EvidenceKind,
    level: int,
    achieved_on: date,
    note: str = "",
) -> Evidence | None:
    """An official or volunteer saw the person do it (at the desk, at home, in person)."""
    access.require(Perm.RECORD_SKILLS)
    if kind not in OBSERVED_KINDS:
        raise DomainError(_("Choose where you saw the person do it."), field="kind")
    learner_check(access, learner)
    # Same person, competence, place, day and level: one observation, however often
    # the form is sent.
    return evidence_record(
        actor=access.user,
        commune=access.commune,
        learner=learner,
        competence=competence,
        kind=kind,
        source_ref=f"{kind}:{achieved_on.isoformat()}:{level}",
        achieved_on=achieved_on,
        level=level,
        note=note,
    )


# ---- Practice seen by a helper: the help-session log and the home visit --------------------

PRACTICE_PLACES = (EvidenceKind.DESK, EvidenceKind.HOME_VISIT)


def practice_competences(commune: Commune, competence_ids: Iterable[int]) -> list[Competence]:
    """The competences a help session or a home visit names, each of a framework this
    commune sees (the shared ones and its own copies); one unknown id refuses them all."""
    wanted = sorted(set(competence_ids))
    if not wanted:
        return []
    found = list(
        Competence.objects.filter(pk__in=wanted)
        .filter(Q(framework__commune__isnull=True) | Q(framework__commune=commune))
        .select_related("framework")
        .order_by("position", "pk")
    )
    if len(found) != len(wanted):
        raise DomainError(_("Unknown skill: choose from the list."), field="skills")
    return found


def evidence_from_practice(
    *,
    access: Access,
    resident: Resident,
    competence_ids: Iterable[int],
    kind: EvidenceKind,
    source_ref: str,
    achieved_on: date,
) -> int:
    """The person did these alone in front of the helper (at the desk, at home): one piece
    of evidence per competence, at the first level, each recording its journey milestone.

    Called inside the help session's or the visit's transaction, so a refusal writes
    nothing of either. The same source twice adds nothing; returns how many were new.
    """
    if kind not in PRACTICE_PLACES:
        raise ValueError(f"not a place of practice: {kind}")
    learner = Learner(resident=resident)
    learner_check(access, learner)
    created = 0
    for competence in practice_competences(access.commune, competence_ids):
        evidence = evidence_record(
            actor=access.user,
            commune=access.commune,
            learner=learner,
            competence=competence,
            kind=kind,
            source_ref=source_ref,
            achieved_on=achieved_on,
        )
        created += evidence is not None
    return created
