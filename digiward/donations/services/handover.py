"""Allocation, handover (checklist, milestones, follow-ups planned) and follow-up checks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.audit import audit_record
from digiward.core.dates import day_text
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction, Commune
from digiward.core.permissions import Perm
from digiward.core.selectors import calendar_for
from digiward.donations import workflow
from digiward.donations.models import (
    HANDOVER_CHECKLIST,
    LIVE_ALLOCATION,
    Allocation,
    AllocationStatus,
    Campaign,
    CampaignStatus,
    FollowUp,
    FollowUpStatus,
    Handover,
    Item,
    ItemKind,
    ItemStatus,
    PhoneUse,
    PriorityEntry,
)
from digiward.donations.services.common import locked_campaign
from digiward.registry.journey import MilestoneKind, MilestoneSource, SmartphoneOwnership
from digiward.registry.models import Household, Resident, ResidentStatus
from digiward.registry.selectors import registry_settings_for
from digiward.registry.services import citizen_id_reveal, milestone_record, refuse_anonymised

# A volunteer passing by a couple of days before a check is due may record it.
FOLLOW_UP_EARLY_DAYS = 2

# ---- Allocation ------------------------------------------------------------------------


def _constraint_message(error: IntegrityError) -> str:
    text = str(error)
    if "allocation_item_once" in text or text.rstrip().endswith("donations_allocation.item_id"):
        return _("One of these items was just allocated to another household.")
    if "phone_slot" in text:
        return _("This household already has its phone from this campaign.")
    return _("Someone changed these allocations at the same moment: reload the page.")


@transaction.atomic
def allocation_create(
    *,
    access: Access,
    campaign: Campaign,
    household: Household,
    recipient: Resident,
    items: Sequence[Item],
) -> list[Allocation]:
    """Set items aside for a person of a household on the locked list.

    Checks give the reason in words; the database constraints (an item in one live
    allocation, one phone slot each) are the last word when two officers act at once.
    """
    access.require(Perm.MANAGE_CAMPAIGNS)
    # The campaign row is the lock that amendments and stage changes take too: an
    # amendment removing this household, or the move to follow-up, waits for us (or we
    # for it) instead of committing alongside.
    current = locked_campaign(campaign)
    if current.commune_id != access.commune.pk:
        raise DomainError(_("This campaign belongs to another commune."))
    if current.status in (CampaignStatus.DRAFT, CampaignStatus.OPEN):
        raise DomainError(_("Lock the list before allocating items."))
    workflow.require_stage(
        current, workflow.ALLOCATES, _("This campaign no longer allocates items.")
    )
    if not items:
        raise DomainError(_("Choose at least one item."), field="items")
    refuse_anonymised(recipient, field="recipient")
    commune_ids = set(current.communes.values_list("pk", flat=True)) | {current.commune_id}
    if recipient.commune_id not in commune_ids or household.commune_id not in commune_ids:
        raise DomainError(
            _("%(name)s lives in another commune: only residents of %(commune)s can receive.")
            % {"name": recipient.full_name, "commune": current.commune.name},
            field="recipient",
        )
    if recipient.household_id != household.pk:
        raise DomainError(
            _("%(name)s is not a member of household %(code)s.")
            % {"name": recipient.full_name, "code": household.code},
            field="recipient",
        )
    if recipient.status != ResidentStatus.ACTIVE:
        raise DomainError(
            _("%(name)s no longer lives here.") % {"name": recipient.full_name}, field="recipient"
        )
    entry = (
        PriorityEntry.objects.select_for_update()
        .filter(campaign=current, household=household)
        .first()
    )
    if entry is None or not entry.is_on_list:
        raise DomainError(
            _(
                "Household %(code)s is not on the locked list. To give it an item, record an "
                "amendment that adds it first."
            )
            % {"code": household.code}
        )
    locked_items = list(
        Item.objects.select_for_update().filter(pk__in=[i.pk for i in items]).order_by("pk")
    )
    if len(locked_items) != len({i.pk for i in items}):
        raise DomainError(_("One of these items does not exist."), field="items")
    for item in locked_items:
        _check_allocatable(item, current)
    new_phones = sum(1 for i in locked_items if i.kind == ItemKind.PHONE)
    free_slots = free_phone_slots(current, household)
    if new_phones > len(free_slots):
        if current.phones_per_household == 1:
            raise DomainError(
                _("Household %(code)s already has its phone from this campaign.")
                % {"code": household.code},
                field="items",
            )
        raise DomainError(
            _("This campaign gives at most %(n)s phones per household.")
            % {"n": current.phones_per_household},
            field="items",
        )
    allocations = []
    slots = iter(free_slots)
    for item in locked_items:
        allocations.append(
            Allocation(
                commune=current.commune,
                campaign=current,
                household=household,
                recipient=recipient,
                item=item,
                kind=item.kind,
                phone_slot=next(slots) if item.kind == ItemKind.PHONE else None,
                allocated_by=access.user,
            )
        )
    try:
        with transaction.atomic():
            for allocation in allocations:
                allocation.save()
    except IntegrityError as error:
        raise DomainError(_constraint_message(error), field="items") from None
    Item.objects.filter(pk__in=[i.pk for i in locked_items]).update(status=ItemStatus.ALLOCATED)
    for allocation in allocations:
        audit_record(
            action=AuditAction.CREATE,
            commune=access.commune,
            obj=allocation,
            object_repr=f"{allocation.item} → {recipient.full_name} ({household.code})",
            changes={"item": [None, str(allocation.item)], "recipient": [None, recipient.pk]},
        )
    return allocations


def free_phone_slots(campaign: Campaign, household: Household) -> list[int]:
    """The household's phone slots still free in this campaign (1 … phones_per_household)."""
    used = set(
        Allocation.objects.filter(
            campaign=campaign,
            household=household,
            kind=ItemKind.PHONE,
            status__in=LIVE_ALLOCATION,
        ).values_list("phone_slot", flat=True)
    )
    return [slot for slot in range(1, campaign.phones_per_household + 1) if slot not in used]


def _check_allocatable(item: Item, campaign: Campaign) -> None:
    if item.campaign_id != campaign.pk:
        raise DomainError(
            _("%(item)s belongs to another campaign.") % {"item": item}, field="items"
        )
    if not item.is_usable:
        raise DomainError(
            _("%(item)s was received damaged: it cannot be given.") % {"item": item},
            field="items",
        )
    if item.status == ItemStatus.HANDED_OVER:
        raise DomainError(
            _("%(item)s has already been handed over.") % {"item": item}, field="items"
        )
    if item.status != ItemStatus.IN_STOCK:
        raise DomainError(
            _("%(item)s is already allocated or not available.") % {"item": item}, field="items"
        )


@transaction.atomic
def allocation_cancel(*, access: Access, allocation: Allocation, reason: str) -> Allocation:
    """Take back an allocation that was not handed over (the item goes back to stock)."""
    access.require(Perm.MANAGE_CAMPAIGNS)
    locked: Allocation = (
        Allocation.objects.select_for_update().select_related("item").get(pk=allocation.pk)
    )
    if locked.commune_id != access.commune.pk:
        raise DomainError(_("This allocation belongs to another commune."))
    if locked.status != AllocationStatus.ALLOCATED:
        raise DomainError(
            _("Only an item not yet handed over can be taken back; record a return instead.")
        )
    if not reason.strip():
        raise DomainError(_("Say why (it is kept with the list)."), field="reason")
    locked.status = AllocationStatus.CANCELLED
    locked.save(update_fields=["status"])
    Item.objects.filter(pk=locked.item_id).update(status=ItemStatus.IN_STOCK)
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=locked,
        changes={"status": [AllocationStatus.ALLOCATED, AllocationStatus.CANCELLED]},
        note=reason.strip(),
    )
    return locked


# ---- Handover --------------------------------------------------------------------------


@dataclass(frozen=True)
class HandoverDetails:
    handed_on: date
    place: str = ""
    vneid_installed: bool = False
    vneid_level1: bool = False
    large_font: bool = False
    relative_number_saved: bool = False
    scam_warning: bool = False
    sim_in_own_name: bool = False
    confirmed: bool = False
    confirmed_by: str = ""
    consent_to_share: bool = False
    note: str = ""


def follow_up_due(calendar_day: date, days: int, commune: Commune) -> date:
    """N calendar days after the handover, moved to the next working day (Tết, weekends)."""
    return calendar_for(commune).next_working_day(calendar_day + timedelta(days=days))


@transaction.atomic
def handover_record(
    *,
    access: Access,
    campaign: Campaign,
    allocations: Sequence[Allocation],
    details: HandoverDetails,
) -> Handover:
    """Hand the allocated items to their recipient: minutes number, checklist, milestones,
    follow-ups. An item already handed over is refused, and nothing is written."""
    access.require(Perm.MANAGE_CAMPAIGNS)
    locked = locked_campaign(campaign)
    if locked.commune_id != access.commune.pk:
        raise DomainError(_("This campaign belongs to another commune."))
    workflow.require_stage(
        locked,
        workflow.HANDS_OVER,
        _("Items are handed over only after the list is locked, until the follow-up starts."),
    )
    if not allocations:
        raise DomainError(_("Choose the items handed over."))
    rows = list(
        Allocation.objects.select_for_update(of=("self",))
        .select_related("item", "recipient", "handover")
        .filter(pk__in=[a.pk for a in allocations])
        .order_by("pk")
    )
    if len(rows) != len({a.pk for a in allocations}):
        raise DomainError(_("One of these allocations does not exist."))
    for row in rows:
        if row.campaign_id != locked.pk:
            raise DomainError(_("%(item)s belongs to another campaign.") % {"item": row.item})
        if row.status == AllocationStatus.HANDED_OVER:
            assert row.handover is not None
            raise DomainError(
                _("%(item)s has already been handed over (minutes %(ref)s).")
                % {"item": row.item, "ref": row.handover.reference}
            )
        if row.status != AllocationStatus.ALLOCATED:
            raise DomainError(
                _("%(item)s is no longer allocated to this household.") % {"item": row.item}
            )
    recipients = {row.recipient_id for row in rows}
    if len(recipients) != 1:
        raise DomainError(_("One set of minutes is for one recipient: hand over separately."))
    recipient = rows[0].recipient
    if details.handed_on > timezone.localdate():
        raise DomainError(_("This date is in the future."), field="handed_on")
    if details.handed_on < locked.starts_on:
        raise DomainError(_("This date is before the campaign started."), field="handed_on")
    # Minutes may be entered days after a ceremony, but never for an item not yet received.
    for row in rows:
        if row.item.received_on > details.handed_on:
            raise DomainError(
                _("%(item)s was received on %(date)s, after this handover date.")
                % {"item": row.item, "date": day_text(row.item.received_on)},
                field="handed_on",
            )
    number = (Handover.objects.filter(campaign=locked).aggregate(top=Max("number"))["top"] or 0) + 1
    handover = Handover.objects.create(
        commune=access.commune,
        campaign=locked,
        household_id=rows[0].household_id,
        recipient=recipient,
        number=number,
        handed_on=details.handed_on,
        place=details.place or locked.handover_place,
        vneid_installed=details.vneid_installed,
        vneid_level1=details.vneid_level1,
        large_font=details.large_font,
        relative_number_saved=details.relative_number_saved,
        scam_warning=details.scam_warning,
        sim_in_own_name=details.sim_in_own_name,
        confirmed=details.confirmed,
        confirmed_by=details.confirmed_by.strip(),
        consent_to_share=details.consent_to_share,
        note=details.note.strip(),
        recorded_by=access.user,
    )
    for row in rows:
        row.status, row.handover = AllocationStatus.HANDED_OVER, handover
        row.save(update_fields=["status", "handover"])
    Item.objects.filter(pk__in=[row.item_id for row in rows]).update(status=ItemStatus.HANDED_OVER)
    _handover_milestones(access, handover, rows)
    for days in (locked.first_follow_up_days, locked.second_follow_up_days):
        FollowUp.objects.create(
            commune=access.commune,
            handover=handover,
            days_after=days,
            due_on=follow_up_due(details.handed_on, days, access.commune),
        )
    if locked.status == CampaignStatus.LIST_LOCKED:
        locked.status = CampaignStatus.HANDING_OVER
        locked.save(update_fields=["status", "updated_at"])
        audit_record(
            action=AuditAction.CHANGE,
            commune=access.commune,
            obj=locked,
            changes={"status": [CampaignStatus.LIST_LOCKED, CampaignStatus.HANDING_OVER]},
        )
    audit_record(
        action=AuditAction.CREATE,
        commune=access.commune,
        obj=handover,
        object_repr=f"{handover.reference} · {recipient.full_name}",
        changes={
            "items": [None, [str(row.item) for row in rows]],
            **{name: [None, getattr(handover, name)] for name in HANDOVER_CHECKLIST},
            "confirmed": [None, handover.confirmed],
        },
    )
    return handover


def _handover_milestones(access: Access, handover: Handover, rows: Sequence[Allocation]) -> None:
    """The journey steps a handover proves: a phone, a SIM in their name, data, VNeID."""
    kinds = {row.kind for row in rows}
    sims = [row.item for row in rows if row.kind == ItemKind.SIM]
    steps: list[tuple[str, str]] = []
    if ItemKind.PHONE in kinds:
        steps.append((MilestoneKind.HAS_SMARTPHONE, SmartphoneOwnership.DONATED))
    if sims and handover.sim_in_own_name:
        steps.append((MilestoneKind.HAS_SIM, sims[0].sim_number or ""))
    if any(sim.data_package or sim.free_months for sim in sims):
        steps.append((MilestoneKind.HAS_MOBILE_DATA, sims[0].data_package))
    if handover.vneid_level1:
        steps.append((MilestoneKind.VNEID_LEVEL1, ""))
    for kind, detail in steps:
        milestone_record(
            acting_user=access.user,
            resident=handover.recipient,
            kind=kind,
            achieved_on=handover.handed_on,
            source=MilestoneSource.DONATION,
            source_ref=f"donations.handover:{handover.pk}",
            detail=detail,
        )


# ---- Follow-up -------------------------------------------------------------------------


@transaction.atomic
def follow_up_record(
    *,
    access: Access,
    follow_up: FollowUp,
    reached: bool,
    phone_use: str,
    milestones: Sequence[str],
    done_on: date,
    note: str = "",
) -> FollowUp:
    """Record a follow-up check: is the phone used, which journey steps were reached."""
    access.require(Perm.RECORD_MILESTONE)
    locked: FollowUp = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("handover__recipient", "handover__campaign")
        .get(pk=follow_up.pk)
    )
    if locked.commune_id != access.commune.pk:
        raise DomainError(_("This follow-up belongs to another commune."))
    if locked.status != FollowUpStatus.PENDING:
        raise DomainError(_("This follow-up is already recorded."))
    if done_on > timezone.localdate():
        raise DomainError(_("This date is in the future."), field="done_on")
    if done_on < locked.handover.handed_on:
        raise DomainError(_("This date is before the handover."), field="done_on")
    # Day N after the handover counts, even when Tết or a weekend moved the due date
    # later: a volunteer may record from two days before it.
    earliest = min(
        locked.due_on, locked.handover.handed_on + timedelta(days=locked.days_after)
    ) - timedelta(days=FOLLOW_UP_EARLY_DAYS)
    if done_on < earliest:
        # The sponsor report counts "in use after 30 days" from these checks: a check
        # made on day 3 would say nothing about day 30.
        raise DomainError(
            _(
                "The %(days)s-day check can be recorded from %(date)s: an earlier check "
                "cannot tell whether the phone is still used after %(days)s days."
            )
            % {"days": locked.days_after, "date": day_text(earliest)},
            field="done_on",
        )
    if reached and phone_use not in PhoneUse.values:
        raise DomainError(_("Say whether the phone is in use."), field="phone_use")
    unknown = [k for k in milestones if k not in MilestoneKind.values]
    if unknown:
        raise DomainError(_("Unknown milestone."), field="milestones")
    recorded = []
    if reached:
        for kind in milestones:
            if milestone_record(
                acting_user=access.user,
                resident=locked.handover.recipient,
                kind=kind,
                achieved_on=done_on,
                source=MilestoneSource.DONATION,
                source_ref=f"donations.follow_up:{locked.pk}",
            ):
                recorded.append(kind)
    locked.status = FollowUpStatus.DONE if reached else FollowUpStatus.UNREACHABLE
    locked.phone_use = phone_use if reached else ""
    locked.milestones = list(milestones) if reached else []
    locked.done_on, locked.done_by, locked.note = done_on, access.user, note.strip()
    locked.save()
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=locked,
        object_repr=f"{locked.handover.reference} +{locked.days_after}",
        changes={
            "status": [FollowUpStatus.PENDING, locked.status],
            "phone_use": [None, locked.phone_use],
            "milestones": [None, recorded],
        },
        note=note,
    )
    return locked


def minutes_citizen_ids(*, access: Access, residents: Sequence[Resident]) -> dict[int, str]:
    """The citizen ID each recipient is identified by on signed handover minutes.

    The minutes are a legal record the recipient signs, so they carry the full number
    (issue 12) unless the commune's registry settings say masked. Each full number
    printed is a full view, in the audit log through registry's `citizen_id_reveal`;
    someone without `VIEW_FULL_CITIZEN_ID` prints the masked form."""
    full = registry_settings_for(access.commune).full_citizen_id_on_minutes and access.has(
        Perm.VIEW_FULL_CITIZEN_ID
    )
    numbers: dict[int, str] = {}
    for resident in residents:
        if full and resident.citizen_id_encrypted:
            numbers[resident.pk] = citizen_id_reveal(access=access, resident=resident)
        else:
            numbers[resident.pk] = resident.citizen_id_masked
    return numbers
