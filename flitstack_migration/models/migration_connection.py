# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from typing import ClassVar

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..readers.api import Connection
from ..readers.base import get_reader_class

#: Characters of a key shown back to the admin (its end), the rest hidden.
HINT_LENGTH = 4


class MigrationConnection(models.Model):
    """How a project reads a platform's API: address, keys, account.

    - kept apart from the project so that only Settings administrators can read it
      (the model's access rights), while migration viewers see the project;
    - a key is written, never shown back: the form shows its last characters;
    - "Test connection" says in plain words what is wrong (bad or expired key, no
      access, unreachable, too many requests), and lists the accounts to choose
      among when the key reaches several.
    The labels of the keys come from the platform's reader (``credentials``).
    """

    _name = "migration.connection"
    _description = "Data Migration Connection"
    _rec_name = "project_id"

    project_id = fields.Many2one(
        "migration.project", required=True, ondelete="cascade", index=True
    )
    platform = fields.Selection(related="project_id.platform")
    api_url = fields.Char(
        "API address",
        help="Leave empty for the platform's own address. Change it for a regional "
        "address or a test server.",
    )
    default_url = fields.Char(compute="_compute_labels", string="Default address")
    key = fields.Char(copy=False, groups="base.group_system")
    key_2 = fields.Char(copy=False, groups="base.group_system")
    # what the form writes: empty when read, so that a key is never sent back
    new_key = fields.Char(
        compute="_compute_new_keys", inverse="_inverse_new_key", string="New key"
    )
    new_key_2 = fields.Char(
        compute="_compute_new_keys", inverse="_inverse_new_key_2", string="New key 2"
    )
    key_label = fields.Char(compute="_compute_labels")
    key_2_label = fields.Char(compute="_compute_labels")
    key_help = fields.Text(compute="_compute_labels")
    has_key_2 = fields.Boolean(compute="_compute_labels")
    key_hint = fields.Char("Key in use", compute="_compute_hints")
    key_2_hint = fields.Char(compute="_compute_hints")
    account_label = fields.Char(compute="_compute_labels")
    account_ids = fields.One2many(
        "migration.connection.account",
        "connection_id",
        string="Accounts the key reaches",
        readonly=True,
    )
    account_id = fields.Many2one(
        "migration.connection.account",
        string="Account to migrate",
        domain="[('connection_id', '=', id)]",
        ondelete="set null",
    )
    state = fields.Selection(
        [
            ("untested", "Not tested"),
            ("ok", "Works"),
            ("choose", "Choose the account"),
            ("failed", "Does not work"),
        ],
        default="untested",
        required=True,
        readonly=True,
        copy=False,
    )
    message = fields.Text(readonly=True, copy=False)
    tested_on = fields.Datetime(readonly=True, copy=False)

    _sql_constraints: ClassVar[list] = [
        (
            "project_unique",
            "unique(project_id)",
            "A project has one connection.",
        )
    ]

    def _reader_class(self):
        self.ensure_one()
        cls = get_reader_class(self.platform) if self.platform else None
        return cls if cls is not None and cls.api else None

    @api.depends("platform")
    def _compute_labels(self):
        for connection in self:
            connection.update(key_labels(connection.env, connection.platform))

    @api.depends("key", "key_2")
    def _compute_hints(self):
        for connection in self:
            connection.key_hint = _hint(connection.key)
            connection.key_2_hint = _hint(connection.key_2, multiple=True)

    def _compute_new_keys(self):
        self.new_key = self.new_key_2 = False

    def _inverse_new_key(self):
        for connection in self.filtered("new_key"):
            connection.key = connection.new_key.strip()

    def _inverse_new_key_2(self):
        for connection in self.filtered("new_key_2"):
            connection.key_2 = connection.new_key_2.strip()

    def write(self, vals):
        # a connection is tested again only when what it connects with changes
        # (the wizard writes the same address again on "Read the old system")
        fields_changed = {
            name
            for name in ("key", "key_2", "new_key", "new_key_2", "api_url")
            if name in vals
            and any(
                (record.sudo()[name] or False) != (vals[name] or False)
                for record in self
            )
        }
        if fields_changed:
            vals = dict(vals, state="untested", message=False)
        result = super().write(vals)
        # what was typed is in ``key`` now: never read back from the cache either
        self.invalidate_recordset(["new_key", "new_key_2"])
        return result

    # ------------------------------------------------------------------
    def _connection(self):
        """The :class:`~..readers.api.Connection` the reader is opened with."""
        self.ensure_one()
        cls = self._reader_class()
        if cls is None:
            raise UserError(
                self.env._(
                    "%(platform)s is not read from an API.", platform=self.platform
                )
            )
        creds = list(cls.credentials)
        values = {}
        for credential, value in zip(creds, (self.key, self.key_2), strict=False):
            value = (value or "").strip()
            if credential.required and not value:
                raise UserError(
                    self.env._(
                        "Enter the %(key)s of %(platform)s in the project's "
                        "connection first.",
                        key=credential.label,
                        platform=self.project_id._preset().label,
                    )
                )
            values[credential.name] = value
        return Connection(
            root=(self.api_url or "").strip() or None,
            credentials=values,
            account=self.account_id.ref or None,
        )

    def action_test(self):
        """Try the key and say what works or what is wrong."""
        self.ensure_one()
        project = self.project_id
        try:
            source = self._connection()
        except UserError as err:
            self._set_result("failed", str(err.args[0]))
            return self._notify()
        reader = project._open_reader(source)
        with reader:
            check = reader.test_connection()
        self._sync_accounts(check.accounts)
        if check.ok:
            state = "ok"
        elif check.accounts and not self.account_id:
            state = "choose"
        else:
            state = "failed"
        self._set_result(state, check.message)
        return self._notify()

    def _sync_accounts(self, accounts):
        if not accounts:
            return
        known = {a.ref: a for a in self.account_ids}
        commands = []
        for item in accounts:
            ref = str(item.get("id") or "")
            if ref and ref not in known:
                commands.append(
                    Command.create({"ref": ref, "name": item.get("name") or ref})
                )
        if commands:
            self.account_ids = commands

    def _set_result(self, state, message):
        self.write(
            {"state": state, "message": message, "tested_on": fields.Datetime.now()}
        )

    def _notify(self):
        kinds = {"ok": "success", "choose": "warning", "failed": "danger"}
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._(
                    "Connection to %(platform)s",
                    platform=self.project_id._preset().label,
                ),
                "message": self.message,
                "type": kinds.get(self.state, "info"),
                "sticky": self.state != "ok",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }


def key_labels(env, platform):
    """The words of a platform's connection form, from its reader's credentials:
    ``{default_url, key_label, key_2_label, has_key_2, key_help, account_label}``."""
    cls = get_reader_class(platform) if platform else None
    cls = cls if cls is not None and cls.api else None
    creds = list(cls.credentials) if cls else []
    first = creds[0] if creds else None
    second = creds[1] if len(creds) > 1 else None
    return {
        "default_url": cls.default_root if cls else False,
        "key_label": first.label if first else env._("Key"),
        "key_2_label": second.label if second else False,
        "has_key_2": bool(second),
        "key_help": "\n".join(c.help for c in creds if c.help) or False,
        "account_label": (cls.account_label if cls else "") or False,
    }


def _hint(value, multiple=False):
    """``••••abcd``: enough of a key to tell which one is set, never the key."""
    value = (value or "").strip()
    if not value:
        return False
    parts = [p.strip() for p in value.replace("\n", ",").split(",") if p.strip()]
    if not multiple:
        parts = [value]
    return ", ".join(
        "••••" + (p[-HINT_LENGTH:] if len(p) > 3 * HINT_LENGTH else "") for p in parts
    )
