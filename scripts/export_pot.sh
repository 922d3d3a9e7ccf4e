#!/usr/bin/env bash
# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Regenerate flitstack_migration/i18n/flitstack_migration.pot, the template
# of the addon's translatable strings, from the installed addon, as OCA's
# "makepot" does: install it into a database of the project cluster, then
#
#   odoo-bin -d DB --i18n-export=flitstack_migration.pot --modules=flitstack_migration
#
# (no --language: a .pot template). One command: scripts/export_pot.sh
# (or make pot). TEST_DB=NAME reuses (and upgrades) that database instead of
# a fresh one, as scripts/test.sh does. Log: .odoo-data/pot.log.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

"$SCRIPTS_DIR/setup.sh"
mkdir -p "$ODOO_DATA"

OUT="$(mktemp --suffix=.pot)"
cleanup() {
    drop_db_unless_kept
    rm -f "$OUT"
}
cleanup_on_exit cleanup

start_cluster
pick_database TEST_DB flitstack_pot
CONF="$(write_conf pot "db_name=$DB" "dbfilter=^$DB\$" "max_cron_threads=0")"
install_addon "$CONF" "$DB" "$ODOO_DATA/pot.log" "$INSTALL_MODE"
"$PYTHON" "$SCRIPTS_DIR/odoo" -c "$CONF" -d "$DB" --i18n-export="$OUT" \
    --modules="$ADDON" --stop-after-init --logfile="$ODOO_DATA/pot.log" \
    >>"$ODOO_DATA/pot.log" 2>&1 || die "export failed (log: .odoo-data/pot.log)"
[[ -s "$OUT" ]] || die "empty export (log: .odoo-data/pot.log)"
mkdir -p "$ADDON/i18n"
target="$ADDON/i18n/$ADDON.pot"
# Without the creation and revision dates (as OCA's makepot does), so that the
# file only changes when the strings do.
grep -vE '^"(POT-Creation-Date|PO-Revision-Date): ' "$OUT" >"$target"
log "written $target ($(grep -c '^msgid ' "$target") strings)"
