"""IMEIs (15 digits, Luhn) and SIM numbers (Vietnamese mobile numbers)."""

from __future__ import annotations

import pytest

from digiward.donations.identifiers import (
    IdentifierError,
    clean_imei,
    clean_sim_number,
    luhn_check_digit,
    luhn_valid,
)

pytestmark = pytest.mark.django_db  # messages are translated


def test_luhn():
    # The example IMEI of 3GPP TS 23.003 annex B.
    assert luhn_valid("490154203237518")
    assert not luhn_valid("490154203237517")
    assert luhn_check_digit("49015420323751") == "8"


def test_imei_written_with_separators_is_cleaned():
    assert clean_imei("49-015420-323751-8") == "490154203237518"
    assert clean_imei(" 4901 5420 3237 518 ") == "490154203237518"


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("", "*#06#"),
        ("49015420323751", "14"),  # the check digit is missing
        ("4901542032375180", "16"),  # an IMEISV, not an IMEI
        ("490154203237517", "last digit"),  # Luhn fails
        ("49015420323751A", "digits"),
    ],
)
def test_invalid_imei_is_refused_with_a_reason(raw, why, settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"), pytest.raises(IdentifierError, match=why.replace("*", r"\*")):
        clean_imei(raw)


def test_sim_number_is_normalised_with_its_carrier():
    assert clean_sim_number("+84 868 100 001") == ("0868100001", "Viettel")
    assert clean_sim_number("0912.345.678")[0] == "0912345678"


@pytest.mark.parametrize("raw", ["02923812345", "12345", "+1 202 555 0100", "0123456789"])
def test_sim_number_must_be_a_vietnamese_mobile_number(raw):
    with pytest.raises(IdentifierError):
        clean_sim_number(raw)
