"""Donation actions: every write of the donations app goes through one of these.

Each is one transaction with an audit row; a refused action raises DomainError with a
message for the person who tried it and leaves nothing half-written.

    campaigns   sponsors and their sign-ins, campaigns and their stages, pledges,
                households' policy statuses
    items       received items (a batch all or none), returns, repairs
    review      ranking, the list's Excel file, the review's changes and amendments
    handover    allocation, handover (checklist, milestones, follow-ups), follow-up checks
    common      the campaign lock and the audit row of a save, which they all take
"""

from digiward.donations.services.campaigns import (
    campaign_rules_save,
    campaign_save,
    campaign_transition,
    household_policy_save,
    pledge_add,
    sponsor_contact_link,
    sponsor_contact_unlink,
    sponsor_save,
)
from digiward.donations.services.handover import (
    HandoverDetails,
    allocation_cancel,
    allocation_create,
    follow_up_due,
    follow_up_record,
    free_phone_slots,
    handover_record,
    minutes_citizen_ids,
)
from digiward.donations.services.items import (
    ItemsRefused,
    NewItem,
    item_repaired,
    item_return,
    items_receive,
)
from digiward.donations.services.review import (
    list_change,
    list_export_start,
    ranking_run,
    ranking_start,
)

__all__ = [
    "HandoverDetails",
    "ItemsRefused",
    "NewItem",
    "allocation_cancel",
    "allocation_create",
    "campaign_rules_save",
    "campaign_save",
    "campaign_transition",
    "follow_up_due",
    "follow_up_record",
    "free_phone_slots",
    "handover_record",
    "household_policy_save",
    "item_repaired",
    "item_return",
    "items_receive",
    "list_change",
    "list_export_start",
    "minutes_citizen_ids",
    "pledge_add",
    "ranking_run",
    "ranking_start",
    "sponsor_contact_link",
    "sponsor_contact_unlink",
    "sponsor_save",
]
