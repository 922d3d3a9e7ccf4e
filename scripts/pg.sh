#!/usr/bin/env bash
# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# A throwaway, project-local PostgreSQL cluster for tests, demo and benchmarks.
#
#   scripts/pg.sh start    initialise (first time) and start the cluster
#   scripts/pg.sh stop     stop it (fast shutdown); safe to call when stopped
#   scripts/pg.sh status   print whether it runs; exit 0 if running, else 3
#   scripts/pg.sh env      print `export PGHOST=... PGPORT=... PGUSER=...`
#                          lines, for: eval "$(scripts/pg.sh env)"
#   scripts/pg.sh psql ... run psql against the cluster
#
# Everything lives in .pgdata/ at the repository root (git-ignored):
#   .pgdata/data/          the cluster (initdb --auth=trust -U flitstack)
#   .pgdata/run/           its unix socket
#   .pgdata/port           the TCP port chosen at start
#   .pgdata/postgres.log   the server log
# The server listens on 127.0.0.1 only, on a free port the OS hands out at
# each start, never on a fixed shared port, and never as a system service.
# Durability is switched off (fsync, synchronous_commit, full_page_writes):
# after a crash of the machine, delete .pgdata/ and start again.
#
# PostgreSQL refuses to run as root: when this script runs as root, initdb,
# pg_ctl and the server run as the unprivileged `postgres` user (override
# with PG_RUN_AS), .pgdata/ is chowned to that user and the folders above it
# are made traversable (o+x) when they are not.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_ROOT="$REPO_ROOT/.pgdata"
PG_DATA="$PG_ROOT/data"
PG_RUN="$PG_ROOT/run"
PG_PORT_FILE="$PG_ROOT/port"
PG_LOG="$PG_ROOT/postgres.log"
PG_SUPERUSER=flitstack
RUN_AS="${PG_RUN_AS:-postgres}"

BINDIR="$(pg_bindir)"

need_bindir() {
    [[ -n "$BINDIR" ]] || die "PostgreSQL server binaries (initdb, pg_ctl) not found; run scripts/setup.sh"
}

is_root() { [[ "$(id -u)" == 0 ]]; }

# Run a command as the cluster owner, from a folder that user can read.
as_owner() {
    if is_root; then
        (cd "$PG_ROOT" && runuser -u "$RUN_AS" -- "$@")
    else
        (cd "$PG_ROOT" && "$@")
    fi
}

# As root: give .pgdata/ to the unprivileged user and make sure that user can
# reach it (search permission only on the folders above it).
prepare_ownership() {
    mkdir -p "$PG_ROOT"
    chmod 700 "$PG_ROOT"
    is_root || return 0
    id -u "$RUN_AS" >/dev/null 2>&1 \
        || die "user '$RUN_AS' does not exist (install the Debian postgresql package, or set PG_RUN_AS)"
    command -v runuser >/dev/null || die "runuser not found (Debian package util-linux)"
    if [[ "$(stat -c %U "$PG_ROOT")" != "$RUN_AS" ]] \
        || { [[ -d "$PG_DATA" ]] && [[ "$(stat -c %U "$PG_DATA")" != "$RUN_AS" ]]; }; then
        chown -R "$RUN_AS": "$PG_ROOT"
    fi
    # From / down, so that each folder is checked once its parents are fine.
    local dir="$PG_ROOT" parents=()
    while [[ "$dir" != / ]]; do
        dir="$(dirname "$dir")"
        parents=("$dir" "${parents[@]}")
    done
    for dir in "${parents[@]}"; do
        if ! runuser -u "$RUN_AS" -- test -x "$dir" 2>/dev/null; then
            log "making $dir traversable (o+x) so that user '$RUN_AS' can reach .pgdata/"
            chmod o+x "$dir"
        fi
    done
}

init_cluster() {
    [[ -f "$PG_DATA/PG_VERSION" ]] && return 0
    log "creating the cluster in .pgdata/data (superuser $PG_SUPERUSER, trust auth)"
    as_owner "$BINDIR/initdb" -D "$PG_DATA" --auth=trust -U "$PG_SUPERUSER" \
        -E UTF8 --locale=C --no-sync >"$PG_ROOT/initdb.log" 2>&1 \
        || { cat "$PG_ROOT/initdb.log" >&2; die "initdb failed"; }
    as_owner tee -a "$PG_DATA/postgresql.conf" >/dev/null <<'EOF'

# --- flitstack: throwaway cluster, speed over durability ---
listen_addresses = '127.0.0.1'
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
max_wal_size = 2GB
checkpoint_timeout = 30min
log_min_messages = warning
# port and unix socket folder, rewritten by scripts/pg.sh at each start
include_if_exists = 'flitstack-runtime.conf'
EOF
}

free_port() {
    "$PYTHON" - <<'EOF'
import socket

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
    sock.bind(("127.0.0.1", 0))
    print(sock.getsockname()[1])
EOF
}

is_running() {
    [[ -n "$BINDIR" && -f "$PG_DATA/PG_VERSION" ]] || return 1
    as_owner "$BINDIR/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

# The port of the running server, from its lock file (4th line).
running_port() {
    sed -n 4p "$PG_DATA/postmaster.pid" 2>/dev/null
}

cmd_start() {
    need_bindir
    prepare_ownership
    if is_running; then
        running_port >"$PG_PORT_FILE"
        log "already running on 127.0.0.1:$(cat "$PG_PORT_FILE")"
        return 0
    fi
    init_cluster
    as_owner mkdir -p "$PG_RUN"
    local attempt port socket_dirs
    for attempt in 1 2 3 4 5; do
        port="$(free_port)"
        # A unix socket path is limited to 107 bytes: skip the socket when
        # the repository lies too deep (everything connects over TCP anyway).
        socket_dirs="$PG_RUN"
        if ((${#PG_RUN} + 20 > 107)); then
            socket_dirs=""
        fi
        printf "port = %s\nunix_socket_directories = '%s'\n" "$port" "$socket_dirs" \
            | as_owner tee "$PG_DATA/flitstack-runtime.conf" >/dev/null
        if as_owner "$BINDIR/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start \
            >"$PG_ROOT/pg_ctl.log" 2>&1; then
            echo "$port" >"$PG_PORT_FILE"
            log "started on 127.0.0.1:$port (data: .pgdata/data, log: .pgdata/postgres.log)"
            return 0
        fi
        if ! grep -q "already in use" "$PG_LOG" 2>/dev/null; then
            break
        fi
        log "port $port was taken meanwhile; trying another one (attempt $attempt)"
    done
    cat "$PG_ROOT/pg_ctl.log" >&2 || true
    tail -n 20 "$PG_LOG" >&2 || true
    die "PostgreSQL did not start"
}

cmd_stop() {
    if ! is_running; then
        rm -f "$PG_PORT_FILE"
        log "not running"
        return 0
    fi
    as_owner "$BINDIR/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null
    rm -f "$PG_PORT_FILE"
    log "stopped"
}

cmd_status() {
    if is_running; then
        echo "running on 127.0.0.1:$(running_port) (data: .pgdata/data)"
        return 0
    fi
    if [[ -f "$PG_DATA/PG_VERSION" ]]; then
        echo "stopped (data: .pgdata/data)"
    else
        echo "no cluster yet (scripts/pg.sh start creates it)"
    fi
    return 3
}

cmd_env() {
    is_running || die "the cluster is not running (scripts/pg.sh start)"
    echo "export PGHOST=127.0.0.1"
    echo "export PGPORT=$(running_port)"
    echo "export PGUSER=$PG_SUPERUSER"
    echo "export PGDATABASE=postgres"
    echo "export PG_BINDIR=$BINDIR"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    env) cmd_env ;;
    psql)
        shift
        load_pg_env
        exec "$BINDIR/psql" "$@"
        ;;
    *)
        echo "usage: $0 start|stop|status|env|psql [args]" >&2
        exit 2
        ;;
esac
