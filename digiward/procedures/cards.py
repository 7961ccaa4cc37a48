"""Printable guide cards: A5 or A4 PDF, very large type, the steps and a QR code.

For the help desk and for home visits. WeasyPrint renders an HTML template with the
vendored Be Vietnam Pro font (complete Vietnamese glyphs); segno draws the QR code
that leads to the guide's public page.
"""

from __future__ import annotations

import base64

import segno

from digiward.core.documents import render_pdf
from digiward.procedures.models import Guide

SIZES = {"a5": "A5", "a4": "A4"}


def qr_data_uri(url: str) -> str:
    svg = segno.make(url, error="m").svg_inline(scale=6, border=2, dark="#000", light="#fff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def guide_card_pdf(guide: Guide, *, public_url: str, size: str = "a5") -> bytes:
    assert guide.current is not None
    return render_pdf(
        "procedures/card.html",
        {
            "guide": guide,
            "version": guide.current,
            "procedure": guide.procedure,
            "page_size": SIZES.get(size, "A5"),
            "qr": qr_data_uri(public_url),
            "public_url": public_url,
        },
    )
