#!/usr/bin/env bash
# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# make lint: every check runs, even after one fails, and the run fails if any
# did. The tools come from requirements-dev.txt (scripts/setup.sh).
#
#   1. ruff check, ruff format --check          (.ruff.toml)
#   2. pylint + pylint-odoo, mandatory checks   (.pylintrc-mandatory) on the addon
#   3. oca-checks-odoo-module                   manifest, XML and CSV checks
#   4. README.rst / index.html up to date       (scripts/readme.py --check)
#   5. copyright and licence headers            (scripts/license_headers.py --check)
set -uo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

failed=()
check() {
    local name="$1" start=$SECONDS
    shift
    if "$@"; then
        log "ok: $name ($((SECONDS - start))s)"
    else
        log "FAILED: $name ($((SECONDS - start))s)"
        failed+=("$name")
    fi
}

check "ruff check" "$PYTHON" -m ruff check .
check "ruff format" "$PYTHON" -m ruff format --check .
check "pylint-odoo" "$PYTHON" -m pylint --rcfile=.pylintrc-mandatory \
    --output-format=text "$ADDON"
check "oca-checks-odoo-module" "$PYTHON" -c \
    'import sys; from oca_pre_commit_hooks.cli import main; sys.exit(main())' "$ADDON"
check "README.rst" "$PYTHON" scripts/readme.py --check "$ADDON"
check "licence headers" "$PYTHON" scripts/license_headers.py --check

if ((${#failed[@]})); then
    log "lint failed: ${failed[*]}"
    exit 1
fi
log "lint passed"
