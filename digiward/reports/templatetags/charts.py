"""Charts as inline SVG drawn on the server (no chart library, no script, no CDN): a
sparkline for a trend, horizontal bars for counts. Both are decorative (aria-hidden):
the numbers are always in a table or text next to them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

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


BAR_WIDTH, BAR_ROW, LABEL_SHARE, LABEL_CHARS = 320, 26, 0.5, 20


@dataclass(frozen=True)
class BarRow:
    y: int
    label: str
    value: int
    width: float  # of the bar, in viewBox units


def bar_rows(items: Sequence[tuple[str, int]]) -> list[BarRow]:
    """Where each bar goes: one row per item, bars scaled to the largest value, labels
    shortened to fit their column."""
    top = max((value for _label, value in items), default=0) or 1
    room = BAR_WIDTH * (1 - LABEL_SHARE) - 40  # leave space for the number after the bar
    return [
        BarRow(
            y=i * BAR_ROW,
            label=label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…",
            value=value,
            width=round(room * value / top, 1),
        )
        for i, (label, value) in enumerate(items)
    ]


@register.simple_tag
def bar_chart(items: Sequence[tuple[str, int]]) -> SafeString:
    rows = bar_rows([(str(label), int(value)) for label, value in items])
    x0 = BAR_WIDTH * LABEL_SHARE
    body = format_html_join(
        "",
        '<text x="0" y="{}" class="bar-label">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" rx="2" class="bar-shape"/>'
        '<text x="{}" y="{}" class="bar-value">{}</text>',
        (
            (
                row.y + 17,
                row.label,
                x0,
                row.y + 5,
                row.width,
                BAR_ROW - 10,
                x0 + row.width + 6,
                row.y + 17,
                row.value,
            )
            for row in rows
        ),
    )
    return format_html(
        '<svg class="bar-chart" viewBox="0 0 {} {}" width="100%" aria-hidden="true"'
        ' focusable="false" preserveAspectRatio="xMinYMin meet">{}</svg>',
        BAR_WIDTH,
        max(len(rows), 1) * BAR_ROW,
        body,
    )
