"""A job whose worker died shows as failed and can be run again (security test finding 2);
a job's files stay with those who still hold the permission it needed (finding 9)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from digiward.core.jobs import jobs_mark_dead, running_job
from digiward.core.models import Job, JobStatus, Membership, Role
from digiward.core.testing import client_in
from digiward.core.tests.worker_kill import child_database_url

ROOT = Path(__file__).resolve().parents[3]

CHILD = """
import os, sys, time
import django
django.setup()
from digiward.core.jobs import running_job
with running_job(sys.argv[1]) as run:
    run.progress(1, total=2, message="working", force=True)
    time.sleep(120)
"""


@task()
def finishing_job(job_id: str) -> None:
    with running_job(job_id) as run:
        run.result = {"done": True}


def _job(commune, user, **fields):
    return Job.objects.create(
        commune=commune,
        kind="core.test",
        title="Thử",
        created_by=user,
        perm="view_jobs",
        task_path=f"{__name__}.finishing_job",
        **fields,
    )


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_job_leaves_a_failed_job_that_runs_again(commune, officer):
    job = _job(commune, officer)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DIGIWARD_ENV": "test",
        "DATABASE_URL": child_database_url(),
    }
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(job.pk)], cwd=ROOT, env=env)
    try:
        for _ in range(200):
            job.refresh_from_db()
            if job.status == JobStatus.RUNNING and job.progress_done == 1:
                break
            time.sleep(0.1)
        assert job.status == JobStatus.RUNNING, "the child never started the job"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    client = client_in(officer, commune)
    page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error
    assert reverse("core:job_rerun", args=[job.pk]) in page
    client.post(reverse("core:job_rerun", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result == {"done": True}
    assert job.attempts == 2


@pytest.mark.django_db
def test_a_job_whose_lease_expired_is_failed(commune, officer):
    old = timezone.now() - timedelta(seconds=settings.DIGIWARD_JOB_LEASE_SECONDS + 5)
    stale = _job(
        commune,
        officer,
        status=JobStatus.RUNNING,
        started_at=old,
        heartbeat_at=old,
        worker="another-server:4242",
    )
    fresh = _job(
        commune,
        officer,
        status=JobStatus.RUNNING,
        started_at=old,
        heartbeat_at=timezone.now(),
        worker="another-server:4243",
    )
    assert jobs_mark_dead() == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == JobStatus.FAILED and fresh.status == JobStatus.RUNNING


@pytest.mark.django_db(transaction=True)
def test_a_running_job_renews_its_lease(commune, officer, settings):
    settings.DIGIWARD_JOB_HEARTBEAT_SECONDS = 0.1
    job = _job(commune, officer)
    with running_job(str(job.pk)):
        first = Job.objects.get(pk=job.pk).heartbeat_at
        time.sleep(0.5)
        assert Job.objects.get(pk=job.pk).heartbeat_at > first
        assert jobs_mark_dead() == 0  # this process is alive


@pytest.mark.django_db
def test_only_a_failed_job_runs_again_and_only_for_who_may(commune, officer, volunteer):
    done = _job(commune, officer, status=JobStatus.SUCCEEDED)
    client_in(officer, commune).post(reverse("core:job_rerun", args=[done.pk]))
    done.refresh_from_db()
    assert done.attempts == 0
    failed = _job(commune, officer, status=JobStatus.FAILED)
    assert (
        client_in(volunteer, commune).post(reverse("core:job_rerun", args=[failed.pk])).status_code
        == 404
    )


@pytest.mark.django_db
def test_a_demoted_officer_no_longer_downloads_his_export(
    commune, officer, django_capture_on_commit_callbacks
):
    client = client_in(officer, commune)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registry:export"), {})
    job = Job.objects.get(kind="registry.export")
    download = reverse("core:job_download", args=[job.pk])
    assert client.get(download).status_code == 200
    Membership.objects.filter(user=officer).update(role=Role.VOLUNTEER)
    assert client.get(download).status_code == 404
    assert str(job.pk) not in client.get(reverse("core:job_list")).content.decode()
