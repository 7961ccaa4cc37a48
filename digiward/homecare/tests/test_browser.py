"""The whole home-support flow once, in headless Chromium on a 360-px phone.

A relative asks for help on the public form; the officer finds the person in the
registry (eligibility), accepts, plans tomorrow's visits, opens the printable route,
records the visit and the authorization confirmation; the citizen follows the status
on the public page. Selectors use form names and data attributes, not wording, so the
test holds in any language.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from digiward.core.browser import pass_second_step, phone_page
from digiward.homecare.models import (
    Authority,
    AuthorizationConfirmation,
    HomeSupportRequest,
    HomeVisit,
    RequestStatus,
)
from digiward.homecare.tests.factories import OfficerProfileFactory, SettingsFactory
from digiward.procedures.selectors import reset_search_index
from digiward.public import views as public_views
from digiward.public.views import PLAIN_STATUS
from digiward.registry.tests.factories import HouseholdFactory, ResidentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem"  # the personas' password (core factories)


@pytest.fixture
def site(live_server, commune, officer):
    call_command("load_procedures", verbosity=0)
    reset_search_index()
    public_views._public_commune.cache_clear()
    SettingsFactory(commune=commune)
    OfficerProfileFactory(commune=commune, user=officer, authorities=[Authority.CERTIFY])
    household = HouseholdFactory(
        commune=commune,
        code="NK00042",
        latitude=Decimal("10.031200"),
        longitude=Decimal("105.779800"),
    )
    ResidentFactory(
        commune=commune, household=household, full_name="Nguyễn Thị Năm", birth_year=1941
    )
    yield live_server.url
    public_views._public_commune.cache_clear()


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def check_status(page, site, code):
    page.goto(site + "/tra-cuu/")
    page.fill("#id_code", code)
    page.fill("#id_phone_last4", "5678")
    page.click("button[type=submit]")
    return page.locator(".box--ok")


def test_from_the_public_form_to_a_certified_authorization_at_home(site, officer):
    with phone_page() as page:
        # 1. A son asks for help for his mother on the public form.
        page.goto(site + "/nho-ho-tro/")
        page.check("input[name=requester_relation][value=relative]")
        page.fill("#id_person_name", "Nguyễn Thị Năm")
        page.fill("#id_requester_name", "Lê Văn Con")
        page.fill("#id_phone", "0912 345 678")
        page.fill("#id_address", "12/3 Hẻm 5 Trần Hưng Đạo")
        page.select_option("#id_procedure", label="Chứng thực hợp đồng ủy quyền")
        page.check("input[name=reason][value=elderly]")
        page.check("#id_consent")
        page.click("button[type=submit]")
        code = page.locator(".code").inner_text().strip()
        request = HomeSupportRequest.objects.get(tracking_code=code)
        status = check_status(page, site, code)
        assert str(PLAIN_STATUS[RequestStatus.RECEIVED]) in status.inner_text()

        # 2. The officer signs in, opens the request and finds the mother in the registry.
        page.goto(site + "/accounts/login/")
        page.fill("#id_username", officer.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        pass_second_step(page, officer)
        page.goto(site + "/app/home-support/")
        page.click(f"a[href='/app/home-support/{request.pk}/']")
        assert page.locator("[data-eligibility]").get_attribute("data-eligibility") == "stated"
        assert fits_the_phone(page)
        page.click(f"a[href='/app/home-support/{request.pk}/registry/']")
        page.click("button[data-link]")  # the search already looked for her name
        assert page.locator("[data-eligibility]").get_attribute("data-eligibility") == "eligible"
        page.click("button[data-action=accept]")
        request.refresh_from_db()
        assert request.status == RequestStatus.ACCEPTED and request.latitude is not None

        # 3. Plan tomorrow's visits (a background job), then open the plan.
        page.goto(site + "/app/home-support/plans/")
        assert fits_the_phone(page)
        page.click("button[data-action=plan]")
        page.wait_for_selector("#job-status a[href*='/app/home-support/plans/']")
        page.click("#job-status a[href*='/app/home-support/plans/']")
        visit = HomeVisit.objects.get(request=request)
        assert page.locator(f"#visit-{visit.pk}").count() == 1
        assert page.locator(f"#visit-{visit.pk} a[href^='geo:']").count() == 1
        assert fits_the_phone(page)

        # 4. Print the route.
        page.click(f"a[href$='/officers/{officer.pk}/']")
        assert page.locator(".hc-sheet-stop").count() == 1
        assert page.locator("[data-print]").count() == 1
        pdf = page.request.get(
            site + f"/app/home-support/plans/{visit.day:%Y-%m-%d}/officers/{officer.pk}/route.pdf"
        )
        assert pdf.headers["content-type"] == "application/pdf"
        assert fits_the_phone(page)

        # 5. The citizen sees the planned day.
        status = check_status(page, site, code)
        assert str(PLAIN_STATUS[RequestStatus.SCHEDULED]) in status.inner_text()
        assert status.locator(f"[data-visit-day='{visit.day:%Y-%m-%d}']").count() == 1

        # 6. At the home: arrive, certify the authorization, record the visit.
        page.goto(site + f"/app/home-support/visits/{visit.pk}/")
        # The visit is planned for tomorrow: the page warns, the officer confirms.
        page.click("button[data-action=arrive-other-day]")
        page.click(f"a[href='/app/home-support/visits/{visit.pk}/authorization/']")
        assert page.input_value("#id_principal_name") == "Nguyễn Thị Năm"
        assert page.input_value("#id_agent_name") == "Lê Văn Con"
        page.fill("#id_agent_relation", "Con trai")
        page.fill("#id_scope", "Nhận trợ cấp hưu trí xã hội hằng tháng thay mẹ")
        page.check("input[name=legal_form][value=contract]")
        page.check("#id_fingerprinted")
        assert fits_the_phone(page)
        page.click("button[data-action=authorize]")
        record = AuthorizationConfirmation.objects.get(visit=visit)
        assert page.locator(f"[data-authorization='{record.register_reference}']").count() == 1
        page.check("input[name=outcome][value=completed]")
        page.check("#id_person_confirmed")
        page.check("#id_complete_now")
        page.click("button[data-action=record]")
        assert page.locator("[data-visit-status=done]").count() == 1
        assert fits_the_phone(page)
        request.refresh_from_db()
        assert request.status == RequestStatus.COMPLETED

        # 7. The citizen sees it done.
        status = check_status(page, site, code)
        assert str(PLAIN_STATUS[RequestStatus.COMPLETED]) in status.inner_text()


@pytest.fixture
def booked(site, commune, officer):
    from datetime import timedelta

    from django.utils import timezone

    from digiward.core.access import access_for
    from digiward.core.selectors import calendar_for
    from digiward.homecare import services
    from digiward.homecare.tests.factories import RequestFactory, WindowFactory

    day = calendar_for(commune).next_working_day(timezone.localdate() + timedelta(days=1))
    request = RequestFactory(commune=commune)
    WindowFactory(request=request)
    visit = services.visit_book(
        access=access_for(officer, commune), request=request, officer=officer, day=day
    )
    return {"request": request, "visit": visit, "day": day}


def test_the_main_screens_have_no_accessibility_violations(site, booked, officer):
    from digiward.core.browser import axe_violations

    day = f"{booked['day']:%Y-%m-%d}"
    paths = [
        "/app/home-support/",
        "/app/home-support/new/",
        f"/app/home-support/{booked['request'].pk}/",
        f"/app/home-support/plans/{day}/",
        f"/app/home-support/plans/{day}/officers/{officer.pk}/",
        f"/app/home-support/visits/{booked['visit'].pk}/",
        f"/app/home-support/my-visits/?day={day}",
        "/app/home-support/deadlines/",
        "/app/home-support/officers/",
    ]
    with phone_page() as page:
        page.goto(site + "/accounts/login/")
        page.fill("#id_username", officer.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        pass_second_step(page, officer)
        for path in paths:
            page.goto(site + path)
            assert axe_violations(page) == [], path
            assert fits_the_phone(page), path
