"""The notification outbox: messages are rows first, deliveries second."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from digiward.core.models.tenancy import Commune


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    # Handed to its channel and no answer recorded yet: a worker that dies here leaves it
    # so, and the message is then resent only by a channel that cannot send it twice.
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")


class OutboxMessage(models.Model):
    """A notification to one recipient through one channel (email now; SMS/Zalo later).

    Written in the same transaction as the change it announces and delivered only
    after that transaction commits, so nobody is told about something that was
    rolled back, and nothing is lost if the channel is down (it is retried).
    """

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=20)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Lets callers queue "the reminder for shift 12 to user 5" twice without sending twice.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient}: {self.subject}"
