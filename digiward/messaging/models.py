"""Per-channel state of the Zalo (ZNS) and SMS channels, linked to core outbox rows.

Core's OutboxMessage stays the one row per message; everything a phone channel needs
(template parameters, each provider's attempt and receipt, tokens, quota, consent) is
here, so core knows nothing about Zalo or SMS.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from digiward.core.models import Commune, OutboxMessage


class Provider(models.TextChoices):
    ZNS = "zns", _("Zalo (ZNS)")
    SMS = "sms", _("SMS")


class ChannelCredential(models.Model):
    """The Zalo OA's tokens (encrypted with core.crypto) and today's quota."""

    provider = models.CharField(max_length=10, choices=Provider.choices, unique=True)
    refresh_token_encrypted = models.TextField(blank=True)
    access_token_encrypted = models.TextField(blank=True)
    access_expires_at = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    refresh_failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    quota_day = models.DateField(null=True, blank=True)
    daily_quota = models.PositiveIntegerField(null=True, blank=True)
    remaining_quota = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return self.provider


class ZnsTemplate(models.Model):
    """The id Zalo gave the approved template of one message kind (see templates.py).

    Templates belong to the installation's Zalo OA: the row without a commune is the
    installation's id (`digiward zns_templates --set KIND=ID`); a commune admin may set
    the commune's own id on the settings page, which wins for that commune's messages.
    A commune never changes another commune's ids."""

    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("message kind"), max_length=30)
    template_id = models.CharField(_("ZNS template id"), max_length=20, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "kind"],
                condition=models.Q(commune__isnull=False),
                name="messaging_template_per_commune",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(commune__isnull=True),
                name="messaging_template_installation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}={self.template_id}"


class CommuneMessaging(models.Model):
    """No longer read: the phone messages print is the ward's contacts' one (core's
    CommuneSettings). Kept until a later release drops it, so the previous release's
    code keeps running while an upgrade migrates (expand-then-contract, decision 64)."""

    commune = models.OneToOneField(Commune, on_delete=models.CASCADE, related_name="+")
    ward_phone = models.CharField(_("commune's phone"), max_length=20, blank=True)

    def __str__(self) -> str:
        return f"{self.commune_id}: {self.ward_phone}"


class ConsentBasis(models.TextChoices):
    # Decree 13/2023 art. 17(1)(b)-like basis: the person asked us for this service.
    REQUEST = "request", _("Asked for the service")
    CONSENT = "consent", _("Explicit consent")


class Consent(models.Model):
    """May we message this phone on this channel? One row per phone and channel."""

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="+")
    phone = models.CharField(max_length=16)  # E.164
    provider = models.CharField(max_length=10, choices=Provider.choices)
    granted = models.BooleanField(default=True)
    basis = models.CharField(max_length=10, choices=ConsentBasis.choices)
    source = models.CharField(_("source"), max_length=200)
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "phone", "provider"], name="messaging_consent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.phone}: {'yes' if self.granted else 'no'}"


class PhoneMessage(models.Model):
    """What a phone outbox row carries: the kind (→ ZNS template), its parameters, the SMS."""

    outbox = models.OneToOneField(OutboxMessage, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    params = models.JSONField(default=dict)
    sms_text = models.TextField()

    def __str__(self) -> str:
        return f"{self.kind} #{self.outbox_id}"


class DeliveryStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    REFUSED = "refused", _("Refused")
    RETRY = "retry", _("Will be tried again")
    UNKNOWN = "unknown", _("No answer from the gateway")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One provider's attempt at one outbox row; at most one per row and provider, so a
    retry after a success never sends again. The outbox row id is the ZNS tracking_id and
    the SMS RequestId."""

    outbox = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="+")
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    provider = models.CharField(max_length=10, choices=Provider.choices)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices)
    provider_id = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    tries = models.PositiveSmallIntegerField(default=0)
    segments = models.PositiveSmallIntegerField(default=0)
    cost_vnd = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["outbox", "provider"], name="messaging_delivery_once")
        ]
        indexes = [models.Index(fields=["provider", "provider_id"], name="messaging_provider_id")]

    def __str__(self) -> str:
        return f"{self.provider} #{self.outbox_id}: {self.status}"
