"""Control characters are cleaned at the edge (security test findings 5 and 9).

A name with a vertical tab, a search for NULs (a 500 on PostgreSQL), a right-to-left
override in the public form shown raw to staff: whatever a request carries, what is
stored and searched holds no control character.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from digiward.core.models import AuditEvent
from digiward.core.testing import client_in
from digiward.homecare.models import HomeSupportRequest
from digiward.procedures.selectors import reset_search_index
from digiward.public import views as public_views
from digiward.registry.tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

RLO = "\u202e"


def test_a_nul_search_is_answered_not_a_500(commune, volunteer):
    client = client_in(volunteer, commune)
    for url in (
        reverse("registry:home") + "?q=%00%00",
        reverse("registry:household_list") + "?q=ab%00c",
        reverse("guidance:session_residents") + "?q=%00%00",
        reverse("registry:journey") + "?area=%00",
    ):
        assert client.get(url).status_code == 200, url
    stored = " ".join(AuditEvent.objects.values_list("path", flat=True))
    assert "\x00" not in stored


def test_form_values_lose_control_characters(commune, officer):
    household = HouseholdFactory(commune=commune, code="NK-1")
    client_in(officer, commune).post(
        reverse("registry:household_edit", args=[household.pk]),
        {
            "code": "NK-1",
            "street": "Trần\x0bHưng\x00Đạo",
            "house_number": "12",
            "poverty_status": "not_poor",
        },
    )
    household.refresh_from_db()
    assert household.street == "TrầnHưngĐạo"


def test_a_right_to_left_override_never_reaches_staff(client, commune):
    call_command("load_procedures", verbosity=0)
    reset_search_index()
    public_views._public_commune.cache_clear()
    client.post(
        reverse("public:help_at_home"),
        {
            "requester_relation": "relative",
            "person_name": f"Nguyễn Thị {RLO}mĂN",
            "requester_name": "Lê Văn Con",
            "phone": "0912 345 678",
            "address": f"12 Trần Hưng Đạo {RLO}8765",
            "procedure": "",
            "procedure_other": "Chứng thực",
            "reason": "elderly",
            "preferred_times": "Buổi sáng",
            "consent": "on",
            "website": "",
        },
    )
    public_views._public_commune.cache_clear()
    request = HomeSupportRequest.objects.get()
    assert RLO not in request.person_name and RLO not in request.address
    assert request.person_name == "Nguyễn Thị mĂN"


def test_a_path_with_a_control_character_is_not_found(client):
    assert client.get("/huong-dan/%00/").status_code == 404
    assert client.get("/huong-dan/a%0bb/").status_code == 404
