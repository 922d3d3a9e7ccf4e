from odoo import fields, models


class MigrationRun(models.Model):
    """Runs of mode "schema": custom fields created before any record moves.

    They journal what they create like any run, so a rollback removes it.
    """

    _inherit = "migration.run"

    mode = fields.Selection(
        selection_add=[("schema", "Custom fields")], ondelete={"schema": "cascade"}
    )
