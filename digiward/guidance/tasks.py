"""Background tasks of the guidance team (run by `digiward db_worker`)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from digiward.core.jobs import running_job
from digiward.guidance import services


@task()
def solve_roster_task(job_id: str) -> None:
    """Solve one month's roster with CP-SAT and store it as the draft."""
    with running_job(job_id) as run:
        services.roster_solve(run)


@task()
def send_shift_reminders_task() -> int:
    """Queue tomorrow's reminders (idempotent; the worker or cron may run it daily)."""
    return services.shift_reminders_queue(today=timezone.localdate())
