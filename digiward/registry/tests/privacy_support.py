"""Helpers of the privacy tests."""

from __future__ import annotations

import io
import re

import pypdfium2 as pdfium


def pdf_text(content: bytes) -> str:
    document = pdfium.PdfDocument(io.BytesIO(content))
    text = " ".join(page.get_textpage().get_text_range() for page in document)
    return re.sub(r"\s+", " ", text)
