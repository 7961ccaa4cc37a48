"""Amounts in Vietnamese words, as on the handover minutes."""

from __future__ import annotations

import pytest

from digiward.donations.wording import number_in_words, vnd_figures, vnd_in_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (2_357_000, "Hai triệu ba trăm năm mươi bảy nghìn đồng"),
        (35_355_000, "Ba mươi lăm triệu ba trăm năm mươi lăm nghìn đồng"),  # 15 phones
        (0, "Không đồng"),
        (10, "Mười đồng"),
        (11, "Mười một đồng"),  # "một" after mười, not "mốt"
        (21, "Hai mươi mốt đồng"),  # "mốt" from 21 on
        (14, "Mười bốn đồng"),  # "bốn" after mười
        (24, "Hai mươi tư đồng"),  # "tư" from 24 on
        (15, "Mười lăm đồng"),  # "lăm" after a ten
        (55, "Năm mươi lăm đồng"),
        (20, "Hai mươi đồng"),  # "mươi" from 20 on
        (105, "Một trăm lẻ năm đồng"),  # "lẻ" and "năm" after a zero ten
        (101, "Một trăm lẻ một đồng"),
        (110, "Một trăm mười đồng"),
        (1_005_000, "Một triệu không trăm lẻ năm nghìn đồng"),  # "không trăm" inside
        (1_050_000, "Một triệu không trăm năm mươi nghìn đồng"),
        (2_000_500, "Hai triệu năm trăm đồng"),  # an all-zero group is skipped
        (500_000, "Năm trăm nghìn đồng"),
        (1_000_000_000, "Một tỷ đồng"),
        (1_000_000_005, "Một tỷ không trăm lẻ năm đồng"),
        (1_500_000_000_000, "Một nghìn năm trăm tỷ đồng"),
        (
            999_999_999,
            "Chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn "
            "chín trăm chín mươi chín đồng",
        ),
    ],
)
def test_amounts_in_words(amount, words):
    assert vnd_in_words(amount) == words


def test_linh_instead_of_le():
    assert vnd_in_words(105, odd_word="linh") == "Một trăm linh năm đồng"
    assert number_in_words(2_004, odd_word="linh") == "hai nghìn không trăm linh bốn"


def test_refuses_negative_amounts_and_unknown_words():
    with pytest.raises(ValueError, match="negative"):
        vnd_in_words(-1)
    with pytest.raises(ValueError, match="odd_word"):
        vnd_in_words(5, odd_word="le")


def test_figures_use_dots():
    assert vnd_figures(2_357_000) == "2.357.000"
    assert vnd_figures(35_355_000) == "35.355.000"
