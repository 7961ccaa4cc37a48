"""Backup → restore round trips, and every refusal a restore makes before it writes.

The restores that migrate run as a child `digiward restore` whose DATABASE_URL is a
scratch database (exactly what `restore --verify` does): data migrations use the
`default` connection, so only a process whose default *is* the target is honest. The
source is the test database itself (transactional_db: the rows are committed, so the
online backup and pg_dump see them). A scratch target "already at the archive's state"
is a copy of the empty test database, made before the test writes its rows: cheap, so
only the engine-to-engine move pays for migrating a database from nothing.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import psycopg
import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation
from django.utils.translation import gettext

from digiward.core.audit import audit_record
from digiward.core.models import AuditAction, User
from digiward.ops.backup import archive, databases, keys, portable
from digiward.ops.backup.create import backup_create
from digiward.ops.backup.restore import RestoreRefused, restore_archive, run_restore_child
from digiward.ops.models import Heartbeat
from digiward.registry.identity import reveal_citizen_id
from digiward.registry.models import Resident
from digiward.registry.tests.factories import HouseholdFactory, ResidentFactory

CITIZEN_ID = "079203001234"
PG_URL = os.environ.get("DIGIWARD_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")


# --- scratch databases -------------------------------------------------------------
class Scratch:
    """A scratch database reachable both as an alias here and as a URL for a child."""

    def __init__(self, alias: str, url: str, drop=None):
        self.alias, self.url, self._drop = alias, url, drop

    def close(self):
        databases.remove_alias(self.alias)
        if self._drop:
            self._drop()


@pytest.fixture
def scratches():
    made: list[Scratch] = []
    yield made
    for scratch in made:
        scratch.close()


def _tag(name: str) -> str:
    return f"{name}_{os.getpid()}"


class EmptyState:
    """Copies of the test database as it was before the test wrote anything (fully
    migrated, no rows): targets already at the archive's migration state."""

    def __init__(self, tmp_path: Path, scratches: list[Scratch]):
        self.tmp_path, self.scratches = tmp_path, scratches
        default = connections["default"]
        self.vendor = default.vendor
        if self.vendor == "sqlite":
            self.template = tmp_path / "empty.sqlite3"
            databases.sqlite_copy("default", self.template)
        else:
            self.source = default.settings_dict
            self.template = f"{self.source['NAME']}_{_tag('empty')}"
            self._dump_source_into(self.template)
            scratches.append(
                Scratch("unused", "", lambda: databases.pg_drop(self.source, self.template))
            )

    def _dump_source_into(self, name):
        # Not CREATE DATABASE … TEMPLATE <test database>: that needs the test database
        # unused, and a session-wide live server (browser tests in this worker) holds
        # connections to it that must survive. A dump reads it beside them.
        dump = self.tmp_path / "empty.dump"
        subprocess.run(
            [
                str(shutil.which("pg_dump")),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={dump}",
                *databases._pg_args(self.source),
                str(self.source["NAME"]),
            ],
            check=True,
            env=databases._pg_env(self.source),
            capture_output=True,
        )
        databases.pg_create(self.source, name)
        alias = databases.add_alias(f"empty_{os.getpid()}", NAME=name, CONN_MAX_AGE=0)
        try:
            databases.pg_restore(dump, alias)
        finally:
            databases.remove_alias(alias)

    def _create(self, name, template):
        # The template is one of this test's own scratch databases (never the test
        # database): any connection still on it is ours, left by a closed alias.
        with databases._pg_admin(self.source) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                [template],
            )
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')

    def copy(self, name: str) -> Scratch:
        return self.copy_of(None, name)

    def copy_of(self, origin: Scratch | None, name: str) -> Scratch:
        """A copy of the empty state, or of another scratch database."""
        if origin is not None:
            connections[origin.alias].close()
        if self.vendor == "sqlite":
            path = self.tmp_path / f"{name}.sqlite3"
            if origin is None:
                shutil.copyfile(self.template, path)
            else:
                databases.sqlite_copy(origin.alias, path)
            settings_dict = databases.sqlite_settings(path)
            scratch = Scratch(_tag(name), databases.url_of(settings_dict))
            databases.add_alias(scratch.alias, **settings_dict)
        else:
            target = f"{self.source['NAME']}_{_tag(name)}"
            template = (
                self.template if origin is None else connections[origin.alias].settings_dict["NAME"]
            )
            self._create(target, template)
            source = self.source
            scratch = Scratch(
                _tag(name),
                databases.url_of({**source, "NAME": target}),
                lambda: databases.pg_drop(source, target),
            )
            databases.add_alias(scratch.alias, NAME=target, CONN_MAX_AGE=0)
        self.scratches.append(scratch)
        return scratch


@pytest.fixture
def empty_state(transactional_db, tmp_path, scratches) -> EmptyState:
    return EmptyState(tmp_path, scratches)


def pg_reachable() -> bool:
    try:
        psycopg.connect(PG_URL, connect_timeout=2).close()
    except psycopg.Error:
        return False
    return True


def new_database_on_other_engine(tmp_path: Path, scratches: list[Scratch]) -> Scratch:
    """A brand-new, empty database on the engine the tests are NOT running on."""
    if connections["default"].vendor == "sqlite":
        if not pg_reachable():
            pytest.skip("PostgreSQL is not reachable at DIGIWARD_TEST_PG_URL")
        info = psycopg.conninfo.conninfo_to_dict(PG_URL)
        admin = {
            "USER": info.get("user"),
            "PASSWORD": info.get("password"),
            "HOST": info.get("host"),
            "PORT": info.get("port"),
        }
        name = (
            f"{Path(os.environ.get('DIGIWARD_VAR_DIR', 'digiward')).name}_{_tag('move')}".replace(
                "-", "_"
            )
        )
        databases.pg_create(admin, name)
        settings_dict = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "OPTIONS": {},
            **admin,
        }
        scratch = Scratch(
            _tag("move"), databases.url_of(settings_dict), lambda: databases.pg_drop(admin, name)
        )
        databases.add_alias(
            scratch.alias, **settings_dict, CONN_MAX_AGE=0, CONN_HEALTH_CHECKS=False
        )
    else:
        settings_dict = databases.sqlite_settings(tmp_path / "move.sqlite3")
        scratch = Scratch(_tag("move"), databases.url_of(settings_dict))
        databases.add_alias(scratch.alias, **settings_dict)
    scratches.append(scratch)
    return scratch


# --- data ----------------------------------------------------------------------------
@pytest.fixture
def ward_data(transactional_db, empty_state, commune, officer, tmp_path):
    """Rows in many tables (with an encrypted citizen ID and an audit row) and files."""
    household = HouseholdFactory(commune=commune)
    ResidentFactory(
        commune=commune, household=household, full_name="Trần Văn Bảy", citizen_id=CITIZEN_ID
    )
    ResidentFactory.create_batch(3, commune=commune, household=household)
    audit_record(
        action=AuditAction.VIEW,
        commune=commune,
        object_type="test",
        note="backup test",
        actor=officer,
    )
    private = tmp_path / "private"
    (private / "exports" / "2026").mkdir(parents=True)
    (private / "exports" / "2026" / "danh-sách.xlsx").write_bytes(os.urandom(3000))
    (private / "photos").mkdir()
    (private / "photos" / "giấy-ủy-quyền.jpg").write_bytes(b"\xff\xd8" + os.urandom(500))
    return private


def all_rows(alias: str) -> dict[str, list[tuple]]:
    """Every row of every current model, read through the ORM (engine-neutral values)."""
    return {
        model._meta.label: list(model._base_manager.using(alias).order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def tree(root: Path) -> dict[str, bytes]:
    return {name: path.read_bytes() for path, name in archive.private_files(root)}


def said(msgid: str, **params) -> str:
    """What a command prints, in the language it runs in (settings.LANGUAGE_CODE)."""
    with translation.override(settings.LANGUAGE_CODE):
        text = gettext(msgid)
    return text % params if params else text


def method_line(method: str) -> str:
    msgid = {
        "native": "Restored into %(target)s from the native copy (same engine).",
        "portable": "Restored into %(target)s from the portable rows.",
    }[method]
    return said(msgid, target="\0").split("\0")[1]


def restore_in_child(archive_path, target: Scratch, private_dir: Path, *extra: str):
    done = run_restore_child(
        archive_path, url=target.url, private_dir=private_dir, portable_only="--portable" in extra
    )
    connections[target.alias].close()
    return done


# --- round trips ---------------------------------------------------------------------
@pytest.mark.parametrize("method", ["native", "portable"])
def test_a_backup_restores_every_row_and_file(method, tmp_path, empty_state, ward_data):
    target = empty_state.copy("target")
    result = backup_create(output=tmp_path / "b.tar.gz", private_dir=ward_data)
    assert result.files == 2
    assert result.rows > 10

    done = restore_in_child(
        result.path,
        target,
        tmp_path / "restored",
        *(["--portable"] if method == "portable" else []),
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert method_line(method) in done.stdout
    assert all_rows(target.alias) == all_rows("default")
    assert tree(tmp_path / "restored") == tree(ward_data)
    resident = Resident.objects.using(target.alias).get(full_name="Trần Văn Bảy")
    assert reveal_citizen_id(resident.citizen_id_encrypted) == CITIZEN_ID
    # Sequences continue after the restored ids (PostgreSQL needs them reset).
    last = User.objects.using("default").order_by("-pk").first().pk
    assert (
        User.objects.db_manager(target.alias)
        .create_user(username="sau-khi-khoi-phuc", password="x")
        .pk
        > last
    )


@pytest.mark.slow  # builds the other engine's schema from nothing: every migration runs
def test_a_backup_moves_to_the_other_engine(tmp_path, scratches, ward_data):
    result = backup_create(output=tmp_path / "b.tar.gz", private_dir=ward_data)
    target = new_database_on_other_engine(tmp_path, scratches)

    done = restore_in_child(result.path, target, tmp_path / "restored")

    assert done.returncode == 0, done.stdout + done.stderr
    assert method_line("portable") in done.stdout
    assert all_rows(target.alias) == all_rows("default")
    assert tree(tmp_path / "restored") == tree(ward_data)
    resident = Resident.objects.using(target.alias).get(full_name="Trần Văn Bảy")
    assert reveal_citizen_id(resident.citizen_id_encrypted) == CITIZEN_ID


def test_an_archive_from_an_older_migration_state_is_migrated(
    tmp_path, scratches, empty_state, ward_data
):
    """The archive is taken before axes.0010 (a migration that creates a table); the
    restore builds the old state, loads it, then applies 0010."""
    old = empty_state.copy("old")
    # axes.0010 only creates a table: going back needs no data migration, so in-process.
    MigrationExecutor(connections[old.alias]).migrate([("axes", "0009_add_session_hash")])
    target_portable = empty_state.copy_of(old, "old_target")
    User.objects.db_manager(old.alias).create_user(username="nguoi-cu", password="x")
    result = backup_create(output=tmp_path / "old.tar.gz", alias=old.alias, private_dir=ward_data)
    manifest = archive.read_manifest(result.path)
    assert manifest["migrations"]["heads"]["axes"] == "0009_add_session_hash"

    native_target = tmp_path / "native.sqlite3"
    if connections["default"].vendor == "sqlite":
        native = Scratch(
            _tag("old_native"), databases.url_of(databases.sqlite_settings(native_target))
        )
        databases.add_alias(native.alias, **databases.sqlite_settings(native_target))
        scratches.append(native)
    else:
        native = new_pg_like_default(scratches, "old_native")
    for target, flag in ((native, ()), (target_portable, ("--portable",))):
        done = restore_in_child(result.path, target, tmp_path / f"files-{target.alias}", *flag)
        assert done.returncode == 0, done.stdout + done.stderr
        newer = said("Newer migrations applied: %(names)s", names="\0").split("\0")[0]
        assert newer in done.stdout
        assert "axes.0010_accessattemptexpiration" in done.stdout
        assert User.objects.using(target.alias).filter(username="nguoi-cu").exists()
        assert "axes_accessattemptexpiration" in databases.table_names(target.alias)


def new_pg_like_default(scratches, name):
    source = connections["default"].settings_dict
    target = f"{source['NAME']}_{_tag(name)}"
    databases.pg_create(source, target)
    scratch = Scratch(
        _tag(name),
        databases.url_of({**source, "NAME": target}),
        lambda: databases.pg_drop(source, target),
    )
    databases.add_alias(scratch.alias, NAME=target, CONN_MAX_AGE=0)
    scratches.append(scratch)
    return scratch


def test_verify_restores_into_a_scratch_database_and_records_the_drill(tmp_path, ward_data, capsys):
    result = backup_create(output=tmp_path / "b.tar.gz", private_dir=ward_data)
    before = all_rows("default")

    call_command("restore", str(result.path), "--verify")

    out = capsys.readouterr().out
    matched = "%(tables)s tables, %(rows)s rows: counts and checksums match the manifest."
    assert said(matched, tables=result.tables, rows=result.rows) in out
    assert said("Restore drill passed: the archive restores completely.") in out
    after = all_rows("default")
    assert after.pop("ops.Heartbeat") != before.pop("ops.Heartbeat")
    assert after == before  # the drill writes only its heartbeat into the real database
    drill = Heartbeat.objects.get(name="restore_drill")
    assert drill.ok
    assert drill.detail.startswith("b.tar.gz: ")
    assert str(result.rows) in drill.detail


def test_a_failed_drill_is_recorded_as_failed(ward_archive, tmp_path):
    broken = rewrite(
        ward_archive,
        tmp_path / "broken.tar.gz",
        lambda name, data: data + b"x" if name.startswith("data/core_user") else data,
    )
    with pytest.raises(CommandError):
        call_command("restore", str(broken), "--verify")
    drill = Heartbeat.objects.get(name="restore_drill")
    assert not drill.ok
    assert "checksum" in drill.detail


# --- refusals before writing ------------------------------------------------------------
@pytest.fixture
def ward_archive(ward_data, tmp_path):
    return backup_create(output=tmp_path / "b.tar.gz", private_dir=ward_data).path


def test_a_database_with_data_is_refused(ward_archive, tmp_path):
    before = all_rows("default")
    with pytest.raises(RestoreRefused, match="not empty") as refused:
        restore_archive(ward_archive, private_dir=tmp_path / "nothing")
    assert "core_user (1)" in str(refused.value)
    assert "Nothing was written" in str(refused.value)
    assert all_rows("default") == before


def test_a_missing_encryption_key_is_named_before_anything_is_written(
    ward_archive, tmp_path, empty_state, settings
):
    target = empty_state.copy("keyless")
    before = (databases.table_names(target.alias), portable.migration_heads(target.alias))
    archive_key = keys.key_id(settings.FIELD_ENCRYPTION_KEYS[0])
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(RestoreRefused) as refused:
        restore_archive(ward_archive, alias=target.alias, private_dir=tmp_path / "files")

    message = str(refused.value)
    assert archive_key in message
    assert "DIGIWARD_FIELD_ENCRYPTION_KEYS" in message
    assert "Nothing was written" in message
    assert databases.table_names(target.alias)  # schema still there
    assert databases.tables_with_rows(target.alias) == {}
    assert not (tmp_path / "files").exists()
    assert (databases.table_names(target.alias), portable.migration_heads(target.alias)) == before


def test_an_older_key_kept_for_rotation_is_enough(ward_archive, tmp_path, settings):
    """Rotation: a new key first, the archive's key second — the archive still opens."""
    settings.FIELD_ENCRYPTION_KEYS = [
        Fernet.generate_key().decode(),
        *settings.FIELD_ENCRYPTION_KEYS,
    ]
    with pytest.raises(RestoreRefused, match="not empty"):  # got past the key check
        restore_archive(ward_archive, private_dir=tmp_path / "files")


def test_another_search_key_is_refused(ward_archive, tmp_path, settings):
    settings.SEARCH_HASH_KEY = "not-the-archive-key"
    with pytest.raises(RestoreRefused, match="DIGIWARD_SEARCH_HASH_KEY"):
        restore_archive(ward_archive, private_dir=tmp_path / "files")


def rewrite(source: Path, target: Path, change) -> Path:
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read()
            data = change(member.name, data)
            if data is None:
                continue
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))
    return target


def test_a_tampered_archive_is_refused(ward_archive, tmp_path):
    def change(name, data):
        if name == "data/registry_resident.jsonl":
            return data.replace("Trần Văn Bảy".encode(), "Trần Văn Tám".encode())
        return data

    tampered = rewrite(ward_archive, tmp_path / "tampered.tar.gz", change)
    with pytest.raises(RestoreRefused, match=r"registry_resident\.jsonl: checksum does not match"):
        restore_archive(tampered, private_dir=tmp_path / "files")


def test_a_member_missing_from_the_archive_is_refused(ward_archive, tmp_path):
    def drop(name, data):
        return None if name.startswith("files/photos/") else data

    damaged = rewrite(ward_archive, tmp_path / "damaged.tar.gz", drop)
    with pytest.raises(RestoreRefused, match="missing from the archive"):
        restore_archive(damaged, private_dir=tmp_path / "files")


def test_a_manifest_naming_a_file_outside_the_archive_is_refused(ward_archive, tmp_path):
    def escape(name, data):
        if name != archive.MANIFEST:
            return data
        document = json.loads(data)
        document["files"]["../../outside.txt"] = "0" * 64
        return json.dumps(document).encode()

    evil = rewrite(ward_archive, tmp_path / "evil.tar.gz", escape)
    with pytest.raises(RestoreRefused, match="not a member"):
        restore_archive(evil, private_dir=tmp_path / "a" / "b" / "files")
    assert not (tmp_path / "a" / "outside.txt").exists()


def test_an_archive_from_a_newer_digiward_is_refused(ward_archive, tmp_path):
    def newer(name, data):
        if name != archive.MANIFEST:
            return data
        document = json.loads(data)
        document["migrations"]["applied"].append(["registry", "0999_from_the_future"])
        return json.dumps(document).encode()

    future = rewrite(ward_archive, tmp_path / "future.tar.gz", newer)
    with pytest.raises(RestoreRefused, match=r"registry\.0999_from_the_future"):
        restore_archive(future, private_dir=tmp_path / "files")


def test_the_manifest_describes_the_database_without_the_keys(ward_archive, settings):
    manifest = archive.read_manifest(ward_archive)
    assert manifest["tables"]["registry_resident"]["rows"] == 4
    assert manifest["keys"]["field_keys_used"] == {
        keys.key_id(settings.FIELD_ENCRYPTION_KEYS[0]): 1
    }
    assert manifest["migrations"]["heads"]["registry"]
    assert manifest["database"]["vendor"] == connections["default"].vendor
    assert set(manifest["files"]) == {"exports/2026/danh-sách.xlsx", "photos/giấy-ủy-quyền.jpg"}
    with tarfile.open(ward_archive) as tar:
        everything = b"".join(tar.extractfile(m).read() for m in tar.getmembers() if m.isfile())
    for key in settings.FIELD_ENCRYPTION_KEYS:
        assert key.encode() not in everything
    assert CITIZEN_ID.encode() not in everything
    assert str(settings.SEARCH_HASH_KEY).encode() not in everything


def test_the_backup_command_writes_an_owner_only_archive_and_beats(
    ward_data, tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr("django.conf.settings.PRIVATE_DIR", ward_data)
    call_command("backup", "-o", str(tmp_path / "x.tar.gz"))
    assert (tmp_path / "x.tar.gz").stat().st_mode & 0o777 == 0o600
    written = "Backup written: %(path)s (%(size)s bytes; %(tables)s tables, %(rows)s rows, %(files)s files)."
    prefix = said(written, path="\0", size="", tables="", rows="", files="").split("\0")[0]
    assert prefix in capsys.readouterr().out
    assert Heartbeat.objects.get(name="backup").ok
    with pytest.raises(CommandError):
        call_command("backup", "-o", "/proc/no-such-dir/x.tar.gz")
    assert not Heartbeat.objects.get(name="backup").ok
