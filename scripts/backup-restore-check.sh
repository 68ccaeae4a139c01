#!/usr/bin/env bash
# Checks the backup procedure of docs/operations.md end to end (run by .ci/run; also on a
# developer machine with PostgreSQL on 127.0.0.1:5432, trust auth for user postgres):
#
#   1. a source database with the migrated schema, the demo data and an admin token, served
#      once to file a report with an uploaded PDF (bytes in the storage directory) and to note
#      what the API shows;
#   2. `pg_dump -Fc --no-owner` of it, THEN a copy of the storage directory (the documented
#      order), `pg_restore --no-owner --exit-on-error --single-transaction` into a fresh
#      database (the audit trail's triggers refuse UPDATE, DELETE and TRUNCATE; the dump
#      creates them after the data is loaded);
#   3. every table's row count in the restore equals the source's;
#   4. `cchc-api serve` on the restore with the copied files: /readyz is ready, the token made
#      before the dump works, the API's lists (periods, units, indicators, holidays, tokens,
#      audit, the report's files) give the same totals and periods as the source, and the file
#      downloads with the same SHA-256.
#
# Exits non-zero on any difference. Uses target/debug/cchc-api (built if missing).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PG_SERVER_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
SRC_DB=cchc_backup_src
DST_DB=cchc_backup_restored
BIN="${CCHC_API_BIN:-target/debug/cchc-api}"

log() { printf '[backup] %s\n' "$*"; }
die() {
    printf '[backup] ERROR: %s\n' "$*" >&2
    exit 1
}

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cchc-backup.XXXXXX")"
SERVER_PID=""
stop_server() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}
cleanup() {
    local rc=$?
    stop_server
    if [[ $rc -ne 0 ]]; then
        for f in "$WORK"/*.log; do
            [[ -f "$f" ]] || continue
            echo "--- last lines of $f ---" >&2
            tail -n 20 "$f" >&2 || true
        done
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT

command -v pg_dump >/dev/null && command -v pg_restore >/dev/null ||
    die "pg_dump/pg_restore are missing (Debian: postgresql-client-<server major>)"
command -v jq >/dev/null || die "jq is missing"

psql_on() {
    local url=$1
    shift
    psql "$url" -w -X -q -A -t -v ON_ERROR_STOP=1 "$@"
}
db_url() { printf '%s/%s' "${PG_SERVER_URL%/*}" "$1"; }

# pg_dump refuses a newer server; an older server's dump may not restore into ours. Same major.
SERVER_MAJOR="$(psql_on "$PG_SERVER_URL" -c 'SHOW server_version_num')"
SERVER_MAJOR=$((SERVER_MAJOR / 10000))
DUMP_MAJOR="$(pg_dump --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)*.*/\1/')"
log "server PostgreSQL $SERVER_MAJOR, $(pg_dump --version), $(pg_restore --version)"
[[ "$DUMP_MAJOR" == "$SERVER_MAJOR" ]] ||
    die "pg_dump $DUMP_MAJOR does not match the server's major version $SERVER_MAJOR"

if [[ ! -x "$BIN" ]]; then
    log "$BIN is missing; building it"
    cargo build -p cchc-api
fi

# --- 1. the source ----------------------------------------------------------
for db in "$SRC_DB" "$DST_DB"; do
    psql_on "$PG_SERVER_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
done
psql_on "$PG_SERVER_URL" -c "CREATE DATABASE $SRC_DB"
SRC_URL="$(db_url "$SRC_DB")"
DST_URL="$(db_url "$DST_DB")"
DATABASE_URL="$SRC_URL" "$BIN" migrate >"$WORK/setup.log" 2>&1
DATABASE_URL="$SRC_URL" "$BIN" seed-demo >>"$WORK/setup.log" 2>&1
TOKEN="$(DATABASE_URL="$SRC_URL" "$BIN" token create --role admin --name backup-check \
    2>>"$WORK/setup.log" | tail -n 1)"
[[ "$TOKEN" == cchc_* ]] || die "token create printed no token"

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
serve() {
    local name=$1 url=$2 port
    port="$(free_port)"
    BASE="http://127.0.0.1:$port"
    mkdir -p "$WORK/files-$name"
    DATABASE_URL="$url" CCHC_BIND="127.0.0.1:$port" CCHC_STORAGE_URL="$WORK/files-$name" \
        RUST_LOG=warn "$BIN" serve >"$WORK/serve-$name.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 60); do
        curl -fsS "$BASE/readyz" >/dev/null 2>&1 && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || die "the API on $name exited before it was ready"
        sleep 0.5
    done
    die "$BASE/readyz is not ready after 30 s ($name)"
}
api() {
    curl -fsS --max-time 30 -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/$1"
}
# What must survive a restore, as the API shows it.
snapshot() {
    local resource
    for resource in periods units indicators holidays tokens audit; do
        printf '%s total=%s\n' "$resource" "$(api "$resource?per_page=200" | jq '.total')"
    done
    api 'periods?per_page=200' | jq -c '[.items[] | {id, code, status, deadline}]'
    api me | jq -c '{name, role}'
}

# The API on the source: a report of the open demo period with one uploaded PDF.
serve source "$SRC_URL"
PERIOD_ID="$(api 'periods?per_page=200' | jq '[.items[] | select(.status == "open")][0].id')"
UNIT_CODE="$(api "periods/$PERIOD_ID" | jq -r '.units[0].code')"
[[ "$PERIOD_ID" =~ ^[0-9]+$ && -n "$UNIT_CODE" && "$UNIT_CODE" != null ]] ||
    die "no open demo period with a unit"
SUBMISSION_ID="$(curl -fsS --max-time 30 -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d "{\"unit_code\": \"$UNIT_CODE\"}" \
    "$BASE/api/v1/periods/$PERIOD_ID/submissions" | jq '.id')"
printf '%%PDF-1.4\n%% cchc backup check\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n' \
    >"$WORK/evidence.pdf"
ATTACHMENT="$(curl -fsS --max-time 30 -H "Authorization: Bearer $TOKEN" \
    -F purpose=evidence -F "file=@$WORK/evidence.pdf;filename=Biên bản kiểm tra.pdf" \
    "$BASE/api/v1/submissions/$SUBMISSION_ID/attachments")"
DOWNLOAD_URL="$(jq -r '.download_url' <<<"$ATTACHMENT")"
SOURCE_SHA="$(sha256sum "$WORK/evidence.pdf" | cut -d' ' -f1)"
[[ "$(jq -r '.sha256' <<<"$ATTACHMENT")" == "$SOURCE_SHA" ]] || die "upload recorded another SHA-256"
log "source: period $PERIOD_ID, report $SUBMISSION_ID of $UNIT_CODE, file $DOWNLOAD_URL"
snapshot >"$WORK/source.txt"
api "submissions/$SUBMISSION_ID/attachments" | jq -c '{total, files: [.items[] | {filename, sha256}]}' \
    >>"$WORK/source.txt"
stop_server

# --- 2. dump, then the files, then restore ----------------------------------
DUMP="$WORK/cchc.dump"
pg_dump -Fc --no-owner -d "$SRC_URL" -f "$DUMP"
log "dumped $SRC_DB: $(du -h "$DUMP" | cut -f1)"
# Files after the dump (docs/operations.md): every row in the dump has its bytes in the copy.
cp -a "$WORK/files-source" "$WORK/files-backup"
log "copied the storage directory: $(find "$WORK/files-backup" -type f | wc -l) file(s)"
psql_on "$PG_SERVER_URL" -c "CREATE DATABASE $DST_DB"
pg_restore --no-owner --exit-on-error --single-transaction -d "$DST_URL" "$DUMP"
log "restored into $DST_DB"

# --- 3. row counts of every table -------------------------------------------
COUNT_SQL="SELECT string_agg(format('%s=%s', t, (xpath('/row/c/text()',
    query_to_xml(format('SELECT count(*) AS c FROM public.%I', t), false, true, '')))[1]), ' '
    ORDER BY t)
  FROM (SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public') AS tables"
SRC_COUNTS="$(psql_on "$SRC_URL" -c "$COUNT_SQL")"
DST_COUNTS="$(psql_on "$DST_URL" -c "$COUNT_SQL")"
if [[ "$SRC_COUNTS" != "$DST_COUNTS" ]]; then
    diff <(tr ' ' '\n' <<<"$SRC_COUNTS") <(tr ' ' '\n' <<<"$DST_COUNTS") >&2 || true
    die "row counts differ between $SRC_DB and $DST_DB"
fi
log "row counts equal in $(wc -w <<<"$SRC_COUNTS") tables: $SRC_COUNTS"

# The audit trail is still append-only after the restore.
if psql_on "$DST_URL" -c "DELETE FROM audit_events" >/dev/null 2>&1; then
    die "DELETE FROM audit_events succeeded on the restore: its trigger is missing"
fi
log "audit_events still refuses DELETE after the restore"

# --- 4. the API on the restore, with the copied files ------------------------
mv "$WORK/files-backup" "$WORK/files-restored"
serve restored "$DST_URL"
curl -fsS "$BASE/readyz" | jq -c . >"$WORK/readyz.json"
log "restored /readyz: $(cat "$WORK/readyz.json")"
snapshot >"$WORK/restored.txt"
api "submissions/$SUBMISSION_ID/attachments" | jq -c '{total, files: [.items[] | {filename, sha256}]}' \
    >>"$WORK/restored.txt"
curl -fsS --max-time 30 -H "Authorization: Bearer $TOKEN" "$BASE$DOWNLOAD_URL" -o "$WORK/downloaded.pdf"
stop_server
RESTORED_SHA="$(sha256sum "$WORK/downloaded.pdf" | cut -d' ' -f1)"
[[ "$RESTORED_SHA" == "$SOURCE_SHA" ]] ||
    die "the file downloaded from the restore differs ($RESTORED_SHA, expected $SOURCE_SHA)"
log "the uploaded file downloads from the restore with the same SHA-256"

if ! diff -u "$WORK/source.txt" "$WORK/restored.txt"; then
    die "the API shows different data on the restore"
fi
grep -q '"role":"admin"' "$WORK/restored.txt" || die "the token did not authenticate on the restore"
PERIODS="$(sed -n 's/^periods total=//p' "$WORK/restored.txt")"
[[ "$PERIODS" =~ ^[0-9]+$ && "$PERIODS" -gt 0 ]] || die "no demo periods on the restore"
log "API on the restore matches the source:"
sed 's/^/[backup]   /' "$WORK/restored.txt"

for db in "$SRC_DB" "$DST_DB"; do
    psql_on "$PG_SERVER_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
done
log "backup and restore check passed"
