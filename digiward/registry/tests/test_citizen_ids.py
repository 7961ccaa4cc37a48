"""Citizen ID numbers: structure, province codes, century and sex, masking."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digiward.registry.citizen_ids import (
    PROVINCE_CODES,
    CitizenIdError,
    consistency_warnings,
    mask,
    normalize,
    parse_citizen_id,
)

TODAY = date(2026, 11, 25)


def test_a_real_looking_number_is_read():
    parsed = parse_citizen_id(
        "087084000999", today=TODAY
    )  # the example in Circular 07/2016 commentary
    assert parsed.province_name == "Đồng Tháp"
    assert (parsed.sex, parsed.birth_year) == ("male", 1984)
    assert parsed.masked == "•••••••••999"


@pytest.mark.parametrize(
    ("raw", "sex", "year"),
    [
        ("092155001234", "female", 1955),
        ("092205001234", "male", 2005),
        ("092310001234", "female", 2010),
    ],
)
def test_century_and_sex_digit(raw, sex, year):
    parsed = parse_citizen_id(raw, today=TODAY)
    assert (parsed.sex, parsed.birth_year) == (sex, year)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("92084000999", None),  # 11 digits: a lost leading zero, restored
        ("1084000999", None),  # Hà Nội (001…): two zeros lost
        ("09208400099", "12 chữ số"),  # starts with 0: a digit is missing, not a zero
        ("092 084 000 999", None),
        ("12345678901234", "12 chữ số"),
        ("003084000999", "không phải mã tỉnh"),
        ("092299000999", "tương lai"),  # 2099
        ("09208400099x", "chỉ gồm chữ số"),
    ],
)
def test_bad_numbers_are_explained(raw, reason):
    if reason is None:
        assert len(parse_citizen_id(raw, today=TODAY).number) == 12
    else:
        with pytest.raises(CitizenIdError, match=reason):
            parse_citizen_id(raw, today=TODAY)


def test_a_number_that_excel_turned_into_a_float():
    assert normalize(92084000999.0) == "092084000999"


def test_mismatch_with_the_list_is_a_warning_not_an_error():
    parsed = parse_citizen_id("092084000999", today=TODAY)
    warnings = consistency_warnings(parsed, sex="female", birth_year=1985)
    assert len(warnings) == 2
    assert consistency_warnings(parsed, sex="male", birth_year=1984) == []


@given(
    province=st.sampled_from(sorted(PROVINCE_CODES)),
    century_sex=st.integers(0, 3),
    yy=st.integers(0, 99),
    rest=st.integers(0, 999_999),
)
def test_every_well_formed_number_parses_back(province, century_sex, yy, rest):
    number = f"{province}{century_sex}{yy:02d}{rest:06d}"
    year = 1900 + 100 * (century_sex // 2) + yy
    if year > TODAY.year:
        with pytest.raises(CitizenIdError):
            parse_citizen_id(number, today=TODAY)
        return
    parsed = parse_citizen_id(number, today=TODAY)
    assert parsed.number == number
    assert parsed.birth_year == year
    assert parsed.sex == ("male" if century_sex % 2 == 0 else "female")
    masked = mask(number)
    assert masked == "•" * 9 + number[-3:]
    # Excel drops leading zeros of a number cell: the parser restores them.
    assert parse_citizen_id(int(number), today=TODAY).number == number


@given(st.text(max_size=20))
def test_the_parser_never_crashes_on_junk(text):
    with contextlib.suppress(CitizenIdError):
        parse_citizen_id(text, today=TODAY)
