"""Evidence of a competence reached by a person, and where it came from.

A person is a resident (a citizen) or a user (an official or volunteer). Journey
milestones reached elsewhere are not copied here: the progress selector reads them as
evidence where a competence names the milestone, so the two can never disagree.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from digiward.core.models import CommuneOwned
from digiward.learning.models.frameworks import Competence
from digiward.registry.models import Resident


class EvidenceKind(models.TextChoices):
    QUIZ = "quiz", _("Quiz passed")
    CLASS = "class", _("Class attended")
    DESK = "desk", _("Did it alone at the desk")
    HOME_VISIT = "home_visit", _("Did it alone on a home visit")
    OBSERVED = "observed", _("Seen doing it by an official")
    MILESTONE = "milestone", _("Journey step reached")


# A quiz shows what someone knows and a class that they came; the others show them doing
# it. Only doing it records the journey milestone: passing a quiz about VNeID, or sitting
# through the class, does not open a VNeID account.
PRACTICE_KINDS = frozenset({EvidenceKind.DESK, EvidenceKind.HOME_VISIT, EvidenceKind.OBSERVED})


class Evidence(CommuneOwned):
    competence = models.ForeignKey(
        Competence, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("competence")
    )
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, null=True, blank=True, related_name="skill_evidence"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="skill_evidence",
    )
    kind = models.CharField(_("evidence"), max_length=12, choices=EvidenceKind.choices)
    source_ref = models.CharField(max_length=60)  # "attempt:12", "observed:<uuid>", …
    achieved_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-achieved_on", "-pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=Q(resident__isnull=False, user__isnull=True)
                | Q(resident__isnull=True, user__isnull=False),
                name="learning_evidence_one_person",
            ),
            # One fact recorded twice (a retried request, a re-run) stays one row.
            models.UniqueConstraint(
                fields=["resident", "competence", "source_ref"],
                condition=Q(resident__isnull=False),
                name="learning_evidence_once_resident",
            ),
            models.UniqueConstraint(
                fields=["user", "competence", "source_ref"],
                condition=Q(user__isnull=False),
                name="learning_evidence_once_user",
            ),
        ]
        # With the resident in it, the report's "people per competence" is read from the
        # index alone, in order (bench_skills_report: 530–735 ms → about 100 ms).
        indexes = [
            models.Index(
                fields=["commune", "competence", "resident"], name="learning_ev_comm_comp_res"
            )
        ]

    def __str__(self) -> str:
        return f"{self.competence.code} {self.get_kind_display()}"
