"""Background tasks of the registry: checking and running imports, exporting lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from digiward.core.jobs import JobFailure, JobRun, running_job
from digiward.registry.exports import write_registry_export
from digiward.registry.imports.reader import UnreadableFile
from digiward.registry.imports.runner import ImportReport, error_report_xlsx, import_file

MAX_SHOWN_PROBLEMS = 200


def _run(run: JobRun, *, dry_run: bool) -> ImportReport:
    job = run.job
    path = Path(default_storage.path(job.params["path"]))
    if not path.exists():
        raise JobFailure(_("The uploaded file is no longer on the server; upload it again."))

    def progress(done: int, total: int, message: str) -> None:
        run.progress(done, total=total, message=message, force=True)
        run.log(message)

    try:
        report = import_file(
            path,
            commune=job.commune,
            acting_user=job.created_by,
            dry_run=dry_run,
            skip_invalid=bool(job.params.get("skip_invalid")),
            original_name=job.params.get("name"),
            progress=progress,
        )
    except UnreadableFile as error:
        raise JobFailure(str(error)) from None
    if report.rejected or report.warnings:
        stem = Path(job.params.get("name", "danh-sach")).stem
        run.attach_file(
            f"loi-nhap-{stem}-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
            error_report_xlsx(report, filename=job.params.get("name", "")),
        )
    data: dict[str, Any] = report.as_json()
    data["rejected_total"] = len(report.rejected)
    data["warnings_total"] = len(report.warnings)
    data["rejected"] = data["rejected"][:MAX_SHOWN_PROBLEMS]
    data["warnings"] = data["warnings"][:MAX_SHOWN_PROBLEMS]
    run.result = data
    return report


@task()
def preview_import(job_id: str) -> None:
    with running_job(job_id) as run:
        _run(run, dry_run=True)


@task()
def import_residents(job_id: str) -> None:
    with running_job(job_id) as run:
        report = _run(run, dry_run=False)
        if not report.written:
            run.log(_("Nothing was written: some rows were rejected."))


@task()
def export_registry(job_id: str) -> None:
    with running_job(job_id) as run:
        write_registry_export(run)
