"""The apps' one-way dependencies, as docs/architecture.md writes them down, hold in the code.

The table in "Apps and what each owns" is the source of truth: its last column names the
apps each app may import. This test reads every non-test module of every app and fails
when one imports an app its row does not name, so the document and the code cannot drift
apart, and no cycle can creep in (a cycle would need two rows naming each other, which
the second test refuses).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS_DIR = ROOT / "digiward"
ROW = re.compile(r"^\| `(?P<app>[a-z_]+)` \|.*\| (?P<imports>[^|]+) \|$")


def apps() -> list[str]:
    return sorted(p.name for p in APPS_DIR.iterdir() if (p / "__init__.py").exists())


def documented() -> dict[str, set[str]]:
    """Each app's row: the apps named (in backticks) in its "imports" column."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    known = set(apps())
    table: dict[str, set[str]] = {}
    for line in text.splitlines():
        match = ROW.match(line.strip())
        if match and match["app"] in known:
            named = set(re.findall(r"`([a-z_]+)`", match["imports"])) & known
            # "every app" (the demo) is the one row that may import anything.
            table[match["app"]] = known if "every app" in match["imports"] else named
    return table


def imports_of(app: str) -> Iterator[tuple[str, Path]]:
    """(the other app, the module importing it) for every import in the app's own code."""
    for path in (APPS_DIR / app).rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                parts = name.split(".")
                if parts[0] == "digiward" and len(parts) > 1 and parts[1] != app:
                    yield parts[1], path.relative_to(ROOT)


def test_every_app_has_a_row():
    assert sorted(documented()) == apps()


def test_each_app_imports_only_what_its_row_names():
    table = documented()
    strays = [
        f"{path} imports digiward.{other}, which the `{app}` row does not name"
        for app in apps()
        for other, path in imports_of(app)
        if other not in table[app]
    ]
    assert strays == []


def test_the_dependencies_have_no_cycle():
    table = {app: names - {app} for app, names in documented().items() if app != "demo"}
    state: dict[str, str] = {}

    def visit(app: str, trail: tuple[str, ...]) -> None:
        if state.get(app) == "done":
            return
        assert state.get(app) != "open", " → ".join((*trail, app))
        state[app] = "open"
        for other in sorted(table.get(app, set())):
            visit(other, (*trail, app))
        state[app] = "done"

    for app in sorted(table):
        visit(app, ())
