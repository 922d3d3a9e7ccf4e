# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class MigrationRecordMixin(models.AbstractModel):
    """A row that points at the Odoo record a source record landed in.

    Inheriting models define ``model`` (Char) and ``res_id`` (Many2oneReference); this
    mixin adds the clickable link and the button that opens the record.
    """

    _name = "migration.record.mixin"
    _description = "Data Migration Record Link"

    record_ref = fields.Reference(
        selection="_selection_target_model",
        compute="_compute_record_ref",
        string="Odoo record",
    )

    @api.model
    def _selection_target_model(self):
        return [
            (model.model, model.name)
            for model in self.env["ir.model"].sudo().search([])
        ]

    @api.depends("model", "res_id")
    def _compute_record_ref(self):
        for row in self:
            if row.model and row.res_id and row.model in self.env:
                row.record_ref = f"{row.model},{row.res_id}"
            else:
                row.record_ref = False

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
