"""The desk's waiting times read off a histogram equal those of the list of every wait."""

from statistics import median

from hypothesis import given
from hypothesis import strategies as st

from digiward.guidance.selectors import DeskWaits, waits_from_histogram


def _from_every_wait(histogram: list[tuple[int, int]]) -> DeskWaits:
    """The definition: every ticket's wait in minutes, sorted (what the code did before)."""
    waits = sorted(max(seconds / 60, 0.0) for seconds, n in histogram for _ in range(n))
    if not waits:
        return DeskWaits(0, None, None, None)
    p90 = waits[min(int(0.9 * len(waits)), len(waits) - 1)]
    return DeskWaits(len(waits), round(median(waits), 1), round(p90, 1), round(waits[-1], 1))


histograms = st.lists(
    st.tuples(st.integers(min_value=-120, max_value=4 * 3600), st.integers(0, 40)),
    max_size=30,
)


@given(histograms)
def test_the_histogram_gives_the_same_figures_as_every_wait(histogram):
    assert waits_from_histogram(histogram) == _from_every_wait(histogram)


def test_an_even_count_takes_the_mean_of_the_two_middle_waits():
    # 1, 2, 4 and 10 minutes: the median is 3, nine in ten waited at most 10.
    assert waits_from_histogram([(600, 1), (60, 1), (240, 1), (120, 1)]) == DeskWaits(
        4, 3.0, 10.0, 10.0
    )


def test_no_ticket_called_has_no_figures():
    assert waits_from_histogram([]) == DeskWaits(0, None, None, None)
    assert waits_from_histogram([(300, 0)]) == DeskWaits(0, None, None, None)
