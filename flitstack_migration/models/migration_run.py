import json
import logging
import time

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..engine.loader import MigrationEngine, rollback_run
from ..exceptions import MigrationError

_logger = logging.getLogger(__name__)

#: Seconds one background call works before handing back to the cron (which commits
#: and calls again at once): progress is saved and no worker limit cuts a run.
CRON_SLICE_SECONDS = 60


class MigrationRun(models.Model):
    """One execution of a project's migration (full, sample or delta).

    - keeps its mode, state, timing and progress;
    - keeps per-object reconciliation counters (``migration.run.object``);
    - is the unit of rollback: its journal is its ``migration.log`` rows.
    """

    _name = "migration.run"
    _description = "Data Migration Run"
    _order = "id desc"

    project_id = fields.Many2one(
        "migration.project", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="project_id.company_id", store=True)
    name = fields.Char(compute="_compute_name")
    mode = fields.Selection(
        [("full", "Full"), ("sample", "Sample"), ("delta", "Delta")],
        default="full",
        required=True,
    )
    state = fields.Selection(
        [
            ("queued", "Waiting"),
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Failed"),
            ("rolled_back", "Rolled back"),
        ],
        default="queued",
        required=True,
        index=True,
    )
    date_start = fields.Datetime("Started", readonly=True)
    date_end = fields.Datetime("Finished", readonly=True)
    duration = fields.Float("Duration (s)", readonly=True, digits=(16, 1))
    records_total = fields.Integer("Records in the source", readonly=True)
    records_done = fields.Integer("Records processed", readonly=True)
    progress = fields.Float(compute="_compute_progress")
    error_message = fields.Text(readonly=True)
    unmatched_owners = fields.Text(readonly=True, help="JSON: owner → record count")
    unmatched_owners_display = fields.Text(
        compute="_compute_unmatched_owners_display", string="Owners without an Odoo user"
    )
    object_ids = fields.One2many("migration.run.object", "run_id", string="Objects")
    log_ids = fields.One2many("migration.log", "run_id", string="Journal")
    source_count = fields.Integer(compute="_compute_totals", string="In source")
    created_count = fields.Integer(compute="_compute_totals", string="Created")
    updated_count = fields.Integer(compute="_compute_totals", string="Updated")
    skipped_count = fields.Integer(compute="_compute_totals", string="Unchanged")
    failed_count = fields.Integer(compute="_compute_totals", string="Failed")
    records_per_second = fields.Float(compute="_compute_totals", digits=(16, 1))
    rollback_summary = fields.Text(readonly=True)

    @api.depends("project_id.name", "mode", "date_start")
    def _compute_name(self):
        modes = dict(self._fields["mode"].selection)
        for run in self:
            run.name = f"{run.project_id.name} / {modes[run.mode]} #{run.id or ''}"

    @api.depends("records_done", "records_total", "state")
    def _compute_progress(self):
        for run in self:
            if run.state in ("done", "rolled_back"):
                run.progress = 100.0
            elif run.records_total:
                run.progress = min(100.0, 100.0 * run.records_done / run.records_total)
            else:
                run.progress = 0.0

    @api.depends("unmatched_owners")
    def _compute_unmatched_owners_display(self):
        for run in self:
            owners = run._get_unmatched_owners()
            run.unmatched_owners_display = "\n".join(
                _("%(owner)s: %(count)s records", owner=owner, count=count)
                for owner, count in sorted(owners.items(), key=lambda item: -item[1])
            )

    @api.depends("object_ids.created_count", "object_ids.failed_count", "duration")
    def _compute_totals(self):
        for run in self:
            objs = run.object_ids
            run.source_count = sum(objs.mapped("source_count"))
            run.created_count = sum(objs.mapped("created_count"))
            run.updated_count = sum(objs.mapped("updated_count"))
            run.skipped_count = sum(objs.mapped("skipped_count"))
            run.failed_count = sum(objs.mapped("failed_count"))
            processed = run.created_count + run.updated_count + run.skipped_count
            run.records_per_second = processed / run.duration if run.duration else 0.0

    # ------------------------------------------------------------------
    # Execution
    # ------------------------------------------------------------------
    def _init_objects(self, discovery):
        """Reconciliation lines, one per object in load order, with source counts."""
        self.ensure_one()
        preset = self.project_id._preset()
        self.object_ids = [
            (
                0,
                0,
                {
                    "sequence": sequence,
                    "object_key": obj.key,
                    "name": obj.label,
                    "model": obj.model,
                    "source_count": discovery.count(obj.key),
                },
            )
            for sequence, obj in enumerate(preset.load_order(), start=1)
        ]
        self.records_total = sum(discovery.count(obj.key) for obj in preset.objects)
        self._set_unmatched_owners({})

    def _get_unmatched_owners(self):
        return json.loads(self.unmatched_owners or "{}")

    def _set_unmatched_owners(self, owners):
        self.unmatched_owners = json.dumps(dict(owners), sort_keys=True)

    def _execute(self, budget=None, sources=None):
        """Run (a slice of) this run. Input errors stop it before anything is written.

        :returns: True when the run is finished
        """
        self.ensure_one()
        if self.state == "queued":
            self.write({"state": "running", "date_start": fields.Datetime.now()})
        started = time.monotonic()
        project = self.project_id
        with project._open_reader(sources) as reader:
            engine = MigrationEngine(self, reader, progress=self._progress)
            try:
                finished = engine.execute(budget=budget)
            except MigrationError as err:
                raise UserError(str(err)) from err
        self.duration += time.monotonic() - started
        if finished:
            self.write({"state": "done", "date_end": fields.Datetime.now()})
            project.state = "done"
            project.message_post(body=self._summary_html())
        return finished

    def _progress(self, done, total):
        self.records_done = done
        if self.env.context.get("flitstack_cron"):
            self.env["ir.cron"]._notify_progress(done=done, remaining=max(total - done, 0))

    @api.model
    def _cron_process_queue(self):
        """Background worker: go on with the oldest waiting or running run."""
        run = self.search([("state", "in", ("queued", "running"))], order="id", limit=1)
        if not run:
            return
        run = run.with_context(flitstack_cron=True)
        try:
            finished = run._execute(budget=CRON_SLICE_SECONDS)
        except Exception as err:  # noqa: BLE001 - stored for the admin, then re-raised off
            self.env.cr.rollback()
            _logger.exception("Migration run %s failed", run.id)
            run.write(
                {"state": "failed", "error_message": str(err), "date_end": fields.Datetime.now()}
            )
            run.project_id.state = "failed"
            run.project_id.message_post(
                body=_("The migration stopped: %(error)s", error=str(err))
            )
            return
        remaining = self.search_count([("state", "in", ("queued", "running"))])
        if not finished or remaining:
            self.env["ir.cron"]._notify_progress(done=run.records_done, remaining=1)

    # ------------------------------------------------------------------
    # Rollback
    # ------------------------------------------------------------------
    def _rollback(self):
        """Undo this run from its journal; later runs must be undone first."""
        self.ensure_one()
        later = self.project_id.run_ids.filtered(
            lambda r: r.id > self.id and r.state in ("done", "failed", "running", "queued")
        )
        if later:
            raise UserError(
                _("Roll back the later runs of this project first: %(runs)s.",
                  runs=", ".join(later.mapped("name")))
            )
        summary = rollback_run(self)
        self.write(
            {
                "state": "rolled_back",
                "rollback_summary": json.dumps(
                    {model: {"deleted": d, "restored": r} for model, (d, r) in summary.items()},
                    sort_keys=True,
                ),
            }
        )
        if not self.project_id.run_ids.filtered(lambda r: r.state != "rolled_back"):
            self.project_id.state = "rolled_back"
        return summary

    def action_rollback(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "migration.rollback.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_project_id": self.project_id.id, "default_run_id": self.id},
        }

    def action_view_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "flitstack_migration.migration_log_action"
        )
        action["domain"] = [("run_id", "=", self.id)]
        return action

    def action_download_report(self):
        """The reconciliation report as a JSON file, as the CLI writes it."""
        self.ensure_one()
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"migration-report-{self.id}.json",
                "raw": json.dumps(self._report(), indent=2, default=str).encode(),
                "mimetype": "application/json",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def _action_open(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": "migration.run",
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    # ------------------------------------------------------------------
    # Report
    # ------------------------------------------------------------------
    def _report(self):
        """The reconciliation as a dict: per object, then failures, then speed."""
        self.ensure_one()
        failures = self.env["migration.log"].search_read(
            [("run_id", "=", self.id), ("operation", "=", "fail")],
            ["object_key", "source_id", "message", "file_name", "line"],
            order="id",
        )
        processed = self.created_count + self.updated_count + self.skipped_count
        return {
            "project": self.project_id.name,
            "project_id": self.project_id.id,
            "platform": self.project_id.platform,
            "run": self.id,
            "mode": self.mode,
            "state": self.state,
            "objects": [
                {
                    "object": line.object_key,
                    "label": line.name,
                    "target_model": line.model,
                    "source_count": line.source_count,
                    "created": line.created_count,
                    "updated": line.updated_count,
                    "skipped": line.skipped_count,
                    "failed": line.failed_count,
                    "deleted_in_source": line.gone_count,
                    "seconds": round(line.duration, 2),
                }
                for line in self.object_ids.sorted("sequence")
            ],
            "failures": [
                {
                    "object": row["object_key"],
                    "source_id": row["source_id"],
                    "reason": row["message"],
                    "file": row["file_name"],
                    "line": row["line"],
                }
                for row in failures
            ],
            "unmatched_owners": self._get_unmatched_owners(),
            "duration_seconds": round(self.duration, 2),
            "records_per_second": round(processed / self.duration, 1) if self.duration else 0,
        }

    def _summary_html(self):
        rows = "".join(
            f"<li>{line.name}: {line.source_count} in the source, {line.created_count} "
            f"created, {line.updated_count} updated, {line.skipped_count} unchanged, "
            f"{line.failed_count} failed</li>"
            for line in self.object_ids.sorted("sequence")
        )
        return _("Migration finished in %(seconds)s s.", seconds=round(self.duration, 1)) + (
            f"<ul>{rows}</ul>"
        )


class MigrationRunObject(models.Model):
    """Reconciliation of one object in one run."""

    _name = "migration.run.object"
    _description = "Data Migration Run Object"
    _order = "run_id, sequence"

    run_id = fields.Many2one("migration.run", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer()
    object_key = fields.Char(required=True)
    name = fields.Char("Object", required=True)
    model = fields.Char("Odoo model", required=True)
    model_label = fields.Char("Lands in", compute="_compute_model_label")
    state = fields.Selection(
        [("pending", "Pending"), ("running", "Running"), ("done", "Done")],
        default="pending",
        required=True,
    )
    offset = fields.Integer(help="Records of the source already processed.")
    source_count = fields.Integer("In source")
    created_count = fields.Integer("Created")
    updated_count = fields.Integer("Updated")
    skipped_count = fields.Integer("Unchanged")
    failed_count = fields.Integer("Failed")
    gone_count = fields.Integer(
        "Deleted in the old system",
        help="Records an earlier run brought over that the source no longer has. "
        "They are listed, never deleted in Odoo.",
    )
    duration = fields.Float("Duration (s)", digits=(16, 1))

    @api.depends("model")
    def _compute_model_label(self):
        for line in self:
            line.model_label = model_label(self.env, line.model)


def model_label(env, model):
    """The name an admin knows a model by ("Contact"), not its technical name."""
    if not model:
        return False
    return env["ir.model"]._get(model).name or model
