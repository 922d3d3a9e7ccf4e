# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The check before a rollback: what would block it, or be lost with it.

A rollback deletes what its runs created and gives updated records their previous
values back. Since the migration, people have worked in Odoo; what their work touches
is found here, per kind (:data:`KINDS`), from the database itself:

- ``referenced``: a migrated record that a record made (or changed) since by someone
  else than the migration refers to (a user's new quotation on a migrated customer,
  a new lead on a migrated company): deleting it would fail, or empty that link;
- ``posted``: a posted invoice or entry the migration created;
- ``edited``: a migrated record someone changed since (its last write is not the
  migration's, nor Odoo's own background work);
- ``chatter``: a migrated record on which someone wrote a message, scheduled an
  activity or added a follower;
- ``deleted``: a migrated record someone deleted since: nothing left to undo.

What the migration itself made around its records (invoice lines, followers, the
rows of its own batches) is told apart by who made it and when: a row made by the
run's user between the run's creation and its end is the run's.

The ids of what the runs made stay in the journal: every query below reads them there
(:meth:`RollbackCheck._made`), and only what it finds comes back to Python. A set of
a million ids costs some 60 MB in Python, and the check needed four.

"Keep those" keeps every record listed (but the deleted ones), and what they need
(:func:`RollbackCheck.keep`): the migrated records they, or their lines, refer to
(the customer of a kept quotation, the company of a kept contact), and the migrated
notes and files attached to them.
"""

from collections import defaultdict
from datetime import timedelta

from odoo import SUPERUSER_ID, fields, models
from odoo.tools import SQL

#: The kinds of findings, in the order a record is filed under (the first that
#: applies) and shown.
#: Added to a run's end (a whole second, see :meth:`RollbackCheck._load_windows`).
END_MARGIN = timedelta(seconds=1)

KINDS = ("posted", "referenced", "edited", "chatter", "deleted")
#: Models whose references are never someone's work on a migrated record.
SKIPPED_MODELS = ("mail.followers", "mail.notification", "bus.bus")
#: How many records of each kind the check names; the others are counted.
SHOWN = 5


def _table_exists(env, model):
    return model._auto and not model._abstract and not model._transient


class RollbackCheck:
    """The check of ``runs`` (of one project), computed at once.

    :ivar findings: ``{kind: [finding]}``, a finding being a dict with ``model``,
        ``res_id``, ``name``, ``reason`` (and ``by``: ``(model, id, name)`` of the
        record that refers to it, for ``referenced``)
    """

    def __init__(self, runs):
        self.runs = runs
        self.env = env = runs.env
        self.project = runs.project_id
        env.flush_all()
        self._load_journal()
        self._load_windows()
        self.findings = {kind: [] for kind in KINDS}
        self._filed = {}
        self._find_deleted()
        self._find_posted()
        self._find_referenced()
        self._find_edited()
        self._find_chatter()

    # ------------------------------------------------------------------
    # What the migration did
    # ------------------------------------------------------------------
    def _load_journal(self):
        """How many records of each model the runs made (``created``) and changed
        (``updated``); the ids stay in the journal."""
        cr = self.env.cr
        cr.execute(
            """
            SELECT model, operation, count(*) FROM migration_log
             WHERE run_id = ANY(%s) AND operation IN ('create', 'update')
               AND res_id IS NOT NULL
             GROUP BY model, operation
            """,
            [self.runs.ids],
        )
        self.created, self.updated = {}, {}
        for model, operation, count in cr.fetchall():
            if model not in self.env or model == "ir.model.fields":
                continue
            (self.created if operation == "create" else self.updated)[model] = count
        # every run of the project, rolled back or not: what they made is the
        # migration's own work, never someone's since
        cr.execute(
            "SELECT id FROM migration_run WHERE project_id = %s", [self.project.id]
        )
        self.project_run_ids = [run_id for (run_id,) in cr.fetchall()]

    def _made(self, model, operations=("create",)):
        """SQL: the ids of ``model`` the runs made (``create``) or changed
        (``update``), read from the journal (index ``migration_log_made_idx``)."""
        return SQL(
            "SELECT res_id FROM migration_log WHERE run_id = ANY(%s) AND model = %s "
            "AND operation IN %s AND res_id IS NOT NULL",
            self.runs.ids,
            model,
            tuple(operations),
        )

    def _journaled(self, model, ids, runs=None, operations=("create", "update")):
        """The ids among ``ids`` of ``model`` that the journal of ``runs`` (by
        default: every run of the project) says were made or changed by them."""
        if not ids:
            return set()
        self.env.cr.execute(
            """
            SELECT res_id FROM migration_log
             WHERE run_id = ANY(%s) AND model = %s AND operation IN %s
               AND res_id = ANY(%s)
            """,
            [
                self.project_run_ids if runs is None else runs,
                model,
                tuple(operations),
                sorted(set(ids)),
            ],
        )
        return {res_id for (res_id,) in self.env.cr.fetchall()}

    def _sources(self):
        """``[(model, operations)]``: what the runs made, then what they changed."""
        return [(model, ("create",)) for model in self.created] + [
            (model, ("update",)) for model in self.updated
        ]

    def _load_windows(self):
        """Who made the project's runs, and when: ``[(uids, start, end)]``."""
        runs = self.project.run_ids.filtered(lambda r: r.state != "rolled_back")
        runs |= self.runs
        self.env.cr.execute(
            """
            SELECT run_id, array_agg(DISTINCT create_uid) FROM migration_log
             WHERE run_id = ANY(%s) GROUP BY run_id
            """,
            [runs.ids],
        )
        loggers = dict(self.env.cr.fetchall())
        now = fields.Datetime.now()
        self.windows = []
        self.run_uids = {SUPERUSER_ID}
        for run in runs:
            uids = {run.queued_by_id.id, run.create_uid.id, *loggers.get(run.id, ())}
            uids.discard(False)
            uids.discard(None)
            self.run_uids |= uids
            end = run.date_end or now
            if run.state in ("queued", "running"):
                end = now
            # a date field keeps whole seconds: the run's last rows, written in
            # the second it ended, are stamped after its end (a run made and
            # finished in one second, as the custom fields step's is, would have
            # an end before its start)
            self.windows.append((sorted(uids), run.create_date, end + END_MARGIN))

    def _by_the_migration(self, alias, field="create"):
        """SQL: the row ``alias`` was made (``create``) or last written (``write``)
        by a run of the project, or by Odoo itself (the superuser)."""
        uid = SQL.identifier(alias, f"{field}_uid")
        date = SQL.identifier(alias, f"{field}_date")
        parts = [SQL("%s = %s", uid, SUPERUSER_ID)]
        for uids, start, end in self.windows:
            parts.append(
                SQL(
                    "(%s = ANY(%s) AND %s BETWEEN %s AND %s)",
                    uid,
                    uids,
                    date,
                    start,
                    end,
                )
            )
        return SQL("(%s)", SQL(" OR ").join(parts))

    # ------------------------------------------------------------------
    # Findings
    # ------------------------------------------------------------------
    def _file(self, kind, model, res_id, reason, by=None):
        key = (model, res_id)
        if key in self._filed:
            return
        self._filed[key] = kind
        self.findings[kind].append(
            {"model": model, "res_id": res_id, "reason": reason, "by": by}
        )

    def _find_deleted(self):
        cr = self.env.cr
        for model, operations in self._sources():
            cr.execute(
                SQL(
                    """
                    SELECT DISTINCT j.res_id FROM (%s) j
                     WHERE NOT EXISTS (SELECT FROM %s t WHERE t.id = j.res_id)
                     ORDER BY j.res_id
                    """,
                    self._made(model, operations),
                    SQL.identifier(self.env[model]._table),
                )
            )
            for (res_id,) in cr.fetchall():
                self._file(
                    "deleted",
                    model,
                    res_id,
                    self.env._("deleted in Odoo since the migration"),
                )

    def _find_posted(self):
        if "account.move" not in self.created:
            return
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                SELECT t.id, t.name FROM account_move t
                 WHERE t.state = 'posted' AND t.id IN (%s)
                 ORDER BY t.id
                """,
                self._made("account.move"),
            )
        )
        for move_id, number in cr.fetchall():
            self._file(
                "posted",
                "account.move",
                move_id,
                self.env._("posted as %(number)s", number=number),
            )

    def _reference_fields(self):
        """``{comodel: [(model, field)]}`` of the stored many2one and many2many
        fields pointing at the models the runs created."""
        targets = set(self.created)
        found = defaultdict(list)
        for model_name, model in self.env.registry.items():
            if (
                not _table_exists(self.env, model)
                or not model._log_access
                or model_name in SKIPPED_MODELS
                or model_name.startswith("migration.")
            ):
                continue
            for field in model._fields.values():
                if (
                    field.type in ("many2one", "many2many")
                    and field.store
                    and field.comodel_name in targets
                    and field.name not in ("create_uid", "write_uid")
                    and not field.company_dependent  # a JSON column per company
                ):
                    found[field.comodel_name].append((model_name, field))
        return found

    def _find_referenced(self):
        cr = self.env.cr
        for comodel, refs in self._reference_fields().items():
            made = self._made(comodel)
            for model_name, field in refs:
                model = self.env[model_name]
                if field.type == "many2one":
                    query = SQL(
                        """
                        SELECT t.%s, t.id FROM %s t
                         WHERE t.%s IN (%s) AND NOT %s
                         ORDER BY t.id
                        """,
                        SQL.identifier(field.name),
                        SQL.identifier(model._table),
                        SQL.identifier(field.name),
                        made,
                        self._by_the_migration("t"),
                    )
                else:
                    query = SQL(
                        """
                        SELECT r.%s, t.id FROM %s r JOIN %s t ON t.id = r.%s
                         WHERE r.%s IN (%s) AND NOT %s
                         ORDER BY t.id
                        """,
                        SQL.identifier(field.column2),
                        SQL.identifier(field.relation),
                        SQL.identifier(model._table),
                        SQL.identifier(field.column1),
                        SQL.identifier(field.column2),
                        made,
                        self._by_the_migration("t"),
                    )
                cr.execute(query)
                rows = cr.fetchall()
                # the migration's own records (of a run rolled back, or made
                # outside the runs' windows), filtered on the few rows left
                own = self._journaled(model_name, [by_id for _target, by_id in rows])
                for target, by_id in rows:
                    if by_id in own or (comodel, target) in self._filed:
                        continue
                    by = self.env[model_name].sudo().browse(by_id)
                    self._file(
                        "referenced",
                        comodel,
                        target,
                        self.env._(
                            "%(kind)s %(name)s, made by %(user)s, refers to it "
                            "(%(field)s)",
                            kind=by._description,
                            name=by.display_name,
                            user=by.create_uid.name,
                            field=field._description_string(self.env),
                        ),
                        by=(model_name, by_id, by.display_name),
                    )

    def _find_edited(self):
        cr = self.env.cr
        for model_name, operations in self._sources():
            model = self.env[model_name]
            if not model._log_access:
                continue
            cr.execute(
                SQL(
                    """
                    SELECT t.id, t.write_uid, t.write_date FROM %s t
                     WHERE t.id IN (%s) AND t.write_uid IS NOT NULL AND NOT %s
                     ORDER BY t.id
                    """,
                    SQL.identifier(model._table),
                    self._made(model_name, operations),
                    self._by_the_migration("t", "write"),
                )
            )
            for res_id, uid, when in cr.fetchall():
                self._file(
                    "edited",
                    model_name,
                    res_id,
                    self.env._(
                        "changed by %(user)s on %(date)s",
                        user=self.env["res.users"].sudo().browse(uid).name,
                        date=fields.Datetime.to_string(when),
                    ),
                )

    def _find_chatter(self):
        cr = self.env.cr
        Users = self.env["res.users"].sudo()
        run_partners = Users.browse(sorted(self.run_uids)).partner_id.ids
        for model_name, operations in self._sources():
            model = self.env[model_name]
            if "message_ids" not in model._fields:
                continue
            made = self._made(model_name, operations)
            cr.execute(
                SQL(
                    """
                    SELECT t.res_id, t.create_uid, t.id FROM mail_message t
                     WHERE t.model = %s AND t.res_id IN (%s) AND NOT %s
                     ORDER BY t.id
                    """,
                    model_name,
                    made,
                    self._by_the_migration("t"),
                )
            )
            rows = cr.fetchall()
            own_messages = self._journaled("mail.message", [row[2] for row in rows])
            for res_id, uid, message_id in rows:
                if message_id in own_messages:
                    continue
                self._file(
                    "chatter",
                    model_name,
                    res_id,
                    self.env._(
                        "%(user)s wrote on it since the migration",
                        user=Users.browse(uid).name,
                    ),
                )
            cr.execute(
                SQL(
                    """
                    SELECT t.res_id, t.create_uid FROM mail_activity t
                     WHERE t.res_model = %s AND t.res_id IN (%s) AND NOT %s
                     ORDER BY t.id
                    """,
                    model_name,
                    made,
                    self._by_the_migration("t"),
                )
            )
            for res_id, uid in cr.fetchall():
                self._file(
                    "chatter",
                    model_name,
                    res_id,
                    self.env._(
                        "%(user)s scheduled an activity on it",
                        user=Users.browse(uid).name,
                    ),
                )
            cr.execute(
                SQL(
                    """
                    SELECT f.res_id, f.partner_id, p.name FROM mail_followers f
                      JOIN res_partner p ON p.id = f.partner_id
                     WHERE f.res_model = %s AND f.res_id IN (%s)
                       AND f.partner_id != ALL(%s)
                     ORDER BY f.id
                    """,
                    model_name,
                    made,
                    run_partners,
                )
            )
            rows = cr.fetchall()
            named = self._named_partners(model, [row[0] for row in rows])
            for res_id, partner_id, name in rows:
                if partner_id in named[res_id]:
                    continue  # subscribed by Odoo as the record was made
                self._file(
                    "chatter",
                    model_name,
                    res_id,
                    self.env._("%(name)s was added as a follower", name=name),
                )

    @staticmethod
    def _named_partners(model, ids):
        """``{id: partner ids}`` the records name in their own fields (a meeting's
        attendees, a lead's customer, a salesperson's partner): Odoo subscribes
        those as followers itself when the migration makes the record, which is
        nobody's work since."""
        names = [
            name
            for name, field in model._fields.items()
            if field.store
            and field.type in ("many2one", "many2many")
            and field.comodel_name in ("res.partner", "res.users")
            and name not in models.LOG_ACCESS_COLUMNS
        ]
        named = defaultdict(set)
        for record in model.browse(sorted(set(ids))).with_context(active_test=False):
            for name in names:
                value = record[name]
                partners = value if value._name == "res.partner" else value.partner_id
                named[record.id].update(partners.ids)
        return named

    # ------------------------------------------------------------------
    # What "keep those" keeps
    # ------------------------------------------------------------------
    @property
    def count(self):
        return sum(len(items) for items in self.findings.values())

    def keep(self):
        """``{(model, id): reason}`` of what "keep those" keeps: the findings (but
        deleted records) and the migrated records they need."""
        keep = {}
        for kind in KINDS:
            if kind == "deleted":
                continue
            for item in self.findings[kind]:
                keep[(item["model"], item["res_id"])] = item["reason"]
        queue = list(keep)
        seen = set(queue)
        while queue:
            by_model = defaultdict(set)
            for model, res_id in queue:
                by_model[model].add(res_id)
            queue = []
            for model, ids in by_model.items():
                for target, via in self._needed(model, ids):
                    if target not in keep:
                        record = self.env[via[0]].sudo().browse(via[1])
                        keep[target] = self.env._(
                            "needed by %(kind)s %(name)s, which is kept",
                            kind=record._description,
                            name=record.display_name,
                        )
                    if target not in seen:
                        seen.add(target)
                        queue.append(target)
        return keep

    def _needed(self, model_name, ids):
        """``[((model, id), (kept model, kept id))]``: the migrated records that the
        records ``ids`` or their lines refer to, and the migrated notes and files on
        them."""
        env = self.env
        model = env[model_name]
        records = model.sudo().browse(sorted(ids)).exists()
        if not records:
            return []
        out = []
        # the records and their lines (children deleted with them)
        holders = [(records, None)]
        for field in model._fields.values():
            if field.type != "one2many" or not field.inverse_name:
                continue
            inverse = env[field.comodel_name]._fields.get(field.inverse_name)
            if inverse is None or not inverse.store or inverse.type != "many2one":
                continue
            if inverse.ondelete != "cascade" or field.comodel_name.startswith("mail."):
                continue
            children = records[field.name].sudo()
            if children:
                holders.append((children, inverse.name))
        for holder, parent_field in holders:
            for field in holder._fields.values():
                if (
                    field.type not in ("many2one", "many2many")
                    or not field.store
                    or field.comodel_name not in self.created
                    or field.name in ("create_uid", "write_uid")
                ):
                    continue
                pairs = [
                    (target, record[parent_field] if parent_field else record)
                    for record in holder
                    for target in record[field.name]
                ]
                made = self._journaled(
                    field.comodel_name,
                    [target.id for target, _parent in pairs],
                    runs=self.runs.ids,
                    operations=("create",),
                )
                out.extend(
                    ((target._name, target.id), (parent._name, parent.id))
                    for target, parent in pairs
                    if target.id in made
                )
        # migrated notes and files on them
        for attached, model_field in (
            ("mail.message", "model"),
            ("ir.attachment", "res_model"),
        ):
            if attached not in self.created:
                continue
            env.cr.execute(
                SQL(
                    "SELECT id, res_id FROM %s WHERE %s = %s AND res_id = ANY(%s) "
                    "AND id IN (%s) ORDER BY id",
                    SQL.identifier(env[attached]._table),
                    SQL.identifier(model_field),
                    model_name,
                    records.ids,
                    self._made(attached),
                )
            )
            for res_id, parent_id in env.cr.fetchall():
                out.append(((attached, res_id), (model_name, parent_id)))
        return out
