"""A worker killed (SIGKILL) while it writes a day plan's routes leaves no visit and no
route behind, the job failed, and the job runs again to a whole plan (issue 17)."""

from __future__ import annotations

from datetime import time
from unittest import mock

import pytest

from digiward.core.jobs import job_run_again, jobs_mark_dead
from digiward.core.models import JobStatus
from digiward.core.tests.worker_kill import kill_at_first_write
from digiward.homecare import services
from digiward.homecare.models import (
    DayPlan,
    HomeSupportRequest,
    HomeVisit,
    OfficerRoute,
    RequestStatus,
)
from digiward.homecare.tests.factories import RequestFactory, WindowFactory


@pytest.mark.django_db(transaction=True)
def test_a_day_plan_killed_while_writing_routes_writes_nothing_and_reruns(
    commune, officer_access, officer_profile, admin_profile, plan_day
):
    waiting = [RequestFactory(commune=commune) for _ in range(4)]
    for request in waiting:
        WindowFactory(request=request, starts_at=time(8), ends_at=time(11))
    with mock.patch("digiward.core.jobs._enqueue"):
        job = services.dayplan_start(access=officer_access, day=plan_day)

    # The solve is done; the kill comes when the first visit is written.
    kill_at_first_write(job, r'^\s*INSERT INTO "homecare_homevisit"')
    assert not HomeVisit.objects.exists() and not OfficerRoute.objects.exists()
    assert set(HomeSupportRequest.objects.values_list("status", flat=True)) == {
        RequestStatus.ACCEPTED
    }
    assert DayPlan.objects.get(day=plan_day).planned_at is None
    assert jobs_mark_dead() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error

    job_run_again(access=officer_access, job=job)  # the test settings run the job at once
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    visits = HomeVisit.objects.filter(day=plan_day)
    assert sorted(visits.values_list("request_id", flat=True)) == sorted(r.pk for r in waiting)
    assert all(time(8) <= v.starts_at and v.ends_at <= time(11) for v in visits)
    assert DayPlan.objects.get(day=plan_day).planned_at is not None
