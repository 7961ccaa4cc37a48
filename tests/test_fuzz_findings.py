"""What the fuzz found, as plain examples (no randomness), each with where it was.

All of them are fixed and pass. A new finding is written here first, marked
xfail(strict=True) with its entry in tests/fuzzing.py KNOWN_HOLES, so the suite stays green
until the fix; once fixed, the strict mark fails until the mark and the entry are removed.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from digiward.core.testing import client_in
from digiward.donations.forms import AllocationForm, CampaignForm, HandoverForm
from digiward.donations.models import Campaign
from digiward.homecare.forms import RequestForm
from digiward.registry.models import Household

pytestmark = pytest.mark.django_db

HUGE_ID = "9" * 20  # past 2**63: SQLite cannot take it as an INTEGER
NOT_A_NUMBER = "²"  # str.isdigit() says yes, int() says no


@pytest.fixture
def staff(commune, admin):
    return client_in(admin, commune)


# --- Fixed: an id past 2**63 in a multiple choice (OverflowError on SQLite) -----------------
# digiward/donations/forms.py and digiward/homecare/forms.py: IdsField.
def test_a_huge_id_in_a_multiple_choice_is_refused(commune, donation_objects):
    campaign = Campaign.objects.get(pk=donation_objects["campaign"])
    household = Household.objects.get(pk=donation_objects["waiting_household"])
    forms = [
        AllocationForm({"items": [HUGE_ID]}, household=household, campaign=campaign),
        HandoverForm({"allocations": [HUGE_ID]}, household=household, campaign=campaign),
        CampaignForm({"sponsors": [HUGE_ID]}, commune=commune),
        RequestForm({"extra_procedures": [HUGE_ID]}, commune=commune),
    ]
    for form, field in zip(
        forms, ["items", "allocations", "sponsors", "extra_procedures"], strict=True
    ):
        assert not form.is_valid()
        assert field in form.errors, type(form).__name__


def test_a_huge_id_posted_to_the_campaign_form_is_answered(staff, donation_objects):
    response = staff.post(reverse("donations:campaign_create"), {"sponsors": [HUGE_ID]})
    assert response.status_code == 200


def test_ordinary_ids_still_work_in_a_multiple_choice(commune, donation_objects):
    form = CampaignForm({"sponsors": [str(donation_objects["sponsor"])]}, commune=commune)
    form.is_valid()
    assert "sponsors" not in form.errors


# --- Fixed: ids checked with str.isdigit() and read with int() (ValueError) ------------------
@pytest.mark.parametrize("value", [NOT_A_NUMBER, "9" * 5000])
def test_odd_digits_in_guidance_requests_are_answered(staff, guidance_objects, value):
    """digiward/guidance/views/desk.py (session_log: ticket, resident; session_link:
    resident) and roster.py (assignment_add: member; swap_accept: offered)."""
    w = guidance_objects
    assert staff.get(reverse("guidance:session_log"), {"ticket": value}).status_code == 200
    assert staff.post(reverse("guidance:session_log"), {"ticket": value}).status_code < 500
    assert staff.post(reverse("guidance:session_log"), {"resident": value}).status_code < 500
    link = reverse("guidance:session_link", args=[w["session"]])
    assert staff.post(link, {"resident": value}).status_code == 200
    add = reverse("guidance:assignment_add", args=[w["shift"]])
    assert staff.post(add, {"member": value}).status_code == 302
    accept = reverse("guidance:swap_accept", args=[w["swap"]])
    assert staff.post(accept, {"offered": value}).status_code == 302


@pytest.mark.parametrize("value", [NOT_A_NUMBER, "9" * 5000, "99999"])
def test_odd_digits_in_home_support_requests_are_answered(staff, homecare_objects, value):
    """digiward/homecare/views/visits.py (authorization_list: year) and requests.py
    (request_link: resident)."""
    listing = staff.get(reverse("homecare:authorization_list"), {"year": value})
    assert listing.status_code == 200
    link = reverse("homecare:request_link", args=[homecare_objects["request"]])
    assert staff.post(link, {"resident": value}).status_code < 500


@pytest.mark.parametrize("value", [NOT_A_NUMBER, "9" * 5000, HUGE_ID])
def test_odd_digits_in_the_priority_list_filter_are_answered(staff, donation_objects, value):
    """digiward/donations/views/campaigns.py priority_list: group."""
    url = reverse("donations:list", args=[donation_objects["campaign"]])
    assert staff.get(url, {"group": value}).status_code == 200


# --- Fixed: registry ids read by hand (digiward/core/params.py id_from, number_from) ---------
def test_an_odd_page_number_in_the_registry_search(staff, registry_objects):
    assert staff.get(reverse("registry:home"), {"page": NOT_A_NUMBER}).status_code == 200


def test_an_odd_area_in_the_household_list(staff, registry_objects):
    url = reverse("registry:household_list")
    assert staff.get(url, {"area": NOT_A_NUMBER}).status_code == 200


def test_a_huge_area_in_the_household_list(staff, registry_objects):
    url = reverse("registry:household_list")
    assert staff.get(url, {"area": HUGE_ID}).status_code == 200


def test_an_odd_household_for_a_new_resident(staff, registry_objects):
    url = reverse("registry:resident_add")
    assert staff.get(url, {"household": NOT_A_NUMBER}).status_code == 200


def test_an_odd_resident_id_when_checking_a_field(staff, registry_objects):
    url = reverse("registry:resident_validate")
    data = {"_field": "full_name", "full_name": "A", "resident_id": NOT_A_NUMBER}
    assert staff.post(url, data).status_code == 200


# --- Fixed: searches longer than SQLite's LIKE pattern limit (core/params.py search_text) ---
@pytest.mark.parametrize("name", ["core:audit_log", "registry:home", "registry:household_list"])
def test_a_very_long_search(staff, registry_objects, name):
    assert staff.get(reverse(name), {"q": "x" * 60_000}).status_code == 200


# --- Fixed: a very long username at sign-in (core/request_context.py sign_in_username) ----
def test_a_very_long_username_at_sign_in(db):
    response = Client().post(reverse("login"), {"username": "9" * 300, "password": "x"})
    assert response.status_code == 200
