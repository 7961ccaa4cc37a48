"""What DigiWard holds about one person, across apps: export, anonymisation, retention.

A person's data lives in several apps (the registry, help sessions, home support,
donations), while apps depend one way (core ← registry ← guidance/homecare/donations).
So every app *registers* here what it holds about a person, as sections, from its own
AppConfig.ready(); the registry's privacy services (the Resident is the subject) call
every registered section without importing the apps above it:

    class HelpSessions(Section[Resident]):
        key = "guidance.help_sessions"
        title = _("Help sessions")
        def collect(self, subject, *, reveal): ...      # records for the export
        def anonymise(self, subject, *, now): ...       # erase, return counts
        def blockers(self, subject): ...                # reasons to refuse (optional)

    register_section(HelpSessions())

Retention works the same way: `register_retention(step)`, applied by `digiward
apply_retention`, which writes one audit row per step and commune. Core's own steps
(uploaded ward lists, job files) are registered below.

Decree 13/2023/NĐ-CP (Art. 9: the data subject's rights to access, to have data deleted)
and the Personal Data Protection Law 91/2025/QH15 in force since 1/1/2026: see
docs/notes/privacy.md.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar, Generic, TypeVar

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from digiward.core.audit import audit_record
from digiward.core.dates import day_text, moment_text
from digiward.core.models import AuditAction, Commune, Job, OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

S = TypeVar("S", bound=models.Model)
Label = StrOrPromise
JSONScalar = str | int | float | bool | None
JSONValue = JSONScalar | list[Any] | dict[str, Any]

# Written into required text fields whose content is erased (the field may not be empty).
ERASED_TEXT = "—"


# ---- Export records ---------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One value of a record: its key in the JSON file, its label and text on paper."""

    key: str
    label: str
    value: JSONValue
    text: str


@dataclass(frozen=True)
class Record:
    """One row a section holds about the person (a help session, a visit, …)."""

    title: str
    entries: tuple[Entry, ...]

    def as_json(self) -> dict[str, JSONValue]:
        return {entry.key: entry.value for entry in self.entries}


@dataclass(frozen=True)
class Reveal:
    """What the export may show in full: citizen IDs only for who may see them; files
    (photos) are left out when only counting records (a confirmation page)."""

    full_citizen_ids: bool
    files: bool = True


def display(value: Any) -> tuple[JSONValue, str]:
    """A Python value as (JSON value, text on paper): ISO dates in the file, dd/mm/yyyy on
    paper, local time for datetimes, '—' for nothing."""
    if value is None or value == "":
        return (None if value is None else ""), "—"
    if isinstance(value, bool):
        return value, _("Yes") if value else _("No")
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.isoformat(timespec="seconds"), moment_text(local)
    if isinstance(value, date):
        return value.isoformat(), day_text(value)
    if isinstance(value, Decimal):
        return str(value), str(value)
    if isinstance(value, models.Model):
        return str(value), str(value)
    if isinstance(value, list | tuple):
        items = [display(v) for v in value]
        return [v for v, _t in items], ", ".join(t for _v, t in items) or "—"
    if isinstance(value, int | float):
        return value, str(value)
    return str(value), str(value)


def entry(key: str, label: Label, value: Any, text: Label | None = None) -> Entry:
    """An entry from a raw value; `text` overrides how it reads on paper (a choice label)."""
    json_value, shown = display(value)
    return Entry(key=key, label=str(label), value=json_value, text=str(text) if text else shown)


# Labels for the bookkeeping fields models leave without a verbose name.
FALLBACK_LABELS: dict[str, Label] = {
    "created_at": gettext_lazy("created at"),
    "updated_at": gettext_lazy("last changed at"),
    "recorded_at": gettext_lazy("recorded at"),
    "recorded_by": gettext_lazy("recorded by"),
    "status_changed_on": gettext_lazy("status changed on"),
    "completed_at": gettext_lazy("completed at"),
    "certified_by": gettext_lazy("certified by"),
    "uploaded_at": gettext_lazy("uploaded at"),
    "allocated_at": gettext_lazy("allocated at"),
    "area": gettext_lazy("area"),
    "latitude": gettext_lazy("latitude"),
    "longitude": gettext_lazy("longitude"),
    "procedure": gettext_lazy("procedure"),
}


def model_entries(obj: models.Model, names: Iterable[str]) -> list[Entry]:
    """Entries for model fields, labelled with their verbose names: choices keep their code
    in the file and read as their label on paper; foreign keys read as the object."""
    found = []
    for name in names:
        model_field = obj._meta.get_field(name)
        assert isinstance(model_field, models.Field)
        value = getattr(obj, name)
        label = str(model_field.verbose_name)
        if label == name.replace("_", " ") and name in FALLBACK_LABELS:
            label = str(FALLBACK_LABELS[name])
        choices = dict(model_field.flatchoices) if model_field.choices else None
        if choices is not None and value not in (None, ""):
            found.append(entry(name, label, value, text=str(choices.get(value, value))))
        else:
            found.append(entry(name, label, value))
    return found


def record(title: Label, entries: Iterable[Entry]) -> Record:
    return Record(title=str(title), entries=tuple(entries))


# ---- Sections ---------------------------------------------------------------------------


class Section(Generic[S]):
    """What one app holds about a person. Subclass it and register an instance.

    `collect` lists the records for the export (JSON and PDF); `anonymise` erases the
    personal fields (keeping the rows statistics count) and returns what it changed,
    e.g. {"sessions": 3}; `blockers` says why the person cannot be anonymised yet
    (an open request), in words for the administrator. Sections run in `order`; the
    registry's own person section (order 10) renames the person first, so later
    sections may copy the neutral label.
    """

    key: ClassVar[str]
    title: ClassVar[Label]
    order: ClassVar[int] = 50

    def collect(self, subject: S, *, reveal: Reveal) -> list[Record]:
        raise NotImplementedError

    def anonymise(self, subject: S, *, now: datetime) -> dict[str, int]:
        raise NotImplementedError

    def blockers(self, subject: S) -> list[str]:
        return []


_sections: dict[str, Section[Any]] = {}


def register_section(section: Section[Any]) -> None:
    """Register (or replace, for a second ready()) a section by its key."""
    _sections[section.key] = section


def sections() -> list[Section[Any]]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


# ---- Retention --------------------------------------------------------------------------


@dataclass
class RetentionCounts:
    """What one step did (or would do, in a dry run), per commune (None: no commune)."""

    by_commune: dict[int | None, int] = field(default_factory=dict)

    def add(self, commune_id: int | None, n: int = 1) -> None:
        if n:
            self.by_commune[commune_id] = self.by_commune.get(commune_id, 0) + n

    @property
    def total(self) -> int:
        return sum(self.by_commune.values())

    @classmethod
    def of(cls, queryset: QuerySet[Any]) -> RetentionCounts:
        """The rows of a commune-owned queryset, counted per commune in one query."""
        counts = cls()
        for commune_id, n in queryset.values_list("commune_id").annotate(n=Count("pk")).order_by():
            counts.add(commune_id, n)
        return counts


class RetentionStep:
    """One rule of the retention policy: what older than `settings.DIGIWARD_RETENTION_DAYS
    [setting]` days is erased. `apply` must be idempotent (a second run finds nothing) and,
    with `dry_run`, count without writing."""

    key: ClassVar[str]
    setting: ClassVar[str]
    title: ClassVar[Label]
    object_type: ClassVar[str]
    action: ClassVar[str] = AuditAction.CHANGE

    def apply(self, *, cutoff: datetime, dry_run: bool) -> RetentionCounts:
        raise NotImplementedError


_retention: dict[str, RetentionStep] = {}


def register_retention(step: RetentionStep) -> None:
    _retention[step.key] = step


def retention_steps() -> list[RetentionStep]:
    return [_retention[key] for key in sorted(_retention)]


def retention_days(setting: str) -> int:
    days: Mapping[str, int] = settings.DIGIWARD_RETENTION_DAYS
    return int(days[setting])


@dataclass(frozen=True)
class RetentionReport:
    step: RetentionStep
    days: int
    cutoff: datetime
    counts: RetentionCounts


def retention_apply(*, now: datetime | None = None, dry_run: bool = False) -> list[RetentionReport]:
    """Run every registered step; one audit row per step and commune that had work."""
    now = now or timezone.now()
    reports = []
    for step in retention_steps():
        days = retention_days(step.setting)
        cutoff = now - timedelta(days=days)
        with transaction.atomic():
            counts = step.apply(cutoff=cutoff, dry_run=dry_run)
            if not dry_run:
                _audit_retention(step, days, cutoff, counts)
        reports.append(RetentionReport(step=step, days=days, cutoff=cutoff, counts=counts))
    return reports


def _audit_retention(
    step: RetentionStep, days: int, cutoff: datetime, counts: RetentionCounts
) -> None:
    communes = Commune.objects.in_bulk([pk for pk in counts.by_commune if pk is not None])
    for commune_id, n in sorted(counts.by_commune.items(), key=lambda kv: kv[0] or 0):
        audit_record(
            action=step.action,
            commune=communes.get(commune_id) if commune_id is not None else None,
            object_type=step.object_type,
            object_repr=f"retention: {step.key}",
            changes={step.key: [None, n]},
            note=(
                f"{step.setting} = {days} days; older than "
                f"{timezone.localtime(cutoff):%Y-%m-%d %H:%M}"
            ),
        )


def _walk(directory: str) -> Iterator[str]:
    """Every file name under `directory` of the default (private) storage."""
    try:
        folders, files = default_storage.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{directory}/{name}"
    for folder in folders:
        yield from _walk(f"{directory}/{folder}")


class UploadedLists(RetentionStep):
    """Ward lists uploaded for an import (`imports/<commune code>/…`): every citizen ID in
    clear, needed only until the import is done."""

    key = "core.uploads"
    setting = "uploads"
    title = gettext_lazy("Uploaded ward lists")
    object_type = "registry.import_upload"
    action = AuditAction.DELETE
    root = "imports"

    def apply(self, *, cutoff: datetime, dry_run: bool) -> RetentionCounts:
        counts = RetentionCounts()
        codes = dict(Commune.objects.values_list("code", "pk"))
        for name in _walk(self.root):
            if default_storage.get_modified_time(name) >= cutoff:
                continue
            parts = name.split("/")
            commune_id = codes.get(parts[1]) if len(parts) > 2 else None
            if not dry_run:
                default_storage.delete(name)
            counts.add(commune_id)
        return counts


class JobFiles(RetentionStep):
    """Files that jobs produced (exports, error reports): deleted, the job row stays with
    its `result_filename`, so its page can say the file was removed."""

    key = "core.job_files"
    setting = "exports"
    title = gettext_lazy("Files made by exports and imports")
    object_type = "core.job"
    action = AuditAction.DELETE

    def apply(self, *, cutoff: datetime, dry_run: bool) -> RetentionCounts:
        counts = RetentionCounts()
        old = (
            Job.objects.exclude(result_file="")
            .filter(Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff))
            .select_for_update()
            .only("pk", "commune_id", "result_file")
        )
        for job in old:
            counts.add(job.commune_id)
            if dry_run:
                continue
            name = job.result_file.name
            Job.objects.filter(pk=job.pk).update(result_file="")
            transaction.on_commit(functools.partial(_delete_quietly, name))
        return counts


def _delete_quietly(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError:  # already gone: the row no longer points to it either way
        logger.warning("could not delete %s", name)


register_retention(UploadedLists())
register_retention(JobFiles())


# ---- Helpers sections share ---------------------------------------------------------------


def files_delete_after_commit(names: Sequence[str]) -> None:
    """Delete stored files once the erasing transaction commits (a rollback keeps them)."""
    for name in names:
        if name:
            transaction.on_commit(functools.partial(_delete_quietly, name))


def outbox_erase(*, dedupe_prefix: str) -> int:
    """Erase the recipient and text of notifications queued under `dedupe_prefix` (e.g.
    "homecare:12:"): the outbox is core's, the messages were about the person. A message
    not sent yet is not sent any more."""
    messages = OutboxMessage.objects.filter(dedupe_key__startswith=dedupe_prefix)
    pending = messages.filter(status=OutboxStatus.PENDING).update(
        status=OutboxStatus.FAILED, last_error=_("Not sent: the person's details were erased.")
    )
    erased = messages.exclude(recipient="", body="").update(recipient="", body="", subject="")
    return max(pending, erased)
