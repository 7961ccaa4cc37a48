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
  Stop with Ctrl+C.

TEXT
"$BIN/gunicorn" config.wsgi --bind 127.0.0.1:8000 --workers 2 --threads 4 --access-logfile - --log-level warning
