"""Sponsors, campaigns and their stages, pledges, received items, returns, policy statuses."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.audit import audit_record, diff, snapshot
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction, Commune, Membership, Role, User
from digiward.core.permissions import Perm
from digiward.donations import ranking, workflow
from digiward.donations.identifiers import IdentifierError, clean_imei, clean_sim_number
from digiward.donations.models import (
    LIVE_ALLOCATION,
    Allocation,
    AllocationStatus,
    Campaign,
    CampaignStatus,
    HouseholdPolicy,
    Item,
    ItemCondition,
    ItemKind,
    ItemReturn,
    ItemStatus,
    NextStep,
    Pledge,
    ReturnReason,
    Sponsor,
    SponsorContact,
)
from digiward.registry.models import Household

# ---- Sponsors --------------------------------------------------------------------------

SPONSOR_FIELDS = ("name", "kind", "representative", "representative_title", "phone", "email")


@transaction.atomic
def sponsor_save(*, access: Access, sponsor: Sponsor) -> Sponsor:
    access.require(Perm.MANAGE_CAMPAIGNS)
    creating = sponsor.pk is None
    if creating:
        sponsor.commune = access.commune
    elif sponsor.commune_id != access.commune.pk:
        raise DomainError(_("This sponsor belongs to another commune."))
    before = {} if creating else snapshot(Sponsor.objects.get(pk=sponsor.pk), SPONSOR_FIELDS)
    try:
        with transaction.atomic():
            sponsor.save()
    except IntegrityError:
        raise DomainError(_("A sponsor with this name already exists."), field="name") from None
    audit_record(
        action=AuditAction.CREATE if creating else AuditAction.CHANGE,
        commune=access.commune,
        obj=sponsor,
        changes=diff(before, snapshot(sponsor, SPONSOR_FIELDS)),
    )
    return sponsor


@transaction.atomic
def sponsor_contact_link(*, access: Access, sponsor: Sponsor, user: User) -> SponsorContact:
    """Let a sponsor-viewer sign-in see this sponsor's campaigns (and only those)."""
    access.require(Perm.MANAGE_CAMPAIGNS)
    if sponsor.commune_id != access.commune.pk:
        raise DomainError(_("This sponsor belongs to another commune."))
    if not Membership.objects.filter(
        user=user, commune=access.commune, role=Role.SPONSOR_VIEWER
    ).exists():
        raise DomainError(
            _("%(name)s is not a sponsor viewer of this commune.") % {"name": user.get_full_name()}
        )
    contact, created = SponsorContact.objects.get_or_create(user=user, sponsor=sponsor)
    if created:
        audit_record(
            action=AuditAction.CREATE,
            commune=access.commune,
            obj=contact,
            changes={"user": [None, user.username], "sponsor": [None, sponsor.name]},
        )
    return contact


@transaction.atomic
def sponsor_contact_unlink(*, access: Access, contact: SponsorContact) -> None:
    access.require(Perm.MANAGE_CAMPAIGNS)
    if contact.sponsor.commune_id != access.commune.pk:
        raise DomainError(_("This sponsor belongs to another commune."))
    audit_record(action=AuditAction.DELETE, commune=access.commune, obj=contact)
    contact.delete()


# ---- Campaigns -------------------------------------------------------------------------

CAMPAIGN_FIELDS = (
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


def _locked_campaign(campaign: Campaign) -> Campaign:
    locked: Campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    return locked


@transaction.atomic
def campaign_save(
    *,
    access: Access,
    campaign: Campaign,
    sponsors: Iterable[Sponsor],
    communes: Iterable[Commune] = (),
) -> Campaign:
    """Create or change a campaign's description (not its status, not its list)."""
    access.require(Perm.MANAGE_CAMPAIGNS)
    creating = campaign.pk is None
    sponsors = list(sponsors)
    if any(s.commune_id != access.commune.pk for s in sponsors):
        raise DomainError(_("A sponsor belongs to another commune."), field="sponsors")
    if creating:
        campaign.commune = access.commune
        campaign.created_by = access.user
        campaign.rules = campaign.rules or ranking.Rules().to_json()
        # The draw seed is fixed at creation and printed on the list: the draw is repeatable.
        campaign.draw_seed = campaign.draw_seed or secrets.randbits(48)
        before: dict[str, Any] = {}
    else:
        current = _locked_campaign(campaign)
        if current.commune_id != access.commune.pk:
            raise DomainError(_("This campaign belongs to another commune."))
        if current.status == CampaignStatus.CLOSED:
            raise DomainError(_("A closed campaign cannot be changed."))
        if current.list_is_locked and (
            campaign.phones_per_household != current.phones_per_household
        ):
            raise DomainError(
                _("The number of phones per household is fixed once the list is locked."),
                field="phones_per_household",
            )
        before = snapshot(current, CAMPAIGN_FIELDS)
        campaign.status = current.status
    campaign.full_clean(exclude=["commune", "created_by", "locked_by", "rules"])
    campaign.save()
    campaign.sponsors.set(sponsors)
    campaign.communes.set({access.commune, *communes})
    changes = diff(before, snapshot(campaign, CAMPAIGN_FIELDS))
    changes["sponsors"] = [None, ", ".join(s.name for s in sponsors)]
    audit_record(
        action=AuditAction.CREATE if creating else AuditAction.CHANGE,
        commune=access.commune,
        obj=campaign,
        changes=changes,
    )
    return campaign


@transaction.atomic
def campaign_transition(*, access: Access, campaign: Campaign, target: str) -> Campaign:
    """Move the campaign one step on, if its guard agrees."""
    access.require(Perm.MANAGE_CAMPAIGNS)
    locked = _locked_campaign(campaign)
    workflow.check_transition(locked, target)
    previous = locked.status
    locked.status = target
    fields = ["status", "updated_at"]
    if target == CampaignStatus.LIST_LOCKED:
        locked.locked_at, locked.locked_by = timezone.now(), access.user
        fields += ["locked_at", "locked_by"]
    locked.save(update_fields=fields)
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=locked,
        changes={"status": [previous, target]},
    )
    return locked


@transaction.atomic
def campaign_rules_save(*, access: Access, campaign: Campaign, rules: ranking.Rules) -> Campaign:
    access.require(Perm.MANAGE_CAMPAIGNS)
    locked = _locked_campaign(campaign)
    workflow.require_stage(
        locked, workflow.EDITS_RULES, _("The rules are fixed once the list is locked.")
    )
    before = locked.rules
    locked.rules = rules.to_json()
    locked.save(update_fields=["rules", "updated_at"])
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=locked,
        changes={"rules": [before, locked.rules]},
        note="rules",
    )
    return locked


@transaction.atomic
def pledge_add(
    *,
    access: Access,
    campaign: Campaign,
    sponsor: Sponsor,
    kind: str,
    quantity: int,
    unit_value_vnd: int,
    description: str = "",
) -> Pledge:
    access.require(Perm.MANAGE_CAMPAIGNS)
    locked = _locked_campaign(campaign)
    workflow.require_stage(
        locked, workflow.RECEIVES_ITEMS, _("This campaign no longer takes pledges.")
    )
    if not locked.sponsors.filter(pk=sponsor.pk).exists():
        raise DomainError(_("This sponsor is not a sponsor of the campaign."), field="sponsor")
    if quantity < 1:
        raise DomainError(_("At least one item."), field="quantity")
    if unit_value_vnd < 0:
        raise DomainError(_("The value cannot be negative."), field="unit_value_vnd")
    pledge = Pledge.objects.create(
        commune=access.commune,
        campaign=locked,
        sponsor=sponsor,
        kind=kind,
        quantity=quantity,
        unit_value_vnd=unit_value_vnd,
        description=description,
    )
    audit_record(
        action=AuditAction.CREATE,
        commune=access.commune,
        obj=pledge,
        changes={"kind": [None, kind], "quantity": [None, quantity]},
    )
    return pledge


# ---- Items -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NewItem:
    """An item as typed on the receiving form (not yet checked)."""

    kind: str
    name: str
    value_vnd: int
    received_on: date
    condition: str = ItemCondition.NEW
    imei: str = ""
    sim_number: str = ""
    carrier: str = ""
    data_package: str = ""
    free_months: int | None = None
    sponsor_id: int | None = None
    note: str = ""


class ItemsRefused(DomainError):
    """Some items were refused: `problems` says which line and why; nothing was written."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__(_("Nothing was recorded: correct the lines below and send them again."))
        self.problems = problems


def _check_item(new: NewItem, campaign: Campaign) -> Item:
    if new.kind not in ItemKind.values:
        raise DomainError(_("Unknown kind of item."))
    if new.value_vnd < 0:
        raise DomainError(_("The value cannot be negative."))
    if new.received_on > timezone.localdate():
        raise DomainError(_("An item cannot be received in the future."))
    item = Item(
        commune=campaign.commune,
        campaign=campaign,
        sponsor_id=new.sponsor_id,
        kind=new.kind,
        name=new.name.strip(),
        value_vnd=new.value_vnd,
        condition=new.condition,
        received_on=new.received_on,
        data_package=new.data_package.strip(),
        free_months=new.free_months,
        note=new.note.strip(),
    )
    if not item.name:
        raise DomainError(_("Say what the item is (model or description)."))
    try:
        if new.kind == ItemKind.PHONE:
            item.imei = clean_imei(new.imei)
        elif new.kind == ItemKind.SIM:
            item.sim_number, detected = clean_sim_number(new.sim_number)
            item.carrier = new.carrier.strip() or detected
    except IdentifierError as error:
        raise DomainError(str(error)) from None
    return item


@transaction.atomic
def items_receive(*, access: Access, campaign: Campaign, items: Sequence[NewItem]) -> list[Item]:
    """Record received items, all or none: one bad or duplicate number refuses the batch."""
    access.require(Perm.MANAGE_CAMPAIGNS)
    locked = _locked_campaign(campaign)
    if locked.commune_id != access.commune.pk:
        raise DomainError(_("This campaign belongs to another commune."))
    workflow.require_stage(
        locked, workflow.RECEIVES_ITEMS, _("This campaign no longer receives items.")
    )
    sponsor_ids = set(locked.sponsors.values_list("pk", flat=True))
    problems: list[tuple[int, str]] = []
    checked: list[Item] = []
    seen_imei: dict[str, int] = {}
    seen_sim: dict[str, int] = {}
    for line, new in enumerate(items, start=1):
        try:
            item = _check_item(new, locked)
            if item.sponsor_id is not None and item.sponsor_id not in sponsor_ids:
                raise DomainError(_("This sponsor is not a sponsor of the campaign."))
        except DomainError as error:
            problems.append((line, error.message))
            continue
        if item.imei:
            if item.imei in seen_imei:
                problems.append(
                    (
                        line,
                        _("IMEI %(imei)s is typed twice (also on line %(line)s).")
                        % {"imei": item.imei, "line": seen_imei[item.imei]},
                    )
                )
                continue
            seen_imei[item.imei] = line
        if item.sim_number:
            if item.sim_number in seen_sim:
                problems.append(
                    (
                        line,
                        _("SIM number %(number)s is typed twice (also on line %(line)s).")
                        % {"number": item.sim_number, "line": seen_sim[item.sim_number]},
                    )
                )
                continue
            seen_sim[item.sim_number] = line
        checked.append(item)
    known_imei = set(Item.objects.filter(imei__in=list(seen_imei)).values_list("imei", flat=True))
    known_sim = set(
        Item.objects.filter(sim_number__in=list(seen_sim)).values_list("sim_number", flat=True)
    )
    for imei in sorted(known_imei):
        problems.append(
            (seen_imei[imei], _("A phone with IMEI %(imei)s is already recorded.") % {"imei": imei})
        )
    for number in sorted(known_sim):
        problems.append(
            (
                seen_sim[number],
                _("A SIM card with number %(number)s is already recorded.") % {"number": number},
            )
        )
    if not items:
        problems.append((0, _("There is nothing to record.")))
    if problems:
        raise ItemsRefused(sorted(problems))
    for item in checked:
        item.created_by = access.user
    try:
        with transaction.atomic():
            created = Item.objects.bulk_create(checked)
    except IntegrityError:
        # Someone recorded the same IMEI or SIM a moment ago.
        raise DomainError(
            _("One of these IMEIs or SIM numbers was just recorded by someone else.")
        ) from None
    for item in created:
        audit_record(
            action=AuditAction.CREATE,
            commune=access.commune,
            object_type="donations.item",
            object_id=item.pk,
            object_repr=str(item),
            changes={"kind": [None, item.kind], "value_vnd": [None, item.value_vnd]},
        )
    return created


@transaction.atomic
def item_return(
    *,
    access: Access,
    item: Item,
    reason: str,
    next_step: str,
    returned_on: date,
    note: str = "",
) -> ItemReturn:
    """An item came back (or was lost): close its allocation and decide what happens next."""
    access.require(Perm.MANAGE_CAMPAIGNS)
    locked: Item = Item.objects.select_for_update().get(pk=item.pk)
    if locked.commune_id != access.commune.pk:
        raise DomainError(_("This item belongs to another commune."))
    if locked.status == ItemStatus.WRITTEN_OFF:
        raise DomainError(_("This item is already written off."))
    if reason not in ReturnReason.values or next_step not in NextStep.values:
        raise DomainError(_("Say why and what happens next."))
    if reason == ReturnReason.LOST and next_step != NextStep.WRITE_OFF:
        raise DomainError(_("A lost item can only be written off."), field="next_step")
    if reason == ReturnReason.BROKEN and next_step == NextStep.BACK_TO_STOCK:
        raise DomainError(_("A broken item goes to repair or is written off."), field="next_step")
    if returned_on > timezone.localdate():
        raise DomainError(_("This date is in the future."), field="returned_on")
    allocation = (
        Allocation.objects.select_for_update()
        .filter(item=locked, status__in=LIVE_ALLOCATION)
        .first()
    )
    if allocation is not None:
        allocation.status = (
            AllocationStatus.RETURNED
            if allocation.status == AllocationStatus.HANDED_OVER
            else AllocationStatus.CANCELLED
        )
        allocation.save(update_fields=["status"])
    locked.status = {
        NextStep.BACK_TO_STOCK: ItemStatus.IN_STOCK,
        NextStep.REPAIR: ItemStatus.IN_REPAIR,
        NextStep.WRITE_OFF: ItemStatus.WRITTEN_OFF,
    }[NextStep(next_step)]
    locked.save(update_fields=["status"])
    record = ItemReturn.objects.create(
        commune=access.commune,
        item=locked,
        allocation=allocation,
        reason=reason,
        next_step=next_step,
        returned_on=returned_on,
        note=note,
        recorded_by=access.user,
    )
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=locked,
        changes={"status": [item.status, locked.status], "return": [None, reason]},
        note=note,
    )
    return record


@transaction.atomic
def item_repaired(*, access: Access, item: Item) -> Item:
    """A repaired item is back in stock, for the next household on the list."""
    access.require(Perm.MANAGE_CAMPAIGNS)
    locked: Item = Item.objects.select_for_update().get(pk=item.pk)
    if locked.commune_id != access.commune.pk:
        raise DomainError(_("This item belongs to another commune."))
    if locked.status != ItemStatus.IN_REPAIR:
        raise DomainError(_("This item is not being repaired."))
    locked.status, locked.condition = ItemStatus.IN_STOCK, ItemCondition.GOOD
    locked.save(update_fields=["status", "condition"])
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=locked,
        changes={"status": [ItemStatus.IN_REPAIR, ItemStatus.IN_STOCK]},
    )
    return locked


# ---- Policy statuses (Circular 14's groups 1 and 2) ------------------------------------


@transaction.atomic
def household_policy_save(
    *,
    access: Access,
    household: Household,
    merit_family: bool,
    social_policy_family: bool,
    basis: str,
) -> HouseholdPolicy:
    access.require(Perm.MANAGE_CAMPAIGNS)
    if household.commune_id != access.commune.pk:
        raise DomainError(_("This household belongs to another commune."))
    if (merit_family or social_policy_family) and not basis.strip():
        raise DomainError(_("Say which decision or list this comes from."), field="basis")
    policy = HouseholdPolicy.objects.select_for_update().filter(
        household=household
    ).first() or HouseholdPolicy(commune=access.commune, household=household)
    fields = ("merit_family", "social_policy_family", "basis")
    before = {} if policy.pk is None else snapshot(policy, fields)
    policy.merit_family, policy.social_policy_family = merit_family, social_policy_family
    policy.basis, policy.updated_by = basis.strip(), access.user
    policy.save()
    audit_record(
        action=AuditAction.CHANGE if before else AuditAction.CREATE,
        commune=access.commune,
        obj=policy,
        object_repr=f"{household.code}",
        changes=diff(before, snapshot(policy, fields)),
    )
    return policy
