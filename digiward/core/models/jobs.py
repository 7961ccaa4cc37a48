"""Long work (imports, rankings, solver runs, exports) as rows the user can watch."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from digiward.core.models.tenancy import CommuneOwned


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", pgettext_lazy("background job", "Failed")

    @classmethod
    def finished(cls) -> tuple[str, ...]:
        return (cls.SUCCEEDED, cls.FAILED)


class Job(CommuneOwned):
    """A background job: status, progress, a log, a result and an optional file.

    The work itself runs in the django-tasks worker (`digiward db_worker`); the job
    row is what people see. It is written outside the work's own transaction, so
    progress is visible while the work goes on.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(null=True, blank=True)
    message = models.CharField(_("current step"), max_length=300, blank=True)
    log = models.TextField(_("log"), blank=True)
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    result_file = models.FileField(upload_to="jobs/%Y/%m/", blank=True)
    result_filename = models.CharField(max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # What a run needs to be run again, and who may see it: the task's import path and
    # the permission its starter needed (checked again on every view and download).
    task_path = models.CharField(max_length=200, blank=True)
    perm = models.CharField(max_length=40, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The lease of the worker running it: a process that dies (out of memory, killed,
    # the server restarted) stops beating, and the job is then shown as failed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=100, blank=True)  # "host:pid"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [models.Index(fields=["commune", "-created_at"], name="job_commune_created")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status in JobStatus.finished()

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return 100 if self.status == JobStatus.SUCCEEDED else None
        return min(100, round(100 * self.progress_done / self.progress_total))
