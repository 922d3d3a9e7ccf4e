# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Shared helpers for the scripts in this folder. Source it, do not run it.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
SCRIPTS_DIR="$REPO_ROOT/scripts"
PYTHON="${PYTHON:-python3}"
ODOO_DATA="$REPO_ROOT/.odoo-data"
ADDON=flitstack_migration
# The OCA addons of requirements-oca.txt (queue_job), installed by setup.sh
# outside the repository; scripts/odoo_conf.py puts them on the addons path.
export FLITSTACK_OCA_ADDONS="${FLITSTACK_OCA_ADDONS:-$HOME/.cache/flitstack/oca-addons}"

log() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Print the directory holding PostgreSQL's server binaries (initdb, pg_ctl),
# newest Debian major version first, else whatever is on PATH. Empty if none.
pg_bindir() {
    if [[ -n "${PG_BINDIR:-}" && -x "$PG_BINDIR/initdb" ]]; then
        echo "$PG_BINDIR"
        return 0
    fi
    local d
    d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" ]]; then
        echo "$d"
        return 0
    fi
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        dirname "$(command -v initdb)"
    fi
}

# Export PGHOST / PGPORT / PGUSER of the project cluster (must be running).
load_pg_env() {
    eval "$("$SCRIPTS_DIR/pg.sh" env)"
}

# Start the project cluster unless it is already running, and arrange for it
# to be stopped when the calling script exits (only if we started it).
PG_STARTED_HERE=0
start_cluster() {
    if "$SCRIPTS_DIR/pg.sh" status >/dev/null 2>&1; then
        log "PostgreSQL cluster already running; it will be left running"
    else
        "$SCRIPTS_DIR/pg.sh" start >&2
        PG_STARTED_HERE=1
    fi
    load_pg_env
}
stop_cluster_if_started() {
    if [[ "$PG_STARTED_HERE" == 1 ]]; then
        "$SCRIPTS_DIR/pg.sh" stop >/dev/null 2>&1 \
            || log "WARNING: could not stop the PostgreSQL cluster (scripts/pg.sh stop)"
        PG_STARTED_HERE=0
    fi
}

# Odoo's addons path: the addons shipped inside the odoo package, the sibling
# addons/ folder of a git checkout when there is one, then this repository.
addons_path() {
    "$PYTHON" "$SCRIPTS_DIR/odoo_conf.py" --print-addons-path
}

# write_conf NAME [key=value ...] -> prints the path of .odoo-data/NAME.conf
write_conf() {
    local name="$1"
    shift
    "$PYTHON" "$SCRIPTS_DIR/odoo_conf.py" --output "$ODOO_DATA/$name.conf" \
        --port "$PGPORT" "$@"
}

# Print a random database name with the given prefix.
random_db_name() {
    echo "${1}_$(date +%Y%m%d_%H%M%S)_$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
}

# drop_db NAME: drop the database (if any) and its filestore.
drop_db() {
    local db="$1" bindir
    bindir="$(pg_bindir)"
    "$bindir/dropdb" --if-exists --force -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" \
        "$db" >/dev/null 2>&1 || log "WARNING: could not drop database $db"
    rm -rf "$ODOO_DATA/data/filestore/$db"
}

# demo_option: Odoo's option for demo data: none (--without-demo=all), or,
# with ODOO_DEMO=1, the demo data of every module installed (Odoo's own test
# suites expect it: scripts/odoo_core_tests.sh sets it).
demo_option() {
    if [[ "${ODOO_DEMO:-}" == 1 ]]; then
        echo "--without-demo="
    else
        echo "--without-demo=all"
    fi
}

# install_addon CONF DB LOGFILE [update]: create DB (Odoo creates a missing
# database itself) and install the addon without demo data (see demo_option);
# with "update", also upgrade the addon if the database has it already. Odoo
# does not always exit non-zero when a module fails to install, so the log is
# checked too.
install_addon() {
    local conf="$1" db="$2" logfile="$3" start end rc=0 errors
    local modules="$ADDON" done_verb=installed
    # the OCA addons present, installed beside it (queue_job: its tests run)
    [[ -z "${WITH_OCA_ADDONS:-}" ]] || modules+="$(oca_modules)"
    local modes=(-i "$modules")
    if [[ "${4:-}" == update ]]; then
        modes+=(-u "$ADDON")
        done_verb="installed or upgraded"
    fi
    : >"$logfile"
    log "installing $ADDON into database $db (log: ${logfile#"$REPO_ROOT"/})"
    start=$(date +%s)
    "$PYTHON" "$SCRIPTS_DIR/odoo" -c "$conf" -d "$db" "${modes[@]}" \
        "$(demo_option)" --stop-after-init --logfile="$logfile" \
        >>"$logfile" 2>&1 || rc=$?
    end=$(date +%s)
    errors="$(grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$logfile" || true)"
    if [[ $rc -ne 0 || -n "$errors" ]]; then
        log "install of $ADDON FAILED (exit code $rc) after $((end - start))s"
        if [[ -n "$errors" ]]; then
            printf '%s\n' "$errors" | head -n 40 >&2
        fi
        log "last lines of ${logfile#"$REPO_ROOT"/}:"
        tail -n 40 "$logfile" >&2
        return 1
    fi
    log "$done_verb $ADDON in $((end - start))s" \
        "($(grep -cE '^[0-9-]+ [0-9:,]+ [0-9]+ WARNING ' "$logfile" || true) warnings in the log)"
}

# oca_modules: ",name" for each addon of requirements-oca.txt that setup.sh
# installed (an addon missing on this machine is left out).
oca_modules() {
    local line name
    while read -r line; do
        line="${line%%#*}"
        [[ "$line" =~ ^odoo-addon-([A-Za-z0-9_]+) ]] || continue
        name="${BASH_REMATCH[1]}"
        [[ -f "$FLITSTACK_OCA_ADDONS/odoo/addons/$name/__manifest__.py" ]] \
            && printf ',%s' "$name"
    done <"$REPO_ROOT/requirements-oca.txt"
    return 0
}

# pick_database VAR PREFIX: the database a driver script works on, in DB. The
# one the environment variable VAR names (TEST_DB, CRON_DB...), kept afterwards
# and upgraded rather than installed (KEEP_DB=1, INSTALL_MODE=update), else a
# fresh one named PREFIX_<date>_<random>.
DB=""
INSTALL_MODE=""
pick_database() {
    local var="$1" prefix="$2" name
    name="${!var:-}"
    if [[ -n "$name" ]]; then
        [[ "$name" =~ ^[A-Za-z0-9_-]+$ ]] || die "$var: letters, digits, _ and - only"
        DB="$name"
        KEEP_DB=1
        INSTALL_MODE=update
    else
        DB="$(random_db_name "$prefix")"
        INSTALL_MODE=""
    fi
}

# drop_db_unless_kept: drop DB (unless KEEP_DB=1), then stop the cluster if
# this script started it. Safe to call twice.
drop_db_unless_kept() {
    if [[ -n "$DB" && "${KEEP_DB:-0}" != 1 ]]; then
        drop_db "$DB"
    fi
    DB=""
    stop_cluster_if_started
}

# cleanup_on_exit [FUNCTION]: call FUNCTION (default drop_db_unless_kept) when
# the script ends, also on Ctrl-C or a kill.
cleanup_on_exit() {
    # shellcheck disable=SC2064  # the function's name, expanded now
    trap "${1:-drop_db_unless_kept}" EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# say_kept NAME: with KEEP_DB=1, say which database is kept and its
# configuration (.odoo-data/NAME.conf).
say_kept() {
    if [[ "${KEEP_DB:-0}" == 1 ]]; then
        log "KEEP_DB=1: database $DB will be kept (config: .odoo-data/$1.conf)"
    fi
}
