"""Vietnamese text folding for search: case, diacritics and đ/d do not matter.

"Nguyễn Văn Đức" and "nguyen van duc" fold to the same key. Pure functions,
used by every search in DigiWard (names, procedures, communes).
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# đ/Đ is a letter of its own in Unicode, not d plus a mark, so NFD does not split it.
_TRANSLATE = str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})


def fold(text: str) -> str:
    """Lower-case, strip diacritics, map đ→d and collapse white space."""
    decomposed = unicodedata.normalize("NFD", text.translate(_TRANSLATE))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def normalize_spaces(text: str) -> str:
    """Collapse runs of white space and trim; keeps case and diacritics."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


# C0 and C1 control characters (but tab, line feed, carriage return), DEL, and the Unicode
# bidirectional embedding/override/isolate marks: a right-to-left override typed into a
# public form makes "gọi 0912" read as something else on a staff screen, and an Excel cell
# or a PostgreSQL text value refuses most of the rest (NUL above all).
_CONTROLS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


def strip_controls(text: str) -> str:
    """`text` without control characters and bidirectional overrides (keeps \\t \\n \\r)."""
    return _CONTROLS.sub("", text)


def has_controls(text: str) -> bool:
    return _CONTROLS.search(text) is not None


def is_plain_digits(text: str) -> bool:
    """True if `text` is one or more ASCII digits. `str.isdigit()` alone also says yes to
    "²", "①" and full-width or Arabic-Indic digits, which no identifier of ours contains
    and some of which `int()` refuses."""
    return text.isascii() and text.isdigit()


# A run of 9 to 12 digits, maybe grouped by spaces, dots or dashes: a citizen ID (12), an
# old identity card (9) or a phone number (10–11), also inside a URL's query string
# ("+" and "%20" are spaces there). IMEIs (15) and dates are left alone.
_IDENTIFIER = re.compile(r"(?<![\d])(?:\d(?:[\s.\-+]|%20)?){8,11}\d(?![\d])")


def redact_identifiers(text: str) -> str:
    """Mask ID- and phone-shaped numbers in free text, keeping the last 3 digits:
    "tìm 092060001234" → "tìm •••••••••234". Used for what the audit log stores
    about searches, so the log itself never becomes a list of citizen IDs."""

    def masked(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        return "•" * (len(digits) - 3) + digits[-3:]

    return _IDENTIFIER.sub(masked, text)
