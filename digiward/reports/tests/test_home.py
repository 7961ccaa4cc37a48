"""The home page tells each role what needs doing, in its own commune only."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from digiward.core.access import access_for
from digiward.guidance.models import RosterStatus
from digiward.guidance.tests.factories import (
    AssignmentFactory,
    DutyShiftFactory,
    RosterFactory,
    TeamMemberFactory,
)
from digiward.homecare.models import RequestStatus
from digiward.homecare.tests.factories import RequestFactory, SettingsFactory
from digiward.reports.selectors import home_summary

pytestmark = pytest.mark.django_db


def _request(commune, due_on: date, status: str = RequestStatus.ACCEPTED):
    SettingsFactory(commune=commune)
    return RequestFactory(commune=commune, due_on=due_on, status=status)


def test_officer_sees_overdue_and_due_soon_requests_of_the_commune_only(
    client_for, commune, other_commune, officer
):
    today = timezone.localdate()
    _request(commune, today - timedelta(days=3))
    _request(commune, today)
    _request(commune, today - timedelta(days=3), status=RequestStatus.COMPLETED)
    _request(other_commune, today - timedelta(days=3))

    today_summary = home_summary(access_for(officer, commune)).today
    assert (today_summary.overdue_requests, today_summary.due_soon_requests) == (1, 1)

    page = client_for(officer).get(reverse("reports:home")).content.decode()
    assert reverse("homecare:deadlines") in page


def test_volunteer_sees_next_published_shift_and_no_home_support(commune, volunteer, client_for):
    member = TeamMemberFactory(commune=commune, user=volunteer)
    tomorrow = timezone.localdate() + timedelta(days=1)
    roster = RosterFactory(
        commune=commune, month=tomorrow.replace(day=1), status=RosterStatus.PUBLISHED
    )
    shift = DutyShiftFactory(
        commune=commune, roster=roster, date=tomorrow, start=time(7), end=time(11, 30)
    )
    AssignmentFactory(shift=shift, member=member)

    today_summary = home_summary(access_for(volunteer, commune)).today
    assert today_summary.next_shift is not None and today_summary.next_shift.shift == shift
    assert today_summary.overdue_requests is None  # volunteers do not handle requests

    page = client_for(volunteer).get(reverse("reports:home")).content.decode()
    assert reverse("guidance:my_shifts") in page
    assert tomorrow.strftime("%d/%m/%Y") in page
    assert reverse("guidance:session_log") in page
    assert f'href="{reverse("homecare:request_list")}"' not in page


def test_a_shift_already_over_today_is_not_the_next_one(commune, volunteer):
    member = TeamMemberFactory(commune=commune, user=volunteer)
    today = timezone.localdate()
    roster = RosterFactory(
        commune=commune, month=today.replace(day=1), status=RosterStatus.PUBLISHED
    )
    # Ends at midnight: over whatever the time of the run.
    over = DutyShiftFactory(commune=commune, roster=roster, date=today, start=time(0), end=time(0))
    AssignmentFactory(shift=over, member=member)
    assert home_summary(access_for(volunteer, commune)).today.next_shift is None


def test_draft_roster_is_not_announced(commune, volunteer):
    member = TeamMemberFactory(commune=commune, user=volunteer)
    tomorrow = timezone.localdate() + timedelta(days=1)
    roster = RosterFactory(
        commune=commune, month=tomorrow.replace(day=1), status=RosterStatus.DRAFT
    )
    AssignmentFactory(
        shift=DutyShiftFactory(commune=commune, roster=roster, date=tomorrow), member=member
    )
    assert home_summary(access_for(volunteer, commune)).today.next_shift is None


def test_sponsor_viewer_is_pointed_at_the_sponsor_report(commune, sponsor, client_for):
    page = client_for(sponsor).get(reverse("reports:home")).content.decode()
    assert f'href="{reverse("donations:report_list")}"' in page
    assert f'href="{reverse("donations:campaign_list")}"' not in page
    assert f'href="{reverse("registry:home")}"' not in page


def test_a_volunteer_paired_with_a_visiting_officer_is_shown_the_visits(
    commune, officer, volunteer, client_for
):
    from digiward.homecare.tests.factories import OfficerProfileFactory

    SettingsFactory(commune=commune)
    assert home_summary(access_for(volunteer, commune)).today.going_along_today is None
    OfficerProfileFactory(commune=commune, user=officer, volunteer=volunteer)
    summary = home_summary(access_for(volunteer, commune)).today
    assert summary.going_along_today == 0 and summary.anything
    page = client_for(volunteer).get(reverse("reports:home")).content.decode()
    assert reverse("homecare:companion_visits") in page
    assert home_summary(access_for(officer, commune)).today.going_along_today is None
