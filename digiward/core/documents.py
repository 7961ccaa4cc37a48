"""Printed documents: the vendored font, WeasyPrint, and the words of Decree 30/2020.

Every PDF DigiWard prints (handover minutes, a person's data export, guide cards, visit
plans) uses Be Vietnam Pro from `static/fonts` — complete Vietnamese glyphs, and no font
fetched at run time, since ward servers are often offline. The official documents write
place and date the way Decree 30/2020/NĐ-CP on administrative documents does.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from weasyprint import HTML

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"

# Kinds of commune-level unit since the 2025 reform, as they begin a commune's name.
_UNIT_PREFIXES = ("Phường ", "Xã ", "Đặc khu ", "Thị trấn ")


def pdf_fonts() -> dict[str, str]:
    """The template variables every PDF template's @font-face rules read."""
    return {
        "font_regular": (FONT_DIR / "BeVietnamPro_400Regular.ttf").as_uri(),
        "font_bold": (FONT_DIR / "BeVietnamPro_700Bold.ttf").as_uri(),
    }


def render_pdf(
    template: str, context: Mapping[str, Any], *, request: HttpRequest | None = None
) -> bytes:
    """A PDF of `template` rendered with `context` and the vendored fonts."""
    html = render_to_string(template, {**pdf_fonts(), **context}, request=request)
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def qr_data_uri(url: str) -> str:
    """A QR code of `url` as an SVG data URI, for an <img> in a printed document."""
    svg = segno.make(url, error="m").svg_inline(scale=6, border=2, dark="#000", light="#fff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def date_words(day: date) -> str:
    """'ngày 20 tháng 9 năm 2026'. Decree 30/2020 writes a leading zero for days 1–9 and
    for months 1 and 2 only: 'ngày 05 tháng 02 năm 2026', 'ngày 20 tháng 9 năm 2026'."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_name(commune_name: str) -> str:
    """'Phường Ninh Kiều' → 'Ninh Kiều' (the place written before the date)."""
    for prefix in _UNIT_PREFIXES:
        if commune_name.startswith(prefix):
            return commune_name[len(prefix) :]
    return commune_name


def in_sentence(commune_name: str) -> str:
    """'Phường Ninh Kiều' → 'phường Ninh Kiều' (inside a sentence)."""
    for prefix in _UNIT_PREFIXES:
        if commune_name.startswith(prefix):
            return prefix.lower() + commune_name[len(prefix) :]
    return commune_name
