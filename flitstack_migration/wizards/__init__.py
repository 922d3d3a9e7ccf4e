# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import migration_import_wizard
from . import migration_rollback_wizard
from . import migration_required_column_wizard
