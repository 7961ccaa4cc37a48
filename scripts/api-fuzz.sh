#!/usr/bin/env bash
# Schemathesis against the API's own schema: the examples, coverage and fuzzing phases,
# with a read-write token on a demo database, through gunicorn on loopback. It fails on
# any 5xx and on any response that breaks the schema (issue 15).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$PWD/.venv/bin"
PORT="${API_FUZZ_PORT:-8797}"
EXAMPLES="${API_FUZZ_EXAMPLES:-40}"
WORK=$(mktemp -d)
export DIGIWARD_VAR_DIR="$WORK/var"
mkdir -p "$DIGIWARD_VAR_DIR/static"
# The fuzzer sends thousands of calls a minute from one token and one address.
export DIGIWARD_API_RATE_PER_MINUTE=1000000 DIGIWARD_API_PUBLIC_RATE_PER_MINUTE=1000000
cleanup() {
  [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"$BIN/digiward" migrate --noinput -v0
"$BIN/digiward" load_units -v0 > /dev/null
"$BIN/digiward" load_procedures -v0 > /dev/null
"$BIN/digiward" seed_demo --commune 31135 > /dev/null
"$BIN/digiward" collectstatic --noinput -v0  # the 404 and 500 pages of a real install
TOKEN=$("$BIN/digiward" shell -c '
from digiward.api.tokens import token_create
from digiward.core.access import access_for
from digiward.core.models import Commune, User
access = access_for(User.objects.get(username="quantri"), Commune.objects.get(code="31135"))
print(token_create(access=access, name="schemathesis", scope="write", days=30).secret)
' | tail -n 1 | tr -d '[:space:]')

LOG="${API_FUZZ_SERVER_LOG:-$WORK/server.log}"
"$BIN/gunicorn" config.wsgi --bind "127.0.0.1:$PORT" --workers 2 --log-level warning \
  > "$LOG" 2>&1 &
SERVER=$!
for _ in $(seq 1 50); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/api/openapi.json" && break
  sleep 0.2
done

"$BIN/schemathesis" run "http://127.0.0.1:$PORT/api/openapi.json" \
  --url "http://127.0.0.1:$PORT" \
  -H "Authorization: Bearer $TOKEN" \
  --phases examples,coverage,fuzzing \
  --checks not_a_server_error,response_schema_conformance \
  --max-examples "$EXAMPLES" --seed 15 --workers 2 \
  --request-timeout 20 --generation-database none --no-color && status=0 || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- the server's errors (tracebacks of the failures above) ---"
  grep -v " WARNING django.request " "$LOG" | tail -n 200
fi
exit "$status"
