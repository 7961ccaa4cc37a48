"""The list: the facts behind it, the ranking, the review's decisions and amendments."""

from __future__ import annotations

import pytest
from django.utils import timezone

from digiward.core.errors import DomainError
from digiward.core.models import AuditEvent
from digiward.donations import ranking, services
from digiward.donations.models import (
    ChangeAction,
    EntryStatus,
    HouseholdPolicy,
    PriorityEntry,
)
from digiward.donations.ranking_store import Timings, load_facts
from digiward.donations.selectors import household_facts
from digiward.donations.tests.factories import (
    handover_today,
    poor_household,
    scenario,
)
from digiward.registry.journey import MilestoneKind
from digiward.registry.models import PovertyStatus, ResidentStatus
from digiward.registry.services import milestone_record
from digiward.registry.tests.factories import HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db


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


def test_loader_marks_households_that_got_a_phone_in_an_earlier_campaign(commune, officer):
    earlier = scenario(commune, officer, households=1, phones=1, sims=0)
    allocations = earlier.allocate(0, earlier.phones)
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
