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
# Without demo data. Two of their tests need it and fail here with and without
# the addon alike, so they are passed as known failures (project's TestAccessRightsPrivateTask.
# test_internal_cannot_crud_private_task, sale's TestProductAttributeValue
# tour). With it (ODOO_DEMO=1), upgrading crm with its tests fails instead:
# crm's at_install tests then run before project's models are loaded again,
# and project's demo mail aliases name project.project (KeyError in
# mail.alias's company check, in a dozen setUpClass).
set -euo pipefail
tags="${1:-/crm,/sale,/project,/account}"
# "/crm,/sale" -> "crm,sale": the modules to upgrade.
modules="$(tr -d '/' <<<"$tags")"
known='TestAccessRightsPrivateTask\.test_internal_cannot_crud_private_task'
known+='|TestProductAttributeValue\.test_attribute_values_deletion_or_archiving'
exec "$(dirname "${BASH_SOURCE[0]}")/test_odoo_runner.sh" \
    --test-tags "$tags" --update "$modules" --log odoo-core-tests \
    --known-failures "$known"
