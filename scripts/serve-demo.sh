#!/usr/bin/env bash
# Serve the demo: the background-job worker and the web server side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

# The background-job worker, restarted whenever it dies (a job that killed it is shown
# as failed and can be run again; see digiward/core/jobs.py). Production does the same
# with systemd: deploy/digiward-worker.service (Restart=always).
(
  while true; do
    "$BIN/digiward" run_worker --no-reload -v0 && status=0 || status=$?
    echo "digiward: the job worker stopped (exit $status); restarting it in 2 s" >&2
    sleep 2
  done
) &
WORKER=$!
trap 'kill "$WORKER" 2>/dev/null; pkill -P "$WORKER" 2>/dev/null || true' EXIT INT TERM

cat <<'TEXT'

  DigiWard demo: http://127.0.0.1:8000
  Phường Ninh Kiều (Cần Thơ). Every demo account's password is: digiward-demo
    quantri     commune administrator      canbo       officer
    tinhnguyen  volunteer                  nhataitro   sponsor viewer
    tinh        province viewer (Cần Thơ)
    cb.phuong   officer who visits homes   tnv.khang   guidance-team volunteer
  Two-step sign-in (administrators, officers, province viewer): add the key
    DIGIWARDDEMOKEYSDIGIWARDDEMOKEYS to an authenticator app, or print the
    current code with: .venv/bin/digiward demo_code
  Public pages: http://127.0.0.1:8000/  ·  staff: http://127.0.0.1:8000/app/
  Stop with Ctrl+C.

TEXT
# Sync workers, two per core: under sustained load gunicorn's threaded worker served
# 3 times fewer requests than sync workers on the same machine (docs/benchmarks.md).
WORKERS=$(( $(nproc) * 2 ))
# The access log leaves out query strings: a search box may carry a name or a citizen ID.
"$BIN/gunicorn" config.wsgi --bind 127.0.0.1:8000 --workers "$WORKERS" --log-level warning \
  --access-logfile - --access-logformat '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'

