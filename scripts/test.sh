#!/usr/bin/env bash
# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Run the addon's tests against a fresh throwaway database.
#
#   scripts/test.sh [pytest arguments]      e.g. scripts/test.sh -k reader -x
#
# Steps: scripts/setup.sh; start the project cluster (scripts/pg.sh), unless
# it already runs; create a database with a random name and install
# flitstack_migration into it without demo data (failing on any ERROR or
# CRITICAL line in the install log); run the tests with pytest-odoo; drop
# the database and stop the cluster again (also on failure or Ctrl-C).
#
# Logs: .odoo-data/install.log (install step), .odoo-data/test.log (Odoo's
# log while the tests run), .odoo-data/pytest.out (pytest's output). A browser
# test (tour) that fails leaves Odoo's screenshot of the page in
# .odoo-data/screenshots/DATABASE/screenshots/ (Odoo's screenshots option).
# Environment:
#   KEEP_DB=1            keep the database afterwards (its name is printed);
#   TEST_DB=NAME         use (and keep) database NAME instead of a fresh one:
#                        created and installed when missing, else the addon is
#                        upgraded in it (-u), which saves the ~1 min install
#                        of the dependencies when iterating locally;
#   ODOO_TEST_LOG_LEVEL  level of .odoo-data/test.log (default info);
#   TEST_WORKERS=N       run the tests in N processes (pytest-xdist), each on
#                        its own copy of the database (pytest-odoo makes it with
#                        `createdb -T`) and its own HTTP port. Default: 2 for
#                        the whole suite (the machines have two cores), 1 when
#                        test files are named on the command line. Tests are
#                        handed out a class at a time (--dist loadscope), so a
#                        class's setUpClass runs once.
#
# Browser tests (HttpCase: the tours of tests/test_tours.py) need Odoo's HTTP
# server, which pytest-odoo starts (on a free port of 127.0.0.1, in a thread of
# the pytest process) only with --odoo-http, and otherwise skips them: it is
# always passed (and -rs: the reason of any skipped test is in the summary).
# pytest-odoo starts it the way odoo-bin does, which would also
# cap the pytest process's address space at Odoo's limit_memory_hard (2.5 GB,
# too little for a process with many threads): the test configuration sets
# limit_memory_hard=0. Chromium is started by Odoo, outside that limit anyway.
#
# pytest-odoo registers itself through its pytest11 entry point (as "odoo"):
# passing `-p pytest_odoo` on top of that makes pytest fail with "Plugin
# already registered under a different name", so it is only passed when
# PYTEST_DISABLE_PLUGIN_AUTOLOAD is set.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

T0=$(date +%s)
"$SCRIPTS_DIR/setup.sh"
mkdir -p "$ODOO_DATA"

cleanup_on_exit

start_cluster
pick_database TEST_DB flitstack_test
CONF="$(write_conf test "db_name=$DB" "dbfilter=^$DB\$" "max_cron_threads=0" \
    "logfile=$ODOO_DATA/test.log" "screenshots=$ODOO_DATA/screenshots" \
    "limit_memory_hard=0")"
WITH_OCA_ADDONS=1 install_addon "$CONF" "$DB" "$ODOO_DATA/install.log" "$INSTALL_MODE"
say_kept test
log "set-up (dependencies check, cluster, database, install) took $(($(date +%s) - T0))s"

# Default test location, unless a path is among the arguments.
targets=("$ADDON/tests")
for arg in "$@"; do
    if [[ "$arg" != -* && -e "${arg%%::*}" ]]; then
        targets=()
        break
    fi
done
workers="${TEST_WORKERS:-}"
if [[ -z "$workers" ]]; then
    workers=1
    [[ ${#targets[@]} -eq 0 ]] || workers=2
fi
[[ "$workers" =~ ^[0-9]+$ ]] || die "TEST_WORKERS: a number"
xdist=()
if [[ "$workers" -gt 1 ]]; then
    # Each worker's database is a copy of $DB (nothing may stay connected to
    # it), with a file store of its own (scripts/pytest_worker_filestore.py).
    xdist=(-n "$workers" --dist loadscope -p pytest_worker_filestore)
    export PYTHONPATH="$SCRIPTS_DIR${PYTHONPATH:+:$PYTHONPATH}"
    log "$workers test processes (TEST_WORKERS), a database copy each"
fi
plugin=()
if [[ -n "${PYTEST_DISABLE_PLUGIN_AUTOLOAD:-}" ]]; then
    plugin=(-p pytest_odoo)
fi
color=()
if [[ -t 1 ]]; then
    color=(--color=yes)
fi

: >"$ODOO_DATA/test.log"
log "running pytest (Odoo's log: .odoo-data/test.log)"
set +e
"$PYTHON" -m pytest "${plugin[@]}" "${color[@]}" \
    --odoo-config="$CONF" --odoo-database="$DB" --odoo-http -rs \
    --odoo-log-level="${ODOO_TEST_LOG_LEVEL:-info}" "${xdist[@]}" \
    "${targets[@]}" "$@" 2>&1 | tee "$ODOO_DATA/pytest.out"
rc=${PIPESTATUS[0]}
set -e

# The last non-empty line pytest printed, without colours.
summary="$(sed -e 's/\x1b\[[0-9;]*m//g' "$ODOO_DATA/pytest.out" | grep -v '^[[:space:]]*$' \
    | tail -n 1)"

drop_db_unless_kept
trap - EXIT

if [[ $rc -eq 0 ]]; then
    exit 0
fi
case $rc in
    1) why="some tests failed" ;;
    2) why="interrupted" ;;
    3) why="internal error in pytest" ;;
    4) why="pytest usage error" ;;
    5) why="no tests were collected" ;;
    *) why="pytest exited with code $rc" ;;
esac
if [[ "${CI:-}" == true ]]; then
    log "last lines of .odoo-data/test.log:"
    tail -n 60 "$ODOO_DATA/test.log" >&2 || true
fi
log "FAILED: $why (exit code $rc)"
# Keep pytest's summary line the last line printed.
echo "$summary"
exit "$rc"
