"""Background tasks of the guidance team (run by `digiward db_worker`)."""

from __future__ import annotations

from django_tasks import task

from digiward.core.jobs import running_job


@task()
def solve_roster_task(job_id: str) -> None:
    """Solve one month's roster with CP-SAT and store it as the draft."""
    # Imported here: the services import this module to queue the task.
    from digiward.guidance.services import roster_solve

    with running_job(job_id) as run:
        roster_solve(run)
