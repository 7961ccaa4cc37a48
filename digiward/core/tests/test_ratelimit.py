"""The database rate counter: one statement per attempt in an open window."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from digiward.core import ratelimit
from digiward.core.models import RateCounter

pytestmark = pytest.mark.django_db
MINUTE = timedelta(minutes=1)


def test_attempts_are_counted_per_key_and_refused_past_the_limit():
    assert [ratelimit.hit("a", window=MINUTE) for _ in range(3)] == [1, 2, 3]
    assert ratelimit.hit("b", window=MINUTE) == 1
    assert ratelimit.attempts("a", window=MINUTE) == 3
    assert ratelimit.allow("c", limit=2, window=MINUTE)
    assert ratelimit.allow("c", limit=2, window=MINUTE)
    assert not ratelimit.allow("c", limit=2, window=MINUTE)


def test_a_window_that_is_over_starts_again_at_one():
    ratelimit.hit("a", window=MINUTE)
    ratelimit.hit("a", window=MINUTE)
    RateCounter.objects.filter(key="a").update(window_start=timezone.now() - 2 * MINUTE)
    assert ratelimit.attempts("a", window=MINUTE) == 0
    assert ratelimit.hit("a", window=MINUTE) == 1
    assert ratelimit.hit("a", window=MINUTE) == 2


def test_a_window_still_open_costs_one_statement():
    ratelimit.hit("a", window=MINUTE)
    with CaptureQueriesContext(connection) as queries:
        assert ratelimit.hit("a", window=MINUTE) == 2
    assert len(queries.captured_queries) == 1
    assert "RETURNING" in queries.captured_queries[0]["sql"]


def test_a_long_key_is_cut_as_it_is_stored():
    key = "k" * 250
    assert ratelimit.hit(key, window=MINUTE) == 1
    assert ratelimit.hit(key, window=MINUTE) == 2
    assert RateCounter.objects.get().key == "k" * 200
