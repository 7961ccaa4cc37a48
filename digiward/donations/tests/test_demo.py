"""The demo campaign from the article: deterministic, idempotent, ranked, handed over."""

from __future__ import annotations

from datetime import date

import pytest

from digiward.demo.seeders.donations import CAMPAIGN_NAME, PHONE_VALUE, seed_donations
from digiward.demo.seeders.registry import seed_registry
from digiward.demo.seeders.users import seed_users
from digiward.donations.models import (
    Campaign,
    CampaignStatus,
    FollowUpStatus,
    Handover,
    Item,
    SponsorContact,
)
from digiward.donations.selectors import sponsor_report

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 1)


def test_demo_campaign(commune):
    seed_users(commune)
    seed_registry(commune=commune, recorded_by=None, households=400, today=TODAY)
    summary = seed_donations(commune=commune, today=TODAY)
    campaign = Campaign.objects.get(commune=commune, name=CAMPAIGN_NAME)
    assert "15 handed over" in summary
    assert campaign.status == CampaignStatus.FOLLOW_UP
    assert Item.objects.filter(campaign=campaign, kind="phone", value_vnd=PHONE_VALUE).count() == 15
    assert Item.objects.filter(campaign=campaign, kind="sim").count() == 15
    assert Handover.objects.filter(campaign=campaign).count() == 15
    report = sponsor_report(campaign)
    assert report.handed_over_vnd == 15 * PHONE_VALUE
    assert report.first_done == 15 and 0 < report.second_done < 15
    assert campaign.handovers.filter(follow_ups__status=FollowUpStatus.PENDING).exists()
    assert SponsorContact.objects.filter(
        user__username="nhataitro", sponsor__campaigns=campaign
    ).exists()
    recipients = list(
        Handover.objects.filter(campaign=campaign).values_list("recipient_id", flat=True)
    )
    # Idempotent: a second run changes nothing.
    assert "already there" in seed_donations(commune=commune, today=TODAY)
    assert (
        list(Handover.objects.filter(campaign=campaign).values_list("recipient_id", flat=True))
        == recipients
    )
