from . import migration_project
from . import migration_run
from . import migration_mapping
from . import migration_log
from . import project_task
from . import migration_diff_line
from . import migration_value_map
from . import migration_owner
