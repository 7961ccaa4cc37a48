"""Checking what is written on a box or a SIM card: IMEI numbers and SIM numbers.

Pure module (phonenumbers through core.phones). Messages are user-facing.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from digiward.core.phones import PhoneError, parse_phone
from digiward.core.text import is_plain_digits

_SEPARATORS = re.compile(r"[\s.\-/]")


class IdentifierError(ValueError):
    """The number is not valid (the message says why, for the person typing it)."""


def luhn_valid(digits: str) -> bool:
    """The Luhn check (ISO/IEC 7812) that the 15th digit of an IMEI carries."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_check_digit(body: str) -> str:
    """The check digit that makes `body` + digit pass the Luhn check."""
    for digit in "0123456789":
        if luhn_valid(body + digit):
            return digit
    raise AssertionError("unreachable")


def clean_imei(raw: str) -> str:
    """'35-209900-176148-1' → '352099001761481', or IdentifierError.

    An IMEI is 15 digits: 8 for the type allocation code, 6 for the serial number and a
    Luhn check digit (3GPP TS 23.003 §6.2.1). A 14-digit number misses its check
    digit; 16 digits is an IMEISV (software version), not an IMEI.
    """
    text = _SEPARATORS.sub("", raw or "")
    if not text:
        raise IdentifierError(_("Type the phone's IMEI (dial *#06# to see it)."))
    if not is_plain_digits(text):
        raise IdentifierError(_("An IMEI has only digits."))
    if len(text) != 15:
        raise IdentifierError(
            _("An IMEI has 15 digits; this one has %(count)s.") % {"count": len(text)}
        )
    if not luhn_valid(text):
        raise IdentifierError(
            _("This IMEI is not valid: its last digit does not match (check each digit).")
        )
    return text


def clean_sim_number(raw: str) -> tuple[str, str]:
    """A SIM card's number → (national form, carrier), or IdentifierError.

    Only Vietnamese mobile numbers: a SIM given with a phone must work for VNeID's
    one-time codes, which go to a mobile number.
    """
    try:
        phone = parse_phone(raw or "")
    except PhoneError as error:
        raise IdentifierError(
            _("This is not a Vietnamese mobile number: %(why)s") % {"why": str(error)}
        ) from None
    if not phone.is_mobile:
        raise IdentifierError(
            _("%(number)s is a landline number, not a Vietnamese mobile number.")
            % {"number": phone.national}
        )
    return phone.national, phone.carrier
