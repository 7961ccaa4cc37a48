"""Certificates of basic digital skills, their signing keys, and their revocation.

The signed credential is stored exactly as issued: a verifier checks those bytes, so it
is never rebuilt from the current rows (a renamed competence must not break an old
signature). Revocation is a separate fact on the row, shown by the verification page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from digiward.core.models import CommuneOwned
from digiward.learning.models.frameworks import Competence, Framework, Track
from digiward.registry.models import Resident


class SigningKey(CommuneOwned):
    """A commune's Ed25519 key. The private half is encrypted with the field keys."""

    private_key = models.TextField()  # core.crypto.encrypt of the raw 32 bytes, base64
    public_key_multibase = models.CharField(max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["commune", "-created_at"]
        verbose_name = _("signing key")

    def __str__(self) -> str:
        return self.public_key_multibase[:16]


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")


class Certificate(CommuneOwned):
    # Short, random, shown on the paper and in the QR: 12 characters of Crockford
    # base32 (60 bits), so guessing one is hopeless even before the rate limit.
    code = models.CharField(_("verification code"), max_length=12, unique=True)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    competences = models.ManyToManyField(Competence, related_name="certificates")
    track = models.CharField(_("track"), max_length=12, choices=Track.choices)
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, null=True, blank=True, related_name="certificates"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="skill_certificates",
    )
    holder_name = models.CharField(_("holder"), max_length=200)
    basis = models.TextField(_("basis of the confirmation"))
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signing_key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="+")
    credential = models.JSONField()  # the signed Open Badges 3.0 credential, as issued
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("certificate")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resident__isnull=False) | models.Q(user__isnull=False),
                name="learning_certificate_has_holder",
            )
        ]

    def __str__(self) -> str:
        return f"{self.display_code} {self.holder_name}"

    @property
    def status(self) -> CertificateStatus:
        return CertificateStatus.REVOKED if self.revoked_at else CertificateStatus.VALID

    @property
    def display_code(self) -> str:
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))
