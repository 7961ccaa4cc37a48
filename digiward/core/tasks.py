"""Background tasks of the core app (run by `digiward db_worker`)."""

from __future__ import annotations

from django_tasks import task

from digiward.core.exports import write_audit_export
from digiward.core.jobs import running_job
from digiward.core.outbox import outbox_deliver


@task()
def deliver_outbox_message(message_id: int) -> str | None:
    status = outbox_deliver(message_id)
    return str(status) if status else None


@task()
def export_audit_log(job_id: str) -> None:
    with running_job(job_id) as run:
        write_audit_export(run)
