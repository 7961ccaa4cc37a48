"""The working-day calendar around weekends, Tết and government day swaps."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digiward.core.models import CalendarOverride
from digiward.core.selectors import calendar_for
from digiward.core.workdays import WorkingCalendar

CAL = WorkingCalendar()


def test_weekends_are_closed():
    assert not CAL.is_working_day(date(2026, 11, 28))  # Saturday
    assert not CAL.is_working_day(date(2026, 11, 29))  # Sunday
    assert CAL.is_working_day(date(2026, 11, 25))  # Wednesday


def test_tet_binh_ngo_2026_is_closed_and_named():
    # Lunar New Year 2026 is Tuesday 17 February; the package also knows the eve and the days after.
    for day in range(16, 21):
        assert not CAL.is_working_day(date(2026, 2, day)), day
    assert "Tết" in (CAL.holiday_name(date(2026, 2, 17)) or "")
    assert CAL.is_working_day(date(2026, 2, 23))


def test_a_deadline_received_before_tet_lands_after_it():
    # Received Friday 13/02/2026, 3 working days: Mon 16 to Fri 20 are Tết, so Mon 23, Tue 24, Wed 25.
    assert CAL.add_working_days(date(2026, 2, 13), 3) == date(2026, 2, 25)


def test_hung_kings_day_observed_and_national_day():
    assert not CAL.is_working_day(date(2026, 4, 27))  # Giỗ Tổ fell on Sunday 26/4: Monday off
    assert not CAL.is_working_day(date(2026, 9, 2))
    assert not CAL.is_working_day(date(2026, 9, 1))


def test_working_days_between_counts_after_the_start():
    assert CAL.working_days_between(date(2026, 11, 27), date(2026, 12, 4)) == 5
    assert CAL.working_days_between(date(2026, 12, 4), date(2026, 11, 27)) == -5
    # 24/11 is Vietnam Culture Day, a day off from 2026 (the holidays package knows it).
    assert CAL.working_days_between(date(2026, 11, 20), date(2026, 11, 27)) == 4
    assert CAL.working_days_between(date(2026, 11, 20), date(2026, 11, 20)) == 0


def test_overrides_win():
    swap = WorkingCalendar(overrides={date(2026, 8, 22): True, date(2026, 11, 25): False})
    assert swap.is_working_day(date(2026, 8, 22))  # a Saturday worked to bridge 31/8
    assert not swap.is_working_day(date(2026, 11, 25))


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="negative"):
        CAL.add_working_days(date(2026, 1, 5), -1)


@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    days=st.integers(0, 40),
)
def test_adding_working_days_is_consistent_with_counting_them(start, days):
    due = CAL.add_working_days(start, days)
    assert CAL.working_days_between(start, due) == days
    if days:
        assert CAL.is_working_day(due)
        assert due - start >= timedelta(days=days)


@pytest.mark.django_db
def test_calendar_for_a_commune_reads_its_exceptions(commune, other_commune):
    CalendarOverride.objects.create(date=date(2026, 12, 1), is_working_day=False, reason="Bầu cử")
    CalendarOverride.objects.create(
        date=date(2026, 12, 2), commune=commune, is_working_day=False, reason="Lễ hội"
    )
    CalendarOverride.objects.create(
        date=date(2026, 12, 1), commune=commune, is_working_day=True, reason="Trực"
    )
    mine, theirs = calendar_for(commune), calendar_for(other_commune)
    assert mine.is_working_day(date(2026, 12, 1))  # the commune's own row wins
    assert not theirs.is_working_day(date(2026, 12, 1))
    assert not mine.is_working_day(date(2026, 12, 2)) and theirs.is_working_day(date(2026, 12, 2))
