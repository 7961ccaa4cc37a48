"""Campaign actions: guards, bad input, nothing half-written, the whole life of a campaign."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from digiward.core.errors import DomainError
from digiward.core.models import AuditEvent
from digiward.donations import ranking, services
from digiward.donations.models import (
    Allocation,
    AllocationStatus,
    Campaign,
    CampaignStatus,
    ChangeAction,
    EntryStatus,
    FollowUp,
    FollowUpStatus,
    HouseholdPolicy,
    Item,
    ItemKind,
    ItemStatus,
    ListChange,
    PhoneUse,
    PriorityEntry,
    Sponsor,
)
from digiward.donations.ranking_store import Timings, load_facts
from digiward.donations.selectors import household_facts, sponsor_report
from digiward.donations.tests.factories import (
    access_for,
    handover_today,
    handover_weeks_ago,
    imei,
    poor_household,
    scenario,
    sim,
)
from digiward.registry.journey import MilestoneKind
from digiward.registry.models import Milestone, PovertyStatus, ResidentStatus
from digiward.registry.services import milestone_record
from digiward.registry.tests.factories import HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def new_phone(n, **kw):
    return services.NewItem(
        kind=ItemKind.PHONE,
        name="Samsung Galaxy A06",
        value_vnd=2_357_000,
        received_on=timezone.localdate(),
        imei=imei(n) if "imei" not in kw else kw.pop("imei"),
        **kw,
    )


def new_sim(number, **kw):
    return services.NewItem(
        kind=ItemKind.SIM,
        name="SIM",
        value_vnd=0,
        received_on=timezone.localdate(),
        sim_number=number,
        **kw,
    )


# ---- Status guards ----------------------------------------------------------------------


def draft(commune, officer):
    access = access_for(officer, commune)
    sponsor = services.sponsor_save(access=access, sponsor=Sponsor(name="Ngân hàng A", kind="bank"))
    campaign = services.campaign_save(
        access=access,
        campaign=Campaign(name="Đợt 1", starts_on=timezone.localdate() - timedelta(days=10)),
        sponsors=[sponsor],
    )
    return access, sponsor, campaign


@pytest.mark.parametrize(
    "target",
    [
        CampaignStatus.LIST_LOCKED,
        CampaignStatus.HANDING_OVER,
        CampaignStatus.FOLLOW_UP,
        CampaignStatus.CLOSED,
        CampaignStatus.DRAFT,
        "nonsense",
    ],
)
def test_a_draft_cannot_skip_steps(commune, officer, target):
    access, _sponsor, campaign = draft(commune, officer)
    with pytest.raises(DomainError):
        services.campaign_transition(access=access, campaign=campaign, target=target)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_opening_needs_a_pledge(commune, officer):
    access, sponsor, campaign = draft(commune, officer)
    with pytest.raises(DomainError, match=r"pledge|cam kết"):
        services.campaign_transition(access=access, campaign=campaign, target=CampaignStatus.OPEN)
    services.pledge_add(
        access=access,
        campaign=campaign,
        sponsor=sponsor,
        kind="phone",
        quantity=15,
        unit_value_vnd=2_357_000,
    )
    services.campaign_transition(access=access, campaign=campaign, target=CampaignStatus.OPEN)
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.OPEN


def test_locking_needs_a_ranking_then_allocation_then_handover_then_follow_ups(commune, officer):
    s = scenario(commune, officer, households=2, phones=1, sims=0, lock=False)
    Campaign.objects.filter(pk=s.campaign.pk).update(status=CampaignStatus.OPEN)
    s.campaign.ranking_runs.all().delete()
    with pytest.raises(DomainError, match="Rank"):
        services.campaign_transition(
            access=s.access, campaign=s.campaign, target=CampaignStatus.LIST_LOCKED
        )
    services.ranking_run(campaign=s.campaign, acting_user=officer)
    services.campaign_transition(
        access=s.access, campaign=s.campaign, target=CampaignStatus.LIST_LOCKED
    )
    with pytest.raises(DomainError, match="Allocate"):
        services.campaign_transition(
            access=s.access, campaign=s.campaign, target=CampaignStatus.HANDING_OVER
        )
    allocations = services.allocation_create(
        access=s.access,
        campaign=s.campaign,
        household=s.households[0],
        recipient=s.head(0),
        items=s.phones,
    )
    services.campaign_transition(
        access=s.access, campaign=s.campaign, target=CampaignStatus.HANDING_OVER
    )
    with pytest.raises(DomainError, match="not handed over"):
        services.campaign_transition(
            access=s.access, campaign=s.campaign, target=CampaignStatus.FOLLOW_UP
        )
    handover = services.handover_record(
        access=s.access, campaign=s.campaign, allocations=allocations, details=handover_weeks_ago()
    )
    services.campaign_transition(
        access=s.access, campaign=s.campaign, target=CampaignStatus.FOLLOW_UP
    )
    with pytest.raises(DomainError, match="follow-ups"):
        services.campaign_transition(
            access=s.access, campaign=s.campaign, target=CampaignStatus.CLOSED
        )
    for follow_up in handover.follow_ups.all():
        services.follow_up_record(
            access=s.access,
            follow_up=follow_up,
            reached=True,
            phone_use=PhoneUse.IN_USE,
            milestones=[],
            done_on=timezone.localdate(),
        )
    services.campaign_transition(access=s.access, campaign=s.campaign, target=CampaignStatus.CLOSED)
    assert s.refresh().status == CampaignStatus.CLOSED
    with pytest.raises(DomainError):  # nothing after closed
        services.campaign_transition(
            access=s.access, campaign=s.campaign, target=CampaignStatus.OPEN
        )


def test_rules_are_fixed_after_locking(commune, officer):
    s = scenario(commune, officer)
    with pytest.raises(DomainError):
        services.campaign_rules_save(access=s.access, campaign=s.campaign, rules=ranking.Rules())


# ---- Items: bad input, all or nothing ----------------------------------------------------------


def open_campaign(commune, officer):
    access, sponsor, campaign = draft(commune, officer)
    services.pledge_add(
        access=access,
        campaign=campaign,
        sponsor=sponsor,
        kind="phone",
        quantity=2,
        unit_value_vnd=1,
    )
    services.campaign_transition(access=access, campaign=campaign, target=CampaignStatus.OPEN)
    return access, campaign


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
    allocations = services.allocation_create(
        access=s.access,
        campaign=s.campaign,
        household=s.households[0],
        recipient=s.head(0),
        items=[s.phones[0]],
    )
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
    services.allocation_create(
        access=s.access,
        campaign=s.campaign,
        household=s.households[1],
        recipient=s.head(1),
        items=[s.phones[0]],
    )
    services.item_return(
        access=s.access,
        item=s.phones[1],
        reason="broken",
        next_step="repair",
        returned_on=timezone.localdate(),
    )
    services.item_repaired(access=s.access, item=s.phones[1])
    assert Item.objects.get(pk=s.phones[1].pk).status == ItemStatus.IN_STOCK


# ---- The list: facts, review, lock, amendments -------------------------------------------


def test_bulk_loader_and_single_household_facts_agree(commune, officer):
    s = scenario(commune, officer, households=0, phones=1, sims=0, lock=False)
    today = timezone.localdate()
    lonely = poor_household(commune, "F1", birth_year=today.year - 70)
    lonely.head.lives_alone = True
    lonely.head.save()
    phone_home = poor_household(commune, "F2", poverty_status=PovertyStatus.NEAR_POOR)
    young = ResidentFactory(
        commune=commune, household=phone_home, birth_year=today.year - 20, disability=True
    )
    milestone_record(
        acting_user=officer,
        resident=young,
        kind=MilestoneKind.HAS_SMARTPHONE,
        achieved_on=today,
        source="officer",
    )
    born = poor_household(commune, "F3")
    ResidentFactory(
        commune=commune,
        household=born,
        birth_year=None,
        birth_date=today.replace(year=today.year - 60),
        chronic_illness=True,
    )
    gone = poor_household(commune, "F4")
    gone.head.status = ResidentStatus.MOVED_AWAY
    gone.head.save()
    HouseholdFactory(commune=commune, code="F5", particularly_disadvantaged=True)
    HouseholdPolicy.objects.create(
        commune=commune, household=born, merit_family=True, social_policy_family=True
    )
    bulk = {
        row[0]: ranking.Facts(*row)
        for row in load_facts(s.campaign, reference=today, timings=Timings())
    }
    assert len(bulk) == 5
    for household in (lonely, phone_home, born, gone):
        assert bulk[household.pk] == household_facts(s.campaign, household, reference=today), (
            household.code
        )
    assert bulk[lonely.pk].flags & ranking.ELDERLY_ALONE
    assert (
        not bulk[phone_home.pk].flags & ranking.NO_SMARTPHONE
        and bulk[phone_home.pk].flags & ranking.DISABILITY
    )
    assert bulk[born.pk].flags & ranking.ELDERLY and bulk[born.pk].flags & ranking.MERIT_FAMILY
    assert bulk[gone.pk].flags & ranking.NO_ACTIVE_MEMBER


def test_ranking_writes_the_list_and_keeps_the_review_decisions(commune, officer):
    s = scenario(commune, officer, households=4, phones=1, sims=0, lock=False)
    entries = list(PriorityEntry.objects.filter(campaign=s.campaign))
    assert [e.position for e in entries] == [1, 2, 3, 4]
    outsider = HouseholdFactory(commune=commune, code="GIAU01")  # not poor: not on the list
    services.list_change(
        access=s.access,
        campaign=s.campaign,
        household=entries[0].household,
        action=ChangeAction.REMOVE,
        reason="Đã có điện thoại do con cho",
    )
    services.list_change(
        access=s.access,
        campaign=s.campaign,
        household=outsider,
        action=ChangeAction.ADD,
        reason="Họp xét duyệt: hộ mới gặp hoạn nạn",
    )
    with pytest.raises(DomainError, match="already on the list"):
        services.list_change(
            access=s.access,
            campaign=s.campaign,
            household=outsider,
            action=ChangeAction.ADD,
            reason="x",
        )
    with pytest.raises(DomainError, match="Say why"):
        services.list_change(
            access=s.access,
            campaign=s.campaign,
            household=entries[1].household,
            action=ChangeAction.REMOVE,
            reason=" ",
        )
    services.ranking_run(campaign=s.campaign, acting_user=officer)  # rank again
    assert (
        PriorityEntry.objects.get(campaign=s.campaign, household=entries[0].household).status
        == EntryStatus.REMOVED
    )
    added = PriorityEntry.objects.get(campaign=s.campaign, household=outsider)
    assert (added.status, added.position, added.group) == (
        EntryStatus.ADDED,
        None,
        ranking.GROUP_NONE,
    )


def test_after_locking_changes_need_an_amendment_with_a_reference(commune, officer):
    s = scenario(commune, officer, households=2, phones=1, sims=0)
    outsider = HouseholdFactory(commune=commune, code="MOI01")
    with pytest.raises(DomainError, match="amendment"):
        services.list_change(
            access=s.access,
            campaign=s.campaign,
            household=outsider,
            action=ChangeAction.ADD,
            reason="Hộ mới",
        )
    change = services.list_change(
        access=s.access,
        campaign=s.campaign,
        household=outsider,
        action=ChangeAction.ADD,
        reason="Hộ mới thoát nghèo nhưng đau ốm",
        reference="Biên bản họp số 05/BB-UBND ngày 10/9/2026",
    )
    assert change.is_amendment
    event = AuditEvent.objects.filter(
        object_type="donations.campaign", note__contains="05/BB-UBND"
    ).get()
    assert "MOI01" in event.object_repr


def test_allocating_after_locking_needs_the_household_on_the_list(commune, officer):
    s = scenario(commune, officer, households=1, phones=1, sims=0)
    outsider = poor_household(commune, "NGOAI1", poverty_status=PovertyStatus.NOT_POOR)
    with pytest.raises(DomainError, match="not on the locked list"):
        services.allocation_create(
            access=s.access,
            campaign=s.campaign,
            household=outsider,
            recipient=outsider.head,
            items=s.phones,
        )
    services.list_change(
        access=s.access,
        campaign=s.campaign,
        household=outsider,
        action=ChangeAction.ADD,
        reason="Hộ khó khăn đột xuất",
        reference="QĐ 12/QĐ-UBND",
    )
    services.allocation_create(
        access=s.access,
        campaign=s.campaign,
        household=outsider,
        recipient=outsider.head,
        items=s.phones,
    )
    assert Allocation.objects.filter(household=outsider).count() == 1


def test_allocating_before_locking_is_refused(commune, officer):
    s = scenario(commune, officer, households=1, phones=1, sims=0, lock=False)
    with pytest.raises(DomainError, match="Lock the list"):
        services.allocation_create(
            access=s.access,
            campaign=s.campaign,
            household=s.households[0],
            recipient=s.head(0),
            items=s.phones,
        )
    assert not Allocation.objects.exists()


def test_recipient_from_another_commune_is_refused(commune, officer, other_commune):
    s = scenario(commune, officer, households=1, phones=1, sims=0)
    stranger = ResidentFactory(commune=other_commune, household__commune=other_commune)
    with pytest.raises(DomainError, match="another commune"):
        services.allocation_create(
            access=s.access,
            campaign=s.campaign,
            household=s.households[0],
            recipient=stranger,
            items=s.phones,
        )
    neighbour = ResidentFactory(commune=commune)
    with pytest.raises(DomainError, match="not a member"):
        services.allocation_create(
            access=s.access,
            campaign=s.campaign,
            household=s.households[0],
            recipient=neighbour,
            items=s.phones,
        )
    assert not Allocation.objects.exists()
    assert Item.objects.get(pk=s.phones[0].pk).status == ItemStatus.IN_STOCK


def test_the_recipient_need_not_be_the_head(commune, officer):
    s = scenario(commune, officer, households=1, phones=1, sims=1)
    grandmother = ResidentFactory(
        commune=commune, household=s.households[0], full_name="Lê Thị Bảy", birth_year=1941
    )
    (phone_alloc, sim_alloc) = services.allocation_create(
        access=s.access,
        campaign=s.campaign,
        household=s.households[0],
        recipient=grandmother,
        items=[s.phones[0], s.sims[0]],
    )
    assert (
        phone_alloc.recipient == grandmother
        and phone_alloc.phone_slot == 1
        and sim_alloc.phone_slot is None
    )


def test_an_item_is_never_allocated_twice_and_one_phone_per_household(commune, officer):
    s = scenario(commune, officer, households=2, phones=2, sims=0)
    services.allocation_create(
        access=s.access,
        campaign=s.campaign,
        household=s.households[0],
        recipient=s.head(0),
        items=[s.phones[0]],
    )
    with pytest.raises(DomainError, match="already allocated"):
        services.allocation_create(
            access=s.access,
            campaign=s.campaign,
            household=s.households[1],
            recipient=s.head(1),
            items=[s.phones[0]],
        )
    with pytest.raises(DomainError, match="already has its phone"):
        services.allocation_create(
            access=s.access,
            campaign=s.campaign,
            household=s.households[0],
            recipient=s.head(0),
            items=[s.phones[1]],
        )
    assert Allocation.objects.count() == 1


def test_a_campaign_may_allow_two_phones_per_household(commune, officer):
    s = scenario(commune, officer, households=1, phones=3, sims=0, phones_per_household=2)
    services.allocation_create(
        access=s.access,
        campaign=s.campaign,
        household=s.households[0],
        recipient=s.head(0),
        items=s.phones[:2],
    )
    with pytest.raises(DomainError, match="at most 2"):
        services.allocation_create(
            access=s.access,
            campaign=s.campaign,
            household=s.households[0],
            recipient=s.head(0),
            items=[s.phones[2]],
        )
    assert sorted(Allocation.objects.values_list("phone_slot", flat=True)) == [1, 2]


def test_database_constraints_stand_behind_the_checks(commune, officer):
    s = scenario(commune, officer, households=2, phones=2, sims=0)
    (first,) = services.allocation_create(
        access=s.access,
        campaign=s.campaign,
        household=s.households[0],
        recipient=s.head(0),
        items=[s.phones[0]],
    )
    same_item = Allocation(
        commune=commune,
        campaign=s.campaign,
        household=s.households[1],
        recipient=s.head(1),
        item=s.phones[0],
        kind="phone",
        phone_slot=1,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        same_item.save()
    second_phone = Allocation(
        commune=commune,
        campaign=s.campaign,
        household=s.households[0],
        recipient=s.head(0),
        item=s.phones[1],
        kind="phone",
        phone_slot=1,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        second_phone.save()
    # A cancelled allocation frees both the item and the slot.
    services.allocation_cancel(access=s.access, allocation=first, reason="Nhầm hộ")
    services.allocation_create(
        access=s.access,
        campaign=s.campaign,
        household=s.households[1],
        recipient=s.head(1),
        items=[s.phones[0]],
    )


# ---- Handover and follow-up --------------------------------------------------------------


def test_handover_records_milestones_follow_ups_and_refuses_a_second_time(commune, officer):
    s = scenario(commune, officer, households=1, phones=1, sims=1)
    allocations = services.allocation_create(
        access=s.access,
        campaign=s.campaign,
        household=s.households[0],
        recipient=s.head(0),
        items=[s.phones[0], s.sims[0]],
    )
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
    allocations = services.allocation_create(
        access=s.access,
        campaign=s.campaign,
        household=s.households[0],
        recipient=s.head(0),
        items=[s.phones[0], s.sims[0]],
    )
    services.handover_record(
        access=s.access, campaign=s.campaign, allocations=allocations, details=handover_today()
    )
    kinds = set(Milestone.objects.filter(resident=s.head(0)).values_list("kind", flat=True))
    assert kinds == {MilestoneKind.HAS_SMARTPHONE, MilestoneKind.HAS_MOBILE_DATA}


def test_a_handover_in_the_future_is_refused_and_nothing_written(commune, officer):
    s = scenario(commune, officer, households=1, phones=1, sims=0)
    allocations = services.allocation_create(
        access=s.access,
        campaign=s.campaign,
        household=s.households[0],
        recipient=s.head(0),
        items=s.phones,
    )
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
    allocations = services.allocation_create(
        access=s.access,
        campaign=s.campaign,
        household=s.households[0],
        recipient=s.head(0),
        items=s.phones,
    )
    handover = services.handover_record(
        access=s.access, campaign=s.campaign, allocations=allocations, details=handover_weeks_ago()
    )
    first = handover.follow_ups.order_by("days_after").first()
    last = handover.follow_ups.order_by("days_after").last()
    with pytest.raises(DomainError, match="30-day check can be recorded from") as early:
        services.follow_up_record(
            access=s.access,
            follow_up=last,
            reached=True,
            phone_use=PhoneUse.IN_USE,
            milestones=[],
            done_on=handover.handed_on + timedelta(days=3),
        )
    assert early.value.field == "done_on"
    last.refresh_from_db()
    assert last.status == FollowUpStatus.PENDING
    with pytest.raises(DomainError, match="in use"):
        services.follow_up_record(
            access=s.access,
            follow_up=first,
            reached=True,
            phone_use="",
            milestones=[],
            done_on=timezone.localdate(),
        )
    services.follow_up_record(
        access=s.access,
        follow_up=first,
        reached=True,
        phone_use=PhoneUse.IN_USE,
        milestones=[MilestoneKind.VNEID_LEVEL1, MilestoneKind.FIRST_ONLINE_SERVICE],
        done_on=timezone.localdate(),
    )
    first.refresh_from_db()
    assert first.status == FollowUpStatus.DONE and first.in_use
    assert Milestone.objects.filter(
        resident=s.head(0), kind=MilestoneKind.FIRST_ONLINE_SERVICE
    ).exists()
    with pytest.raises(DomainError, match="already recorded"):
        services.follow_up_record(
            access=s.access,
            follow_up=first,
            reached=False,
            phone_use="",
            milestones=[],
            done_on=timezone.localdate(),
        )
    report = sponsor_report(s.campaign)
    assert (report.first_done, report.first_in_use, report.second_done) == (1, 1, 0)
    assert report.households == 1 and report.stories == []  # no consent, no name
    online = next(m for m in report.milestones if m.kind == MilestoneKind.FIRST_ONLINE_SERVICE)
    assert (online.recipients, online.since_handover) == (1, 1)


def test_sponsor_report_names_only_consenting_recipients(commune, officer):
    s = scenario(commune, officer, households=2, phones=2, sims=0)
    for index, consent in ((0, True), (1, False)):
        allocations = services.allocation_create(
            access=s.access,
            campaign=s.campaign,
            household=s.households[index],
            recipient=s.head(index),
            items=[s.phones[index]],
        )
        services.handover_record(
            access=s.access,
            campaign=s.campaign,
            allocations=allocations,
            details=handover_today(consent_to_share=consent),
        )
    report = sponsor_report(s.campaign)
    assert [story.name for story in report.stories] == [s.head(0).full_name]
    phones = next(k for k in report.kinds if k.kind == "phone")
    assert (phones.pledged, phones.received, phones.handed_over, phones.handed_over_vnd) == (
        2,
        2,
        2,
        4_714_000,
    )


def test_every_change_is_audit_logged(commune, officer):
    s = scenario(commune, officer, households=1, phones=1, sims=0)
    allocations = services.allocation_create(
        access=s.access,
        campaign=s.campaign,
        household=s.households[0],
        recipient=s.head(0),
        items=s.phones,
    )
    services.handover_record(
        access=s.access, campaign=s.campaign, allocations=allocations, details=handover_today()
    )
    types = set(AuditEvent.objects.values_list("object_type", flat=True))
    assert {
        "donations.sponsor",
        "donations.campaign",
        "donations.pledge",
        "donations.item",
        "donations.rankingrun",
        "donations.allocation",
        "donations.handover",
        "registry.milestone",
    } <= types
    assert ListChange.objects.count() == 0


def test_a_household_on_a_list_cannot_be_deleted_and_a_campaign_takes_its_list_along(
    commune, officer
):
    from django.db.models import ProtectedError

    s = scenario(commune, officer, households=1, phones=0, sims=0, lock=False)
    with pytest.raises(ProtectedError):
        s.households[0].delete()
    assert PriorityEntry.objects.filter(campaign=s.campaign).count() == 1
    PriorityEntry.objects.filter(campaign=s.campaign).delete()
    assert not PriorityEntry.objects.exists()


def test_loader_marks_households_that_got_a_phone_in_an_earlier_campaign(commune, officer):
    earlier = scenario(commune, officer, households=1, phones=1, sims=0)
    allocations = services.allocation_create(
        access=earlier.access,
        campaign=earlier.campaign,
        household=earlier.households[0],
        recipient=earlier.head(0),
        items=earlier.phones,
    )
    services.handover_record(
        access=earlier.access,
        campaign=earlier.campaign,
        allocations=allocations,
        details=handover_today(),
    )
    later = scenario(commune, officer, households=0, phones=1, sims=0, lock=False, first_imei=20)
    facts = {
        row[0]: row
        for row in load_facts(later.campaign, reference=timezone.localdate(), timings=Timings())
    }
    assert facts[earlier.households[0].pk][3] & ranking.EARLIER_DEVICE
    assert not PriorityEntry.objects.filter(
        campaign=later.campaign, household=earlier.households[0]
    ).exists()
