"""What was received: each phone (IMEI), SIM card (number) or other item, and its state.

An IMEI and a SIM number exist once, across communes: database constraints, so two
officers typing the same phone at once cannot both record it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from digiward.core.models import CommuneOwned
from digiward.donations.models.campaigns import Campaign, ItemKind, Sponsor


class ItemCondition(models.TextChoices):
    NEW = "new", _("New, sealed")
    GOOD = "good", _("Good")
    DAMAGED = "damaged", _("Damaged")
    NOT_WORKING = "not_working", _("Does not work")


USABLE_CONDITIONS = (ItemCondition.NEW, ItemCondition.GOOD)


class ItemStatus(models.TextChoices):
    IN_STOCK = "in_stock", _("In stock")
    ALLOCATED = "allocated", _("Allocated")
    HANDED_OVER = "handed_over", _("Handed over")
    IN_REPAIR = "in_repair", _("Being repaired")
    WRITTEN_OFF = "written_off", _("Written off")


class Item(CommuneOwned):
    """One thing received: a phone (IMEI), a SIM card (number), or another item."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="items")
    sponsor = models.ForeignKey(
        Sponsor, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ItemKind.choices)
    name = models.CharField(_("model or description"), max_length=150)
    imei = models.CharField(_("IMEI"), max_length=15, null=True, blank=True)
    sim_number = models.CharField(_("SIM number"), max_length=11, null=True, blank=True)
    carrier = models.CharField(_("carrier"), max_length=40, blank=True)
    data_package = models.CharField(_("data package"), max_length=100, blank=True)
    free_months = models.PositiveSmallIntegerField(_("months of free data"), null=True, blank=True)
    value_vnd = models.BigIntegerField(_("value (VND)"), default=0)
    condition = models.CharField(
        _("condition on receipt"),
        max_length=12,
        choices=ItemCondition.choices,
        default=ItemCondition.NEW,
    )
    received_on = models.DateField(_("received on"))
    status = models.CharField(
        _("status"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.IN_STOCK
    )
    note = models.CharField(_("note"), max_length=250, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            # An IMEI names one physical phone in the world: unique across communes.
            models.UniqueConstraint(
                fields=["imei"],
                condition=Q(imei__isnull=False),
                name="item_unique_imei",
                violation_error_message=_("A phone with this IMEI is already recorded."),
            ),
            models.UniqueConstraint(
                fields=["sim_number"],
                condition=Q(sim_number__isnull=False),
                name="item_unique_sim_number",
                violation_error_message=_("A SIM card with this number is already recorded."),
            ),
            models.CheckConstraint(
                name="item_identity_matches_kind",
                condition=(Q(kind="phone") & Q(imei__isnull=False) & Q(sim_number__isnull=True))
                | (Q(kind="sim") & Q(sim_number__isnull=False) & Q(imei__isnull=True))
                | (Q(kind="other") & Q(imei__isnull=True) & Q(sim_number__isnull=True)),
                violation_error_message=_("A phone has an IMEI, a SIM card a number."),
            ),
            models.CheckConstraint(
                name="item_value_not_negative",
                condition=Q(value_vnd__gte=0),
                violation_error_message=_("The value cannot be negative."),
            ),
        ]
        indexes = [models.Index(fields=["campaign", "kind", "status"], name="item_campaign_kind")]

    def __str__(self) -> str:
        if self.imei:
            return f"{self.name} · IMEI {self.imei}"
        if self.sim_number:
            return f"{self.name} · {self.sim_number}"
        return self.name

    @property
    def is_usable(self) -> bool:
        return self.condition in USABLE_CONDITIONS
