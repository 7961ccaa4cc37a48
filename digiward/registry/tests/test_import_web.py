"""Importing from the web: upload, a checking job with a preview, then the import job."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from digiward.core.models import Job, JobStatus
from digiward.core.testing import client_in
from digiward.registry.models import Resident
from digiward.registry.tests.test_import import GOOD, write_xlsx

pytestmark = pytest.mark.django_db


def upload(client, path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registry:import"), {"file": SimpleUploadedFile(path.name, path.read_bytes())}
        )
    assert response.status_code == 302
    return Job.objects.get(kind="registry.import_preview")


def test_preview_then_import(tmp_path, commune, officer, django_capture_on_commit_callbacks):
    client = client_in(officer, commune)
    preview = upload(
        client, write_xlsx(tmp_path / "ds.xlsx", GOOD), django_capture_on_commit_callbacks
    )
    assert preview.status == JobStatus.SUCCEEDED
    assert preview.result["residents_created"] == 4 and preview.result["written"] is False
    assert Resident.objects.count() == 0
    page = client.get(reverse("core:job_detail", args=[preview.pk])).content.decode()
    assert "Các cột tìm thấy" in page and "Số CCCD" in page and "Nhập vào sổ" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registry:import_confirm", args=[preview.pk]), {"mode": "all"}
        )
    job = Job.objects.get(kind="registry.import")
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED and job.result["written"] is True
    assert Resident.objects.count() == 4


def test_preview_with_errors_offers_skip_and_a_report(
    tmp_path, commune, officer, django_capture_on_commit_callbacks
):
    client = client_in(officer, commune)
    rows = [*GOOD, [5, "NK3", "Hồ Văn Sai", "2030", "Nam", "", "Chủ hộ", "", "", ""]]
    preview = upload(
        client, write_xlsx(tmp_path / "bad.xlsx", rows), django_capture_on_commit_callbacks
    )
    assert preview.result["rejected_total"] == 1
    page = client.get(reverse("core:job_detail", args=[preview.pk])).content.decode()
    assert "bỏ qua 1 dòng lỗi" in page and "Năm sinh ở tương lai" in page
    report = client.get(reverse("core:job_download", args=[preview.pk]))
    assert report.status_code == 200 and report["Content-Disposition"].startswith("attachment")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registry:import_confirm", args=[preview.pk]), {"mode": "skip_invalid"})
    assert Resident.objects.count() == 4


def test_a_bad_upload_is_refused_with_a_message(commune, officer):
    response = client_in(officer, commune).post(
        reverse("registry:import"), {"file": SimpleUploadedFile("ds.pdf", b"%PDF")}
    )
    assert response.status_code == 200
    assert "Chỉ nhập được tệp Excel" in response.content.decode()


def test_a_file_without_header_fails_the_job_clearly(
    tmp_path, commune, officer, django_capture_on_commit_callbacks
):
    path = tmp_path / "empty.csv"
    path.write_text("a,b\n1,2\n")
    preview = upload(client_in(officer, commune), path, django_capture_on_commit_callbacks)
    assert preview.status == JobStatus.FAILED
    assert "Họ và tên" in preview.error


def test_another_communes_preview_cannot_be_confirmed(
    tmp_path, commune, other_commune, officer, other_officer, django_capture_on_commit_callbacks
):
    preview = upload(
        client_in(officer, commune),
        write_xlsx(tmp_path / "ds.xlsx", GOOD),
        django_capture_on_commit_callbacks,
    )
    response = client_in(other_officer, other_commune).post(
        reverse("registry:import_confirm", args=[preview.pk]), {"mode": "all"}
    )
    assert response.status_code == 404
