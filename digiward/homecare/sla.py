"""Deadlines in working days (SLA): pure arithmetic on the commune's working calendar.

A request's deadline is `days` working days after the day it was received (the day of
receipt does not count, as for administrative dossiers), skipping weekends, Vietnamese
public holidays (Tết included) and the commune's calendar exceptions. Each procedure may set its own number of days; a request
with several procedures takes the longest; an urgent request is capped at the urgent
deadline.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date

from digiward.core.workdays import WorkingCalendar


class DueState(enum.StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    ON_TIME = "on_time"


def sla_days(
    procedure_days: Iterable[int | None], *, default: int, urgent: bool, urgent_days: int
) -> int:
    """The working days a request has: the longest of its procedures', capped if urgent."""
    days = max((d for d in procedure_days if d is not None), default=default)
    return min(days, urgent_days) if urgent else days


def deadline(calendar: WorkingCalendar, received_on: date, days: int) -> date:
    """The last day to finish: `days` working days after `received_on`.

    Zero days means "the same day", moved to the next working day if the request came
    in on a day off.
    """
    if days == 0:
        return calendar.next_working_day(received_on)
    return calendar.add_working_days(received_on, days)


def due_state(calendar: WorkingCalendar, today: date, due_on: date, soon_days: int) -> DueState:
    """Overdue after the deadline; due soon within `soon_days` working days of it."""
    if due_on < today:
        return DueState.OVERDUE
    if due_on <= calendar.add_working_days(today, soon_days):
        return DueState.DUE_SOON
    return DueState.ON_TIME


def working_days_left(calendar: WorkingCalendar, today: date, due_on: date) -> int:
    """Working days from today to the deadline (negative: that many days late)."""
    return calendar.working_days_between(today, due_on)
