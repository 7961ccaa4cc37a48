"""Staff screens in a real browser at 360 px: signing in, the home page, the registry,
the catalog, campaigns and the audit log, each audited by axe-core and fitting the phone."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from digiward.core.browser import axe_violations, pass_second_step, phone_page
from digiward.procedures.selectors import reset_search_index
from digiward.registry.tests.factories import HouseholdFactory, ResidentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem"  # the personas' password (core factories)


@pytest.fixture
def site(live_server, commune, admin):
    call_command("load_procedures", verbosity=0)
    reset_search_index()
    household = HouseholdFactory(commune=commune, code="NK00042")
    person = ResidentFactory(
        commune=commune, household=household, full_name="Nguyễn Thị Năm", birth_year=1941
    )
    return live_server.url, household, person


def sign_in(page, base, user):
    page.goto(base + "/accounts/login/")
    assert axe_violations(page) == [], "login page"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    pass_second_step(page, user)


def test_a_wrong_password_is_explained_in_vietnamese_and_the_name_is_kept(site, admin):
    base, _household, _person = site
    with phone_page() as page:
        page.goto(base + "/accounts/login/")
        page.fill("#id_username", admin.username)
        page.fill("#id_password", "sai-mat-khau")
        page.click("button[type=submit]")
        assert page.input_value("#id_username") == admin.username
        assert (
            "mật khẩu"
            in page.locator("[role=alert], .error-summary, .errorlist").first.inner_text()
        )
        assert axe_violations(page) == []


def test_the_staff_screens_are_accessible_and_fit_a_phone(site, admin):
    base, household, person = site
    paths = [
        "/app/",
        "/app/registry/",
        "/app/registry/?q=nguyen+thi+nam",
        f"/app/registry/households/{household.pk}/",
        f"/app/registry/residents/{person.pk}/",
        "/app/registry/journey/",
        "/app/registry/residents/new/",
        "/app/procedures/",
        "/app/procedures/?q=kich+hoat+vneid",
        "/app/procedures/new/",
        "/app/donations/",
        "/app/audit/",
        "/accounts/password/",
    ]
    with phone_page() as page:
        sign_in(page, base, admin)
        page.wait_for_url(base + "/app/**")
        for path in paths:
            response = page.goto(base + path)
            assert response is not None and response.status == 200, path
            assert axe_violations(page) == [], path
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, path


def test_two_step_sign_in_is_walked_through_on_a_phone(site, admin, tmp_path):
    """An administrator's first sign-in: the setup page, the recovery codes, then a later
    sign-in with the code, each page accessible and within 360 px."""
    base, _household, _person = site
    shots = Path(os.environ.get("DIGIWARD_SCREENSHOTS", tmp_path))
    with phone_page() as page:
        page.goto(base + "/accounts/login/")
        page.fill("#id_username", admin.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r".*/accounts/two-step/setup/.*"))
        assert axe_violations(page) == [], "setup page"
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=str(shots / "mfa-setup-360.png"), full_page=True)
        # A wrong code first: explained, nothing turned on.
        page.fill("#id_code", "123456")
        page.locator("form:has(#id_code) button[type=submit]").click()
        assert "không đúng" in page.locator(".error-summary, .errorlist").first.inner_text()
        pass_second_step(page, admin)
        page.wait_for_url(base + "/app/")
        page.context.clear_cookies()
        page.goto(base + "/accounts/login/")
        page.fill("#id_username", admin.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r".*/accounts/two-step/\?.*"))
        assert axe_violations(page) == [], "code page"
        page.screenshot(path=str(shots / "mfa-verify-360.png"), full_page=True)
        pass_second_step(page, admin)
        page.wait_for_url(base + "/app/")
        page.goto(base + "/accounts/security/")
        assert axe_violations(page) == [], "security page"
        assert "Đang bật" in page.content()
