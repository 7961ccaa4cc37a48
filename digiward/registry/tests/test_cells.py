"""The messy cells of real ward lists."""

from __future__ import annotations

import contextlib
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digiward.registry.imports.cells import (
    CellError,
    parse_birth,
    parse_code,
    parse_flag,
    parse_name,
    parse_poverty,
    parse_relation,
    parse_sex,
)

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (date(1950, 3, 4), (date(1950, 3, 4), 1950)),
        (datetime(1950, 3, 4, 0, 0), (date(1950, 3, 4), 1950)),
        ("04/03/1950", (date(1950, 3, 4), 1950)),
        ("4/3/1950", (date(1950, 3, 4), 1950)),
        ("04.03.1950", (date(1950, 3, 4), 1950)),
        ("04-03-1950", (date(1950, 3, 4), 1950)),
        ("1950-03-04", (date(1950, 3, 4), 1950)),
        ("1948", (None, 1948)),
        (1948, (None, 1948)),
        (1948.0, (None, 1948)),
        ("03/1948", (None, 1948)),
        (18326, (date(1950, 3, 4), 1950)),  # an Excel serial number
        ("04/03/50", (date(1950, 3, 4), 1950)),
        ("04/03/15", (date(2015, 3, 4), 2015)),
    ],
)
def test_dates_as_lists_write_them(cell, expected):
    assert parse_birth(cell, today=TODAY) == expected


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("31/02/1950", "không có thật"),
        ("01/01/2030", "tương lai"),
        ("2030", "tương lai"),
        ("1800", "quá xa"),
        ("sinh năm Thìn", "dd/mm/yyyy"),
        ("13/1950", "Tháng"),
    ],
)
def test_bad_dates_are_explained(cell, reason):
    with pytest.raises(CellError, match=reason):
        parse_birth(cell, today=TODAY)


@given(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
def test_any_past_date_written_dd_mm_yyyy_reads_back(day):
    assert parse_birth(day.strftime("%d/%m/%Y"), today=TODAY) == (day, day.year)
    assert parse_birth(day, today=TODAY) == (day, day.year)


@given(st.text(max_size=15))
def test_date_parser_never_crashes(text):
    with contextlib.suppress(CellError):
        parse_birth(text, today=TODAY)


@pytest.mark.parametrize(
    ("cell", "status", "year"),
    [
        ("Hộ nghèo", "poor", None),
        ("HỘ CẬN NGHÈO", "near_poor", None),
        ("ho ngheo", "poor", None),
        ("Hộ có mức sống trung bình", "average_living", None),
        ("Không nghèo", "not_poor", None),
        ("Hộ nghèo năm 2025", "poor", 2025),
        ("hộ cận nghèo 2024", "near_poor", 2024),
        ("CN", "near_poor", None),
        (" Hộ  Nghèo. ", "poor", None),
    ],
)
def test_poverty_status_in_every_spelling(cell, status, year):
    assert parse_poverty(cell) == (status, year)


def test_unknown_poverty_status_is_named():
    with pytest.raises(CellError, match="Hộ giàu"):
        parse_poverty("Hộ giàu")


@pytest.mark.parametrize(
    ("cell", "relation"),
    [
        ("Chủ hộ", "head"),
        ("CHU HO", "head"),
        ("Vợ", "spouse"),
        ("chồng", "spouse"),
        ("Con", "child"),
        ("Con dâu", "child_in_law"),
        ("Mẹ", "parent"),
        ("Bà", "grandparent"),
        ("ba", "parent"),
        ("Cháu nội", "grandchild"),
        ("Em", "sibling"),
    ],
)
def test_relations(cell, relation):
    assert parse_relation(cell) == relation


@pytest.mark.parametrize(
    ("cell", "sex"), [("Nam", "male"), ("NỮ", "female"), ("nu", "female"), ("F", "female")]
)
def test_sexes(cell, sex):
    assert parse_sex(cell) == sex


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("x", True),
        ("X", True),
        ("có", True),
        (1, True),
        ("✓", True),
        ("", False),
        (None, False),
        ("không", False),
        (0, False),
    ],
)
def test_tick_columns(cell, value):
    assert parse_flag(cell) is value


def test_names_in_capitals_become_readable_and_digits_are_refused():
    assert parse_name("NGUYỄN VĂN AN") == "Nguyễn Văn An"
    assert parse_name("  Lê   Thị  Bé ") == "Lê Thị Bé"
    with pytest.raises(CellError):
        parse_name("Nguyễn Văn 2")


def test_household_codes_from_number_cells_lose_the_dot_zero():
    assert parse_code(123.0) == "123"
    assert parse_code(" NK 001 ") == "NK001"


def test_a_cell_loses_control_characters_and_direction_overrides():
    """A spreadsheet cell "Lê_x0000_V&#8238;n A" reaches us as "Lê\\x00V\\u202en A"."""
    from digiward.registry.imports.cells import text

    assert text("Lê\x00V\u202en A") == "LêVn A"
