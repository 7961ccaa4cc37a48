"""The ward's journey view: every filter, and who counts as stuck."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from digiward.core.testing import client_in
from digiward.registry.journey import MilestoneKind
from digiward.registry.models import PovertyStatus, ResidentStatus
from digiward.registry.selectors import JourneyFilters, filtered_residents
from digiward.registry.services import milestone_record
from digiward.registry.tests.factories import AreaFactory, HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ward(commune):
    """Five people chosen so that each filter keeps a different set."""
    year = timezone.localdate().year
    north, south = AreaFactory(commune=commune), AreaFactory(commune=commune)
    poor = HouseholdFactory(commune=commune, area=north, poverty_status=PovertyStatus.POOR)
    near = HouseholdFactory(commune=commune, area=south, poverty_status=PovertyStatus.NEAR_POOR)
    other = HouseholdFactory(commune=commune, area=south)
    people = {
        "grandmother": ResidentFactory(
            commune=commune, household=poor, birth_year=year - 80, lives_alone=True
        ),
        "father": ResidentFactory(
            commune=commune, household=poor, birth_year=year - 45, chronic_illness=True
        ),
        "girl": ResidentFactory(commune=commune, household=near, birth_year=year - 12),
        "uncle": ResidentFactory(
            commune=commune, household=other, birth_year=year - 62, disability=True
        ),
        "gone": ResidentFactory(
            commune=commune, household=other, birth_year=year - 30, status=ResidentStatus.MOVED_AWAY
        ),
    }
    return north, south, people


def names(commune, people, **filters):
    found = set(filtered_residents(commune, JourneyFilters(**filters)).values_list("pk", flat=True))
    return {name for name, person in people.items() if person.pk in found}


def test_each_filter_keeps_the_right_people(commune, ward):
    north, south, people = ward
    assert names(commune, people) == {"grandmother", "father", "girl", "uncle"}, "not who left"
    assert names(commune, people, area_id=north.pk) == {"grandmother", "father"}
    assert names(commune, people, area_id=south.pk) == {"girl", "uncle"}
    assert names(commune, people, age_band="75+") == {"grandmother"}
    assert names(commune, people, age_band="60-74") == {"uncle"}
    assert names(commune, people, age_band="40-59") == {"father"}
    assert names(commune, people, age_band="0-17") == {"girl"}
    assert names(commune, people, vulnerability="lives_alone") == {"grandmother"}
    assert names(commune, people, vulnerability="disability") == {"uncle"}
    assert names(commune, people, poverty_status=PovertyStatus.POOR) == {"grandmother", "father"}
    assert names(commune, people, poverty_status=PovertyStatus.NEAR_POOR) == {"girl"}
    assert names(commune, people, area_id=north.pk, age_band="75+") == {"grandmother"}


def test_stuck_means_no_progress_for_the_chosen_number_of_days(commune, officer, ward):
    _north, _south, people = ward
    today = timezone.localdate()
    for person, days_ago in (("grandmother", 100), ("father", 10)):
        milestone_record(
            acting_user=officer,
            resident=people[person],
            kind=MilestoneKind.HAS_SMARTPHONE,
            achieved_on=today - timedelta(days=days_ago),
            source="officer",
        )
    client = client_in(officer, commune)

    def stuck(**params):
        page = client.get(reverse("registry:journey"), params)
        return {r.pk for r in page.context["stuck"]}

    everyone_stuck = {people[n].pk for n in ("grandmother", "father", "girl", "uncle")}
    assert stuck(stuck_days=5) == everyone_stuck
    assert stuck(stuck_days=60) == everyone_stuck - {people["father"].pk}
    assert stuck(stuck_days=200) == {people["girl"].pk, people["uncle"].pk}, "never started"
    rungs = client.get(reverse("registry:journey"), {"age_band": "75+"}).context["rungs"]
    assert {r.number: r.count for r in rungs}[1] == 1 and sum(r.count for r in rungs) == 1
