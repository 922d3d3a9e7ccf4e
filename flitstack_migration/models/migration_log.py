# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import api, fields, models


class MigrationLog(models.Model):
    """The journal: one row per record operation of a run.

    - what happened (create, update, skip, fail) to which source record, where;
    - the previous values of the fields an update changed, for rollback;
    - the content hash of the source record, so re-runs skip what did not change;
    - one row per batch for the records a re-run found unchanged (their ids in
      ``unchanged_ids``): nothing was written to them, and a row each would cost a
      delta a quarter of its time.

    Rows are inserted in batches by the engine and never edited.
    """

    _name = "migration.log"
    _inherit = "migration.record.mixin"
    _description = "Data Migration Log"
    _order = "id desc"
    _rec_name = "source_id"

    run_id = fields.Many2one(
        "migration.run", required=True, ondelete="cascade", index=True
    )
    project_id = fields.Many2one(
        "migration.project", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="project_id.company_id")
    object_key = fields.Char("Object", index=True)
    source_id = fields.Char("Id in the old system", index=True)
    model = fields.Char("Odoo model")
    res_id = fields.Many2oneReference("Odoo record id", model_field="model")
    operation = fields.Selection(
        [
            ("create", "Created"),
            ("update", "Updated"),
            ("skip", "Unchanged"),
            ("fail", "Failed"),
            ("gone", "Deleted in the old system"),
            ("duplicate", "Repeated in the export"),
            ("disagree", "Disagrees with the file that is read"),
            ("kept", "Kept by a rollback"),
        ],
        required=True,
        index=True,
    )
    source_hash = fields.Char()
    previous_values = fields.Text(help="Values the update replaced (JSON).")
    previous_values_display = fields.Text(
        compute="_compute_previous_values_display", string="Previous values"
    )
    message = fields.Text("Reason / remarks")
    unchanged_ids = fields.Text(
        "Ids of the unchanged records",
        help="Ids in the old system of the records this row found unchanged (JSON).",
    )
    unchanged_ids_display = fields.Text(
        compute="_compute_unchanged_ids_display", string="Unchanged records"
    )
    line = fields.Integer("Line in file")
    file_name = fields.Char("File")

    def init(self):
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS migration_log_hash_lookup_idx
                ON migration_log (project_id, object_key, source_id, id DESC)
            """
        )
        # what runs made or changed, per model: the check before a rollback reads
        # the ids here (engine/rollback_check.py) instead of holding them; rows of
        # unchanged or failed records (most of a delta's) are not in it
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS migration_log_made_idx
                ON migration_log (run_id, model, operation, res_id)
             WHERE operation IN ('create', 'update')
            """
        )

    @api.depends("source_id", "unchanged_ids")
    def _compute_display_name(self):
        for log in self:
            if log.source_id or not log.unchanged_ids:
                log.display_name = log.source_id or ""
                continue
            count = len(json.loads(log.unchanged_ids))
            log.display_name = (
                self.env._("%(count)s unchanged records", count=count)
                if count > 1
                else self.env._("1 unchanged record")
            )

    @api.depends("unchanged_ids")
    def _compute_unchanged_ids_display(self):
        for log in self:
            ids = json.loads(log.unchanged_ids) if log.unchanged_ids else []
            log.unchanged_ids_display = ", ".join(map(str, ids))

    @api.depends("previous_values")
    def _compute_previous_values_display(self):
        for log in self:
            values = json.loads(log.previous_values) if log.previous_values else {}
            log.previous_values_display = "\n".join(
                f"{name}: {value}" for name, value in sorted(values.items())
            )
