# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from typing import ClassVar

from odoo import api, fields, models


class MigrationValueMap(models.Model):
    """One value of a source column and the Odoo value it becomes.

    - for a pipeline status: the stage (created in the pipeline's sales team, in
      sequence order), the lead's probability, and whether it is won or lost;
    - for a dropdown or a translated column: the Odoo value (a selection key);
    - counted by discovery, so the admin sees how many records each line moves.
    """

    _name = "migration.value.map"
    _description = "Data Migration Value Map"
    _order = "field_id, sequence, id"

    field_id = fields.Many2one(
        "migration.mapping.field", required=True, ondelete="cascade", index=True
    )
    transform = fields.Selection(related="field_id.transform")
    sequence = fields.Integer(help="Order of the stage in the pipeline.")
    source_value = fields.Char("Value in the export", required=True)
    count = fields.Integer("Records", readonly=True)
    odoo_value = fields.Char(
        "Odoo value", help="The stage's name, or the value of the Odoo field."
    )
    probability = fields.Float(
        digits=(16, 2), help="Probability (%) of a lead in this stage."
    )
    outcome = fields.Selection(
        [("open", "In progress"), ("won", "Won"), ("lost", "Lost")],
        default="open",
        help="Won: the stage is a won stage. Lost: no stage, the lead is marked lost.",
    )

    _sql_constraints: ClassVar[list] = [
        (
            "probability_range",
            "CHECK(probability >= 0 AND probability <= 100)",
            "A probability is between 0 and 100.",
        )
    ]

    @api.onchange("outcome")
    def _onchange_outcome(self):
        for line in self:
            if line.outcome == "won":
                line.probability = 100.0
            elif line.outcome == "lost":
                line.probability = 0.0
