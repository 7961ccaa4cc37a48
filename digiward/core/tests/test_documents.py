from datetime import date

from digiward.core.documents import date_words, in_sentence, place_name


def test_dates_are_written_as_decree_30_writes_them():
    assert date_words(date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
    assert date_words(date(2026, 1, 20)) == "ngày 20 tháng 01 năm 2026"
    assert date_words(date(2026, 9, 20)) == "ngày 20 tháng 9 năm 2026"
    assert date_words(date(2026, 12, 1)) == "ngày 01 tháng 12 năm 2026"


def test_a_commune_name_before_the_date_and_inside_a_sentence():
    assert place_name("Phường Ninh Kiều") == "Ninh Kiều"
    assert place_name("Đặc khu Phú Quốc") == "Phú Quốc"
    assert place_name("Ninh Kiều") == "Ninh Kiều"
    assert in_sentence("Xã Thới Lai") == "xã Thới Lai"
    assert in_sentence("Đặc khu Côn Đảo") == "đặc khu Côn Đảo"
    assert in_sentence("Ninh Kiều") == "Ninh Kiều"


def test_a_date_is_written_day_first_in_both_languages():
    from django.utils import translation

    from digiward.core.dates import day_text

    for language in ("vi", "en"):
        with translation.override(language):
            assert day_text(date(2026, 2, 5)) == "05/02/2026"
