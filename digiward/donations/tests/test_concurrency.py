"""Two officers allocating at the same moment, in two threads with their own connections.

Runs on whichever database the suite runs on: `make test` (SQLite, IMMEDIATE
transactions) and `make test-pg` (PostgreSQL, READ COMMITTED, row locks). The second
half of each test switches the application's own checks off, so that only the database
constraints stand between two allocations: they must still refuse one.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import translation

from digiward.core.errors import DomainError
from digiward.donations.models import LIVE_ALLOCATION, Allocation, ItemStatus
from digiward.donations.services import handover as handover_services
from digiward.donations.tests.factories import scenario

pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls):
    """Run each call in its own thread, released together; return 'ok' or the message."""
    barrier = threading.Barrier(len(calls))
    results: list[str] = [""] * len(calls)

    def run(index, call):
        translation.activate("en")  # each thread has its own language: read msgids
        try:
            barrier.wait(timeout=10)
            call()
            results[index] = "ok"
        except DomainError as error:
            results[index] = error.message
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def allocate(s, household_index, items):
    return lambda: s.allocate(household_index, items)


def test_two_officers_give_the_same_phone_to_two_households(commune, officer):
    s = scenario(commune, officer, households=2, phones=1, sims=0)
    results = race(allocate(s, 0, s.phones), allocate(s, 1, s.phones))
    assert sorted(r == "ok" for r in results) == [False, True], results
    assert Allocation.objects.filter(item=s.phones[0], status__in=LIVE_ALLOCATION).count() == 1
    assert s.phones[0].__class__.objects.get(pk=s.phones[0].pk).status == ItemStatus.ALLOCATED


def test_two_officers_give_two_phones_to_one_household(commune, officer):
    s = scenario(commune, officer, households=1, phones=2, sims=0)
    results = race(allocate(s, 0, [s.phones[0]]), allocate(s, 0, [s.phones[1]]))
    assert sorted(r == "ok" for r in results) == [False, True], results
    assert (
        Allocation.objects.filter(household=s.households[0], status__in=LIVE_ALLOCATION).count()
        == 1
    )


def test_database_alone_refuses_the_same_item_twice(commune, officer, monkeypatch):
    s = scenario(commune, officer, households=2, phones=1, sims=0)
    # As if the check had a bug, or a script wrote around the service.
    monkeypatch.setattr(handover_services, "_check_allocatable", lambda item, campaign: None)
    results = race(allocate(s, 0, s.phones), allocate(s, 1, s.phones))
    assert sorted(results) == sorted(
        ["ok", "One of these items was just allocated to another household."]
    ), results
    assert Allocation.objects.filter(item=s.phones[0], status__in=LIVE_ALLOCATION).count() == 1


def test_database_alone_refuses_a_second_phone_for_the_household(commune, officer, monkeypatch):
    s = scenario(commune, officer, households=1, phones=2, sims=0)
    monkeypatch.setattr(handover_services, "free_phone_slots", lambda campaign, household: [1])
    results = race(allocate(s, 0, [s.phones[0]]), allocate(s, 0, [s.phones[1]]))
    assert sorted(results) == sorted(
        ["ok", "This household already has its phone from this campaign."]
    ), results
    assert (
        Allocation.objects.filter(household=s.households[0], status__in=LIVE_ALLOCATION).count()
        == 1
    )
    # Nothing half-written: the refused phone is still in stock.
    statuses = sorted(
        s.phones[0]
        .__class__.objects.filter(pk__in=[p.pk for p in s.phones])
        .values_list("status", flat=True)
    )
    assert statuses == [ItemStatus.ALLOCATED, ItemStatus.IN_STOCK]
