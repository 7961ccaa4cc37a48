"""The life of a campaign: every pair of stages, through the table and through the service,
then the conditions each step waits for."""

from __future__ import annotations

import itertools

import pytest
from django.utils import timezone

from digiward.core.errors import DomainError
from digiward.core.models import AuditEvent
from digiward.core.workflow import WrongTransition
from digiward.donations import ranking, services
from digiward.donations.models import Campaign, CampaignStatus
from digiward.donations.tests.factories import (
    access_for,
    draft,
    follow_ups_done,
    handover_weeks_ago,
    scenario,
)
from digiward.donations.workflow import ALLOWED, CAMPAIGN, CONDITIONS, guard_transition, next_status

S = CampaignStatus
EVERY_STEP = list(itertools.product(S.values, repeat=2))
# The life of a campaign written out once more, as the officers' guide tells it.
NEXT = {
    S.DRAFT: S.OPEN,
    S.OPEN: S.LIST_LOCKED,
    S.LIST_LOCKED: S.HANDING_OVER,
    S.HANDING_OVER: S.FOLLOW_UP,
    S.FOLLOW_UP: S.CLOSED,
}
# What an allowed step waits for, on a campaign that has nothing yet.
FIRST_CONDITION = {
    S.OPEN: "Add at least one sponsor before opening the campaign.",
    S.LIST_LOCKED: "Rank the households before locking the list.",
    S.HANDING_OVER: "Allocate items to households before starting the handover.",
    S.FOLLOW_UP: "Nothing has been handed over yet.",
    S.CLOSED: None,  # no follow-up is left to do
}


def test_one_step_forward_at_a_time_and_closed_is_final():
    assert {status: next_status(status) for status in S.values} == {**NEXT, S.CLOSED: None}
    assert CAMPAIGN.final == {S.CLOSED}


def test_every_stage_a_campaign_can_reach_has_its_conditions():
    assert set(CONDITIONS) == {target for targets in ALLOWED.values() for target in targets}


@pytest.mark.parametrize(("current", "target"), EVERY_STEP)
def test_the_table_allows_the_next_step_and_refuses_every_other(current, target):
    allowed = NEXT.get(current) == target
    assert CAMPAIGN.can(current, target) is allowed
    if allowed:
        CAMPAIGN.guard(current, target)  # no error
        return
    with pytest.raises(WrongTransition) as refused:
        CAMPAIGN.guard(current, target)
    assert refused.value.message == (
        f"A campaign cannot go from “{S(current).label}” to “{S(target).label}”."
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("current", "target"), EVERY_STEP)
def test_the_service_takes_only_the_next_step_and_only_when_its_conditions_hold(
    commune, officer, current, target
):
    """On a campaign with nothing in it: every step but the next is refused by the table,
    the next one by its first condition (closing has none left), and a refusal changes
    nothing and writes nothing."""
    campaign = Campaign.objects.create(
        commune=commune, name="Đợt thử", starts_on=timezone.localdate(), status=current
    )
    access = access_for(officer, commune)
    if NEXT.get(current) == target and FIRST_CONDITION[target] is None:
        moved = services.campaign_transition(access=access, campaign=campaign, target=target)
        assert moved.status == target
        assert AuditEvent.objects.filter(changes__status=[current, target]).exists()
        return
    with pytest.raises(DomainError) as refused:
        services.campaign_transition(access=access, campaign=campaign, target=target)
    if NEXT.get(current) == target:
        assert refused.value.message == FIRST_CONDITION[target]
    else:
        assert isinstance(refused.value, WrongTransition)
    assert Campaign.objects.get(pk=campaign.pk).status == current
    assert not AuditEvent.objects.filter(object_type="donations.campaign").exists()


@pytest.mark.django_db
def test_an_unknown_status_is_refused_in_words(commune):
    campaign = Campaign(commune=commune, name="Đợt thử", status=S.DRAFT)
    with pytest.raises(DomainError, match="Unknown campaign status"):
        guard_transition(campaign, "nonsense")


# ---- The conditions of each step --------------------------------------------------------


@pytest.mark.django_db
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


@pytest.mark.django_db
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
    allocations = s.allocate(0, s.phones)
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
    follow_ups_done(s.access, handover)
    services.campaign_transition(access=s.access, campaign=s.campaign, target=CampaignStatus.CLOSED)
    assert s.refresh().status == CampaignStatus.CLOSED
    with pytest.raises(DomainError):  # nothing after closed
        services.campaign_transition(
            access=s.access, campaign=s.campaign, target=CampaignStatus.OPEN
        )


@pytest.mark.django_db
def test_rules_are_fixed_after_locking(commune, officer):
    s = scenario(commune, officer)
    with pytest.raises(DomainError):
        services.campaign_rules_save(access=s.access, campaign=s.campaign, rules=ranking.Rules())
