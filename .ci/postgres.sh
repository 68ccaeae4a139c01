# Shared by .ci/run and bench/run (sourced, not executed): root and apt helpers, and
# `ensure_postgres`, which makes sure PostgreSQL is installed, running on
# $PG_HOST:$PG_PORT (127.0.0.1:5432) and lets user postgres in without a password.
#
# The caller defines `section`, `warn` and `die` before calling `ensure_postgres`.

# Run a command as root (CI already is root; a developer may need sudo).
as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

APT_UPDATED=0
apt_install() {
    if [[ $APT_UPDATED -eq 0 ]]; then
        as_root apt-get update
        APT_UPDATED=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
}

PG_HOST=127.0.0.1
PG_PORT=5432

# Prints the version of the first PostgreSQL cluster named `main`
# (what `ls /etc/postgresql | head -1` would give), or fails if there is none.
pg_cluster_version() {
    local dir
    for dir in /etc/postgresql/*/main; do
        if [[ -d "$dir" ]]; then
            basename "$(dirname "$dir")"
            return 0
        fi
    done
    return 1
}

pg_ready() { pg_isready -h "$PG_HOST" -p "$PG_PORT" -t 2 -q; }

# Runs one SQL statement as user postgres over TCP, never prompting for a password.
pg_query() {
    PGCONNECT_TIMEOUT=10 psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres \
        -w -X -A -t -q -c "$1"
}

ensure_postgres() {
    local bin deadline log hba marker tmp
    # -----------------------------------------------------------------------
    section "PostgreSQL: install"
    if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! command -v psql >/dev/null 2>&1; then
        echo "PostgreSQL is not installed; installing it from Debian's packages"
        apt_install postgresql
    else
        echo "PostgreSQL tools present: $(psql --version)"
    fi

    if ! PG_VERSION="$(pg_cluster_version)"; then
        # The server package is installed but no cluster exists (e.g. created with
        # create_main_cluster=false): create one for the newest installed server.
        PG_VERSION=""
        for bin in /usr/lib/postgresql/*/bin/postgres; do
            [[ -x "$bin" ]] && PG_VERSION="$(basename "$(dirname "$(dirname "$bin")")")"
        done
        [[ -n "$PG_VERSION" ]] || die "no PostgreSQL server found under /usr/lib/postgresql"
        echo "creating PostgreSQL cluster $PG_VERSION/main"
        as_root pg_createcluster "$PG_VERSION" main
    fi
    echo "using PostgreSQL cluster $PG_VERSION/main"

    # -----------------------------------------------------------------------
    section "PostgreSQL: start on $PG_HOST:$PG_PORT"
    if pg_ready; then
        echo "PostgreSQL is already accepting connections on $PG_HOST:$PG_PORT"
    else
        echo "PostgreSQL is not accepting connections; starting cluster $PG_VERSION/main"
        as_root pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main start ||
            warn "pg_ctlcluster start exited non-zero; waiting for readiness anyway"
    fi

    deadline=$((SECONDS + 60))
    until pg_ready; do
        if ((SECONDS >= deadline)); then
            pg_isready -h "$PG_HOST" -p "$PG_PORT" || true
            log="/var/log/postgresql/postgresql-$PG_VERSION-main.log"
            if [[ -r "$log" ]]; then
                echo "--- last lines of $log ---" >&2
                tail -n 40 "$log" >&2 || true
            fi
            die "PostgreSQL did not accept connections on $PG_HOST:$PG_PORT within 60 s"
        fi
        sleep 1
    done
    echo "PostgreSQL is ready on $PG_HOST:$PG_PORT"

    # -----------------------------------------------------------------------
    section "PostgreSQL: trust auth for user postgres"
    if pg_query 'select 1' >/dev/null 2>&1; then
        echo "psql -h $PG_HOST -U postgres connects without a password"
    else
        echo "psql -h $PG_HOST -U postgres was refused; switching local connections to trust auth"
        hba="/etc/postgresql/$PG_VERSION/main/pg_hba.conf"
        [[ -f "$hba" ]] || die "pg_hba.conf not found at $hba"
        marker="# cchc .ci/run: trust local connections (CI only)"
        if ! grep -qxF "$marker" "$hba"; then
            as_root cp "$hba" "$hba.cchc-ci.bak"
            tmp="$(mktemp)"
            {
                echo "$marker"
                echo "local   all   all                  trust"
                echo "host    all   all   127.0.0.1/32   trust"
                echo "host    all   all   ::1/128        trust"
                echo
                cat "$hba"
            } >"$tmp"
            # cp onto the existing file keeps its owner and mode.
            as_root cp "$tmp" "$hba"
            rm -f "$tmp"
        fi
        as_root pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main reload
        sleep 1
        if ! pg_query 'select 1' >/dev/null; then
            die "psql -h $PG_HOST -U postgres still fails after setting trust auth in $hba"
        fi
        echo "trust auth enabled in $hba (backup: $hba.cchc-ci.bak)"
    fi
    pg_query 'select version()'
}
