# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from ..presets.the_customer_factor import PLATFORM


class MigrationImportTcfWizard(models.TransientModel):
    """Import wizard for The Customer Factor: CSV / Excel exports, or a ZIP of them."""

    _name = "migration.import.tcf.wizard"
    _inherit = "migration.import.wizard"
    _description = "Data Migration Import from The Customer Factor"

    def _default_platform(self):
        return PLATFORM

    def _default_name(self):
        return self.env._("Migration from The Customer Factor")
