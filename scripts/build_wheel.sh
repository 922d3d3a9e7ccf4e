#!/usr/bin/env bash
# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Build the addon's wheel, odoo-addon-flitstack_migration, into dist/
# (git-ignored), the OCA way: whool (flitstack_migration/pyproject.toml) reads
# the version (18.0.x.y.z, plus a .postN-style suffix counting the commits
# since the manifest's version last changed) and the Python dependencies
# (external_dependencies, and odoo==18.0.*) from the manifest.
#
# whool is installed by scripts/setup.sh (requirements-dev.txt) and used from
# there (no build isolation, so nothing is downloaded). Prints the wheel's path.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

"$SCRIPTS_DIR/setup.sh" >&2
mkdir -p dist
rm -f dist/odoo_addon_"$ADDON"-*.whl
"$PYTHON" -m pip wheel --disable-pip-version-check --quiet --no-build-isolation \
    --no-deps --wheel-dir dist "./$ADDON" >&2
wheel="$(ls dist/odoo_addon_"$ADDON"-*.whl)"
log "built $wheel"
echo "$wheel"
