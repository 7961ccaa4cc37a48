"""Heartbeats: the last time each scheduled job ran, and whether it went well."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """One row per scheduled job (deliver_outbox, backup, the worker, ...).

    A dead-man's switch: nothing calls us when a timer stops firing, so /readyz and
    the commune admin's home page compare `last_run_at` with `expected_every` and
    say the job is late. No personal data: `detail` is an error summary.
    """

    name = models.CharField(_("name"), max_length=60, unique=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_ok_at = models.DateTimeField(_("last success"), null=True, blank=True)
    ok = models.BooleanField(_("succeeded"), default=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    # Copied from DIGIWARD_SCHEDULE at each beat, so the row explains itself; the
    # setting wins when the two differ (see heartbeats.late()).
    expected_every = models.DurationField(
        _("expected every"), null=True, blank=True, default=timedelta(days=1)
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return self.name
