"""The priority list: households' policy statuses, rankings, the list's entries, and the
review's changes and amendments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from digiward.core.dates import moment_text
from digiward.core.models import Commune, CommuneOwned
from digiward.donations import ranking
from digiward.donations.models.campaigns import Campaign
from digiward.registry.models import Household


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
        return f"{self.campaign} · {moment_text(self.created_at)}"


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
