"""Across the actions: the sponsor report, the audit log, what cannot be deleted."""

from __future__ import annotations

import pytest

from digiward.core.models import AuditEvent
from digiward.donations import services
from digiward.donations.models import (
    ListChange,
    PriorityEntry,
)
from digiward.donations.selectors import sponsor_report
from digiward.donations.tests.factories import (
    handover_today,
    scenario,
)

pytestmark = pytest.mark.django_db


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
    allocations = s.allocate(0, s.phones)
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
