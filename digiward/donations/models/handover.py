"""Who gets what: allocations, the handover (its minutes and checklist), items that came back.

An item is in at most one live allocation, and a household holds at most
`phones_per_household` phones of a campaign (one phone slot each): database constraints,
the last word when two officers act at once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from digiward.core.models import CommuneOwned
from digiward.donations.models.campaigns import Campaign, ItemKind
from digiward.donations.models.items import Item
from digiward.registry.models import Household, Resident

# The setup checklist done with the recipient at the handover, in the minutes' order
# (each may record a journey milestone).
HANDOVER_CHECKLIST = (
    "vneid_installed",
    "vneid_level1",
    "large_font",
    "relative_number_saved",
    "scam_warning",
    "sim_in_own_name",
)


class Handover(CommuneOwned):
    """Items given to one recipient on one day, with the setup checklist and confirmation."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="handovers")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("minutes number"))
    handed_on = models.DateField(_("handed over on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    # The setup checklist done with the recipient (each may record a journey milestone).
    vneid_installed = models.BooleanField(
        _("VNeID installed from the official store"), default=False
    )
    vneid_level1 = models.BooleanField(_("VNeID level 1 registered"), default=False)
    large_font = models.BooleanField(_("Large-font mode turned on"), default=False)
    relative_number_saved = models.BooleanField(_("A relative's number saved"), default=False)
    scam_warning = models.BooleanField(
        _("Shown how to avoid scams (never read an OTP to anyone)"), default=False
    )
    sim_in_own_name = models.BooleanField(
        _("SIM registered in the recipient's name"), default=False
    )
    confirmed = models.BooleanField(_("The recipient confirmed receipt"), default=False)
    confirmed_by = models.CharField(
        _("Signed by (if not the recipient)"),
        max_length=150,
        blank=True,
        help_text=_("A relative who signed or fingerprinted for the recipient."),
    )
    consent_to_share = models.BooleanField(
        _("Agrees that the sponsor may see their name and progress"), default=False
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["handed_on", "number"]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="handover_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number:02d}/BB-BGTT · {self.recipient}"

    @property
    def reference(self) -> str:
        return f"{self.number:02d}/BB-BGTT"


class AllocationStatus(models.TextChoices):
    ALLOCATED = "allocated", _("Allocated")
    HANDED_OVER = "handed_over", _("Handed over")
    RETURNED = "returned", _("Returned")
    CANCELLED = "cancelled", _("Cancelled")


LIVE_ALLOCATION = (AllocationStatus.ALLOCATED, AllocationStatus.HANDED_OVER)


class Allocation(CommuneOwned):
    """An item set aside for a person of a household on the campaign's list."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="allocations")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="allocations")
    kind = models.CharField(max_length=8, choices=ItemKind.choices)
    # Phones only: the household's n-th phone in this campaign (1 unless more are allowed).
    phone_slot = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AllocationStatus.choices,
        default=AllocationStatus.ALLOCATED,
    )
    handover = models.ForeignKey(
        Handover, on_delete=models.PROTECT, null=True, blank=True, related_name="allocations"
    )
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    allocated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(status__in=LIVE_ALLOCATION),
                name="allocation_item_once",
                violation_error_message=_("This item is already allocated."),
            ),
            models.UniqueConstraint(
                fields=["campaign", "household", "phone_slot"],
                condition=Q(status__in=LIVE_ALLOCATION) & Q(phone_slot__isnull=False),
                name="allocation_phone_slot_once",
                violation_error_message=_("This household already has its phone."),
            ),
            models.CheckConstraint(
                name="allocation_phone_has_slot",
                condition=(Q(kind="phone") & Q(phone_slot__gte=1))
                | (~Q(kind="phone") & Q(phone_slot__isnull=True)),
                violation_error_message=_("A phone takes one of the household's phone slots."),
            ),
            models.CheckConstraint(
                name="allocation_handed_over_has_handover",
                condition=~Q(status="handed_over") | Q(handover__isnull=False),
                violation_error_message=_("A handed-over item belongs to a handover."),
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "household"], name="allocation_household"),
        ]

    def __str__(self) -> str:
        return f"{self.item} → {self.recipient}"


class ReturnReason(models.TextChoices):
    LOST = "lost", _("Lost")
    BROKEN = "broken", _("Broken")
    MOVED = "moved", _("The recipient moved away")
    DECEASED = "deceased", _("The recipient died")
    OTHER = "other", _("Other reason")


class NextStep(models.TextChoices):
    BACK_TO_STOCK = "back_to_stock", _("Back in stock, to give to the next household")
    REPAIR = "repair", _("Send for repair")
    WRITE_OFF = "write_off", _("Write off")


class ItemReturn(CommuneOwned):
    """An item that came back (or was lost), and what happens to it next."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="returns")
    allocation = models.ForeignKey(
        Allocation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=10, choices=ReturnReason.choices)
    next_step = models.CharField(_("what happens next"), max_length=16, choices=NextStep.choices)
    returned_on = models.DateField(_("on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-returned_on", "-pk"]
        verbose_name = _("return")
        verbose_name_plural = _("returns")

    def __str__(self) -> str:
        return f"{self.item}: {self.get_reason_display()}"
