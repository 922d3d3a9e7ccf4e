#!/usr/bin/env bash
# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Take the pictures of the import wizard in flitstack_migration/static/description/
# (shown by readme/USAGE.md) again, from the tours of tests/test_tours.py:
#
#   scripts/screenshots.sh            (or: make screenshots)
#
# It runs those tests through scripts/test.sh (a fresh database, or TEST_DB=name)
# with FLITSTACK_TOUR_SCREENSHOTS set: the tours' screenshot steps then have the
# test save the page (Chromium's 1366x768 window, in 256 colours) as NAME.png.
# Run `make readme` afterwards if readme/USAGE.md changed.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

export FLITSTACK_TOUR_SCREENSHOTS="$REPO_ROOT/$ADDON/static/description"
"$SCRIPTS_DIR/test.sh" "$ADDON/tests/test_tours.py" "$@"
log "pictures in ${FLITSTACK_TOUR_SCREENSHOTS#"$REPO_ROOT"/}:"
ls -l "$FLITSTACK_TOUR_SCREENSHOTS"/*.png >&2
