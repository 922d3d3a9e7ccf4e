# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from typing import ClassVar

from odoo import fields, models


class MigrationRunProgress(models.Model):
    """How far a running run got, saved after each batch apart from the run.

    The background job saves a run's own counters when its slice ends (one
    transaction per slice); this snapshot is written and committed on its own
    cursor while the slice goes on (``migration.run._push_progress``), so that an
    administrator watching the run sees it move. The run's progress fields read it
    while the run is under way.
    """

    _name = "migration.run.progress"
    _description = "Data Migration Run Progress"
    _log_access = False

    run_id = fields.Many2one(
        "migration.run", required=True, ondelete="cascade", index=True
    )
    records_done = fields.Integer()
    records_total = fields.Integer()
    object_label = fields.Char()
    date = fields.Datetime(required=True)

    _sql_constraints: ClassVar[list] = [
        ("run_unique", "UNIQUE(run_id)", "A run has one progress snapshot."),
    ]
