# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

#: The choice "this column is not in the export".
NOT_THERE = "__none__"


class MigrationRequiredColumnWizard(models.TransientModel):
    """Say which column of the export holds a column the migration needs.

    The proposal takes the likeliest column when it is sure enough; otherwise the
    map cannot be confirmed until the administrator chooses here, among the
    candidates (best first) or any other column of the file.
    """

    _name = "migration.required.column.wizard"
    _description = "Data Migration: choose a column the migration needs"

    mapping_id = fields.Many2one("migration.mapping", required=True, readonly=True)
    column = fields.Selection(
        selection="_selection_column", string="Column needed", required=True
    )
    header = fields.Selection(selection="_selection_header", string="Read it from")
    candidates_display = fields.Text(
        compute="_compute_candidates_display", string="Likeliest columns"
    )

    def _context_mapping(self):
        mapping_id = self.env.context.get("default_mapping_id")
        return self.env["migration.mapping"].browse(mapping_id).exists()

    @api.model
    def _selection_column(self):
        mapping = self._context_mapping()
        return [(column, column) for column in sorted(mapping.required_columns or {})]

    @api.model
    def _selection_header(self):
        mapping = self._context_mapping()
        headers = []
        for info in (mapping.required_columns or {}).values():
            headers += [header for header, _conf, _reason in info.get("candidates", ())]
        headers += [
            line.source_column
            for line in mapping.field_ids.sorted("sequence")
            if line.source_column and (line.is_custom or line.reason != "preset")
        ]
        choices = [(header, header) for header in dict.fromkeys(headers)]
        return [*choices, (NOT_THERE, self.env._("It is not in the export"))]

    @api.depends("column", "mapping_id")
    def _compute_candidates_display(self):
        for wizard in self:
            info = (wizard.mapping_id.required_columns or {}).get(wizard.column) or {}
            wizard.candidates_display = "\n".join(
                self.env._(
                    "%(header)s (%(confidence)s%%, by its %(reason)s)",
                    header=header,
                    confidence=round(confidence * 100),
                    reason=self.env._("values")
                    if reason == "values"
                    else self.env._("name"),
                )
                for header, confidence, reason in info.get("candidates", ())
            )

    def action_apply(self):
        self.ensure_one()
        if not self.header:
            raise UserError(
                self.env._(
                    "Choose the column of the export that holds %(column)s.",
                    column=self.column,
                )
            )
        header = None if self.header == NOT_THERE else self.header
        self.mapping_id._set_found_as(self.column, header)
        return {"type": "ir.actions.act_window_close"}
