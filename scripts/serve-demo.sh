#!/usr/bin/env bash
# Serve the demo: the background-job worker and the web server side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

"$BIN/digiward" db_worker --no-reload -v0 &
WORKER=$!
trap 'kill "$WORKER" 2>/dev/null || true' EXIT INT TERM

cat <<'TEXT'

  DigiWard demo: http://127.0.0.1:8000
  Phường Ninh Kiều (Cần Thơ). Every demo account's password is: digiward-demo
    quantri     commune administrator      canbo       officer
    tinhnguyen  volunteer                  nhataitro   sponsor viewer
    tinh        province viewer (Cần Thơ)
    cb.phuong   officer who visits homes   tnv.khang   guidance-team volunteer
  Public pages: http://127.0.0.1:8000/  ·  staff: http://127.0.0.1:8000/app/
  Stop with Ctrl+C.

TEXT
# Sync workers, two per core: under sustained load gunicorn's threaded worker served
# 3 times fewer requests than sync workers on the same machine (docs/benchmarks.md).
WORKERS=$(( $(nproc) * 2 ))
"$BIN/gunicorn" config.wsgi --bind 127.0.0.1:8000 --workers "$WORKERS" --access-logfile - --log-level warning
