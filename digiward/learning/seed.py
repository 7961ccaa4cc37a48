"""What DigiWard ships for learning: the frameworks (frameworks/, sources in
frameworks/SOURCES.md), the lessons and the quiz files (content/, sources in
content/SOURCES.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from digiward.learning.framework_files import crosswalk_parse, framework_parse
from digiward.learning.lesson_files import lesson_parse
from digiward.learning.models import Competence, Lesson
from digiward.learning.services import crosswalk_save, framework_save

FRAMEWORKS_DIR = Path(__file__).resolve().parent / "frameworks"
CROSSWALK_FILE = FRAMEWORKS_DIR / "crosswalk.json"
CONTENT_DIR = Path(__file__).resolve().parent / "content"
LESSONS_DIR = CONTENT_DIR / "lessons"
QUIZZES_DIR = CONTENT_DIR / "quizzes"


@dataclass(frozen=True)
class LoadReport:
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    new_matches: int


def frameworks_load(directory: Path = FRAMEWORKS_DIR) -> LoadReport:
    """Load every shipped framework and the crosswalk (idempotent, all or nothing)."""
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    files = sorted(p for p in directory.glob("*.json") if p.name != CROSSWALK_FILE.name)
    parsed = [framework_parse(path.read_bytes()) for path in files]  # check all first
    crosswalk = directory / CROSSWALK_FILE.name
    matches = crosswalk_parse(crosswalk.read_bytes()) if crosswalk.exists() else ()
    with transaction.atomic():
        for data in parsed:
            result = framework_save(data)
            label = str(result.framework)
            (created if result.created else updated if result.changed else unchanged).append(label)
        new_matches = crosswalk_save(matches)
    return LoadReport(created, updated, unchanged, new_matches)


def lessons_load(directory: Path = LESSONS_DIR) -> LoadReport:
    """Load the shipped lessons for every commune (idempotent, all or nothing).

    A lesson is placed after the competences it teaches, in the framework's order, so the
    list reads from the first smartphone steps to staying safe."""
    parsed = [
        lesson_parse(path.read_bytes(), name=path.name) for path in sorted(directory.glob("*.json"))
    ]
    order = {
        f"{framework_code}:{code}": position
        for framework_code, code, position in Competence.objects.filter(
            framework__commune__isnull=True
        ).values_list("framework__code", "code", "position")
    }
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    with transaction.atomic():
        for data in parsed:
            position = min((order.get(ref, 10_000) for ref in data.competences), default=10_000)
            fields = {
                "title_vi": data.title_vi,
                "title_en": data.title_en,
                "summary_vi": data.summary_vi,
                "summary_en": data.summary_en,
                "competences": list(data.competences),
                "procedures": list(data.procedures),
                "minutes": data.minutes,
                "video_url": data.video_url,
                "blocks": list(data.blocks),
                "position": position,
                "content_hash": data.content_hash,
            }
            lesson = Lesson.objects.filter(commune__isnull=True, slug=data.slug).first()
            if lesson is None:
                Lesson.objects.create(slug=data.slug, **fields)
                created.append(data.slug)
            elif lesson.content_hash != data.content_hash or lesson.position != position:
                for name, value in fields.items():
                    setattr(lesson, name, value)
                lesson.save()
                updated.append(data.slug)
            else:
                unchanged.append(data.slug)
    return LoadReport(created, updated, unchanged, 0)


def quiz_files(directory: Path = QUIZZES_DIR) -> list[Path]:
    """The shipped GIFT files; a commune imports them (the demo does) like its own."""
    return sorted(directory.glob("*.gift"))
