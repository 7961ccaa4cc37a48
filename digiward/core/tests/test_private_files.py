"""Personal data on disk is readable by the server's account only (security test finding 7)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from config.env import local_secret


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_private_files_and_their_folders_are_owner_only(tmp_path, settings):
    name = default_storage.save("imports/99999/danh-sach.csv", ContentFile(b"ma_ho,ho_ten\n"))
    try:
        path = Path(default_storage.path(name))
        assert mode(path) == 0o600
        assert mode(path.parent) == 0o700
        assert mode(Path(settings.PRIVATE_DIR)) == 0o700
    finally:
        default_storage.delete(name)


@pytest.mark.django_db
def test_the_sqlite_database_is_owner_only():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps its files under its own account")
    connection.ensure_connection()
    database = Path(connection.settings_dict["NAME"])
    assert mode(database) == 0o600
    wal = Path(f"{database}-wal")
    if wal.exists():
        assert mode(wal) == 0o600


def test_generated_secrets_are_owner_only_from_the_start(tmp_path):
    local_secret(tmp_path / "key")
    assert mode(tmp_path / "key") == 0o600
