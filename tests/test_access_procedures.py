"""Access tables of the catalog pages that had none (found by test_url_coverage.py).

MANAGE_PROCEDURES belongs to the commune administrator only; VIEW_HOME to every role
(`digiward/core/permissions.py`). The world's procedure is the commune's own, so another
commune must not find it, its guide or its picture.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from digiward.core.models import Role
from digiward.core.testing import assert_view_access

pytestmark = pytest.mark.django_db

ADMIN = {Role.COMMUNE_ADMIN}
EVERYONE = set(Role)


def test_editing_a_communes_procedure_is_for_its_administrator(
    commune, other_commune, procedure_objects
):
    assert_view_access(
        url=reverse("procedures:procedure_edit", args=[procedure_objects["procedure"]]),
        commune=commune,
        other_commune=other_commune,
        allowed=ADMIN,
    )


def test_putting_a_picture_on_a_guide_is_for_the_administrator(
    commune, other_commune, procedure_objects
):
    assert_view_access(
        url=reverse("procedures:guide_picture", args=[procedure_objects["guide"]]),
        method="post",
        data={"step": "1", "remove": "on", "alt": ""},
        commune=commune,
        other_commune=other_commune,
        allowed=ADMIN,
        ok_status={200, 302},
    )


def test_a_step_picture_is_for_every_role_of_the_commune(commune, other_commune, procedure_objects):
    assert_view_access(
        url=reverse("procedures:picture_file", args=[procedure_objects["picture"]]),
        commune=commune,
        other_commune=other_commune,
        allowed=EVERYONE,
    )


def test_a_guides_versions_are_for_every_role_of_the_commune(
    commune, other_commune, procedure_objects
):
    assert_view_access(
        url=reverse("procedures:guide_versions", args=[procedure_objects["guide"]]),
        commune=commune,
        other_commune=other_commune,
        allowed=EVERYONE,
    )
