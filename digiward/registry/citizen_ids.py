"""Vietnamese citizen ID numbers (CCCD / số định danh cá nhân): parse, check, mask.

Structure (Decree 137/2015/NĐ-CP Art. 13, Circular 07/2016/TT-BCA Art. 7; kept by
the 2023 Law on Identification): 12 digits; 1–3 the province where the birth was
registered (the pre-2025 63-province codes, which the 2025 merger did not change);
4 the century and sex (0/1 = 1900s male/female, 2/3 = 2000s, …); 5–6 the last two
digits of the birth year; 7–12 random. There is no check digit.

Pure module: no database, unit- and property-tested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from digiward.core.text import is_plain_digits

# Circular 07/2016/TT-BCA, Appendix 1 (same 63 codes as the pre-2025 GSO province codes;
# source: docs/research notes §3). The vietnam-provinces release for Python 3.11 has no
# legacy table, so it is kept here.
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

MALE, FEMALE = "male", "female"
_SEPARATORS = re.compile(r"[\s.\-]")
_QUERY_SEPARATORS = re.compile(r"[\s.\-+()]")


class CitizenIdError(ValueError):
    """Not a valid citizen ID; the message says why, in the user's language."""


@dataclass(frozen=True)
class CitizenId:
    number: str
    province_code: str
    sex: str
    birth_year: int
    warnings: list[str] = field(default_factory=list)

    @property
    def province_name(self) -> str:
        return PROVINCE_CODES[self.province_code]

    @property
    def masked(self) -> str:
        return mask(self.number)


def normalize(raw: str | int | float) -> str:
    """Digits only; restores leading zeros that a spreadsheet number dropped."""
    if isinstance(raw, float):
        if not raw.is_integer():
            raise CitizenIdError(_("A citizen ID has only digits."))
        raw = int(raw)
    text = _SEPARATORS.sub("", str(raw).strip())
    if not is_plain_digits(text):
        raise CitizenIdError(_("A citizen ID has only digits."))
    # Every province code starts with 0, so a 12-digit ID starts with 0 or 00: an
    # Excel number cell keeps 10 or 11 of its digits.
    if len(text) in (10, 11) and not text.startswith("0"):
        text = text.zfill(12)
    return text


def parse_citizen_id(raw: str | int | float, *, today: date | None = None) -> CitizenId:
    """Check the structure of a citizen ID. Raises CitizenIdError with the reason."""
    number = normalize(raw)
    if len(number) != 12:
        raise CitizenIdError(
            _("A citizen ID has 12 digits; this one has %(n)s.") % {"n": len(number)}
        )
    province = number[:3]
    if province not in PROVINCE_CODES:
        raise CitizenIdError(
            _("The first 3 digits (%(code)s) are not a province code.") % {"code": province}
        )
    century_sex = int(number[3])
    birth_year = 1900 + 100 * (century_sex // 2) + int(number[4:6])
    year_now = (today or date.today()).year
    if birth_year > year_now:
        raise CitizenIdError(
            _("Digits 4–6 give a birth year in the future (%(year)s).") % {"year": birth_year}
        )
    return CitizenId(
        number=number,
        province_code=province,
        sex=MALE if century_sex % 2 == 0 else FEMALE,
        birth_year=birth_year,
    )


def consistency_warnings(
    parsed: CitizenId, *, sex: str | None, birth_year: int | None
) -> list[str]:
    """Mismatches between the ID and what the list says: warnings, not errors
    (the list may be wrong, or the person may have a late-registered birth)."""
    warnings = []
    if sex and sex != parsed.sex:
        sex_labels = {MALE: _("male"), FEMALE: _("female")}
        warnings.append(
            _("The citizen ID says %(id_sex)s but the sex given is %(sex)s.")
            % {"id_sex": sex_labels[parsed.sex], "sex": sex_labels.get(sex, sex)}
        )
    if birth_year and birth_year != parsed.birth_year:
        warnings.append(
            _("The citizen ID says born in %(id_year)s but the birth year given is %(year)s.")
            % {"id_year": parsed.birth_year, "year": birth_year}
        )
    return warnings


# Only the last 3 digits are shown. Digits 1–3 (the province where the birth was
# registered) are nearly always the commune's own province, and digits 4–6 follow from
# the sex and the year of birth shown on the same page, so every digit kept beyond the
# random part shows nothing new, and each random digit kept divides the guesses by ten:
# the old mask (first 3 + last 4) left 2 unknown digits, 100 guesses; this leaves 3 of
# the random part unknown, and searching by a citizen ID is limited and audited besides
# (registry.search). Three digits are still enough to tell two people of one household
# apart when reading the card they hold.
MASK_KEEPS = 3


def mask(number: str) -> str:
    """092084000999 → •••••••••999: enough to tell people apart, not enough to misuse."""
    if len(number) != 12:
        return "•" * len(number)
    return "•" * (12 - MASK_KEEPS) + number[-MASK_KEEPS:]


def looks_like_citizen_id(text: str) -> bool:
    """True if `text` typed in a search box would be read as a citizen ID: 12 digits, or
    10–11 digits that are not a phone number (a spreadsheet dropped the leading zeros)."""
    digits = _QUERY_SEPARATORS.sub("", text)
    if not is_plain_digits(digits):
        return False
    if len(digits) == 12:
        return True
    return len(digits) in (10, 11) and not digits.startswith(("0", "84"))
