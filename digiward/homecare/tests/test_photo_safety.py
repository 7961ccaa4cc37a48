"""Photos of signed papers taken at a home: stored re-encoded, bounded and without the
camera's metadata (GPS position and time of the visit); a huge picture is a form error."""

from __future__ import annotations

import struct
import warnings
import zlib
from io import BytesIO

import pytest
from django.contrib.messages import ERROR, get_messages
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile

from digiward.core.errors import DomainError
from digiward.core.models import AuditAction, AuditEvent
from digiward.core.testing import client_in
from digiward.homecare import services
from digiward.homecare.models import VisitPhoto

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]
ORIENTATION, GPS_IFD = 0x0112, 0x8825


def camera_photo(size=(4032, 3024), orientation=1) -> bytes:
    """A phone photo of a signed paper: white page, a black line of text, GPS in EXIF."""
    page = Image.new("RGB", size, (250, 250, 250))
    page.paste((0, 0, 0), (0, 0, size[0] // 2, size[1]))  # the left half is dark
    exif = Image.Exif()
    exif[0x0132] = "2026:11:20 09:15:00"
    exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (21.0, 1.0, 42.5)
    gps[3], gps[4] = "E", (105.0, 48.0, 17.25)
    out = BytesIO()
    page.save(out, "JPEG", exif=exif, comment=b"Nha ba Lan, thon 3", quality=90)
    return out.getvalue()


def huge_png(side: int) -> bytes:
    """Only a header claiming side × side pixels: cheap to build, never decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def stored_bytes(photo: VisitPhoto) -> bytes:
    with default_storage.open(photo.file.name, "rb") as stored:
        return stored.read()


def test_a_visit_photo_is_kept_without_its_gps_position_and_time(officer_access, visit):
    original = camera_photo()
    upload = SimpleUploadedFile("IMG_0001.jpg", original, content_type="image/jpeg")
    photo = services.photo_add(access=officer_access, visit=visit, upload=upload)

    content = stored_bytes(photo)
    assert b"Exif" in original and b"Nha ba Lan" in original
    assert b"Exif" not in content and b"Nha ba Lan" not in content
    with Image.open(BytesIO(content)) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif() and not stored.getexif().get_ifd(GPS_IFD)
        assert {"exif", "comment", "xmp", "icc_profile"}.isdisjoint(stored.info)
    assert photo.content_type == "image/jpeg" and photo.file.name.endswith(".jpg")
    assert photo.size == len(content)
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="homecare.visitphoto", object_id=str(photo.pk)
    ).exists()


def test_a_visit_photo_is_bounded_but_a_paper_stays_legible(officer_access, visit):
    upload = SimpleUploadedFile("IMG_0002.jpg", camera_photo((4032, 3024)))
    photo = services.photo_add(access=officer_access, visit=visit, upload=upload)
    with Image.open(BytesIO(stored_bytes(photo))) as stored:
        assert stored.size == (2400, 1800)  # 4032 × 3024 into the 2400 × 2400 box
        assert max(stored.size) == max(services.PHOTO_RULES.max_box)


def test_a_photo_held_upright_is_stored_upright(officer_access, visit):
    upload = SimpleUploadedFile("IMG_0003.jpg", camera_photo((4032, 3024), orientation=6))
    photo = services.photo_add(access=officer_access, visit=visit, upload=upload)
    with Image.open(BytesIO(stored_bytes(photo))) as stored:
        assert stored.size == (1800, 2400) and not stored.getexif()
        assert sum(stored.getpixel((900, 100))) < 60, "the dark left half is now on top"
        assert sum(stored.getpixel((900, 2300))) > 700


def test_a_png_or_webp_is_stored_and_served_as_the_jpeg_it_became(commune, officer, visit):
    for fmt in ("PNG", "WEBP"):
        out = BytesIO()
        Image.new("RGBA", (40, 30), (200, 30, 30, 128)).save(out, fmt)
        client_in(officer, commune).post(
            reverse("homecare:visit_photo_add", args=[visit.pk]),
            {"photo": SimpleUploadedFile(f"a.{fmt.lower()}", out.getvalue())},
        )
    for photo in VisitPhoto.objects.all():
        assert photo.content_type == "image/jpeg" and photo.file.name.endswith(".jpg")
        assert photo.size == len(stored_bytes(photo))
        response = client_in(officer, commune).get(reverse("homecare:photo_view", args=[photo.pk]))
        assert response["Content-Type"] == "image/jpeg"
        assert response["Content-Disposition"].endswith('.jpg"')
        assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    assert VisitPhoto.objects.count() == 2


@pytest.mark.parametrize("side", [20_000, 10_000])
def test_a_huge_photo_is_refused_by_the_service(officer_access, visit, side):
    upload = SimpleUploadedFile("bomb.png", huge_png(side), content_type="image/png")
    with pytest.raises(DomainError) as refused:
        services.photo_add(access=officer_access, visit=visit, upload=upload)
    assert refused.value.field == "photo" and "50" in refused.value.message
    assert not VisitPhoto.objects.exists()


@pytest.mark.parametrize("warnings_are_errors", [True, False])
@pytest.mark.parametrize("side", [20_000, 10_000])
def test_a_huge_photo_through_the_page_is_a_form_error_never_a_500(
    commune, officer, visit, side, warnings_are_errors
):
    client = client_in(officer, commune)
    client.raise_request_exception = False  # see what a phone would see, not the traceback
    with warnings.catch_warnings():
        # pytest turns Pillow's bomb *warning* into an error; a production server does not.
        warnings.simplefilter(
            "error" if warnings_are_errors else "ignore", Image.DecompressionBombWarning
        )
        response = client.post(
            reverse("homecare:visit_photo_add", args=[visit.pk]),
            {"photo": SimpleUploadedFile("bomb.png", huge_png(side), content_type="image/png")},
        )
    assert response.status_code == 302, response.status_code
    assert response["Location"] == reverse("homecare:visit_detail", args=[visit.pk])
    shown = list(get_messages(response.wsgi_request))
    assert [m.level for m in shown] == [ERROR] and "50" in shown[0].message
    assert not VisitPhoto.objects.exists()


def test_a_truncated_photo_is_refused(monkeypatch, officer_access, visit):
    # As in production, where importing WeasyPrint (PDFs) made Pillow lenient process-wide.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    noisy = Image.effect_noise((400, 300), 60).convert("RGB")
    out = BytesIO()
    noisy.save(out, "JPEG")
    half = out.getvalue()[: len(out.getvalue()) // 2]
    with pytest.raises(DomainError) as refused:
        services.photo_add(
            access=officer_access, visit=visit, upload=SimpleUploadedFile("cut.jpg", half)
        )
    assert refused.value.field == "photo"
    assert not VisitPhoto.objects.exists()


def test_a_photo_over_8_mb_is_still_refused(officer_access, visit):
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"\0" * (8 * 1024 * 1024))
    with pytest.raises(DomainError) as refused:
        services.photo_add(access=officer_access, visit=visit, upload=big)
    assert refused.value.field == "photo" and "8 MB" in refused.value.message
