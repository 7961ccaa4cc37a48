#!/usr/bin/env bash
# `make serve`: DigiWard as in production, on one machine without systemd: gunicorn with
# the production settings (DEBUG off, static files collected, migrations checked) and the
# background-job worker beside it, restarted whenever it dies.
#
# Settings come from the environment, or from the file in DIGIWARD_ENV_FILE (default
# /etc/digiward/env, the file the systemd units read; see docs/operations.md, Install).
# Under systemd, use deploy/digiward-web.service and deploy/digiward-worker.service instead.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

ENV_FILE=${DIGIWARD_ENV_FILE:-/etc/digiward/env}
if [ -r "$ENV_FILE" ]; then
  set -a
  # shellcheck disable=SC1090
  . "$ENV_FILE"
  set +a
fi
export DIGIWARD_ENV=${DIGIWARD_ENV:-production}
BIND=${DIGIWARD_BIND:-127.0.0.1:8000}

# Refuse to serve a database that the code is ahead of: `digiward migrate` is an upgrade
# step (docs/operations.md, Upgrade), not something to do behind the operator's back.
if ! "$BIN/digiward" migrate --check -v0 >/dev/null 2>&1; then
  echo "digiward: the database has unapplied migrations; run: $BIN/digiward migrate" >&2
  exit 1
fi
"$BIN/digiward" collectstatic --noinput -v0

(
  while true; do
    "$BIN/digiward" run_worker --no-reload -v1 && status=0 || status=$?
    echo "digiward: the job worker stopped (exit $status); restarting it in 2 s" >&2
    sleep 2
  done
) &
WORKER=$!
# Stop the restart loop and the worker it started (only those: not every digiward process).
trap 'kill "$WORKER" 2>/dev/null; pkill -TERM -P "$WORKER" 2>/dev/null || true' EXIT INT TERM

# Sync workers, two per core (docs/benchmarks.md). The access log carries the request id
# (X-Request-ID from nginx or made by DigiWard) and leaves out query strings: a search box
# may carry a name or a citizen ID.
WORKERS=${DIGIWARD_WEB_WORKERS:-$(( $(nproc) * 2 ))}
echo "digiward: serving on http://$BIND ($WORKERS web workers, DIGIWARD_ENV=$DIGIWARD_ENV)" >&2
"$BIN/gunicorn" config.wsgi --bind "$BIND" --workers "$WORKERS" --timeout 60 \
  --max-requests 2000 --max-requests-jitter 200 --log-level warning \
  --access-logfile - \
  --access-logformat '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss %({x-request-id}o)s'
