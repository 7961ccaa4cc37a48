"""What a commune tells citizens about itself: its phone, address and opening hours."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from digiward.core.models.tenancy import Commune

# The fields the commune administrator edits (and the audit log diffs).
CONTACT_FIELDS = ("phone", "address", "opening_hours")


class CommuneSettings(models.Model):
    """A commune's own settings, one row per commune, created on first save.

    Kept apart from `Commune`, which `load_units` rewrites from the official list: what
    the ward types itself must survive a reload. Every public page shows the contacts.
    """

    commune = models.OneToOneField(
        Commune,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="settings",
        verbose_name=_("commune"),
    )
    # National form 0292 3821 123 is stored as digits (core.phones), shown grouped.
    phone = models.CharField(_("phone number of the ward"), max_length=20, blank=True)
    address = models.CharField(_("address of the service center"), max_length=300, blank=True)
    opening_hours = models.TextField(
        _("opening hours"),
        blank=True,
        help_text=_("One line each, e.g. “Monday to Friday: 7:30–11:30 and 13:30–17:00”."),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("commune settings")
        verbose_name_plural = _("commune settings")

    def __str__(self) -> str:
        return str(_("Settings of %(commune)s") % {"commune": self.commune})

    @property
    def opening_lines(self) -> list[str]:
        return [line.strip() for line in self.opening_hours.splitlines() if line.strip()]

    @property
    def has_contacts(self) -> bool:
        return bool(self.phone or self.address or self.opening_hours.strip())
