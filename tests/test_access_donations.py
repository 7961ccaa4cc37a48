"""Access table of the donations action that had none (found by test_url_coverage.py).

MANAGE_CAMPAIGNS: the commune administrator and officers (`digiward/core/permissions.py`).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from digiward.core.models import Role
from digiward.core.testing import assert_view_access
from digiward.donations.models import SponsorContact

pytestmark = pytest.mark.django_db


def test_unlinking_a_sponsor_viewer_is_for_staff(commune, other_commune, donation_objects):
    assert_view_access(
        url=reverse("donations:sponsor_contact_remove", args=[donation_objects["contact"]]),
        method="post",
        commune=commune,
        other_commune=other_commune,
        allowed={Role.COMMUNE_ADMIN, Role.OFFICER},
        ok_status=302,
    )
    assert not SponsorContact.objects.filter(pk=donation_objects["contact"]).exists()
