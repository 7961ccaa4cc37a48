"""Reads of the donations app that several screens (and the sponsor report) share."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum

from digiward.core.access import Access
from digiward.core.disclosure import suppress
from digiward.core.permissions import Perm
from digiward.donations import ranking
from digiward.donations.models import (
    LIVE_ALLOCATION,
    Allocation,
    AllocationStatus,
    Campaign,
    CampaignStatus,
    EntryStatus,
    FollowUp,
    FollowUpStatus,
    Handover,
    HouseholdPolicy,
    Item,
    ItemKind,
    PriorityEntry,
    RankingRun,
)
from digiward.registry.journey import LADDER, MilestoneKind
from digiward.registry.models import ELDERLY_AGE, Household, Milestone, Resident


def campaigns_for(access: Access) -> QuerySet[Campaign]:
    """Officers see every campaign of the commune; a sponsor viewer only its sponsor's."""
    campaigns = Campaign.objects.for_access(access)
    if access.has(Perm.VIEW_CAMPAIGNS):
        return campaigns
    return campaigns.filter(sponsors__contacts__user=access.user).distinct()


def household_facts(campaign: Campaign, household: Household, *, reference: date) -> ranking.Facts:
    """One household's facts, the same as the bulk loader finds (tests compare them)."""
    flags = ranking.PARTICULARLY_DISADVANTAGED if household.particularly_disadvantaged else 0
    residents = list(Resident.objects.filter(household=household).active())
    if not residents:
        flags |= ranking.NO_ACTIVE_MEMBER | ranking.NO_SMARTPHONE
    oldest: int | None = None
    for resident in residents:
        age = resident.age(reference)
        elderly = age is not None and age >= ELDERLY_AGE
        if elderly:
            flags |= ranking.ELDERLY
            if resident.lives_alone:
                flags |= ranking.ELDERLY_ALONE
        if resident.disability:
            flags |= ranking.DISABILITY
        if resident.limited_mobility:
            flags |= ranking.LIMITED_MOBILITY
        if resident.chronic_illness:
            flags |= ranking.CHRONIC_ILLNESS
        if resident.birth_year is not None:
            oldest = resident.birth_year if oldest is None else min(oldest, resident.birth_year)
    if (
        residents
        and not Milestone.objects.filter(
            resident__in=residents, kind=MilestoneKind.HAS_SMARTPHONE
        ).exists()
    ):
        flags |= ranking.NO_SMARTPHONE
    policy = HouseholdPolicy.objects.filter(household=household).first()
    if policy is not None:
        flags |= (ranking.MERIT_FAMILY if policy.merit_family else 0) | (
            ranking.SOCIAL_POLICY_FAMILY if policy.social_policy_family else 0
        )
    if (
        Allocation.objects.filter(
            household=household,
            kind=ItemKind.PHONE,
            status__in=(AllocationStatus.HANDED_OVER, AllocationStatus.RETURNED),
        )
        .exclude(campaign=campaign)
        .exists()
    ):
        flags |= ranking.EARLIER_DEVICE
    return ranking.Facts(
        household.pk, household.poverty_status, household.poverty_year, flags, oldest
    )


def list_entries(campaign: Campaign) -> QuerySet[PriorityEntry]:
    return PriorityEntry.objects.filter(campaign=campaign).select_related(
        "household", "household__head", "household__area"
    )


def scoring_rules(campaign: Campaign) -> list[ranking.Rules]:
    """The rules a list entry's score may come from, most likely first: the last ranking's
    (what the list was computed with), then the campaign's today (a household the review
    added is scored with them). For `wording.points_text`."""
    run = RankingRun.objects.filter(campaign=campaign).only("rules").first()
    today = campaign.ranking_rules
    if run is None or not run.rules:
        return [today]
    return [ranking.Rules.from_json(run.rules), today]


def phones_available(campaign: Campaign) -> int:
    """Phones that can still be given: in stock and usable, plus those already allocated."""
    return Item.objects.filter(
        campaign=campaign,
        kind=ItemKind.PHONE,
        condition__in=("new", "good"),
        status__in=("in_stock", "allocated", "handed_over"),
    ).count()


@dataclass
class KindCount:
    kind: str
    label: str
    pledged: int = 0
    pledged_vnd: int = 0
    received: int = 0
    received_vnd: int = 0
    allocated: int = 0
    handed_over: int = 0
    handed_over_vnd: int = 0
    returned: int = 0


def kind_counts(campaign: Campaign) -> list[KindCount]:
    rows = {kind: KindCount(kind, str(label)) for kind, label in ItemKind.choices}
    for pledge in campaign.pledges.all():
        rows[pledge.kind].pledged += pledge.quantity
        rows[pledge.kind].pledged_vnd += pledge.total_vnd
    for kind, count, value in (
        Item.objects.filter(campaign=campaign)
        .values_list("kind")
        .annotate(n=Count("pk"), v=Sum("value_vnd"))
        .order_by()
    ):
        rows[kind].received, rows[kind].received_vnd = count, value or 0
    for kind, status, count, value in (
        Allocation.objects.filter(campaign=campaign)
        .values_list("kind", "status")
        .annotate(n=Count("pk"), v=Sum("item__value_vnd"))
        .order_by()
    ):
        if status in LIVE_ALLOCATION:
            rows[kind].allocated += count
        if status == AllocationStatus.HANDED_OVER:
            rows[kind].handed_over += count
            rows[kind].handed_over_vnd += value or 0
        if status == AllocationStatus.RETURNED:
            rows[kind].returned += count
    return [row for row in rows.values() if row.pledged or row.received]


@dataclass
class MilestoneCount:
    kind: str
    label: str
    recipients: int  # recipients who have reached it (at any time)
    since_handover: int  # of them, reached on or after their handover


@dataclass(frozen=True)
class ShownMilestone:
    """A milestone row as a sponsor may see it: None where fewer than 5 people would show."""

    kind: str
    label: str
    recipients: int | None
    since_handover: int | None


@dataclass
class Story:
    """A recipient who agreed that the sponsor may see their name and progress."""

    name: str
    area: str
    handed_on: date
    phone_use: str
    milestones: list[str] = field(default_factory=list)


@dataclass
class SponsorReport:
    campaign: Campaign
    kinds: list[KindCount]
    households: int
    recipients: int
    first_days: int
    second_days: int
    first_done: int
    first_in_use: int
    second_done: int
    second_in_use: int
    second_due_later: int
    milestones: list[MilestoneCount]
    stories: list[Story]

    @property
    def pledged_vnd(self) -> int:
        return sum(k.pledged_vnd for k in self.kinds)

    @property
    def received_vnd(self) -> int:
        return sum(k.received_vnd for k in self.kinds)

    @property
    def handed_over_vnd(self) -> int:
        return sum(k.handed_over_vnd for k in self.kinds)

    @property
    def milestones_shown(self) -> list[ShownMilestone]:
        """The milestone table with small counts hidden (core.disclosure), column by column:
        "2 recipients reached VNeID level 2" in a small campaign points at people."""
        reached = suppress([m.recipients for m in self.milestones])
        since = suppress([m.since_handover for m in self.milestones])
        return [
            ShownMilestone(m.kind, m.label, r, h)
            for m, r, h in zip(self.milestones, reached, since, strict=True)
        ]


def sponsor_report(campaign: Campaign) -> SponsorReport:
    """Aggregates only; names only of recipients who consented."""
    handovers = list(
        Handover.objects.filter(campaign=campaign).select_related("recipient__household__area")
    )
    follow_ups = list(FollowUp.objects.filter(handover__campaign=campaign))

    def tally(days: int) -> tuple[int, int]:
        done = [f for f in follow_ups if f.days_after == days and f.status == FollowUpStatus.DONE]
        return len(done), sum(1 for f in done if f.in_use)

    first_done, first_in_use = tally(campaign.first_follow_up_days)
    second_done, second_in_use = tally(campaign.second_follow_up_days)
    second_due_later = sum(
        1
        for f in follow_ups
        if f.days_after == campaign.second_follow_up_days and f.status == FollowUpStatus.PENDING
    )
    handed_on = {h.recipient_id: h.handed_on for h in handovers}
    reached: Counter[str] = Counter()
    since: Counter[str] = Counter()
    per_person: dict[int, list[str]] = {}
    for resident_id, kind, achieved_on in Milestone.objects.filter(
        resident_id__in=list(handed_on)
    ).values_list("resident_id", "kind", "achieved_on"):
        reached[kind] += 1
        if achieved_on >= handed_on[resident_id]:
            since[kind] += 1
        per_person.setdefault(resident_id, []).append(kind)
    labels = dict(MilestoneKind.choices)
    milestones = [
        MilestoneCount(k.value, str(labels[k.value]), reached[k.value], since[k.value])
        for k in LADDER
    ]
    last_use: dict[int, str] = {}
    for f in sorted(follow_ups, key=lambda f: (f.days_after, f.pk)):
        if f.status == FollowUpStatus.DONE:
            last_use[f.handover_id] = f.get_phone_use_display()
    stories = [
        Story(
            name=h.recipient.full_name,
            area=str(h.recipient.household.area or ""),
            handed_on=h.handed_on,
            phone_use=last_use.get(h.pk, ""),
            milestones=[
                str(labels[k])
                for k in sorted(
                    per_person.get(h.recipient_id, []), key=lambda k: LADDER.index(MilestoneKind(k))
                )
            ],
        )
        for h in handovers
        if h.consent_to_share
    ]
    return SponsorReport(
        campaign=campaign,
        kinds=kind_counts(campaign),
        households=len({h.household_id for h in handovers}),
        recipients=len(handed_on),
        first_days=campaign.first_follow_up_days,
        second_days=campaign.second_follow_up_days,
        first_done=first_done,
        first_in_use=first_in_use,
        second_done=second_done,
        second_in_use=second_in_use,
        second_due_later=second_due_later,
        milestones=milestones,
        stories=stories,
    )


def follow_up_tasks(access: Access, *, show: str = "todo") -> QuerySet[FollowUp]:
    tasks = (
        FollowUp.objects.for_access(access)
        .select_related("handover__recipient", "handover__household", "handover__campaign")
        .prefetch_related("handover__allocations__item")
    )
    if show == "done":
        return tasks.exclude(status=FollowUpStatus.PENDING).order_by("-done_on", "-pk")
    return tasks.filter(status=FollowUpStatus.PENDING).order_by("due_on", "pk")


def entry_counts(campaign: Campaign) -> dict[str, int]:
    counts = PriorityEntry.objects.filter(campaign=campaign).aggregate(
        listed=Count("pk", filter=Q(status=EntryStatus.LISTED)),
        added=Count("pk", filter=Q(status=EntryStatus.ADDED)),
        removed=Count("pk", filter=Q(status=EntryStatus.REMOVED)),
    )
    return {k: int(v or 0) for k, v in counts.items()}


@dataclass(frozen=True)
class CampaignProgress:
    """How far a campaign has come: households on its list, phones it can give, phones
    allocated and handed over (the dashboard's progress bar is handed over / listed)."""

    campaign: Campaign
    households_listed: int
    phones_available: int
    allocated: int
    handed_over: int

    @property
    def percent_handed_over(self) -> int:
        if not self.households_listed:
            return 0
        return min(100, round(100 * self.handed_over / self.households_listed))


def campaign_progress(access: Access) -> list[CampaignProgress]:
    """Every campaign of the commune not yet closed, oldest first: one row each (a commune
    runs a handful, so a few queries per campaign are cheap)."""
    campaigns = (
        campaigns_for(access).exclude(status=CampaignStatus.CLOSED).order_by("starts_on", "pk")
    )
    progress = []
    for campaign in campaigns:
        entries = entry_counts(campaign)
        allocations = dict(
            Allocation.objects.filter(campaign=campaign, kind=ItemKind.PHONE)
            .values_list("status")
            .annotate(n=Count("pk"))
            .order_by()
        )
        progress.append(
            CampaignProgress(
                campaign=campaign,
                households_listed=entries["listed"] + entries["added"],
                phones_available=phones_available(campaign),
                allocated=sum(allocations.get(status, 0) for status in LIVE_ALLOCATION),
                handed_over=allocations.get(AllocationStatus.HANDED_OVER, 0),
            )
        )
    return progress
