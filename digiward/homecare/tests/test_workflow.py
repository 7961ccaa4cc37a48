"""The request workflow: every allowed move through its service, every other move refused."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.errors import DomainError
from digiward.core.models import AuditEvent, OutboxMessage
from digiward.core.workflow import WrongTransition
from digiward.homecare import services
from digiward.homecare.models import (
    HomeSupportRequest,
    HomeVisit,
    RequestStatus,
    VisitOutcome,
    VisitStatus,
)
from digiward.homecare.tests.factories import RequestFactory
from digiward.homecare.workflow import ALLOWED, REQUEST

pytestmark = pytest.mark.django_db

S = RequestStatus
EVERY_MOVE = list(itertools.product(S.values, S.values))


def test_the_table_covers_every_status_and_final_ones_go_nowhere():
    assert set(ALLOWED) == set(S.values)
    assert {S.COMPLETED, S.REJECTED, S.CANCELLED} == REQUEST.final
    assert all(target in S.values for targets in ALLOWED.values() for target in targets)


@pytest.mark.parametrize(("current", "target"), EVERY_MOVE)
def test_the_guard_refuses_every_move_the_table_does_not_list(current, target):
    allowed = target in ALLOWED[current]
    assert REQUEST.can(current, target) is allowed
    if allowed:
        REQUEST.guard(current, target)  # no error
        return
    with pytest.raises(WrongTransition) as refused:
        REQUEST.guard(current, target)
    labels = {"current": str(S(current).label), "target": str(S(target).label)}
    if current in REQUEST.final:
        sentence = _("This request is already “%(current)s”: nothing more can change.")
    elif current == target:
        sentence = _("This request is already “%(current)s”.")
    else:
        sentence = _("A request that is “%(current)s” cannot become “%(target)s”.")
    assert refused.value.message == sentence % labels  # in the officer's words


@pytest.fixture
def received(commune):
    return RequestFactory(commune=commune, status=S.RECEIVED)


def _book(access, request, officer, day):
    return services.visit_book(access=access, request=request, officer=officer, day=day)


def _record(access, visit, outcome, **extra):
    now = timezone.now()
    return services.visit_record(
        access=access,
        visit=visit,
        record=services.VisitRecord(
            outcome=outcome,
            arrived_at=now,
            left_at=now,
            person_confirmed=outcome != VisitOutcome.NOBODY_HOME,
            confirmed_by_name="Bà Năm" if outcome != VisitOutcome.NOBODY_HOME else "",
            **extra,
        ),
    )


def test_received_to_accepted_needs_an_eligible_person(received, officer_access):
    received.eligibility_override = None
    received.eligibility_override_reason = ""
    received.save()
    with pytest.raises(DomainError) as refused:
        services.request_accept(access=officer_access, request=received)
    assert refused.value.field == "confirm_reason"  # the reason typed beside "Accept"
    assert HomeSupportRequest.objects.get(pk=received.pk).status == S.RECEIVED
    services.request_override_eligibility(
        access=officer_access,
        request=received,
        eligible=True,
        reason="Con gái gọi, cụ liệt nửa người",
    )
    accepted = services.request_accept(access=officer_access, request=received)
    assert accepted.status == S.ACCEPTED and accepted.accepted_by == officer_access.user
    assert AuditEvent.objects.filter(
        object_id=str(received.pk), changes__status=[S.RECEIVED, S.ACCEPTED]
    ).exists()


@pytest.mark.parametrize("start", [S.RECEIVED, S.ACCEPTED])
def test_rejected_from_received_or_accepted_with_a_reason(commune, officer_access, start):
    request = RequestFactory(commune=commune, status=start)
    with pytest.raises(DomainError):
        services.request_reject(access=officer_access, request=request, reason="  ")
    rejected = services.request_reject(
        access=officer_access, request=request, reason="Cụ đi lại được"
    )
    assert (rejected.status, rejected.decision_reason) == (S.REJECTED, "Cụ đi lại được")
    with pytest.raises(WrongTransition):
        services.request_accept(access=officer_access, request=rejected)


@pytest.mark.parametrize("start", [S.RECEIVED, S.ACCEPTED, S.NEEDS_SECOND_VISIT])
def test_cancelled_from_the_open_statuses(commune, officer_access, start):
    request = RequestFactory(commune=commune, status=start)
    cancelled = services.request_cancel(
        access=officer_access, request=request, reason="Gia đình tự làm"
    )
    assert cancelled.status == S.CANCELLED


def test_accepted_to_scheduled_and_back_to_accepted(
    commune, officer, officer_profile, officer_access, plan_day
):
    request = RequestFactory(commune=commune)
    visit = _book(officer_access, request, officer, plan_day)
    assert HomeSupportRequest.objects.get(pk=request.pk).status == S.SCHEDULED
    assert (visit.status, visit.officer, visit.day) == (VisitStatus.PLANNED, officer, plan_day)
    back = services.visit_unschedule(access=officer_access, visit=visit, reason="Cụ nằm viện")
    assert back.status == S.ACCEPTED
    assert HomeVisit.objects.get(pk=visit.pk).status == VisitStatus.CANCELLED


def test_scheduled_to_cancelled_drops_the_visit_and_retimes_the_route(
    commune, officer, officer_profile, officer_access, plan_day
):
    first, second = RequestFactory(commune=commune), RequestFactory(commune=commune)
    _book(officer_access, first, officer, plan_day)
    later = _book(officer_access, second, officer, plan_day)
    services.request_cancel(access=officer_access, request=first, reason="Đã mất")
    assert HomeVisit.objects.get(request=first).status == VisitStatus.CANCELLED
    later.refresh_from_db()
    assert later.sequence == 1
    assert later.route.visits.exclude(status=VisitStatus.CANCELLED).count() == 1


@pytest.mark.parametrize(
    ("outcome", "after"),
    [
        (VisitOutcome.PAPERS_TAKEN, S.VISITED),
        (VisitOutcome.COMPLETED_ON_SITE, S.VISITED),
        (VisitOutcome.ANOTHER_VISIT, S.NEEDS_SECOND_VISIT),
        (VisitOutcome.NOBODY_HOME, S.NEEDS_SECOND_VISIT),
    ],
)
def test_scheduled_to_visited_or_second_visit_by_the_visit_record(
    commune, officer, officer_profile, officer_access, plan_day, outcome, after
):
    request = RequestFactory(commune=commune)
    visit = _book(officer_access, request, officer, plan_day)
    recorded = _record(officer_access, visit, outcome)
    assert HomeSupportRequest.objects.get(pk=request.pk).status == after
    expected = VisitStatus.DONE if after == S.VISITED else VisitStatus.MISSED
    assert recorded.status == expected


def test_visited_to_completed_tells_the_requester(
    commune, officer, officer_profile, officer_access, plan_day, django_capture_on_commit_callbacks
):
    request = RequestFactory(commune=commune, requester_email="con@example.vn")
    visit = _book(officer_access, request, officer, plan_day)
    _record(officer_access, visit, VisitOutcome.PAPERS_TAKEN)
    with django_capture_on_commit_callbacks():
        done = services.request_complete(access=officer_access, request=request)
    assert done.status == S.COMPLETED and done.completed_at is not None
    subjects = list(
        OutboxMessage.objects.filter(recipient="con@example.vn").values_list("subject", flat=True)
    )
    assert len(subjects) == 2  # planned, then done
    assert all(request.tracking_code in s for s in subjects)


def test_completed_on_the_spot_can_finish_the_request_at_once(
    commune, officer, officer_profile, officer_access, plan_day
):
    request = RequestFactory(commune=commune)
    visit = _book(officer_access, request, officer, plan_day)
    _record(officer_access, visit, VisitOutcome.COMPLETED_ON_SITE, complete_now=True)
    assert HomeSupportRequest.objects.get(pk=request.pk).status == S.COMPLETED


def test_visited_to_second_visit_then_scheduled_again(
    commune, officer, officer_profile, officer_access, plan_day
):
    request = RequestFactory(commune=commune)
    visit = _book(officer_access, request, officer, plan_day)
    _record(officer_access, visit, VisitOutcome.PAPERS_TAKEN)
    with pytest.raises(DomainError):
        services.request_second_visit(access=officer_access, request=request, reason="")
    again = services.request_second_visit(
        access=officer_access, request=request, reason="Thiếu bản sao sổ đỏ"
    )
    assert again.status == S.NEEDS_SECOND_VISIT
    second = _book(officer_access, again, officer, plan_day)
    assert HomeSupportRequest.objects.get(pk=request.pk).status == S.SCHEDULED
    assert second.status_before == S.NEEDS_SECOND_VISIT
    services.visit_unschedule(access=officer_access, visit=second)
    assert HomeSupportRequest.objects.get(pk=request.pk).status == S.NEEDS_SECOND_VISIT


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (S.RECEIVED, "complete"),
        (S.ACCEPTED, "complete"),
        (S.SCHEDULED, "accept"),
        (S.VISITED, "cancel"),
        (S.COMPLETED, "cancel"),
        (S.CANCELLED, "accept"),
        (S.REJECTED, "reject"),
        (S.RECEIVED, "second_visit"),
        (S.SCHEDULED, "second_visit"),
        (S.NEEDS_SECOND_VISIT, "accept"),
    ],
)
def test_services_refuse_wrong_moves_and_change_nothing(commune, officer_access, status, action):
    request = RequestFactory(commune=commune, status=status)
    calls = {
        "accept": lambda: services.request_accept(access=officer_access, request=request),
        "complete": lambda: services.request_complete(access=officer_access, request=request),
        "cancel": lambda: services.request_cancel(
            access=officer_access, request=request, reason="x"
        ),
        "reject": lambda: services.request_reject(
            access=officer_access, request=request, reason="x"
        ),
        "second_visit": lambda: services.request_second_visit(
            access=officer_access, request=request, reason="x"
        ),
    }
    with pytest.raises(WrongTransition):
        calls[action]()
    assert HomeSupportRequest.objects.get(pk=request.pk).status == status


def test_booking_refuses_requests_not_yet_accepted_or_already_done(
    commune, officer, officer_profile, officer_access, plan_day
):
    for status in (S.RECEIVED, S.VISITED, S.COMPLETED, S.REJECTED, S.CANCELLED):
        request = RequestFactory(commune=commune, status=status)
        with pytest.raises(WrongTransition):
            _book(officer_access, request, officer, plan_day)
    assert not HomeVisit.objects.exists()


def test_a_visit_record_cannot_be_written_twice(
    commune, officer, officer_profile, officer_access, plan_day
):
    request = RequestFactory(commune=commune)
    visit = _book(officer_access, request, officer, plan_day)
    _record(officer_access, visit, VisitOutcome.PAPERS_TAKEN)
    with pytest.raises(DomainError):
        _record(officer_access, visit, VisitOutcome.NOBODY_HOME)


def test_the_person_must_confirm_a_visit_that_took_place(
    commune, officer, officer_profile, officer_access, plan_day
):
    request = RequestFactory(commune=commune)
    visit = _book(officer_access, request, officer, plan_day)
    with pytest.raises(DomainError) as refused:
        services.visit_record(
            access=officer_access,
            visit=visit,
            record=services.VisitRecord(
                outcome=VisitOutcome.COMPLETED_ON_SITE, arrived_at=timezone.now()
            ),
        )
    assert refused.value.field == "person_confirmed"
    assert HomeSupportRequest.objects.get(pk=request.pk).status == S.SCHEDULED


def test_leaving_before_arriving_is_refused(
    commune, officer, officer_profile, officer_access, plan_day
):
    request = RequestFactory(commune=commune)
    visit = _book(officer_access, request, officer, plan_day)
    arrived = timezone.now()
    with pytest.raises(DomainError) as refused:
        services.visit_record(
            access=officer_access,
            visit=visit,
            record=services.VisitRecord(
                outcome=VisitOutcome.NOBODY_HOME,
                arrived_at=arrived,
                left_at=arrived - timedelta(minutes=10),
            ),
        )
    assert refused.value.field == "left_at"
    assert HomeVisit.objects.get(pk=visit.pk).status == VisitStatus.PLANNED
