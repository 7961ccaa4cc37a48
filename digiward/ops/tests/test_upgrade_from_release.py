"""An upgrade from each released version to today's code, with no stop in between
(issue 17): the released code (from git history) installs and fills a database with the
demo ward, today's code backs it up, passes the preflight, migrates, and finds every row.

It runs on the database engine of the suite: a scratch SQLite file, or a scratch
PostgreSQL database on the suite's server."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from digiward.ops.releases import RELEASES, Release

ROOT = Path(__file__).resolve().parents[3]
# Tables today's code adds rows to by design: migrations applied, heartbeats and audit rows
# of the commands run, and the content types and permissions of models added since.
GROWING = {
    "django_migrations",
    "ops_heartbeat",
    "core_auditevent",
    "django_content_type",
    "auth_permission",
}


GIT = shutil.which("git") or "git"


def git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([GIT, *args], cwd=ROOT, capture_output=True, text=True, check=False)


def released_tree(release: Release, into: Path) -> Path:
    """The released code, unpacked from the repository's history."""
    if git("rev-parse", "--is-inside-work-tree").returncode != 0:
        pytest.skip("not a git checkout: the released code is not at hand")
    if git("rev-parse", "--is-shallow-repository").stdout.strip() == "true":
        pytest.skip("a shallow clone lacks the released commits")
    assert git("cat-file", "-e", f"{release.commit}^{{commit}}").returncode == 0, (
        f"release {release.version} ({release.commit}) is not in this repository's history"
    )
    archive = into / "release.tar"
    assert git("archive", "-o", str(archive), release.commit).returncode == 0
    tree = into / f"digiward-{release.version}"
    tree.mkdir()
    with tarfile.open(archive) as tar:
        tar.extractall(tree)  # noqa: S202 -- our own repository's git archive
    return tree


@pytest.fixture
def scratch_database(tmp_path) -> Iterator[str]:
    """A DATABASE_URL for an empty database of the suite's engine."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
        return
    db = connection.settings_dict
    name = f"digiward_upgrade_{uuid.uuid4().hex[:8]}"
    server = (
        f"postgresql://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    )
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def table_counts(url: str) -> dict[str, int]:
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            return {
                n: db.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]  # noqa: S608
                for n in names
                if not n.startswith("sqlite_")
            }
    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(scheme="postgresql"))) as db:
        names = [
            r[0]
            for r in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            )
        ]
        return {
            n: db.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(n))).fetchone()[
                0
            ]
            for n in names
        }


@pytest.mark.parametrize("release", RELEASES, ids=[r.version for r in RELEASES])
@pytest.mark.django_db(transaction=True)
def test_a_released_version_upgrades_to_this_one_with_every_row(
    release, tmp_path, scratch_database
):
    tree = released_tree(release, tmp_path)
    var = tmp_path / "var"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DIGIWARD_ENV": "test",
        "DIGIWARD_VAR_DIR": str(var),
        "DATABASE_URL": scratch_database,
    }

    def released(*command: str) -> None:
        # `python -m django` from the released tree imports its own `digiward` package.
        done = subprocess.run(
            [sys.executable, "-m", "django", *command],
            cwd=tree,
            env={**env, "PYTHONPATH": str(tree)},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, f"{release.version} {command}: {done.stderr[-3000:]}"

    def today(*command: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "django", *command],
            cwd=ROOT,
            env={**env, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, (
            f"today's {command}: {done.stdout[-2000:]}{done.stderr[-3000:]}"
        )
        # A good run logs no traceback, even on a database of a version before heartbeats.
        assert "Traceback" not in done.stderr, f"today's {command}: {done.stderr[-3000:]}"
        return done.stdout

    released("migrate", "-v0")
    released("load_units", "-v0")
    released("load_procedures", "-v0")
    released("seed_demo", "--commune", "31135")
    before = table_counts(scratch_database)
    assert before["registry_resident"] > 1000

    # docs/operations.md, "Upgrade": back up, preflight, migrate, preflight again.
    today("backup")
    preflight = today("upgrade_check")  # fails (exit 1) on any FAIL line
    assert "pending migrations touching" in preflight or release is RELEASES[-1], preflight
    today("migrate", "-v0")
    today("backup")  # the first backup of the upgraded state
    assert "no pending migrations" in today("upgrade_check")

    after = table_counts(scratch_database)
    lost = {
        name: (count, after.get(name))
        for name, count in before.items()
        if name not in GROWING and after.get(name) != count
    }
    assert not lost, f"rows changed by the upgrade: {lost}"
    # Today's code reads what the released one wrote, citizen IDs included (same keys).
    readback = today(
        "shell",
        "-c",
        "from digiward.registry.models import Resident; "
        "from digiward.registry.identity import reveal_citizen_id; "
        "r = Resident.objects.exclude(citizen_id_encrypted='').first(); "
        "print(Resident.objects.count(), len(reveal_citizen_id(r.citizen_id_encrypted)))",
    )
    residents, id_length = readback.strip().splitlines()[-1].split()
    assert int(residents) == before["registry_resident"] and id_length == "12"
