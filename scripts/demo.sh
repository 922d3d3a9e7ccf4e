#!/usr/bin/env bash
# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Demo: migrate the sample exports of the file platforms (The Customer
# Factor, Contractor+, The Service Program) into a fresh Odoo database, print
# each reconciliation summary, then serve Odoo on http://127.0.0.1:8069
# (login admin / admin) until Ctrl-C.
#
# Steps: scripts/setup.sh; start the project cluster; (re)create the database
# flitstack_demo with flitstack_migration installed (no demo data); run
#   odoo flitstack migrate --platform the_customer_factor
#        --input flitstack_migration/static/samples/the_customer_factor_sample.zip
#        --report reports/demo_report.json --pdf reports/demo_reconciliation.pdf
# then set the company up to invoice as an administrator would before
# migrating invoices and payments (Odoo's generic chart of accounts, with its
# bank and cash journals, and the sales taxes the samples charge: 8.25% and 6%
# for Contractor+, 7.25% and 7.5% for The Service Program), and migrate the
# Contractor+ and The Service Program samples the same way (reports
# reports/demo_contractor_plus.json, reports/demo_the_service_program.json);
# then serve Odoo in the foreground. Ctrl-C stops Odoo and the cluster.
# JobTread and ClientTether are read from their APIs: see the README for
# their emulators.
# The reconciliation is printed to PDF on the way: the demo stops if Odoo says
# wkhtmltopdf is missing (scripts/setup.sh installs it) or the PDF is not one.
#
# Environment:
#   DEMO_NO_SERVE=1    stop after the migration summary (non-interactive check)
#   DEMO_HTTP_PORT     HTTP port (default 8069), always on 127.0.0.1
#
# Odoo 18's command line is `odoo-bin [--addons-path=...] <command> [args]`
# (odoo/cli/command.py): the only option read before a command name is
# `--addons-path=...`, as one argument with "=", and it is what lets Odoo
# discover commands defined by addons outside its default addons path, such
# as `flitstack` (an addon's cli/ folder is imported during that discovery).
# Every other option (-c, -d, ...) goes after the command name and is parsed
# by the command itself. ODOO_RC is also set to the same configuration file,
# which Odoo reads when it is imported, as a second way to find the addon.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

DB=flitstack_demo
HTTP_PORT="${DEMO_HTTP_PORT:-8069}"
SAMPLE="$ADDON/static/samples/the_customer_factor_sample.zip"
REPORT="reports/demo_report.json"
PDF="reports/demo_reconciliation.pdf"

"$SCRIPTS_DIR/setup.sh"
[[ -f "$SAMPLE" ]] || die "sample export $SAMPLE not found"
if [[ "${DEMO_NO_SERVE:-0}" != 1 ]]; then
    "$PYTHON" - "$HTTP_PORT" <<'EOF' || die "127.0.0.1:$HTTP_PORT is in use (set DEMO_HTTP_PORT)"
import socket
import sys

with socket.socket() as sock:
    sock.bind(("127.0.0.1", int(sys.argv[1])))
EOF
fi

trap stop_cluster_if_started EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
start_cluster

# Serving configuration (log to the terminal) and one for the command line
# run (log to a file, so that the summary stays readable).
CONF="$(write_conf demo "db_name=$DB" "dbfilter=^$DB\$" "list_db=False" \
    "http_port=$HTTP_PORT" "max_cron_threads=1")"
CLI_CONF="$(write_conf demo-cli "db_name=$DB" "dbfilter=^$DB\$" "list_db=False" \
    "max_cron_threads=0" "logfile=$ODOO_DATA/demo-migrate.log")"

log "(re)creating database $DB"
drop_db "$DB"
install_addon "$CONF" "$DB" "$ODOO_DATA/demo-install.log"
if grep -q "You need Wkhtmltopdf" "$ODOO_DATA/demo-install.log"; then
    die "Odoo finds no wkhtmltopdf, so Print gives no PDF: run scripts/setup.sh"
fi

mkdir -p "$(dirname "$REPORT")"
rm -f "$REPORT" "$PDF"
: >"$ODOO_DATA/demo-migrate.log"
log "migrating $SAMPLE (Odoo's log: .odoo-data/demo-migrate.log)"
rc=0
ODOO_RC="$CLI_CONF" "$PYTHON" "$SCRIPTS_DIR/odoo" --addons-path="$(addons_path)" \
    flitstack migrate -c "$CLI_CONF" -d "$DB" \
    --platform the_customer_factor --input "$SAMPLE" --report "$REPORT" \
    --pdf "$PDF" || rc=$?
if [[ $rc -ne 0 ]]; then
    log "last lines of .odoo-data/demo-migrate.log:"
    tail -n 30 "$ODOO_DATA/demo-migrate.log" >&2 || true
    die "the migration failed (exit code $rc)"
fi
log "report written to $REPORT"
[[ "$(head -c 5 "$PDF" 2>/dev/null)" == "%PDF-" ]] \
    || die "the reconciliation did not print to PDF ($PDF): see .odoo-data/demo-migrate.log"
log "reconciliation printed to $PDF"

log "setting the company up to invoice (chart of accounts, sales taxes)"
rc=0
ODOO_RC="$CLI_CONF" "$PYTHON" "$SCRIPTS_DIR/odoo" shell -c "$CLI_CONF" -d "$DB" \
    --no-http >>"$ODOO_DATA/demo-migrate.log" 2>&1 <<'EOF' || rc=$?
company = env.company
if not company.chart_template:
    env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
for rate in (8.25, 6.0, 7.25, 7.5):
    if not env["account.tax"].search_count(
        [("amount", "=", rate), ("type_tax_use", "=", "sale"), ("company_id", "=", company.id)]
    ):
        env["account.tax"].create(
            {"name": f"Sales tax {rate:g}%", "amount": rate, "amount_type": "percent",
             "type_tax_use": "sale", "company_id": company.id}
        )
env.cr.commit()
EOF
[[ $rc -eq 0 ]] || die "could not set the company up to invoice (see .odoo-data/demo-migrate.log)"
for platform in contractor_plus the_service_program; do
    sample="$ADDON/static/samples/${platform}_sample.zip"
    report="reports/demo_${platform}.json"
    log "migrating $sample"
    rc=0
    ODOO_RC="$CLI_CONF" "$PYTHON" "$SCRIPTS_DIR/odoo" --addons-path="$(addons_path)" \
        flitstack migrate -c "$CLI_CONF" -d "$DB" \
        --platform "$platform" --input "$sample" --report "$report" || rc=$?
    if [[ $rc -ne 0 ]]; then
        tail -n 30 "$ODOO_DATA/demo-migrate.log" >&2 || true
        die "the $platform migration failed (exit code $rc)"
    fi
    log "report written to $report"
done

if [[ "${DEMO_NO_SERVE:-0}" == 1 ]]; then
    log "DEMO_NO_SERVE=1: not serving; stopping the cluster"
    exit 0
fi

log "serving Odoo on http://127.0.0.1:$HTTP_PORT (login admin / admin); Ctrl-C to stop"
rc=0
"$PYTHON" "$SCRIPTS_DIR/odoo" -c "$CONF" -d "$DB" \
    --http-interface 127.0.0.1 --http-port "$HTTP_PORT" || rc=$?
# Odoo exits 0 or from SIGINT on Ctrl-C; anything else is a failure.
if [[ $rc -ne 0 && $rc -ne 130 ]]; then
    die "Odoo exited with code $rc"
fi
