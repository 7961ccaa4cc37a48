"""The audit log: rows written, append-only in the ORM and in the database, the page."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from digiward.core.audit import audit_record, audit_saved, diff, snapshot_saved
from digiward.core.db import audit_guard
from digiward.core.models import AuditAction, AuditEvent, Role
from digiward.core.models.audit import AppendOnlyError
from digiward.core.request_context import Origin, acting_as
from digiward.core.testing import assert_view_access, client_in

pytestmark = pytest.mark.django_db


def test_audit_record_takes_who_and_from_where_from_the_origin(commune, officer):
    origin = Origin(
        source="web", ip_address="203.0.113.7", user_agent="Zalo", path="/app/x", user=officer
    )
    with acting_as(origin):
        event = audit_record(action=AuditAction.VIEW, commune=commune, obj=officer)
    event.refresh_from_db()
    assert event.actor == officer
    assert event.actor_label == "Nguyễn Văn Hùng"
    assert (event.ip_address, event.user_agent, event.path) == ("203.0.113.7", "Zalo", "/app/x")
    assert (event.object_type, event.object_id) == ("core.user", str(officer.pk))


def test_outside_a_request_the_command_line_is_named(commune):
    event = audit_record(action=AuditAction.EXPORT, commune=commune, object_type="x")
    assert event.source == "command"
    assert "command-line" in event.actor_label


def test_diff_hides_secret_values():
    changes = diff({"full_name": "A", "citizen_id": "1"}, {"full_name": "B", "citizen_id": "2"})
    assert changes == {"full_name": ["A", "B"], "citizen_id": ["•••", "•••"]}
    assert diff({"a": 1}, {"a": 1}) == {}


@pytest.mark.django_db
def test_audit_saved_writes_a_create_an_edit_and_skips_an_edit_that_changed_nothing(commune):
    fields = ("name", "codename")
    assert snapshot_saved(commune.__class__(name="Mới"), fields) is None  # not saved yet
    before = snapshot_saved(commune, fields)
    old_name = commune.name
    commune.name = "Phường Thử"
    commune.save()
    edit = audit_saved(commune=commune, obj=commune, fields=fields, before=before)
    assert edit is not None and edit.action == AuditAction.CHANGE
    assert edit.changes == {"name": [old_name, "Phường Thử"]}
    unchanged = snapshot_saved(commune, fields)
    assert (
        audit_saved(
            commune=commune, obj=commune, fields=fields, before=unchanged, skip_unchanged=True
        )
        is None
    )
    create = audit_saved(
        commune=commune, obj=commune, fields=fields, before=None, changes={"note": [None, "x"]}
    )
    assert create is not None and create.action == AuditAction.CREATE
    assert create.changes["note"] == [None, "x"] and create.changes["name"] == [None, "Phường Thử"]


def test_the_orm_refuses_to_change_or_delete_events(commune):
    event = audit_record(action=AuditAction.VIEW, commune=commune)
    event.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(note="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.parametrize(
    "statement", ["UPDATE core_auditevent SET note = 'x'", "DELETE FROM core_auditevent"]
)
def test_the_database_refuses_too(commune, statement):
    audit_record(action=AuditAction.VIEW, commune=commune)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.count() == 1


def test_the_owner_can_purge_old_events_with_the_command(commune):
    old = audit_record(action=AuditAction.VIEW, commune=commune)
    with connection.cursor() as cursor:  # back-date it, as the owner would
        for statement in audit_guard.lift_statements(connection.vendor):
            cursor.execute(statement)
        cursor.execute(
            "UPDATE core_auditevent SET at = '2020-01-01 00:00:00+00:00' WHERE id = %s", [old.pk]
        )
        for statement in audit_guard.restore_statements(connection.vendor):
            cursor.execute(statement)
    recent = audit_record(action=AuditAction.VIEW, commune=commune)
    call_command("audit_purge", "--before", "2021-01-01", "--yes")
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent")  # the guard is back


def test_sign_in_and_failed_sign_in_are_logged(client, officer):
    client.post(reverse("login"), {"username": "hung", "password": "wrong"})
    client.post(reverse("login"), {"username": "hung", "password": "mat-khau-thu-nghiem"})
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", "object_repr"))
    assert actions[0] == (AuditAction.LOGIN_FAILED, "hung")
    assert actions[1][0] == AuditAction.LOGIN


def test_audit_page_is_for_the_commune_admin_only(commune, other_commune):
    assert_view_access(
        url=reverse("core:audit_log"),
        commune=commune,
        other_commune=other_commune,
        allowed={Role.COMMUNE_ADMIN},
        scoped=False,
    )


def test_audit_page_shows_only_this_commune_and_filters(commune, other_commune, admin, officer):
    with acting_as(Origin(source="web", user=officer)):
        audit_record(
            action=AuditAction.VIEW,
            commune=commune,
            object_type="registry.resident",
            object_repr="Bà Năm",
        )
        audit_record(
            action=AuditAction.EXPORT,
            commune=commune,
            object_type="registry.household",
            object_repr="Danh sách hộ",
        )
        audit_record(
            action=AuditAction.VIEW,
            commune=other_commune,
            object_type="registry.resident",
            object_repr="Ông Sáu",
        )
    client = client_in(admin, commune)
    page = client.get(reverse("core:audit_log")).content.decode()
    assert "Bà Năm" in page and "Danh sách hộ" in page and "Ông Sáu" not in page
    filtered = client.get(reverse("core:audit_log"), {"action": "export"}).content.decode()
    assert "Danh sách hộ" in filtered and "Bà Năm" not in filtered
    by_record = client.get(reverse("core:audit_log"), {"q": "năm"}).content.decode()
    assert "Bà Năm" in by_record and "Danh sách hộ" not in by_record


def test_audit_export_runs_as_a_job_and_is_itself_audited(
    commune, admin, django_capture_on_commit_callbacks
):
    audit_record(action=AuditAction.VIEW, commune=commune, object_repr="Bà Năm")
    client = client_in(admin, commune)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:audit_export"), {"action": "view"})
    assert response.status_code == 302
    job_page = client.get(response["Location"])
    assert job_page.status_code == 200
    job = job_page.context["job"]
    assert job.status == "succeeded" and job.result == {"rows": 1}
    download = client.get(reverse("core:job_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT)
    assert exports.count() == 2  # the export itself, then the download


def test_members_sign_ins_show_in_their_communes_log(
    client, commune, admin, officer, other_officer
):
    client.post(reverse("login"), {"username": "hung", "password": "mat-khau-thu-nghiem"})
    client.post(reverse("login"), {"username": "lan", "password": "mat-khau-thu-nghiem"})
    page = client_in(admin, commune).get(reverse("core:audit_log"), {"action": "login"})
    names = [event.actor_label for event in page.context["page_obj"]]
    assert "Nguyễn Văn Hùng" in names and "Đỗ Thị Lan" not in names
