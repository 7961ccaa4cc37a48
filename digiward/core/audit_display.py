"""The audit log as people read it: domain words, and repeated views folded into one line.

Stored rows stay as they were written (append-only, and the export keeps every row): the
`object_type` is a model label ("homecare.homesupportrequest") and the `object_repr` of a
list page is a short English note written by the view ("inbox page 1 status=new"). This
module only changes how the page shows them:

- the kind of record is the model's `verbose_name` in the reader's language
  ("Yêu cầu hỗ trợ tại nhà #37");
- the notes that list pages and searches write are recognised by `LIST_PAGES` below and
  shown as the page's name ("Danh sách tiếp nhận", page 1); anything not recognised is
  shown as stored, so a new note is never hidden;
- the same person viewing the same page again within `REPEAT_WINDOW` is one line with
  a count, the first and the last time.

The table names other apps' notes as plain strings (core imports no app above it); an
app that adds a list view adds its row here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from digiward.core.models import AuditAction, AuditEvent, Role
from digiward.core.text import sort_key

# A reload, a filter changed, the next page: a person looking at one list for a while.
REPEAT_WINDOW = timedelta(minutes=5)

# Kinds written without a model behind them (a page, a setting, a security event).
_KIND_NAMES: dict[str, Promise] = {
    "security": _("Security"),
    "messaging.outbox": _("Messages sent"),
    "messaging.settings": _("Messaging settings"),
    "messaging.consent": _("Consent to messages"),
}


@dataclass(frozen=True)
class ListPage:
    """A note written by a list page or a search: which page it names, and its details."""

    object_type: str  # "" for any kind
    pattern: re.Pattern[str]
    title: Promise
    # A format of the named groups shown under the title, e.g. "“{q}”"; "" for none.
    detail: str = ""


def _page(object_type: str, pattern: str, title: Promise, detail: str = "") -> ListPage:
    return ListPage(object_type, re.compile(pattern), title, detail)


LIST_PAGES: tuple[ListPage, ...] = (
    _page("homecare.homesupportrequest", r"^inbox page (?P<page>\d+)", _("Requests received")),
    _page("homecare.homesupportrequest", r"^deadlines$", _("Deadlines of home-support requests")),
    _page("homecare.homevisit", r"^my visits (?P<day>.+)$", _("My visits"), "{day}"),
    _page(
        "homecare.homevisit",
        r"^visits going along (?P<day>.+)$",
        _("Visits I go along on"),
        "{day}",
    ),
    _page("", r"^photo of visit (?P<visit>\d+)$", _("Photo of a home visit"), "#{visit}"),
    _page(
        "homecare.authorizationconfirmation",
        r"^register (?P<year>\d+) page (?P<page>\d+)$",
        _("Register of authorization confirmations"),
        "{year}",
    ),
    _page("homecare.dayplan", r"^day plan (?P<day>.+)$", _("Day plan"), "{day}"),
    _page("", r"^route (?P<route>.+) \(PDF\)$", _("Route sheet (PDF)"), "{route}"),
    _page("", r"^route (?P<route>.+)$", _("Route sheet"), "{route}"),
    _page(
        "registry.resident",
        r"^journey: stuck list page (?P<page>\d+)$",
        _("Residents whose digital journey is stuck"),
    ),
    _page(
        "registry.resident",
        r"^search “(?P<q>.*)”(?: \((?P<purpose>[^)]*)\))? page (?P<page>\d+)$",
        _("Resident search"),
        "“{q}”",
    ),
    _page(
        "registry.resident",
        r"^search by citizen ID refused$",
        _("Search by citizen ID (refused)"),
    ),
    _page(
        "guidance.helpsession",
        r"^list (?P<scope>\w+) page (?P<page>\d+)$",
        _("List of help sessions"),
    ),
    _page(
        "",
        r"^(?P<campaign>.+): sponsor report \((?P<format>PDF|Excel)\)$",
        _("Sponsor report"),
        "{campaign} ({format})",
    ),
    _page("", r"^follow-up of (?P<name>.+)$", _("Follow-up after a handover"), "{name}"),
    _page(
        "", r"^invitation “(?P<username>[^”]*)” as (?P<role>\w+)$", _("Invitation"), "{username}"
    ),
    _page(
        "", r"^invitation “(?P<username>[^”]*)” declined$", _("Invitation declined"), "{username}"
    ),
    _page(
        "", r"^invitation “(?P<username>[^”]*)” withdrawn$", _("Invitation withdrawn"), "{username}"
    ),
    _page("", r"^retention: (?P<step>.+)$", _("Retention period applied"), "{step}"),
)


def kind_label(object_type: str) -> str:
    """'homecare.homesupportrequest' → 'Yêu cầu hỗ trợ tại nhà' (the model's verbose
    name, translated); an unknown label is shown as stored."""
    if object_type in _KIND_NAMES:
        return str(_KIND_NAMES[object_type])
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(capfirst(model._meta.verbose_name))


@dataclass(frozen=True)
class Description:
    title: str  # what was seen or changed, in domain words
    detail: str  # under it: a name, a day, a search ("" for none)
    page: int | None  # the page of a list, when the note names one
    # Views of one page by one person fold together when their `key`s are equal.
    key: tuple[str, ...]


def describe(event: AuditEvent) -> Description:
    """The words the audit log page shows for one stored row."""
    for known in LIST_PAGES:
        if known.object_type and known.object_type != event.object_type:
            continue
        match = known.pattern.match(event.object_repr)
        if match is None:
            continue
        groups = {name: value or "" for name, value in match.groupdict().items()}
        if "role" in groups and groups["role"] in Role.values:
            groups["role"] = str(Role(groups["role"]).label)
        page = int(groups["page"]) if groups.get("page") else None
        detail = known.detail.format(**groups) if known.detail else ""
        title = str(known.title)
        return Description(title, detail, page, (event.object_type, title, detail))
    kind = kind_label(event.object_type) if event.object_type else ""
    title = " ".join(part for part in (kind, f"#{event.object_id}" * bool(event.object_id)) if part)
    return Description(
        title or "—",
        event.object_repr,
        None,
        (event.object_type, event.object_id, event.object_repr),
    )


@dataclass
class AuditLine:
    """One line of the page: a stored row, or several views of the same page."""

    event: AuditEvent  # the newest row of the line
    description: Description
    count: int = 1
    first_at: datetime | None = None  # the oldest row's time when count > 1
    pages: list[int] = field(default_factory=list)

    @property
    def changes(self) -> list[tuple[str, Any, Any]]:
        return change_rows(self.event)

    @property
    def pages_text(self) -> str:
        """'1', '1–3' or '1, 4' (the pages seen, in order)."""
        pages = sorted(set(self.pages))
        if not pages:
            return ""
        if pages == list(range(pages[0], pages[-1] + 1)) and len(pages) > 2:
            return f"{pages[0]}–{pages[-1]}"
        return ", ".join(str(p) for p in pages)


def _fold_key(event: AuditEvent, description: Description) -> tuple[Any, ...] | None:
    if event.action != AuditAction.VIEW:
        return None  # every change, export, sign-in or full-ID view stays its own line
    who = event.actor_id if event.actor_id is not None else event.actor_label
    return (who, event.ip_address, *description.key)


def audit_lines(events: Iterable[AuditEvent], window: timedelta = REPEAT_WINDOW) -> list[AuditLine]:
    """`events` (newest first) as lines: views of the same page by the same person, each
    within `window` of the next, fold into the line of the newest of them."""
    lines: list[AuditLine] = []
    open_lines: dict[tuple[Any, ...], AuditLine] = {}
    for event in events:
        description = describe(event)
        key = _fold_key(event, description)
        line = open_lines.get(key) if key is not None else None
        oldest = (line.first_at or line.event.at) if line is not None else None
        if line is not None and oldest is not None and oldest - event.at <= window:
            line.count += 1
            line.first_at = event.at
            if description.page is not None:
                line.pages.append(description.page)
            continue
        line = AuditLine(event=event, description=description)
        if description.page is not None:
            line.pages.append(description.page)
        lines.append(line)
        if key is not None:
            open_lines[key] = line
    return lines


def kind_choices(object_types: Iterable[str]) -> list[tuple[str, str]]:
    """The type filter's choices: (stored label, domain name), in Vietnamese order."""
    choices = [(object_type, kind_label(object_type)) for object_type in object_types]
    return sorted(choices, key=lambda choice: sort_key(choice[1]))


def change_rows(event: AuditEvent) -> list[tuple[str, Any, Any]]:
    """The stored {field: [old, new]} as (the field's name in words, old, new)."""
    try:
        model = apps.get_model(event.object_type) if event.object_type else None
    except (LookupError, ValueError):
        model = None
    rows: list[tuple[str, Any, Any]] = []
    for name, values in event.changes.items():
        label = name
        if model is not None:
            try:
                label = str(capfirst(model._meta.get_field(name).verbose_name))
            except Exception:  # a field since removed, or an entry of a computed value
                label = name
        old, new = [*values, None, None][:2] if isinstance(values, list) else (None, values)
        rows.append((label, old, new))
    return rows
