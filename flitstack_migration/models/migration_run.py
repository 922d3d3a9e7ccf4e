import json
import logging
import time

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..engine import report
from ..engine.diff import PROBLEMS, STATUSES, DiffBuilder
from ..engine.journal import rollback_run
from ..engine.labels import model_label
from ..engine.loader import MigrationEngine
from ..engine.sample import select_sample
from ..exceptions import MigrationError

_logger = logging.getLogger(__name__)

#: Seconds one background call works before handing back to the cron (which commits
#: and calls again at once): progress is saved and no worker limit cuts a run.
CRON_SLICE_SECONDS = 60


#: counters of a run: the sums of its objects' reconciliation lines
RUN_COUNTERS = (
    "source_count",
    "created_count",
    "updated_count",
    "skipped_count",
    "failed_count",
    "duplicate_count",
    "gone_count",
)
DIFF_COUNTERS = (
    "diff_checked_count",
    "diff_match_count",
    "diff_mismatch_count",
    "diff_missing_count",
    "owner_count",
    "owner_matched_count",
)


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
        [
            ("full", "Full"),
            ("sample", "Sample"),
            ("delta", "Delta"),
            ("schema", "Custom fields"),
        ],
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
        compute="_compute_unmatched_owners_display",
        string="Owners without an Odoo user",
    )
    object_ids = fields.One2many("migration.run.object", "run_id", string="Objects")
    log_ids = fields.One2many("migration.log", "run_id", string="Journal")
    source_count = fields.Integer(compute="_compute_totals", string="In source")
    created_count = fields.Integer(compute="_compute_totals", string="Created")
    updated_count = fields.Integer(compute="_compute_totals", string="Updated")
    skipped_count = fields.Integer(compute="_compute_totals", string="Unchanged")
    failed_count = fields.Integer(compute="_compute_totals", string="Failed")
    duplicate_count = fields.Integer(compute="_compute_totals", string="Repeated rows")
    records_per_second = fields.Float(compute="_compute_totals", digits=(16, 1))
    rollback_summary = fields.Text(readonly=True)
    rollback_summary_display = fields.Text(
        compute="_compute_rollback_summary_display", string="What the rollback undid"
    )
    sample_ids = fields.Text(
        readonly=True,
        help="JSON: object key → source ids of the records a trial run lands",
    )
    failure_ids = fields.One2many(
        "migration.log",
        "run_id",
        string="Failures",
        domain=[("operation", "=", "fail")],
    )
    diff_line_ids = fields.One2many(
        "migration.diff.line", "run_id", string="Field checks"
    )
    diff_checked_count = fields.Integer(
        compute="_compute_diff_totals", string="Fields checked"
    )
    diff_match_count = fields.Integer(compute="_compute_diff_totals", string="Matches")
    diff_mismatch_count = fields.Integer(
        compute="_compute_diff_totals", string="Mismatches"
    )
    diff_missing_count = fields.Integer(
        compute="_compute_diff_totals", string="Missing"
    )
    owner_count = fields.Integer(
        compute="_compute_diff_totals", string="Records with an owner"
    )
    owner_matched_count = fields.Integer(
        compute="_compute_diff_totals", string="Owners found in Odoo"
    )
    owner_rate = fields.Float(
        compute="_compute_diff_totals",
        string="Owners resolved (%)",
        digits=(16, 1),
        help="Records whose owner in the old system matched an Odoo user, out of the "
        "records that name an owner.",
    )
    gone_count = fields.Integer(
        compute="_compute_totals", string="Deleted in the old system"
    )

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
                self.env._("%(owner)s: %(count)s records", owner=owner, count=count)
                for owner, count in sorted(owners.items(), key=lambda item: -item[1])
            )

    @api.depends("object_ids.created_count", "object_ids.failed_count", "duration")
    def _compute_totals(self):
        for run in self:
            for name in RUN_COUNTERS:
                run[name] = sum(run.object_ids.mapped(name))
            processed = run.created_count + run.updated_count + run.skipped_count
            run.records_per_second = processed / run.duration if run.duration else 0.0

    @api.depends("object_ids.diff_checked_count", "object_ids.owner_count")
    def _compute_diff_totals(self):
        for run in self:
            for name in DIFF_COUNTERS:
                run[name] = sum(run.object_ids.mapped(name))
            run.owner_rate = (
                100.0 * run.owner_matched_count / run.owner_count
                if run.owner_count
                else 0.0
            )

    @api.depends("rollback_summary")
    def _compute_rollback_summary_display(self):
        for run in self:
            run.rollback_summary_display = "\n".join(
                self.env._(
                    "%(kind)s: %(deleted)s deleted, %(restored)s restored",
                    kind=model_label(self.env, row["model"]),
                    deleted=row["deleted"],
                    restored=row["restored"],
                )
                for row in run._rollback_rows()
            )

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
                    # every row of the files: records plus repeated rows
                    "source_count": discovery.rows(obj.key),
                },
            )
            for sequence, obj in enumerate(preset.load_order(), start=1)
        ]
        self.records_total = sum(discovery.count(obj.key) for obj in preset.objects)
        if self.mode == "sample":
            counts = {key: len(ids) for key, ids in self._get_sample().items()}
            for line in self.object_ids:
                line.source_count = counts.get(line.object_key, 0)
            self.records_total = sum(self.object_ids.mapped("source_count"))
        self._set_unmatched_owners({})

    def _get_sample(self):
        """``{object key: set of source ids}`` of a trial run (empty otherwise)."""
        return {
            key: set(ids) for key, ids in json.loads(self.sample_ids or "{}").items()
        }

    def _set_sample(self, sample):
        self.sample_ids = json.dumps({key: sorted(ids) for key, ids in sample.items()})

    def _get_unmatched_owners(self):
        return json.loads(self.unmatched_owners or "{}")

    def _set_unmatched_owners(self, owners):
        self.unmatched_owners = json.dumps(dict(owners), sort_keys=True)

    def _execute(self, budget=None, sources=None, diff_sink=None):
        """Run (a slice of) this run. Input errors stop it before anything is written.

        A trial run lands only its sample. Once every object is loaded, the records
        are read back and compared with the source (:mod:`..engine.diff`).

        :param diff_sink: optional callable receiving every line of the field-level
            diff, matches included (the CLI's ``--diff``)
        :returns: True when the run is finished
        """
        self.ensure_one()
        if self.state == "queued":
            self.write({"state": "running", "date_start": fields.Datetime.now()})
        started = time.monotonic()
        project = self.project_id
        with project._open_reader(sources) as reader:
            only = None
            if self.mode == "sample":
                if not self.sample_ids:
                    try:
                        self._set_sample(
                            select_sample(reader, reader.preset, project.sample_size)
                        )
                    except MigrationError as err:
                        raise UserError(str(err)) from err
                only = self._get_sample()
            engine = MigrationEngine(self, reader, progress=self._progress, only=only)
            try:
                finished = engine.execute(budget=budget)
                if finished:
                    self._check_fields(reader, sink=diff_sink)
            except MigrationError as err:
                raise UserError(str(err)) from err
        self.duration += time.monotonic() - started
        if finished:
            self.write({"state": "done", "date_end": fields.Datetime.now()})
            if self.mode == "sample":
                project.write({"state": "sampled", "sample_state": "pending"})
            else:
                project.state = "done"
            project.message_post(body=self._summary_html())
        return finished

    def _diff_scope(self):
        """Source ids the field check covers: the sample, a delta's changes, or all."""
        if self.mode == "sample":
            return self._get_sample()
        if self.mode != "delta":
            return None
        preset = self.project_id._preset()
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT DISTINCT object_key, source_id FROM migration_log
             WHERE run_id = %s AND operation IN ('create', 'update')
               AND source_id IS NOT NULL AND object_key NOT LIKE '\\_%%'
            """,
            (self.id,),
        )
        scope = {}
        for key, source_id in self.env.cr.fetchall():
            obj = preset.get(key)
            scope.setdefault(obj.derived_from or key, set()).add(source_id)
        return scope

    def _check_fields(self, reader, sink=None):
        """Read the run's records back and compare them field by field with the source.

        A trial run keeps every line; a full run or a delta keeps only mismatches,
        missing values and records not migrated, and totals per object.
        """
        self.ensure_one()
        keep = STATUSES if self.mode == "sample" else PROBLEMS
        builder = DiffBuilder(
            self, reader, only=self._diff_scope(), keep=keep, sink=sink
        )
        totals, lines = builder.execute()
        self.diff_line_ids.unlink()
        for start in range(0, len(lines), 1000):
            self.env["migration.diff.line"].create(
                [dict(line, run_id=self.id) for line in lines[start : start + 1000]]
            )
        for line in self.object_ids:
            counts = totals.get(line.object_key, {})
            line.write(
                {
                    "diff_checked_count": counts.get("checked", 0),
                    "diff_match_count": counts.get("match", 0),
                    "diff_mismatch_count": counts.get("mismatch", 0),
                    "diff_missing_count": counts.get("missing", 0),
                    "diff_not_migrated_count": counts.get("not_migrated", 0),
                    "owner_count": counts.get("owners", 0),
                    "owner_matched_count": counts.get("owners_matched", 0),
                }
            )
        return totals

    def _progress(self, done, total):
        self.records_done = done
        if self.env.context.get("flitstack_cron"):
            self.env["ir.cron"]._notify_progress(
                done=done, remaining=max(total - done, 0)
            )

    @api.model
    def _cron_process_queue(self):
        """Background worker: go on with the oldest waiting or running run."""
        run = self.search([("state", "in", ("queued", "running"))], order="id", limit=1)
        if not run:
            return
        run = run.with_context(flitstack_cron=True)
        try:
            finished = run._execute(budget=CRON_SLICE_SECONDS)
        except Exception as err:
            self.env.cr.rollback()
            _logger.exception("Migration run %s failed", run.id)
            run.write(
                {
                    "state": "failed",
                    "error_message": str(err),
                    "date_end": fields.Datetime.now(),
                }
            )
            run.project_id.state = "failed"
            run.project_id.message_post(
                body=self.env._("The migration stopped: %(error)s", error=str(err))
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
            lambda r: (
                r.id > self.id and r.state in ("done", "failed", "running", "queued")
            )
        )
        if later:
            raise UserError(
                self.env._(
                    "Roll back the later runs of this project first: %(runs)s.",
                    runs=", ".join(later.mapped("name")),
                )
            )
        summary = rollback_run(self)
        self.write(
            {
                "state": "rolled_back",
                "rollback_summary": json.dumps(
                    {
                        model: {"deleted": d, "restored": r}
                        for model, (d, r) in summary.items()
                    },
                    sort_keys=True,
                ),
            }
        )
        project = self.project_id
        landed = project.run_ids.filtered(lambda r: r.state != "rolled_back")
        if not landed:
            project.state = "rolled_back"
        elif all(run.mode == "sample" for run in landed):
            project.state = "sampled"
        if self.mode == "sample" and project.sample_state == "pending":
            project.sample_state = "none"
        return summary

    def _rollback_rows(self):
        """What the rollback of this run undid: ``[{model, deleted, restored}]``."""
        self.ensure_one()
        summary = json.loads(self.rollback_summary or "{}")
        return [
            {"model": model, "deleted": row["deleted"], "restored": row["restored"]}
            for model, row in sorted(summary.items())
        ]

    def action_rollback(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "migration.rollback.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_project_id": self.project_id.id,
                "default_run_id": self.id,
            },
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
        return self._download(
            f"migration-report-{self.id}.json",
            json.dumps(self._report(), indent=2, default=str).encode(),
            "application/json",
        )

    def action_download_reconciliation_csv(self):
        """The reconciliation as a CSV file: objects, then failures, then rollback."""
        self.ensure_one()
        return self._download(
            f"migration-reconciliation-{self.id}.csv",
            self._reconciliation_csv(),
            "text/csv",
        )

    def action_download_diff_csv(self):
        """The field checks of this run as a CSV file."""
        self.ensure_one()
        return self._download(
            f"migration-diff-{self.id}.csv", self._diff_csv(), "text/csv"
        )

    def action_print_report(self):
        self.ensure_one()
        return self.env.ref(
            "flitstack_migration.action_report_migration_run"
        ).report_action(self)

    def action_view_diff(self):
        """The field checks of this run, grouped by object and status."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "flitstack_migration.migration_diff_line_action"
        )
        action["domain"] = [("run_id", "=", self.id)]
        action["context"] = {
            "search_default_group_object": 1,
            "search_default_group_status": 1,
        }
        action["display_name"] = self.env._("Field checks of %(run)s", run=self.name)
        return action

    def _download(self, name, raw, mimetype):
        attachment = self.env["ir.attachment"].create(
            {
                "name": name,
                "raw": raw,
                "mimetype": mimetype,
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
    # Report (built in engine/report.py)
    # ------------------------------------------------------------------
    def _report(self):
        """The reconciliation as a dict: per object, then failures, then speed."""
        self.ensure_one()
        return report.build_report(self)

    def _reconciliation_csv(self):
        self.ensure_one()
        return report.reconciliation_csv(self)

    def _diff_csv(self):
        self.ensure_one()
        return report.diff_csv(self)

    def _summary_html(self):
        self.ensure_one()
        return report.summary_html(self)
