"""Registry screens: permissions, scoping, search, masking, the journey, forms."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from digiward.core.models import AuditAction, AuditEvent, Role
from digiward.core.testing import assert_view_access, client_in
from digiward.registry.journey import MilestoneKind
from digiward.registry.models import Household, Milestone, Resident, ResidentStatus
from digiward.registry.services import milestone_record
from digiward.registry.tests.factories import AreaFactory, HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db

READERS = {Role.COMMUNE_ADMIN, Role.OFFICER, Role.VOLUNTEER}
EDITORS = {Role.COMMUNE_ADMIN, Role.OFFICER}


@pytest.fixture
def resident(commune):
    household = HouseholdFactory(commune=commune, code="NK001")
    person = ResidentFactory(
        commune=commune,
        household=household,
        full_name="Nguyễn Văn Đức",
        citizen_id="092060001234",
        birth_year=1960,
    )
    household.head = person
    household.save()
    return person


@pytest.mark.parametrize(
    ("name", "args", "allowed", "scoped"),
    [
        ("registry:home", [], READERS, False),
        ("registry:household_list", [], READERS, False),
        ("registry:journey", [], READERS, False),
        ("registry:household_add", [], EDITORS, False),
        ("registry:resident_add", [], EDITORS, False),
        ("registry:import", [], EDITORS, False),
        ("registry:household_detail", ["household"], READERS, True),
        ("registry:household_edit", ["household"], EDITORS, True),
        ("registry:resident_detail", ["resident"], READERS, True),
        ("registry:resident_edit", ["resident"], EDITORS, True),
    ],
)
def test_every_page_checks_role_and_commune(
    name, args, allowed, scoped, commune, other_commune, resident
):
    objects = {"household": resident.household.pk, "resident": resident.pk}
    url = reverse(name, args=[objects[a] for a in args])
    assert_view_access(
        url=url, commune=commune, other_commune=other_commune, allowed=allowed, scoped=scoped
    )


def test_posts_check_role_and_commune(commune, other_commune, resident):
    today = timezone.localdate().isoformat()
    assert_view_access(
        url=reverse("registry:milestone_add", args=[resident.pk]),
        method="post",
        data={"kind": "has_smartphone", "achieved_on": today, "source": "officer", "detail": "own"},
        commune=commune,
        other_commune=other_commune,
        allowed=READERS,
        ok_status=302,
    )
    assert_view_access(
        url=reverse("registry:citizen_id_reveal", args=[resident.pk]),
        method="post",
        commune=commune,
        other_commune=other_commune,
        allowed=EDITORS,
    )


@pytest.mark.parametrize("query", ["nguyen van duc", "NGUYỄN VĂN ĐỨC", "van duc", "đức", "duc"])
def test_search_without_diacritics_in_any_case(commune, officer, resident, query):
    ResidentFactory(commune=commune, full_name="Trần Thị Mai")
    page = client_in(officer, commune).get(reverse("registry:home"), {"q": query}).content.decode()
    assert "Nguyễn Văn Đức" in page and "Trần Thị Mai" not in page


def test_search_by_citizen_id_phone_and_household_code(commune, officer, resident):
    Resident.objects.filter(pk=resident.pk).update(phone="0912345678")
    client = client_in(officer, commune)
    for query in ["092060001234", "0912.345.678", "+84 912 345 678", "nk001"]:
        assert (
            "Nguyễn Văn Đức" in client.get(reverse("registry:home"), {"q": query}).content.decode()
        ), query
    assert (
        "Nguyễn Văn Đức"
        not in client.get(reverse("registry:home"), {"q": "092060009999"}).content.decode()
    )


def test_search_never_shows_another_communes_people(commune, other_commune, officer, resident):
    ResidentFactory(commune=other_commune, full_name="Nguyễn Văn Đức Khác")
    page = client_in(officer, commune).get(reverse("registry:home"), {"q": "khac"}).content.decode()
    assert "Đức Khác" not in page


def test_search_is_audited(commune, officer, resident):
    client_in(officer, commune).get(reverse("registry:home"), {"q": "duc"})
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_repr__contains="duc").exists()


def test_people_who_left_are_not_in_search_or_statistics(commune, officer, resident):
    from digiward.registry.selectors import registry_counts

    before = registry_counts(commune).residents
    resident.status = ResidentStatus.DECEASED
    resident.save()
    assert registry_counts(commune).residents == before - 1
    assert (
        "Nguyễn Văn Đức"
        not in client_in(officer, commune)
        .get(reverse("registry:home"), {"q": "duc"})
        .content.decode()
    )
    assert (
        client_in(officer, commune)
        .get(reverse("registry:resident_detail", args=[resident.pk]))
        .status_code
        == 200
    )


def test_citizen_id_is_masked_and_the_full_number_is_audited(commune, officer, volunteer, resident):
    url = reverse("registry:resident_detail", args=[resident.pk])
    page = client_in(volunteer, commune).get(url).content.decode()
    assert "•••••••••234" in page and "092060001234" not in page and "Xem số đầy đủ" not in page
    officer_client = client_in(officer, commune)
    assert "Xem số đầy đủ" in officer_client.get(url).content.decode()
    shown = officer_client.post(
        reverse("registry:citizen_id_reveal", args=[resident.pk]), HTTP_HX_REQUEST="true"
    )
    assert "092060001234" in shown.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.VIEW_SENSITIVE)
    assert event.actor == officer and event.object_id == str(resident.pk)


def test_detail_views_are_audited(commune, officer, resident):
    client_in(officer, commune).get(reverse("registry:resident_detail", args=[resident.pk]))
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="registry.resident", object_id=str(resident.pk)
    ).exists()


def test_one_click_records_the_next_step(commune, volunteer, resident):
    client = client_in(volunteer, commune)
    page = client.get(reverse("registry:resident_detail", args=[resident.pk])).content.decode()
    assert "Bước tiếp theo: Có điện thoại thông minh" in page
    response = client.post(
        reverse("registry:milestone_add", args=[resident.pk]),
        {
            "kind": "has_smartphone",
            "achieved_on": timezone.localdate().isoformat(),
            "source": "officer",
            "detail": "donated",
        },
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Bước tiếp theo: Có SIM chính chủ" in body
    resident.refresh_from_db()
    assert resident.journey_rung == 1
    milestone = Milestone.objects.get(resident=resident)
    assert (milestone.recorded_by, milestone.detail) == (volunteer, "donated")


def test_a_future_milestone_is_refused_with_a_message(commune, officer, resident):
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client_in(officer, commune).post(
        reverse("registry:milestone_add", args=[resident.pk]),
        {"kind": "has_sim", "achieved_on": future, "source": "officer"},
        HTTP_HX_REQUEST="true",
    )
    assert "tương lai" in response.content.decode()
    assert not Milestone.objects.exists()


def test_resident_form_keeps_what_was_typed_and_explains(commune, officer, resident):
    response = client_in(officer, commune).post(
        reverse("registry:resident_add"),
        {
            "full_name": "Phạm Thị Mới",
            "household": "NK001",
            "birth": "31/02/1990",
            "citizen_id": "0921900",
            "phone": "0912",
            "sex": "female",
            "relation_to_head": "child",
            "status": "active",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Phạm Thị Mới"' in page and 'value="0921900"' in page
    assert "không có thật" in page and "12 chữ số" in page and "thiếu chữ số" in page
    assert not Resident.objects.filter(full_name="Phạm Thị Mới").exists()


def test_resident_form_creates_with_consent_and_warns_on_mismatch(commune, officer, resident):
    client = client_in(officer, commune)
    response = client.post(
        reverse("registry:resident_add"),
        {
            "full_name": "Phạm Thị Mới",
            "household": "NK001",
            "birth": "1990",
            "citizen_id": "092090001111",
            "phone": "0912.345.670",
            "sex": "female",
            "relation_to_head": "child",
            "status": "active",
            "consent": "on",
            "consent_on": timezone.localdate().isoformat(),
            "consent_purposes": ["journey"],
            "consent_scope": "Chương trình chuyển đổi số",
        },
        follow=True,
    )
    page = response.content.decode()
    created = Resident.objects.get(full_name="Phạm Thị Mới")
    assert created.consent_on == timezone.localdate() and created.consent_by == officer
    assert created.citizen_id_masked == "•••••••••111"
    assert (created.phone, created.phone_carrier) == ("0912345670", "Vinaphone")
    assert "giới tính nam" in page  # 092 0 90…: digit 4 says male
    edit = client.get(reverse("registry:resident_edit", args=[created.pk])).content.decode()
    assert 'value="0912345670"' in edit, "the edit form shows the saved phone"
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(created.pk)).exists()


def test_the_person_marked_head_becomes_the_households_head(commune, officer, resident):
    """Households created on screen get their head from the resident form; a head who
    moves to another household leaves the old one without a head."""
    client = client_in(officer, commune)
    HouseholdFactory(commune=commune, code="NK777", head=None)
    response = client.post(
        reverse("registry:resident_add"),
        {
            "full_name": "Trần Văn Chủ",
            "household": "NK777",
            "birth": "1958",
            "sex": "male",
            "relation_to_head": "head",
            "status": "active",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    head = Resident.objects.get(full_name="Trần Văn Chủ")
    household = Household.objects.get(code="NK777")
    assert household.head == head
    assert AuditEvent.objects.filter(
        action=AuditAction.CHANGE, object_id=str(household.pk), changes__head_id=[None, head.pk]
    ).exists()

    edit = client.get(reverse("registry:resident_edit", args=[head.pk])).context["form"]
    data = {**edit.initial, "household": "NK001", "relation_to_head": "sibling"}
    data = {k: v for k, v in data.items() if v is not None and k != "citizen_id"}
    data["birth"] = "1958"
    moved = client.post(reverse("registry:resident_edit", args=[head.pk]), data)
    assert moved.status_code == 302, moved.context and moved.context["form"].errors
    household.refresh_from_db()
    assert household.head is None
    assert Household.objects.get(code="NK001").head == resident, "NK001 keeps its own head"


def test_inline_validation_of_one_field(commune, officer, resident):
    response = client_in(officer, commune).post(
        reverse("registry:resident_validate"),
        {"_field": "citizen_id", "citizen_id": "12345"},
        HTTP_HX_REQUEST="true",
    )
    assert "12 chữ số" in response.content.decode()


def test_household_code_clash_is_a_form_error(commune, officer, resident):
    response = client_in(officer, commune).post(
        reverse("registry:household_add"), {"code": "NK001", "poverty_status": "not_poor"}
    )
    assert "Đã có hộ khác" in response.content.decode()


def test_journey_view_counts_and_lists_the_stuck(commune, officer, resident):
    area = AreaFactory(commune=commune)
    other = ResidentFactory(
        commune=commune,
        full_name="Lê Thị Tiến",
        household=HouseholdFactory(commune=commune, area=area),
    )
    milestone_record(
        acting_user=officer,
        resident=other,
        kind=MilestoneKind.HAS_SMARTPHONE,
        achieved_on=timezone.localdate(),
        source="officer",
    )
    response = client_in(officer, commune).get(reverse("registry:journey"))
    rungs = {r.number: r.count for r in response.context["rungs"]}
    assert rungs[0] == 1 and rungs[1] == 1
    stuck = [r.full_name for r in response.context["stuck"]]
    assert stuck == ["Nguyễn Văn Đức"]  # recent progress is not stuck
    filtered = client_in(officer, commune).get(reverse("registry:journey"), {"area": area.pk})
    assert {r.number: r.count for r in filtered.context["rungs"]}[0] == 0


def test_list_pages_use_a_fixed_number_of_queries(commune, officer, django_assert_max_num_queries):
    for n in range(30):
        household = HouseholdFactory(commune=commune)
        ResidentFactory(commune=commune, household=household, full_name=f"Nguyễn Văn Số {n}")
    client = client_in(officer, commune)
    with django_assert_max_num_queries(14):
        client.get(reverse("registry:household_list"))
    with django_assert_max_num_queries(14):
        client.get(reverse("registry:home"), {"q": "nguyen"})
    with django_assert_max_num_queries(16):
        client.get(reverse("registry:journey"))


def test_a_head_who_died_leaves_the_lists_and_the_household_without_a_head(
    commune, other_commune, officer, volunteer, other_officer, resident
):
    url = reverse("registry:resident_status", args=[resident.pk])
    assert client_in(volunteer, commune).post(url, {"status": "deceased"}).status_code == 403
    assert (
        client_in(other_officer, other_commune).post(url, {"status": "deceased"}).status_code == 404
    )
    response = client_in(officer, commune).post(url, {"status": "deceased"})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.status == ResidentStatus.DECEASED
    assert resident.status_changed_on == timezone.localdate()
    assert Household.objects.get(pk=resident.household_id).head is None
    assert AuditEvent.objects.filter(
        action=AuditAction.CHANGE,
        object_id=str(resident.pk),
        changes__status=["active", "deceased"],
    ).exists()
    search = client_in(officer, commune).get(reverse("registry:home"), {"q": "nguyen van duc"})
    assert "Nguyễn Văn Đức" not in search.content.decode()


def test_a_milestone_recorded_by_mistake_is_removed_with_a_reason(commune, officer, resident):
    milestone = milestone_record(
        acting_user=officer,
        resident=resident,
        kind="has_smartphone",
        achieved_on=timezone.localdate(),
        source="officer",
    )
    client = client_in(officer, commune)
    url = reverse("registry:milestone_remove", args=[resident.pk, milestone.pk])
    page = client.post(url, {"reason": ""}, follow=True).content.decode()
    assert Milestone.objects.filter(pk=milestone.pk).exists(), "no reason, nothing removed"
    assert "Say why" in page or "lý do" in page
    client.post(url, {"reason": "Ghi nhầm người"})
    assert not Milestone.objects.filter(pk=milestone.pk).exists()
    resident.refresh_from_db()
    assert resident.journey_rung == 0
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, note="Ghi nhầm người").exists()


def test_a_new_phone_number_must_be_a_mobile_one_and_what_was_typed_is_kept(
    commune, officer, resident
):
    client = client_in(officer, commune)
    form = client.get(reverse("registry:resident_edit", args=[resident.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "citizen_id"}
    data |= {"birth": "1960", "phone": "0292 382 1234"}
    response = client.post(reverse("registry:resident_edit", args=[resident.pk]), data)
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert 'value="0292 382 1234"' in response.content.decode()
    resident.refresh_from_db()
    assert resident.phone == ""
