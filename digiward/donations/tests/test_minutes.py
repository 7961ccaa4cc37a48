"""The handover minutes as a signed legal record (issue 12): who received, identified by
the full citizen ID (a commune setting, audited), their relation to the head, who signed
for them; and the handover page's own wording."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from django.urls import reverse

from digiward.core.access import Access
from digiward.core.models import AuditAction, AuditEvent, Role
from digiward.core.testing import client_in
from digiward.donations import services
from digiward.donations.tests.factories import handover_weeks_ago, scenario
from digiward.registry.models import Relation
from digiward.registry.services import registry_settings_save
from digiward.registry.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db

FULL_ID = "092160001234"


def pdf_text(content: bytes) -> str:
    document = pdfium.PdfDocument(content)
    raw = " ".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    return " ".join(raw.split())  # table cells wrap: compare with the whitespace folded


@pytest.fixture
def handed(commune, officer):
    """A handover to the head's daughter, who has a citizen ID; a relative signed for her."""
    s = scenario(commune, officer, households=2, phones=2, sims=0)
    household = s.households[0]
    daughter = ResidentFactory(
        commune=commune,
        household=household,
        full_name="Lê Thị Hoa",
        relation_to_head=Relation.CHILD,
        sex="female",
        birth_year=1975,
        citizen_id=FULL_ID,
    )
    allocations = s.allocate(0, [s.phones[0]], recipient=daughter)
    s.handover = services.handover_record(
        access=s.access,
        campaign=s.campaign,
        allocations=allocations,
        details=handover_weeks_ago(confirmed_by="Con gái ký thay (mẹ không biết chữ)"),
    )
    s.daughter = daughter
    return s


def sensitive_views(resident):
    return AuditEvent.objects.filter(
        action=AuditAction.VIEW_SENSITIVE,
        object_type="registry.resident",
        object_id=str(resident.pk),
    ).count()


def test_the_minutes_print_the_full_citizen_id_and_the_print_is_audited(handed, officer, commune):
    response = client_in(officer, commune).get(
        reverse("donations:handover_minutes", args=[handed.handover.pk])
    )
    text = pdf_text(response.content)
    assert f"Số định danh cá nhân: {FULL_ID}" in text
    assert handed.daughter.citizen_id_masked not in text
    assert sensitive_views(handed.daughter) == 1, "a printed full number is a full view"


def test_a_commune_may_print_the_number_masked(handed, officer, commune):
    admin = Access(user=officer, commune=commune, roles=frozenset({Role.COMMUNE_ADMIN}))
    registry_settings_save(access=admin, journey_min_age=15, full_citizen_id_on_minutes=False)
    response = client_in(officer, commune).get(
        reverse("donations:handover_minutes", args=[handed.handover.pk])
    )
    text = pdf_text(response.content)
    assert FULL_ID not in text and handed.daughter.citizen_id_masked in text
    assert sensitive_views(handed.daughter) == 0


def test_the_minutes_name_the_relation_of_a_recipient_who_is_not_the_head(handed, officer, commune):
    response = client_in(officer, commune).get(
        reverse("donations:handover_minutes", args=[handed.handover.pk])
    )
    text = pdf_text(response.content)
    head = handed.head(0)
    assert f"Quan hệ với chủ hộ {head.full_name}: Con" in text


def test_the_minutes_of_the_head_do_not_repeat_the_relation(commune, officer):
    s = scenario(commune, officer, households=1, phones=1, sims=0)
    handover = services.handover_record(
        access=s.access,
        campaign=s.campaign,
        allocations=s.allocate(0, [s.phones[0]]),
        details=handover_weeks_ago(),
    )
    response = client_in(officer, commune).get(
        reverse("donations:handover_minutes", args=[handover.pk])
    )
    text = pdf_text(response.content)
    assert "Chủ hộ" in text and "Quan hệ với chủ hộ" not in text


def test_the_ceremony_minutes_identify_every_recipient_too(handed, officer, commune):
    day = handed.handover.handed_on
    response = client_in(officer, commune).get(
        reverse("donations:ceremony_minutes", args=[handed.campaign.pk]) + f"?date={day:%Y-%m-%d}"
    )
    text = pdf_text(response.content)
    assert FULL_ID in text and "quan hệ với chủ hộ: Con" in text
    assert sensitive_views(handed.daughter) == 1


def test_the_handover_page_does_not_double_who_signed(handed, officer, commune, vietnamese):
    page = client_in(officer, commune).get(
        reverse("donations:handover_detail", args=[handed.handover.pk])
    )
    html = page.content.decode()
    assert "Con gái ký thay (mẹ không biết chữ)" in html
    assert "ký thay Con gái" not in html, "the label and the typed words said it twice"
    assert "<dt>Quan hệ với chủ hộ</dt><dd>Con</dd>" in html, "the relation as well"


def test_the_item_receive_button_is_a_verb(handed, officer, commune, vietnamese):
    page = client_in(officer, commune).get(
        reverse("donations:item_receive", args=[handed.campaign.pk])
    )
    assert ">Ghi nhận</button>" in page.content.decode()
