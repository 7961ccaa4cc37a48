"""A worker killed (SIGKILL) in the middle of an import or an export leaves nothing half
written; the job shows as failed and runs again to the same result (issue 17, faults)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from digiward.core.access import Access
from digiward.core.jobs import job_run_again, jobs_mark_dead
from digiward.core.models import AuditAction, AuditEvent, Job, JobStatus, Role
from digiward.core.tests.worker_kill import kill_at_first_write
from digiward.registry import jobs
from digiward.registry.models import Household, Resident
from digiward.registry.tests.factories import ResidentFactory
from digiward.registry.tests.test_import import GOOD, write_xlsx


@pytest.fixture
def access(officer, commune) -> Access:
    return Access(user=officer, commune=commune, roles=frozenset({Role.OFFICER}))


def run_failed_job_again(access: Access, job: Job) -> Job:
    assert jobs_mark_dead() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error
    job_run_again(access=access, job=job)  # the test settings run the job at once
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_after_its_first_resident_writes_nothing_and_reruns(tmp_path, access):
    path = write_xlsx(tmp_path / "ds.xlsx", GOOD)
    preview = jobs.import_preview_start(
        access=access, upload=SimpleUploadedFile(path.name, path.read_bytes())
    )
    preview.refresh_from_db()
    assert preview.status == JobStatus.SUCCEEDED, preview.error
    with mock.patch("digiward.core.jobs._enqueue"):
        job = jobs.import_start(access=access, preview=preview, skip_invalid=False)

    # Households are written first: the kill comes once they and one resident are in.
    kill_at_first_write(job, r'^\s*INSERT INTO "registry_resident"')
    assert Household.objects.count() == 0 and Resident.objects.count() == 0

    job = run_failed_job_again(access, job)
    assert job.result["written"] is True
    assert Resident.objects.count() == 4 and job.result["residents_created"] == 4
    assert Household.objects.count() == len({row[1] for row in GOOD if row[1]})


@pytest.mark.django_db(transaction=True)
def test_an_export_killed_while_writing_its_file_leaves_no_file_and_reruns(access, commune):
    ResidentFactory.create_batch(5, commune=commune)
    with mock.patch("digiward.core.jobs._enqueue"):
        job = jobs.export_start(access=access, filters={})

    # Killed while it reads the residents into the workbook: no file, no export recorded.
    kill_at_first_write(job, r'^\s*SELECT .*FROM "registry_resident"')
    job.refresh_from_db()
    assert not job.result_file and not job.result_filename
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()

    job = run_failed_job_again(access, job)
    assert job.result_file and job.result_filename.endswith(".xlsx")
    assert job.result == {"rows": 5}
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1
