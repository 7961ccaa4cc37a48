"""Finding the header row and the columns of a ward list."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digiward.core.text import fold
from digiward.registry.imports.headers import (
    SYNONYMS,
    Field,
    HeaderNotFound,
    detect_header,
    field_for,
    is_column_numbers,
    is_footer,
)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Họ và tên", Field.FULL_NAME),
        ("Họ tên", Field.FULL_NAME),
        ("HO TEN", Field.FULL_NAME),
        ("Số CCCD", Field.CITIZEN_ID),
        ("CCCD", Field.CITIZEN_ID),
        ("Số định danh", Field.CITIZEN_ID),
        ("Số CCCD/Số định danh cá nhân (12 số)", Field.CITIZEN_ID),
        ("Ngày sinh", Field.BIRTH),
        ("Năm sinh", Field.BIRTH),
        ("NGÀY, THÁNG, NĂM SINH", Field.BIRTH),
        ("Mã hộ", Field.HOUSEHOLD_CODE),
        ("MA HO", Field.HOUSEHOLD_CODE),
        ("Quan hệ với chủ hộ", Field.RELATION),
        ("Phân loại hộ", Field.POVERTY),
        ("Số điện thoại", Field.PHONE),
        ("SĐT", Field.PHONE),
        ("Địa chỉ", Field.ADDRESS),
        ("Khu vực", Field.AREA),
        ("Ấp", Field.AREA),
        ("Ghi chú", Field.NOTES),
        ("Nơi làm việc", None),
        ("", None),
    ],
)
def test_header_synonyms(header, field):
    assert field_for(header) == field


def test_title_rows_are_skipped_and_two_row_headers_read():
    rows = [
        ["ỦY BAN NHÂN DÂN PHƯỜNG NINH KIỀU", "", "", "", "", ""],
        ["DANH SÁCH HỘ NGHÈO NĂM 2025", "", "", "", "", ""],
        ["", "", "", "", "", ""],
        ["STT", "Mã hộ", "Họ và tên", "Ngày sinh", "Ngày sinh", "Số CCCD"],
        ["", "", "", "Nam", "Nữ", ""],
        ["1", "NK1", "Nguyễn Văn An", "1950", "", "092050001234"],
    ]
    match = detect_header(rows)
    assert match.header_row_number == 4
    assert match.data_start == 5
    fields = match.by_field
    assert fields[Field.BIRTH_MALE].index == 3 and fields[Field.BIRTH_FEMALE].index == 4
    assert fields[Field.CITIZEN_ID].header == "Số CCCD"


def test_no_name_column_is_a_clear_error():
    with pytest.raises(HeaderNotFound, match="Họ và tên"):
        detect_header([["STT", "Mã hộ", "Số CCCD"], ["1", "A", "092"]])


def test_footers_and_column_number_rows():
    assert is_footer(["", "", "Người lập biểu", "", "Chủ tịch UBND"])
    assert is_footer(["", "Ninh Kiều, ngày 12 tháng 3 năm 2026"])
    assert is_footer(["TM. ỦY BAN NHÂN DÂN"])
    assert not is_footer(["3", "NK003", "Trần Văn Lập", "1960"])
    assert is_column_numbers(["(1)", "(2)", "(3)", "(4)"])
    assert not is_column_numbers(["1", "NK001", "Nguyễn Văn An", "1950"])


def _strip_accents_randomly(text: str, mask: list[bool]) -> str:
    folded = fold(text)
    return (
        "".join(f if m else o for o, f, m in zip(text.lower(), folded, mask, strict=False))
        if len(folded) == len(text)
        else folded
    )


@given(
    titles=st.lists(st.text(alphabet="ABCDĐƯỚỜ ", max_size=30), max_size=5),
    upper=st.booleans(),
    accents=st.lists(st.booleans(), min_size=30, max_size=30),
    extra=st.sampled_from(sorted(SYNONYMS[Field.CITIZEN_ID]) + sorted(SYNONYMS[Field.BIRTH])),
)
def test_the_header_is_found_below_any_title_rows_in_any_case(titles, upper, accents, extra):
    name_header = "Họ và tên"
    written = _strip_accents_randomly(name_header, accents)
    written = written.upper() if upper else written
    rows = [[title, "", ""] for title in titles] + [
        ["STT", written, extra],
        ["1", "Lê Văn Tám", "x"],
    ]
    match = detect_header(rows)
    assert match.row_index == len(titles)
    assert match.by_field[Field.FULL_NAME].index == 1
