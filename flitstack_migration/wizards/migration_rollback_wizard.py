# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..engine.labels import model_label
from ..engine.rollback_check import KINDS, SHOWN, RollbackCheck

#: Run states whose records are in Odoo and can be rolled back.
LANDED_STATES = ("done", "failed", "cancelled")


class MigrationRollbackWizard(models.TransientModel):
    """Confirmation of a rollback, saying first what it will undo.

    - rolls back one run, or every landed run of a project (newest first);
    - counts, per kind of record, what will be deleted and what restored;
    - posts what was undone on the project's chatter.
    """

    _name = "migration.rollback.wizard"
    _description = "Data Migration Rollback"

    project_id = fields.Many2one(
        "migration.project",
        required=True,
        ondelete="cascade",
    )
    run_id = fields.Many2one(
        "migration.run",
        ondelete="cascade",
        domain="[('project_id', '=', project_id), ('state', 'in', ('done', 'failed'))]",
        help="Roll back this run only. Leave empty to roll back the whole project.",
    )
    summary = fields.Html(compute="_compute_summary", sanitize=False)
    check_data = fields.Json(
        compute="_compute_check",
        store=True,
        help="What the check before the rollback found: per kind, the count and the "
        "first records.",
    )
    check_html = fields.Html(
        "Before you roll back", compute="_compute_check_html", sanitize=False
    )
    has_findings = fields.Boolean(compute="_compute_check_html")
    state = fields.Selection(
        [("check", "Check"), ("done", "Done")], default="check", required=True
    )
    result = fields.Html(readonly=True, sanitize=False)

    @api.depends("project_id", "run_id")
    def _compute_summary(self):
        for wizard in self:
            wizard.summary = wizard._summary_html() if wizard.project_id else False

    @api.depends("project_id", "run_id")
    def _compute_check(self):
        for wizard in self:
            runs = wizard._runs() if wizard.project_id else None
            wizard.check_data = (
                wizard._check_data(RollbackCheck(runs)) if runs else False
            )

    @api.depends("check_data")
    def _compute_check_html(self):
        for wizard in self:
            data = wizard.check_data or {}
            wizard.has_findings = any(
                row["count"] for row in data.get("kinds", {}).values()
            )
            wizard.check_html = wizard._check_html(data) if wizard.has_findings else ""

    # ------------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------------
    def action_confirm(self):
        """Roll back the rest and keep what the check found (checked again now:
        what changed since the wizard opened is kept too). Never stops half-way."""
        self.ensure_one()
        project = self.project_id
        self._check_can_roll_back()
        runs = self._runs()
        keep = RollbackCheck(runs).keep()
        if self.run_id:
            summary = self.run_id._rollback(keep=keep)
            title = self.env._("Run %(run)s was rolled back.", run=self.run_id.name)
        else:
            summary = project._rollback(keep=keep)
            title = self.env._("The migration was rolled back.")
        kept = [row for run in runs for row in json.loads(run.rollback_kept or "[]")]
        body = self._done_html(title, summary, kept)
        project.message_post(body=body)
        self.write({"state": "done", "result": body})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "name": self.env._("Rollback done"),
            "view_mode": "form",
            "target": "new",
        }

    def action_open_project(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "migration.project",
            "res_id": self.project_id.id,
            "view_mode": "form",
            "target": "current",
        }

    # ------------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------------
    def _runs(self):
        """The runs this rollback undoes."""
        self.ensure_one()
        runs = self.run_id or self.project_id.run_ids
        return runs.filtered(lambda r: r.state in LANDED_STATES)

    def _check_can_roll_back(self):
        self.ensure_one()
        busy = self.project_id.run_ids.filtered(
            lambda r: r.state in ("queued", "running")
        )
        if busy:
            raise UserError(
                self.env._(
                    "A migration of %(project)s is waiting or running. Wait until it "
                    "has finished before rolling back.",
                    project=self.project_id.name,
                )
            )
        if not self._runs():
            raise UserError(
                self.env._(
                    "There is nothing to roll back in %(what)s: no finished or failed "
                    "run.",
                    what=self.run_id.name or self.project_id.name,
                )
            )

    def _counts(self):
        """What the journal of the runs says will be undone.

        :returns: ``{model: {"create": count, "update": count}}``
        """
        groups = self.env["migration.log"]._read_group(
            [
                ("run_id", "in", self._runs().ids),
                ("operation", "in", ("create", "update")),
                ("res_id", "!=", False),
            ],
            ["model", "operation"],
            ["__count"],
        )
        counts = {}
        for model, operation, count in groups:
            counts.setdefault(model, {})[operation] = count
        return counts

    def _model_label(self, model):
        return model_label(self.env, model)

    def _kind_labels(self):
        return {
            "posted": self.env._(
                "Posted invoices and entries the migration created: Odoo keeps a "
                "posted entry"
            ),
            "referenced": self.env._(
                "Migrated records that records made since the migration use"
            ),
            "edited": self.env._("Migrated records someone changed since"),
            "chatter": self.env._(
                "Migrated records someone wrote on, scheduled an activity on or "
                "followed since"
            ),
            "deleted": self.env._(
                "Migrated records someone deleted since: nothing left to undo"
            ),
            "needed": self.env._(
                "Migrated records a kept record needs (its customer, its notes...)"
            ),
        }

    def _check_data(self, check):
        """What the wizard shows of a :class:`RollbackCheck`: per kind, the count and
        the first records (name, link, reason)."""

        def rows(items):
            out = []
            for item in items[:SHOWN]:
                record = self.env[item["model"]].sudo().browse(item["res_id"])
                out.append(
                    {
                        "model": item["model"],
                        "res_id": item["res_id"],
                        "name": record.display_name
                        if record.exists()
                        else f"#{item['res_id']}",
                        "reason": item["reason"],
                    }
                )
            return out

        kinds = {
            kind: {
                "count": len(check.findings[kind]),
                "first": rows(check.findings[kind]),
            }
            for kind in KINDS
        }
        listed = {
            (item["model"], item["res_id"])
            for items in check.findings.values()
            for item in items
        }
        needed = [
            {"model": model, "res_id": res_id, "reason": reason}
            for (model, res_id), reason in check.keep().items()
            if (model, res_id) not in listed
        ]
        if any(row["count"] for row in kinds.values()):
            kinds["needed"] = {"count": len(needed), "first": rows(needed)}
        return {"kinds": kinds}

    def _link(self, model, res_id, name):
        return Markup('<a href="/odoo/%s/%s">%s</a>') % (model, res_id, name)

    def _check_html(self, data):
        labels = self._kind_labels()
        body = Markup('<p class="fw-bold">%s</p>') % self.env._(
            "Since the migration, people have worked on some of its records. Rolling "
            "back keeps them, with what they need, and removes the rest; or cancel."
        )
        for kind in (*KINDS, "needed"):
            row = data["kinds"].get(kind)
            if not row or not row["count"]:
                continue
            items = [
                Markup("%s (%s): %s")
                % (
                    self._link(item["model"], item["res_id"], item["name"]),
                    self._model_label(item["model"]),
                    item["reason"],
                )
                for item in row["first"]
            ]
            if row["count"] > len(row["first"]):
                items.append(
                    self.env._(
                        "and %(count)s more", count=row["count"] - len(row["first"])
                    )
                )
            body += Markup("<p>%s: %s</p>") % (labels[kind], row["count"])
            body += self._html_list(items)
        return body

    def _html_list(self, lines):
        return Markup("<ul>%s</ul>") % Markup("").join(
            Markup("<li>%s</li>") % line for line in lines
        )

    def _summary_html(self):
        self.ensure_one()
        runs = self._runs()
        if not runs:
            return Markup("<p>%s</p>") % self.env._(
                "Nothing to roll back: there is no finished or failed run."
            )
        lines = []
        for model, ops in sorted(
            self._counts().items(), key=lambda item: self._model_label(item[0])
        ):
            parts = []
            if ops.get("create"):
                parts.append(
                    self.env._("%(count)s will be deleted", count=ops["create"])
                )
            if ops.get("update"):
                parts.append(
                    self.env._(
                        "%(count)s will get their previous values back",
                        count=ops["update"],
                    )
                )
            lines.append(
                self.env._(
                    "%(kind)s: %(what)s.",
                    kind=self._model_label(model),
                    what=self.env._(" and ").join(parts),
                )
            )
        if self.run_id:
            intro = self.env._("Rolling back run %(run)s:", run=self.run_id.name)
        elif len(runs) == 1:
            intro = self.env._("Rolling back the whole project:")
        else:
            intro = self.env._(
                "Rolling back the whole project, %(count)s runs, newest first:",
                count=len(runs),
            )
        body = Markup("<p>%s</p>") % intro
        if lines:
            body += self._html_list(lines)
        else:
            body += Markup("<p>%s</p>") % self.env._(
                "The journal holds no created or updated record: nothing will change."
            )
        later = self.run_id and self.project_id.run_ids.filtered(
            lambda r: r.id > self.run_id.id and r.state != "rolled_back"
        )
        if later:
            body += Markup('<p class="text-danger">%s</p>') % self.env._(
                "Later runs must be rolled back first: %(runs)s.",
                runs=", ".join(later.mapped("name")),
            )
        body += Markup('<p class="text-muted">%s</p>') % self.env._(
            "Records the migration created are deleted even if someone changed them "
            "since, and updated fields get their old values back. New fields that "
            "someone filled in since are kept. Your old system is not touched."
        )
        return body

    def _done_html(self, title, summary, kept=()):
        """Chatter note of what was undone, from ``{model: (deleted, restored)}``,
        and of what was kept, from ``[(model, id, reason)]``."""
        lines = []
        for model, (deleted, restored) in sorted(
            summary.items(), key=lambda item: self._model_label(item[0])
        ):
            parts = []
            if deleted:
                parts.append(self.env._("%(count)s deleted", count=deleted))
            if restored:
                parts.append(self.env._("%(count)s restored", count=restored))
            if parts:
                lines.append(
                    self.env._(
                        "%(kind)s: %(what)s",
                        kind=self._model_label(model),
                        what=self.env._(", ").join(parts),
                    )
                )
        body = Markup("<p>%s</p>") % title
        if lines:
            body += self._html_list(lines)
        if kept:
            body += Markup("<p>%s</p>") % self.env._(
                "Kept, %(count)s records:", count=len(kept)
            )
            items = []
            for model, res_id, reason in kept[:50]:
                record = self.env[model].sudo().browse(res_id).exists()
                items.append(
                    Markup("%s (%s): %s")
                    % (
                        self._link(model, res_id, record.display_name or f"#{res_id}"),
                        self._model_label(model),
                        reason,
                    )
                )
            if len(kept) > 50:
                items.append(
                    self.env._(
                        "and %(count)s more: see the runs' journal (Kept by a "
                        "rollback).",
                        count=len(kept) - 50,
                    )
                )
            body += self._html_list(items)
        return body
