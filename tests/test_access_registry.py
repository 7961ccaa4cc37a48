"""Access tables of the registry actions that had none (found by test_url_coverage.py).

EDIT_REGISTRY and IMPORT_REGISTRY: the commune administrator and officers
(`digiward/core/permissions.py`); volunteers read and record milestones only.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from digiward.core.models import Job, Role
from digiward.core.testing import assert_view_access, client_in, user_with_role
from digiward.registry.models import Milestone, Resident, ResidentStatus

pytestmark = pytest.mark.django_db

EDITORS = {Role.COMMUNE_ADMIN, Role.OFFICER}


def test_checking_a_field_in_place_is_for_editors(commune, other_commune, registry_objects):
    assert_view_access(
        url=reverse("registry:resident_validate"),
        method="post",
        data={"_field": "full_name", "full_name": "Nguyễn Văn Đức"},
        commune=commune,
        other_commune=other_commune,
        allowed=EDITORS,
        scoped=False,  # no object in the URL
    )


def test_checking_a_field_never_reads_another_communes_resident(
    commune, other_commune, registry_objects
):
    """The resident id in the form is looked up in the active commune only."""
    elsewhere = user_with_role(Role.OFFICER, other_commune)
    response = client_in(elsewhere, other_commune).post(
        reverse("registry:resident_validate"),
        {"_field": "full_name", "full_name": "", "resident_id": registry_objects["resident"]},
    )
    assert response.status_code == 200
    assert "Nguyễn Văn Đức" not in response.content.decode()


def test_changing_a_residents_status_is_for_editors(commune, other_commune, registry_objects):
    assert_view_access(
        url=reverse("registry:resident_status", args=[registry_objects["resident"]]),
        method="post",
        data={"status": ResidentStatus.MOVED_AWAY},
        commune=commune,
        other_commune=other_commune,
        allowed=EDITORS,
        ok_status=302,
    )
    assert Resident.objects.get(pk=registry_objects["resident"]).status == ResidentStatus.MOVED_AWAY


def test_removing_a_milestone_is_for_editors(commune, other_commune, registry_objects):
    assert_view_access(
        url=reverse(
            "registry:milestone_remove",
            args=[registry_objects["resident"], registry_objects["milestone"]],
        ),
        method="post",
        data={"reason": "Ghi nhầm người"},
        commune=commune,
        other_commune=other_commune,
        allowed=EDITORS,
        ok_status=302,
    )
    assert not Milestone.objects.filter(pk=registry_objects["milestone"]).exists()


def test_confirming_an_import_is_for_editors(commune, other_commune, registry_objects):
    assert_view_access(
        url=reverse("registry:import_confirm", args=[registry_objects["preview"]]),
        method="post",
        data={"mode": "all"},
        commune=commune,
        other_commune=other_commune,
        # An officer confirms only the preview he made (the next test); another officer
        # holds the permission but not this preview, so it is a 404 for him.
        allowed={Role.COMMUNE_ADMIN},
        hidden_from={Role.OFFICER},
        ok_status=302,
    )
    assert Job.objects.filter(kind="registry.import", commune=commune).exists()


def test_an_officer_cannot_confirm_another_officers_preview(commune, registry_objects):
    someone_else = user_with_role(Role.OFFICER, commune)
    client = client_in(someone_else, commune)
    preview = registry_objects["preview"]
    assert client.get(reverse("core:job_detail", args=[preview])).status_code == 404
    response = client.post(reverse("registry:import_confirm", args=[preview]), {"mode": "all"})
    assert response.status_code == 404
    assert not Job.objects.filter(kind="registry.import", commune=commune).exists()
    assert preview not in {
        job.pk for job in client.get(reverse("registry:import")).context["recent"]
    }

    maker = Job.objects.get(pk=preview).created_by
    own = client_in(maker, commune)
    assert preview in {job.pk for job in own.get(reverse("registry:import")).context["recent"]}
    response = own.post(reverse("registry:import_confirm", args=[preview]), {"mode": "all"})
    assert response.status_code == 302
    assert Job.objects.filter(kind="registry.import", created_by=maker).exists()
