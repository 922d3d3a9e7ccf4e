from . import migration_import_wizard
from . import migration_rollback_wizard
from . import migration_required_column_wizard
