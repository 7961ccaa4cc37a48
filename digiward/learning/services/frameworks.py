"""Saving checked frameworks, the crosswalk, a commune's editable copy, and exports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.audit import audit_record
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction, Commune
from digiward.core.permissions import Perm
from digiward.learning.framework_files import (
    FRAMEWORK_FORMAT,
    FrameworkData,
    FrameworkFileError,
    MatchData,
)
from digiward.learning.models import (
    Certificate,
    Competence,
    CompetenceMatch,
    Framework,
    FrameworkArea,
    ProficiencyLevel,
)


@dataclass(frozen=True)
class SaveResult:
    framework: Framework
    created: bool
    changed: bool


def framework_save(
    data: FrameworkData, *, commune: Commune | None = None, copied_from: Framework | None = None
) -> SaveResult:
    """Write a checked framework (all or nothing). The same file again changes nothing.

    A version already used by a certificate is never rewritten: a certificate names its
    competences, so changing them would change what was certified.
    """
    with transaction.atomic():
        existing = (
            Framework.objects.select_for_update()
            .filter(commune=commune, code=data.code, version=data.version)
            .first()
        )
        if existing is not None and existing.content_hash == data.content_hash:
            if data.crosswalk:  # the same framework may come with new links
                crosswalk_save(data.crosswalk, within=commune)
            return SaveResult(existing, created=False, changed=False)
        if existing is not None and Certificate.objects.filter(framework=existing).exists():
            raise FrameworkFileError(
                [
                    _(
                        "Version %(version)s of %(code)s is already used by certificates; "
                        "give the changed file a new version."
                    )
                    % {"version": data.version, "code": data.code}
                ]
            )
        framework = existing or Framework(commune=commune, code=data.code, version=data.version)
        framework.copied_from = copied_from or framework.copied_from
        framework.name_vi, framework.name_en = data.name.vi, data.name.en
        framework.publisher_vi, framework.publisher_en = data.publisher.vi, data.publisher.en
        framework.source_citation, framework.source_url = data.citation, data.url
        framework.source_note = data.note
        framework.tracks = list(data.tracks)
        framework.content_hash = data.content_hash
        framework.save()
        _write_contents(framework, data)
        if data.crosswalk:
            crosswalk_save(data.crosswalk, within=commune)
    return SaveResult(framework, created=existing is None, changed=True)


def _write_contents(framework: Framework, data: FrameworkData) -> None:
    """Upsert by code, then drop what the file no longer has.

    Updating in place (rather than deleting and recreating) keeps the crosswalk links
    other frameworks hold to these competences.
    """
    for level in data.levels:
        ProficiencyLevel.objects.update_or_create(
            framework=framework,
            number=level.number,
            defaults={
                "name_vi": level.name.vi,
                "name_en": level.name.en,
                "description_vi": level.description.vi,
                "description_en": level.description.en,
            },
        )
    framework.levels.exclude(number__in=[level.number for level in data.levels]).delete()
    areas: dict[str, FrameworkArea] = {}
    for position, area in enumerate(data.areas):
        areas[area.code], _made = FrameworkArea.objects.update_or_create(
            framework=framework,
            code=area.code,
            defaults={
                "position": position,
                "parent": None,
                "name_vi": area.name.vi,
                "name_en": area.name.en,
                "description_vi": area.description.vi,
                "description_en": area.description.en,
            },
        )
    for area in data.areas:
        if area.parent:
            FrameworkArea.objects.filter(pk=areas[area.code].pk).update(parent=areas[area.parent])
    competences: dict[str, Competence] = {}
    for position, item in enumerate(data.competences):
        competences[item.code], _made = Competence.objects.update_or_create(
            framework=framework,
            code=item.code,
            defaults={
                "area": areas[item.area],
                "position": position,
                "name_vi": item.name.vi,
                "name_en": item.name.en,
                "description_vi": item.description.vi,
                "description_en": item.description.en,
                "tracks": list(item.tracks),
                "milestone": item.milestone,
            },
        )
    framework.competences.exclude(code__in=list(competences)).delete()
    framework.areas.exclude(code__in=list(areas)).delete()
    for item in data.competences:
        competences[item.code].requires.set([competences[code] for code in item.requires])


def _competences_named(reference: str, within: Commune | None) -> list[Competence]:
    """Every version of FRAMEWORK:CODE: the commune's own copy when it has one, else the
    shared framework (a commune's copy links to the shared frameworks it has no copy of)."""
    framework_code, _sep, code = reference.partition(":")
    found = Competence.objects.filter(framework__code=framework_code, code=code)
    if within is not None and found.filter(framework__commune=within).exists():
        found = found.filter(framework__commune=within)
    else:
        found = found.filter(framework__commune__isnull=True)
    return list(found.select_related("framework"))


def crosswalk_save(matches: Iterable[MatchData], *, within: Commune | None = None) -> int:
    """Link the matches whose both ends exist; return how many links were new.

    An end that is not loaded yet is skipped rather than refused: frameworks can be
    loaded in any order and the crosswalk filled in once both ends are there.
    """
    created = 0
    with transaction.atomic():
        for match in matches:
            for source in _competences_named(match.source, within):
                for target in _competences_named(match.target, within):
                    if source.framework_id == target.framework_id and source.pk == target.pk:
                        continue
                    _row, made = CompetenceMatch.objects.update_or_create(
                        source=source,
                        target=target,
                        defaults={"relation": match.relation, "note": match.note},
                    )
                    created += made
    return created


def framework_export(framework: Framework) -> dict[str, Any]:
    """The framework as a file `framework_parse` reads back (with its crosswalk)."""
    areas = list(framework.areas.select_related("parent"))
    competences = list(framework.competences.select_related("area").prefetch_related("requires"))
    matches = CompetenceMatch.objects.filter(source__framework=framework).select_related(
        "source__framework", "target__framework"
    )
    return {
        "format": FRAMEWORK_FORMAT,
        "code": framework.code,
        "version": framework.version,
        "name": {"vi": framework.name_vi, "en": framework.name_en},
        "publisher": {"vi": framework.publisher_vi, "en": framework.publisher_en},
        "source": {
            "citation": framework.source_citation,
            "url": framework.source_url,
            "note": framework.source_note,
        },
        "tracks": list(framework.tracks),
        "levels": [
            {
                "number": level.number,
                "name": {"vi": level.name_vi, "en": level.name_en},
                "description": {"vi": level.description_vi, "en": level.description_en},
            }
            for level in framework.levels.all()
        ],
        "areas": [
            {
                "code": area.code,
                "name": {"vi": area.name_vi, "en": area.name_en},
                "description": {"vi": area.description_vi, "en": area.description_en},
                "parent": area.parent.code if area.parent else None,
            }
            for area in areas
        ],
        "competences": [
            {
                "code": item.code,
                "area": item.area.code,
                "name": {"vi": item.name_vi, "en": item.name_en},
                "description": {"vi": item.description_vi, "en": item.description_en},
                "tracks": list(item.tracks),
                "requires": sorted(r.code for r in item.requires.all()),
                "milestone": item.milestone or None,
            }
            for item in competences
        ],
        "crosswalk": [
            {
                "from": m.source.reference,
                "to": m.target.reference,
                "relation": m.relation,
                "note": m.note,
            }
            for m in matches
        ],
    }


def framework_copy(*, access: Access, framework: Framework) -> Framework:
    """Give the commune its own editable copy of a shared framework (once per version)."""
    access.require(Perm.MANAGE_FRAMEWORKS)
    if framework.commune_id is not None:
        raise DomainError(_("This framework is already a commune's own copy."))
    if Framework.objects.filter(
        commune=access.commune, code=framework.code, version=framework.version
    ).exists():
        raise DomainError(_("The commune already has its own copy of this version."))
    from digiward.learning.framework_files import framework_parse

    data = framework_parse(framework_export(framework))
    with transaction.atomic():
        copy = framework_save(data, commune=access.commune, copied_from=framework).framework
        _copy_matches(framework, copy)
        audit_record(
            actor=access.user,
            action=AuditAction.CREATE,
            commune=access.commune,
            obj=copy,
            note="copy",
        )
    return copy


def _copy_matches(original: Framework, copy: Framework) -> None:
    """The copy keeps the original's crosswalk (to the shared frameworks)."""
    by_code = {c.code: c for c in copy.competences.all()}
    rows = []
    for match in CompetenceMatch.objects.filter(source__framework=original).select_related(
        "source"
    ):
        rows.append(
            CompetenceMatch(
                source=by_code[match.source.code],
                target_id=match.target_id,
                relation=match.relation,
                note=match.note,
            )
        )
    for match in CompetenceMatch.objects.filter(target__framework=original).select_related(
        "target"
    ):
        rows.append(
            CompetenceMatch(
                source_id=match.source_id,
                target=by_code[match.target.code],
                relation=match.relation,
                note=match.note,
            )
        )
    CompetenceMatch.objects.bulk_create(rows, ignore_conflicts=True)


EDITABLE_FIELDS = ("name_vi", "name_en", "description_vi", "description_en", "tracks", "milestone")


def competence_update(
    *, access: Access, competence: Competence, changes: dict[str, Any]
) -> Competence:
    """Edit a competence of the commune's own copy (a shared framework is read-only)."""
    access.require(Perm.MANAGE_FRAMEWORKS)
    with transaction.atomic():
        competence = (
            Competence.objects.select_for_update().select_related("framework").get(pk=competence.pk)
        )
        if competence.framework.commune_id != access.commune.pk:
            raise DomainError(_("Only the commune's own copy of a framework can be edited."))
        before = {name: getattr(competence, name) for name in EDITABLE_FIELDS}
        for name in EDITABLE_FIELDS:
            if name in changes:
                setattr(competence, name, changes[name])
        competence.save()
        after = {name: getattr(competence, name) for name in EDITABLE_FIELDS}
        changed = {k: [before[k], after[k]] for k in EDITABLE_FIELDS if before[k] != after[k]}
        if changed:
            # The exported file of the copy changes, so a later load of it is not a no-op.
            Framework.objects.filter(pk=competence.framework_id).update(content_hash="")
            audit_record(
                actor=access.user,
                action=AuditAction.CHANGE,
                commune=access.commune,
                obj=competence,
                changes=changed,
            )
    return competence
