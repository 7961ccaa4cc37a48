"""The personal-data registry of core: export records, the retention steps and the command."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from digiward.core.models import AuditAction, AuditEvent, Job, JobStatus
from digiward.core.personal_data import (
    ERASED_TEXT,
    RetentionCounts,
    display,
    entry,
    outbox_erase,
    retention_apply,
    retention_steps,
    sections,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **django_settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return tmp_path / "private"


def test_values_read_as_iso_in_the_file_and_as_dd_mm_yyyy_on_paper():
    assert display(date(2026, 2, 5)) == ("2026-02-05", "05/02/2026")
    moment = datetime(2026, 2, 5, 1, 30, tzinfo=ZoneInfo("UTC"))
    assert display(moment) == ("2026-02-05T08:30:00+07:00", "05/02/2026 08:30")
    assert display(None) == (None, "—")
    assert display("") == ("", "—")
    assert display(Decimal("10.034000")) == ("10.034000", "10.034000")
    assert display([date(2026, 1, 1), "x"]) == (["2026-01-01", "x"], "01/01/2026, x")
    assert entry("status", "trạng thái", "done", text="Xong").text == "Xong"
    assert entry("status", "trạng thái", "done", text="Xong").value == "done"
    assert ERASED_TEXT == "—"


def test_every_app_registers_its_sections_and_retention_steps():
    import digiward.registry.privacy.services  # noqa: F401  (the registry's own sections)

    keys = [s.key for s in sections()]
    assert keys[0] == "registry.person"  # renames first: later sections copy the label
    assert keys[-1] == "registry.household"  # last: it asks whether anyone is left
    for key in (
        "guidance.help_sessions",
        "homecare.requests",
        "homecare.visits",
        "homecare.authorizations",
        "homecare.photos",
        "donations.handovers",
        "donations.allocations",
        "donations.household_lists",
        "registry.journey",
        "registry.moves",
    ):
        assert key in keys
    steps = {s.key: s.setting for s in retention_steps()}
    assert steps == {
        "core.uploads": "uploads",
        "core.job_files": "exports",
        "guidance.help_session_notes": "help_session_notes",
        "homecare.closed_requests": "closed_home_requests",
    }
    assert set(steps.values()) == set(django_settings.DIGIWARD_RETENTION_DAYS)


def _upload(name: str, *, days_old: int) -> str:
    stored = default_storage.save(name, ContentFile(b"ma_ho;ho_ten;cccd\nNK001;An;092050001234\n"))
    stamp = (timezone.now() - timedelta(days=days_old)).timestamp()
    os.utime(default_storage.path(stored), (stamp, stamp))
    return stored


def _job(commune, *, days_old: int, filename: str = "danh-sach.xlsx") -> Job:
    job = Job.objects.create(
        commune=commune, kind="registry.export", title="Xuất danh sách", status=JobStatus.SUCCEEDED
    )
    job.result_file.save(filename, ContentFile(b"PK..."), save=False)
    job.result_filename = filename
    job.finished_at = timezone.now() - timedelta(days=days_old)
    job.save()
    return job


def test_old_uploads_and_job_files_go_with_one_audit_row_per_step_and_commune(
    commune, other_commune, settings, django_capture_on_commit_callbacks
):
    settings.DIGIWARD_RETENTION_DAYS = {
        **settings.DIGIWARD_RETENTION_DAYS,
        "uploads": 7,
        "exports": 7,
    }
    old_ours = _upload(f"imports/{commune.code}/20260101-ds.xlsx", days_old=8)
    old_theirs = _upload(f"imports/{other_commune.code}/20260101-ds.csv", days_old=30)
    fresh = _upload(f"imports/{commune.code}/20260301-ds.xlsx", days_old=2)
    old_job = _job(commune, days_old=10)
    fresh_job = _job(commune, days_old=1)
    file_name = old_job.result_file.name

    dry = retention_apply(dry_run=True)
    counts = {r.step.key: r.counts for r in dry}
    assert counts["core.uploads"].by_commune == {commune.pk: 1, other_commune.pk: 1}
    assert counts["core.job_files"].by_commune == {commune.pk: 1}
    assert default_storage.exists(old_ours) and default_storage.exists(file_name)
    assert not AuditEvent.objects.filter(object_repr__startswith="retention").exists()

    with django_capture_on_commit_callbacks(execute=True):
        retention_apply()
    assert not default_storage.exists(old_ours) and not default_storage.exists(old_theirs)
    assert default_storage.exists(fresh)
    old_job.refresh_from_db()
    fresh_job.refresh_from_db()
    assert not old_job.result_file and old_job.result_filename == "danh-sach.xlsx"
    assert not default_storage.exists(file_name)
    assert fresh_job.result_file
    rows = AuditEvent.objects.filter(object_repr__startswith="retention")
    assert {(e.object_repr, e.commune_id, e.changes[e.object_repr[11:]][1]) for e in rows} == {
        ("retention: core.uploads", commune.pk, 1),
        ("retention: core.uploads", other_commune.pk, 1),
        ("retention: core.job_files", commune.pk, 1),
    }
    assert {e.action for e in rows} == {AuditAction.DELETE}
    assert all("7 days" in e.note for e in rows)

    again = retention_apply()  # idempotent: nothing left, no new audit row
    assert all(r.counts.total == 0 for r in again)
    assert rows.count() == 3


def test_the_command_says_what_it_would_do_and_then_does_it(commune, settings):
    _upload(f"imports/{commune.code}/old.csv", days_old=40)
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "core.uploads" in text and f"{commune.code}: 1" in text
    assert "guidance.help_session_notes" in text and "homecare.closed_requests" in text
    assert len(list(default_storage.listdir(f"imports/{commune.code}")[1])) == 1
    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert f"{commune.code}: 1" in out.getvalue()
    assert default_storage.listdir(f"imports/{commune.code}")[1] == []
    event = AuditEvent.objects.get(object_repr="retention: core.uploads")
    assert event.source == "command" and "apply_retention" in event.path


def test_the_periods_come_from_the_settings(commune, settings):
    settings.DIGIWARD_RETENTION_DAYS = {**settings.DIGIWARD_RETENTION_DAYS, "uploads": 30}
    name = _upload(f"imports/{commune.code}/a.csv", days_old=20)
    retention_apply()
    assert default_storage.exists(name)
    with time_machine.travel(timezone.now() + timedelta(days=11), tick=False):
        retention_apply()
    assert not default_storage.exists(name)


def test_outbox_messages_about_a_person_lose_recipient_and_text(commune):
    from digiward.core.models import OutboxMessage, OutboxStatus

    sent = OutboxMessage.objects.create(
        commune=commune,
        channel="email",
        recipient="con@example.vn",
        subject="Yêu cầu ABCD",
        body="Bà Năm, 12 Hai Bà Trưng",
        status=OutboxStatus.SENT,
        dedupe_key="homecare:7:completed:email",
    )
    waiting = OutboxMessage.objects.create(
        commune=commune,
        channel="sms",
        recipient="+84912345678",
        subject="Lịch thăm",
        body="…",
        dedupe_key="homecare:7:scheduled:3:sms",
    )
    other = OutboxMessage.objects.create(
        commune=commune,
        channel="email",
        recipient="x@example.vn",
        subject="s",
        body="b",
        dedupe_key="homecare:70:completed:email",
    )
    assert outbox_erase(dedupe_prefix="homecare:7:") == 2
    sent.refresh_from_db()
    waiting.refresh_from_db()
    other.refresh_from_db()
    assert (sent.recipient, sent.body, sent.status) == ("", "", OutboxStatus.SENT)
    assert (waiting.recipient, waiting.status) == ("", OutboxStatus.FAILED)
    assert other.recipient == "x@example.vn"


def test_counts_add_up_per_commune():
    counts = RetentionCounts()
    counts.add(1, 2)
    counts.add(1)
    counts.add(None, 0)
    counts.add(None, 4)
    assert counts.by_commune == {1: 3, None: 4} and counts.total == 7
