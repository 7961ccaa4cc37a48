"""Catalog actions: loading the seed catalog, revising guides, commune notes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digiward.core.access import Access
from digiward.core.audit import audit_record, audit_saved, snapshot_saved
from digiward.core.errors import DomainError
from digiward.core.images import ImageRefused, ImageRules, Refusal, image_prepare
from digiward.core.models import AuditAction, User
from digiward.core.permissions import Perm
from digiward.core.text import fold
from digiward.procedures.models import (
    CommuneProcedureNote,
    Guide,
    GuideImage,
    GuideVersion,
    OnlineLevel,
    Place,
    Procedure,
    ProcedureField,
)

SEED = Path(__file__).resolve().parent / "seed" / "catalog.json"
PROCEDURE_FIELDS = (
    "code",
    "name",
    "name_en",
    "field",
    "online_level",
    "agency",
    "agency_en",
    "home_support_possible",
    "fee_text",
    "fee_text_en",
    "fee_vnd",
    "time_limit_text",
    "time_limit_text_en",
    "time_limit_working_days",
    "legal_basis",
    "documents",
    "documents_en",
    "keywords",
    "summary",
    "summary_en",
    "facts",
    "unsourced",
)
# Texts a catalog entry may leave out (an unknown fact stays empty, never invented).
TEXT_FIELDS = (
    "name_en",
    "agency",
    "agency_en",
    "fee_text",
    "fee_text_en",
    "time_limit_text",
    "time_limit_text_en",
    "summary",
    "summary_en",
)
UNSOURCED_FIELDS = ("fee_text", "time_limit_text")
# The desk's short list before any use is counted: what people come for most often.
STARTING_POPULARITY = {
    "dang-ky-khai-sinh": 100,
    "vneid-dang-ky-muc-1": 95,
    "vneid-dang-ky-muc-2": 90,
    "chung-thuc-ban-sao-tu-ban-chinh": 85,
    "thong-bao-luu-tru": 80,
    "tro-cap-huu-tri-xa-hoi": 75,
    "vneid-quen-mat-khau": 70,
    "phong-tranh-lua-dao-otp": 65,
    "chung-thuc-chu-ky": 60,
    "dang-ky-khai-tu": 55,
}
GUIDE_FIELDS = (
    "title",
    "title_en",
    "audience",
    "steps",
    "common_mistakes",
    "common_mistakes_en",
    "what_to_bring",
    "what_to_bring_en",
)


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    guide_versions: int


class CatalogError(ValueError):
    pass


def _check(entry: dict[str, Any]) -> None:
    slug = entry.get("slug", "?")
    if entry.get("field") not in ProcedureField.values:
        raise CatalogError(f"{slug}: unknown field {entry.get('field')!r}")
    if entry.get("online_level") not in OnlineLevel.values:
        raise CatalogError(f"{slug}: unknown online level {entry.get('online_level')!r}")
    unknown = set(entry.get("where", [])) - set(Place.values)
    if unknown:
        raise CatalogError(f"{slug}: unknown places {sorted(unknown)}")
    if set(entry.get("unsourced", [])) - set(UNSOURCED_FIELDS):
        raise CatalogError(f"{slug}: unsourced lists only {UNSOURCED_FIELDS}")
    steps = entry.get("guide", {}).get("steps", [])
    if not 1 <= len(steps) <= 20:
        raise CatalogError(f"{slug}: a guide needs 1 to 20 steps")


@transaction.atomic
def catalog_load(path: Path = SEED) -> LoadResult:
    """Create or update the national catalog from a JSON file. Idempotent: a guide gets
    a new version only when its content changed."""
    data = json.loads(path.read_text(encoding="utf-8"))
    created = updated = versions = 0
    for entry in data["procedures"]:
        _check(entry)
        values = {name: entry.get(name) for name in PROCEDURE_FIELDS}
        values["code"] = values["code"] or ""
        values["places"] = entry.get("where", [])
        for name in ("legal_basis", "documents", "documents_en", "keywords", "facts", "unsourced"):
            values[name] = values[name] or []
        for name in TEXT_FIELDS:
            values[name] = values[name] or ""
        procedure = Procedure.objects.filter(commune__isnull=True, slug=entry["slug"]).first()
        if procedure is None:
            procedure = Procedure.objects.create(
                commune=None,
                slug=entry["slug"],
                popularity=STARTING_POPULARITY.get(entry["slug"], 0),
                **values,
            )
            created += 1
        elif any(getattr(procedure, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(procedure, key, value)
            procedure.save()
            updated += 1
        if entry.get("guide"):
            guide, _created = Guide.objects.get_or_create(procedure=procedure, slug=entry["slug"])
            if (
                guide_revise(
                    guide=guide, content=entry["guide"], author=None, change_note="catalog"
                )
                is not None
            ):
                versions += 1
    return LoadResult(created, updated, versions)


def _normalise(content: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {
        name: content.get(name) or ([] if name not in ("title", "title_en", "audience") else "")
        for name in GUIDE_FIELDS
    }
    clean["steps"] = [
        {
            "text": str(step.get("text", "")).strip(),
            "text_en": str(step.get("text_en", "")).strip(),
            **{key: step[key] for key in PICTURE_KEYS if step.get("image") and step.get(key)},
            "image": step.get("image", ""),
        }
        for step in clean["steps"]
        if str(step.get("text", "")).strip()
    ]
    return clean


PICTURE_KEYS = ("image_alt", "image_width", "image_height")
# A phone screenshot, scaled to what a phone shows: pages stay light on cheap data plans.
PICTURE_MAX_SIZE = (720, 1440)
PICTURE_MAX_BYTES = 8 * 1024 * 1024
PICTURE_MAX_PIXELS = 40_000_000  # a 40-megapixel photo; a phone screenshot is ~3
PICTURE_RULES = ImageRules(
    max_bytes=PICTURE_MAX_BYTES,
    max_pixels=PICTURE_MAX_PIXELS,
    max_box=PICTURE_MAX_SIZE,
    quality=80,  # flat screenshots: 80 is sharp, and light on cheap data plans
)
# This form's own wording (already translated); the helper's for anything else.
PICTURE_REFUSALS = {
    Refusal.TOO_LARGE: gettext_lazy("The picture is too large (at most 8 MB)."),
    Refusal.WRONG_FORMAT: gettext_lazy("Use a JPEG, PNG or WebP picture."),
    Refusal.TOO_MANY_PIXELS: gettext_lazy(
        "The picture has too many pixels: send a screenshot or a smaller photo."
    ),
    Refusal.NOT_AN_IMAGE: gettext_lazy("This file is not a picture."),
}


def picture_prepare(upload: IO[bytes]) -> tuple[bytes, int, int]:
    """A JPEG no larger than a phone screen, turned upright, without the camera's
    metadata (which may hold where and when it was taken): see `core.images`."""
    try:
        prepared = image_prepare(upload, PICTURE_RULES)
    except ImageRefused as refused:
        message = PICTURE_REFUSALS.get(refused.reason, refused.message)
        raise DomainError(str(message), field="picture") from None
    return prepared.content, prepared.width, prepared.height


@transaction.atomic
def guide_picture_set(
    *, access: Access, guide: Guide, step: int, upload: IO[bytes] | None, alt: str
) -> GuideVersion | None:
    """Put a picture on step `step` (1-based) of the current version, or take it off
    (`upload` None): a new version, so earlier versions keep their pictures."""
    require_editable(access, guide.procedure)
    # Read the version under the guide's lock: a text edit saved meanwhile is kept.
    guide = (
        Guide.objects.select_for_update(of=("self",))
        .select_related("current", "procedure")
        .get(pk=guide.pk)
    )
    current = guide.current
    if current is None or not 1 <= step <= len(current.steps):
        raise DomainError(_("Choose a step of the guide."), field="step")
    steps = [dict(s) for s in current.steps]
    target = {k: v for k, v in steps[step - 1].items() if k != "image" and k not in PICTURE_KEYS}
    if upload is not None:
        if not alt.strip():
            raise DomainError(
                _("Say in a few words what the picture shows (read aloud to blind people)."),
                field="alt",
            )
        content, width, height = picture_prepare(upload)
        image = GuideImage(guide=guide, alt=alt.strip()[:200])
        image.image.save(f"{guide.slug}-{step}.jpg", ContentFile(content), save=False)
        image.save()
        target |= {
            "image": str(image.pk),
            "image_alt": image.alt,
            "image_width": width,
            "image_height": height,
        }
    steps[step - 1] = target
    content_now = {name: getattr(current, name) for name in GUIDE_FIELDS} | {"steps": steps}
    note = (_("Picture for step %(n)s") if upload else _("Picture removed from step %(n)s")) % {
        "n": step
    }
    return _revise_audited(access, guide, content_now, note)


@transaction.atomic
def guide_revise(
    *,
    guide: Guide,
    content: dict[str, Any],
    author: User | None,
    change_note: str = "",
    note_required: bool = False,
) -> GuideVersion | None:
    """Add a version to a guide if the content differs from the current one.
    Old versions are kept; returns None when nothing changed. `note_required`: a person
    editing says what they changed, but only when they changed something (saving the
    form as it was is not refused)."""
    clean = _normalise(content)
    if not clean["title"] or not clean["steps"]:
        raise DomainError(_("A guide needs a title and at least one step."))
    locked = Guide.objects.select_for_update().get(pk=guide.pk)
    current = locked.current
    if current is not None and all(getattr(current, name) == clean[name] for name in GUIDE_FIELDS):
        return None
    if note_required and not change_note.strip():
        raise DomainError(_("Say in a few words what you changed."), field="change_note")
    number = (current.number if current else 0) + 1
    version = GuideVersion.objects.create(
        guide=locked, number=number, change_note=change_note[:300], created_by=author, **clean
    )
    locked.current = version
    locked.save(update_fields=["current"])
    guide.current = version
    return version


PROCEDURE_AUDIT = (
    "name",
    "code",
    "field",
    "online_level",
    "fee_text",
    "fee_vnd",
    "time_limit_text",
    "time_limit_working_days",
    "documents",
    "places",
    "is_published",
)


@transaction.atomic
def procedure_save(*, access: Access, procedure: Procedure, source: str) -> Procedure:
    """Create or change one of the commune's own procedures. A new one gets an empty
    guide to write (the guide keeps its versions, like every guide)."""
    access.require(Perm.MANAGE_PROCEDURES)
    creating = procedure.pk is None
    if creating:
        procedure.commune = access.commune
    else:
        require_editable(access, procedure)
    before = snapshot_saved(procedure, PROCEDURE_AUDIT)
    if creating:
        base = slugify(fold(procedure.name))[:60] or "thu-tuc"
        taken = set(
            Procedure.objects.filter(commune=access.commune, slug__startswith=base).values_list(
                "slug", flat=True
            )
        )
        procedure.slug = next(
            s for s in (base, *(f"{base}-{n}" for n in range(2, 1000))) if s not in taken
        )
    if procedure.commune_id is not None:
        # A commune's own entry: one source for what it typed. The national catalog keeps
        # its fact-by-fact sources (only a superuser edits it here).
        procedure.facts = [
            {"field": "*", "text": _("Facts entered by the commune."), "source": source.strip()}
        ]
    procedure.save()
    if creating:
        Guide.objects.create(procedure=procedure, slug=f"{access.commune.code}-{procedure.slug}")
    audit_saved(
        commune=access.commune,
        obj=procedure,
        fields=PROCEDURE_AUDIT,
        before=before,
        skip_unchanged=True,
    )
    return procedure


def _with_pictures(guide: Guide, steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Steps that name a picture get its description and size back (from the version
    that had it); a picture of another guide is refused."""
    known: dict[str, dict[str, Any]] = {}
    for old in GuideVersion.objects.filter(guide=guide).order_by("number"):
        for step in old.steps:
            if step.get("image"):
                known[str(step["image"])] = {k: step[k] for k in PICTURE_KEYS if k in step}
    filled = []
    for step in steps:
        picture = str(step.get("image") or "")
        if picture and picture not in known:
            raise DomainError(
                _("Picture %(n)s is not one of this guide's pictures.") % {"n": picture}
            )
        filled.append({**step, **known.get(picture, {})} if picture else step)
    return filled


SHARED_CATALOG = gettext_lazy(
    "The national catalog is shared by every commune: add a note for your commune instead."
)


def require_editable(access: Access, procedure: Procedure) -> None:
    if not can_edit(access, procedure):
        raise DomainError(str(SHARED_CATALOG))


def can_edit(access: Access, procedure: Procedure) -> bool:
    """A commune edits its own procedures and guides; the national catalog is shared and
    changes only through the catalog file or a system administrator."""
    if not access.has(Perm.MANAGE_PROCEDURES):
        return False
    return procedure.commune_id == access.commune.pk or access.user.is_superuser


@transaction.atomic
def guide_edit(
    *,
    access: Access,
    guide: Guide,
    content: dict[str, Any],
    change_note: str,
    base_version: int | None = None,
) -> GuideVersion | None:
    """A new version from the edit form. `base_version`: the version the form showed; if
    someone saved another one since (a picture, another edit), nothing is overwritten."""
    require_editable(access, guide.procedure)
    locked = (
        Guide.objects.select_for_update(of=("self",)).select_related("current").get(pk=guide.pk)
    )
    current = locked.current
    if base_version is not None and (current.number if current else 0) != base_version:
        raise DomainError(
            _(
                "Someone saved a newer version of this guide while you were editing. "
                "Open the guide again to see it, then make your change."
            )
        )
    content = {**content, "steps": _with_pictures(locked, content.get("steps", []))}
    return _revise_audited(
        access, locked, _keep_english(current, content), change_note, note_required=True
    )


def _keep_english(current: GuideVersion | None, content: dict[str, Any]) -> dict[str, Any]:
    """The form edits the Vietnamese text: English texts of what did not change stay."""
    if current is None:
        return content
    kept = dict(content)
    for field in ("title", "common_mistakes", "what_to_bring"):
        if f"{field}_en" not in kept and kept.get(field) == getattr(current, field):
            kept[f"{field}_en"] = getattr(current, f"{field}_en")
    english = {s.get("text"): s.get("text_en", "") for s in current.steps if s.get("text_en")}
    kept["steps"] = [
        step if step.get("text_en") else {**step, "text_en": english.get(step.get("text"), "")}
        for step in kept.get("steps", [])
    ]
    return kept


def _revise_audited(
    access: Access,
    guide: Guide,
    content: dict[str, Any],
    note: str,
    *,
    note_required: bool = False,
) -> GuideVersion | None:
    version = guide_revise(
        guide=guide,
        content=content,
        author=access.user,
        change_note=note,
        note_required=note_required,
    )
    if version is not None:
        audit_record(
            action=AuditAction.CHANGE,
            commune=access.commune,
            obj=guide,
            changes={"version": [version.number - 1, version.number]},
            note=note,
        )
    return version


@transaction.atomic
def procedure_note_save(
    *, access: Access, procedure: Procedure, note: str
) -> CommuneProcedureNote | None:
    """The commune's own note on a procedure (counter, local fee, hours); empty removes it."""
    access.require(Perm.MANAGE_PROCEDURES)
    if not procedure.is_visible_in(access.commune):
        raise DomainError(_("This procedure belongs to another commune."))
    note = note.strip()
    existing = CommuneProcedureNote.objects.filter(
        commune=access.commune, procedure=procedure
    ).first()
    if not note:
        if existing:
            existing.delete()
        return None
    if existing is None:
        existing = CommuneProcedureNote(commune=access.commune, procedure=procedure)
    existing.note, existing.updated_by = note, access.user
    existing.save()
    return existing
