"""A volunteer must not be able to recover a full citizen ID (security test finding 1).

The attack: the masked ID gives some digits, the sex and year of birth on the same page
give digits 4–6, and a search by a 12-digit number answers "is this the one?" — with
no limit, 100 guesses find the rest. Each step is closed here: a mask that keeps only
the last 3 digits, an ID search only for roles allowed to see IDs, a per-person limit
and a security alert for everyone, and the audit log never storing the ID typed.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from digiward.core.models import AuditAction, AuditEvent, OutboxMessage
from digiward.core.testing import client_in
from digiward.registry.citizen_ids import mask
from digiward.registry.search import ID_SEARCHES_PER_HOUR, REFUSALS_BEFORE_ALERT
from digiward.registry.tests.factories import HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db

CITIZEN_ID = "092060001234"


@pytest.fixture
def resident(commune):
    household = HouseholdFactory(commune=commune, code="NK001")
    return ResidentFactory(
        commune=commune,
        household=household,
        full_name="Nguyễn Văn Đức",
        citizen_id=CITIZEN_ID,
        birth_year=1960,
    )


def _search(client, query, url_name="registry:home"):
    return client.get(reverse(url_name), {"q": query}).content.decode()


def test_the_mask_keeps_only_the_last_three_digits():
    assert mask(CITIZEN_ID) == "•••••••••234"
    # Digits 1–6 (province of birth, century and sex, year of birth) never show.
    assert CITIZEN_ID[:6] not in mask(CITIZEN_ID)


def test_a_volunteer_sees_no_more_than_the_last_three_digits(commune, volunteer, resident):
    client = client_in(volunteer, commune)
    page = client.get(reverse("registry:resident_detail", args=[resident.pk])).content.decode()
    assert "•••••••••234" in page
    for shown in ("0921", "092•", "1234"):
        assert shown not in page.replace("1234567", "")


def test_a_volunteer_cannot_search_by_citizen_id(commune, volunteer, resident):
    client = client_in(volunteer, commune)
    page = _search(client, CITIZEN_ID)
    assert resident.full_name not in page
    assert "Chỉ cán bộ được xem số CCCD" in page

    # A wrong guess and the right one look exactly alike: no oracle.
    def results(query):
        return client.get(
            reverse("registry:home"),
            {"q": query},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="search-results",
        ).content.decode()

    assert results("092060001235").replace("1235", "X") == results(CITIZEN_ID).replace("1234", "X")


def test_the_help_session_log_search_is_closed_too(commune, volunteer, resident):
    client = client_in(volunteer, commune)
    page = client.get(reverse("guidance:session_residents"), {"q": CITIZEN_ID}).content.decode()
    assert resident.full_name not in page
    assert "Chỉ cán bộ được xem số CCCD" in page
    # Searching by name still works at the desk.
    assert (
        resident.full_name
        in client.get(
            reverse("guidance:session_residents"), {"q": "nguyen van duc"}
        ).content.decode()
    )


def test_repeated_attempts_by_a_volunteer_raise_one_alert(commune, volunteer, admin, resident):
    admin.email = "mai@ninhkieu.gov.vn"
    admin.save()
    client = client_in(volunteer, commune)
    for last in range(REFUSALS_BEFORE_ALERT + 2):
        _search(client, f"0920600012{last:02d}")
    alerts = AuditEvent.objects.filter(action=AuditAction.SECURITY_ALERT, object_id=volunteer.pk)
    assert alerts.count() == 1
    assert OutboxMessage.objects.filter(recipient="mai@ninhkieu.gov.vn").count() == 1
    assert mail.outbox or OutboxMessage.objects.exists()


def test_an_officer_finds_by_citizen_id_up_to_a_limit(commune, officer, resident):
    client = client_in(officer, commune)
    assert resident.full_name in _search(client, CITIZEN_ID)
    for _ in range(ID_SEARCHES_PER_HOUR - 1):
        _search(client, "092060009999")
    # Over the limit: refused, even for the right number, and an alert is raised.
    page = _search(client, CITIZEN_ID)
    assert resident.full_name not in page
    assert "tối đa" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.SECURITY_ALERT, object_id=officer.pk
    ).exists()
    # Names are still searchable.
    assert resident.full_name in _search(client, "nguyen van duc")


def test_the_audit_log_stores_an_id_typed_in_a_search_masked(commune, officer, resident):
    client = client_in(officer, commune)
    _search(client, "092 060 001 234")
    _search(client, CITIZEN_ID)
    for event in AuditEvent.objects.filter(object_type="registry.resident"):
        stored = " ".join([event.object_repr, event.note, event.path])
        assert "001234" not in stored.replace(" ", "").replace("%20", "").replace("+", "")
        assert "234" in stored
