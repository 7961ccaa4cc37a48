"""The citizen's journey in a real browser at 360 px, and an accessibility audit."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from digiward.core.browser import axe_violations, phone_page
from digiward.homecare.models import HomeSupportRequest
from digiward.procedures.selectors import reset_search_index
from digiward.public import views

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, commune):
    call_command("load_procedures", verbosity=0)
    reset_search_index()
    views._public_commune.cache_clear()
    yield live_server.url
    views._public_commune.cache_clear()


def test_search_read_ask_for_help_and_check_the_status(site):
    with phone_page() as page:
        page.goto(site + "/")
        assert page.locator("h1").inner_text() == "Bạn muốn làm gì?"
        page.fill("#q", "kich hoat vneid")
        page.click("form.search button[type=submit]")
        page.click("ol.results a >> nth=0")
        assert "VNeID mức 1" in page.locator("h1").inner_text()
        assert page.locator("ol.steps li").count() >= 4
        assert page.locator("ol.steps strong").count() >= 1
        # The page fits the phone: nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

        page.goto(site + "/nho-ho-tro/")
        page.check("input[name=requester_relation][value=relative]")
        page.fill("#id_person_name", "Nguyễn Thị Năm")
        page.fill("#id_requester_name", "Lê Văn Con")
        page.fill("#id_phone", "0912 345 678")
        page.fill("#id_address", "12/3 Hẻm 5 Trần Hưng Đạo")
        page.fill("#id_procedure_other", "Chứng thực giấy ủy quyền")
        page.check("input[name=reason][value=elderly]")
        page.check("#id_consent")
        page.click("button[type=submit]")
        code = page.locator(".code").inner_text().strip()
        assert len(code) == 8
        assert HomeSupportRequest.objects.get().tracking_code == code

        page.goto(site + "/tra-cuu/")
        page.fill("#id_code", code.lower())
        page.fill("#id_phone_last4", "5678")
        page.click("button[type=submit]")
        assert "Phường đã nhận yêu cầu" in page.locator(".box--ok").inner_text()


@pytest.mark.parametrize(
    "path",
    ["/", "/huong-dan/?q=khai+sinh", "/huong-dan/dang-ky-khai-sinh/", "/nho-ho-tro/", "/tra-cuu/"],
)
def test_public_pages_have_no_accessibility_violations(site, path):
    with phone_page() as page:
        page.goto(site + path)
        assert axe_violations(page) == []


# Every element that shows text of its own, with its computed size; citations of sources
# (web addresses) and the logo letter are not reading text.
_TEXT_SIZES = """() => [...document.body.querySelectorAll('*')]
  .filter(el => el.offsetParent !== null && !el.closest('.sources, .mark, .skip')
    && [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
  .map(el => [el.tagName + '.' + el.className, parseFloat(getComputedStyle(el).fontSize),
              el.textContent.trim().slice(0, 30)])"""
_BUTTON_HEIGHTS = """() => [...document.querySelectorAll('button, .btn, input[type=submit]')]
  .filter(el => el.offsetParent !== null)
  .map(el => [el.textContent.trim().slice(0, 30), el.getBoundingClientRect().height])"""


@pytest.mark.parametrize(
    "path",
    ["/", "/huong-dan/?q=khai+sinh", "/huong-dan/dang-ky-khai-sinh/", "/nho-ho-tro/", "/tra-cuu/"],
)
def test_public_pages_are_made_for_old_eyes(site, path):
    """Text at least 20 px, buttons at least 48 px tall, text contrast at least 7:1."""
    with phone_page() as page:
        page.goto(site + path)
        small = [(tag, size, text) for tag, size, text in page.evaluate(_TEXT_SIZES) if size < 20]
        assert small == []
        low = [(text, height) for text, height in page.evaluate(_BUTTON_HEIGHTS) if height < 48]
        assert low == []
        assert axe_violations(page, rules=["color-contrast-enhanced"]) == []
