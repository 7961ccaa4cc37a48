"""SQLite as DigiWard's embedded database: WAL mode and pragmas on every connection.

- journal_mode=WAL: readers never block the writer and the writer never blocks readers.
- synchronous=NORMAL: safe with WAL (a power cut may lose the last commits, never
  corrupt the file) and much faster than FULL.
- busy timeout (the `timeout` option): writers wait for each other instead of failing.
- foreign_keys=ON: Django sets it; repeated here because it is the point.
- the database file and its WAL/shared-memory companions are readable by their owner
  only (0600): they hold the registry, and a shared server's other accounts must not
  copy it.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from django.db.backends.sqlite3 import base, operations

from digiward.core.db import audit_guard

PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA cache_size = -32000",  # 32 MB page cache per connection
    "PRAGMA mmap_size = 268435456",  # 256 MB memory-mapped reads
)


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(
        self,
        style: Any,
        tables: Any,
        *,
        reset_sequences: bool = False,
        allow_cascade: bool = False,
    ) -> list[str]:
        # `flush` (test teardown, a wiped demo) is the owner's tool: it lifts the
        # append-only guard for its own duration and puts it back.
        statements: list[str] = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if audit_guard.AUDIT_TABLE not in tables:
            return statements
        return [*audit_guard.SQLITE_DROP, *statements, *audit_guard.SQLITE_CREATE]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        conn = super().get_new_connection(conn_params)
        if not self.is_in_memory_db():
            conn.execute("PRAGMA journal_mode = WAL")
        for pragma in PRAGMAS:
            conn.execute(pragma)
        if not self.is_in_memory_db():
            owner_only(Path(str(self.settings_dict["NAME"])))
        return conn


def owner_only(database: Path) -> None:
    """chmod 0600 the database and the files SQLite keeps beside it."""
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if path.stat().st_mode & 0o077:
                os.chmod(path, 0o600)
