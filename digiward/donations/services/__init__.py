"""Donation actions: every write of the donations app goes through one of these.

Each is one transaction with an audit row; a refused action raises DomainError with a
message for the person who tried it and leaves nothing half-written.
"""

from digiward.donations.services.campaigns import (
    ItemsRefused,
    NewItem,
    campaign_rules_save,
    campaign_save,
    campaign_transition,
    household_policy_save,
    item_repaired,
    item_return,
    items_receive,
    pledge_add,
    sponsor_contact_link,
    sponsor_contact_unlink,
    sponsor_save,
)
from digiward.donations.services.handover import (
    CHECKLIST,
    HandoverDetails,
    allocation_cancel,
    allocation_create,
    follow_up_due,
    follow_up_record,
    free_phone_slots,
    handover_record,
)
from digiward.donations.services.review import list_change, ranking_run, ranking_start

__all__ = [
    "CHECKLIST",
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
    "pledge_add",
    "ranking_run",
    "ranking_start",
    "sponsor_contact_link",
    "sponsor_contact_unlink",
    "sponsor_save",
]
