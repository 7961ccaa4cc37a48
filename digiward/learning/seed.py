"""The frameworks DigiWard ships (files in frameworks/, sources in frameworks/SOURCES.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from digiward.learning.framework_files import crosswalk_parse, framework_parse
from digiward.learning.services import crosswalk_save, framework_save

FRAMEWORKS_DIR = Path(__file__).resolve().parent / "frameworks"
CROSSWALK_FILE = FRAMEWORKS_DIR / "crosswalk.json"


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
