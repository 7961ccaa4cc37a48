"""A request that meets a locked SQLite database waits its busy timeout, then fails
cleanly with a 503 that says nothing was saved, and never half-writes (issue 17)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from digiward.core.models import AuditEvent
from digiward.homecare.models import HomeSupportRequest, TimeWindow

# Another process holds SQLite's write lock (as a long import's transaction does).
HOLD_THE_WRITE_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(120)
"""

HELP_AT_HOME = {
    "requester_relation": "relative",
    "requester_name": "Lê Văn Con",
    "phone": "0912345678",
    "person_name": "Bà Nguyễn Thị Năm",
    "address": "12/3 Hẻm 5 Trần Hưng Đạo",
    "procedure_other": "Chứng thực giấy ủy quyền",
    "reason": "elderly",
    "home_part": "mornings",
    "consent": "on",
    "website": "",
}


@pytest.fixture
def short_busy_timeout():
    """One second of waiting instead of twenty, for this test's new connections."""
    options = connection.settings_dict["OPTIONS"]
    before = options.get("timeout")
    options["timeout"] = 1
    connection.close()
    yield
    options["timeout"] = before
    connection.close()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own write lock")
@pytest.mark.django_db(transaction=True)
def test_a_public_request_behind_a_locked_database_waits_then_fails_cleanly(
    client, hc_settings, short_busy_timeout
):
    from digiward.public import views as public_views

    call_command("load_procedures", verbosity=0)
    public_views._public_commune.cache_clear()
    audit_rows = AuditEvent.objects.count()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_WRITE_LOCK, connection.settings_dict["NAME"]],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        response = client.post(reverse("public:help_at_home"), HELP_AT_HOME)
        waited = time.monotonic() - started
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()

    assert response.status_code == 503 and response["Retry-After"]
    assert waited >= 0.9, "the request must wait for the lock before giving up"
    body = response.content.decode()
    assert "Không có thông tin nào vừa gửi được lưu" in body
    assert not HomeSupportRequest.objects.exists() and not TimeWindow.objects.exists()
    assert AuditEvent.objects.count() == audit_rows

    # The lock is gone: the same request, sent again, is saved whole.
    response = client.post(reverse("public:help_at_home"), HELP_AT_HOME)
    public_views._public_commune.cache_clear()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert HomeSupportRequest.objects.count() == 1
