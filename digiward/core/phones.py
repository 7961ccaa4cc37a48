"""Vietnamese phone numbers, validated and normalised with Google's libphonenumber.

Accepts what people write: 0912.345.678, 0912 345 678, +84 912 345 678,
84912345678 and 912345678 (an Excel cell that lost its leading zero).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumbers import carrier

from digiward.core.text import is_plain_digits

_JUNK = re.compile(r"[\s.\-()/]")


@dataclass(frozen=True)
class Phone:
    national: str  # 0912345678
    e164: str  # +84912345678
    carrier: str  # Viettel, Vinaphone, MobiFone…
    is_mobile: bool


class PhoneError(ValueError):
    """The text is not a valid Vietnamese phone number (message is user-facing)."""


def parse_phone(raw: str | int | float) -> Phone:
    """Parse a Vietnamese number written any common way. Raises PhoneError."""
    national = _national_digits(raw)
    key = (national[:6], len(national))
    shape = _SHAPES.get(key)
    if shape is None:
        shape = _shape(national)
        if len(_SHAPES) < _MAX_SHAPES:
            _SHAPES[key] = shape
    valid, carrier_name, is_mobile = shape
    if not valid:
        _explain_invalid(national)
    return Phone(
        national=national, e164="+84" + national[1:], carrier=carrier_name, is_mobile=is_mobile
    )


def _national_digits(raw: str | int | float) -> str:
    """Whatever was written → '0' + national significant number, or PhoneError."""
    if isinstance(raw, float):
        if not raw.is_integer():
            raise PhoneError(str(_("This is not a phone number.")))
        raw = int(raw)
    text = _JUNK.sub("", str(raw).strip())
    if not text:
        raise PhoneError(str(_("The phone number is empty.")))
    if text.startswith("+"):
        if not text.startswith("+84"):
            raise PhoneError(str(_("Only Vietnamese numbers (+84) are accepted.")))
        text = text[3:]
    elif text.startswith("0084"):
        text = text[4:]
    elif text.startswith("00"):
        raise PhoneError(str(_("Only Vietnamese numbers (+84) are accepted.")))
    elif text.startswith("84") and len(text) == 11:
        text = text[2:]
    if not is_plain_digits(text):
        raise PhoneError(str(_("A phone number has only digits.")))
    if not text.startswith("0"):
        text = "0" + text  # a spreadsheet number cell dropped the leading zero
    return text


# Vietnamese numbering rules decide validity, type and carrier on the first digits
# (the longest metadata pattern reads five) and the length, so numbers sharing their
# first six digits and length share the answer: libphonenumber runs once per shape,
# not once per row (100,000 rows: seconds saved on an import).
_SHAPES: dict[tuple[str, int], tuple[bool, str, bool]] = {}
_MAX_SHAPES = 100_000


def _shape(sample: str) -> tuple[bool, str, bool]:
    try:
        number = phonenumbers.parse(sample, "VN")
    except phonenumbers.NumberParseException:
        return False, "", False
    if not phonenumbers.is_valid_number(number):
        return False, "", False
    kind = phonenumbers.number_type(number)
    mobile = kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
    return True, carrier.name_for_number(number, "en"), mobile


def _explain_invalid(national: str) -> None:
    if len(national) < 10:
        raise PhoneError(str(_("This phone number is too short.")))
    if len(national) > 11:
        raise PhoneError(str(_("This phone number is too long.")))
    raise PhoneError(str(_("This Vietnamese phone number does not exist (check the digits).")))


def format_phone(national: str) -> str:
    """0912345678 → 0912 345 678, the landline 02923821123 → 0292 3821 123 (how people
    read numbers aloud)."""
    if len(national) == 10:
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    if len(national) == 11:
        return f"{national[:4]} {national[4:8]} {national[8:]}"
    return national


class PhoneNumberField(forms.CharField):
    """A form field that cleans to the national form 0912345678."""

    def __init__(self, *, mobile_only: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.mobile_only = mobile_only
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        self.widget.input_type = "tel"

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not text:
            return ""
        try:
            phone = parse_phone(text)
        except PhoneError as error:
            raise ValidationError(str(error), code="invalid_phone") from None
        if self.mobile_only and not phone.is_mobile:
            raise ValidationError(_("Please give a mobile number."), code="not_mobile")
        return phone.national
