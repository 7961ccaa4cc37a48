"""The citizen's pages: guides, help at home, status lookup; light, limited, leak-free."""

from __future__ import annotations

import re
from io import BytesIO

import pypdfium2 as pdfium
import pytest
import zxingcpp
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from digiward.core.models import RateCounter
from digiward.homecare.models import HomeSupportRequest, RequestStatus
from digiward.procedures.models import Procedure
from digiward.procedures.selectors import reset_search_index, search_procedures
from digiward.public import views

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def catalog(commune):
    call_command("load_procedures", verbosity=0)
    reset_search_index()
    views._public_commune.cache_clear()
    yield
    views._public_commune.cache_clear()


def form_data(**overrides):
    data = {
        "requester_relation": "relative",
        "person_name": "Nguyễn Thị Năm",
        "requester_name": "Lê Văn Con",
        "phone": "0912 345 678",
        "address": "12/3 Hẻm 5 Trần Hưng Đạo",
        "procedure": "",
        "procedure_other": "Chứng thực giấy ủy quyền",
        "reason": "elderly",
        "preferred_times": "Buổi sáng",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def test_home_offers_big_buttons_for_common_needs_in_vietnamese(client):
    page = client.get("/").content.decode()
    assert '<html lang="vi">' in page
    assert (
        "Bạn muốn làm gì?" in page
        and "Đăng ký khai sinh" in page
        and "Nhờ cán bộ đến nhà giúp" in page
    )


@pytest.mark.parametrize(
    "path",
    ["/", "/huong-dan/?q=khai+sinh", "/huong-dan/dang-ky-khai-sinh/", "/nho-ho-tro/", "/tra-cuu/"],
)
def test_public_pages_are_light_and_need_no_script_to_read(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert len(response.content) < 100_000
    page = response.content.decode()
    assert "htmx" not in page
    assert all("read-aloud" in src for src in re.findall(r'<script src="([^"]+)"', page))


def test_search_results_follow_catalog_changes_and_language(client):
    """Result lines are rendered once per worker; a catalog change or another language
    must not show the old line."""
    url = reverse("public:search") + "?q=khai+sinh"
    assert "Đăng ký khai sinh" in client.get(url).content.decode()
    procedure = Procedure.objects.get(slug="dang-ky-khai-sinh")
    procedure.name = "Đăng ký khai sinh cho trẻ em"
    procedure.save()
    reset_search_index()
    assert "Đăng ký khai sinh cho trẻ em" in client.get(url).content.decode()
    client.get(reverse("public:set_language", args=["en"]) + "?next=/")
    page = client.get(url).content.decode()
    assert procedure.name_en and '<html lang="en">' in page
    assert procedure.name_en in page and "Đăng ký khai sinh cho trẻ em" not in page


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    "question",
    [
        "dang ky khai sinh",
        "",
        "xe may bay",  # nothing found
        "<script>alert(\"x\")</script> & 'khai sinh'",
        "__digiward_results__ __digiward_query__",  # the frame's own markers, typed
        "Đăng ký khai sinh cho con",
    ],
)
def test_the_search_page_frame_is_exactly_the_page_the_template_renders(
    rf, settings, language, question
):
    """The search page is filled into a frame rendered once per worker: for any question,
    escaped or not, with or without results, it must equal a full render."""
    views._FRAMES.clear()
    # Whatever else the address carries, the page (cached for everyone asking the same
    # question) is the page of the question alone.
    request = rf.get(reverse("public:search"), {"q": question, "lang": "x y"})
    request.session = {}
    canonical = rf.get(reverse("public:search"), {"q": question} if question else {})
    canonical.session = {}
    with translation.override(language):
        hits = search_procedures(question, commune=views.public_commune()) if question else []
        items = views._result_items(hits)
        expected = render_to_string(
            "public/search.html",
            {"query": question, "results": items, "commune": views.public_commune()},
            request=canonical,
        )
        views.search_page(request, "khai sinh", items)  # the frame is built by another question
        assert views.search_page(request, question, items) == expected


def test_a_guide_page_shows_steps_with_the_screen_words_in_bold(client):
    page = client.get(reverse("public:guide", args=["vneid-dang-ky-muc-1"])).content.decode()
    assert "<strong>VNeID</strong>" in page
    assert "data-read-aloud" in page and 'data-lang="vi-VN"' in page
    assert "Nguồn" in page or "nguồn" in page


def test_unknown_guide_is_a_friendly_404(client):
    response = client.get(reverse("public:guide", args=["khong-co"]))
    assert response.status_code == 404


def test_english_is_available(client):
    client.get(reverse("public:set_language", args=["en"]) + "?next=/")
    page = client.get(reverse("public:guide", args=["dang-ky-khai-sinh"])).content.decode()
    assert '<html lang="en">' in page and "Step by step" in page


def test_printable_card_has_the_steps_and_a_qr_code_that_scans(client):
    response = client.get(reverse("public:guide_card", args=["dang-ky-khai-sinh"]))
    assert response["Content-Type"] == "application/pdf"
    pdf = pdfium.PdfDocument(BytesIO(response.content))
    text = " ".join(page.get_textpage().get_text_range() for page in pdf).replace("\r\n", " ")
    assert "Đăng ký khai sinh" in text and "giấy chứng sinh" in text.lower()
    image = pdf[0].render(scale=2).to_pil()
    codes = [code.text for code in zxingcpp.read_barcodes(image)]
    assert codes == ["http://testserver/huong-dan/dang-ky-khai-sinh/"]
    a4 = pdfium.PdfDocument(
        BytesIO(
            client.get(
                reverse("public:guide_card", args=["dang-ky-khai-sinh"]) + "?size=a4"
            ).content
        )
    )
    assert round(a4[0].get_size()[0]) == 595  # A4 width in points; A5 is 420
    assert round(pdf[0].get_size()[0]) == 420


def test_asking_for_help_at_home_creates_a_request_and_shows_the_code(client, commune):
    response = client.post(reverse("public:help_at_home"), form_data(), follow=True)
    request = HomeSupportRequest.objects.get()
    assert request.commune == commune and request.status == RequestStatus.RECEIVED
    assert (request.person_name, request.requester_name, request.requester_phone) == (
        "Nguyễn Thị Năm",
        "Lê Văn Con",
        "0912345678",
    )
    assert request.consent_at is not None
    assert request.tracking_code in response.content.decode()


def test_the_form_keeps_what_was_typed_and_explains(client):
    response = client.post(reverse("public:help_at_home"), form_data(phone="0912", consent=""))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Nguyễn Thị Năm"' in page and "thiếu chữ số" in page and "đánh dấu" in page
    assert not HomeSupportRequest.objects.exists()


def test_a_procedure_can_be_preselected_from_its_guide(client):
    procedure = Procedure.objects.get(slug="chung-thuc-chu-ky")
    assert procedure.home_support_possible
    page = client.get(
        reverse("public:help_at_home") + "?thu-tuc=chung-thuc-chu-ky"
    ).content.decode()
    assert f'<option value="{procedure.pk}" selected>' in page


def test_robots_filling_the_hidden_field_are_answered_but_nothing_is_kept(client):
    response = client.post(reverse("public:help_at_home"), form_data(website="http://spam.example"))
    assert response.status_code == 302
    assert not HomeSupportRequest.objects.exists()


def test_the_form_is_rate_limited(client):
    for n in range(5):
        client.post(reverse("public:help_at_home"), form_data(person_name=f"Người {n}"))
    response = client.post(reverse("public:help_at_home"), form_data(person_name="Người thứ sáu"))
    assert response.status_code == 429
    assert "Vui lòng chờ" in response.content.decode()
    assert HomeSupportRequest.objects.count() == 5


def test_status_lookup_with_code_and_last_four_digits(client):
    client.post(reverse("public:help_at_home"), form_data())
    request = HomeSupportRequest.objects.get()
    page = client.post(
        reverse("public:status"), {"code": request.tracking_code.lower(), "phone_last4": "5678"}
    ).content.decode()
    assert "Phường đã nhận yêu cầu" in page


def test_status_lookup_never_tells_whether_a_code_exists_for_another_phone(client):
    client.post(reverse("public:help_at_home"), form_data())
    request = HomeSupportRequest.objects.get()
    wrong_phone = (
        Client()
        .post(reverse("public:status"), {"code": request.tracking_code, "phone_last4": "0000"})
        .content.decode()
    )
    no_code = (
        Client()
        .post(reverse("public:status"), {"code": "ZZZZZZZZ", "phone_last4": "0000"})
        .content.decode()
    )
    strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"|value="[^"]*"', "", html)  # noqa: E731
    assert strip(wrong_phone) == strip(no_code)
    assert "Nguyễn Thị Năm" not in wrong_phone


def test_status_lookup_is_rate_limited_per_address_and_per_code(client):
    client.post(reverse("public:help_at_home"), form_data())
    code = HomeSupportRequest.objects.get().tracking_code
    RateCounter.objects.all().delete()
    for _ in range(5):
        Client(REMOTE_ADDR=f"203.0.113.{_}").post(
            reverse("public:status"), {"code": code, "phone_last4": "0000"}
        )
    # Guessing the phone digits of one code from many addresses stops too.
    blocked = Client(REMOTE_ADDR="203.0.113.99").post(
        reverse("public:status"), {"code": code, "phone_last4": "5678"}
    )
    assert blocked.status_code == 429
    RateCounter.objects.all().delete()
    for _ in range(10):
        client.post(reverse("public:status"), {"code": "AAAAAAAA", "phone_last4": "1111"})
    assert (
        client.post(
            reverse("public:status"), {"code": "BBBBBBBB", "phone_last4": "1111"}
        ).status_code
        == 429
    )


def test_language_switch_refuses_foreign_redirects(client):
    response = client.get(
        reverse("public:set_language", args=["en"]) + "?next=https://evil.example/"
    )
    assert response["Location"] == "/"
    assert client.get(reverse("public:set_language", args=["fr"])).status_code == 404


def test_status_lookup_counts_one_code_however_it_is_typed(client):
    """Security test finding 9: "U89B-FUPS" and "u 89bfups" were fresh counters."""
    client.post(reverse("public:help_at_home"), form_data())
    code = HomeSupportRequest.objects.get().tracking_code
    RateCounter.objects.all().delete()
    spellings = [code, code.lower(), f"{code[:4]}-{code[4:]}", f" {code[:4]} {code[4:]} "]
    for n, spelled in enumerate([*spellings, code]):
        Client(REMOTE_ADDR=f"203.0.113.{n}").post(
            reverse("public:status"), {"code": spelled, "phone_last4": "0000"}
        )
    blocked = Client(REMOTE_ADDR="203.0.113.50").post(
        reverse("public:status"), {"code": code.lower(), "phone_last4": "5678"}
    )
    assert blocked.status_code == 429


def test_a_citizen_checking_the_right_code_is_never_slowed_down(client):
    client.post(reverse("public:help_at_home"), form_data())
    code = HomeSupportRequest.objects.get().tracking_code
    RateCounter.objects.all().delete()
    for _ in range(15):
        response = client.post(reverse("public:status"), {"code": code, "phone_last4": "5678"})
        assert response.status_code == 200
    assert "Phường đã nhận yêu cầu" in response.content.decode()


def test_the_cached_search_page_never_holds_another_askers_address(client):
    first = client.get(reverse("public:search"), {"q": "khai sinh", "ref": "0912345678"})
    assert "0912345678" not in first.content.decode()
    second = Client().get(reverse("public:search"), {"q": "khai sinh"})
    assert "0912345678" not in second.content.decode()
    assert "ref" not in second.content.decode().split("set-language")[-1][:300]
