"""Lesson files (`digiward-lesson/1`, JSON): checked whole, every problem reported at once."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from digiward.core.errors import DomainError

FORMAT = "digiward-lesson/1"
BLOCK_KINDS = ("text", "steps", "tip", "warning", "picture")
# A picture is one of ours, shipped as a static file (so it works offline and on a server
# without the internet), named in the block's "image"; its text is what it shows (the
# alt text read aloud), in Vietnamese and English.
PICTURES = Path(__file__).resolve().parent / "static" / "learning" / "lessons"
PICTURE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.(?:svg|png|jpg|webp)$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REFERENCE = re.compile(r"^[A-Z0-9][A-Z0-9.-]*[/:][A-Za-z0-9.]+$")
MAX_BYTES = 64 * 1024  # a lesson is short; the page must stay under 50 KB
MAX_BLOCKS = 40


class LessonFileError(DomainError):
    def __init__(self, name: str, problems: list[str]) -> None:
        super().__init__(
            _("%(name)s was not loaded: %(count)d problem(s).")
            % {"name": name, "count": len(problems)}
        )
        self.problems = problems


@dataclass(frozen=True)
class LessonData:
    slug: str
    title_vi: str
    title_en: str
    summary_vi: str
    summary_en: str
    competences: tuple[str, ...]
    procedures: tuple[str, ...]
    minutes: int
    video_url: str
    blocks: tuple[dict[str, Any], ...]
    content_hash: str


def _text(value: Any, lang: str) -> str:
    return (
        value.get(lang, "").strip()
        if isinstance(value, dict) and isinstance(value.get(lang, ""), str)
        else ""
    )


def _block_problems(index: int, block: Any) -> Iterable[str]:
    where = _("block %(n)d") % {"n": index}
    if not isinstance(block, dict) or block.get("kind") not in BLOCK_KINDS:
        yield _("%(where)s: the kind must be one of %(kinds)s.") % {
            "where": where,
            "kinds": ", ".join(BLOCK_KINDS),
        }
        return
    if block["kind"] == "picture":
        image = block.get("image")
        if not isinstance(image, str) or not PICTURE_NAME.match(image):
            yield _("%(where)s: name the picture's file, e.g. vneid-dang-nhap.svg.") % {
                "where": where
            }
        elif not (PICTURES / image).is_file():
            yield _("%(where)s: there is no picture %(name)s in %(folder)s.") % {
                "where": where,
                "name": image,
                "folder": "digiward/learning/static/learning/lessons/",
            }
    for lang in ("vi", "en"):
        value = block.get(lang)
        if block["kind"] == "steps":
            ok = isinstance(value, list) and all(isinstance(s, str) and s.strip() for s in value)
            if lang == "vi" and (not ok or not value):
                yield _("%(where)s: the steps are a list of sentences.") % {"where": where}
            elif lang == "en" and value is not None and not ok:
                yield _("%(where)s: the English steps are a list of sentences.") % {"where": where}
        elif lang == "vi" and not (isinstance(value, str) and value.strip()):
            yield _("%(where)s: the Vietnamese text is missing.") % {"where": where}


def lesson_parse(raw: bytes, *, name: str = "") -> LessonData:
    problems: list[str] = []
    if len(raw) > MAX_BYTES:
        raise LessonFileError(name, [_("The file is larger than 64 KB.")])
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LessonFileError(
            name, [_("The file is not valid JSON: %(e)s") % {"e": error}]
        ) from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise LessonFileError(name, [_("The file is not a lesson (format %(f)s).") % {"f": FORMAT}])
    slug = data.get("slug", "")
    if not isinstance(slug, str) or not SLUG.match(slug) or len(slug) > 80:
        problems.append(_("The slug must be lower-case letters, digits and dashes."))
    if not _text(data.get("title"), "vi"):
        problems.append(_("The lesson has no Vietnamese title."))
    competences = data.get("competences", [])
    if not isinstance(competences, list) or not competences:
        problems.append(_("Name at least one competence the lesson teaches."))
        competences = []
    for reference in competences:
        if not isinstance(reference, str) or not REFERENCE.match(reference):
            problems.append(
                _("%(ref)s is not a competence reference (FRAMEWORK/CODE).") % {"ref": reference}
            )
    procedures = data.get("procedures", [])
    if not isinstance(procedures, list) or not all(
        isinstance(p, str) and SLUG.match(p) for p in procedures
    ):
        problems.append(_("The guides are a list of guide slugs."))
        procedures = []
    minutes = data.get("minutes", 5)
    if not isinstance(minutes, int) or not 1 <= minutes <= 60:
        problems.append(_("A lesson takes from 1 to 60 minutes."))
        minutes = 5
    video = data.get("video_url", "")
    if not isinstance(video, str) or (video and not video.startswith("https://")):
        problems.append(_("The video link must start with https://."))
        video = ""
    blocks = data.get("blocks", [])
    if not isinstance(blocks, list) or not blocks:
        problems.append(_("The lesson has no content."))
        blocks = []
    elif len(blocks) > MAX_BLOCKS:
        problems.append(_("A lesson has at most %(n)d blocks.") % {"n": MAX_BLOCKS})
    for index, block in enumerate(blocks, start=1):
        problems.extend(_block_problems(index, block))
    if problems:
        raise LessonFileError(name, problems)
    kept = tuple({k: b[k] for k in ("kind", "image", "vi", "en") if k in b} for b in blocks)
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True).encode()
    return LessonData(
        slug=slug,
        title_vi=_text(data["title"], "vi"),
        title_en=_text(data["title"], "en"),
        summary_vi=_text(data.get("summary"), "vi"),
        summary_en=_text(data.get("summary"), "en"),
        competences=tuple(r.replace("/", ":") for r in competences),
        procedures=tuple(procedures),
        minutes=minutes,
        video_url=video,
        blocks=kept,
        content_hash=hashlib.sha256(canonical).hexdigest(),
    )
