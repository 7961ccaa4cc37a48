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
