"""Days a person of the commune is away (leave, training, exams, sickness).

One row per stretch of days, keyed by the user: the help-desk roster and home-visit
booking both read it, so leave recorded once holds everywhere the person works.
"""

from __future__ import annotations

from datetime import date
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from digiward.core.dates import day_text
from digiward.core.models.tenancy import CommuneOwned, CommuneQuerySet


class AbsenceQuerySet(CommuneQuerySet):
    def overlapping(self, start: date, end: date) -> Self:
        """Absences sharing at least one day with ``start``..``end`` (both included)."""
        return self.filter(starts_on__lte=end, ends_on__gte=start)

    def covering(self, day: date) -> Self:
        return self.overlapping(day, day)


class Absence(CommuneOwned):
    """Days a user cannot work at all: no shift is given and no visit booked."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="absences",
        verbose_name=_("person"),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AbsenceQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        indexes = [
            models.Index(fields=["commune", "user", "starts_on"], name="core_absence_user_day"),
        ]
        constraints = [
            models.CheckConstraint(
                name="core_absence_dates",
                condition=Q(ends_on__gte=F("starts_on")),
                violation_error_message=_("The last day cannot be before the first."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {day_text(self.starts_on)}–{day_text(self.ends_on)}"

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on
