# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import migration_record_mixin
from . import migration_snapshot
from . import migration_project
from . import migration_run
from . import migration_run_object
from . import migration_mapping
from . import migration_mapping_field
from . import migration_log
from . import project_task
from . import migration_diff_line
from . import migration_value_map
from . import migration_owner
from . import migration_automation
from . import res_config_settings
from . import migration_project_file
