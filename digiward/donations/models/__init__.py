"""Device-donation campaigns: sponsors, pledges, items, the priority list, allocation,
handover, follow-up.

Invariants that two officers acting at once could break are database constraints, not
only checks in services: an item is in at most one live allocation, a household holds
at most `phones_per_household` phones of a campaign (one phone slot each), an IMEI and a
SIM number exist once.

One module per part of a campaign's life, all re-exported here, so every caller writes
`from digiward.donations.models import Campaign`:

    campaigns   sponsors and their sign-ins, campaigns and their stages, pledges
    items       what was received (IMEI, SIM number), its condition and status
    lists       policy statuses, rankings, the priority list, the review's changes
    handover    allocations, handovers (minutes and checklist), returns
    follow_up   the checks 7 and 30 days after a handover
"""

from digiward.donations.models.campaigns import (
    CAMPAIGN_DESCRIPTION,
    Campaign,
    CampaignStatus,
    ItemKind,
    Pledge,
    Sponsor,
    SponsorContact,
    SponsorKind,
)
from digiward.donations.models.follow_up import FollowUp, FollowUpStatus, PhoneUse
from digiward.donations.models.handover import (
    HANDOVER_CHECKLIST,
    LIVE_ALLOCATION,
    Allocation,
    AllocationStatus,
    Handover,
    ItemReturn,
    NextStep,
    ReturnReason,
)
from digiward.donations.models.items import USABLE_CONDITIONS, Item, ItemCondition, ItemStatus
from digiward.donations.models.lists import (
    ChangeAction,
    EntryStatus,
    HouseholdPolicy,
    ListChange,
    PriorityEntry,
    RankingRun,
)

__all__ = [
    "CAMPAIGN_DESCRIPTION",
    "HANDOVER_CHECKLIST",
    "LIVE_ALLOCATION",
    "USABLE_CONDITIONS",
    "Allocation",
    "AllocationStatus",
    "Campaign",
    "CampaignStatus",
    "ChangeAction",
    "EntryStatus",
    "FollowUp",
    "FollowUpStatus",
    "Handover",
    "HouseholdPolicy",
    "Item",
    "ItemCondition",
    "ItemKind",
    "ItemReturn",
    "ItemStatus",
    "ListChange",
    "NextStep",
    "PhoneUse",
    "Pledge",
    "PriorityEntry",
    "RankingRun",
    "ReturnReason",
    "Sponsor",
    "SponsorContact",
    "SponsorKind",
]
