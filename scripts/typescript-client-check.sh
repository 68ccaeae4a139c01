#!/usr/bin/env bash
# Checks the typed TypeScript client (openapi/clients/typescript) against the committed OpenAPI
# document and the running API (run by .ci/run after the fuzzing; also on a developer machine
# with Node 20+, npm and PostgreSQL on 127.0.0.1:5432, trust auth for user postgres):
#
#   1. `npm ci` (the pinned openapi-typescript, openapi-fetch and TypeScript 5 of
#      package-lock.json; needs the npm registry);
#   2. regenerates src/schema.d.ts from openapi/openapi.json and fails on any difference from
#      the committed one (run `npm run generate` there and commit it);
#   3. `tsc --strict --noEmit`, then compiles to dist/;
#   4. a fresh database (cchc_tsclient) with the demo data and an admin token, `cchc-api serve`
#      on a free loopback port, and examples/round.ts driving one reporting round through the
#      client: periods, units, a new period opened, a reporter token, a report started,
#      filled in with If-Match, its narrative uploaded (a typed Blob), submitted, accepted by
#      the Office, the compliance board.
#
# Exits non-zero on any failure. Uses target/debug/cchc-api (built if missing) or CCHC_API_BIN.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PG_SERVER_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
TS_DB="${TS_DB:-cchc_tsclient}"
BIN="${CCHC_API_BIN:-target/debug/cchc-api}"
CLIENT=openapi/clients/typescript

log() { printf '[ts-client] %s\n' "$*"; }
die() {
    printf '[ts-client] ERROR: %s\n' "$*" >&2
    exit 1
}

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cchc-tsclient.XXXXXX")"
SERVER_PID=""
cleanup() {
    local rc=$?
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ $rc -ne 0 && -f "$WORK/server.log" ]]; then
        echo "--- last lines of the API's log ---" >&2
        tail -n 30 "$WORK/server.log" >&2 || true
    fi
    rm -rf "$WORK"
    if [[ $rc -eq 0 ]]; then
        psql "$PG_SERVER_URL" -w -X -q -c "DROP DATABASE IF EXISTS $TS_DB WITH (FORCE)" || true
    fi
    exit "$rc"
}
trap cleanup EXIT

command -v node >/dev/null 2>&1 || die "node is missing (Debian: apt-get install nodejs npm)"
command -v npm >/dev/null 2>&1 || die "npm is missing (Debian: apt-get install npm)"
log "node $(node --version), npm $(npm --version)"

# --- the client: install, regenerate, compare, compile -----------------------
(cd "$CLIENT" && npm ci --no-audit --no-fund --loglevel=error)
(cd "$CLIENT" && npm run --silent generate >"$WORK/generate.log" 2>&1) ||
    { cat "$WORK/generate.log" >&2; die "openapi-typescript failed"; }
git ls-files --error-unmatch "$CLIENT/src/schema.d.ts" >/dev/null 2>&1 ||
    die "$CLIENT/src/schema.d.ts is not committed"
if ! git diff --exit-code --stat -- "$CLIENT/src/schema.d.ts"; then
    die "$CLIENT/src/schema.d.ts differs from what openapi/openapi.json generates: run \`npm run generate\` in $CLIENT and commit it"
fi
log "src/schema.d.ts matches openapi/openapi.json ($(wc -l <"$CLIENT/src/schema.d.ts") lines)"
# The program and the wrapper use the document's types as they are: no type assertions.
if grep -nE '[])A-Za-z0-9_] as [A-Za-z{(\[]' "$CLIENT"/src/index.ts "$CLIENT"/examples/*.ts |
    grep -vE '^[^:]+:[0-9]+:[[:space:]]*(//|\*)'; then
    die "a type assertion (above): if the document forces it, fix the document"
fi
(cd "$CLIENT" && npx --no-install tsc --version && npx --no-install tsc --strict --noEmit)
log "tsc --strict: no errors"
(cd "$CLIENT" && rm -rf dist && npx --no-install tsc)

# --- the binary ------------------------------------------------------------
if [[ -z "${CCHC_API_BIN:-}" ]]; then
    cargo build -q -p cchc-api
fi
[[ -x "$BIN" ]] || die "$BIN is missing"

# --- a fresh database with the demo data -----------------------------------
psql_server() { psql "$PG_SERVER_URL" -w -X -q -v ON_ERROR_STOP=1 "$@"; }
psql_server -c "DROP DATABASE IF EXISTS $TS_DB WITH (FORCE)"
psql_server -c "CREATE DATABASE $TS_DB"
export DATABASE_URL="${PG_SERVER_URL%/*}/$TS_DB"
"$BIN" migrate >"$WORK/setup.log" 2>&1 || { cat "$WORK/setup.log" >&2; die "migrate failed"; }
"$BIN" seed-demo >>"$WORK/setup.log" 2>&1 || { cat "$WORK/setup.log" >&2; die "seed-demo failed"; }
TOKEN="$("$BIN" token create --role admin --name ts-client 2>>"$WORK/setup.log" | tail -n 1)"
[[ "$TOKEN" == cchc_* ]] || die "token create printed no token"

# --- serve on a free loopback port -----------------------------------------
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
mkdir -p "$WORK/files" "$WORK/mail"
CCHC_BIND="127.0.0.1:$PORT" CCHC_STORAGE_URL="$WORK/files" CCHC_MAIL_DIR="$WORK/mail" \
    RUST_LOG="${TS_RUST_LOG:-error}" "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 60); do
    if curl -fsS "$BASE/readyz" >/dev/null 2>&1; then break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || die "the API exited before it was ready"
    sleep 0.5
done
curl -fsS "$BASE/readyz" >/dev/null || die "$BASE/readyz is not ready after 30 s"
log "API ready on $BASE (database $TS_DB)"

# --- one reporting round through the client ---------------------------------
CCHC_BASE_URL="$BASE" CCHC_ADMIN_TOKEN="$TOKEN" node "$CLIENT/dist/examples/round.js"
log "the typed client drove a reporting round"
