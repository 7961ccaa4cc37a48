"""The working-day calendar: weekends, Vietnamese public holidays (Tết included), exceptions.

Deadlines (SLAs), rosters and follow-up dates all count working days with this one
calendar. Public holidays come from the `holidays` package, which computes the
lunar ones (Tết Nguyên Đán, Giỗ Tổ Hùng Vương) and the substitute days off.
Government day swaps and local closures are `CalendarOverride` rows.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import holidays

SATURDAY, SUNDAY = 5, 6
# A guard against loops on a misconfigured calendar (every day closed).
_MAX_SCAN_DAYS = 3660


@functools.lru_cache(maxsize=4)
def _vietnam_holidays(language: str) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", language=language)


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days are working days. Pure: no database, easy to test around Tết."""

    overrides: Mapping[date, bool] = field(default_factory=dict)
    weekend: frozenset[int] = frozenset({SATURDAY, SUNDAY})
    language: str = "vi"

    def holiday_name(self, day: date) -> str | None:
        name = _vietnam_holidays(self.language).get(day)
        return str(name) if name else None

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.weekday() in self.weekend:
            return False
        return day not in _vietnam_holidays(self.language)

    def next_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the first one after it."""
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        raise ValueError("no working day within ten years: check the calendar exceptions")

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start` (the day of receipt does not count).

        This is how a deadline of "3 working days" is counted from the day a
        dossier is received: received Friday before Tết → due after the holiday.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        current, counted = start, 0
        for _ in range(_MAX_SCAN_DAYS):
            if counted == days:
                return current
            current += timedelta(days=1)
            if self.is_working_day(current):
                counted += 1
        raise ValueError("no working day within ten years: check the calendar exceptions")

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: how many working days have passed since `start`."""
        if end <= start:
            return -self.working_days_between(end, start) if end < start else 0
        return sum(1 for day in _days(start + timedelta(days=1), end) if self.is_working_day(day))

    def days_off(self, start: date, end: date) -> list[tuple[date, str]]:
        """Closed weekdays in [start, end] with the reason, for calendars and rosters."""
        closed = []
        for day in _days(start, end):
            if self.is_working_day(day) or (
                day.weekday() in self.weekend and day not in self.overrides
            ):
                continue
            closed.append((day, self.holiday_name(day) or ""))
        return closed


def _days(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)
