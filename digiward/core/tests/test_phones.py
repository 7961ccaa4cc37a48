"""Vietnamese phone numbers as people write them."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digiward.core.phones import PhoneError, format_phone, parse_phone

MOBILE_PREFIXES = [
    "086",
    "096",
    "097",
    "098",
    "032",
    "039",
    "081",
    "085",
    "088",
    "091",
    "094",
    "070",
    "079",
    "090",
    "093",
    "056",
    "058",
]


@pytest.mark.parametrize(
    "written",
    [
        "0912.345.678",
        "0912 345 678",
        "+84 912 345 678",
        "84912345678",
        "912345678",
        912345678,
        912345678.0,
        "0912-345-678",
        "(0912) 345678",
        "0084912345678",
    ],
)
def test_the_many_ways_of_writing_one_number(written):
    phone = parse_phone(written)
    assert phone.national == "0912345678"
    assert phone.e164 == "+84912345678"
    assert phone.carrier == "Vinaphone"
    assert phone.is_mobile


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("", "Chưa nhập"),
        ("0912.345", "thiếu"),
        ("+1 212 555 0100", "Việt Nam"),
        ("09123456789012", "thừa"),
        ("0912abc678", "chữ số"),
        ("0112345678", "không tồn tại"),
    ],
)
def test_wrong_numbers_are_explained(written, reason):
    with pytest.raises(PhoneError, match=reason):
        parse_phone(written)


def test_carriers_come_from_libphonenumber():
    assert parse_phone("0981234567").carrier == "Viettel"
    assert parse_phone("0901234567").carrier == "MobiFone"


def test_format_for_reading_aloud():
    assert format_phone("0912345678") == "0912 345 678"


@given(
    prefix=st.sampled_from(MOBILE_PREFIXES), rest=st.integers(0, 9_999_999), style=st.integers(0, 3)
)
def test_any_valid_mobile_in_any_style_normalises_to_the_same_number(prefix, rest, style):
    national = f"{prefix}{rest:07d}"
    written = [
        national,
        f"{national[:4]}.{national[4:7]}.{national[7:]}",
        f"+84 {national[1:4]} {national[4:7]} {national[7:]}",
        national[1:],
    ][style]
    phone = parse_phone(written)
    assert phone.national == national
    assert phone.is_mobile


@given(st.text(max_size=25))
def test_junk_never_crashes(text):
    with contextlib.suppress(PhoneError):
        parse_phone(text)
