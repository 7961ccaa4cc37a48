"""Reading and checking framework and crosswalk files (JSON), before anything is written.

A file is checked whole and every problem is reported at once, in the user's language,
so a province officer fixes a shared file in one pass; nothing is saved unless the whole
file is right (the services save a checked `FrameworkData` in one transaction).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, replace
from graphlib import CycleError, TopologicalSorter
from typing import Any

from django.utils.translation import gettext as _

from digiward.core.errors import DomainError
from digiward.registry.journey import MilestoneKind

FRAMEWORK_FORMAT = "digiward-framework/1"
CROSSWALK_FORMAT = "digiward-crosswalk/1"
RELATIONS = ("exact", "close", "broader", "narrower")
TRACKS = ("citizen", "volunteer", "official")
CODE = re.compile(r"^[A-Z0-9][A-Z0-9.\-]{0,39}$")
ITEM_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-_]{0,19}$")
MAX_FILE_BYTES = 2_000_000
MAX_ITEMS = 2_000


class FrameworkFileError(DomainError):
    """The file was refused; `problems` lists every reason (already translated)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            _("The file was not loaded: %(count)d problem(s).") % {"count": len(problems)}
        )
        self.problems = problems


@dataclass(frozen=True)
class Text:
    vi: str
    en: str = ""


@dataclass(frozen=True)
class LevelData:
    number: int
    name: Text
    description: Text


@dataclass(frozen=True)
class AreaData:
    code: str
    name: Text
    description: Text
    parent: str | None


@dataclass(frozen=True)
class CompetenceData:
    code: str
    area: str
    name: Text
    description: Text
    tracks: tuple[str, ...]
    requires: tuple[str, ...]
    milestone: str


@dataclass(frozen=True)
class MatchData:
    source: str  # FRAMEWORK:CODE
    target: str
    relation: str
    note: str = ""


@dataclass(frozen=True)
class FrameworkData:
    code: str
    version: str
    name: Text
    publisher: Text
    citation: str
    url: str
    note: str
    tracks: tuple[str, ...]
    levels: tuple[LevelData, ...]
    areas: tuple[AreaData, ...]
    competences: tuple[CompetenceData, ...]
    crosswalk: tuple[MatchData, ...] = ()
    content_hash: str = field(default="", compare=False)


def read_json(raw: bytes | str) -> Any:
    if len(raw) > MAX_FILE_BYTES:
        raise FrameworkFileError([_("The file is larger than 2 MB.")])
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise FrameworkFileError(
            [_("This is not a JSON file: %(error)s") % {"error": error}]
        ) from None


def content_hash(document: Any) -> str:
    return hashlib.sha256(
        json.dumps(document, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, message: str) -> None:
        self.problems.append(message)

    def text(self, value: Any, where: str, *, required: bool = True) -> Text:
        if isinstance(value, str):
            value = {"vi": value}
        if value is None and not required:
            return Text("")
        if not isinstance(value, dict) or not isinstance(value.get("vi", ""), str):
            self.fail(
                _("%(where)s: expected a text in Vietnamese (“vi”) and English (“en”).")
                % {"where": where}
            )
            return Text("")
        vi, en = str(value.get("vi") or "").strip(), str(value.get("en") or "").strip()
        if required and not vi:
            self.fail(_("%(where)s: the Vietnamese name is missing.") % {"where": where})
        if len(vi) > 2000 or len(en) > 2000:
            self.fail(_("%(where)s: the text is too long.") % {"where": where})
        return Text(vi, en)

    def items(self, document: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = document.get(key)
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.fail(_("“%(key)s” must be a list of objects.") % {"key": key})
            return []
        if len(value) > MAX_ITEMS:
            self.fail(
                _("“%(key)s” has more than %(max)d entries.") % {"key": key, "max": MAX_ITEMS}
            )
            return []
        return value

    def tracks(self, value: Any, where: str) -> tuple[str, ...]:
        if not isinstance(value, list) or any(track not in TRACKS for track in value):
            self.fail(
                _("%(where)s: tracks must be chosen from %(tracks)s.")
                % {"where": where, "tracks": ", ".join(TRACKS)}
            )
            return ()
        return tuple(dict.fromkeys(value))


def framework_parse(raw: bytes | str | dict[str, Any]) -> FrameworkData:
    """Check a framework file; raise FrameworkFileError listing every problem."""
    document = raw if isinstance(raw, dict) else read_json(raw)
    check = _Checker()
    if not isinstance(document, dict) or document.get("format") != FRAMEWORK_FORMAT:
        raise FrameworkFileError(
            [
                _("The file is not a DigiWard framework (format “%(format)s”).")
                % {"format": FRAMEWORK_FORMAT}
            ]
        )
    code = str(document.get("code") or "")
    if not CODE.match(code):
        check.fail(
            _("The framework code “%(code)s” must be capital letters, digits, “.” or “-”.")
            % {"code": code[:40]}
        )
    version = str(document.get("version") or "").strip()
    if not version or len(version) > 20:
        check.fail(_("The framework needs a version (at most 20 characters)."))
    name = check.text(document.get("name"), _("Framework name"))
    publisher = check.text(document.get("publisher"), _("Publisher"), required=False)
    source = document.get("source") or {}
    if not isinstance(source, dict):
        check.fail(_("“source” must be an object with citation, url and note."))
        source = {}
    tracks = check.tracks(document.get("tracks", list(TRACKS)), _("Framework"))

    levels = _levels(check, check.items(document, "levels"))
    areas = _areas(check, check.items(document, "areas"))
    competences = _competences(check, check.items(document, "competences"), areas)
    crosswalk = _framework_crosswalk(check, document.get("crosswalk", []), code)
    if check.problems:
        raise FrameworkFileError(check.problems)
    data = FrameworkData(
        code=code,
        version=version,
        name=name,
        publisher=publisher,
        citation=str(source.get("citation") or "")[:2000],
        url=str(source.get("url") or "")[:500],
        note=str(source.get("note") or "")[:4000],
        tracks=tracks,
        levels=tuple(levels),
        areas=tuple(areas),
        competences=tuple(competences),
        crosswalk=tuple(crosswalk),
    )
    # The hash is of what was read, not of the file's bytes or its crosswalk: an export
    # imported back unchanged is recognised as the same framework.
    contents = {k: v for k, v in asdict(data).items() if k not in ("crosswalk", "content_hash")}
    return replace(data, content_hash=content_hash(contents))


def _levels(check: _Checker, items: list[dict[str, Any]]) -> list[LevelData]:
    levels: list[LevelData] = []
    for item in items:
        number = item.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 20:
            check.fail(
                _("A level's number must be a whole number from 1 to 20 (got “%(n)s”).")
                % {"n": str(number)[:20]}
            )
            continue
        where = _("Level %(n)d") % {"n": number}
        levels.append(
            LevelData(
                number,
                check.text(item.get("name"), where),
                check.text(item.get("description"), where, required=False),
            )
        )
    numbers = [level.number for level in levels]
    if not items:
        check.fail(_("The framework has no proficiency levels."))
    elif len(set(numbers)) != len(numbers):
        check.fail(_("Two levels have the same number."))
    elif numbers and sorted(numbers) != list(range(1, max(numbers) + 1)):
        missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
        check.fail(
            _("Levels must be numbered 1, 2, 3… without gaps: level %(missing)s is missing.")
            % {"missing": ", ".join(map(str, missing))}
        )
    return sorted(levels, key=lambda level: level.number)


def _areas(check: _Checker, items: list[dict[str, Any]]) -> list[AreaData]:
    areas: list[AreaData] = []
    seen: set[str] = set()
    for item in items:
        code = str(item.get("code") or "")
        if not ITEM_CODE.match(code):
            check.fail(
                _("An area has a missing or malformed code (“%(code)s”).") % {"code": code[:20]}
            )
            continue
        if code in seen:
            check.fail(_("The code “%(code)s” is used twice.") % {"code": code})
            continue
        seen.add(code)
        parent = item.get("parent")
        where = _("Area %(code)s") % {"code": code}
        areas.append(
            AreaData(
                code,
                check.text(item.get("name"), where),
                check.text(item.get("description"), where, required=False),
                str(parent) if parent else None,
            )
        )
    if not items:
        check.fail(_("The framework has no areas."))
    graph: dict[str, set[str]] = {}
    for area in areas:
        if area.parent is not None and area.parent not in seen:
            check.fail(
                _("Area %(code)s: its parent area “%(parent)s” does not exist.")
                % {"code": area.code, "parent": area.parent[:20]}
            )
        graph[area.code] = {area.parent} if area.parent in seen else set()
    _acyclic(check, graph, _("Areas"))
    return areas


def _competences(
    check: _Checker, items: list[dict[str, Any]], areas: list[AreaData]
) -> list[CompetenceData]:
    area_codes = {area.code for area in areas}
    competences: list[CompetenceData] = []
    seen: set[str] = set()
    milestones = set(MilestoneKind.values)
    for item in items:
        code = str(item.get("code") or "")
        if not ITEM_CODE.match(code):
            check.fail(
                _("A competence has a missing or malformed code (“%(code)s”).")
                % {"code": code[:20]}
            )
            continue
        if code in seen or code in area_codes:
            check.fail(_("The code “%(code)s” is used twice.") % {"code": code})
            continue
        seen.add(code)
        where = _("Competence %(code)s") % {"code": code}
        area = str(item.get("area") or "")
        if area not in area_codes:
            check.fail(
                _("%(where)s: its area “%(area)s” does not exist.")
                % {"where": where, "area": area[:20]}
            )
        requires = item.get("requires") or []
        if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
            check.fail(
                _("%(where)s: “requires” must be a list of competence codes.") % {"where": where}
            )
            requires = []
        milestone = item.get("milestone") or ""
        if milestone and milestone not in milestones:
            check.fail(
                _("%(where)s: “%(milestone)s” is not a step of the digital journey.")
                % {"where": where, "milestone": str(milestone)[:30]}
            )
            milestone = ""
        competences.append(
            CompetenceData(
                code=code,
                area=area,
                name=check.text(item.get("name"), where),
                description=check.text(item.get("description"), where, required=False),
                tracks=check.tracks(item.get("tracks", list(TRACKS)), where),
                requires=tuple(dict.fromkeys(requires)),
                milestone=str(milestone),
            )
        )
    if not items:
        check.fail(_("The framework has no competences."))
    graph: dict[str, set[str]] = {}
    for competence in competences:
        for required in competence.requires:
            if required not in seen:
                check.fail(
                    _("Competence %(code)s requires “%(required)s”, which does not exist.")
                    % {"code": competence.code, "required": required[:20]}
                )
        graph[competence.code] = {r for r in competence.requires if r in seen}
    _acyclic(check, graph, _("Competences"))
    return competences


def _acyclic(check: _Checker, graph: dict[str, set[str]], what: str) -> None:
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as error:
        cycle = " → ".join(error.args[1])
        check.fail(_("%(what)s go round in a circle: %(cycle)s.") % {"what": what, "cycle": cycle})


def _match(check: _Checker, item: Any, index: int) -> MatchData | None:
    if not isinstance(item, dict):
        check.fail(_("Match %(n)d is not an object.") % {"n": index})
        return None
    source, target = str(item.get("from") or ""), str(item.get("to") or "")
    relation = str(item.get("relation") or "")
    problems = len(check.problems)
    for ref in (source, target):
        framework, _sep, code = ref.partition(":")
        if not CODE.match(framework) or not ITEM_CODE.match(code):
            check.fail(
                _("Match %(n)d: “%(ref)s” is not FRAMEWORK:CODE.") % {"n": index, "ref": ref[:60]}
            )
    if relation not in RELATIONS:
        check.fail(
            _("Match %(n)d: the relation must be one of %(relations)s.")
            % {"n": index, "relations": ", ".join(RELATIONS)}
        )
    if source == target and source:
        check.fail(_("Match %(n)d: a competence cannot match itself.") % {"n": index})
    if len(check.problems) > problems:
        return None
    return MatchData(source, target, relation, str(item.get("note") or "")[:300])


def _framework_crosswalk(check: _Checker, items: Any, code: str) -> list[MatchData]:
    if not isinstance(items, list):
        check.fail(_("“crosswalk” must be a list."))
        return []
    matches = [m for i, item in enumerate(items, start=1) if (m := _match(check, item, i))]
    for match in matches:
        if not (match.source.startswith(f"{code}:") or match.target.startswith(f"{code}:")):
            check.fail(
                _("The match %(source)s → %(target)s does not involve this framework.")
                % {"source": match.source, "target": match.target}
            )
    return matches


def crosswalk_parse(raw: bytes | str | dict[str, Any]) -> tuple[MatchData, ...]:
    document = raw if isinstance(raw, dict) else read_json(raw)
    if not isinstance(document, dict) or document.get("format") != CROSSWALK_FORMAT:
        raise FrameworkFileError(
            [
                _("The file is not a DigiWard crosswalk (format “%(format)s”).")
                % {"format": CROSSWALK_FORMAT}
            ]
        )
    check = _Checker()
    items = check.items(document, "matches")
    matches = [m for i, item in enumerate(items, start=1) if (m := _match(check, item, i))]
    pairs = [(m.source, m.target) for m in matches]
    if len(set(pairs)) != len(pairs):
        check.fail(_("The same match is listed twice."))
    if check.problems:
        raise FrameworkFileError(check.problems)
    return tuple(matches)
