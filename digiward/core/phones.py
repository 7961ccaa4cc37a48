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
    if isinstance(raw, float):
        if not raw.is_integer():
            raise PhoneError(str(_("This is not a phone number.")))
        raw = int(raw)
    text = _JUNK.sub("", str(raw).strip())
    if not text:
        raise PhoneError(str(_("The phone number is empty.")))
    if text.startswith("00"):
        text = "+" + text[2:]
    if not text.startswith("+"):
        digits = text
        if not digits.isdigit():
            raise PhoneError(str(_("A phone number has only digits.")))
        if digits.startswith("84") and len(digits) == 11:
            text = "+" + digits
        elif len(digits) == 9 and not digits.startswith("0"):
            text = "0" + digits  # a spreadsheet dropped the leading zero
        else:
            text = digits
    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException:
        raise PhoneError(str(_("This is not a phone number."))) from None
    if number.country_code != 84:
        raise PhoneError(str(_("Only Vietnamese numbers (+84) are accepted.")))
    if not phonenumbers.is_valid_number(number):
        raise PhoneError(str(_("This Vietnamese phone number does not exist (check the digits).")))
    kind = phonenumbers.number_type(number)
    national = "0" + str(number.national_number)
    return Phone(
        national=national,
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        carrier=carrier.name_for_number(number, "en"),
        is_mobile=kind
        in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE),
    )


def format_phone(national: str) -> str:
    """0912345678 → 0912 345 678 (how people read numbers aloud)."""
    if len(national) == 10:
        return f"{national[:4]} {national[4:7]} {national[7:]}"
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
