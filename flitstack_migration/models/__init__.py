from . import migration_project
from . import migration_run
from . import migration_mapping
from . import migration_log
from . import project_task
