"""Form widgets every app uses: dates typed as dd/mm/yyyy, the phone's own time picker.

A date is a text box showing and accepting dd/mm/yyyy, not `<input type="date">`: the
browser draws that one in the phone's language (mm/dd/yyyy on a phone set to English,
yyyy-mm-dd in some Android WebViews), so the page and the paper in a citizen's hands
would disagree. What may be typed (31/12/1950, 31.12.1950, 31-12-1950, 31 12 1950,
31121950, and ISO from old bookmarks) is DATE_INPUT_FORMATS in config/formats/vi.
"""

from __future__ import annotations

from typing import Any

from django import forms

DATE_DISPLAY_FORMAT = "%d/%m/%Y"


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, **kwargs: Any) -> None:
        attrs = {
            # Digits only on a phone keyboard: the separators are optional (31121950).
            "inputmode": "numeric",
            "placeholder": "dd/mm/yyyy",
            "autocomplete": "off",
            "maxlength": "10",
            **(kwargs.pop("attrs", None) or {}),
        }
        super().__init__(format=DATE_DISPLAY_FORMAT, attrs=attrs, **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)
