"""A worker killed (SIGKILL) while it saves a roster leaves the previous draft whole, the
job failed, and the job runs again to the same roster (issue 17, faults)."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest

from digiward.core.jobs import job_run_again, jobs_mark_dead
from digiward.core.models import JobStatus
from digiward.core.tests.worker_kill import kill_at_first_write
from digiward.guidance import services
from digiward.guidance.models import DutyShift, Experience, Roster, ShiftAssignment
from digiward.guidance.tests.conftest import access_of
from digiward.guidance.tests.factories import SlotTemplateFactory, TeamMemberFactory

MONTH = date(2030, 6, 1)


def seats(roster: Roster) -> list[tuple[date, str, int]]:
    return sorted(
        ShiftAssignment.objects.filter(shift__roster=roster).values_list(
            "shift__date", "shift__kind", "member_id"
        )
    )


@pytest.mark.django_db(transaction=True)
def test_a_roster_solve_killed_while_saving_keeps_the_old_draft_and_reruns_the_same(
    commune, officer
):
    for experience in (Experience.EXPERIENCED, Experience.EXPERIENCED, Experience.NEW):
        TeamMemberFactory(commune=commune, experience=experience, max_shifts_per_week=6)
    SlotTemplateFactory(commune=commune, kind="morning", required=2)
    access = access_of(officer, commune)
    # A first draft, solved the ordinary way (the test settings run jobs at once).
    roster = services.roster_generate(access=access, month=MONTH, time_limit=10.0)
    roster.refresh_from_db()
    first = seats(roster)
    assert first and roster.job.status == JobStatus.SUCCEEDED
    shifts_before = DutyShift.objects.filter(roster=roster).count()

    # Generate again, but queued only: a worker process picks it up and is killed after
    # it deleted the old shifts and wrote the new ones, before its first seat is saved.
    with mock.patch("digiward.core.jobs._enqueue"):
        roster = services.roster_generate(access=access, month=MONTH, time_limit=10.0)
    job = roster.job
    statement = kill_at_first_write(job, r'^\s*INSERT INTO "guidance_shiftassignment"')
    assert "guidance_shiftassignment" in statement

    assert seats(roster) == first, "the old draft must be untouched"
    assert DutyShift.objects.filter(roster=roster).count() == shifts_before
    assert jobs_mark_dead() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error

    job_run_again(access=access, job=job)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert seats(roster) == first
