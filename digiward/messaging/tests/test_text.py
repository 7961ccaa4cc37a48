from __future__ import annotations

import pytest

from digiward.messaging.templates import TemplateError, template_validate
from digiward.messaging.text import no_diacritics, sms_segments


def test_no_diacritics_keeps_case_and_maps_d():
    assert no_diacritics("Đổi ngày: gọi Ủy ban") == "Doi ngay: goi Uy ban"


@pytest.mark.parametrize(
    ("text", "encoding", "count"),
    [
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("€" * 80, "GSM-7", 1),  # extended characters count twice
        ("ạ" * 70, "UCS-2", 1),
        ("ạ" * 71, "UCS-2", 2),
    ],
)
def test_segments(text, encoding, count):
    segments = sms_segments(text)
    assert (segments.encoding, segments.count) == (encoding, count)


def test_template_validation():
    ok = {"code": "AB12CD34", "person": "Năm", "commune": "Xã A", "stop_phone": "0292"}
    assert template_validate("tracking_code", ok)["code"] == "AB12CD34"
    with pytest.raises(TemplateError, match="empty"):
        template_validate("tracking_code", {**ok, "person": ""})
    with pytest.raises(TemplateError, match="unexpected"):
        template_validate("tracking_code", {**ok, "extra": "x"})
    with pytest.raises(TemplateError, match="dd/mm/yyyy"):
        template_validate(
            "duty_reminder",
            {"name": "A", "day": "2026-12-05", "shift": "x", "commune": "c", "stop_phone": "p"},
        )
