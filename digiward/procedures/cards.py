"""Printable guide cards: A5 or A4 PDF, very large type, the steps and a QR code.

For the help desk and for home visits. WeasyPrint renders an HTML template with the
vendored Be Vietnam Pro font (complete Vietnamese glyphs); segno draws the QR code
that leads to the guide's public page.

A card is one sheet: a second page gets lost or left on the counter (issue 12). The
type starts very large and steps down only as far as the guide needs to fit on one
page, never below a size an older reader can still read; a guide too long even then
keeps "What to bring" at the top of the first page.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.document import Document

from digiward.core.documents import pdf_fonts, qr_data_uri
from digiward.procedures.models import Guide

SIZES = {"a5": "A5", "a4": "A4"}
# Body type in points, largest first; the last one is the smallest we print.
TYPE_STEPS = {"A5": (13.5, 12.5, 11.5), "A4": (17.0, 15.5, 14.0)}


def guide_card_pdf(guide: Guide, *, public_url: str, size: str = "a5") -> bytes:
    pdf: bytes = guide_card_document(guide, public_url=public_url, size=size).write_pdf()
    return pdf


def guide_card_document(guide: Guide, *, public_url: str, size: str = "a5") -> Document:
    """The laid-out card, at the largest type that fits it on one page."""
    assert guide.current is not None
    page_size = SIZES.get(size, "A5")
    context = {
        **pdf_fonts(),
        "guide": guide,
        "version": guide.current,
        "procedure": guide.procedure,
        "page_size": page_size,
        "qr": qr_data_uri(public_url),
        "public_url": public_url,
    }
    steps = TYPE_STEPS[page_size]
    document = None
    for body_pt in steps:
        html = render_to_string("procedures/card.html", {**context, "body_pt": body_pt})
        document = HTML(string=html).render()
        if len(document.pages) == 1:
            break
    assert document is not None
    return document
