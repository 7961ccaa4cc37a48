"""Exceptions to the working-day calendar that the holidays package cannot know."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from digiward.core.dates import day_text
from digiward.core.models.tenancy import Commune


class CalendarOverride(models.Model):
    """A day that works differently from the national rule.

    The Government sometimes swaps days (a Saturday worked to bridge a holiday) and
    a province may close offices for a local event. A row with no commune applies
    everywhere; a commune row applies to that commune only and wins.
    """

    date = models.DateField(_("date"))
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    is_working_day = models.BooleanField(_("is a working day"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        constraints = [
            models.UniqueConstraint(
                fields=["date", "commune"],
                condition=models.Q(commune__isnull=False),
                name="calendar_override_unique_commune_day",
                violation_error_message=_("This day already has an exception."),
            ),
            models.UniqueConstraint(
                fields=["date"],
                condition=models.Q(commune__isnull=True),
                name="calendar_override_unique_national_day",
                violation_error_message=_("This day already has an exception."),
            ),
        ]

    def __str__(self) -> str:
        return f"{day_text(self.date)} {self.reason}"
