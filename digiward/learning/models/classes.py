"""Classes (lớp Bình dân học vụ số) at the center or in a khu vực, and who came.

Attendance is a fact per participant, set (not toggled) by the trainer's tap: a second
tap that arrives twice, or late, sets the same state again and changes nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from digiward.core.models import CommuneOwned
from digiward.learning.models.frameworks import Competence, Track
from digiward.learning.models.quizzes import Quiz
from digiward.registry.models import Area, Resident


class LearningClass(CommuneOwned):
    topic = models.CharField(_("topic"), max_length=200)
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200)
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("khu vực"),
    )
    track = models.CharField(_("for"), max_length=12, choices=Track.choices, default=Track.CITIZEN)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("trainer"),
    )
    trainer_name = models.CharField(
        _("trainer from outside"),
        max_length=150,
        blank=True,
        help_text=_("When the trainer is not a member of the commune (a teacher, a telecom)."),
    )
    competences = models.ManyToManyField(Competence, blank=True, related_name="classes")
    check_quiz = models.ForeignKey(
        Quiz,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="classes",
        verbose_name=_("check before and after"),
        help_text=_("The same quiz at the start and at the end shows what people learned."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")

    def __str__(self) -> str:
        return f"{self.topic} ({self.held_on:%d/%m/%Y})"

    @property
    def trainer_label(self) -> str:
        if self.trainer is not None:
            return self.trainer.full_name or self.trainer.username
        return self.trainer_name


class Participant(models.Model):
    """A resident of the registry, an official or volunteer, or a walk-in by name."""

    learning_class = models.ForeignKey(
        LearningClass, on_delete=models.CASCADE, related_name="participants"
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    walk_in_name = models.CharField(_("name (not in the registry)"), max_length=150, blank=True)
    attended = models.BooleanField(_("came"), default=False)
    marked_at = models.DateTimeField(null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["learning_class", "pk"]
        verbose_name = _("participant")
        constraints = [
            models.CheckConstraint(
                condition=Q(resident__isnull=False, user__isnull=True, walk_in_name="")
                | Q(resident__isnull=True, user__isnull=False, walk_in_name="")
                | (Q(resident__isnull=True, user__isnull=True) & ~Q(walk_in_name="")),
                name="learning_participant_one_person",
            ),
            models.UniqueConstraint(
                fields=["learning_class", "resident"],
                condition=Q(resident__isnull=False),
                name="learning_participant_resident_once",
            ),
            models.UniqueConstraint(
                fields=["learning_class", "user"],
                condition=Q(user__isnull=False),
                name="learning_participant_user_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.resident is not None:
            return self.resident.full_name
        if self.user is not None:
            return self.user.full_name or self.user.username
        return self.walk_in_name
