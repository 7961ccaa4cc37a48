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
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks.base import Task

from digiward.core.models import Commune, Job, JobStatus, User
from digiward.core.request_context import Origin, acting_as

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL_SECONDS = 0.5


class JobFailure(Exception):
    """An expected failure with a message the user can act on (shown as is)."""


def job_start(
    *,
    acting_user: User | None,
    commune: Commune,
    kind: str,
    title: str,
    task: Task[[str], Any],
    params: dict[str, Any] | None = None,
) -> Job:
    """Create the job row and queue its task once the surrounding transaction commits."""
    job = Job.objects.create(
        commune=commune,
        kind=kind,
        title=title,
        params=params or {},
        created_by=acting_user,
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


@contextmanager
def running_job(job_id: str) -> Iterator[JobRun]:
    """Mark the job running, hand out a JobRun, then record success or failure.

    A JobFailure's message is shown to the user as is; any other exception is
    logged with its traceback and the user sees a generic message.
    """
    job = Job.objects.select_related("commune", "created_by").get(pk=job_id)
    if job.status != JobStatus.QUEUED:
        logger.warning("job %s is %s, not queued: not running it twice", job.pk, job.status)
        raise JobFailure(_("This job has already run."))
    job.status, job.started_at = JobStatus.RUNNING, timezone.now()
    Job.objects.filter(pk=job.pk).update(status=job.status, started_at=job.started_at)
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
