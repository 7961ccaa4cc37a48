"""upgrade_check: the cost of pending migrations on this database, disk, a fresh backup."""

from __future__ import annotations

import shutil
from collections import namedtuple
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext

from digiward.ops.backup import upgrade
from digiward.ops.backup.create import backup_create
from digiward.registry.tests.factories import HouseholdFactory


def touch_households(apps, schema_editor):
    Household = apps.get_model("registry", "Household")
    Household.objects.update(street="")


def test_each_step_is_priced_by_the_rows_it_touches(db, commune):
    HouseholdFactory.create_batch(3, commune=commune)
    migration = migrations.Migration("0999_example", "registry")
    migration.operations = [
        migrations.AddField("household", "floor", models.IntegerField(default=0)),
        migrations.AlterField("household", "house_number", models.TextField(blank=True)),
        migrations.RemoveField("household", "street"),
        migrations.RunPython(touch_households, migrations.RunPython.noop),
        migrations.RunSQL("SELECT 1"),
        migrations.CreateModel("Note", [("id", models.BigAutoField(primary_key=True))]),
    ]
    state = MigrationLoader(connection).project_state()

    steps = upgrade._steps(migration, state, upgrade._Counter("default"), "default")

    by_op = {step.operation: step for step in steps}
    sqlite = connection.vendor == "sqlite"
    assert by_op["AddField"].rows == 3
    assert by_op["AddField"].kind == ("table rebuild" if sqlite else "schema")
    assert by_op["AlterField"].kind == "table rebuild"  # varchar → text rewrites on PostgreSQL too
    assert by_op["RemoveField"].contract
    assert (by_op["RunPython"].kind, by_op["RunPython"].table, by_op["RunPython"].rows) == (
        "RunPython",
        "registry_household",
        3,
    )
    assert by_op["RunSQL"].kind == "RunSQL"
    assert (by_op["CreateModel"].kind, by_op["CreateModel"].table) == ("new table", "registry_note")


def test_a_migrated_database_has_nothing_pending(db):
    assert upgrade.pending_migrations() == []


def test_without_a_fresh_backup_the_check_fails(transactional_db, settings, tmp_path, capsys):
    settings.DIGIWARD_BACKUP_DIR = tmp_path / "backups"
    report = upgrade.upgrade_check()
    assert not report.ok
    assert [c.status for c in report.checks if c.name == "backup"] == ["FAIL"]
    with pytest.raises(
        CommandError, match=gettext("%(count)s upgrade checks failed.") % {"count": 1}
    ):
        call_command("upgrade_check")
    assert "FAIL  backup" in capsys.readouterr().out

    backup_create(
        output=tmp_path / "backups" / "digiward-now.tar.gz", private_dir=tmp_path / "none"
    )
    assert upgrade.upgrade_check().ok
    call_command("upgrade_check")
    assert gettext("Ready to upgrade.") in capsys.readouterr().out

    stale = upgrade.upgrade_check(max_backup_age=timedelta(0))
    assert next(c.message for c in stale.checks if c.status == "FAIL").startswith(
        "latest backup digiward-now.tar.gz is"
    )


def test_too_little_disk_fails(db, settings, tmp_path, monkeypatch):
    settings.DIGIWARD_BACKUP_DIR = tmp_path / "backups"
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10, 10, 0))
    report = upgrade.upgrade_check()
    assert [c.status for c in report.checks if c.name == "disk"] == ["FAIL"]
