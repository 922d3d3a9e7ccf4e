#!/usr/bin/env bash
# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Run a generated export through a real Odoo server's cron (tools/cron_run.py)
# against a fresh throwaway database.
#
#   scripts/cron_run.sh [arguments]     e.g. --customers 10000 --jobs 30000
#   scripts/cron_run.sh --customers 300 --jobs 1000 --kills 4
#
# Steps: scripts/setup.sh; start the project cluster; create a database with
# a random name and install flitstack_migration into it (no demo data); run
#   python3 tools/cron_run.py --database DB --config .odoo-data/cron-run.conf ARGS
# then drop the database and stop the cluster (KEEP_DB=1 keeps the database;
# CRON_DB=NAME uses and keeps database NAME, installed the first time, only
# upgraded afterwards, which saves the install when running it again).
# The server's log is .odoo-data/cron-run-server.log.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

TOOL=tools/cron_run.py
"$SCRIPTS_DIR/setup.sh"

cleanup_on_exit

start_cluster
pick_database CRON_DB flitstack_cron
CONF="$(write_conf cron-run "db_name=$DB" "dbfilter=^$DB\$" "max_cron_threads=0" \
    "logfile=$ODOO_DATA/cron-run.log")"
install_addon "$CONF" "$DB" "$ODOO_DATA/cron-run-install.log" "$INSTALL_MODE"
say_kept cron-run
log "running $TOOL $*"
rc=0
ODOO_RC="$CONF" "$PYTHON" "$TOOL" --database "$DB" --config "$CONF" "$@" || rc=$?
[[ $rc -eq 0 ]] || die "$TOOL failed (exit code $rc)"
