"""Dates that come from outside (an address, a form): only those a programme can plan.

Python's dates run from year 1 to 9999, and the day after 9999-12-31 or the Monday
before 0001-01-01 is an OverflowError: a day plan at 9999-12-31 or a roster for year
9999 was a 500. DigiWard plans, records and reports within PLAUSIBLE_FIRST ..
PLAUSIBLE_LAST; anything else is "no such page" (or a form error), never a crash.
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import Http404
from django.utils.formats import date_format

PLAUSIBLE_FIRST = date(1900, 1, 1)  # the oldest birth dates in a registry
PLAUSIBLE_LAST = date(2100, 12, 31)


def is_plausible(day: date) -> bool:
    return PLAUSIBLE_FIRST <= day <= PLAUSIBLE_LAST


def day_or_404(text: str) -> date:
    """A YYYY-MM-DD date from a URL, or 404."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise Http404 from None
    if not is_plausible(day):
        raise Http404
    return day


def month_or_404(year: int, month: int) -> date:
    """The first day of a month named in a URL, or 404."""
    try:
        first = date(year, month, 1)
    except ValueError:
        raise Http404 from None
    if not is_plausible(first):
        raise Http404
    return first


def day_text(day: date | datetime) -> str:
    """A date as every DigiWard page, export and audit line writes it: 05/02/2026, in
    both languages (config/formats). The one place that says so, instead of "%d/%m/%Y"
    written by hand."""
    return date_format(day, "SHORT_DATE_FORMAT")


def moment_text(moment: datetime, *, seconds: bool = False) -> str:
    """A date and time the same way, the day first: 05/02/2026 14:30 (exports, audit)."""
    return (
        f"{day_text(moment)} {moment:%H:%M:%S}" if seconds else f"{day_text(moment)} {moment:%H:%M}"
    )
