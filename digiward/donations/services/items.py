"""Received items: recording a batch (all or none), returns, repairs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.audit import audit_record
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction
from digiward.core.permissions import Perm
from digiward.donations import workflow
from digiward.donations.identifiers import IdentifierError, clean_imei, clean_sim_number
from digiward.donations.models import (
    LIVE_ALLOCATION,
    Allocation,
    AllocationStatus,
    Campaign,
    Item,
    ItemCondition,
    ItemKind,
    ItemReturn,
    ItemStatus,
    NextStep,
    ReturnReason,
)
from digiward.donations.services.common import locked_campaign


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
    locked = locked_campaign(campaign)
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
