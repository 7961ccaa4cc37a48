"""A person's rights over their registry data: export everything, anonymise, irreversibly.

The cross-app version (help sessions, home support, donations, and every report's
numbers before and after) is test_privacy_end_to_end.py.
"""

from __future__ import annotations

import json
import stat
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from digiward.core.access import Access, access_for
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction, AuditEvent, Role
from digiward.core.permissions import Perm
from digiward.core.personal_data import sections
from digiward.core.testing import assert_view_access, client_in
from digiward.registry.journey import MilestoneKind, MilestoneSource
from digiward.registry.models import (
    AreaKind,
    Household,
    HouseholdMove,
    LegalBasis,
    Milestone,
    PovertyStatus,
    Relation,
    Resident,
    Sex,
)
from digiward.registry.privacy.sections import ANONYMOUS_NAME
from digiward.registry.privacy.services import (
    AlreadyAnonymised,
    resident_anonymise,
    resident_export,
    resident_export_pdf,
)
from digiward.registry.selectors import JourneyFilters, journey_distribution, registry_counts
from digiward.registry.services import milestone_record, resident_save
from digiward.registry.tests.factories import AreaFactory, HouseholdFactory, ResidentFactory
from digiward.registry.tests.privacy_support import pdf_text

pytestmark = pytest.mark.django_db

CITIZEN_ID = "092148001234"


@pytest.fixture
def person(commune, officer):
    area = AreaFactory(commune=commune, name="Khu vực 5", kind=AreaKind.AREA)
    home = HouseholdFactory(
        commune=commune,
        code="NK100",
        street="Mậu Thân",
        house_number="12",
        area=area,
        poverty_status=PovertyStatus.POOR,
        poverty_year=2025,
        latitude="10.030000",
        longitude="105.770000",
    )
    earlier = HouseholdFactory(commune=commune, code="NK099")
    person = ResidentFactory(
        commune=commune,
        household=home,
        full_name="Trần Thị Năm",
        birth_date=date(1948, 5, 2),
        sex=Sex.FEMALE,
        phone="0987654321",
        phone_carrier="Viettel",
        notes="Bà nghe kém, nói to",
        relation_to_head=Relation.HEAD,
        lives_alone=True,
        disability=True,
        citizen_id=CITIZEN_ID,
        legal_basis=LegalBasis.OFFICIAL_LIST,
        legal_basis_on=date(2026, 1, 5),
    )
    home.head = person
    home.save()
    today = timezone.localdate()
    milestone_record(
        acting_user=officer,
        resident=person,
        kind=MilestoneKind.HAS_SMARTPHONE,
        achieved_on=today - timedelta(days=20),
        source=MilestoneSource.OFFICER,
        detail="shared",
    )
    milestone_record(
        acting_user=officer,
        resident=person,
        kind=MilestoneKind.VNEID_LEVEL1,
        achieved_on=today - timedelta(days=3),
        source=MilestoneSource.HOME_VISIT,
        detail="Cháu Sáu giúp cài",
    )
    HouseholdMove.objects.create(
        resident=person, from_household=earlier, to_household=home, moved_on=date(2025, 8, 1)
    )
    return person


def admin_access(admin, commune) -> Access:
    access = access_for(admin, commune)
    assert access is not None
    return access


# ---- Export -------------------------------------------------------------------------------


def test_the_export_holds_every_section_with_iso_dates_and_the_full_id_for_an_admin(
    commune, admin, person
):
    data = resident_export(access=admin_access(admin, commune), resident=person)
    assert data["format"] == "digiward.person-export/1"
    assert data["resident"] == {"id": person.pk, "anonymised": False}
    assert data["citizen_ids"] == "full"
    assert list(data["sections"]) == [s.key for s in sections()]  # every app's sections
    me = data["sections"]["registry.person"]["records"][0]
    assert me["full_name"] == "Trần Thị Năm"
    assert me["birth_date"] == "1948-05-02" and me["birth_year"] == 1948
    assert me["citizen_id"] == CITIZEN_ID
    assert me["phone"] == "0987654321" and me["notes"] == "Bà nghe kém, nói to"
    assert me["legal_basis"] == "official_list" and me["legal_basis_on"] == "2026-01-05"
    assert me["lives_alone"] is True and me["sex"] == "female"
    journey = data["sections"]["registry.journey"]["records"]
    assert [m["kind"] for m in journey] == ["has_smartphone", "vneid_level1"]
    assert journey[0]["achieved_on"] == (timezone.localdate() - timedelta(days=20)).isoformat()
    assert journey[0]["recorded_by"] == "Nguyễn Văn Hùng"
    moves = data["sections"]["registry.moves"]["records"]
    assert moves == [{"moved_on": "2025-08-01", "from_household": "NK099", "to_household": "NK100"}]
    household = data["sections"]["registry.household"]["records"][0]
    assert household["code"] == "NK100" and household["street"] == "Mậu Thân"
    assert household["poverty_status"] == "poor" and household["is_head"] is True
    assert data["sections"]["guidance.help_sessions"]["records"] == []
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_id=str(person.pk))
    assert event.changes == {"format": [None, "json"], "citizen_id": [None, "full"]}
    assert "registry.journey 2" in event.note and event.actor == admin
    json.dumps(data)  # everything is JSON already


def test_the_citizen_id_is_masked_for_a_role_that_may_not_see_it(commune, admin, person):
    access = Access(user=admin, commune=commune, roles=frozenset({Role.COMMUNE_ADMIN}))
    object.__setattr__(access, "perms", access.perms - {Perm.VIEW_FULL_CITIZEN_ID})
    data = resident_export(access=access, resident=person)
    assert data["citizen_ids"] == "masked"
    assert data["sections"]["registry.person"]["records"][0]["citizen_id"] == "•••••••••234"
    assert CITIZEN_ID not in json.dumps(data)
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.changes["citizen_id"] == [None, "masked"]


def test_only_a_commune_administrator_exports_or_anonymises(commune, officer, person):
    access = access_for(officer, commune)
    with pytest.raises(PermissionDenied):
        resident_export(access=access, resident=person)
    with pytest.raises(PermissionDenied):
        resident_anonymise(access=access, resident=person, reason="Yêu cầu")
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_another_communes_person_is_refused(commune, other_commune, admin):
    stranger = ResidentFactory(commune=other_commune)
    with pytest.raises(DomainError):
        resident_export(access=admin_access(admin, commune), resident=stranger)
    with pytest.raises(DomainError):
        resident_anonymise(access=admin_access(admin, commune), resident=stranger, reason="x")


def test_the_pdf_is_in_vietnamese_with_every_section(commune, admin, person, vietnamese):
    content = resident_export_pdf(access=admin_access(admin, commune), resident=person)
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "PHIẾU CUNG CẤP DỮ LIỆU CÁ NHÂN" in text
    assert "Trần Thị Năm" in text and CITIZEN_ID in text and "02/05/1948" in text
    assert "Quyền của chủ thể dữ liệu" in text and "Không có dữ liệu." in text
    assert "Hành trình số" in text  # a section title, in Vietnamese
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.changes["format"] == [None, "pdf"]


# ---- Anonymisation --------------------------------------------------------------------------


def test_anonymising_erases_the_registry_fields_and_keeps_the_statistics(commune, admin, person):
    counts_before = registry_counts(commune)
    journey_before = journey_distribution(commune, JourneyFilters())
    elderly_before = journey_distribution(commune, JourneyFilters(age_band="75+"))
    alone_before = journey_distribution(commune, JourneyFilters(vulnerability="lives_alone"))
    result = resident_anonymise(
        access=admin_access(admin, commune),
        resident=person,
        reason="Đơn yêu cầu xóa dữ liệu ngày 02/12/2026",
    )
    person.refresh_from_db()
    assert person.full_name == f"{ANONYMOUS_NAME} 1" == result.label
    assert person.name_folded == "nguoi da an danh 1"
    assert person.birth_date is None and person.birth_year == 1948  # age bands still count
    assert person.sex == "" and person.phone == "" and person.phone_carrier == ""
    assert (person.citizen_id_encrypted, person.citizen_id_hash, person.citizen_id_masked) == (
        "",
        None,
        "",
    )
    assert person.notes == "" and person.anonymised_at is not None
    assert person.lives_alone and person.disability and person.journey_rung == 4
    milestones = dict(Milestone.objects.filter(resident=person).values_list("kind", "detail"))
    assert milestones == {"has_smartphone": "shared", "vneid_level1": ""}
    assert not HouseholdMove.objects.filter(resident=person).exists()
    home = Household.objects.get(pk=person.household_id)  # she was its only member
    assert (home.street, home.house_number, home.latitude, home.longitude) == ("", "", None, None)
    assert home.code == f"AD-{home.pk}" and home.area.name == "Khu vực 5"
    assert home.poverty_status == PovertyStatus.POOR and home.poverty_year == 2025
    assert registry_counts(commune) == counts_before
    assert journey_distribution(commune, JourneyFilters()) == journey_before
    assert journey_distribution(commune, JourneyFilters(age_band="75+")) == elderly_before
    assert (
        journey_distribution(commune, JourneyFilters(vulnerability="lives_alone")) == alone_before
    )
    event = AuditEvent.objects.get(action=AuditAction.DELETE, object_id=str(person.pk))
    assert event.object_repr == result.label  # the new row adds no name
    assert "Trần Thị Năm" not in json.dumps(event.changes) + event.note
    assert event.note == "anonymised: Đơn yêu cầu xóa dữ liệu ngày 02/12/2026"
    assert set(event.changes) >= {"registry.person", "registry.moves", "registry.household"}
    # The audit log is not rewritten: the earlier rows still say who was viewed.
    assert AuditEvent.objects.filter(object_repr__contains="Trần Thị Năm").exists()


def test_a_household_with_someone_left_keeps_its_address(commune, admin, person):
    ResidentFactory(commune=commune, household=person.household, full_name="Trần Văn Bảy")
    resident_anonymise(access=admin_access(admin, commune), resident=person, reason="Yêu cầu")
    home = Household.objects.get(pk=person.household_id)
    assert (home.code, home.street, home.house_number) == ("NK100", "Mậu Thân", "12")


def test_the_neutral_labels_are_numbered_in_the_commune(commune, admin, person):
    other = ResidentFactory(commune=commune)
    resident_anonymise(access=admin_access(admin, commune), resident=person, reason="a")
    resident_anonymise(access=admin_access(admin, commune), resident=other, reason="b")
    other.refresh_from_db()
    assert other.full_name == f"{ANONYMOUS_NAME} 2"


def test_anonymisation_is_irreversible(commune, admin, officer, person):
    access = admin_access(admin, commune)
    resident_anonymise(access=access, resident=person, reason="Yêu cầu của bà")
    with pytest.raises(AlreadyAnonymised):
        resident_anonymise(access=access, resident=person, reason="lần hai")
    person.refresh_from_db()
    person.full_name = "Trần Thị Năm"
    with pytest.raises(DomainError, match=r"anonymised|ẩn danh"):
        resident_save(access=access_for(officer, commune), resident=person)
    assert Resident.objects.get(pk=person.pk).full_name.startswith(ANONYMOUS_NAME)
    with pytest.raises(DomainError):
        milestone_record(
            acting_user=officer,
            resident=person,
            kind=MilestoneKind.HAS_SIM,
            achieved_on=timezone.localdate(),
            source=MilestoneSource.OFFICER,
        )
    client = client_in(officer, commune)
    response = client.get(reverse("registry:resident_edit", args=[person.pk]))
    assert response.status_code == 302
    response = client.post(
        reverse("registry:resident_edit", args=[person.pk]),
        {"full_name": "Trần Thị Năm", "household": "x", "status": "active"},
    )
    assert Resident.objects.get(pk=person.pk).full_name.startswith(ANONYMOUS_NAME)
    client.post(reverse("registry:resident_status", args=[person.pk]), {"status": "deceased"})
    assert Resident.objects.get(pk=person.pk).status == "active"
    # An export now holds nothing personal.
    data = json.dumps(resident_export(access=access, resident=person), ensure_ascii=False)
    for trace in ("Trần Thị Năm", CITIZEN_ID, "0987654321", "1948-05-02", "nghe kém", "Mậu Thân"):
        assert trace not in data
    assert json.loads(data)["resident"]["anonymised"] is True


def test_a_reason_is_needed(commune, admin, person):
    with pytest.raises(DomainError) as refused:
        resident_anonymise(access=admin_access(admin, commune), resident=person, reason="  ")
    assert refused.value.field == "reason"
    person.refresh_from_db()
    assert person.anonymised_at is None


# ---- Commands ---------------------------------------------------------------------------------


def test_export_person_writes_the_full_json_privately_and_is_audited(commune, person, tmp_path):
    target = tmp_path / "nam.json"
    pdf = tmp_path / "nam.pdf"
    out = StringIO()
    call_command(
        "export_person",
        "--commune",
        commune.code,
        "--resident",
        str(person.pk),
        "-o",
        str(target),
        "--pdf",
        str(pdf),
        stdout=out,
    )
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["sections"]["registry.person"]["records"][0]["citizen_id"] == CITIZEN_ID
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert pdf.read_bytes().startswith(b"%PDF")
    assert str(target) in out.getvalue()
    events = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(person.pk))
    assert events.count() == 2 and {e.source for e in events} == {"command"}
    assert all("export_person" in e.path and e.actor is None for e in events)


def test_export_person_refuses_an_unknown_person_or_commune(commune, other_commune, tmp_path):
    stranger = ResidentFactory(commune=other_commune)
    with pytest.raises(CommandError):
        call_command(
            "export_person",
            "--commune",
            commune.code,
            "--resident",
            str(stranger.pk),
            "-o",
            str(tmp_path / "x.json"),
        )
    with pytest.raises(CommandError):
        call_command(
            "export_person", "--commune", "00000", "--resident", "1", "-o", str(tmp_path / "x")
        )
    assert not Path(tmp_path / "x.json").exists()


def test_anonymise_person_command(commune, person):
    out = StringIO()
    call_command(
        "anonymise_person",
        "--commune",
        commune.code,
        "--resident",
        str(person.pk),
        "--dry-run",
        "--reason",
        "thử",
        stdout=out,
    )
    assert "registry.journey: 2" in out.getvalue()
    assert Resident.objects.get(pk=person.pk).anonymised_at is None
    out = StringIO()
    call_command(
        "anonymise_person",
        "--commune",
        commune.code,
        "--resident",
        str(person.pk),
        "--reason",
        "Đơn ngày 02/12/2026",
        stdout=out,
    )
    assert f"{ANONYMOUS_NAME} 1" in out.getvalue() and "registry.moves: moves 1" in out.getvalue()
    event = AuditEvent.objects.get(action=AuditAction.DELETE, object_id=str(person.pk))
    assert event.source == "command" and event.note == "anonymised: Đơn ngày 02/12/2026"
    with pytest.raises(CommandError):
        call_command(
            "anonymise_person",
            "--commune",
            commune.code,
            "--resident",
            str(person.pk),
            "--reason",
            "again",
        )


# ---- Pages ----------------------------------------------------------------------------------


def test_the_privacy_pages_are_for_commune_administrators_only(commune, other_commune, person):
    for name in ("registry:resident_export", "registry:resident_anonymise"):
        assert_view_access(
            url=reverse(name, args=[person.pk]),
            commune=commune,
            other_commune=other_commune,
            allowed={Role.COMMUNE_ADMIN},
        )
    assert_view_access(
        url=reverse("registry:resident_export", args=[person.pk]),
        commune=commune,
        other_commune=other_commune,
        allowed={Role.COMMUNE_ADMIN},
        method="post",
        data={"format": "json"},
    )
    assert_view_access(
        url=reverse("registry:resident_anonymise", args=[person.pk]),
        commune=commune,
        other_commune=other_commune,
        allowed={Role.COMMUNE_ADMIN},
        method="post",
        data={"confirm_name": "Tran Thi Nam", "reason": "Đơn yêu cầu"},
        ok_status=302,
    )
    person.refresh_from_db()
    assert person.is_anonymised  # the allowed POST did it, once


def test_the_export_page_downloads_json_and_pdf(commune, admin, person):
    client = client_in(admin, commune)
    page = client.get(reverse("registry:resident_export", args=[person.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("registry:resident_export", args=[person.pk]), {"format": "json"}
    )
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert f"-{person.pk}-" in response["Content-Disposition"]
    assert json.loads(response.content)["sections"]["registry.person"]["records"][0]["phone"]
    response = client.post(reverse("registry:resident_export", args=[person.pk]), {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf" and response.content[:4] == b"%PDF"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 2


def test_the_confirmation_step_wants_the_name_and_a_reason(commune, admin, person, vietnamese):
    client = client_in(admin, commune)
    url = reverse("registry:resident_anonymise", args=[person.pk])
    page = client.get(url).content.decode()
    assert "Không thể hoàn tác" in page and "Nhật ký truy cập giữ nguyên" in page
    response = client.post(url, {"confirm_name": "Trần Thị Mười", "reason": "Đơn"})
    assert response.status_code == 200
    assert "không đúng họ tên" in response.content.decode()
    response = client.post(url, {"confirm_name": "tran thi nam", "reason": ""})
    assert response.status_code == 200
    person.refresh_from_db()
    assert not person.is_anonymised
    response = client.post(url, {"confirm_name": "tran thi nam", "reason": "Đơn"}, follow=True)
    person.refresh_from_db()
    assert person.is_anonymised
    page = response.content.decode()
    assert "Đã ẩn danh ngày" in page and person.full_name in page
    assert reverse("registry:resident_edit", args=[person.pk]) not in page
    assert client.get(url).status_code == 302  # nothing left to anonymise


def test_the_resident_page_shows_the_basis_and_links_for_an_admin(
    commune, admin, officer, person, vietnamese
):
    page = client_in(admin, commune).get(reverse("registry:resident_detail", args=[person.pk]))
    text = page.content.decode()
    assert "DigiWard được làm gì với thông tin này" in text
    assert "Danh sách chính thức của xã/phường" in text and "05/01/2026" in text
    assert reverse("registry:resident_export", args=[person.pk]) in text
    assert reverse("registry:resident_anonymise", args=[person.pk]) in text
    text = (
        client_in(officer, commune)
        .get(reverse("registry:resident_detail", args=[person.pk]))
        .content.decode()
    )
    assert "DigiWard được làm gì với thông tin này" in text
    assert reverse("registry:resident_export", args=[person.pk]) not in text
