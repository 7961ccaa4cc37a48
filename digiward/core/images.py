"""One safe way to accept an uploaded picture (pure: no ORM, no storage).

`image_prepare(upload, rules)` reads at most `rules.max_bytes`, opens only JPEG, PNG or
WebP, refuses a canvas of more than `rules.max_pixels` from the file's header (before a
single pixel is decoded), turns the picture upright, converts it to sRGB RGB (transparency
flattened on white), makes it fit `rules.max_box` and encodes a NEW JPEG with no
metadata at all: no EXIF (where and when a photo was taken, the phone's make and serial),
no GPS, no XMP, no comment, no colour profile (colours are converted to sRGB, the web's
default, so none is needed).

A refusal is an `ImageRefused` with a `reason` and a translated `message`; callers turn it
into their `DomainError` for their form field, with their own wording if they have one.
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from io import BytesIO
from typing import IO, Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageCms, ImageFile, UnidentifiedImageError

# Only these decoders ever see an upload (Pillow would otherwise try some thirty formats,
# among them EPS, which calls Ghostscript). A phone's "JPEG" with a depth map or a second
# frame opens as MPO: it is a JPEG, its first frame is the photo.
FORMATS: Final = ("JPEG", "PNG", "WEBP")
OPENED_AS: Final = frozenset({"JPEG", "MPO", "PNG", "WEBP"})
# Pictures of another kind: told "use JPEG, PNG or WebP" rather than "not a picture".
OTHER_PICTURES: Final = (
    b"GIF87a",
    b"GIF89a",
    b"BM",
    b"II*\0",
    b"MM\0*",
    b"\0\0\1\0",  # ICO
    b"8BPS",  # Photoshop
)
HEIF_BRANDS: Final = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif")
# EXIF orientation -> the turn that makes the picture upright (as ImageOps.exif_transpose,
# which is not used: it re-writes the EXIF it keeps, and a malformed EXIF makes that raise
# TypeError; here the EXIF is dropped anyway).
UPRIGHT: Final = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
UPRIGHT_SWAPS_SIDES: Final = frozenset({5, 6, 7, 8})  # the turns by 90°
WHITE: Final = (255, 255, 255)
# What decoding a damaged or hostile file raises (Pillow plugins are not all tidy).
DECODING_ERRORS: Final = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error)
_DECODING = threading.Lock()


class Refusal(StrEnum):
    TOO_LARGE = "too_large"
    WRONG_FORMAT = "wrong_format"
    TOO_MANY_PIXELS = "too_many_pixels"
    NOT_AN_IMAGE = "not_an_image"


MESSAGES: Final[dict[Refusal, Promise]] = {
    Refusal.TOO_LARGE: _("The file is too large (at most %(megabytes)s MB)."),
    Refusal.WRONG_FORMAT: _("Send a JPEG, PNG or WebP picture."),
    Refusal.TOO_MANY_PIXELS: _(
        "The picture has too many pixels (at most %(megapixels)s million): take it again "
        "at a lower resolution or send a smaller copy."
    ),
    Refusal.NOT_AN_IMAGE: _("This file is not a picture, or it is damaged."),
}


@dataclass(frozen=True)
class ImageRules:
    """What one caller accepts and keeps."""

    max_bytes: int
    max_pixels: int  # width × height read from the header; decoding costs ~4 bytes each
    max_box: tuple[int, int]  # (width, height) the upright picture is made to fit
    quality: int = 82

    @property
    def megabytes(self) -> str:
        return f"{self.max_bytes / (1024 * 1024):g}"

    @property
    def megapixels(self) -> str:
        return f"{self.max_pixels / 1_000_000:g}"


@dataclass(frozen=True)
class PreparedImage:
    content: bytes  # a baseline JPEG, nothing but pixels
    width: int
    height: int
    content_type: str = "image/jpeg"
    suffix: str = ".jpg"


class ImageRefused(Exception):
    """The upload is not accepted; `message` is for the person (already translated)."""

    def __init__(self, reason: Refusal, rules: ImageRules) -> None:
        self.reason = reason
        self.message = str(MESSAGES[reason]) % {
            "megabytes": rules.megabytes,
            "megapixels": rules.megapixels,
        }
        super().__init__(self.message)


def image_prepare(upload: IO[bytes], rules: ImageRules) -> PreparedImage:
    """The upload as a new, bounded, upright, metadata-free JPEG, or `ImageRefused`."""
    data = _read(upload, rules)
    try:
        with _strict_decoding(), Image.open(BytesIO(data), formats=FORMATS) as original:
            _check_header(original, rules)
            clean = _flattened_rgb(_upright_within(original, rules.max_box))
        out = BytesIO()
        # `clean` is a fresh image with an empty `info`, and nothing is passed on: Pillow
        # would otherwise copy a JPEG comment over from the original.
        clean.save(out, "JPEG", quality=rules.quality, optimize=True)
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Past Pillow's own limit (~179 Mpx; ~89 Mpx where warnings are errors, as under
        # pytest): the header said so, nothing was decoded.
        raise ImageRefused(Refusal.TOO_MANY_PIXELS, rules) from None
    except UnidentifiedImageError:
        raise ImageRefused(_kind_of(data), rules) from None
    except DECODING_ERRORS:
        raise ImageRefused(Refusal.NOT_AN_IMAGE, rules) from None
    return PreparedImage(content=out.getvalue(), width=clean.width, height=clean.height)


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Half a file is an error, whatever the process set: WeasyPrint, imported for the PDFs,
    sets Pillow's global `LOAD_TRUNCATED_IMAGES = True` (weasyprint/images.py), which pads a
    cut-off upload with grey. The lock keeps two uploads from restoring each other's value;
    a PDF drawn meanwhile only loses that leniency for its own (trusted) images."""
    with _DECODING:
        lenient = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def _read(upload: IO[bytes], rules: ImageRules) -> bytes:
    """At most max_bytes + 1 bytes: the size check does not trust a declared size."""
    upload.seek(0)
    data = upload.read(rules.max_bytes + 1)
    upload.seek(0)
    if len(data) > rules.max_bytes:
        raise ImageRefused(Refusal.TOO_LARGE, rules)
    return data


def _kind_of(data: bytes) -> Refusal:
    """A picture Pillow was not allowed to open, or no picture at all."""
    if data.startswith(OTHER_PICTURES) or (data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS):
        return Refusal.WRONG_FORMAT
    return Refusal.NOT_AN_IMAGE


def _check_header(original: Image.Image, rules: ImageRules) -> None:
    """Format and canvas, from the header only: nothing is decoded yet."""
    if original.format not in OPENED_AS:  # pragma: no cover - `formats` already limits
        raise ImageRefused(Refusal.WRONG_FORMAT, rules)
    width, height = original.size
    if width < 1 or height < 1 or width * height > rules.max_pixels:
        raise ImageRefused(Refusal.TOO_MANY_PIXELS, rules)


def _upright_within(original: Image.Image, box: tuple[int, int]) -> Image.Image:
    """Decode (a JPEG straight at a reduced scale), shrink to fit `box` once upright, then
    turn upright and make RGB(A) in sRGB: the big canvas is never copied or rotated."""
    orientation = original.getexif().get(ExifTags.Base.Orientation, 1)
    sideways = orientation in UPRIGHT_SWAPS_SIDES
    original.thumbnail((box[1], box[0]) if sideways else box, Image.Resampling.LANCZOS)
    original.load()  # a truncated or corrupt file fails here
    icc = original.info.get("icc_profile")
    turn = UPRIGHT.get(orientation)
    picture = original if turn is None else original.transpose(turn)
    if isinstance(icc, bytes) and icc and picture.mode in ("RGB", "RGBA", "CMYK"):
        picture = _to_srgb(picture, icc)
    return _to_rgb_or_rgba(picture)


def _to_rgb_or_rgba(image: Image.Image) -> Image.Image:
    """RGBA when there is any transparency (alpha band, palette or colour key), else RGB."""
    if image.mode.startswith("I;16") or image.mode == "I":
        # 16-bit grey (a scanner's PNG): scale to 8 bits, a plain convert would clip.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        return image.convert("RGBA")
    return image.convert("RGB")


def _to_srgb(image: Image.Image, icc: bytes) -> Image.Image:
    """Colours as the camera meant them (an iPhone writes Display P3; a CMYK JPEG needs
    its profile), in sRGB, the web's default; a profile that cannot be used is ignored."""
    try:
        converted = ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(BytesIO(icc)),
            ImageCms.createProfile("sRGB"),
            outputMode="RGBA" if image.mode == "RGBA" else "RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image
    return converted if converted is not None else image


def _flattened_rgb(picture: Image.Image) -> Image.Image:
    """A new RGB image (empty `info`): transparent parts on white, as a page shows them."""
    clean = Image.new("RGB", picture.size, WHITE)
    if picture.mode == "RGBA":
        clean.paste(picture, mask=picture.getchannel("A"))
    else:
        clean.paste(picture)
    return clean
