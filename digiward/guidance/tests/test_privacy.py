"""What the guidance team holds about a person: exported, erased, and old notes emptied."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from digiward.core.models import AuditAction, AuditEvent
from digiward.core.personal_data import Reveal, retention_apply
from digiward.guidance.models import HelpSession
from digiward.guidance.privacy import HelpSessionNotes, HelpSessions
from digiward.guidance.services import SessionInput, help_session_log
from digiward.guidance.tests.conftest import access_of
from digiward.registry.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


def log(access, resident=None, *, days_ago=0, notes="", **extra):
    session, _reached = help_session_log(
        access=access,
        data=SessionInput(
            outcome="done",
            minutes=15,
            helped_on=timezone.localdate() - timedelta(days=days_ago),
            resident_id=resident.pk if resident else None,
            topic=extra.pop("topic", "Cài VNeID"),
            notes=notes,
            **extra,
        ),
    )
    return session


def test_a_persons_sessions_are_exported_and_their_free_text_erased(commune, volunteer):
    access = access_of(volunteer, commune)
    person = ResidentFactory(commune=commune, full_name="Võ Thị Tám")
    neighbour = ResidentFactory(commune=commune)
    log(
        access,
        person,
        days_ago=3,
        notes="Bà quên mật khẩu",
        dossier_code="HS-1",
        milestones=["has_sim"],
    )
    log(access, person, notes="Đã cài lại")
    log(access, neighbour, notes="Hẹn tuần sau")
    walk_in = log(access, visitor_name="Khách", visitor_phone="0912000111", notes="Hỏi đường")
    records = HelpSessions().collect(person, reveal=Reveal(full_citizen_ids=False))
    assert [r.as_json()["notes"] for r in records] == ["Bà quên mật khẩu", "Đã cài lại"]
    first = records[0].as_json()
    assert first["dossier_code"] == "HS-1" and first["milestones"] == ["has_sim"]
    assert (
        first["outcome"] == "done"
        and first["minutes"] == 15
        and first["helper"] == volunteer.full_name
    )

    changed = HelpSessions().anonymise(person, now=timezone.now())
    assert changed == {"sessions": 2, "free_text": 2}
    kept = HelpSession.objects.filter(resident=person)
    assert set(kept.values_list("notes", "topic", "dossier_code")) == {("", "", "")}
    assert set(kept.values_list("outcome", "minutes")) == {("done", 15)}
    assert HelpSession.objects.get(resident=neighbour).notes == "Hẹn tuần sau"
    walk_in.refresh_from_db()
    assert walk_in.visitor_name == "Khách"  # not hers


def test_old_session_notes_are_emptied_once_the_period_is_over(
    commune, other_commune, volunteer, other_officer, settings
):
    settings.DIGIWARD_RETENTION_DAYS = {
        **settings.DIGIWARD_RETENTION_DAYS,
        "help_session_notes": 365,
    }
    access = access_of(volunteer, commune)
    old = log(access, days_ago=400, notes="Số nhà 12, gọi con gái")
    recent = log(access, days_ago=100, notes="Còn trong hạn")
    theirs = log(access_of(other_officer, other_commune), days_ago=500, notes="Ở xã khác")
    step = HelpSessionNotes()
    cutoff = timezone.now() - timedelta(days=365)
    dry = step.apply(cutoff=cutoff, dry_run=True)
    assert dry.by_commune == {commune.pk: 1, other_commune.pk: 1}
    old.refresh_from_db()
    assert old.notes

    retention_apply()
    for session in (old, recent, theirs):
        session.refresh_from_db()
    assert (old.notes, theirs.notes, recent.notes) == ("", "", "Còn trong hạn")
    assert old.outcome == "done" and old.minutes == 15  # the session stays counted
    rows = AuditEvent.objects.filter(object_repr="retention: guidance.help_session_notes")
    assert {(e.commune_id, e.action) for e in rows} == {
        (commune.pk, AuditAction.CHANGE),
        (other_commune.pk, AuditAction.CHANGE),
    }
    retention_apply()
    assert rows.count() == 2  # nothing more to do, nothing more written
