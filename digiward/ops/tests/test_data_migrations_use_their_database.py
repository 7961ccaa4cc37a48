"""Every data migration writes to the database being migrated, never to "default".

`digiward restore --verify` and a restore of an older archive migrate a scratch database
under its own alias; a data migration that reads `Model.objects` (the default database)
would change the live data or fail there instead. Read from the source, so a new data
migration cannot forget it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import digiward

ROOT = Path(digiward.__file__).parent


def _managers_without_using(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            parent = parents.get(node)
            if not (isinstance(parent, ast.Attribute) and parent.attr == "using"):
                lines.append(node.lineno)
    return lines


def test_every_data_migration_names_the_database_it_migrates():
    migrations = sorted(ROOT.glob("*/migrations/0*.py"))
    data_migrations = [p for p in migrations if "RunPython" in p.read_text(encoding="utf-8")]
    assert len(data_migrations) >= 10
    offenders = {
        str(p.relative_to(ROOT)): lines
        for p in data_migrations
        if (lines := _managers_without_using(p))
    }
    assert offenders == {}, "use Model.objects.using(schema_editor.connection.alias)"
