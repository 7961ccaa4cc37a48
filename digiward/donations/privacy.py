"""What device donations hold about a person: what they received (handovers, items,
follow-ups, returns) and their household's place on the campaigns' lists.

Registered in DonationsConfig.ready() (see `digiward.core.personal_data`).

On anonymisation the allocations, handovers and follow-ups stay (the sponsor report
counts them: households, recipients, phones in use after 7 and 30 days, milestones);
the relative who signed, the notes and the agreement to be named to the sponsor go
(the person's story leaves the report, its numbers stay). When every member of the
household is anonymised, the notes on the household's list entries and the reasons of
the review's decisions about it are erased too. An item set aside but not yet handed
over stops the anonymisation: hand it over or cancel the allocation first.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digiward.core.personal_data import (
    ERASED_TEXT,
    Record,
    Reveal,
    Section,
    entry,
    model_entries,
    record,
    register_section,
)
from digiward.donations import ranking
from digiward.donations.models import (
    HANDOVER_CHECKLIST,
    Allocation,
    AllocationStatus,
    FollowUp,
    Handover,
    HouseholdPolicy,
    ItemReturn,
    ListChange,
    PriorityEntry,
)
from digiward.donations.wording import group_name, reasons_text
from digiward.registry.models import Resident
from digiward.registry.privacy.sections import household_fully_anonymised

HANDOVER_FIELDS = (
    "handed_on",
    "place",
    *HANDOVER_CHECKLIST,
    "confirmed",
    "confirmed_by",
    "consent_to_share",
    "note",
    "recorded_at",
)
FOLLOW_UP_FIELDS = ("days_after", "due_on", "status", "done_on", "phone_use", "note")


class Handovers(Section[Resident]):
    key = "donations.handovers"
    title = gettext_lazy("Devices received")
    order = 60

    def collect(self, subject: Resident, *, reveal: Reveal) -> list[Record]:
        handovers = (
            Handover.objects.filter(recipient=subject)
            .select_related("campaign")
            .prefetch_related("allocations__item", "follow_ups")
            .order_by("handed_on", "pk")
        )
        found = []
        for handover in handovers:
            entries = [
                entry("campaign", _("campaign"), handover.campaign.name),
                entry("minutes", _("handover minutes"), handover.reference),
                *model_entries(handover, HANDOVER_FIELDS),
                entry("items", _("items"), [str(a.item) for a in handover.allocations.all()]),
            ]
            for follow_up in sorted(handover.follow_ups.all(), key=lambda f: f.days_after):
                entries += [
                    entry(
                        f"follow_up_{follow_up.days_after}_{e.key}",
                        _("follow-up after %(days)s days: %(what)s")
                        % {"days": follow_up.days_after, "what": e.label},
                        e.value,
                        e.text,
                    )
                    for e in model_entries(follow_up, FOLLOW_UP_FIELDS[1:])
                ]
            found.append(record(f"{handover.campaign.name} · {handover.reference}", entries))
        return found

    def blockers(self, subject: Resident) -> list[str]:
        waiting = Allocation.objects.filter(
            recipient=subject, status=AllocationStatus.ALLOCATED
        ).select_related("campaign", "item")
        return [
            _(
                "%(item)s is set aside for this person in “%(campaign)s”: hand it over or "
                "cancel the allocation first."
            )
            % {"item": a.item, "campaign": a.campaign.name}
            for a in waiting
        ]

    def anonymise(self, subject: Resident, *, now: datetime) -> dict[str, int]:
        handovers = Handover.objects.filter(recipient=subject)
        return {
            "handovers": handovers.update(confirmed_by="", note="", consent_to_share=False),
            "follow_ups": FollowUp.objects.filter(handover__recipient=subject)
            .exclude(note="")
            .update(note=""),
            "returns": ItemReturn.objects.filter(allocation__recipient=subject)
            .exclude(note="")
            .update(note=""),
        }


class Allocations(Section[Resident]):
    key = "donations.allocations"
    title = gettext_lazy("Items allocated and returned")
    order = 61

    def collect(self, subject: Resident, *, reveal: Reveal) -> list[Record]:
        found = []
        allocations = (
            Allocation.objects.filter(recipient=subject)
            .select_related("campaign", "item")
            .order_by("allocated_at", "pk")
        )
        returns: dict[int, list[ItemReturn]] = {}
        for item_return in ItemReturn.objects.filter(allocation__recipient=subject):
            assert item_return.allocation_id is not None
            returns.setdefault(item_return.allocation_id, []).append(item_return)
        for allocation in allocations:
            entries = [
                entry("campaign", _("campaign"), allocation.campaign.name),
                entry("item", _("item"), str(allocation.item)),
                *model_entries(allocation, ("status", "allocated_at")),
            ]
            for item_return in returns.get(allocation.pk, []):
                entries += model_entries(
                    item_return, ("reason", "next_step", "returned_on", "note")
                )
            found.append(record(str(allocation.item), entries))
        return found

    def anonymise(self, subject: Resident, *, now: datetime) -> dict[str, int]:
        return {}  # the rows stay counted; their notes go with the handovers (above)


class HouseholdLists(Section[Resident]):
    """The household on the campaigns' priority lists, the review's decisions about it,
    and its recorded policy status (merit / social-policy family)."""

    key = "donations.household_lists"
    title = gettext_lazy("The household on donation lists")
    order = 62

    def collect(self, subject: Resident, *, reveal: Reveal) -> list[Record]:
        household_id = subject.household_id
        found = []
        for entry_row in PriorityEntry.objects.filter(household_id=household_id).select_related(
            "campaign"
        ):
            rules = ranking.Rules.from_json(entry_row.campaign.rules)
            found.append(
                record(
                    entry_row.campaign.name,
                    [
                        entry("campaign", _("campaign"), entry_row.campaign.name),
                        *model_entries(entry_row, ("position", "status", "score")),
                        entry(
                            "group",
                            _("priority group"),
                            entry_row.group,
                            group_name(entry_row.group),
                        ),
                        entry(
                            "reasons",
                            _("reasons"),
                            reasons_text(entry_row.flags, entry_row.poverty_year, rules),
                        ),
                        *model_entries(entry_row, ("note",)),
                    ],
                )
            )
        for change in ListChange.objects.filter(household_id=household_id).select_related(
            "campaign"
        ):
            found.append(
                record(
                    f"{change.campaign.name} · {change.get_action_display()}",
                    [
                        entry("campaign", _("campaign"), change.campaign.name),
                        *model_entries(change, ("action", "reason", "reference", "recorded_at")),
                    ],
                )
            )
        policy = HouseholdPolicy.objects.filter(household_id=household_id).first()
        if policy is not None:
            found.append(
                record(
                    HouseholdPolicy._meta.verbose_name or "",
                    model_entries(policy, ("merit_family", "social_policy_family", "basis")),
                )
            )
        return found

    def anonymise(self, subject: Resident, *, now: datetime) -> dict[str, int]:
        if not household_fully_anonymised(subject.household_id):
            return {}
        household_id = subject.household_id
        return {
            "list_notes": PriorityEntry.objects.filter(household_id=household_id)
            .exclude(note="")
            .update(note=""),
            "review_reasons": ListChange.objects.filter(household_id=household_id).update(
                reason=ERASED_TEXT
            ),
        }


def register() -> None:
    for section in (Handovers(), Allocations(), HouseholdLists()):
        register_section(section)
