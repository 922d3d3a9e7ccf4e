# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..engine.labels import model_label


class MigrationRunObject(models.Model):
    """Reconciliation of one object in one run."""

    _name = "migration.run.object"
    _inherit = "migration.run.counters"
    _description = "Data Migration Run Object"
    _order = "run_id, sequence"

    run_id = fields.Many2one(
        "migration.run", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer()
    object_key = fields.Char(required=True)
    name = fields.Char("Object", required=True)
    model = fields.Char("Odoo model", required=True)
    model_label = fields.Char("Lands in", compute="_compute_model_label")
    state = fields.Selection(
        [("pending", "Pending"), ("running", "Running"), ("done", "Done")],
        default="pending",
        required=True,
    )
    offset = fields.Integer(help="Records of the source already processed.")
    resume_token = fields.Json(
        help="Where an API read goes on after the last record processed (its page "
        "and id), so that an interrupted object does not start from zero.",
        copy=False,
    )
    discover_offset = fields.Integer(
        help="Records of the source counted so far by the run's first step (reading "
        "the files), which goes on from here in the next slice."
    )
    discover_done = fields.Boolean(help="The records of this object are counted.")
    source_count = fields.Integer("In source")
    diff_checked_count = fields.Integer("Fields checked")
    diff_match_count = fields.Integer("Matches")
    diff_mismatch_count = fields.Integer("Mismatches")
    diff_missing_count = fields.Integer("Missing")
    diff_not_migrated_count = fields.Integer("Records not in Odoo")
    owner_count = fields.Integer("With an owner")
    owner_matched_count = fields.Integer("Owner found")
    check_offset = fields.Integer(
        help="Records of the source already compared with Odoo by the field check."
    )
    check_done = fields.Boolean(help="The field check of this object is finished.")

    @api.depends("model")
    def _compute_model_label(self):
        for line in self:
            line.model_label = model_label(self.env, line.model)
