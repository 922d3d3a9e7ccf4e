# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Every test module, so that Odoo's own runner (--test-enable) finds them;
# pytest-odoo collects them by file name. tests/test_manifest.py checks this list.
from . import test_api_clients
from . import test_api_connection
from . import test_automation_inventory
from . import test_background
from . import test_bad_input
from . import test_cli
from . import test_contractor_plus
from . import test_contractor_plus_migration
from . import test_delta
from . import test_diff
from . import test_hierarchy
from . import test_import_wizard
from . import test_limits
from . import test_manifest
from . import test_matching
from . import test_module_functions
from . import test_owners
from . import test_proposal
from . import test_reconciliation
from . import test_required_columns
from . import test_rollback
from . import test_sample
from . import test_schema
from . import test_security
from . import test_stages
from . import test_synthetic_platform
from . import test_tabular
from . import test_tabular_formats
from . import test_tcf_migration
from . import test_tcf_reader
from . import test_the_service_program
from . import test_transform
from . import test_transforms
from . import test_upload_limits
