#!/usr/bin/env bash
# Run the addon's tests with Odoo's own test runner, as OCA's CI does:
#
#   odoo-bin -d DB -i flitstack_migration --test-enable \
#       --test-tags /flitstack_migration --stop-after-init
#
# on a fresh database of the project cluster (scripts/pg.sh, started and
# stopped again like scripts/test.sh does). The tests run right after the
# install (at_install) and after every module is loaded (post_install). The
# run fails when Odoo exits non-zero, when its log has any ERROR or CRITICAL
# line (a failed or erroring test logs one), or when it ran no test.
# make test (pytest-odoo) stays the everyday driver; this one proves that the
# addon's tests also pass the way Odoo and OCA run them. Not part of CI.
#
# Log: .odoo-data/test-odoo.log. Environment: KEEP_DB=1 keeps the database.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

T0=$(date +%s)
"$SCRIPTS_DIR/setup.sh"
mkdir -p "$ODOO_DATA"

DB=""
cleanup() {
    if [[ -n "$DB" && "${KEEP_DB:-0}" != 1 ]]; then
        drop_db "$DB"
    fi
    DB=""
    stop_cluster_if_started
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_cluster
DB="$(random_db_name flitstack_odootest)"
LOG="$ODOO_DATA/test-odoo.log"
CONF="$(write_conf test-odoo "db_name=$DB" "dbfilter=^$DB\$" "max_cron_threads=0")"
: >"$LOG"
log "installing $ADDON into $DB and running its tests (log: ${LOG#"$REPO_ROOT"/})"
rc=0
"$PYTHON" "$SCRIPTS_DIR/odoo" -c "$CONF" -d "$DB" -i "$ADDON" --without-demo=all \
    --test-enable --test-tags "/$ADDON" --stop-after-init --logfile="$LOG" \
    >>"$LOG" 2>&1 || rc=$?
elapsed=$(($(date +%s) - T0))

errors="$(grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$LOG" || true)"
# Odoo's closing count, e.g. "0 failed, 0 error(s) of 201 tests when loading
# database 'x'", and the per-module line "flitstack_migration: 201 tests ...".
counts="$(grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$LOG" | tail -n 1 || true)"
module_line="$(grep -oE "$ADDON: [0-9]+ tests [0-9.]+s [0-9]+ queries" "$LOG" | tail -n 1 || true)"
ran="$(sed -nE 's/.* of ([0-9]+) tests/\1/p' <<<"$counts")"

status=0
if [[ $rc -ne 0 ]]; then
    log "odoo exited with code $rc"
    status=1
fi
if [[ -n "$errors" ]]; then
    log "ERROR/CRITICAL lines in the log:"
    printf '%s\n' "$errors" | head -n 60 >&2
    status=1
fi
if [[ -z "$ran" || "$ran" == 0 ]]; then
    log "no test ran (no test count in the log)"
    status=1
fi
[[ -n "$module_line" ]] && log "$module_line"
log "took ${elapsed}s in all (set-up, install, tests)"
if [[ $status -ne 0 ]]; then
    log "last lines of ${LOG#"$REPO_ROOT"/}:"
    tail -n 30 "$LOG" >&2
    log "FAILED: ${counts:-no test count}"
    exit 1
fi
failed="$(sed -nE 's/^([0-9]+) failed, ([0-9]+) error.*/\1 \2/p' <<<"$counts")"
read -r n_failed n_errors <<<"$failed"
echo "$((ran - n_failed - n_errors)) passed, $((n_failed + n_errors)) failed"
