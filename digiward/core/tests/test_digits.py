"""Digits that are not ASCII digits: "²", "①", "١٢٣" and full-width "１２３" all pass
`str.isdigit()`, and `int()` refuses some of them. Identifiers must be ASCII digits, and
no reader of a number may crash on the others (found by tests/test_fuzz_*.py)."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import Workbook

from digiward.core.models import Commune
from digiward.core.params import id_from, number_from
from digiward.core.phones import PhoneError, parse_phone
from digiward.core.text import is_plain_digits
from digiward.donations.identifiers import IdentifierError, clean_imei
from digiward.registry.citizen_ids import CitizenIdError, looks_like_citizen_id, normalize
from digiward.registry.imports.runner import import_file
from digiward.registry.models import Household

ODD_DIGITS = ["²", "①", "\u0661\u0662\u0663", "１２３"]


@pytest.mark.parametrize("odd", ODD_DIGITS)
def test_plain_digits_are_ascii_digits_only(odd):
    assert is_plain_digits("0123456789")
    assert not is_plain_digits(odd)
    assert not is_plain_digits("")


@pytest.mark.parametrize("odd", ODD_DIGITS)
def test_ids_and_numbers_from_requests_refuse_odd_digits(odd):
    assert id_from(odd) is None
    assert id_from("9" * 19) is None  # past 64 bits
    assert id_from("0") is None
    assert id_from(" 42 ") == 42
    assert number_from(odd, default=1) == 1
    assert number_from("9" * 5000, default=1) == 1
    assert number_from("3", default=1, low=1, high=5) == 3
    assert number_from("7", default=1, low=1, high=5) == 1


@pytest.mark.parametrize("odd", ["０７９２０３００１２３４", "07920300123²"])
def test_a_citizen_id_with_odd_digits_is_refused(odd):
    with pytest.raises(CitizenIdError):
        normalize(odd)
    assert not looks_like_citizen_id(odd)


def test_a_phone_with_odd_digits_is_refused():
    with pytest.raises(PhoneError):
        parse_phone("０９１２３４５６７８")


def test_an_imei_with_odd_digits_is_refused():
    with pytest.raises(IdentifierError):
        clean_imei("①" * 15)


def test_a_commune_code_with_odd_digits_is_not_a_code():
    assert Commune.normalize_code("３１１３５") is None
    assert Commune.normalize_code("31135") == "31135"


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["²", "２０２５"])
def test_an_odd_year_in_an_import_is_a_reported_cell_not_a_crash(tmp_path, commune, year):
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã hộ", "Họ và tên", "Ngày sinh", "Phân loại hộ", "Năm công nhận"])
    sheet.append(["NK001", "Nguyễn Văn An", "04/03/1950", "Hộ nghèo", year])
    path = tmp_path / "list.xlsx"
    book.save(path)
    report = import_file(path, commune=commune, acting_user=None, today=date(2026, 11, 25))
    assert not report.written
    assert Household.objects.count() == 0
    assert [p["column"] for p in report.rejected] == ["Năm công nhận"]
