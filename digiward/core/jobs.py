"""Running long work as a Job row: start it, report progress, finish or fail.

    job = job_start(acting_user=user, commune=c, kind="registry.import",
                    title="Nhập danh sách", task=import_residents_task, params={...})

    @task()
    def import_residents_task(job_id: str) -> None:
        with running_job(job_id) as run:
            run.progress(0, total=n, message="Đang kiểm tra")
            ...
            run.result = {...}

Progress is written with single UPDATE statements in autocommit mode, so a page
polling the job sees it while the work continues. Work that must be
all-or-nothing does its checking first (reporting progress) and its writing in
one short transaction at the end.

A worker can die in the middle (killed, out of memory, the server restarted). A
running job therefore holds a lease: a heartbeat thread renews it, and a job whose
worker process is gone (same host) or whose lease expired is shown as failed and
can be run again by someone who holds the permission it was started with. Because
the writing happens in one transaction at the end, a dead run leaves nothing half
written, and running it again is safe.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, connections, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks.base import Task

from digiward.core.access import Access
from digiward.core.audit import audit_record
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction, Commune, Job, JobStatus, User
from digiward.core.permissions import Perm
from digiward.core.request_context import Origin, acting_as
from digiward.core.text import is_plain_digits

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL_SECONDS = 0.5


class JobFailure(Exception):
    """An expected failure with a message the user can act on (shown as is)."""


def jobs_visible_to(access: Access) -> QuerySet[Job]:
    """A job may hold personal data: its creator and the commune administrators see it,
    and only while they still hold the permission it was started with (an officer moved
    to another role no longer downloads the lists he exported)."""
    jobs: QuerySet[Job] = Job.objects.for_access(access)
    if not access.has(Perm.MANAGE_MEMBERS):
        jobs = jobs.filter(created_by=access.user)
    # Jobs from before permissions were recorded (perm "") stay with the administrators.
    held = [perm.value for perm in access.perms]
    if access.has(Perm.MANAGE_MEMBERS):
        return jobs.filter(Q(perm__in=held) | Q(perm=""))
    return jobs.filter(perm__in=held)


def job_start(
    *,
    acting_user: User | None,
    commune: Commune,
    kind: str,
    title: str,
    task: Task[[str], Any],
    perm: Perm,
    params: dict[str, Any] | None = None,
) -> Job:
    """Create the job row and queue its task once the surrounding transaction commits.

    `perm` is what starting it required: seeing the job, downloading its file and
    running it again require it too, so someone who lost the role loses the files."""
    job = Job.objects.create(
        commune=commune,
        kind=kind,
        title=title,
        params=params or {},
        created_by=acting_user,
        task_path=task.module_path,
        perm=perm.value,
    )
    transaction.on_commit(lambda: _enqueue(job.pk, task))
    return job


def _enqueue(job_id: Any, task: Task[[str], Any]) -> None:
    result = task.enqueue(str(job_id))
    Job.objects.filter(pk=job_id).update(task_id=str(result.id))


class JobRun:
    """Handle given to the work: progress, log lines, result and result file."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.result: dict[str, Any] = {}
        self._log_lines: list[str] = []
        self._last_flush = 0.0

    def log(self, line: str) -> None:
        stamp = timezone.localtime().strftime("%H:%M:%S")
        self._log_lines.append(f"[{stamp}] {line}")
        self._flush(force=False)

    def progress(
        self,
        done: int,
        *,
        total: int | None = None,
        message: str | None = None,
        force: bool = False,
    ) -> None:
        self.job.progress_done = done
        if total is not None:
            self.job.progress_total = total
        if message is not None:
            self.job.message = message[:300]
        self._flush(force=force)

    def attach_file(self, filename: str, content: bytes) -> None:
        self.job.result_file.save(filename, ContentFile(content), save=False)
        self.job.result_filename = filename
        Job.objects.filter(pk=self.job.pk).update(
            result_file=self.job.result_file.name, result_filename=filename
        )

    def _flush(self, *, force: bool) -> None:
        now = time.monotonic()
        if not force and now - self._last_flush < PROGRESS_INTERVAL_SECONDS:
            return
        self._last_flush = now
        if self._log_lines:
            self.job.log += "\n".join(self._log_lines) + "\n"
            self._log_lines.clear()
        Job.objects.filter(pk=self.job.pk).update(
            progress_done=self.job.progress_done,
            progress_total=self.job.progress_total,
            message=self.job.message,
            log=self.job.log,
        )


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


class _Heartbeat(threading.Thread):
    """Renews a running job's lease until stopped (own database connection)."""

    def __init__(self, job_id: Any, interval: float) -> None:
        super().__init__(name=f"job-heartbeat-{job_id}", daemon=True)
        self.job_id = job_id
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                try:
                    Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:  # the database is busy: the next beat will do
                    logger.warning("job %s: heartbeat not written", self.job_id)
        finally:
            connections.close_all()  # this thread's own connections


@contextmanager
def running_job(job_id: str) -> Iterator[JobRun]:
    """Mark the job running, hand out a JobRun, then record success or failure.

    A JobFailure's message is shown to the user as is; any other exception is
    logged with its traceback and the user sees a generic message.
    """
    job = Job.objects.select_related("commune", "created_by").get(pk=job_id)
    now = timezone.now()
    worker = _worker_name()
    claimed = Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        worker=worker,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        logger.warning("job %s is %s, not queued: not running it twice", job.pk, job.status)
        raise JobFailure(_("This job has already run."))
    job.status, job.started_at, job.heartbeat_at, job.worker = (
        JobStatus.RUNNING,
        now,
        now,
        worker,
    )
    heartbeat = _Heartbeat(job.pk, settings.DIGIWARD_JOB_HEARTBEAT_SECONDS)
    heartbeat.start()
    run = JobRun(job)
    origin = Origin(source="task", user=job.created_by, path=f"job:{job.kind}:{job.pk}")
    try:
        with acting_as(origin):
            yield run
    except JobFailure as failure:
        _finish(run, JobStatus.FAILED, error=str(failure))
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        run.log(traceback.format_exc(limit=3).splitlines()[-1])
        _finish(run, JobStatus.FAILED, error=_("An unexpected error stopped this job."))
        raise
    else:
        _finish(run, JobStatus.SUCCEEDED)
    finally:
        heartbeat.stopped.set()
        heartbeat.join(timeout=2)


def job_lease() -> timedelta:
    """How long a running job may go without a heartbeat before it is called dead."""
    return timedelta(seconds=settings.DIGIWARD_JOB_LEASE_SECONDS)


def _process_gone(worker: str) -> bool:
    """True if `worker` ("host:pid") ran on this host and that process no longer exists."""
    host, _sep, pid = worker.rpartition(":")
    if host != socket.gethostname() or not is_plain_digits(pid):
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # exists, owned by another user
        return False
    return False


def jobs_mark_dead(jobs: QuerySet[Job] | None = None) -> int:
    """Fail running jobs whose worker died: its process is gone, or its lease expired.

    Called where jobs are looked at (job pages, status polls), so a dead job shows as
    failed within one lease however the worker died. Returns how many were marked."""
    running = (jobs if jobs is not None else Job.objects.all()).filter(status=JobStatus.RUNNING)
    expired = timezone.now() - job_lease()
    dead = [
        job.pk
        for job in running.only("pk", "worker", "heartbeat_at", "started_at")
        if _process_gone(job.worker)
        or (job.heartbeat_at or job.started_at or timezone.now()) < expired
    ]
    if not dead:
        return 0
    return Job.objects.filter(pk__in=dead, status=JobStatus.RUNNING).update(
        status=JobStatus.FAILED,
        finished_at=timezone.now(),
        error=_(
            "The worker running this job stopped before it finished (the server restarted "
            "or ran out of memory). Nothing was half written: run it again."
        ),
    )


def job_run_again(*, access: Access, job: Job) -> Job:
    """Queue a failed job again, with the same parameters, as the same row (so pages
    that point at it, such as a roster's or a day plan's, follow the new run)."""
    if not job.perm or not access.has(Perm(job.perm)):
        raise DomainError(_("You may not run this job."))
    if not job.task_path:
        raise DomainError(_("This job cannot be run again; start it from its page."))
    task: Task[[str], Any] = import_string(job.task_path)
    with transaction.atomic():
        stamp = timezone.localtime().strftime("%H:%M:%S")
        again = Job.objects.filter(pk=job.pk, status=JobStatus.FAILED).update(
            status=JobStatus.QUEUED,
            started_at=None,
            finished_at=None,
            heartbeat_at=None,
            worker="",
            error="",
            message="",
            progress_done=0,
            log=job.log + f"[{stamp}] {_('Run again by %(name)s') % {'name': access.user}}\n",
        )
        if not again:
            raise DomainError(_("Only a failed job can be run again."))
        audit_record(
            action=AuditAction.CHANGE,
            commune=job.commune,
            obj=job,
            object_repr=job.title,
            note="run again",
        )
        transaction.on_commit(lambda: _enqueue(job.pk, task))
    job.refresh_from_db()
    return job


def _finish(run: JobRun, status: JobStatus, *, error: str = "") -> None:
    job = run.job
    if status == JobStatus.SUCCEEDED and job.progress_total:
        job.progress_done = job.progress_total
    run._flush(force=True)
    Job.objects.filter(pk=job.pk).update(
        status=status,
        error=error,
        result=run.result,
        progress_done=job.progress_done,
        finished_at=timezone.now(),
    )
