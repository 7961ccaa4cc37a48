"""Database triggers that make the audit log append-only.

The application never updates or deletes audit rows, and the database refuses it
too: a compromised view or a careless shell session cannot rewrite history. Only
the database owner can lift the guard (drop or disable the trigger), which is what
`digiward audit_purge` does, inside one transaction, for retention.
"""

from __future__ import annotations

AUDIT_TABLE = "core_auditevent"

SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS {AUDIT_TABLE}_no_update BEFORE UPDATE ON {AUDIT_TABLE}
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {AUDIT_TABLE}_no_delete BEFORE DELETE ON {AUDIT_TABLE}
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {AUDIT_TABLE}_no_update",
    f"DROP TRIGGER IF EXISTS {AUDIT_TABLE}_no_delete",
]

POSTGRES_CREATE = [
    """CREATE OR REPLACE FUNCTION digiward_audit_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit log is append-only';
    END;
    $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER {AUDIT_TABLE}_append_only BEFORE UPDATE OR DELETE ON {AUDIT_TABLE}
    FOR EACH ROW EXECUTE FUNCTION digiward_audit_append_only()""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS {AUDIT_TABLE}_append_only ON {AUDIT_TABLE}",
    "DROP FUNCTION IF EXISTS digiward_audit_append_only()",
]
# Disabling a trigger needs table ownership in PostgreSQL: the database owner's privilege.
# Deferred foreign-key checks of rows written earlier in the transaction must run first:
# PostgreSQL refuses ALTER TABLE while trigger events are pending.
POSTGRES_DISABLE = [
    "SET CONSTRAINTS ALL IMMEDIATE",
    f"ALTER TABLE {AUDIT_TABLE} DISABLE TRIGGER {AUDIT_TABLE}_append_only",
]
POSTGRES_ENABLE = [f"ALTER TABLE {AUDIT_TABLE} ENABLE TRIGGER {AUDIT_TABLE}_append_only"]


def create_statements(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}.get(vendor, [])


def drop_statements(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(vendor, [])


def lift_statements(vendor: str) -> list[str]:
    """Statements that suspend the guard for the current transaction's work."""
    return {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DISABLE}.get(vendor, [])


def restore_statements(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_ENABLE}.get(vendor, [])
