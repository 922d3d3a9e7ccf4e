#!/usr/bin/env bash
# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Benchmark: run tools/bench_tcf.py against a fresh throwaway database.
#
#   scripts/bench.sh [benchmark arguments]   e.g. --customers 10000 --jobs 30000
#
# Steps: scripts/setup.sh; start the project cluster; create a database with
# a random name and install flitstack_migration into it (no demo data); run
#   python3 tools/bench_tcf.py --database DB --config .odoo-data/bench.conf ARGS
# then drop the database and stop the cluster (KEEP_DB=1 keeps the database).
# Odoo's log goes to .odoo-data/bench.log when the script uses the config.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

BENCH="${BENCH:-tools/bench_tcf.py}"
"$SCRIPTS_DIR/setup.sh"
[[ -f "$BENCH" ]] || die "$BENCH not found"

cleanup_on_exit

start_cluster
DB="$(random_db_name flitstack_bench)"
CONF="$(write_conf bench "db_name=$DB" "dbfilter=^$DB\$" "max_cron_threads=0" \
    "logfile=$ODOO_DATA/bench.log")"
WITH_OCA_ADDONS=1 install_addon "$CONF" "$DB" "$ODOO_DATA/bench-install.log"
say_kept bench

: >"$ODOO_DATA/bench.log"
log "running $BENCH $*"
rc=0
ODOO_RC="$CONF" "$PYTHON" "$BENCH" --database "$DB" --config "$CONF" "$@" || rc=$?
[[ $rc -eq 0 ]] || die "$BENCH failed (exit code $rc)"
