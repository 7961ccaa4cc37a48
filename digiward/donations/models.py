"""Device-donation campaigns: sponsors, pledges, items, the priority list, allocation,
handover, follow-up.

Invariants that two officers acting at once could break are database constraints, not
only checks in services: an item is in at most one live allocation, a household holds
at most `phones_per_household` phones of a campaign (one phone slot each), an IMEI and a
SIM number exist once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from digiward.core.models import Commune, CommuneOwned
from digiward.donations import ranking
from digiward.registry.models import Household, Resident


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


class HouseholdPolicy(CommuneOwned):
    """Whether a household is a family of a person with merit or a social-policy family.

    Circular 14/2022 ranks these first; the registry does not record them yet, so the
    donations app keeps them (edited by officers, audit-logged) until the registry does.
    """

    household = models.OneToOneField(
        Household, on_delete=models.CASCADE, related_name="donation_policy"
    )
    merit_family = models.BooleanField(_("family of a person with merit"), default=False)
    social_policy_family = models.BooleanField(_("social-policy family"), default=False)
    basis = models.CharField(
        _("based on"),
        max_length=250,
        blank=True,
        help_text=_("The decision or list this comes from, e.g. Quyết định số 12/QĐ-UBND."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("household policy status")
        verbose_name_plural = _("household policy statuses")

    def __str__(self) -> str:
        return f"{self.household.code}"


class RankingRun(CommuneOwned):
    """One computation of a campaign's list: the rules used, the counts, the time taken."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ranking_runs")
    job = models.ForeignKey(
        "core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rules = models.JSONField(default=dict)
    seed = models.BigIntegerField(default=0)
    reference_date = models.DateField()
    summary = models.JSONField(default=dict)
    seconds_load = models.FloatField(default=0)
    seconds_rank = models.FloatField(default=0)
    seconds_write = models.FloatField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ranking")
        verbose_name_plural = _("rankings")

    def __str__(self) -> str:
        return f"{self.campaign} · {self.created_at:%d/%m/%Y %H:%M}"


class EntryStatus(models.TextChoices):
    LISTED = "listed", _("On the list")
    ADDED = "added", _("Added by the review")
    REMOVED = "removed", _("Removed by the review")


class PriorityEntry(CommuneOwned):
    """A household's place on a campaign's priority list, with the facts behind it.

    `flags` holds the facts as bits (donations.ranking); the reasons are worded when
    shown. The order is (group, score desc, oldest member, draw, household), see ranking.
    """

    # A province's list has a million rows, rewritten at each ranking, so:
    # - no index that another one already covers (the list's order starts with the
    #   campaign, the unique constraint with the household; the commune is the
    #   campaign's): three indexes in all, with the primary key;
    # - no foreign-key constraint in the database: checking three keys per row cost
    #   more than writing the list (PostgreSQL: ~16 s of deferred checks for a million
    #   rows, bench/bench_donations.py). The rows are written only by ranking_store from
    #   households it has just read; PROTECT and CASCADE are still applied by Django.
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="entries",
        db_index=False,
        db_constraint=False,
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    position = models.PositiveIntegerField(_("position"), null=True, blank=True)
    group = models.PositiveSmallIntegerField(_("priority group"))
    score = models.IntegerField(_("score"))
    flags = models.IntegerField(default=0)
    poverty_year = models.PositiveSmallIntegerField(null=True, blank=True)
    oldest_birth_year = models.PositiveSmallIntegerField(default=ranking.UNKNOWN_BIRTH_YEAR)
    draw = models.BigIntegerField(_("draw"))
    status = models.CharField(
        _("status"), max_length=8, choices=EntryStatus.choices, default=EntryStatus.LISTED
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["group", "-score", "oldest_birth_year", "draw", "household_id"]
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "campaign"],
                name="entry_once_per_household",
                violation_error_message=_("This household is already on the list."),
            )
        ]
        indexes = [
            models.Index(
                fields=["campaign", "group", "-score", "oldest_birth_year", "draw", "household"],
                name="entry_list_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}#{self.position}: {self.household_id}"

    @property
    def is_on_list(self) -> bool:
        return self.status != EntryStatus.REMOVED


class ChangeAction(models.TextChoices):
    ADD = "add", _("Add to the list")
    REMOVE = "remove", _("Remove from the list")


class ListChange(CommuneOwned):
    """A household added to or removed from the list, and why.

    Before the list is locked these are the review meeting's decisions; after it, an
    amendment (is_amendment) that cites the document deciding it.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="list_changes")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=8, choices=ChangeAction.choices)
    reason = models.TextField(_("reason"))
    is_amendment = models.BooleanField(default=False)
    reference = models.CharField(_("decided by"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("list change")
        verbose_name_plural = _("list changes")
        constraints = [
            models.CheckConstraint(
                name="list_change_amendment_cites_decision",
                condition=Q(is_amendment=False) | ~Q(reference=""),
                violation_error_message=_("An amendment cites the decision behind it."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.household_id}"


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


class FollowUpStatus(models.TextChoices):
    PENDING = "pending", _("To do")
    DONE = "done", _("Done")
    UNREACHABLE = "unreachable", _("Could not reach")


class PhoneUse(models.TextChoices):
    IN_USE = "in_use", _("In use")
    RARELY = "rarely", _("Rarely used")
    NOT_USED = "not_used", _("Not used")
    LOST = "lost", _("Lost")
    BROKEN = "broken", _("Broken")
    GIVEN_AWAY = "given_away", _("Given or sold to someone else")


class FollowUp(CommuneOwned):
    """A check on a recipient some days after the handover: still in use? what reached?"""

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="follow_ups")
    days_after = models.PositiveSmallIntegerField(_("days after the handover"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.PENDING
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    phone_use = models.CharField(
        _("is the phone in use?"), max_length=12, choices=PhoneUse.choices, blank=True
    )
    milestones = models.JSONField(default=list, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(fields=["handover", "days_after"], name="follow_up_once"),
            models.CheckConstraint(
                name="follow_up_done_has_date",
                condition=Q(status="pending") | Q(done_on__isnull=False),
                violation_error_message=_("A finished follow-up has a date."),
            ),
        ]
        indexes = [models.Index(fields=["commune", "status", "due_on"], name="follow_up_tasks")]

    def __str__(self) -> str:
        return f"{self.handover} +{self.days_after}"

    @property
    def in_use(self) -> bool:
        return self.phone_use in (PhoneUse.IN_USE, PhoneUse.RARELY)

    def is_overdue(self, today: Any) -> bool:
        return self.status == FollowUpStatus.PENDING and self.due_on < today
