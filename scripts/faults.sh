#!/usr/bin/env bash
# Fault scenarios against the real binaries (run by .ci/run; also on a developer machine with
# PostgreSQL on 127.0.0.1, trust auth for user postgres, and root or sudo to restart it):
#
#   1. PostgreSQL restarted under a running API and worker: /readyz answers 503 while the
#      database is down (no hang, no crash), then 200 again within $FAULTS_RECOVERY_SECS of the
#      start without restarting either process; authenticated reads and a write succeed (a few
#      503 `database_unavailable` right after the start are counted and allowed within the
#      bound); the worker is alive, its LISTEN connection is back, and a job queued after the
#      restart is done.
#   2. A worker killed with SIGKILL mid-delivery: $FAULTS_JOBS reminder jobs, a slow SMTP sink
#      (`cchc-worker smtp-sink --delay-ms`), SIGKILL once some are done, a new worker finishes
#      the queue. Every job is done (none lost, none failed) and the sink received between N and
#      N + runners messages: at most one duplicate per runner, the mail accepted by SMTP just
#      before the crash (shared/app/src/repo/jobs.rs).
#   3. SMTP down for a while: jobs queued while nothing listens on the SMTP port are retried
#      (attempts > 0, last_error set, still queued); the sink started on that port receives
#      the whole backlog, exactly once each, on the queue's own retry schedule (30 s).
#   4. Attachment storage unwritable: the API's storage directory replaced by a file; an upload
#      answers 503 `storage_unavailable` (problem+json) and leaves no attachment row.
#
# Its own database (cchc_faults, dropped on exit), free loopback ports, every process it starts
# stopped on exit, PostgreSQL left running. The restarted server is the one TEST_DATABASE_URL
# points to, found among `pg_lsclusters` by its port and restarted with `pg_ctlcluster`; every
# other database on it sees the restart too: on a shared machine, point it at a scratch
# cluster, e.g.
#
#   pg_createcluster 15 faults -p 5440 --start   # then trust auth for 127.0.0.1 in its pg_hba.conf
#   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5440/postgres bash scripts/faults.sh
#
# Exits non-zero when any scenario fails, after a summary line per scenario (about a minute, half
# of it the retry delay of scenario 3). Uses target/debug/cchc-api and target/debug/cchc-worker.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PG_SERVER_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
FAULTS_DB=cchc_faults
API_BIN="${CCHC_API_BIN:-target/debug/cchc-api}"
WORKER_BIN="${CCHC_WORKER_BIN:-target/debug/cchc-worker}"
RUNNERS=2
# Jobs of scenario 2 and 3; how long the API may take to be fully back after PostgreSQL is.
FAULTS_JOBS="${FAULTS_JOBS:-200}"
FAULTS_BACKLOG="${FAULTS_BACKLOG:-50}"
FAULTS_RECOVERY_SECS="${FAULTS_RECOVERY_SECS:-15}"
# The slow sink of scenario 2: each message waits this long before SMTP accepts it.
SINK_DELAY_MS=100

log() { printf '[faults] %s\n' "$*"; }
die() {
    printf '[faults] ERROR: %s\n' "$*" >&2
    printf '%s\n' "$*" >"$WORK/reason"
    exit 1
}
# For .ci/postgres.sh's helpers (as_root, pg_cluster_version).
warn() { printf '[faults] WARNING: %s\n' "$*" >&2; }
section() { log "== $* =="; }
# shellcheck source=.ci/postgres.sh
source .ci/postgres.sh

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cchc-faults.XXXXXX")"
: >"$WORK/pids"
: >"$WORK/summary"

now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }
seconds_since() { # seconds_since START_MS → "1.234"
    local ms=$(($(now_ms) - $1))
    printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}

# No NOTICEs (DROP DATABASE IF EXISTS of a database that is not there).
export PGOPTIONS='-c client_min_messages=warning'
psql_server() { psql "$PG_SERVER_URL" -w -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
DB_URL="${PG_SERVER_URL%/*}/$FAULTS_DB"
sql() { PGCONNECT_TIMEOUT=5 psql "$DB_URL" -w -X -q -A -t -v ON_ERROR_STOP=1 -c "$1"; }

# --- processes ----------------------------------------------------------------
# Every process started is listed in $WORK/pids; stop_pid and the exit trap stop them.
stop_pid() { # stop_pid PID: SIGTERM, at most 15 s, then SIGKILL
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 150); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        warn "process $pid did not stop within 15 s of SIGTERM; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}
stop_all() {
    local pid
    while read -r pid; do
        [[ -n "$pid" ]] && stop_pid "$pid"
    done <"$WORK/pids"
    : >"$WORK/pids"
}
started() { echo "$1" >>"$WORK/pids"; }

cleanup() {
    local rc=$?
    stop_all
    if [[ -n "${PG_VERSION:-}" ]] && ! pg_ensure_running; then
        warn "PostgreSQL $PG_VERSION/$PG_CLUSTER is not accepting connections after 60 s"
        rc=1
    fi
    if [[ $rc -ne 0 ]]; then
        for f in "$WORK"/*.log; do
            [[ -f "$f" ]] || continue
            echo "--- last lines of $(basename "$f") ---" >&2
            tail -n 15 "$f" >&2 || true
        done
    fi
    psql_server -c "DROP DATABASE IF EXISTS $FAULTS_DB WITH (FORCE)" >/dev/null 2>&1 ||
        warn "could not drop $FAULTS_DB"
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT

# --- the PostgreSQL cluster behind PG_SERVER_URL -------------------------------
PG_PORT_OF_URL="$(psql_server -c 'SHOW port')"
PG_HOST_OF_URL=127.0.0.1
read -r PG_VERSION PG_CLUSTER < <(pg_lsclusters -h | awk -v port="$PG_PORT_OF_URL" '$3 == port { print $1, $2; exit }') ||
    true
[[ -n "${PG_VERSION:-}" && -n "${PG_CLUSTER:-}" ]] ||
    die "no cluster of pg_lsclusters listens on port $PG_PORT_OF_URL (TEST_DATABASE_URL)"
pg_up() { pg_isready -h "$PG_HOST_OF_URL" -p "$PG_PORT_OF_URL" -t 2 -q; }
pg_ctl_cluster() { as_root pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_CLUSTER" "$1"; }
# Starts the cluster if it is down and waits (at most 60 s) until it accepts connections.
pg_ensure_running() {
    local deadline=$((SECONDS + 60))
    pg_up && return 0
    pg_ctl_cluster start || warn "pg_ctlcluster start exited non-zero"
    until pg_up; do
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_api NAME STORAGE_DIR: sets BASE and API_PID, waits (at most 30 s) for /readyz.
start_api() {
    local name=$1 storage=$2 port i
    port="$(free_port)"
    BASE="http://127.0.0.1:$port"
    DATABASE_URL="$DB_URL" CCHC_BIND="127.0.0.1:$port" CCHC_STORAGE_URL="$storage" \
        CCHC_RATE_LIMIT_PER_MINUTE=0 CCHC_AUTH_FAILURES_PER_MINUTE=0 RUST_LOG=warn "$API_BIN" serve >"$WORK/api-$name.log" 2>&1 &
    API_PID=$!
    started "$API_PID"
    for i in $(seq 1 60); do
        curl -fsS --max-time 2 "$BASE/readyz" >/dev/null 2>&1 && return 0
        kill -0 "$API_PID" 2>/dev/null || die "the API ($name) exited before it was ready"
        sleep 0.5
    done
    die "$BASE/readyz is not ready after 30 s ($name)"
}

# start_sink NAME PORT [DELAY_MS]: sets SINK_PID; waits (at most 10 s) until it listens.
start_sink() {
    local name=$1 port=$2 delay=${3:-0} i
    "$WORKER_BIN" smtp-sink --bind "127.0.0.1:$port" --delay-ms "$delay" >"$WORK/sink-$name.log" 2>&1 &
    SINK_PID=$!
    started "$SINK_PID"
    for i in $(seq 1 100); do
        grep -q 'listening' "$WORK/sink-$name.log" 2>/dev/null && return 0
        kill -0 "$SINK_PID" 2>/dev/null || die "the SMTP sink ($name) exited: $(cat "$WORK/sink-$name.log")"
        sleep 0.1
    done
    die "the SMTP sink ($name) is not listening after 10 s"
}
# stop_sink NAME: stops it and sets SINK_COUNT from its "received N message(s)" line.
stop_sink() {
    local name=$1
    stop_pid "$SINK_PID"
    SINK_COUNT="$(sed -n 's/.*received \([0-9]*\) message(s).*/\1/p' "$WORK/sink-$name.log" | tail -n 1)"
    [[ "$SINK_COUNT" =~ ^[0-9]+$ ]] || die "the SMTP sink ($name) printed no count"
}

# start_worker NAME SMTP_PORT: sets WORKER_PID. No digest or leadership mailboxes, so the
# only mail is the jobs the scenarios queue (the demo period's deadline is in the future).
start_worker() {
    local name=$1 port=$2
    env -u CCHC_OFFICE_EMAILS -u CCHC_LEADERSHIP_EMAILS DATABASE_URL="$DB_URL" \
        SMTP_URL="smtp://127.0.0.1:$port" RUST_LOG=info \
        "$WORKER_BIN" run --runners "$RUNNERS" >"$WORK/worker-$name.log" 2>&1 &
    WORKER_PID=$!
    started "$WORKER_PID"
}

# api_call METHOD PATH [JSON]: prints the HTTP status ("000" for no answer within 5 s); the
# body is in $WORK/body.
api_call() {
    local method=$1 path=$2 body=${3:-}
    local args=(-sS -o "$WORK/body" -w '%{http_code}' --max-time 5 -X "$method"
        -H "Authorization: Bearer $TOKEN")
    [[ -n "$body" ]] && args+=(-H 'Content-Type: application/json' -d "$body")
    curl "${args[@]}" "$BASE$path" 2>/dev/null || echo 000
}
readyz_status() {
    curl -sS -o /dev/null -w '%{http_code}' --max-time 5 "$BASE/readyz" 2>/dev/null || echo 000
}

# enqueue_reminders TAG COUNT: reminder jobs as the planner makes them (worker/src/mail_jobs.rs
# sends one when the period is open, the unit has not submitted and its deadline, the one in
# the payload, is ahead), one recipient each, so each job is one mail.
enqueue_reminders() {
    local tag=$1 count=$2
    sql "INSERT INTO jobs (kind, payload, dedup_key, max_attempts, run_at, created_at, updated_at)
         SELECT 'reminder',
                jsonb_build_object('period_id', p.id, 'unit_id', $REMINDER_UNIT, 'step', 'd5',
                    'deadline', p.deadline,
                    'recipient', jsonb_build_object('name', 'Faults ' || n,
                        'email', 'faults-$tag-' || n || '@example.vn')),
                'faults:$tag:' || n, 8, now(), now(), now()
           FROM periods p, generate_series(1, $count) AS n
          WHERE p.id = $PERIOD_ID"
}
# job_counts TAG: how many jobs of TAG are queued, done and failed, on one line.
job_counts() {
    sql "SELECT count(*) FILTER (WHERE status = 'queued'), count(*) FILTER (WHERE status = 'done'),
                count(*) FILTER (WHERE status = 'failed')
           FROM jobs WHERE dedup_key LIKE 'faults:$1:%'" | tr '|' ' '
}
# wait_jobs_finished TAG SECONDS: until none of TAG is queued.
wait_jobs_finished() {
    local tag=$1 deadline=$(($(now_ms) + $2 * 1000)) n_queued n_done n_failed
    while :; do
        read -r n_queued n_done n_failed < <(job_counts "$tag")
        [[ "$n_queued" == 0 ]] && return 0
        (($(now_ms) < deadline)) || die "jobs $tag still queued after $2 s: queued=$n_queued done=$n_done failed=$n_failed"
        sleep 0.5
    done
}

# run_scenario N NAME FUNCTION: runs it in a subshell (its own `set -e` and exit trap), then
# records PASS/FAIL and its figures for the summary.
FAILED=0
run_scenario() {
    local number=$1 name=$2 function=$3 rc=0 start=$SECONDS
    log ""
    log "=== scenario $number: $name ==="
    rm -f "$WORK/reason" "$WORK/figures"
    set +e
    (
        set -e
        trap 'stop_all' EXIT
        "$function"
    )
    rc=$?
    set -e
    stop_all
    if ! pg_up && ! pg_ensure_running; then
        echo "PostgreSQL did not come back" >"$WORK/reason"
        rc=1
    fi
    if [[ $rc -eq 0 ]]; then
        printf '%s. %-26s PASS (%ds) %s\n' "$number" "$name" $((SECONDS - start)) \
            "$(cat "$WORK/figures" 2>/dev/null)" >>"$WORK/summary"
    else
        FAILED=1
        printf '%s. %-26s FAIL (%ds) %s\n' "$number" "$name" $((SECONDS - start)) \
            "$(cat "$WORK/reason" 2>/dev/null || echo "exit code $rc")" >>"$WORK/summary"
    fi
}
figures() { printf '%s\n' "$*" >"$WORK/figures"; log "$*"; }

# --- setup ----------------------------------------------------------------------------------
command -v jq >/dev/null || die "jq is missing"
command -v curl >/dev/null || die "curl is missing"
log "PostgreSQL cluster $PG_VERSION/$PG_CLUSTER on port $PG_PORT_OF_URL"
# CI passes the binaries `cargo test --workspace` built (CCHC_API_BIN, CCHC_WORKER_BIN): building
# them again with -p would resolve features differently and compile a second copy.
if [[ -z "${CCHC_API_BIN:-}" || -z "${CCHC_WORKER_BIN:-}" ]]; then
    cargo build -q -p cchc-api -p cchc-worker
fi
[[ -x "$API_BIN" && -x "$WORKER_BIN" ]] || die "$API_BIN or $WORKER_BIN is missing"

psql_server -c "DROP DATABASE IF EXISTS $FAULTS_DB WITH (FORCE)"
psql_server -c "CREATE DATABASE $FAULTS_DB"
DATABASE_URL="$DB_URL" "$API_BIN" migrate >"$WORK/setup.log" 2>&1 || die "migrate failed"
DATABASE_URL="$DB_URL" "$API_BIN" seed-demo >>"$WORK/setup.log" 2>&1 || die "seed-demo failed"
TOKEN="$(DATABASE_URL="$DB_URL" "$API_BIN" token create --role admin --name faults \
    2>>"$WORK/setup.log" | tail -n 1)"
[[ "$TOKEN" == cchc_* ]] || die "token create printed no token"
# The demo period (Q1/2023) is long past its deadline: the worker's planner would escalate every
# unit. Its deadline moves three months ahead, so no reminder or escalation is due and the only
# mail is what the scenarios queue; reminders for it are then worth sending.
PERIOD_ID="$(sql "SELECT id FROM periods WHERE status = 'open' ORDER BY id LIMIT 1")"
[[ "$PERIOD_ID" =~ ^[0-9]+$ ]] || die "no open demo period"
sql "UPDATE periods SET requested_deadline = date_trunc('second', now()) + interval '90 days',
                        deadline = date_trunc('second', now()) + interval '90 days'
      WHERE id = $PERIOD_ID"
# Reminders go to the first unit of the period; scenario 4 files a report for the last one.
REMINDER_UNIT="$(sql "SELECT unit_id FROM period_units WHERE period_id = $PERIOD_ID ORDER BY unit_id LIMIT 1")"
UPLOAD_UNIT="$(sql "SELECT u.code FROM period_units pu JOIN units u ON u.id = pu.unit_id
                     WHERE pu.period_id = $PERIOD_ID ORDER BY pu.unit_id DESC LIMIT 1")"
[[ "$REMINDER_UNIT" =~ ^[0-9]+$ && -n "$UPLOAD_UNIT" && "$REMINDER_UNIT" != "$UPLOAD_UNIT" ]] ||
    die "the demo period has no two units"
log "database $FAULTS_DB: demo data, period $PERIOD_ID (deadline moved 90 days ahead)"

# --- 1. PostgreSQL restarted under the API and the worker -----------------------------------
scenario_pg_restart() {
    local port i status down_total=0 down_503=0 start_ms ready_s listen_s job_id job_ms
    local retries_503=0 deadline ok
    port="$(free_port)"
    start_sink pg-restart "$port"
    start_api pg-restart "$WORK/files-pg-restart"
    start_worker pg-restart "$port"
    sleep 1
    [[ "$(api_call GET /api/v1/me)" == 200 ]] || die "GET /api/v1/me before the restart: $(cat "$WORK/body")"
    # Several connections in the API's pool, so stale ones are there to be found afterwards.
    local curls=() pid
    for i in $(seq 1 8); do
        curl -fsS -o /dev/null --max-time 5 -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/units" &
        curls+=($!)
    done
    for pid in "${curls[@]}"; do
        wait "$pid" || die "parallel GETs before the restart failed"
    done
    log "API and worker running; stopping PostgreSQL $PG_VERSION/$PG_CLUSTER"

    pg_ctl_cluster stop
    # About 3 s down: /readyz must answer, and answer 503.
    deadline=$(($(now_ms) + 3000))
    while (($(now_ms) < deadline)); do
        status="$(readyz_status)"
        down_total=$((down_total + 1))
        [[ "$status" == 503 ]] && down_503=$((down_503 + 1))
        [[ "$status" == 503 ]] || die "/readyz answered $status while PostgreSQL was down (want 503)"
        sleep 0.2
    done
    [[ "$(api_call GET /api/v1/units)" == 503 ]] || die "GET /units while down: not 503"
    jq -e '.code == "database_unavailable"' "$WORK/body" >/dev/null ||
        die "GET /units while down: $(cat "$WORK/body")"
    kill -0 "$API_PID" 2>/dev/null || die "the API exited while PostgreSQL was down"
    kill -0 "$WORKER_PID" 2>/dev/null || die "the worker exited while PostgreSQL was down"
    log "while down: /readyz answered 503 $down_503 of $down_total times; GET /units 503 database_unavailable"

    pg_ctl_cluster start
    deadline=$((SECONDS + 60))
    until pg_up; do
        ((SECONDS < deadline)) || die "PostgreSQL did not start within 60 s"
        sleep 0.1
    done
    start_ms=$(now_ms)
    log "PostgreSQL accepts connections again"

    # /readyz back to 200 within the bound, then reads and a write; 503s are counted.
    deadline=$((start_ms + FAULTS_RECOVERY_SECS * 1000))
    while status="$(readyz_status)" && [[ "$status" != 200 ]]; do
        [[ "$status" == 503 ]] || die "/readyz answered $status after the start (want 503, then 200)"
        retries_503=$((retries_503 + 1))
        (($(now_ms) < deadline)) || die "/readyz not 200 within $FAULTS_RECOVERY_SECS s of the start"
        sleep 0.1
    done
    ready_s="$(seconds_since "$start_ms")"
    request_until_ok() { # request_until_ok WANT METHOD PATH [JSON]
        local want=$1 got
        shift
        while :; do
            got="$(api_call "$@")"
            [[ "$got" == "$want" ]] && return 0
            if [[ "$got" == 503 ]] && jq -e '.code == "database_unavailable"' "$WORK/body" >/dev/null 2>&1; then
                retries_503=$((retries_503 + 1))
            else
                die "$1 $2 after the restart answered $got: $(head -c 300 "$WORK/body")"
            fi
            (($(now_ms) < deadline)) || die "$1 $2 still 503 $FAULTS_RECOVERY_SECS s after the start"
            sleep 0.1
        done
    }
    for i in $(seq 1 12); do
        request_until_ok 200 GET /api/v1/units
        request_until_ok 200 GET "/api/v1/periods/$PERIOD_ID"
    done
    request_until_ok 201 POST /api/v1/units \
        '{"code": "FAULTS-PG", "name": "Đơn vị thử khởi động lại cơ sở dữ liệu", "kind": "other", "parent_code": "SCT"}'
    kill -0 "$API_PID" 2>/dev/null || die "the API exited"
    log "API: /readyz 200 after $ready_s s; 24 reads and a POST succeeded; $retries_503 answer(s) 503 on the way"

    # The worker: still running, its LISTEN connection back, and a new job done.
    kill -0 "$WORKER_PID" 2>/dev/null || die "the worker exited after the restart"
    deadline=$((start_ms + 60000))
    ok=0
    while (($(now_ms) < deadline)); do
        if [[ "$(sql "SELECT count(*) FROM pg_stat_activity
                       WHERE datname = '$FAULTS_DB' AND query ILIKE 'LISTEN %'")" -ge 1 ]]; then
            ok=1
            break
        fi
        sleep 0.2
    done
    [[ $ok -eq 1 ]] || die "the worker's LISTEN connection is not back 60 s after the start"
    listen_s="$(seconds_since "$start_ms")"
    job_ms=$(now_ms)
    enqueue_reminders pg-restart 1
    wait_jobs_finished pg-restart 30
    read -r _ i _ < <(job_counts pg-restart)
    [[ "$i" == 1 ]] || die "the job queued after the restart is not done: $(job_counts pg-restart)"
    job_id="$(sql "SELECT id || ' ' || outcome FROM jobs WHERE dedup_key LIKE 'faults:pg-restart:%'")"
    log "worker: LISTEN back $listen_s s after the start; job $job_id in $(seconds_since "$job_ms") s"
    kill -0 "$WORKER_PID" 2>/dev/null || die "the worker exited"
    stop_sink pg-restart
    [[ "$SINK_COUNT" == 1 ]] || die "the sink received $SINK_COUNT message(s), expected 1"
    figures "ready ${ready_s}s after PG start; 503 while down ${down_503}/${down_total}; 503 after start: $retries_503; LISTEN back ${listen_s}s; new job done, 1 mail"
}

# --- 2. worker killed with SIGKILL mid-delivery ---------------------------------------------
scenario_sigkill() {
    local port deadline n_queued n_done n_failed done_at_kill duplicates kill_ms
    port="$(free_port)"
    start_sink sigkill "$port" "$SINK_DELAY_MS"
    enqueue_reminders sigkill "$FAULTS_JOBS"
    start_worker sigkill-1 "$port"
    local first=$WORKER_PID
    deadline=$((SECONDS + 120))
    while :; do
        read -r n_queued n_done n_failed < <(job_counts sigkill)
        ((n_done >= FAULTS_JOBS / 4)) && break
        ((SECONDS < deadline)) || die "only $n_done of $FAULTS_JOBS jobs done after 120 s"
        kill -0 "$first" 2>/dev/null || die "the first worker exited"
        sleep 0.1
    done
    kill -KILL "$first"
    wait "$first" 2>/dev/null || true
    kill_ms=$(now_ms)
    read -r n_queued done_at_kill n_failed < <(job_counts sigkill)
    log "SIGKILL after $done_at_kill of $FAULTS_JOBS jobs were done ($n_queued queued); a new worker starts"
    start_worker sigkill-2 "$port"
    wait_jobs_finished sigkill 180
    log "the new worker emptied the queue in $(seconds_since "$kill_ms") s"
    read -r n_queued n_done n_failed < <(job_counts sigkill)
    stop_pid "$WORKER_PID"
    stop_sink sigkill
    duplicates=$((SINK_COUNT - FAULTS_JOBS))
    log "jobs: $n_done done, $n_failed failed, $n_queued queued; sink received $SINK_COUNT message(s)"
    [[ "$n_done" == "$FAULTS_JOBS" && "$n_failed" == 0 ]] ||
        die "after the SIGKILL: $n_done of $FAULTS_JOBS jobs done, $n_failed failed"
    ((SINK_COUNT >= FAULTS_JOBS)) || die "only $SINK_COUNT of $FAULTS_JOBS mails arrived: some were lost"
    ((SINK_COUNT <= FAULTS_JOBS + RUNNERS)) ||
        die "$SINK_COUNT mails for $FAULTS_JOBS jobs: more than one duplicate per runner ($RUNNERS)"
    figures "$FAULTS_JOBS jobs, killed at $done_at_kill done; all done, 0 failed; sink $SINK_COUNT mails ($duplicates duplicate(s), at most $RUNNERS allowed)"
}

# --- 3. SMTP down for a while ---------------------------------------------------------------
scenario_smtp_down() {
    local port deadline n_queued n_done n_failed retried outage_ms backlog_ms attempts error
    port="$(free_port)"
    # Nothing listens on $port yet: every delivery is refused.
    start_worker smtp-down "$port"
    outage_ms=$(now_ms)
    enqueue_reminders smtp-down "$FAULTS_BACKLOG"
    deadline=$((SECONDS + 60))
    while :; do
        retried="$(sql "SELECT count(*) FROM jobs WHERE dedup_key LIKE 'faults:smtp-down:%'
                          AND status = 'queued' AND attempts > 0 AND last_error IS NOT NULL")"
        [[ "$retried" == "$FAULTS_BACKLOG" ]] && break
        ((SECONDS < deadline)) || die "after 60 s only $retried of $FAULTS_BACKLOG jobs were tried and rescheduled"
        sleep 0.5
    done
    read -r n_queued n_done n_failed < <(job_counts smtp-down)
    [[ "$n_failed" == 0 && "$n_done" == 0 ]] || die "with SMTP down: $n_done done, $n_failed failed (want 0 and 0)"
    error="$(sql "SELECT last_error FROM jobs WHERE dedup_key LIKE 'faults:smtp-down:%' LIMIT 1")"
    log "SMTP down: all $FAULTS_BACKLOG jobs tried, queued for retry; e.g. last_error: ${error:0:160}"
    # The sink comes up on the same port. No shortcut: the jobs run again when their retry is
    # due (30 s after the failed attempt, shared/app/src/repo/jobs.rs retry_delay), at the
    # worker's next poll.
    start_sink smtp-down "$port"
    log "SMTP sink up after $(seconds_since "$outage_ms") s of outage"
    backlog_ms=$(now_ms)
    wait_jobs_finished smtp-down 120
    read -r n_queued n_done n_failed < <(job_counts smtp-down)
    attempts="$(sql "SELECT min(attempts) || '-' || max(attempts) FROM jobs
                      WHERE dedup_key LIKE 'faults:smtp-down:%'")"
    stop_pid "$WORKER_PID"
    stop_sink smtp-down
    log "backlog delivered $(seconds_since "$backlog_ms") s after the sink came up: $n_done done, $n_failed failed; attempts $attempts; sink received $SINK_COUNT"
    [[ "$n_done" == "$FAULTS_BACKLOG" && "$n_failed" == 0 ]] ||
        die "$n_done of $FAULTS_BACKLOG jobs done, $n_failed failed"
    [[ "$SINK_COUNT" == "$FAULTS_BACKLOG" ]] ||
        die "the sink received $SINK_COUNT message(s) for $FAULTS_BACKLOG jobs"
    figures "$FAULTS_BACKLOG jobs retried while down (attempts $attempts), delivered in $(seconds_since "$backlog_ms")s once up; $SINK_COUNT mails"
}

# --- 4. attachment storage unwritable -------------------------------------------------------
scenario_storage() {
    local files="$WORK/files-unwritable" submission status content_type total
    start_api storage "$files"
    [[ -d "$files" ]] || die "the API did not create its storage directory"
    # As api/tests/api/common.rs Files::Unwritable: the directory becomes a regular file, so
    # every write fails, even for root.
    rm -rf "$files"
    printf 'not a directory\n' >"$files"
    [[ "$(api_call POST "/api/v1/periods/$PERIOD_ID/submissions" "{\"unit_code\": \"$UPLOAD_UNIT\"}")" == 201 ]] ||
        die "creating a submission: $(cat "$WORK/body")"
    submission="$(jq '.id' "$WORK/body")"
    printf '%%PDF-1.4\n%% cchc faults\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n' \
        >"$WORK/evidence.pdf"
    read -r status content_type < <(curl -sS -o "$WORK/body" -w '%{http_code} %{content_type}\n' \
        --max-time 30 -H "Authorization: Bearer $TOKEN" -F purpose=evidence \
        -F "file=@$WORK/evidence.pdf;filename=bien-ban.pdf" \
        "$BASE/api/v1/submissions/$submission/attachments" || echo "000 -")
    log "upload with unwritable storage: $status $content_type $(jq -c '{code, detail}' "$WORK/body" 2>/dev/null)"
    [[ "$status" == 503 ]] || die "the upload answered $status, want 503"
    [[ "$content_type" == application/problem+json* ]] || die "the upload answered $content_type"
    jq -e '.code == "storage_unavailable"' "$WORK/body" >/dev/null ||
        die "the upload's problem is not storage_unavailable: $(cat "$WORK/body")"
    [[ "$(api_call GET "/api/v1/submissions/$submission/attachments")" == 200 ]] ||
        die "listing the attachments: $(cat "$WORK/body")"
    total="$(jq '.total' "$WORK/body")"
    [[ "$total" == 0 ]] || die "$total attachment(s) listed after the failed upload"
    [[ "$(sql "SELECT count(*) FROM submission_attachments WHERE submission_id = $submission")" == 0 ]] ||
        die "an attachment row exists after the failed upload"
    [[ "$(readyz_status)" == 200 ]] || die "/readyz is not 200 after the failed upload"
    figures "upload 503 storage_unavailable (problem+json); attachments total 0; API still ready"
}

run_scenario 1 "PostgreSQL restart" scenario_pg_restart
run_scenario 2 "worker SIGKILL mid-mail" scenario_sigkill
run_scenario 3 "SMTP down, then back" scenario_smtp_down
run_scenario 4 "storage unwritable" scenario_storage

log ""
log "summary:"
sed 's/^/[faults]   /' "$WORK/summary"
if [[ $FAILED -ne 0 ]]; then
    die "some fault scenarios failed"
fi
log "all fault scenarios passed"
