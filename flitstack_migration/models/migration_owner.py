# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from typing import ClassVar

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..parsers import parse_owner


class MigrationOwner(models.Model):
    """An owner, sales rep or technician the source names, and the Odoo user it is.

    - collected by discovery with the number of records naming it;
    - matched by email (trimmed, case-insensitive) to a user, then to an employee's
      work email (its user), then by exact name; or chosen by hand;
    - an owner left without a user gets the project's fallback owner;
    - the engine resolves owners through this table first.
    """

    _name = "migration.owner"
    _description = "Data Migration Owner"
    _order = "project_id, user_id desc, record_count desc, name"

    project_id = fields.Many2one(
        "migration.project", required=True, ondelete="cascade", index=True
    )
    source_key = fields.Char(
        "As named in the export",
        required=True,
        readonly=True,
        help="The owner's value in the export (with its email when the export has "
        "one).",
    )
    name = fields.Char(readonly=True)
    email = fields.Char(readonly=True)
    record_count = fields.Integer("Records", readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Odoo user",
        domain=[("share", "=", False)],
        ondelete="set null",
    )
    match = fields.Selection(
        [
            ("email", "Same email"),
            ("employee", "Employee's work email"),
            ("name", "Same name"),
            ("manual", "Chosen by hand"),
            ("none", "No user: fallback owner"),
        ],
        default="none",
        readonly=True,
        string="Matched by",
    )

    _sql_constraints: ClassVar[list] = [
        (
            "owner_unique",
            "unique(project_id, source_key)",
            "Each owner is listed once.",
        ),
    ]

    def write(self, vals):
        if "user_id" in vals and "match" not in vals:
            vals["match"] = "manual" if vals["user_id"] else "none"
        return super().write(vals)

    # ------------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------------
    def action_invite(self):
        """Open a new user's form with the owner's name and email filled in."""
        self.ensure_one()
        if not self.email:
            raise UserError(
                self.env._(
                    "%(owner)s has no email in the export: create the user by hand, "
                    "then choose it here.",
                    owner=self.name or self.source_key,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.users",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_name": self.name or self.email,
                "default_login": self.email,
                "default_email": self.email,
            },
        }

    # ------------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------------
    @api.model
    def _sync(self, project, owners):
        """Bring a project's owner list in line with what discovery counted.

        :param owners: ``{owner as named: record count}``
        Choices made by hand are kept; owners the export no longer names go.
        """
        existing = {owner.source_key: owner for owner in project.owner_ids}
        stale = project.owner_ids.filtered(lambda o: o.source_key not in owners)
        stale.unlink()
        new = []
        for key, count in owners.items():
            if key in existing:
                existing[key].record_count = count
                continue
            name, email = parse_owner(key)
            new.append(
                {
                    "project_id": project.id,
                    "source_key": key,
                    "name": name or email,
                    "email": email,
                    "record_count": count,
                }
            )
        self.create(new)
        project.owner_ids.filtered(lambda o: o.match != "manual")._auto_match()

    def _auto_match(self):
        """Match owners to users: email, then an employee's work email, then name."""
        users = self.env["res.users"].search([("share", "=", False)])
        by_email, by_name = {}, {}
        for user in users:
            for key in (user.email, user.login):
                if key and "@" in key:
                    by_email.setdefault(key.strip().lower(), user)
            by_name.setdefault(user.name.strip().lower(), user)
        by_work_email = {}
        if "hr.employee" in self.env:
            employees = (
                self.env["hr.employee"]
                .sudo()
                .search([("user_id", "!=", False), ("work_email", "!=", False)])
            )
            for employee in employees:
                by_work_email.setdefault(
                    employee.work_email.strip().lower(), employee.user_id
                )
        for owner in self:
            email = (owner.email or "").strip().lower()
            name = (owner.name or "").strip().lower()
            if email and email in by_email:
                values = {"user_id": by_email[email].id, "match": "email"}
            elif email and email in by_work_email:
                values = {"user_id": by_work_email[email].id, "match": "employee"}
            elif name and name in by_name:
                values = {"user_id": by_name[name].id, "match": "name"}
            else:
                values = {"user_id": False, "match": "none"}
            owner.write(values)

    @api.model
    def _user_map(self, project):
        """``{owner as named, lowercase: res.users or None}`` for the engine."""
        return {
            owner.source_key.strip().lower(): owner.user_id or None
            for owner in self.search([("project_id", "=", project.id)])
        }
