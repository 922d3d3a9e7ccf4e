# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class MigrationDiffLine(models.Model):
    """One field of one migrated record, compared with its source.

    - the source value, the value the map should give, the value read back from Odoo;
    - a status: match, mismatch, missing (a value was expected, the field is empty) or
      not migrated (the record has no Odoo record: it failed);
    - a trial run keeps every line; a full run or a delta keeps only the problems (its
      totals per object are on the run).
    """

    _name = "migration.diff.line"
    _inherit = "migration.record.mixin"
    _description = "Data Migration Field Check"
    _order = "run_id desc, id"
    _rec_name = "field_label"

    run_id = fields.Many2one(
        "migration.run", required=True, ondelete="cascade", index=True
    )
    project_id = fields.Many2one(related="run_id.project_id", store=True, index=True)
    object_key = fields.Char("Object key", index=True)
    object_label = fields.Char("Object")
    source_id = fields.Char("Id in the old system", index=True)
    model = fields.Char("Odoo model")
    res_id = fields.Many2oneReference("Odoo record id", model_field="model")
    field_name = fields.Char("Field (technical)")
    field_label = fields.Char("Field")
    check_field = fields.Char(
        "Field of",
        compute="_compute_check_field",
        store=True,
        help="The object and its field, as the charts of differences name them.",
    )
    source_value = fields.Text("In the old system")
    expected_value = fields.Text("Expected in Odoo")
    found_value = fields.Text("Found in Odoo")
    status = fields.Selection(
        [
            ("match", "Match"),
            ("mismatch", "Mismatch"),
            ("missing", "Missing"),
            ("not_migrated", "Not migrated"),
        ],
        required=True,
        index=True,
    )

    @api.depends("object_label", "field_label")
    def _compute_check_field(self):
        for line in self:
            line.check_field = " / ".join(
                part for part in (line.object_label, line.field_label) if part
            )
