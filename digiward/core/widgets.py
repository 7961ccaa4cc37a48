"""Form widgets every app uses: the phone's own date and time pickers.

Browsers send and expect ISO values in `<input type="date|time">` whatever the language,
so the widgets format values that way; the pages show dates as dd/mm/yyyy elsewhere.
"""

from __future__ import annotations

from typing import Any

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)
