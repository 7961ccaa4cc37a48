"""When someone is home, as a citizen says it on the public form, turned into time windows.

Pure module. The public form offers choices an old person or a relative answers in one
tap (mornings, afternoons, any time; and, optionally, only some days of the week); the
planner and booking need real windows (`TimeWindow`). Mornings and afternoons are the
halves of the ward's working day around the lunch break (7:30–11:30 and 13:30–17:00,
the office hours most wards publish; the officers' default day and the default lunch
break in `HomecareSettings` follow them). "Any time" with no day ticked gives no window:
the request may then be visited at any time of the working day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayPart(models.TextChoices):
    ANY = "any", _("Any time of the day")
    MORNINGS = "mornings", _("Mornings (7:30–11:30)")
    AFTERNOONS = "afternoons", _("Afternoons (13:30–17:00)")


PART_HOURS: dict[str, tuple[time, time]] = {
    DayPart.MORNINGS: (time(7, 30), time(11, 30)),
    DayPart.AFTERNOONS: (time(13, 30), time(17, 0)),
}
# The whole working day, for "any time" on the days ticked.
WHOLE_DAY = (time(7, 30), time(17, 0))
# Monday to Saturday: some wards open on Saturday mornings; Sunday visits are not offered.
OFFERED_WEEKDAYS = (0, 1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Window:
    starts_at: time
    ends_at: time
    weekday: int | None = None


def windows_for(part: str, weekdays: Iterable[int]) -> tuple[Window, ...]:
    """The windows of a day part on the weekdays ticked (none ticked: every day).

    ``("any", [])`` is "any time": no window at all."""
    days = sorted({int(d) for d in weekdays if int(d) in OFFERED_WEEKDAYS})
    if part not in PART_HOURS and not days:
        return ()
    start, end = PART_HOURS.get(part, WHOLE_DAY)
    return tuple(Window(start, end, day) for day in days) or (Window(start, end),)
