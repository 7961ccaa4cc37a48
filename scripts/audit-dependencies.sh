#!/usr/bin/env bash
# Audit every pinned dependency (constraints.txt) for known vulnerabilities with pip-audit.
#
# pip-audit runs in its own virtual environment (var/audit-venv) so that its own
# dependencies never mix with DigiWard's. A known vulnerability fails the run. When the
# vulnerability service (PyPI's JSON API or OSV) cannot be reached at all — as on an
# offline build machine — nothing could be audited: that is said loudly, and fails too
# when DIGIWARD_AUDIT_STRICT=1.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=var/audit-venv
if [ ! -x "$VENV/bin/pip-audit" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --disable-pip-version-check -q -r tools/audit-requirements.txt \
    2> >(grep -v "is ignored: it is neither" >&2)
fi
report=$(mktemp)
trap 'rm -f "$report"' EXIT
"$VENV/bin/pip-audit" --no-deps --disable-pip -r constraints.txt -f json -o "$report" --progress-spinner off 2>/dev/null || true
"$VENV/bin/python" - "$report" <<'PY'
import json, os, sys

try:
    data = json.load(open(sys.argv[1]))
except ValueError:  # pip-audit stopped before writing its report (it printed why)
    print("WARNING: pip-audit wrote no report: nothing was audited.")
    sys.exit(1 if os.environ.get("DIGIWARD_AUDIT_STRICT") == "1" else 0)
deps = data.get("dependencies", [])
vulnerable = [d for d in deps if d.get("vulns")]
skipped = [d for d in deps if d.get("skip_reason")]
for dep in vulnerable:
    for vuln in dep["vulns"]:
        fixes = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
        print(f"VULNERABLE {dep['name']} {dep.get('version')}: {vuln['id']} (fixed in {fixes})")
if vulnerable:
    sys.exit(1)
if deps and len(skipped) == len(deps):
    print(
        f"WARNING: no vulnerability service could be reached from this machine: none of the "
        f"{len(deps)} pinned packages was audited. Run `make audit` where PyPI's JSON API is "
        f"reachable."
    )
    sys.exit(1 if os.environ.get("DIGIWARD_AUDIT_STRICT") == "1" else 0)
for dep in skipped:
    print(f"not audited: {dep['name']} ({dep['skip_reason']})")
print(f"pip-audit: {len(deps) - len(skipped)} pinned packages audited, no known vulnerability.")
PY
