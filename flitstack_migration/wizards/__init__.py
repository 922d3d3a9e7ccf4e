from . import migration_import_wizard
from . import migration_rollback_wizard
