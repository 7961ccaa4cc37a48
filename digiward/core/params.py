"""Numbers and search text read from a query string or a form outside a Django form field.

`str.isdigit()` is true for "²" and "①", which `int()` refuses, and an id of twenty digits
is past what SQLite stores in an INTEGER (OverflowError) — both were 500s found by the fuzz
tests (tests/test_fuzz_findings.py). Every view that reads an id or a page number by hand
goes through these two functions instead. A search box's text goes through `search_text`:
SQLite refuses a LIKE pattern over 50 000 bytes (another 500 the fuzz found), and no name,
phone or household code is longer than a hundred characters.
"""

from __future__ import annotations

# Primary keys are 64-bit; 18 digits always fit, and no real id is longer.
_MAX_ID_DIGITS = 18


def id_from(text: object) -> int | None:
    """The positive id in `text` (ASCII digits only), or None when it cannot be one."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > _MAX_ID_DIGITS:
        return None
    value = int(text)
    return value if value > 0 else None


def number_from(text: object, *, default: int, low: int = 0, high: int = 10**9) -> int:
    """A whole number between `low` and `high` read from `text`, else `default`."""
    if not isinstance(text, str):
        return default
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(high)):
        return default
    value = int(text)
    return value if low <= value <= high else default


SEARCH_MAX_LENGTH = 100


def search_text(text: object) -> str:
    """What a search box holds: stripped, and no longer than any real name or code."""
    if not isinstance(text, str):
        return ""
    return text.strip()[:SEARCH_MAX_LENGTH].strip()
