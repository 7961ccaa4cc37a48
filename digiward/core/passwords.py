"""A password rule for Vietnamese wards (added to Django's validators in settings).

Django already refuses short, numeric, common (an English-language list) and
name-like passwords. This adds what a ward's staff actually choose and an attacker
tries first: common Vietnamese passwords (core/data/common-passwords-vi.txt), with or
without a year or a few digits after them; the names of the communes and provinces the
person works in ("ninhkieu2025"); and DigiWard's own name, which includes the demo's
published password.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from digiward.core.models import Commune
from digiward.core.text import fold

LIST = Path(__file__).resolve().parent / "data" / "common-passwords-vi.txt"
_TRAILING_DIGITS = re.compile(r"\d{1,4}$")
_LEADING_DIGITS = re.compile(r"^\d{1,4}")
# Too short to refuse inside a longer password ("xa", "hue" appear in many words).
MIN_NAME_LENGTH = 5
_KIND_WORDS = re.compile(r"^(Phường|Xã|Đặc khu|Thành phố|Tỉnh)\s+", re.IGNORECASE)


@functools.cache
def common_passwords() -> frozenset[str]:
    lines = LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def squeeze(text: str) -> str:
    """Folded (no case, no diacritics) and without anything but letters and digits."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


def place_names(commune: Commune) -> set[str]:
    """The commune's and its province's names as they would appear in a password."""
    names: set[str] = set()
    for place in (commune, commune.province):
        full = squeeze(place.name)
        # "Phường Ninh Kiều" → "phuongninhkieu" and "ninhkieu"
        short = squeeze(_KIND_WORDS.sub("", place.name))
        names |= {n for n in (full, short) if len(n) >= MIN_NAME_LENGTH}
    return names


def refuse_place_names(password: str, communes: list[Commune]) -> None:
    core = squeeze(password)
    for commune in communes:
        if any(name in core for name in place_names(commune)):
            raise ValidationError(
                _("The password must not contain the name of your commune or province."),
                code="password_place_name",
            )


def _memberships(user: Any) -> list[Any]:
    if user is None or getattr(user, "pk", None) is None:
        return []
    return list(user.memberships.select_related("commune__province"))


class VietnamesePasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        core = squeeze(password)
        bare = _LEADING_DIGITS.sub("", _TRAILING_DIGITS.sub("", core))
        common = common_passwords()
        if core in common or (bare and bare in common and len(bare) >= 4):
            raise ValidationError(
                _("This password is one that many people use. Choose one that is only yours."),
                code="password_vietnamese_common",
            )
        if "digiward" in core:
            raise ValidationError(
                _("The password must not contain the name DigiWard."),
                code="password_product_name",
            )
        communes = [m.commune for m in _memberships(user) if m.commune is not None]
        refuse_place_names(password, communes)

    def get_help_text(self) -> str:
        return _("Not a common password, not the name of your commune or province, not “DigiWard”.")
