"""Who gives and what for: sponsors and their sign-ins, campaigns and their stages, pledges."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from digiward.core.models import Commune, CommuneOwned
from digiward.donations import ranking


class SponsorKind(models.TextChoices):
    BANK = "bank", _("Bank")
    TELECOM = "telecom", _("Telecom operator")
    COMPANY = "company", _("Company")
    UNION = "union", _("Union or association")
    OTHER = "other", _("Other")


class Sponsor(CommuneOwned):
    """Who gives: a bank branch, a telecom, a company, a union."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=SponsorKind.choices)
    representative = models.CharField(_("representative"), max_length=150, blank=True)
    representative_title = models.CharField(_("position"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sponsor")
        verbose_name_plural = _("sponsors")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "name"],
                name="sponsor_unique_name",
                violation_error_message=_("A sponsor with this name already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class SponsorContact(models.Model):
    """A sponsor-viewer sign-in that speaks for a sponsor: it sees only that sponsor's
    campaigns."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sponsor_links"
    )
    sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE, related_name="contacts")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sponsor contact")
        verbose_name_plural = _("sponsor contacts")
        constraints = [
            models.UniqueConstraint(fields=["user", "sponsor"], name="sponsor_contact_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.sponsor}"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open: receiving items, ranking")
    LIST_LOCKED = "list_locked", _("List locked")
    HANDING_OVER = "handing_over", _("Handing over")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


# What an officer writes about a campaign on its form, besides its sponsors (not its
# status, rules or list): the form shows these, the audit log records their changes.
CAMPAIGN_DESCRIPTION = (
    "name",
    "description",
    "starts_on",
    "ends_on",
    "budget_vnd",
    "phones_per_household",
    "first_follow_up_days",
    "second_follow_up_days",
    "handover_place",
    "ward_representative",
    "ward_representative_title",
)


class Campaign(CommuneOwned):
    """A donation drive run by a commune: sponsors, what they pledge, who gets what."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    sponsors = models.ManyToManyField(Sponsor, related_name="campaigns", verbose_name=_("sponsors"))
    # Always includes the owning commune (services keep it so).
    communes = models.ManyToManyField(
        Commune, related_name="+", verbose_name=_("communes"), blank=True
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    budget_vnd = models.BigIntegerField(_("budget (VND)"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    phones_per_household = models.PositiveSmallIntegerField(
        _("phones per household"),
        default=1,
        help_text=_("Usually one. More only if the sponsor and the ward agreed."),
    )
    first_follow_up_days = models.PositiveSmallIntegerField(
        _("first follow-up after (days)"), default=7
    )
    second_follow_up_days = models.PositiveSmallIntegerField(
        _("second follow-up after (days)"), default=30
    )
    rules = models.JSONField(default=dict, blank=True)
    draw_seed = models.BigIntegerField(_("draw seed"), default=0)
    handover_place = models.CharField(_("handover place"), max_length=200, blank=True)
    ward_representative = models.CharField(_("ward representative"), max_length=150, blank=True)
    ward_representative_title = models.CharField(
        _("representative's position"), max_length=150, blank=True
    )
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                name="campaign_budget_not_negative",
                condition=Q(budget_vnd__gte=0),
                violation_error_message=_("The budget cannot be negative."),
            ),
            models.CheckConstraint(
                name="campaign_dates_in_order",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                violation_error_message=_("The campaign cannot end before it starts."),
            ),
            models.CheckConstraint(
                name="campaign_phones_per_household_range",
                condition=Q(phones_per_household__gte=1, phones_per_household__lte=5),
                violation_error_message=_("Between 1 and 5 phones per household."),
            ),
            models.CheckConstraint(
                name="campaign_follow_ups_in_order",
                condition=Q(first_follow_up_days__gte=1)
                & Q(second_follow_up_days__gt=models.F("first_follow_up_days"))
                & Q(second_follow_up_days__lte=365),
                violation_error_message=_(
                    "The second follow-up comes after the first, within a year."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ranking_rules(self) -> ranking.Rules:
        return ranking.Rules.from_json(self.rules)

    @property
    def list_is_locked(self) -> bool:
        return self.status not in (CampaignStatus.DRAFT, CampaignStatus.OPEN)


class ItemKind(models.TextChoices):
    PHONE = "phone", _("Smartphone")
    SIM = "sim", _("SIM card")
    OTHER = "other", _("Other item")


class Pledge(CommuneOwned):
    """What a sponsor promised: e.g. 15 smartphones at 2.357.000 ₫."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="pledges")
    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=ItemKind.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_value_vnd = models.BigIntegerField(_("value per item (VND)"), default=0)

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        constraints = [
            models.CheckConstraint(
                name="pledge_quantity_positive",
                condition=Q(quantity__gte=1),
                violation_error_message=_("At least one item."),
            ),
            models.CheckConstraint(
                name="pledge_value_not_negative",
                condition=Q(unit_value_vnd__gte=0),
                violation_error_message=_("The value cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.get_kind_display()}"

    @property
    def total_vnd(self) -> int:
        return self.quantity * self.unit_value_vnd
