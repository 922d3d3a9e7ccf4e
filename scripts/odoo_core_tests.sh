#!/usr/bin/env bash
# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Run Odoo's own test suites of the apps the addon builds on (crm, sale,
# project, account) with flitstack_migration installed, to show the addon
# breaks none of them. Long (see README.md): not part of CI.
#
#   scripts/odoo_core_tests.sh [TAGS]      default /crm,/sale,/project,/account
#   scripts/odoo_core_tests.sh /crm        one suite only
#
# One fresh database: the addon and its dependencies are installed first,
# without tests; then those four modules are upgraded with --test-enable, so
# each suite runs after its module is upgraded (at_install tests) and at the
# end (post_install), the addon installed all along; see
# scripts/test_odoo_runner.sh, which does the work (log:
# .odoo-data/odoo-core-tests.log), with Odoo's HTTP server for their browser
# tests (tours, in Chromium). A test of those suites that also fails
# without the addon shows up here too.
#
# With demo data (ODOO_DEMO=1): Odoo's suites are written for a database that
# has it, as Odoo's and OCA's CI install them. Without it, some of their tests
# fail whatever the addon (seen here: project's
# TestAccessRightsPrivateTask.test_internal_cannot_crud_private_task and
# sale's TestProductAttributeValue tour fail the same with and without it).
set -euo pipefail
export ODOO_DEMO=1
tags="${1:-/crm,/sale,/project,/account}"
# "/crm,/sale" -> "crm,sale": the modules to upgrade.
modules="$(tr -d '/' <<<"$tags")"
exec "$(dirname "${BASH_SOURCE[0]}")/test_odoo_runner.sh" \
    --test-tags "$tags" --update "$modules" --log odoo-core-tests
