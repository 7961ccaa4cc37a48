"""Vietnamese text folding for search: case, diacritics and đ/d do not matter.

"Nguyễn Văn Đức" and "nguyen van duc" fold to the same key. Pure functions,
used by every search in DigiWard (names, procedures, communes).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

_SPACES = re.compile(r"\s+")
T = TypeVar("T")
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


# Vietnamese alphabetical order (TCVN 5712 / the dictionaries, and ICU's "vi" collation):
# a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y. A letter's vowel mark (ă â ê
# ô ơ ư) makes another letter; a tone mark only breaks ties, in the order
# none, huyền, hỏi, ngã, sắc, nặng. Runs of digits compare as numbers ("Khu vực 2" before
# "Khu vực 10"), as ICU does with numeric ordering (`kn`) on PostgreSQL.
_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_LETTER_RANK: dict[str, float] = {letter: float(rank) for rank, letter in enumerate(_ALPHABET)}
# Letters outside the Vietnamese alphabet (f, j, w, z in foreign names) go after the
# closest one, as ICU's root order puts them.
_LETTER_RANK.update({"f": _LETTER_RANK["e"] + 0.5, "j": _LETTER_RANK["i"] + 0.5})
_LETTER_RANK.update({"w": _LETTER_RANK["v"] + 0.5, "z": _LETTER_RANK["y"] + 0.5})
_VOWEL_MARKS = {"\u0306": "ă", "\u0302": "^", "\u031b": "+"}  # breve, circumflex, horn
_WITH_MARK = {("a", "ă"): "ă", ("a", "^"): "â", ("e", "^"): "ê", ("o", "^"): "ô"}
_WITH_MARK |= {("o", "+"): "ơ", ("u", "+"): "ư"}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_DIGITS = re.compile(r"\d+")

SortKey = tuple[tuple[tuple[int, float], ...], tuple[int, ...], tuple[int, ...]]


def sort_key(text: str) -> SortKey:
    """A key that sorts `text` in Vietnamese alphabetical order (see above).

    Three levels, like a dictionary (and ICU): the letters and numbers, then the tones,
    then upper before lower case. Used for lists sorted in Python and, through the
    `vi_natural` collation SQLite is given (core.collation), for lists sorted in SQL."""
    primary: list[tuple[int, float]] = []
    tones: list[int] = []
    cases: list[int] = []
    position = 0
    text = unicodedata.normalize("NFD", text)
    while position < len(text):
        char = text[position]
        digits = _DIGITS.match(text, position)
        if digits and char.isascii():
            primary.append((1, int(digits.group(0))))
            position = digits.end()
            continue
        position += 1
        marks = ""
        while position < len(text) and unicodedata.combining(text[position]):
            marks += text[position]
            position += 1
        lower = char.lower()
        letter = lower
        tone = 0
        for mark in marks:
            if mark in _VOWEL_MARKS:
                letter = _WITH_MARK.get((lower, _VOWEL_MARKS[mark]), letter)
            elif mark in _TONES:
                tone = _TONES[mark]
        if letter in _LETTER_RANK:
            primary.append((2, _LETTER_RANK[letter]))
            tones.append(tone)
            cases.append(0 if char != lower else 1)
        elif char.isspace() or not char.isalnum():
            primary.append((0, ord(char) if not char.isspace() else 0))
        else:
            primary.append((3, ord(letter)))
            tones.append(tone)
            cases.append(0 if char != lower else 1)
    return tuple(primary), tuple(tones), tuple(cases)


def vi_sorted(items: Iterable[T], key: Callable[[T], str] = str) -> list[T]:
    """`items` in Vietnamese alphabetical order of `key(item)`."""
    return sorted(items, key=lambda item: sort_key(key(item)))


SORT_TEXT_LENGTH = 600


def sort_text(text: str) -> str:
    """`sort_key(text)` as plain text that sorts the same way byte by byte: stored in a
    column (core.collation.SortTextField), it lets a database order 100,000 names in
    Vietnamese order with an ordinary index, on SQLite and PostgreSQL alike.

    Only digits and lower-case ASCII letters, so any collation of either database
    compares it as bytes: a level separator "00", then two or three characters per
    element (space "01", a punctuation mark "02" + six hex digits, a number "1" + its length + its digits, a
    Vietnamese letter "2" + two digits, any other character "3" + six hex digits), then
    one digit per letter for its tone, then one for its case."""
    primary, tones, cases = sort_key(text)
    parts: list[str] = []
    for kind, value in primary:
        if kind == 0:
            parts.append("01" if value == 0 else f"02{int(value):06x}")
        elif kind == 1:
            digits = str(int(value))[:35]
            parts.append("1" + _BASE36[len(digits)] + digits)
        elif kind == 2:
            parts.append(f"2{int(value * 2):02d}")
        else:
            parts.append(f"3{int(value):06x}")
    levels = (
        "".join(parts),
        "".join(str(tone + 1) for tone in tones),
        "".join(str(case + 1) for case in cases),
    )
    return "00".join(levels)[:SORT_TEXT_LENGTH]


_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
