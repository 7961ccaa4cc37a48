"""Quizzes: a commune's question bank (one competence per question), quizzes, attempts.

The right answers live only on `Choice.correct` and are read only when an attempt is
scored: the page a learner answers on never carries them (a test flips the right answer
and proves the page does not change). An attempt carries the key the quiz page made when
it opened, so a submission sent twice (online, then again from the offline queue) is one
attempt.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from digiward.core.models import CommuneOwned
from digiward.learning.models.frameworks import Competence
from digiward.registry.models import Resident


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("One right answer")
    MULTIPLE = "multiple", _("Several right answers")
    TRUE_FALSE = "true_false", _("True or false")
    ORDERING = "ordering", _("Put the steps in order")


class Question(CommuneOwned):
    competence = models.ForeignKey(
        Competence, on_delete=models.PROTECT, related_name="questions", verbose_name=_("competence")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    feedback = models.TextField(_("explanation after answering"), blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)  # e.g. the GIFT file
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["competence", "pk"]
        verbose_name = _("question")

    def __str__(self) -> str:
        return self.text[:80]


class Choice(models.Model):
    """An answer offered. For an ordering question `position` is the right place."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(_("answer"), max_length=500)
    correct = models.BooleanField(default=False)
    feedback = models.CharField(_("explanation"), max_length=500, blank=True)

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "position"], name="learning_choice_unique_position"
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Quiz(CommuneOwned):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, help_text=_("The share of right answers needed to pass.")
    )
    questions = models.ManyToManyField(Question, through="QuizQuestion", related_name="quizzes")
    published = models.BooleanField(_("open to learners"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_mark__gte=1, pass_mark__lte=100),
                name="learning_quiz_pass_mark_range",
            )
        ]

    def __str__(self) -> str:
        return self.title


class QuizQuestion(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="entries")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["quiz", "position"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "question"], name="learning_quiz_question_once")
        ]

    def __str__(self) -> str:
        return f"{self.quiz_id}#{self.position}"


class AttemptMode(models.TextChoices):
    SELF = "self", _("On their own")
    ASSISTED = "assisted", _("At the desk, on a volunteer's device")


class CheckPhase(models.TextChoices):
    BEFORE = "before", _("Before the class")
    AFTER = "after", _("After the class")


class Attempt(CommuneOwned):
    """One submission of a quiz, scored on the server when it arrives."""

    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    key = models.UUIDField(unique=True)  # made by the quiz page; the same key is one attempt
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quiz_attempts",
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, null=True, blank=True, related_name="quiz_attempts"
    )
    mode = models.CharField(_("how it was taken"), max_length=10, choices=AttemptMode.choices)
    # Who held the device: the learner themself, or the volunteer in assisted mode.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("started"))
    submitted_at = models.DateTimeField(_("received"), auto_now_add=True)
    offline = models.BooleanField(_("answered offline"), default=False)
    answers = models.JSONField(default=dict)  # {question id: the answer as submitted}
    results = models.JSONField(default=dict)  # {question id: right or not}
    score = models.PositiveSmallIntegerField(_("right answers"))
    max_score = models.PositiveSmallIntegerField(_("questions"))
    passed = models.BooleanField(_("passed"))
    # A class's check before and after: the same quiz twice shows what people learned.
    learning_class = models.ForeignKey(
        "learning.LearningClass",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checks",
    )
    phase = models.CharField(max_length=8, choices=CheckPhase.choices, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("quiz attempt")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resident__isnull=False) | models.Q(user__isnull=False),
                name="learning_attempt_has_learner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.quiz} {self.score}/{self.max_score}"

    @property
    def percent(self) -> int:
        return round(100 * self.score / self.max_score) if self.max_score else 0

    @property
    def learner_name(self) -> str:
        if self.resident is not None:
            return self.resident.full_name
        return (self.user.full_name or self.user.username) if self.user else ""
