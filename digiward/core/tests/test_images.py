"""Accepting an uploaded picture: bounded, upright, re-encoded, without metadata."""

from __future__ import annotations

import struct
import time
import warnings
import zlib
from io import BytesIO

import pytest
from django.utils import translation
from PIL import Image, ImageCms, ImageFile, ImageOps

from digiward.core import images
from digiward.core.images import ImageRefused, ImageRules, Refusal, image_prepare

RULES = ImageRules(
    max_bytes=8 * 1024 * 1024, max_pixels=40_000_000, max_box=(720, 1440), quality=80
)
ORIENTATION, GPS_IFD, DATE_TIME = 0x0112, 0x8825, 0x0132


def encoded(image: Image.Image, fmt: str = "JPEG", **params: object) -> BytesIO:
    out = BytesIO()
    image.save(out, fmt, **params)
    out.seek(0)
    return out


def camera_exif(orientation: int = 1) -> Image.Exif:
    """What a phone writes: when, where (GPS), and which way up it was held."""
    exif = Image.Exif()
    exif[DATE_TIME] = "2026:11:20 09:15:00"
    exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (21.0, 1.0, 42.5)  # latitude of a home in Hà Nội
    gps[3], gps[4] = "E", (105.0, 48.0, 17.25)
    return exif


def png_header(width: int, height: int) -> BytesIO:
    """A PNG that only claims its size: a header and a few bytes, nothing to decode."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    return BytesIO(b"\x89PNG\r\n\x1a\n" + body)


def jpeg_header(width: int, height: int) -> BytesIO:
    """A real small JPEG whose frame header is rewritten to claim `width` × `height`."""
    data = bytearray(encoded(Image.new("RGB", (16, 16), (10, 20, 30))).getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return BytesIO(bytes(data))


def refusal(upload: BytesIO, rules: ImageRules = RULES) -> ImageRefused:
    with pytest.raises(ImageRefused) as refused:
        image_prepare(upload, rules)
    assert refused.value.message  # always something to show the person
    return refused.value


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail loudly if anything decodes pixels."""

    def load(self):  # pragma: no cover - only reached on a regression
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


def test_a_camera_photo_comes_out_without_any_metadata():
    photo = Image.new("RGB", (64, 48), (200, 30, 30))
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    upload = encoded(
        photo, exif=camera_exif(), comment=b"Nha ba Lan, thon 3", icc_profile=icc, quality=95
    )
    assert b"Exif" in upload.getvalue() and b"Nha ba Lan" in upload.getvalue()

    prepared = image_prepare(upload, RULES)

    assert prepared.content_type == "image/jpeg" and prepared.suffix == ".jpg"
    assert b"Exif" not in prepared.content and b"Nha ba Lan" not in prepared.content
    with Image.open(BytesIO(prepared.content)) as stored:
        assert stored.format == "JPEG" and stored.mode == "RGB"
        assert not stored.getexif() and not stored.getexif().get_ifd(GPS_IFD)
        assert {"exif", "comment", "icc_profile", "xmp"}.isdisjoint(stored.info)
        assert (prepared.width, prepared.height) == stored.size == (64, 48)
        red, green, blue = stored.getpixel((32, 24))
        assert red > 180 and green < 60 and blue < 60


def test_the_photo_is_turned_upright_before_it_is_made_smaller():
    # Held upright, saved sideways: 4000 wide, 1000 high, "rotate 90° clockwise to view".
    sideways = Image.new("RGB", (4000, 1000), (255, 255, 255))
    sideways.paste((0, 0, 0), (0, 0, 2000, 1000))  # the left half is black
    prepared = image_prepare(encoded(sideways, exif=camera_exif(orientation=6)), RULES)
    # Upright it is 1000 × 4000, which fits the 720 × 1440 box as 360 × 1440 (not 180 × 720).
    assert (prepared.width, prepared.height) == (360, 1440)
    with Image.open(BytesIO(prepared.content)) as stored:
        assert stored.size == (360, 1440) and not stored.getexif()
        # Turned clockwise, what was on the left is now at the top.
        assert sum(stored.getpixel((180, 100))) < 60 and sum(stored.getpixel((180, 1340))) > 700


def test_a_malformed_exif_does_not_stop_the_picture_being_turned_upright():
    # DateTime's tag id changed to XResolution's, keeping its text type: Pillow's
    # ImageOps.exif_transpose raises TypeError re-writing such an EXIF.
    sideways = Image.new("RGB", (80, 40), (255, 255, 255))
    sideways.paste((0, 0, 0), (0, 0, 40, 40))
    good = encoded(sideways, exif=camera_exif(orientation=6)).getvalue()
    bad = good.replace(b"\x01\x32\x00\x02", b"\x01\x1a\x00\x02")
    assert bad != good
    with Image.open(BytesIO(bad)) as hostile, pytest.raises(TypeError):
        ImageOps.exif_transpose(hostile)
    prepared = image_prepare(BytesIO(bad), RULES)
    assert (prepared.width, prepared.height) == (40, 80)
    assert b"Exif" not in prepared.content


def test_a_big_picture_is_made_to_fit_the_box():
    prepared = image_prepare(encoded(Image.new("RGB", (1080, 2400), (30, 90, 160))), RULES)
    assert (prepared.width, prepared.height) == (648, 1440)
    small = image_prepare(encoded(Image.new("RGB", (300, 200), (30, 90, 160))), RULES)
    assert (small.width, small.height) == (300, 200), "never made bigger"


def test_transparency_is_flattened_on_white():
    logo = Image.new("RGBA", (40, 40), (0, 0, 0, 0))  # fully transparent
    logo.paste((200, 0, 0, 255), (0, 0, 20, 40))  # the left half opaque red
    with Image.open(BytesIO(image_prepare(encoded(logo, "PNG"), RULES).content)) as stored:
        assert stored.mode == "RGB"
        assert min(stored.getpixel((35, 20))) > 240, "transparent turns white, not black"
        red, green, blue = stored.getpixel((5, 20))
        assert red > 170 and green < 50 and blue < 50

    palette = Image.new("P", (40, 40), 0)
    palette.putpalette([0, 0, 0, 0, 0, 255])
    palette.paste(1, (0, 0, 20, 40))  # left half blue, right half the transparent index 0
    prepared = image_prepare(encoded(palette, "PNG", transparency=0), RULES)
    with Image.open(BytesIO(prepared.content)) as stored:
        assert min(stored.getpixel((35, 20))) > 240 and stored.getpixel((5, 20))[2] > 200


@pytest.mark.parametrize(
    ("image", "fmt", "params"),
    [
        (Image.new("RGB", (50, 40), (0, 120, 0)), "WEBP", {}),
        (Image.new("CMYK", (50, 40), (0, 0, 0, 0)), "JPEG", {}),
        (Image.new("LA", (50, 40), (90, 255)), "PNG", {}),
        (Image.new("1", (50, 40), 1), "PNG", {}),
        (Image.new("RGB", (50, 40), (0, 120, 0)), "MPO", {"save_all": True}),  # phone "JPEG"
    ],
)
def test_every_kind_of_phone_picture_becomes_an_rgb_jpeg(image, fmt, params):
    if fmt == "MPO":
        params = {**params, "append_images": [Image.new("RGB", (50, 40))]}
    prepared = image_prepare(encoded(image, fmt, **params), RULES)
    with Image.open(BytesIO(prepared.content)) as stored:
        assert stored.format == "JPEG" and stored.mode == "RGB" and stored.size == (50, 40)


def test_a_16_bit_grey_scan_keeps_its_greys():
    scan = Image.new("I;16", (30, 30), 32768)  # mid grey on 16 bits
    with Image.open(BytesIO(image_prepare(encoded(scan, "PNG"), RULES).content)) as stored:
        assert 110 < stored.getpixel((15, 15))[0] < 145


def test_a_broken_colour_profile_does_not_stop_the_picture():
    upload = encoded(Image.new("RGB", (20, 20), (0, 0, 200)), icc_profile=b"not a profile")
    with Image.open(BytesIO(image_prepare(upload, RULES).content)) as stored:
        assert "icc_profile" not in stored.info and stored.getpixel((10, 10))[2] > 170


@pytest.mark.parametrize("header", [png_header, jpeg_header])
@pytest.mark.parametrize("side", [20_000, 10_000, 8_000])
def test_a_huge_canvas_is_refused_from_its_header_without_decoding(no_decoding, header, side):
    # 20000² is past Pillow's own bomb limit (an error); 10000² is in its warning band
    # (an error only where warnings are errors, as under pytest); 8000² only past ours.
    started = time.perf_counter()
    refused = refusal(header(side, side))
    assert refused.reason == Refusal.TOO_MANY_PIXELS
    assert "40" in refused.message  # the limit, in megapixels
    assert time.perf_counter() - started < 0.5


def test_a_canvas_in_pillows_warning_band_is_refused_where_warnings_are_ignored(no_decoding):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # what a production server does with the warning
        assert refusal(png_header(10_000, 10_000)).reason == Refusal.TOO_MANY_PIXELS


def test_the_pixel_limit_is_the_callers():
    rules = ImageRules(max_bytes=1_000_000, max_pixels=1_000, max_box=(10, 10))
    assert refusal(encoded(Image.new("RGB", (40, 30))), rules).reason == Refusal.TOO_MANY_PIXELS
    assert image_prepare(encoded(Image.new("RGB", (30, 30))), rules).width == 10


def test_too_many_bytes_are_refused_before_anything_is_opened(no_decoding):
    rules = ImageRules(max_bytes=2 * 1024 * 1024, max_pixels=40_000_000, max_box=(10, 10))
    refused = refusal(BytesIO(b"\xff\xd8\xff" + b"\0" * (2 * 1024 * 1024)), rules)
    assert refused.reason == Refusal.TOO_LARGE and "2 MB" in refused.message


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"%PDF-1.4 a contract, not a picture", Refusal.NOT_AN_IMAGE),
        (b"", Refusal.NOT_AN_IMAGE),
        (b"\x89PNG\r\n\x1a\n garbage after the signature", Refusal.NOT_AN_IMAGE),
        (encoded(Image.new("RGB", (20, 20)), "GIF").getvalue(), Refusal.WRONG_FORMAT),
        (encoded(Image.new("RGB", (20, 20)), "BMP").getvalue(), Refusal.WRONG_FORMAT),
        (encoded(Image.new("RGB", (20, 20)), "TIFF").getvalue(), Refusal.WRONG_FORMAT),
        (b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", Refusal.WRONG_FORMAT),  # an iPhone photo
    ],
)
def test_what_is_not_a_jpeg_png_or_webp_is_refused(content, reason):
    assert refusal(BytesIO(content)).reason == reason


@pytest.mark.parametrize("lenient_process", [False, True])
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_truncated_picture_is_refused(monkeypatch, fmt, lenient_process):
    # Importing WeasyPrint (for the PDFs) sets Pillow's LOAD_TRUNCATED_IMAGES to True for
    # the whole process: half a photo would then be accepted, padded with grey.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", lenient_process)
    noisy = Image.effect_noise((300, 300), 60).convert("RGB")  # does not compress away
    whole = encoded(noisy, fmt).getvalue()
    assert refusal(BytesIO(whole[: len(whole) // 2])).reason == Refusal.NOT_AN_IMAGE
    assert ImageFile.LOAD_TRUNCATED_IMAGES is lenient_process, "the process keeps its setting"
    assert image_prepare(BytesIO(whole), RULES).width == 300
    assert ImageFile.LOAD_TRUNCATED_IMAGES is lenient_process


def test_every_message_has_its_vietnamese():
    """Read from the catalogue the product ships (the .po is the source of truth)."""
    for reason, message in images.MESSAGES.items():
        with translation.override("en"):
            english = str(message)
        with translation.override("vi"):
            vietnamese = str(message)
        assert vietnamese.strip() and vietnamese != english, reason
