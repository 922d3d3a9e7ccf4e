#!/usr/bin/env bash
# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Check the wheel of scripts/build_wheel.sh the way a user installs it:
#
#   1. build dist/odoo_addon_flitstack_migration-*.whl;
#   2. create a throwaway virtualenv with --system-site-packages (so that
#      Odoo 18 and its requirements come from the current interpreter) and
#      pip install the wheel into it (its dependencies are already there:
#      nothing is downloaded);
#   3. from outside the repository, check that odoo.addons.flitstack_migration
#      is imported from the virtualenv and that Odoo's
#      odoo.modules.module.get_module_path('flitstack_migration') resolves
#      inside it, with the same version as the manifest.
#
# With --install, also install the addon from the wheel into a scratch
# database of the project cluster, with an addons path that does not hold
# the repository (about a minute more). Not part of CI.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

INSTALL=0
[[ "${1:-}" == --install ]] && INSTALL=1

T0=$(date +%s)
wheel="$REPO_ROOT/$("$SCRIPTS_DIR/build_wheel.sh")"
VENV="$(mktemp -d -t flitstack-wheel-XXXXXX)"
DB=""
cleanup() {
    if [[ -n "$DB" ]]; then
        drop_db "$DB"
        DB=""
    fi
    stop_cluster_if_started
    rm -rf "$VENV"
}
trap cleanup EXIT

log "virtualenv with system site-packages in a temporary folder"
"$PYTHON" -m venv --system-site-packages "$VENV"
VPY="$VENV/bin/python"
# An editable Odoo (pip install -e, as scripts/setup.sh does) is found by an
# import hook that comes after the path search, so the wheel's odoo/addons/
# folder would make "odoo" a namespace package; putting the folder that holds
# the odoo package on PYTHONPATH gives the layout of a regular install.
PYTHONPATH="$(dirname "$("$PYTHON" -c 'import importlib.util as u, os
print(os.path.dirname(u.find_spec("odoo").origin))')")${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONPATH
"$VPY" -m pip install --disable-pip-version-check --quiet "$wheel" >&2

# From an empty folder, with no Odoo configuration file, so that nothing of
# the repository can be on the path.
(cd "$VENV" && ODOO_RC=/dev/null "$VPY" - "$VENV" <<'PY'
import ast
import importlib.metadata
import os
import sys

venv = os.path.realpath(sys.argv[1])

import odoo.addons.flitstack_migration as addon
from odoo.modules.module import get_module_path, initialize_sys_path

where = os.path.realpath(addon.__file__)
assert where.startswith(venv + os.sep), f"imported from {where}, not the venv"
initialize_sys_path()
path = get_module_path("flitstack_migration")
assert path and os.path.realpath(path).startswith(venv + os.sep), path
with open(os.path.join(path, "__manifest__.py"), encoding="utf-8") as handle:
    manifest = ast.literal_eval(handle.read())
installed = importlib.metadata.version("odoo-addon-flitstack_migration")
assert installed.startswith(manifest["version"]), (installed, manifest["version"])
print(f"wheel {installed}: odoo.addons.flitstack_migration and get_module_path "
      "resolve inside the virtualenv")
PY
)

if [[ $INSTALL == 1 ]]; then
    start_cluster
    DB="$(random_db_name flitstack_wheel)"
    # Odoo's own addons only: flitstack_migration must come from the wheel.
    odoo_addons="$("$PYTHON" "$SCRIPTS_DIR/odoo_conf.py" --print-addons-path \
        | tr ',' '\n' | grep -vxF "$REPO_ROOT" | paste -sd, -)"
    CONF="$(write_conf wheel "db_name=$DB" "addons_path=$odoo_addons" \
        "max_cron_threads=0")"
    LOG="$ODOO_DATA/wheel-install.log"
    : >"$LOG"
    log "installing flitstack_migration from the wheel into $DB"
    (cd "$VENV" && "$VPY" "$SCRIPTS_DIR/odoo" -c "$CONF" -d "$DB" \
        -i flitstack_migration --without-demo=all --stop-after-init \
        --logfile="$LOG") || die "install failed (log: ${LOG#"$REPO_ROOT"/})"
    if grep -qE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$LOG"; then
        grep -E ' (ERROR|CRITICAL) ' "$LOG" | head -n 20 >&2
        die "errors in ${LOG#"$REPO_ROOT"/}"
    fi
    grep -q "flitstack_migration" "$LOG" || die "the addon was not loaded"
    log "installed from the wheel into a scratch database"
fi
log "wheel check passed in $(($(date +%s) - T0))s"
