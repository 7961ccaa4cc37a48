"""Access table of the home-support page that had none (found by test_url_coverage.py).

The "going along" page is VIEW_HOME (every role): a volunteer paired with an officer sees
that officer's visits; anyone else sees an empty day.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from digiward.core.models import Role
from digiward.core.testing import assert_view_access, client_in, user_with_role
from digiward.homecare.models import HomeVisit

pytestmark = pytest.mark.django_db


def test_the_companions_day_is_a_page_of_every_role(commune, other_commune, homecare_objects):
    assert_view_access(
        url=reverse("homecare:companion_visits") + f"?day={homecare_objects['day']}",
        commune=commune,
        other_commune=other_commune,
        allowed=set(Role),
        scoped=False,  # the signed-in person's own day
    )


def test_only_the_paired_volunteer_sees_the_officers_visits(commune, volunteer, homecare_objects):
    url = reverse("homecare:companion_visits") + f"?day={homecare_objects['day']}"
    person = HomeVisit.objects.get(pk=homecare_objects["visit"]).request.person_name
    assert person in client_in(volunteer, commune).get(url).content.decode()
    for role in Role:
        page = client_in(user_with_role(role, commune), commune).get(url).content.decode()
        assert person not in page, role
