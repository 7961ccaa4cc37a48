"""The systemd units in deploy/ are ones systemd accepts (issue 17, "Deployment").

CI machines have no running systemd, so the units cannot be started here; but
`systemd-analyze verify` parses each unit as systemd would, checks every directive and
that each command exists and is executable. The units name /opt/digiward (docs/
operations.md); the test points that at a scratch install with the same executables.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
UNITS = sorted(DEPLOY.glob("digiward-*.service")) + sorted(DEPLOY.glob("digiward-*.timer"))
ANALYZE = shutil.which("systemd-analyze")


def test_every_service_has_its_timer_and_every_timer_its_service():
    services = {u.stem for u in UNITS if u.suffix == ".service"}
    timers = {u.stem for u in UNITS if u.suffix == ".timer"}
    assert timers <= services
    assert services - timers == {"digiward-web", "digiward-worker"}  # the two long-running


def test_the_long_running_services_restart_when_they_die():
    for name in ("digiward-web", "digiward-worker"):
        text = (DEPLOY / f"{name}.service").read_text()
        assert "Restart=always" in text, name
        assert "UMask=0077" in text, name


@pytest.mark.skipif(ANALYZE is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_every_unit(tmp_path):
    install = tmp_path / "opt" / "digiward"
    (install / ".venv" / "bin").mkdir(parents=True)
    for program in ("digiward", "gunicorn"):
        stub = install / ".venv" / "bin" / program
        stub.write_text("#!/bin/sh\n")
        stub.chmod(0o755)
    units = tmp_path / "units"
    units.mkdir()
    for unit in UNITS:
        (units / unit.name).write_text(unit.read_text().replace("/opt/digiward", str(install)))
    done = subprocess.run(
        [ANALYZE, "verify", "--man=no", *sorted(str(u) for u in units.iterdir())],
        capture_output=True,
        text=True,
        env={"SYSTEMD_LOG_LEVEL": "notice", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
