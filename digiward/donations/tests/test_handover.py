"""Allocation, handover and follow-up: who may receive, one item once, milestones, checks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from digiward.core.errors import DomainError
from digiward.donations import services
from digiward.donations.models import (
    Allocation,
    AllocationStatus,
    CampaignStatus,
    ChangeAction,
    FollowUp,
    FollowUpStatus,
    Item,
    ItemStatus,
    PhoneUse,
)
from digiward.donations.selectors import sponsor_report
from digiward.donations.tests.factories import (
    handover_today,
    handover_weeks_ago,
    poor_household,
    scenario,
)
from digiward.registry.journey import MilestoneKind
from digiward.registry.models import Milestone, PovertyStatus
from digiward.registry.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


# ---- Allocation ------------------------------------------------------------------------


def test_allocating_after_locking_needs_the_household_on_the_list(commune, officer):
    s = scenario(commune, officer, households=1, phones=1, sims=0)
    outsider = poor_household(commune, "NGOAI1", poverty_status=PovertyStatus.NOT_POOR)
    s.households.append(outsider)  # in the registry, not on the list
    with pytest.raises(DomainError, match="not on the locked list"):
        s.allocate(1, s.phones)
    services.list_change(
        access=s.access,
        campaign=s.campaign,
        household=outsider,
        action=ChangeAction.ADD,
        reason="Hộ khó khăn đột xuất",
        reference="QĐ 12/QĐ-UBND",
    )
    s.allocate(1, s.phones)
    assert Allocation.objects.filter(household=outsider).count() == 1


def test_allocating_before_locking_is_refused(commune, officer):
    s = scenario(commune, officer, households=1, phones=1, sims=0, lock=False)
    with pytest.raises(DomainError, match="Lock the list"):
        s.allocate(0, s.phones)
    assert not Allocation.objects.exists()


def test_recipient_from_another_commune_is_refused(commune, officer, other_commune):
    s = scenario(commune, officer, households=1, phones=1, sims=0)
    stranger = ResidentFactory(commune=other_commune, household__commune=other_commune)
    with pytest.raises(DomainError, match="another commune"):
        s.allocate(0, s.phones, recipient=stranger)
    neighbour = ResidentFactory(commune=commune)
    with pytest.raises(DomainError, match="not a member"):
        s.allocate(0, s.phones, recipient=neighbour)
    assert not Allocation.objects.exists()
    assert Item.objects.get(pk=s.phones[0].pk).status == ItemStatus.IN_STOCK


def test_the_recipient_need_not_be_the_head(commune, officer):
    s = scenario(commune, officer, households=1, phones=1, sims=1)
    grandmother = ResidentFactory(
        commune=commune, household=s.households[0], full_name="Lê Thị Bảy", birth_year=1941
    )
    (phone_alloc, sim_alloc) = s.allocate(0, [s.phones[0], s.sims[0]], recipient=grandmother)
    assert (
        phone_alloc.recipient == grandmother
        and phone_alloc.phone_slot == 1
        and sim_alloc.phone_slot is None
    )


def test_an_item_is_never_allocated_twice_and_one_phone_per_household(commune, officer):
    s = scenario(commune, officer, households=2, phones=2, sims=0)
    s.allocate(0, [s.phones[0]])
    with pytest.raises(DomainError, match="already allocated"):
        s.allocate(1, [s.phones[0]])
    with pytest.raises(DomainError, match="already has its phone"):
        s.allocate(0, [s.phones[1]])
    assert Allocation.objects.count() == 1


def test_a_campaign_may_allow_two_phones_per_household(commune, officer):
    s = scenario(commune, officer, households=1, phones=3, sims=0, phones_per_household=2)
    s.allocate(0, s.phones[:2])
    with pytest.raises(DomainError, match="at most 2"):
        s.allocate(0, [s.phones[2]])
    assert sorted(Allocation.objects.values_list("phone_slot", flat=True)) == [1, 2]


def test_database_constraints_stand_behind_the_checks(commune, officer):
    s = scenario(commune, officer, households=2, phones=2, sims=0)
    (first,) = s.allocate(0, [s.phones[0]])
    # Written past the checks: the same item to another household, a second phone to the first.
    for index, item in ((1, s.phones[0]), (0, s.phones[1])):
        unchecked = Allocation(
            commune=commune,
            campaign=s.campaign,
            household=s.households[index],
            recipient=s.head(index),
            item=item,
            kind="phone",
            phone_slot=1,
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            unchecked.save()
    # A cancelled allocation frees both the item and the slot.
    services.allocation_cancel(access=s.access, allocation=first, reason="Nhầm hộ")
    s.allocate(1, [s.phones[0]])


# ---- Handover and follow-up --------------------------------------------------------------


def test_handover_records_milestones_follow_ups_and_refuses_a_second_time(commune, officer):
    s = scenario(commune, officer, households=1, phones=1, sims=1)
    allocations = s.allocate(0, [s.phones[0], s.sims[0]])
    with pytest.raises(DomainError, match="after this handover date") as early:
        services.handover_record(
            access=s.access,
            campaign=s.campaign,
            allocations=allocations,
            details=services.HandoverDetails(
                handed_on=s.phones[0].received_on - timedelta(days=1), confirmed=True
            ),
        )
    assert early.value.field == "handed_on" and not s.campaign.handovers.exists()
    handover = services.handover_record(
        access=s.access,
        campaign=s.campaign,
        allocations=allocations,
        details=handover_today(
            vneid_installed=True,
            vneid_level1=True,
            large_font=True,
            relative_number_saved=True,
            scam_warning=True,
            sim_in_own_name=True,
        ),
    )
    assert handover.reference == "01/BB-BGTT"
    assert s.refresh().status == CampaignStatus.HANDING_OVER
    kinds = set(Milestone.objects.filter(resident=s.head(0)).values_list("kind", flat=True))
    assert kinds == {
        MilestoneKind.HAS_SMARTPHONE,
        MilestoneKind.HAS_SIM,
        MilestoneKind.HAS_MOBILE_DATA,
        MilestoneKind.VNEID_LEVEL1,
    }
    smartphone = Milestone.objects.get(resident=s.head(0), kind=MilestoneKind.HAS_SMARTPHONE)
    assert (smartphone.source, smartphone.detail) == ("donation", "donated")
    follow_ups = list(handover.follow_ups.order_by("days_after"))
    assert [f.days_after for f in follow_ups] == [7, 30]
    assert all(f.due_on >= handover.handed_on + timedelta(days=f.days_after) for f in follow_ups)
    with pytest.raises(DomainError, match="already been handed over"):
        services.handover_record(
            access=s.access, campaign=s.campaign, allocations=allocations, details=handover_today()
        )
    assert s.campaign.handovers.count() == 1


def test_handover_without_sim_in_own_name_does_not_claim_the_sim_milestone(commune, officer):
    s = scenario(commune, officer, households=1, phones=1, sims=1)
    allocations = s.allocate(0, [s.phones[0], s.sims[0]])
    services.handover_record(
        access=s.access, campaign=s.campaign, allocations=allocations, details=handover_today()
    )
    kinds = set(Milestone.objects.filter(resident=s.head(0)).values_list("kind", flat=True))
    assert kinds == {MilestoneKind.HAS_SMARTPHONE, MilestoneKind.HAS_MOBILE_DATA}


def test_a_handover_in_the_future_is_refused_and_nothing_written(commune, officer):
    s = scenario(commune, officer, households=1, phones=1, sims=0)
    allocations = s.allocate(0, s.phones)
    with pytest.raises(DomainError, match="future"):
        services.handover_record(
            access=s.access,
            campaign=s.campaign,
            allocations=allocations,
            details=services.HandoverDetails(handed_on=timezone.localdate() + timedelta(days=1)),
        )
    assert not Milestone.objects.exists() and not FollowUp.objects.exists()
    assert Allocation.objects.get().status == AllocationStatus.ALLOCATED


def test_follow_up_due_dates_skip_days_off(commune):
    # 7 days after Monday 9/2/2026 is Monday 16/2/2026, in the Tết holiday of 2026.
    from datetime import date

    due = services.follow_up_due(date(2026, 2, 9), 7, commune)
    assert due > date(2026, 2, 16) and due.weekday() < 5


def test_follow_up_records_use_and_milestones_once(commune, officer):
    s = scenario(commune, officer, households=1, phones=1, sims=0)
    allocations = s.allocate(0, s.phones)
    handover = services.handover_record(
        access=s.access, campaign=s.campaign, allocations=allocations, details=handover_weeks_ago()
    )
    first = handover.follow_ups.order_by("days_after").first()
    last = handover.follow_ups.order_by("days_after").last()

    def record(follow_up, *, reached=True, phone_use=PhoneUse.IN_USE, milestones=(), on=None):
        return services.follow_up_record(
            access=s.access,
            follow_up=follow_up,
            reached=reached,
            phone_use=phone_use,
            milestones=list(milestones),
            done_on=on or timezone.localdate(),
        )

    with pytest.raises(DomainError, match="30-day check can be recorded from") as early:
        record(last, on=handover.handed_on + timedelta(days=3))
    assert early.value.field == "done_on"
    last.refresh_from_db()
    assert last.status == FollowUpStatus.PENDING
    with pytest.raises(DomainError, match="in use"):
        record(first, phone_use="")
    record(first, milestones=[MilestoneKind.VNEID_LEVEL1, MilestoneKind.FIRST_ONLINE_SERVICE])
    first.refresh_from_db()
    assert first.status == FollowUpStatus.DONE and first.in_use
    assert Milestone.objects.filter(
        resident=s.head(0), kind=MilestoneKind.FIRST_ONLINE_SERVICE
    ).exists()
    with pytest.raises(DomainError, match="already recorded"):
        record(first, reached=False, phone_use="")
    report = sponsor_report(s.campaign)
    assert (report.first_done, report.first_in_use, report.second_done) == (1, 1, 0)
    assert report.households == 1 and report.stories == []  # no consent, no name
    online = next(m for m in report.milestones if m.kind == MilestoneKind.FIRST_ONLINE_SERVICE)
    assert (online.recipients, online.since_handover) == (1, 1)
