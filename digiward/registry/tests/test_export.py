"""Exporting the registry to Excel: the filters on screen, masked IDs, the audit log."""

from __future__ import annotations

from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse

from digiward.core.models import AuditAction, AuditEvent, Job, JobStatus, Role
from digiward.core.testing import assert_view_access, client_in
from digiward.registry.tests.factories import AreaFactory, HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_areas(commune):
    first = AreaFactory(commune=commune, name="Khu vực 1")
    second = AreaFactory(commune=commune, name="Khu vực 2")
    ResidentFactory(
        commune=commune,
        household=HouseholdFactory(commune=commune, area=first, code="KV1-01"),
        full_name="Lê Thị Một",
        citizen_id="092160001234",
        birth_year=1960,
        sex="female",
    )
    ResidentFactory(
        commune=commune,
        household=HouseholdFactory(commune=commune, area=second, code="KV2-01"),
        full_name="Võ Văn Hai",
        birth_year=1970,
    )
    return first, second


def cells_of(response) -> list[object]:
    workbook = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content)))
    return [value for row in workbook.active.iter_rows(values_only=True) for value in row]


def test_the_export_takes_the_filters_on_screen_masks_ids_and_is_audited(
    commune, officer, two_areas, django_capture_on_commit_callbacks
):
    first, _second = two_areas
    client = client_in(officer, commune)
    # The filter is applied through htmx: the export form comes back in the swapped
    # part of the page, so it carries the filter the officer sees.
    part = client.get(
        reverse("registry:journey"), {"area": first.pk}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f'name="area" value="{first.pk}"' in part

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry:export"), {"area": first.pk})
    job = Job.objects.get(kind="registry.export")
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED and job.result == {"rows": 1}

    cells = cells_of(client.get(reverse("core:job_download", args=[job.pk])))
    assert "Lê Thị Một" in cells and "Võ Văn Hai" not in cells
    assert "•••••••••234" in cells and "092160001234" not in cells
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT, commune=commune)
    assert exports.filter(object_type="registry.resident").exists(), "the export itself"
    assert exports.filter(note="download").exists(), "and each download of the file"


def test_without_filters_everyone_active_is_exported(
    commune, officer, two_areas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_in(officer, commune).post(reverse("registry:export"))
    assert Job.objects.get(kind="registry.export").result == {"rows": 2}


def test_only_staff_with_the_export_permission_can_export(commune, other_commune):
    assert_view_access(
        url=reverse("registry:export"),
        method="post",
        commune=commune,
        other_commune=other_commune,
        allowed={Role.COMMUNE_ADMIN, Role.OFFICER},
        ok_status=302,
        scoped=False,
    )
