"""The database side of backup and restore: engines, scratch databases, native dumps.

Everything takes a connection alias, so a restore drill (`restore --verify`) runs the
very same code against a scratch database that a real restore runs against `default`.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
from django.db import connections, transaction
from django.db.utils import load_backend

from digiward.ops.backup.portable import MIGRATION_SEEDED

SQLITE_ENGINE = "digiward.core.db.sqlite3"


def vendor(alias: str) -> str:
    return connections[alias].vendor


def server_version(alias: str) -> str:
    connection = connections[alias]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        return str(cursor.fetchone()[0])


def database_size(alias: str) -> int:
    """Bytes the database takes on disk (SQLite: the file and its WAL)."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return int(cursor.fetchone()[0])
    name = Path(str(connection.settings_dict["NAME"]))
    return sum(p.stat().st_size for p in (name, Path(f"{name}-wal")) if p.exists())


def table_names(alias: str) -> list[str]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        return [
            t for t in connection.introspection.table_names(cursor) if not t.startswith("sqlite_")
        ]


def tables_with_rows(alias: str) -> dict[str, int]:
    """Tables holding rows other than those a fresh `migrate` writes by itself."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in table_names(alias):
            if table in MIGRATION_SEEDED:
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
            count = int(cursor.fetchone()[0])
            if count:
                found[table] = count
    return found


def drop_all_tables(alias: str) -> None:
    """Drop every table (the caller has decided the database may be emptied)."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    tables = table_names(alias)
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TABLE IF EXISTS {quote(table)} CASCADE")
            else:
                cursor.execute(f"DROP TABLE IF EXISTS {quote(table)}")
        if connection.vendor == "postgresql":
            # The audit guard's function outlives its table; pg_restore would meet it.
            cursor.execute("DROP FUNCTION IF EXISTS digiward_audit_append_only() CASCADE")
        elif "sqlite_sequence" in {r[0] for r in cursor.execute("SELECT name FROM sqlite_master")}:
            cursor.execute("DELETE FROM sqlite_sequence")


# --- scratch databases ----------------------------------------------------------------
def add_alias(alias: str, **changes: Any) -> str:
    """Open a connection `alias` shaped like `default` with some settings changed.

    The connection is made here, not added to settings.DATABASES: it exists for this
    thread and this task only (and Django's test isolation counts it as dynamic)."""
    settings_dict = dict(connections["default"].settings_dict)
    settings_dict.update(changes)
    configured = connections.configure_settings(
        {"default": dict(settings_dict), alias: settings_dict}
    )[alias]
    backend = load_backend(str(configured["ENGINE"]))
    connections[alias] = backend.DatabaseWrapper(configured, alias)
    return alias


def remove_alias(alias: str) -> None:
    with contextlib.suppress(Exception):
        connections[alias].close()
    with contextlib.suppress(AttributeError):
        del connections[alias]


def sqlite_settings(path: Path) -> dict[str, Any]:
    return {
        "ENGINE": SQLITE_ENGINE,
        "NAME": str(path),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "CONN_HEALTH_CHECKS": False,
        "CONN_MAX_AGE": 0,
    }


def _pg_admin(settings_dict: dict[str, Any]) -> psycopg.Connection[Any]:
    return psycopg.connect(
        dbname="postgres",
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        autocommit=True,
        connect_timeout=5,
    )


def pg_create(settings_dict: dict[str, Any], name: str) -> None:
    """(Re)create an empty PostgreSQL database `name` on the server of settings_dict."""
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise ValueError(f"unsafe database name {name!r}")
    with _pg_admin(settings_dict) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def pg_drop(settings_dict: dict[str, Any], name: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise ValueError(f"unsafe database name {name!r}")
    with _pg_admin(settings_dict) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def url_of(settings_dict: dict[str, Any]) -> str:
    """A DATABASE_URL for these settings (to hand a database to a child process)."""
    if settings_dict["ENGINE"] == SQLITE_ENGINE or "sqlite" in str(settings_dict["ENGINE"]):
        return f"sqlite:///{Path(str(settings_dict['NAME'])).resolve()}"
    user = quote(str(settings_dict.get("USER") or ""), safe="")
    password = quote(str(settings_dict.get("PASSWORD") or ""), safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{settings_dict['NAME']}"


# --- native dumps -----------------------------------------------------------------
def sqlite_copy(alias: str, destination: Path) -> None:
    """A consistent copy of a live SQLite database (the online backup API): writers keep
    going while it runs, and the copy is one point in time."""
    connection = connections[alias]
    connection.ensure_connection()
    source = connection.connection
    target = sqlite3.connect(destination)
    try:
        with target:
            source.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    finally:
        target.close()
    os.chmod(destination, 0o600)


def sqlite_restore(source: Path, alias: str) -> None:
    """Overwrite the alias's SQLite database with the archive's copy (backup API again)."""
    connection = connections[alias]
    connection.close()
    connection.ensure_connection()
    archive = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        archive.backup(connection.connection)
    finally:
        archive.close()
    connection.close()


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return env


def _pg_args(settings_dict: dict[str, Any]) -> list[str]:
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args.append(f"{flag}={settings_dict[key]}")
    return args


def tool_major(tool: str) -> int | None:
    """The major version of pg_dump/pg_restore on PATH, or None when it is not there."""
    path = shutil.which(tool)
    if not path:
        return None
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout  # noqa: S603
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(match.group(1)) if match else None


def pg_dump(alias: str, snapshot: str, destination: Path) -> None:
    settings_dict = connections[alias].settings_dict
    command = [
        str(shutil.which("pg_dump")),
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        f"--snapshot={snapshot}",
        f"--file={destination}",
        *_pg_args(settings_dict),
        str(settings_dict["NAME"]),
    ]
    subprocess.run(command, check=True, env=_pg_env(settings_dict), capture_output=True)  # noqa: S603
    os.chmod(destination, 0o600)


def pg_restore(source: Path, alias: str) -> None:
    connection = connections[alias]
    settings_dict = connection.settings_dict
    connection.close()
    command = [
        str(shutil.which("pg_restore")),
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        "--clean",
        "--if-exists",
        f"--dbname={settings_dict['NAME']}",
        *_pg_args(settings_dict),
        str(source),
    ]
    done = subprocess.run(  # noqa: S603 - our own arguments, no shell
        command, env=_pg_env(settings_dict), capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise RuntimeError(f"pg_restore failed: {done.stderr.strip()[-2000:]}")
