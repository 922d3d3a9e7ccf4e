# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ProjectTask(models.Model):
    _inherit = "project.task"

    migration_lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        index="btree_not_null",
        ondelete="set null",
        help="The job (opportunity) this task schedules, for jobs migrated from an "
        "old system.",
    )
