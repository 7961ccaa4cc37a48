"""A sparkline as inline SVG: a trend drawn on the server, no chart library, no script."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.utils.html import format_html

register = template.Library()

WIDTH, HEIGHT, PAD = 72, 20, 2


def points(values: Sequence[int], width: int = WIDTH, height: int = HEIGHT) -> str:
    """The polyline's points: x spread evenly, y scaled to the largest value (a flat line
    along the bottom when every value is 0)."""
    if not values:
        return ""
    top = max(values) or 1
    step = (width - 2 * PAD) / max(len(values) - 1, 1)
    return " ".join(
        f"{PAD + i * step:.1f},{height - PAD - (height - 2 * PAD) * v / top:.1f}"
        for i, v in enumerate(values)
    )


@register.simple_tag
def sparkline(values: Sequence[int]) -> str:
    # Decorative: the numbers themselves are in the cell's text for screen readers.
    return format_html(
        '<svg class="sparkline" width="{}" height="{}" viewBox="0 0 {} {}" aria-hidden="true"'
        ' focusable="false"><polyline fill="none" stroke="currentColor" stroke-width="1.5"'
        ' points="{}"/></svg>',
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        points(list(values)),
    )
