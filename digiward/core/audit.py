"""Writing the audit log: the one function every app calls.

Every view, export, change or deletion of personal data writes one row here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from digiward.core.models import AuditAction, AuditEvent, Commune, User
from digiward.core.request_context import Origin, current_origin
from digiward.core.text import redact_identifiers, strip_controls

# Values of these fields are never copied into the audit log, only the fact of change.
SECRET_FIELDS = frozenset({"password", "citizen_id", "citizen_id_encrypted", "citizen_id_hash"})


def audit_record(
    *,
    action: AuditAction | str,
    commune: Commune | None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    changes: Mapping[str, Any] | None = None,
    note: str = "",
    actor: User | None = None,
) -> AuditEvent:
    """Append one event. Who and from where come from the current origin."""
    origin = current_origin()
    who = actor if actor is not None else origin.user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    return AuditEvent.objects.create(
        actor=who,
        actor_label=_clean(who.get_full_name() if who is not None else origin.label)[:150],
        commune=commune,
        action=action,
        object_type=object_type,
        object_id=_clean(str(object_id))[:64],
        object_repr=_free_text(object_repr)[:200],
        changes=dict(changes or {}),
        note=_free_text(note),
        **_where(origin),
    )


def _clean(text: str) -> str:
    # A NUL is refused by PostgreSQL and breaks the Excel export for good: stored
    # text never holds control characters, whatever a request carried.
    return strip_controls(text)


def _free_text(text: str) -> str:
    """Descriptions and notes often quote what someone typed in a search box: an ID or a
    phone number there is stored masked, so the audit log is no list of citizen IDs."""
    return redact_identifiers(strip_controls(text))


def _where(origin: Origin) -> dict[str, Any]:
    return {
        "source": origin.source,
        "ip_address": origin.ip_address,
        "user_agent": _clean(origin.user_agent)[:300],
        "path": _free_text(origin.path)[:500],
    }


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of `fields` on `obj`, as JSON-friendly text, for a later diff."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def snapshot_saved(obj: models.Model, fields: Iterable[str]) -> dict[str, Any] | None:
    """The stored values of `fields` for an edit, or None when `obj` is new (a create).

    Read from the database, not from `obj`: a form has already put the new values on it."""
    if obj.pk is None:
        return None
    stored = type(obj)._default_manager.get(pk=obj.pk)
    return snapshot(stored, fields)


def audit_saved(
    *,
    commune: Commune | None,
    obj: models.Model,
    fields: Iterable[str],
    before: Mapping[str, Any] | None,
    changes: Mapping[str, Any] | None = None,
    object_repr: str = "",
    note: str = "",
    skip_unchanged: bool = False,
) -> AuditEvent | None:
    """The audit row of a save: a create when `before` is None, else an edit listing the
    `fields` that changed since `before` (a `snapshot` taken before it), [old, new] each,
    plus any `changes` the caller adds. `skip_unchanged`: no row for an edit that changed
    nothing (a form saved as it was). The one copy of snapshot → diff → audit."""
    found = {**diff(before or {}, snapshot(obj, fields)), **(changes or {})}
    if before is not None and skip_unchanged and not found:
        return None
    return audit_record(
        action=AuditAction.CREATE if before is None else AuditAction.CHANGE,
        commune=commune,
        obj=obj,
        object_repr=object_repr,
        changes=found,
        note=note,
    )


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """{field: [old, new]} for fields that changed; secrets show only that they changed."""
    changes: dict[str, Any] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        changes[name] = ["•••", "•••"] if name in SECRET_FIELDS else [old, new]
    return changes


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def audit_bulk(
    *,
    action: AuditAction | str,
    commune: Commune | None,
    entries: Iterable[tuple[str, str, str, Mapping[str, Any]]],
    note: str = "",
) -> int:
    """Append many events at once (an import's changes): (type, id, repr, changes) each."""
    origin = current_origin()
    who = origin.user
    label = _clean(who.get_full_name() if who is not None else origin.label)[:150]
    where = _where(origin)
    note = _free_text(note)
    events = [
        AuditEvent(
            actor=who,
            actor_label=label,
            commune=commune,
            action=action,
            object_type=object_type,
            object_id=_clean(object_id)[:64],
            object_repr=_free_text(object_repr)[:200],
            changes=dict(changes),
            note=note,
            **where,
        )
        for object_type, object_id, object_repr, changes in entries
    ]
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    return len(events)
