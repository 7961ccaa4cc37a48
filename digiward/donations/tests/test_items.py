"""Received items: bad input refused line by line, all or nothing; returns and repairs."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from digiward.core.errors import DomainError
from digiward.donations import services
from digiward.donations.models import (
    Allocation,
    AllocationStatus,
    Item,
    ItemStatus,
)
from digiward.donations.tests.factories import (
    handover_today,
    imei,
    new_phone,
    new_sim,
    open_campaign,
    scenario,
    sim,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([new_phone(1), new_phone(2, imei="490154203237517")], "last digit"),  # Luhn fails
        ([new_phone(1), new_phone(2, imei="4901542032375")], "15 digits"),
        ([new_phone(1), new_phone(1)], "typed twice"),
        ([new_sim("0868100001"), new_sim("02923812345")], "landline"),
        ([new_sim("0868100001"), new_sim("+1 202 555 0100")], "Vietnamese mobile"),
        ([new_sim("0868100001"), new_sim("0868100001")], "typed twice"),
    ],
)
def test_bad_items_are_refused_and_nothing_is_written(commune, officer, items, message):
    access, campaign = open_campaign(commune, officer)
    with pytest.raises(services.ItemsRefused) as refused:
        services.items_receive(access=access, campaign=campaign, items=items)
    assert any(message in text for _line, text in refused.value.problems), refused.value.problems
    assert refused.value.problems[0][0] == 2  # the second line is the bad one
    assert Item.objects.count() == 0


def test_duplicate_imei_already_recorded_anywhere_is_refused(
    commune, officer, other_commune, other_officer
):
    access, campaign = open_campaign(commune, officer)
    services.items_receive(access=access, campaign=campaign, items=[new_phone(1), new_sim(sim(1))])
    with pytest.raises(services.ItemsRefused) as refused:
        services.items_receive(access=access, campaign=campaign, items=[new_phone(2), new_phone(1)])
    assert refused.value.problems == [(2, f"A phone with IMEI {imei(1)} is already recorded.")]
    # An IMEI names one phone in the world: another commune cannot record it either.
    other_access, other_campaign = open_campaign(other_commune, other_officer)
    with pytest.raises(services.ItemsRefused):
        services.items_receive(access=other_access, campaign=other_campaign, items=[new_phone(1)])
    assert Item.objects.count() == 2


def test_the_database_refuses_a_duplicate_imei_too(commune, officer):
    access, campaign = open_campaign(commune, officer)
    (phone,) = services.items_receive(access=access, campaign=campaign, items=[new_phone(1)])
    phone.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        phone.save()


def test_sim_carrier_is_detected_and_phone_value_kept(commune, officer):
    access, campaign = open_campaign(commune, officer)
    phone, card = services.items_receive(
        access=access, campaign=campaign, items=[new_phone(1), new_sim("+84 868 100 001")]
    )
    assert (phone.imei, phone.value_vnd) == (imei(1), 2_357_000)
    assert (card.sim_number, card.carrier) == ("0868100001", "Viettel")


def test_returns_decide_what_happens_next(commune, officer):
    s = scenario(commune, officer, households=2, phones=2, sims=0)
    allocations = s.allocate(0, [s.phones[0]])
    services.handover_record(
        access=s.access, campaign=s.campaign, allocations=allocations, details=handover_today()
    )
    with pytest.raises(DomainError, match="lost item"):
        services.item_return(
            access=s.access,
            item=s.phones[0],
            reason="lost",
            next_step="back_to_stock",
            returned_on=timezone.localdate(),
        )
    with pytest.raises(DomainError, match="broken"):
        services.item_return(
            access=s.access,
            item=s.phones[0],
            reason="broken",
            next_step="back_to_stock",
            returned_on=timezone.localdate(),
        )
    assert (
        Item.objects.get(pk=s.phones[0].pk).status == ItemStatus.HANDED_OVER
    )  # nothing half-written
    services.item_return(
        access=s.access,
        item=s.phones[0],
        reason="moved",
        next_step="back_to_stock",
        returned_on=timezone.localdate(),
    )
    assert Item.objects.get(pk=s.phones[0].pk).status == ItemStatus.IN_STOCK
    assert Allocation.objects.get(pk=allocations[0].pk).status == AllocationStatus.RETURNED
    # Back in stock: the next household can receive it.
    s.allocate(1, [s.phones[0]])
    services.item_return(
        access=s.access,
        item=s.phones[1],
        reason="broken",
        next_step="repair",
        returned_on=timezone.localdate(),
    )
    services.item_repaired(access=s.access, item=s.phones[1])
    assert Item.objects.get(pk=s.phones[1].pk).status == ItemStatus.IN_STOCK
