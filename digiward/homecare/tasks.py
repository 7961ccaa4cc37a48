"""Background tasks of home support: planning a day's visits (django-tasks + core.jobs)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_tasks import task

from digiward.core.errors import DomainError
from digiward.core.jobs import JobFailure, running_job


@task()
def plan_day(job_id: str) -> None:
    # Imported here: the services import this module to queue the task.
    from digiward.homecare.services import dayplan_solve

    with running_job(job_id) as run:
        run.progress(0, total=2, message=_("Reading the day's requests and officers"), force=True)
        try:
            outcome = dayplan_solve(int(run.job.params["plan_id"]), acting_user=run.job.created_by)
        except DomainError as error:
            raise JobFailure(error.message) from None
        run.log(
            f"{outcome.assigned} visits planned ({outcome.new_visits} new), "
            f"{outcome.left_out} left out, solved in {outcome.solve_seconds:.2f} s"
        )
        run.progress(2, message=_("Plan ready"), force=True)
        run.result = {
            "plan_day": outcome.plan.day.isoformat(),
            "assigned": outcome.assigned,
            "left_out": outcome.left_out,
            "new_visits": outcome.new_visits,
            "solve_seconds": round(outcome.solve_seconds, 3),
        }
