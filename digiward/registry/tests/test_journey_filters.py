"""The ward's journey view: every filter, and who counts as stuck."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from digiward.core.access import Access
from digiward.core.errors import DomainError
from digiward.core.models import AuditEvent, Role
from digiward.core.testing import assert_view_access, client_in
from digiward.registry.journey import MilestoneKind
from digiward.registry.models import PovertyStatus, RegistrySettings, ResidentStatus
from digiward.registry.selectors import (
    JourneyFilters,
    filtered_residents,
    journey_distribution,
    registry_settings_for,
    stuck_residents,
)
from digiward.registry.services import milestone_record, registry_settings_save
from digiward.registry.tests.factories import AreaFactory, HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def access_of(user, commune, role):
    return Access(user=user, commune=commune, roles=frozenset({role}))


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

    # The girl (12) is under the commune's journey age (15 by default): never "stuck".
    everyone_stuck = {people[n].pk for n in ("grandmother", "father", "uncle")}
    assert stuck(stuck_days=5) == everyone_stuck
    assert stuck(stuck_days=60) == everyone_stuck - {people["father"].pk}
    assert stuck(stuck_days=200) == {people["uncle"].pk}, "never started"
    rungs = client.get(reverse("registry:journey"), {"age_band": "75+"}).context["rungs"]
    assert {r.number: r.count for r in rungs}[1] == 1 and sum(r.count for r in rungs) == 1


# ---- Who the "no progress" list is for (issue 12) -----------------------------------------


def stuck_names(commune, people, days=90):
    found = set(stuck_residents(commune, JourneyFilters(), days=days).values_list("pk", flat=True))
    return {name for name, person in people.items() if person.pk in found}


def test_children_under_the_communes_journey_age_are_not_stuck(commune, officer, ward):
    """The list started with children born 2022–2026 marked "no smartphone"."""
    _north, _south, people = ward
    year = timezone.localdate().year
    household = people["father"].household
    people["toddler"] = ResidentFactory(commune=commune, household=household, birth_year=year - 2)
    people["fifteen"] = ResidentFactory(commune=commune, household=household, birth_year=year - 15)
    people["unknown_age"] = ResidentFactory(commune=commune, household=household, birth_year=None)
    assert registry_settings_for(commune).journey_min_age == 15, "the default"
    assert stuck_names(commune, people) == {
        "grandmother",
        "father",
        "uncle",
        "fifteen",
        "unknown_age",  # an unknown age is no reason to forget someone
    }
    # The commune sets its own age: 10 brings the girl (12) back, not the toddler.
    admin = access_of(officer, commune, Role.COMMUNE_ADMIN)
    registry_settings_save(access=admin, journey_min_age=10, full_citizen_id_on_minutes=True)
    assert "girl" in stuck_names(commune, people) and "toddler" not in stuck_names(commune, people)


def test_people_the_journey_does_not_apply_to_are_not_stuck(commune, ward):
    _north, _south, people = ward
    people["uncle"].journey_not_applicable = True
    people["uncle"].save()
    assert stuck_names(commune, people) == {"grandmother", "father"}
    # Still counted on the ladder: the statistics are about everyone who lives here.
    _rungs, total = journey_distribution(commune, JourneyFilters())
    assert total == 4


def test_the_page_says_what_stuck_means(commune, officer, ward):
    client = client_in(officer, commune)
    client.cookies["digiward_language"] = "en"
    html = client.get(reverse("registry:journey")).content.decode()
    assert "aged 15 or more" in html
    assert "the digital journey does not apply" in html


def test_the_journey_age_is_kept_per_commune(commune, other_commune, officer):
    admin = access_of(officer, commune, Role.COMMUNE_ADMIN)
    registry_settings_save(access=admin, journey_min_age=18, full_citizen_id_on_minutes=False)
    assert registry_settings_for(commune).journey_min_age == 18
    assert registry_settings_for(commune).full_citizen_id_on_minutes is False
    assert registry_settings_for(other_commune).journey_min_age == 15
    assert registry_settings_for(other_commune).full_citizen_id_on_minutes is True
    with pytest.raises(PermissionDenied):
        registry_settings_save(
            access=access_of(officer, commune, Role.OFFICER),
            journey_min_age=5,
            full_citizen_id_on_minutes=True,
        )
    with pytest.raises(DomainError):
        registry_settings_save(access=admin, journey_min_age=120, full_citizen_id_on_minutes=True)
    assert AuditEvent.objects.filter(object_type="registry.registrysettings").exists()


def test_the_settings_page_is_for_the_commune_administrator(commune, other_commune):
    assert_view_access(
        url=reverse("registry:settings"),
        commune=commune,
        other_commune=other_commune,
        allowed={Role.COMMUNE_ADMIN},
        scoped=False,  # each commune's page is its own: another commune sees its settings
    )


def test_the_settings_page_saves_and_keeps_what_was_typed(commune, admin):
    client = client_in(admin, commune)
    client.cookies["digiward_language"] = "en"
    url = reverse("registry:settings")
    response = client.post(url, {"journey_min_age": "150"})
    assert response.status_code == 200 and 'value="150"' in response.content.decode()
    assert not RegistrySettings.objects.exists()
    response = client.post(url, {"journey_min_age": "12", "full_citizen_id_on_minutes": "on"})
    assert response.status_code == 302
    assert registry_settings_for(commune).journey_min_age == 12


def test_the_resident_form_marks_the_journey_not_applicable(commune, officer):
    household = HouseholdFactory(commune=commune, code="NK901")
    person = ResidentFactory(commune=commune, household=household, birth_year=1930)
    client = client_in(officer, commune)
    client.cookies["digiward_language"] = "en"
    response = client.post(
        reverse("registry:resident_edit", args=[person.pk]),
        {
            "full_name": person.full_name,
            "household": "NK901",
            "birth": "1930",
            "relation_to_head": person.relation_to_head,
            "status": "active",
            "legal_basis": "official_list",
            "journey_not_applicable": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    person.refresh_from_db()
    assert person.journey_not_applicable
    change = AuditEvent.objects.filter(object_id=str(person.pk), action="change").latest("pk")
    assert change.changes["journey_not_applicable"] == [False, True]
    page = client.get(reverse("registry:resident_detail", args=[person.pk])).content.decode()
    assert "left out of the list of people without progress" in page
