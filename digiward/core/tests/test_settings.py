"""Settings fail loudly: production refuses to start without its secrets, and passes --deploy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import Env

ROOT = Path(__file__).resolve().parents[3]
GOOD = {
    "DIGIWARD_ENV": "production",
    "SECRET_KEY": "k" * 20 + "3f9Qz!x@Lr8#vB2mN7$pW4&tY6^cH1" + "z" * 10,
    "ALLOWED_HOSTS": "digiward.ninhkieu.cantho.gov.vn",
    "DIGIWARD_FIELD_ENCRYPTION_KEYS": "xEYx9bE0B8GBq3k6w9nZb2f1Qn0vC0a3QnW2k5nq4Zs=",
    "DIGIWARD_SEARCH_HASH_KEY": "a-long-random-search-key-for-tests-0123456789",
    "DATABASE_URL": "sqlite:////tmp/digiward-deploy-check.sqlite3",
}


def run_manage(
    *args: str, env_overrides: dict[str, str | None]
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DIGIWARD_", "DJANGO_", "SECRET_KEY", "ALLOWED_HOSTS"))
    }
    env.pop("DATABASE_URL", None)
    for key, value in env_overrides.items():
        if value is not None:
            env[key] = value
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "-m", "config.manage", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "missing",
    ["SECRET_KEY", "ALLOWED_HOSTS", "DIGIWARD_FIELD_ENCRYPTION_KEYS", "DIGIWARD_SEARCH_HASH_KEY"],
)
def test_production_refuses_to_start_without(missing):
    result = run_manage("check", env_overrides={**GOOD, missing: None})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and missing in result.stderr


def test_production_refuses_a_weak_secret_and_debug():
    assert (
        run_manage("check", env_overrides={**GOOD, "SECRET_KEY": "django-insecure-abc"}).returncode
        != 0
    )
    assert run_manage("check", env_overrides={**GOOD, "DJANGO_DEBUG": "1"}).returncode != 0


def test_check_deploy_prints_no_warning_in_production():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=GOOD)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_env_reader_rejects_typos():
    env = Env({"FLAG": "ture", "NUM": "3x", "LIST": "a, b,,c", "MODE": "prod"})
    with pytest.raises(ImproperlyConfigured):
        env.bool("FLAG", False)
    with pytest.raises(ImproperlyConfigured):
        env.int("NUM", 1)
    with pytest.raises(ImproperlyConfigured):
        env.choice("MODE", {"production", "development"}, "development")
    assert env.list("LIST") == ["a", "b", "c"]
    assert env.bool("MISSING", True) is True


def test_debug_is_off_by_default(settings):
    assert settings.DEBUG is False


def test_production_hashes_passwords_with_argon2():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.PASSWORD_HASHERS[0])",
        env_overrides=GOOD,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("Argon2PasswordHasher")


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite pragmas; PostgreSQL needs none")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
