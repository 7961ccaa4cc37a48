"""Background jobs: status, progress, failure, and who may see them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_tasks import task

from digiward.core.jobs import JobFailure, job_start, running_job
from digiward.core.models import Job, JobStatus, Role
from digiward.core.permissions import Perm
from digiward.core.testing import assert_view_access, client_in, user_with_role

pytestmark = pytest.mark.django_db

seen_progress: list[tuple[int, int | None]] = []


@task()
def counting_job(job_id: str) -> None:
    with running_job(job_id) as run:
        run.progress(0, total=3, message="Đang đếm", force=True)
        for n in range(1, 4):
            run.progress(n, force=True)
            job = Job.objects.get(pk=job_id)  # what a polling page would read
            seen_progress.append((job.progress_done, job.progress_total))
        run.log("ba dòng")
        run.result = {"counted": 3}


@task()
def refusing_job(job_id: str) -> None:
    with running_job(job_id):
        raise JobFailure("Tệp không có dòng tiêu đề.")


@task()
def crashing_job(job_id: str) -> None:
    with running_job(job_id):
        raise KeyError("boom")


def test_a_job_runs_after_commit_and_reports_progress(
    commune, officer, django_capture_on_commit_callbacks
):
    seen_progress.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = job_start(
            acting_user=officer,
            commune=commune,
            kind="core.count",
            title="Đếm",
            task=counting_job,
            perm=Perm.VIEW_JOBS,
        )
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED  # nothing ran before the commit
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert seen_progress == [(1, 3), (2, 3), (3, 3)]
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"counted": 3}
    assert "ba dòng" in job.log
    assert job.percent == 100 and job.task_id
    assert job.started_at <= job.finished_at


def test_an_expected_failure_shows_its_message(
    commune, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            acting_user=officer,
            commune=commune,
            kind="core.refuse",
            title="X",
            task=refusing_job,
            perm=Perm.VIEW_JOBS,
        )
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "Tệp không có dòng tiêu đề."


def test_an_unexpected_failure_is_recorded_and_not_hidden(
    commune, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            acting_user=officer,
            commune=commune,
            kind="core.crash",
            title="X",
            task=crashing_job,
            perm=Perm.VIEW_JOBS,
        )
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error  # a generic message for the user; the traceback went to the server log
    assert "KeyError" in job.log


def test_a_job_never_runs_twice(commune, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            acting_user=officer,
            commune=commune,
            kind="core.count",
            title="Đếm",
            task=counting_job,
            perm=Perm.VIEW_JOBS,
        )
    with pytest.raises(JobFailure), running_job(str(job.pk)):
        pass


def test_job_page_polls_until_finished(commune, officer):
    job = Job.objects.create(
        commune=commune,
        kind="core.count",
        title="Đếm",
        created_by=officer,
        perm="view_jobs",
        status=JobStatus.RUNNING,
        progress_done=1,
        progress_total=4,
    )
    client = client_in(officer, commune)
    partial = client.get(reverse("core:job_detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert 'hx-trigger="every 1s"' in body and 'value="25"' in body
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED)
    assert (
        "hx-trigger"
        not in client.get(
            reverse("core:job_detail", args=[job.pk]), HTTP_HX_REQUEST="true"
        ).content.decode()
    )


def test_job_page_access(commune, other_commune):
    creator = user_with_role(Role.OFFICER, commune)
    job = Job.objects.create(
        commune=commune, kind="core.count", title="Đếm", created_by=creator, perm="view_jobs"
    )
    url = reverse("core:job_detail", args=[job.pk])
    assert client_in(creator, commune).get(url).status_code == 200
    # Another officer of the same commune does not see someone else's job (it may hold personal data).
    assert client_in(user_with_role(Role.OFFICER, commune), commune).get(url).status_code == 404
    assert_view_access(
        url=url,
        commune=commune,
        other_commune=other_commune,
        allowed={Role.COMMUNE_ADMIN},
        hidden_from={Role.OFFICER, Role.VOLUNTEER},
    )
