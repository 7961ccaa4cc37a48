"""The catalog: seed loading, versioned guides, commune notes, permissions."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from digiward.core.access import access_for
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction, AuditEvent, Role
from digiward.core.testing import assert_view_access, client_in
from digiward.procedures.models import CommuneProcedureNote, Guide, GuideVersion, Procedure
from digiward.procedures.selectors import reset_search_index
from digiward.procedures.services import (
    guide_edit,
    guide_revise,
    procedure_note_save,
    procedure_save,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    call_command("load_procedures", verbosity=0)


def test_seed_catalog_is_rich_sourced_and_idempotent(catalog):
    assert Procedure.objects.count() >= 25
    birth = Procedure.objects.get(slug="dang-ky-khai-sinh")
    assert birth.home_support_possible and birth.facts and all("source" in f for f in birth.facts)
    signature = Procedure.objects.get(slug="chung-thuc-chu-ky")
    assert signature.fee_vnd == 10_000
    assert "15" in signature.time_limit_text
    copies = Procedure.objects.get(slug="chung-thuc-ban-sao-tu-ban-chinh")
    assert "2.000" in copies.fee_text and "200.000" in copies.fee_text
    pension = Procedure.objects.get(slug="tro-cap-huu-tri-xa-hoi")
    assert "500.000" in pension.fee_text + pension.summary + " ".join(
        f["text"] for f in pension.facts
    )
    versions = GuideVersion.objects.count()
    call_command("load_procedures", verbosity=0)
    assert GuideVersion.objects.count() == versions


def test_editing_a_guide_keeps_the_old_version(catalog, admin):
    guide = Guide.objects.get(slug="thong-bao-luu-tru")
    first = guide.current
    content = {
        "title": first.title,
        "steps": [{"text": "Mở **VNeID**."}, {"text": "Chọn **Thông báo lưu trú**."}],
    }
    second = guide_revise(guide=guide, content=content, author=admin, change_note="Rút gọn")
    assert second.number == first.number + 1
    guide.refresh_from_db()
    assert guide.current == second
    assert GuideVersion.objects.filter(guide=guide).count() == 2
    assert GuideVersion.objects.get(pk=first.pk).steps == first.steps  # untouched
    assert guide_revise(guide=guide, content=content, author=admin) is None  # nothing changed


def test_the_national_catalog_is_read_only_for_a_commune_but_notes_are_theirs(
    catalog, commune, admin, other_commune
):
    access = access_for(admin, commune)
    guide = Guide.objects.get(slug="thong-bao-luu-tru")
    with pytest.raises(DomainError):
        guide_edit(
            access=access,
            guide=guide,
            content={"title": "x", "steps": [{"text": "y"}]},
            change_note="x",
        )
    note = procedure_note_save(
        access=access, procedure=guide.procedure, note="Quầy số 3, sáng thứ Bảy có trực."
    )
    assert note.commune == commune
    assert CommuneProcedureNote.objects.filter(commune=other_commune).count() == 0
    assert procedure_note_save(access=access, procedure=guide.procedure, note="  ") is None
    assert not CommuneProcedureNote.objects.exists()


def test_a_communes_own_procedure_is_editable_and_invisible_elsewhere(
    catalog, commune, other_commune, admin, other_officer
):
    own = Procedure.objects.create(
        commune=commune,
        slug="ho-tro-rieng",
        name="Hỗ trợ riêng của phường",
        field="other",
        online_level="in_person",
    )
    guide = Guide.objects.create(procedure=own, slug="ho-tro-rieng")
    version = guide_edit(
        access=access_for(admin, commune),
        guide=guide,
        content={"title": "Hỗ trợ", "steps": [{"text": "Đến quầy 1."}]},
        change_note="Tạo mới",
    )
    assert version.number == 1
    assert (
        client_in(other_officer, other_commune)
        .get(reverse("procedures:detail", args=[own.pk]))
        .status_code
        == 404
    )
    assert Client_get_public_guide_404("ho-tro-rieng")


def Client_get_public_guide_404(slug):
    from django.test import Client
    from django.test.utils import override_settings

    with override_settings(DIGIWARD_PUBLIC_COMMUNE="31150"):
        from digiward.public import views

        views._public_commune.cache_clear()
        status = Client().get(reverse("public:guide", args=[slug])).status_code
        views._public_commune.cache_clear()
    return status == 404


def test_staff_pages_permissions(catalog, commune, other_commune):
    procedure = Procedure.objects.get(slug="dang-ky-khai-sinh")
    everyone = {
        Role.COMMUNE_ADMIN,
        Role.OFFICER,
        Role.VOLUNTEER,
        Role.SPONSOR_VIEWER,
        Role.PROVINCE_VIEWER,
    }
    assert_view_access(
        url=reverse("procedures:catalog"),
        commune=commune,
        other_commune=other_commune,
        allowed=everyone,
        scoped=False,
    )
    assert_view_access(
        url=reverse("procedures:detail", args=[procedure.pk]),
        commune=commune,
        other_commune=other_commune,
        allowed=everyone,
        scoped=False,
    )
    assert_view_access(
        url=reverse("procedures:guide_edit", args=["dang-ky-khai-sinh"]),
        commune=commune,
        other_commune=other_commune,
        allowed={Role.COMMUNE_ADMIN},
        scoped=False,
        ok_status=302,
    )


def test_desk_search_uses_the_same_search(catalog, commune, volunteer):
    page = (
        client_in(volunteer, commune)
        .get(reverse("procedures:catalog"), {"q": "kich hoat vneid"})
        .content.decode()
    )
    assert "kích hoạt tài khoản VNeID mức 1" in page


def test_a_commune_admin_adds_a_procedure_and_writes_its_guide_through_the_pages(
    catalog, commune, other_commune, admin, other_officer
):
    """The admin adds the commune's own procedure with its facts and their source, writes
    its guide, edits it into a second version; the desk search finds it; another commune
    never sees it."""
    client = client_in(admin, commune)
    refused = client.post(reverse("procedures:procedure_add"), {"name": "Đăng ký xe đạp điện"})
    assert refused.status_code == 200 and "Đăng ký xe đạp điện" in refused.content.decode()
    assert not Procedure.objects.filter(commune=commune).exists(), "nothing half-written"
    facts = {
        "name": "Xác nhận hộ có người cao tuổi neo đơn",
        "field": "social_protection",
        "online_level": "in_person",
        "summary": "Giấy xác nhận để nhận quà Tết của phường.",
        "places": ["commune_center", "home"],
        "home_support_possible": "on",
        "documents": "Căn cước của người cao tuổi\nSổ hộ nghèo (nếu có)",
        "fee_text": "Miễn phí",
        "time_limit_working_days": "2",
        "keywords": "giay xac nhan neo don\nqua tet nguoi gia",
        "is_published": "on",
        "popularity": "5",
        "source": "Kế hoạch 12/KH-UBND của phường, 2026",
    }
    response = client.post(reverse("procedures:procedure_add"), facts)
    own = Procedure.objects.get(commune=commune)
    guide = own.guides.get()
    assert response["Location"] == reverse("procedures:guide_edit", args=[guide.slug])
    assert own.documents == ["Căn cước của người cao tuổi", "Sổ hộ nghèo (nếu có)"]
    assert own.places == ["commune_center", "home"] and own.time_limit_working_days == 2
    assert own.facts[0]["source"] == "Kế hoạch 12/KH-UBND của phường, 2026"
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(own.pk)).exists()

    steps = {
        "title": "Xin giấy xác nhận neo đơn",
        "steps": "Mang **Căn cước** đến quầy số 2.\nKý vào sổ nhận.",
        "change_note": "Viết lần đầu",
    }
    assert (
        client.post(reverse("procedures:guide_edit", args=[guide.slug]), steps).status_code == 302
    )
    steps |= {"steps": steps["steps"] + "\nNhận giấy sau 2 ngày làm việc.", "change_note": "Thêm"}
    client.post(reverse("procedures:guide_edit", args=[guide.slug]), steps)
    assert list(guide.versions.values_list("number", flat=True).order_by("number")) == [1, 2]

    client.post(reverse("procedures:procedure_edit", args=[own.pk]), facts | {"fee_vnd": "0"})
    own.refresh_from_db()
    assert own.fee_vnd == 0
    reset_search_index()
    hits = client.get(reverse("procedures:catalog"), {"q": "qua tet nguoi gia"}).content.decode()
    assert "Xác nhận hộ có người cao tuổi neo đơn" in hits
    elsewhere = client_in(other_officer, other_commune)
    assert (
        "neo đơn"
        not in elsewhere.get(
            reverse("procedures:catalog"), {"q": "qua tet nguoi gia"}
        ).content.decode()
    )
    assert elsewhere.get(reverse("procedures:procedure_edit", args=[own.pk])).status_code == 403


def test_the_national_catalog_is_not_edited_by_a_commune(catalog, commune, admin):
    birth = Procedure.objects.get(slug="dang-ky-khai-sinh")
    client = client_in(admin, commune)
    response = client.post(
        reverse("procedures:procedure_edit", args=[birth.pk]),
        {"name": "Đổi tên", "field": "civil_status", "online_level": "in_person", "source": "x"},
    )
    assert response["Location"] == reverse("procedures:detail", args=[birth.pk])
    birth.refresh_from_db()
    assert birth.name == "Đăng ký khai sinh"
    birth.name = "Đổi tên"
    with pytest.raises(DomainError):
        procedure_save(access=access_for(admin, commune), procedure=birth, source="x")


def test_adding_a_procedure_is_for_the_commune_admin(commune, other_commune):
    assert_view_access(
        url=reverse("procedures:procedure_add"),
        commune=commune,
        other_commune=other_commune,
        allowed={Role.COMMUNE_ADMIN},
        scoped=False,
    )


def test_a_changed_guide_needs_a_change_note_but_an_unchanged_one_does_not(commune, admin):
    own = Procedure.objects.create(
        commune=commune, slug="ghi-chu", name="Ghi chú", field="other", online_level="in_person"
    )
    guide = Guide.objects.create(procedure=own, slug="ghi-chu")
    access = access_for(admin, commune)
    content = {"title": "Hỗ trợ", "steps": [{"text": "Đến quầy 1."}]}
    guide_edit(access=access, guide=guide, content=content, change_note="Tạo mới")
    assert guide_edit(access=access, guide=guide, content=content, change_note="") is None
    with pytest.raises(DomainError) as refused:
        guide_edit(
            access=access,
            guide=guide,
            content={**content, "steps": [{"text": "Đến quầy 2."}]},
            change_note="  ",
        )
    assert refused.value.field == "change_note"
    guide.refresh_from_db()
    assert guide.current.number == 1 and guide.versions.count() == 1
