"""What the officer brings, what the person has ready, and the call the day before."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.core.management import call_command
from django.utils import translation

from digiward.homecare.checklists import call_script, merged, needs_for
from digiward.homecare.models import Authority, ProcedureProfile
from digiward.procedures.models import Procedure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def catalog():
    call_command("load_procedures", verbosity=0)
    with translation.override("vi"):
        yield


def test_certification_needs_the_seal_the_register_and_someone_who_may_certify():
    signature = Procedure.objects.get(slug="chung-thuc-chu-ky")
    needs = needs_for(signature, None, default_minutes=20)
    assert needs.authority == Authority.CERTIFY
    assert any("Con dấu" in item for item in needs.officer_brings)
    assert "Sổ chứng thực" in needs.officer_brings
    assert needs.person_prepares == signature.display_documents and needs.person_prepares
    assert needs.visit_minutes == 30


def test_a_digital_task_needs_a_phone_and_no_authority():
    vneid = Procedure.objects.get(slug="vneid-dang-ky-muc-1")
    needs = needs_for(vneid, None, default_minutes=20)
    assert needs.authority == "" and needs.visit_minutes == 20
    assert any("4G" in item for item in needs.officer_brings)


def test_the_communes_own_profile_wins_field_by_field(commune):
    signature = Procedure.objects.get(slug="chung-thuc-chu-ky")
    profile = ProcedureProfile.objects.create(
        commune=commune,
        procedure=signature,
        visit_minutes=45,
        officer_brings=["Sổ chứng thực", "Mực in vân tay"],
        call_script="Nhắc gia đình chuẩn bị bàn để ký.",
    )
    needs = needs_for(signature, profile, default_minutes=20)
    assert needs.visit_minutes == 45
    assert needs.officer_brings == ["Sổ chứng thực", "Mực in vân tay"]
    assert needs.authority == Authority.CERTIFY, "not set in the profile: the default stays"
    assert needs.person_prepares == signature.display_documents
    assert needs.call_script == "Nhắc gia đình chuẩn bị bàn để ký."


def test_lists_merge_without_repeating_an_item():
    assert merged([["Căn cước", "Bút"], [" Bút", "Sổ hộ nghèo"], []]) == [
        "Căn cước",
        "Bút",
        "Sổ hộ nghèo",
    ]


def test_the_call_script_names_who_when_what_and_what_to_prepare():
    lines = call_script(
        officer="Nguyễn Văn Hùng",
        commune="Phường Ninh Kiều",
        person="bà Nguyễn Thị Năm",
        day=date(2026, 12, 3),
        at=time(9, 30),
        procedures=["Chứng thực chữ ký"],
        prepare=["Căn cước", "Giấy ủy quyền chưa ký"],
        custom=["Nhắc gia đình chuẩn bị bàn để ký."],
    )
    text = "\n".join(lines)
    assert "Nguyễn Văn Hùng" in lines[0] and "Phường Ninh Kiều" in lines[0]
    assert "bà Nguyễn Thị Năm" in lines[0]
    assert "03/12/2026" in lines[1] and "09:30" in lines[1] and "Chứng thực chữ ký" in lines[1]
    assert "Căn cước; Giấy ủy quyền chưa ký" in text
    assert "Nhắc gia đình chuẩn bị bàn để ký." in lines
    without = call_script(
        officer="Hùng",
        commune="Phường Ninh Kiều",
        person="ông Ba",
        day=None,
        at=None,
        procedures=[],
        prepare=[],
        custom=[],
    )
    assert len(without) == len(lines) - 2, "no list to prepare and no custom line"
