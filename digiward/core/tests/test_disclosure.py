"""Small-number suppression: nothing published lets a reader work out a count below 5."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from digiward.core.disclosure import SMALL, suppress, suppress_total


def test_small_cells_are_hidden_and_a_lone_one_takes_the_next_smallest_with_it():
    assert suppress([120, 3, 40, 9]) == [120, None, 40, None]
    assert suppress([120, 3, 2, 9]) == [120, None, None, 9]  # two hidden already
    assert suppress([0, 3, 0]) == [0, None, 0]  # nothing else to hide; the total is small
    assert suppress([50, 60]) == [50, 60]
    assert suppress([]) == []


def test_a_small_total_is_hidden():
    assert suppress_total(4) is None
    assert suppress_total(0) == 0
    assert suppress_total(5) == 5


@given(st.lists(st.integers(min_value=0, max_value=200), max_size=12))
def test_no_small_number_is_shown_or_recoverable_from_the_total(counts):
    shown = suppress(counts)
    assert len(shown) == len(counts)
    for original, published in zip(counts, shown, strict=True):
        assert published is None or published == original
        assert published is None or not 0 < published < SMALL
    hidden = [c for c, p in zip(counts, shown, strict=True) if p is None]
    total = sum(counts)
    if hidden and suppress_total(total) is not None:
        # The total is published: a lone hidden cell would be total minus the rest.
        assert len(hidden) >= 2
