"""What a backup says about itself (manifest.json), and the checks a restore makes of it."""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass
from typing import Any

import django
from django.utils import timezone

from digiward.ops.backup import keys
from digiward.ops.backup.archive import FORMAT
from digiward.ops.backup.portable import Heads, TableSummary


def digiward_version() -> str:
    try:
        return importlib.metadata.version("digiward")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def build(
    *,
    vendor: str,
    server_version: str,
    native: str | None,
    pg_dump_major: int | None,
    applied: list[tuple[str, str]],
    heads: Heads,
    tables: dict[str, TableSummary],
    models: dict[str, str],
    files: dict[str, str],
    usage: keys.KeyUsage,
) -> dict[str, Any]:
    used = {kid: n for kid, n in sorted(usage.counts.items()) if kid != keys.UNREADABLE}
    return {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "digiward_version": digiward_version(),
        "django_version": django.get_version(),
        "database": {
            "vendor": vendor,
            "server_version": server_version,
            "native": native,
            "pg_dump_major": pg_dump_major,
        },
        "migrations": {
            "applied": [list(item) for item in applied],
            "heads": dict(sorted(heads.items())),
        },
        "tables": {
            table: {"model": models[table], "rows": s.rows, "digest": s.digest}
            for table, s in sorted(tables.items())
        },
        "files": files,
        "keys": {
            # One-way ids of the field keys (never the keys) and how many values each opens.
            "field_keys_used": used,
            "field_keys_configured": keys.configured_key_ids(),
            "unreadable_values": usage.counts[keys.UNREADABLE],
            "search_key": keys.search_key_fingerprint(),
        },
    }


@dataclass(frozen=True)
class MissingKey:
    key_id: str
    values: int


def missing_keys(manifest: dict[str, Any]) -> list[MissingKey]:
    configured = set(keys.configured_key_ids())
    used: dict[str, int] = manifest["keys"]["field_keys_used"]
    return [MissingKey(kid, n) for kid, n in sorted(used.items()) if n and kid not in configured]


def search_key_matches(manifest: dict[str, Any]) -> bool:
    return bool(manifest["keys"]["search_key"] == keys.search_key_fingerprint())


def heads_of(manifest: dict[str, Any]) -> Heads:
    return dict(manifest["migrations"]["heads"])


def applied_of(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    return [(app, name) for app, name in manifest["migrations"]["applied"]]
