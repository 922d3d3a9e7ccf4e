# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..engine.labels import model_label

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

    @api.depends("project_id", "run_id")
    def _compute_summary(self):
        for wizard in self:
            wizard.summary = wizard._summary_html() if wizard.project_id else False

    # ------------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------------
    def action_confirm(self):
        self.ensure_one()
        project = self.project_id
        self._check_can_roll_back()
        if self.run_id:
            summary = self.run_id._rollback()
            title = self.env._("Run %(run)s was rolled back.", run=self.run_id.name)
        else:
            summary = project._rollback()
            title = self.env._("The migration was rolled back.")
        project.message_post(body=self._done_html(title, summary))
        return {
            "type": "ir.actions.act_window",
            "res_model": "migration.project",
            "res_id": project.id,
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

    def _done_html(self, title, summary):
        """Chatter note of what was undone, from ``{model: (deleted, restored)}``."""
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
        return body
