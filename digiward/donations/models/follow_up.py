"""The checks on a recipient 7 and 30 days after the handover: still in use? what reached?"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from digiward.core.models import CommuneOwned
from digiward.donations.models.handover import Handover


class FollowUpStatus(models.TextChoices):
    PENDING = "pending", _("To do")
    DONE = "done", _("Done")
    UNREACHABLE = "unreachable", _("Could not reach")


class PhoneUse(models.TextChoices):
    IN_USE = "in_use", _("In use")
    RARELY = "rarely", _("Rarely used")
    NOT_USED = "not_used", _("Not used")
    LOST = "lost", _("Lost")
    BROKEN = "broken", _("Broken")
    GIVEN_AWAY = "given_away", _("Given or sold to someone else")


class FollowUp(CommuneOwned):
    """A check on a recipient some days after the handover: still in use? what reached?"""

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="follow_ups")
    days_after = models.PositiveSmallIntegerField(_("days after the handover"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.PENDING
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    phone_use = models.CharField(
        _("is the phone in use?"), max_length=12, choices=PhoneUse.choices, blank=True
    )
    milestones = models.JSONField(default=list, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(fields=["handover", "days_after"], name="follow_up_once"),
            models.CheckConstraint(
                name="follow_up_done_has_date",
                condition=Q(status="pending") | Q(done_on__isnull=False),
                violation_error_message=_("A finished follow-up has a date."),
            ),
        ]
        indexes = [models.Index(fields=["commune", "status", "due_on"], name="follow_up_tasks")]

    def __str__(self) -> str:
        return f"{self.handover} +{self.days_after}"

    @property
    def in_use(self) -> bool:
        return self.phone_use in (PhoneUse.IN_USE, PhoneUse.RARELY)

    def is_overdue(self, today: Any) -> bool:
        return self.status == FollowUpStatus.PENDING and self.due_on < today
