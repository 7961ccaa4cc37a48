"""Pictures on guide steps: made light, without camera metadata, versioned, public only
where the guide is."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from digiward.core.access import access_for
from digiward.core.testing import client_in
from digiward.procedures.models import Guide, GuideImage, Procedure
from digiward.procedures.services import guide_edit
from digiward.public import views as public_views

pytestmark = pytest.mark.django_db


def screenshot(name="man-hinh.png", size=(1080, 2400), fmt="PNG") -> SimpleUploadedFile:
    """A phone screenshot as a camera would save it: large, with EXIF (a date)."""
    out = BytesIO()
    exif = Image.Exif()
    exif[0x0132] = "2026:11:20 09:15:00"  # DateTime
    Image.new("RGB", size, (30, 90, 160)).save(out, fmt, exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


@pytest.fixture
def guide(commune, admin):
    procedure = Procedure.objects.create(
        commune=commune,
        slug="xac-nhan",
        name="Xác nhận riêng",
        field="other",
        online_level="in_person",
    )
    guide = Guide.objects.create(procedure=procedure, slug="31135-xac-nhan")
    guide_edit(
        access=access_for(admin, commune),
        guide=guide,
        content={
            "title": "Xin giấy xác nhận",
            "steps": [{"text": "Mở **VNeID**."}, {"text": "Chạm **Thủ tục**."}, {"text": "Gửi."}],
        },
        change_note="Viết lần đầu",
    )
    public_views._public_commune.cache_clear()
    yield guide
    public_views._public_commune.cache_clear()


def post_picture(client, guide, **data):
    return client.post(reverse("procedures:guide_picture", args=[guide.slug]), data)


def test_a_picture_goes_on_its_step_small_and_without_metadata(commune, admin, guide, client):
    staff = client_in(admin, commune)
    response = post_picture(
        staff, guide, step="2", picture=screenshot(), alt="Nút Thủ tục ở giữa màn hình"
    )
    assert response["Location"] == reverse("procedures:guide_edit", args=[guide.slug])
    guide.refresh_from_db()
    step = guide.current.steps[1]
    picture = GuideImage.objects.get(guide=guide)
    assert guide.current.number == 2 and step["image"] == str(picture.pk)
    assert step["image_alt"] == "Nút Thủ tục ở giữa màn hình"
    with Image.open(picture.image.open("rb")) as stored:
        assert stored.format == "JPEG" and stored.width <= 720 and stored.height <= 1440
        assert not stored.getexif(), "no camera metadata is kept"
        assert (step["image_width"], step["image_height"]) == stored.size

    page = client.get(reverse("public:guide", args=[guide.slug])).content.decode()
    src = reverse("public:guide_picture", args=[picture.pk])
    assert f'src="{src}"' in page and 'alt="Nút Thủ tục ở giữa màn hình"' in page
    served = client.get(src)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert "public" in served["Cache-Control"]


def test_a_picture_moves_with_its_line_and_old_versions_keep_theirs(commune, admin, guide):
    staff = client_in(admin, commune)
    post_picture(staff, guide, step="2", picture=screenshot(), alt="Nút Thủ tục")
    picture = GuideImage.objects.get(guide=guide)
    form = staff.get(reverse("procedures:guide_edit", args=[guide.slug])).context["form"]
    lines = form.initial["steps"].splitlines()
    assert lines[1] == f"Chạm **Thủ tục**. [ảnh {picture.pk}]"

    edited = {
        "title": "Xin giấy xác nhận",
        "steps": "\n".join(["Mở điện thoại.", *lines]),  # a new first step
        "change_note": "Thêm bước đầu",
    }
    assert (
        staff.post(reverse("procedures:guide_edit", args=[guide.slug]), edited).status_code == 302
    )
    guide.refresh_from_db()
    steps = guide.current.steps
    assert [bool(s.get("image")) for s in steps] == [False, False, True, False]
    assert steps[2]["image_alt"] == "Nút Thủ tục" and steps[2]["text"] == "Chạm **Thủ tục**."

    post_picture(staff, guide, step="3", remove="on")
    guide.refresh_from_db()
    assert not any(s.get("image") for s in guide.current.steps)
    second = guide.versions.get(number=2)
    assert second.steps[1]["image"] == str(picture.pk), "history keeps the picture"


def test_bad_pictures_and_foreign_markers_are_refused_and_nothing_changes(commune, admin, guide):
    staff = client_in(admin, commune)
    not_a_picture = SimpleUploadedFile("a.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = post_picture(staff, guide, step="1", picture=not_a_picture, alt="x")
    assert response.status_code == 200 and response.context["picture_form"].errors
    response = post_picture(staff, guide, step="1", picture=screenshot(), alt="")
    assert "picture_form" in response.context and response.context["picture_form"].errors
    assert "alt" in response.context["picture_form"].errors
    response = post_picture(staff, guide, step="1")
    assert "picture" in response.context["picture_form"].errors
    typed = {
        "title": "Xin giấy xác nhận",
        "steps": "Mở **VNeID**. [ảnh 999]\nGửi.",
        "change_note": "Thử",
    }
    response = staff.post(reverse("procedures:guide_edit", args=[guide.slug]), typed)
    assert response.status_code == 200 and "999" in response.content.decode()
    guide.refresh_from_db()
    assert guide.current.number == 1 and not GuideImage.objects.exists()


def test_pictures_of_another_communes_guide_are_not_served_here(
    commune, other_commune, admin, guide, client
):
    post_picture(client_in(admin, commune), guide, step="1", picture=screenshot(), alt="Màn hình")
    picture = GuideImage.objects.get()
    url = reverse("public:guide_picture", args=[picture.pk])
    assert client.get(url).status_code == 200
    Procedure.objects.filter(pk=guide.procedure_id).update(commune=other_commune)
    assert client.get(url).status_code == 404
    assert client.get(reverse("public:guide_picture", args=[picture.pk + 1])).status_code == 404


def test_a_picture_taken_off_is_no_longer_public_but_stays_in_the_staff_history(
    commune, admin, other_officer, other_commune, guide, client
):
    staff = client_in(admin, commune)
    post_picture(staff, guide, step="1", picture=screenshot(), alt="Màn hình có số CCCD")
    picture = GuideImage.objects.get()
    public_url = reverse("public:guide_picture", args=[picture.pk])
    staff_url = reverse("procedures:picture_file", args=[picture.pk])
    assert client.get(public_url).status_code == 200
    post_picture(staff, guide, step="1", remove="on")
    assert client.get(public_url).status_code == 404
    assert staff.get(staff_url).status_code == 200, "the history still shows it to staff"
    assert client_in(other_officer, other_commune).get(staff_url).status_code == 404


def test_the_staff_page_shows_pictures_of_an_unpublished_procedure(commune, admin, guide):
    Procedure.objects.filter(pk=guide.procedure_id).update(is_published=False)
    staff = client_in(admin, commune)
    post_picture(staff, guide, step="2", picture=screenshot(), alt="Nút Thủ tục")
    picture = GuideImage.objects.get()
    page = staff.get(reverse("procedures:detail", args=[guide.procedure_id])).content.decode()
    src = reverse("procedures:picture_file", args=[picture.pk])
    assert f'src="{src}"' in page and staff.get(src).status_code == 200


def test_a_text_edit_opened_before_a_picture_was_added_does_not_drop_it(commune, admin, guide):
    staff = client_in(admin, commune)
    url = reverse("procedures:guide_edit", args=[guide.slug])
    opened = staff.get(url).context["form"].initial
    post_picture(staff, guide, step="2", picture=screenshot(), alt="Nút Thủ tục")
    stale = {**opened, "steps": opened["steps"] + "\nXong.", "change_note": "Thêm bước"}
    response = staff.post(url, stale)
    html = response.content.decode()
    assert response.status_code == 200
    assert "newer version" in html or "phiên bản mới hơn" in html
    guide.refresh_from_db()
    assert guide.current.number == 2 and guide.current.steps[1].get("image")


def test_english_texts_of_unchanged_steps_survive_a_vietnamese_edit(commune, admin, guide):
    access = access_for(admin, commune)
    guide_edit(
        access=access,
        guide=guide,
        content={
            "title": "Xin giấy xác nhận",
            "title_en": "Asking for a certificate",
            "steps": [
                {"text": "Mở **VNeID**.", "text_en": "Open **VNeID**."},
                {"text": "Gửi.", "text_en": "Send."},
            ],
        },
        change_note="English",
    )
    staff = client_in(admin, commune)
    url = reverse("procedures:guide_edit", args=[guide.slug])
    opened = staff.get(url).context["form"].initial
    edited = {
        **opened,
        "steps": "Mở **VNeID**.\nChạm **Gửi** ở cuối trang.",
        "change_note": "Rõ hơn",
    }
    assert staff.post(url, edited).status_code == 302
    guide.refresh_from_db()
    assert guide.current.title_en == "Asking for a certificate"
    assert [s.get("text_en", "") for s in guide.current.steps] == ["Open **VNeID**.", ""]


def test_a_huge_picture_is_refused_before_it_is_decoded(commune, admin, guide):
    out = BytesIO()
    Image.new("L", (8000, 6000)).save(out, "PNG")
    huge = SimpleUploadedFile("to.png", out.getvalue(), content_type="image/png")
    response = post_picture(client_in(admin, commune), guide, step="1", picture=huge, alt="To")
    assert response.status_code == 200 and "picture" in response.context["picture_form"].errors
    assert not GuideImage.objects.exists()
