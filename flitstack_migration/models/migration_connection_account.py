# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from typing import ClassVar

from odoo import fields, models


class MigrationConnectionAccount(models.Model):
    """An account a connection's key reaches (a JobTread organization), filled by
    "Test connection" for the admin to choose the one to migrate."""

    _name = "migration.connection.account"
    _description = "Data Migration Connection Account"
    _order = "name, id"

    connection_id = fields.Many2one(
        "migration.connection", required=True, ondelete="cascade", index=True
    )
    ref = fields.Char("Id in the old system", required=True, readonly=True)
    name = fields.Char(required=True, readonly=True)

    _sql_constraints: ClassVar[list] = [
        (
            "ref_unique",
            "unique(connection_id, ref)",
            "An account is listed once per connection.",
        )
    ]
