# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MigrationRunCounters(models.AbstractModel):
    """What happened to the records of a part of a run: an object's reconciliation
    line, or one job of a run spread over the job queue (whose counters the totals
    job adds up into the lines)."""

    _name = "migration.run.counters"
    _description = "Data Migration Run Counters"

    created_count = fields.Integer("Created")
    updated_count = fields.Integer("Updated")
    skipped_count = fields.Integer("Unchanged")
    failed_count = fields.Integer("Failed")
    duplicate_count = fields.Integer(
        "Repeated rows",
        help="Rows of the export that repeat a record another row carries (the same "
        "id): the last row is read, the others are listed in the journal.",
    )
    gone_count = fields.Integer(
        "Deleted in the old system",
        help="Records an earlier run brought over that the source no longer has. "
        "They are listed, never deleted in Odoo.",
    )
    duration = fields.Float("Duration (s)", digits=(16, 1))
