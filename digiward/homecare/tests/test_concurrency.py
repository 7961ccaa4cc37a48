"""Two officers at the same moment, in two threads with their own database connections.

Run on SQLite (IMMEDIATE transactions queue the writers) and on PostgreSQL (row locks):
`DATABASE_URL=postgres://… pytest digiward/homecare/tests/test_concurrency.py`.
"""

from __future__ import annotations

import threading
import time as clock
from datetime import time

import pytest
from django.db import connection

from digiward.core.access import access_for
from digiward.core.errors import DomainError
from digiward.core.tests.factories import MembershipFactory, UserFactory
from digiward.homecare import services
from digiward.homecare.models import HomeSupportRequest, HomeVisit, RequestStatus, VisitStatus
from digiward.homecare.services import booking
from digiward.homecare.tests.factories import (
    OfficerProfileFactory,
    RequestFactory,
    SettingsFactory,
    WindowFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*jobs):
    """Start the jobs in threads at the same instant; return what each returned or raised."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def team(commune):
    SettingsFactory(commune=commune)
    people = []
    for username, name in (("hung", "Nguyễn Văn Hùng"), ("phuong", "Trần Thị Phương")):
        user = UserFactory(username=username, full_name=name)
        MembershipFactory(user=user, commune=commune)
        OfficerProfileFactory(commune=commune, user=user)
        people.append(user)
    return people


@pytest.fixture
def slow_insert(monkeypatch):
    """Hold each booking's transaction open a little, so the two really overlap."""
    original = booking.route_insert

    def slower(*args, **kwargs):
        clock.sleep(0.3)
        return original(*args, **kwargs)

    monkeypatch.setattr(booking, "route_insert", slower)


def test_two_officers_booking_the_same_visit_at_once(commune, team, plan_day, slow_insert):
    request = RequestFactory(commune=commune)
    hung, phuong = team

    def book(user):
        return lambda: services.visit_book(
            access=access_for(user, commune), request=request, officer=user, day=plan_day
        )

    results = run_together(book(hung), book(phuong))
    booked = [r for r in results if isinstance(r, HomeVisit)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(booked) == 1 and len(refused) == 1, results
    winner = booked[0].officer
    assert winner.get_full_name() in refused[0].message  # "… has already booked this visit"
    assert HomeVisit.objects.filter(request=request, status=VisitStatus.PLANNED).count() == 1
    assert HomeSupportRequest.objects.get(pk=request.pk).status == RequestStatus.SCHEDULED


def test_two_bookings_on_one_officer_never_overlap(commune, team, plan_day, slow_insert):
    hung, phuong = team
    first, second = RequestFactory(commune=commune), RequestFactory(commune=commune)
    for request in (first, second):
        WindowFactory(request=request, starts_at=time(8), ends_at=time(10))

    def book(request, by):
        return lambda: services.visit_book(
            access=access_for(by, commune), request=request, officer=hung, day=plan_day
        )

    # Phương books for Hùng while Hùng books for himself: both fit, one after the other.
    phuong_access = access_for(phuong, commune)
    assert phuong_access is not None
    results = run_together(book(first, hung), book(second, phuong))
    assert all(isinstance(r, HomeVisit) for r in results), results
    visits = list(
        HomeVisit.objects.filter(officer=hung, day=plan_day, status=VisitStatus.PLANNED).order_by(
            "sequence"
        )
    )
    assert [v.sequence for v in visits] == [1, 2]
    assert visits[0].ends_at <= visits[1].arrives_at <= visits[1].starts_at


def test_planning_the_day_while_an_officer_books_by_hand(commune, team, plan_day, slow_insert):
    hung, phuong = team
    requests = [RequestFactory(commune=commune) for _ in range(5)]
    plan = services.dayplan_for(commune, plan_day)

    results = run_together(
        lambda: services.visit_book(
            access=access_for(phuong, commune), request=requests[0], officer=phuong, day=plan_day
        ),
        lambda: services.dayplan_solve(plan.pk, acting_user=hung, polish_seconds=0),
    )
    assert not any(isinstance(r, Exception) for r in results), results
    planned = HomeVisit.objects.filter(status=VisitStatus.PLANNED)
    assert planned.count() == 5
    assert sorted(planned.values_list("request", flat=True)) == sorted(r.pk for r in requests)
    assert all(
        s == RequestStatus.SCHEDULED
        for s in HomeSupportRequest.objects.values_list("status", flat=True)
    )
