"""SMS text: Vietnamese without diacritics (GSM-7) and segment counting (GSM-7 vs UCS-2)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

_GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENDED = set("^{}\\[~]|€\f")  # two septets each
_TRANSLATE = str.maketrans({"đ": "d", "Đ": "D"})


def no_diacritics(text: str) -> str:
    """ "Lịch hẹn ngày 05/12" → "Lich hen ngay 05/12" (case kept, đ→d)."""
    decomposed = unicodedata.normalize("NFD", text.translate(_TRANSLATE))
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


@dataclass(frozen=True)
class Segments:
    encoding: str  # "GSM-7" or "UCS-2"
    characters: int
    count: int


def sms_segments(text: str) -> Segments:
    """How many SMS parts `text` costs: GSM-7 160 (153 per part when split), UCS-2 70 (67)."""
    if all(ch in _GSM7 or ch in _GSM7_EXTENDED for ch in text):
        units = sum(2 if ch in _GSM7_EXTENDED else 1 for ch in text)
        single, part, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part, encoding = 70, 67, "UCS-2"
    count = 1 if units <= single else -(-units // part)
    return Segments(encoding=encoding, characters=units, count=count)
