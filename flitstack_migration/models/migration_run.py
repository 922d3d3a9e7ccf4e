# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
import time
import weakref
from contextlib import contextmanager
from datetime import timedelta

from babel.dates import format_timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.service.server import SLEEP_INTERVAL
from odoo.tools import config, format_datetime
from odoo.tools.misc import get_lang

from ..engine import report
from ..engine.diff import PROBLEMS, STATUSES, DiffBuilder
from ..engine.journal import rollback_run
from ..engine.labels import model_label
from ..engine.loader import MigrationEngine
from ..engine.sample import select_sample
from ..exceptions import MigrationError

_logger = logging.getLogger(__name__)

#: Seconds one background call works at most before handing back to the cron (which
#: commits and calls again at once): progress is saved and no worker limit cuts a run.
CRON_SLICE_SECONDS = 60
#: Share of the cron worker's time (see :func:`cron_call_time`) the slices of one
#: cron call may use together; the rest is the margin of the last batch.
CRON_LIMIT_SHARE = 0.5
#: Seconds a cron worker of a multi-worker server may have slept since Odoo's
#: watchdog last heard from it: it waits for work up to ``SLEEP_INTERVAL`` plus
#: its pid modulo 10 (``WorkerCron.sleep``), and that wait counts against its limit.
CRON_WORKER_SLEEP = SLEEP_INTERVAL + 10
#: How many times in a row Odoo's cron calls a job that says it has work left
#: (``MAX_BATCH_PER_CRON_JOB`` of ``ir.cron``).
MAX_SLICES_PER_CRON_CALL = 10
#: Slices started in a row without saving progress before a run is stalled.
MAX_ATTEMPTS = 3
#: Without progress for this long, a waiting or running run is shown as stalled.
STALL_AFTER = timedelta(minutes=15)
#: How much earlier than the last landed run's start a delta reads changes from.
SINCE_MARGIN = timedelta(minutes=1)
#: When the slices of the current cron call started, by cron cursor.
_CRON_CALLS = weakref.WeakKeyDictionary()
#: Seconds at least between two progress notifications of a run (after a batch).
PUSH_EVERY = 2.0
#: When each run last told its watchers how far it got: (database, run id) →
#: ``time.monotonic()``.
_LAST_PUSH = {}
#: The bus notification a run sends while it works, on its channel and its project's
#: (static/src/js/live_form.js reloads their open forms).
PROGRESS_NOTIFICATION = "flitstack_migration.progress"
#: How many slices the current cron call ran, by cron cursor.
_CRON_SLICES = weakref.WeakKeyDictionary()


def cron_call_time(limit):
    """Seconds a cron call can count on before Odoo kills its worker: the
    worker's time limit less the sleep that may have preceded the call (a
    quarter of the limit at least), and no more than its CPU time limit
    (``limit_time_cpu``, also counted per round of the worker; CPU time is at
    most wall time)."""
    seconds = max(limit - CRON_WORKER_SLEEP, limit / 4)
    cpu = config.get("limit_time_cpu")
    return min(seconds, cpu) if cpu and cpu > 0 else seconds


def worker_time_limit():
    """Seconds Odoo lets a cron worker work before killing it, or None (no limit:
    a server without workers kills no cron)."""
    if not config.get("workers"):
        return None
    limit = config.get("limit_time_real_cron")
    if limit is None or limit == -1:
        limit = config.get("limit_time_real")
    return limit if limit and limit > 0 else None


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
#: diff totals (as the diff counts them) → the object line's counter
CHECK_COUNTERS = {
    "checked": "diff_checked_count",
    "match": "diff_match_count",
    "mismatch": "diff_mismatch_count",
    "missing": "diff_missing_count",
    "not_migrated": "diff_not_migrated_count",
    "owners": "owner_count",
    "owners_matched": "owner_matched_count",
}
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
            ("cancelled", "Cancelled"),
            ("rolled_back", "Rolled back"),
        ],
        default="queued",
        required=True,
        index=True,
    )
    stage = fields.Selection(
        [
            ("discover", "Reading the files"),
            ("schema", "Creating custom fields"),
            ("load", "Bringing records over"),
            ("check", "Checking fields"),
            ("report", "Writing the summary"),
            ("done", "Finished"),
        ],
        string="Step",
        default="discover",
        required=True,
        readonly=True,
    )
    queued_by_id = fields.Many2one(
        "res.users",
        string="Started by",
        default=lambda self: self.env.user,
        readonly=True,
        help="The run works as this user, with the rights a migration needs.",
    )
    last_progress_date = fields.Datetime(
        "Last progress",
        readonly=True,
        help="When the background job last saved progress on this run.",
    )
    last_attempt_date = fields.Datetime(readonly=True)
    job_queue = fields.Boolean(
        "On the job queue",
        readonly=True,
        help="The records land in jobs of the job queue (queue_job) that several "
        "workers take side by side; the field check and the summary follow in the "
        "scheduler's background job.",
    )
    batch_ids = fields.One2many(
        "migration.run.batch", "run_id", string="Jobs", readonly=True
    )
    slice_count = fields.Integer(
        "Slices",
        readonly=True,
        help="Background slices that saved progress on this run.",
    )
    attempt_count = fields.Integer(
        readonly=True,
        help="Slices started since the last one that saved progress.",
    )
    is_stalled = fields.Boolean("Stalled", compute="_compute_stalled")
    stall_reason = fields.Text(compute="_compute_stalled")
    date_start = fields.Datetime("Started", readonly=True)
    date_end = fields.Datetime("Finished", readonly=True)
    duration = fields.Float("Duration (s)", readonly=True, digits=(16, 1))
    records_total = fields.Integer("Records in the source", readonly=True)
    records_done = fields.Integer("Records processed", readonly=True)
    progress = fields.Float(compute="_compute_progress")
    current_object = fields.Char(
        "Now bringing over",
        readonly=True,
        help="The kind of record the run works on (the last one, once it is done).",
    )
    progress_ids = fields.One2many(
        "migration.run.progress", "run_id", string="Progress snapshots"
    )
    progress_done = fields.Integer("Records done", compute="_compute_progress")
    progress_total = fields.Integer("Records in all", compute="_compute_progress")
    progress_object = fields.Char("Working on", compute="_compute_progress")
    eta_seconds = fields.Integer(
        "Seconds left",
        compute="_compute_progress",
        help="Estimated from the rate so far: records done since the run started, "
        "per second.",
    )
    time_left = fields.Char(
        compute="_compute_progress",
        help="Estimated from the records done so far and the time they took.",
    )
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
    rollback_kept = fields.Text(
        readonly=True,
        help="JSON: [model, id, reason] of the records the rollback had to keep.",
    )
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

    @api.depends(
        "records_done",
        "records_total",
        "state",
        "stage",
        "current_object",
        "date_start",
        "progress_ids.records_done",
    )
    def _compute_progress(self):
        """How far the run got: records done of total, what it works on, time left.

        While the run works, the snapshot its worker saves after each batch is newer
        than the run's own counters (saved when a slice ends): the newer one counts.
        The time left is the records still to do at the rate so far.
        """
        stages = dict(self._fields["stage"]._description_selection(self.env))
        now = fields.Datetime.now()
        for run in self:
            done, total = run.records_done, run.records_total
            label, at = run.current_object, now
            snapshot = run.progress_ids[:1]
            under_way = run.state in ("queued", "running")
            if under_way and snapshot and snapshot.records_done >= done:
                done = snapshot.records_done
                total = snapshot.records_total or total
                label = snapshot.object_label or label
                at = snapshot.date
            finished = run.state in ("done", "rolled_back")
            if finished:
                done = max(done, total)
            run.progress_done = done
            run.progress_total = total
            if finished:
                run.progress = 100.0
            else:
                run.progress = min(100.0, 100.0 * done / total) if total else 0.0
            run.progress_object = (
                (label if run.stage == "load" else stages.get(run.stage))
                if under_way
                else False
            )
            run.eta_seconds = 0
            run.time_left = False
            elapsed = (at - run.date_start).total_seconds() if run.date_start else 0
            if under_way and run.stage == "load" and done and elapsed > 0:
                run.eta_seconds = round((total - done) * elapsed / done)
                run.time_left = self.env._(
                    "About %(time)s left",
                    time=format_timedelta(
                        timedelta(seconds=max(run.eta_seconds, 1)),
                        threshold=1.0,
                        locale=get_lang(self.env).code,
                    ),
                )

    @api.depends("state", "attempt_count", "last_progress_date", "error_message")
    def _compute_stalled(self):
        now = fields.Datetime.now()
        for run in self:
            reason = False
            since = run.last_progress_date or run.date_start or run.create_date
            failed = run._on_job_queue() and run.batch_ids._failed_jobs()
            if run.state not in ("queued", "running"):
                pass
            elif run._on_job_queue():
                if failed:
                    reason = self.env._(
                        "A job of this migration failed: %(error)s Once the cause "
                        "is fixed, resume the migration: its failed jobs run again "
                        "(what they had landed was undone with them). Or cancel it: "
                        "what it brought over stays, and you can roll it back.",
                        error=(failed[0].exc_message or failed[0].name or "").strip(),
                    )
            elif run.attempt_count >= MAX_ATTEMPTS:
                why = (
                    self.env._("The last error was: %(error)s", error=run.error_message)
                    if run.error_message
                    else self.env._(
                        "The server stopped them without an error message: most "
                        "likely they ran out of time or memory."
                    )
                )
                reason = self.env._(
                    "The last %(count)s attempts to go on stopped before saving any "
                    "progress, so the migration waits for you. %(why)s Resume it "
                    "once the cause is fixed, or cancel it: what it brought over "
                    "stays, and you can roll it back.",
                    count=run.attempt_count,
                    why=why,
                )
            elif since and now - since > STALL_AFTER:
                reason = self.env._(
                    "No progress since %(since)s. The background job may be switched "
                    "off, or the server too busy. Resume it, or cancel it: what it "
                    "brought over stays, and you can roll it back.",
                    since=format_datetime(self.env, since),
                )
            run.stall_reason = reason
            run.is_stalled = bool(reason)

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

    @api.depends("rollback_summary", "rollback_kept")
    def _compute_rollback_summary_display(self):
        for run in self:
            lines = [
                self.env._(
                    "%(kind)s: %(deleted)s deleted, %(restored)s restored",
                    kind=model_label(self.env, row["model"]),
                    deleted=row["deleted"],
                    restored=row["restored"],
                )
                for row in run._rollback_rows()
            ]
            lines += [
                self.env._(
                    "Kept: %(kind)s #%(id)s, %(reason)s",
                    kind=model_label(self.env, model),
                    id=res_id,
                    reason=reason,
                )
                for model, res_id, reason in json.loads(run.rollback_kept or "[]")
            ]
            run.rollback_summary_display = "\n".join(lines)

    # ------------------------------------------------------------------
    # Execution
    # ------------------------------------------------------------------
    def _init_objects(self):
        """Reconciliation lines, one per object in load order, not counted yet (see
        :mod:`..engine.counting`)."""
        self.ensure_one()
        preset = self.project_id._run_preset()
        self.object_ids = [
            (
                0,
                0,
                {
                    "sequence": sequence,
                    "object_key": obj.key,
                    "name": obj.label,
                    "model": obj.model,
                },
            )
            for sequence, obj in enumerate(preset.load_order(), start=1)
        ]
        self._set_unmatched_owners({})

    def _run_preset(self):
        """The objects this run loads: those it was started with (an optional
        object turned on or off while it runs changes the next run only)."""
        self.ensure_one()
        if not self.object_ids:
            return self.project_id._run_preset()
        preset = self.project_id._preset()
        keys = set(self.object_ids.mapped("object_key"))
        return preset.without(obj.key for obj in preset.objects if obj.key not in keys)

    def _discovered(self):
        """Every object is counted: the run's total (a trial run: its sample's)."""
        self.ensure_one()
        self.records_total = sum(self.object_ids.mapped("discover_offset"))
        if self.mode == "sample":
            counts = {key: len(ids) for key, ids in self._get_sample().items()}
            for line in self.object_ids:
                line.source_count = counts.get(line.object_key, 0)
            self.records_total = sum(self.object_ids.mapped("source_count"))

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

        A run goes through its steps (``stage``): reading the files, creating the
        custom fields, bringing the records over, checking the fields, the report.
        With a ``budget``, reading the files and creating the custom fields each end
        the slice (the fields' registry change is saved alone), and the other steps
        stop between two batches once the budget is spent; the next call goes on
        where this one stopped. A trial run lands only its sample.

        :param diff_sink: optional callable receiving every line of the field-level
            diff, matches included (the CLI's ``--diff``)
        :returns: True when the run is finished
        """
        self.ensure_one()
        if self.state == "queued":
            self.write({"state": "running", "date_start": fields.Datetime.now()})
        if self._needs_snapshot():
            # a slice of its own: the copy is saved before anything is written
            try:
                self._take_snapshot()
            except UserError as err:
                self.write(
                    {
                        "state": "failed",
                        "error_message": str(err),
                        "date_end": fields.Datetime.now(),
                    }
                )
                raise
            if budget:
                return False
        started = time.monotonic()
        deadline = started + budget if budget else None
        with self.project_id._open_reader(sources, since=self._since()) as reader:
            reader.preset = self._run_preset()
            try:
                while self.stage != "done" and not self._on_job_queue():
                    ends_slice = self._execute_stage(reader, deadline, diff_sink)
                    if budget and (ends_slice or time.monotonic() > deadline):
                        break
            except MigrationError as err:
                raise UserError(str(err)) from err
        self.duration += time.monotonic() - started
        # the slice's end: its counters are seen once this transaction commits
        self._notify_watchers()
        return self.stage == "done"

    def _since(self):
        """For a delta: when the last run that landed everything started, as an ISO
        UTC timestamp (a reader that can tell what changed since reads only that);
        None otherwise."""
        self.ensure_one()
        if self.mode != "delta":
            return None
        previous = self.search(
            [
                ("project_id", "=", self.project_id.id),
                ("id", "!=", self.id),
                ("mode", "in", ("full", "delta")),
                ("state", "=", "done"),
                ("date_start", "!=", False),
            ],
            order="date_start desc, id desc",
            limit=1,
        )
        if not previous:
            return None
        # a minute early: a change made as that run started is read again (an
        # unchanged record costs a hash comparison), never missed
        since = previous.date_start - SINCE_MARGIN
        return since.strftime("%Y-%m-%dT%H:%M:%S.000Z")

    def _needs_snapshot(self):
        """A full run of a project that asks for a snapshot, before its first step,
        without one yet."""
        self.ensure_one()
        return (
            self.mode == "full"
            and self.stage == "discover"
            and self.project_id.snapshot_before_run
            and not self.env["migration.snapshot"]
            .sudo()
            .search_count([("run_id", "=", self.id), ("state", "=", "done")])
        )

    def _take_snapshot(self):
        """Copy the database before this run writes anything (see
        ``models/migration_snapshot.py``); the run stops if it cannot be made."""
        self.ensure_one()
        snapshot = self.env["migration.snapshot"]._take(self)
        self.project_id.message_post(
            body=self.env._(
                "Database snapshot %(name)s (%(size)s) taken before %(run)s. The "
                "server administrator can restore it from the project.",
                name=snapshot.name,
                size=snapshot.size_display,
                run=self.name,
            )
        )
        return snapshot

    def _execute_stage(self, reader, deadline=None, diff_sink=None):
        """Go on with the current step; returns True when the slice must end here.

        Reading the files and creating the custom fields end a slice (reading the
        files may take several, counting each object from where it stopped);
        loading and checking end it when they stop before the end (out of time).
        """
        stage = self.stage
        only = self._get_sample() if self.mode == "sample" else None
        if stage == "discover":
            if self.mode == "sample" and not self.sample_ids:
                self._set_sample(
                    select_sample(reader, reader.preset, self.project_id.sample_size)
                )
                only = self._get_sample()
            if MigrationEngine(self, reader, only=only).discover(deadline):
                self.stage = "schema"
            return True
        if stage == "schema":
            MigrationEngine(self, reader, only=only).ensure_schema()
            self.stage = "load"
            return True
        if stage == "load":
            if self._job_queue_ready():
                # the records land in jobs, side by side; the last one hands the
                # run back to the scheduler for the field check
                self.job_queue = True
                self.env["migration.run.batch"]._enqueue_load(self, reader)
                return True
            engine = MigrationEngine(
                self,
                reader,
                progress=self._progress,
                only=only,
                kill_at=self.env.context.get("flitstack_kill_at"),
            )
            if not engine.execute(deadline=deadline):
                return True
            self._start_check()
            self.stage = "check"
            return False
        if stage == "check":
            if not self._continue_check(reader, sink=diff_sink, deadline=deadline):
                return True
            self.stage = "report"
            return False
        self._finish()
        self.stage = "done"
        return False

    def _finish(self):
        """Last step: the run is done, the project says so, the summary is posted."""
        project = self.project_id
        self.write({"state": "done", "date_end": fields.Datetime.now()})
        if self.mode == "sample":
            project.write({"state": "sampled", "sample_state": "pending"})
        else:
            project.state = "done"
        project.message_post(body=self._summary_html())

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
        self._start_check()
        self._continue_check(reader, sink=sink)

    def _start_check(self):
        """Forget an earlier field check of this run: the check starts over."""
        self.diff_line_ids.unlink()
        self.object_ids.write(
            dict(
                {name: 0 for name in CHECK_COUNTERS.values()},
                check_offset=0,
                check_done=False,
            )
        )

    def _continue_check(self, reader, sink=None, deadline=None):
        """Compare the records from where the check stopped, object by object.

        Lines and totals are saved after each object's part, so that a slice that
        stops (out of time) or dies loses nothing already saved.

        :returns: True when every object is checked
        """
        self.ensure_one()
        keep = STATUSES if self.mode == "sample" else PROBLEMS
        builder = DiffBuilder(
            self, reader, only=self._diff_scope(), keep=keep, sink=sink
        )
        worked = False
        for line in self.object_ids.sorted("sequence"):
            if line.check_done:
                continue
            if worked and deadline and time.monotonic() > deadline:
                return False
            worked = True
            obj = reader.preset.get(line.object_key)
            finished, position = builder.execute_object(
                obj, start=line.check_offset, deadline=deadline
            )
            totals, lines = builder.take()
            for start in range(0, len(lines), 1000):
                self.env["migration.diff.line"].create(
                    [dict(row, run_id=self.id) for row in lines[start : start + 1000]]
                )
            counts = totals.get(line.object_key, {})
            line.write(
                dict(
                    {
                        name: line[name] + counts.get(key, 0)
                        for key, name in CHECK_COUNTERS.items()
                    },
                    check_offset=position,
                    check_done=finished,
                )
            )
            if not finished:
                return False
        return True

    def _progress(self, done, total, current=None):
        """After each batch: the run's counters, and at most every ``PUSH_EVERY``
        seconds a snapshot and a bus notification for whoever watches the run or its
        project. (Odoo's cron is told by :meth:`_cron_process_queue`, in the cron's
        transaction: the slice's own transaction must not write the cron's progress
        row, which the cron's transaction writes after it.)

        :param current: label of the object the batch belonged to
        """
        self.records_done = done
        if current and current != self.current_object:
            self.current_object = current
        key = (self.env.cr.dbname, self.id)
        now = time.monotonic()
        if now - _LAST_PUSH.get(key, float("-inf")) >= PUSH_EVERY:
            _LAST_PUSH[key] = now
            self._push_progress(done, total, self.current_object)

    def _push_progress(self, done, total, current):
        """Save how far the run got and tell its watchers, committed at once.

        Written on a cursor of its own: the slice's transaction, which holds the
        run's own counters, commits only when the slice ends. The snapshot is a row
        of its own (``migration.run.progress``), never the run's, which the slice
        holds locked. A run not committed yet (made in the current transaction, as
        in a test) is written in the current transaction. Progress is news, not
        data: failing to save it is logged, never raised.
        """
        self.ensure_one()
        vals = {
            "records_done": done,
            "records_total": total,
            "object_label": current or False,
            "date": fields.Datetime.now(),
        }
        try:
            with self.env.registry.cursor() as cr:
                cr.execute("SET LOCAL lock_timeout = '2s'")
                cr.execute("SELECT 1 FROM migration_run WHERE id = %s", [self.id])
                if cr.fetchone():
                    self.with_env(self.env(cr=cr, su=True))._save_progress(vals)
                    return
            with self.env.cr.savepoint():
                self.sudo()._save_progress(vals)
        except Exception:  # progress is news: it never stops a run
            _logger.warning(
                "Migration run %s: progress not saved", self.id, exc_info=True
            )

    def _save_progress(self, vals):
        """Write the run's progress snapshot, then notify its watchers."""
        snapshot = self.progress_ids[:1]
        if snapshot:
            snapshot.write(vals)
        else:
            self.env["migration.run.progress"].create(dict(vals, run_id=self.id))
        self._notify_watchers(vals["records_done"], vals["records_total"])

    def _notify_watchers(self, done=None, total=None):
        """A bus notification on the run's channel and its project's: their forms
        open in a browser reload (static/src/js/live_form.js). Sent when the
        transaction commits."""
        for run in self:
            payload = {
                "run_id": run.id,
                "project_id": run.project_id.id,
                "state": run.state,
                "done": run.records_done if done is None else done,
                "total": run.records_total if total is None else total,
            }
            Bus = self.env["bus.bus"].sudo()
            for target in (run, run.project_id):
                Bus._sendone(target, PROGRESS_NOTIFICATION, payload)

    # ------------------------------------------------------------------
    # Background queue
    # ------------------------------------------------------------------
    @api.model
    def _cron_process_queue(self):
        """Background worker: one slice of the run whose turn it is.

        Runs take turns (the one whose last slice is the oldest goes first), so that a
        big or stalled project never holds another's run up; a run whose last
        attempts all stopped without saving progress waits for the administrator
        (stalled). A slice works in a transaction of its own (:meth:`_slice_env`),
        committed when it ends. A slice that fails is rolled back, written on the
        run in a transaction of its own, then raised to Odoo's cron, which resets
        the registry (the fields a failed slice created included).
        """
        budget = self._slice_budget()
        if not budget:
            # this worker's time is spent: hand over, to be called again at once
            self.env.ref("flitstack_migration.ir_cron_migration_run")._trigger()
            return
        run = self._next_in_queue()
        if not run:
            return
        run._note_attempt()
        try:
            with run._slice_env() as worker:
                worker.with_context(flitstack_kill_at=self._kill_time())._execute(
                    budget=budget
                )
                worker.write(
                    {
                        "last_progress_date": fields.Datetime.now(),
                        "attempt_count": 0,
                        "error_message": False,
                        "slice_count": worker.slice_count + 1,
                    }
                )
                remaining = worker.search_count(self._queue_domain())
        except Exception as err:
            _logger.exception("Migration run %s: a slice failed", run.id)
            self.env.registry.reset_changes()
            run._note_failure(err)
            raise
        finally:
            self.env.invalidate_all()  # what the slice's transaction changed
        if remaining:
            self.env["ir.cron"]._notify_progress(done=1, remaining=1)
            slices = _CRON_SLICES[self.env.cr] = _CRON_SLICES.get(self.env.cr, 0) + 1
            if slices >= MAX_SLICES_PER_CRON_CALL:
                # Odoo's cron reschedules the job "as soon as possible", which a
                # cron worker only sees when it wakes up (a minute later): wake it
                self.env.ref("flitstack_migration.ir_cron_migration_run")._trigger()

    @contextmanager
    def _slice_env(self):
        """The run as the background job works it (:meth:`_as_worker`), in a
        transaction of its own that begins now, committed when the block ends
        (rolled back if it raises).

        The slice's attempt was just saved in a transaction of its own: the
        cron's transaction, whose snapshot is older, may no longer write the run
        (PostgreSQL refuses, in repeatable read, to update a row changed since the
        snapshot). A run not committed yet (made in the current transaction, as in
        a test) is worked in the current transaction, in a savepoint.
        """
        self.ensure_one()
        worker = self._as_worker()
        with self.env.registry.cursor() as cr:
            cr.execute("SELECT 1 FROM migration_run WHERE id = %s", [self.id])
            if cr.fetchone():
                yield worker.with_env(worker.env(cr=cr))
                return
        with self.env.cr.savepoint():
            yield worker

    @api.model
    def _queue_domain(self):
        """Runs the background job works on: waiting or running, not stalled, and
        not loading on the job queue (its jobs work it)."""
        return [
            ("state", "in", ("queued", "running")),
            ("attempt_count", "<", MAX_ATTEMPTS),
            "|",
            ("job_queue", "=", False),
            ("stage", "!=", "load"),
        ]

    def _on_job_queue(self):
        """Whether the run's records are landing in jobs of the job queue."""
        self.ensure_one()
        return self.job_queue and self.stage == "load"

    def _job_queue_ready(self):
        """Whether this run's records land on the job queue (OCA queue_job): a
        full run or a delta worked in the background, where the Job Queue module is
        installed and the setting (Settings > Data Migration) lets it: "auto" when
        the server runs queue_job's runner (queue_job loaded server-wide), "always"
        (a runner started apart), "never". A trial run and the command line load
        in their own process."""
        self.ensure_one()
        if (
            self.mode not in ("full", "delta")
            or not self.env.context.get("flitstack_cron")
            or "queue.job" not in self.env
        ):
            return False
        setting = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("flitstack_migration.job_queue", "auto")
        )
        if setting == "auto":
            loaded = (config["server_wide_modules"] or "").split(",")
            return "queue_job" in {name.strip() for name in loaded}
        return setting == "always"

    @api.model
    def _next_in_queue(self):
        return self.search(
            self._queue_domain(), order="last_attempt_date asc nulls first, id", limit=1
        )

    @api.model
    def _slice_budget(self):
        """Seconds the next slice may work; 0 when this cron call must hand over.

        On a multi-worker server Odoo kills a cron worker that works longer than
        ``limit_time_real_cron`` (``limit_time_real`` by default, 120 s) since it
        last reported to the watchdog, which it did before it went to sleep waiting
        for work (up to 70 s that count too: :func:`cron_call_time`). The cron
        calls the job up to ten times in a row while it says it has work left:
        their slices share half of the time there is, the other half being the
        margin of the last batch (whose size the engine fits to the time left:
        :meth:`_kill_time`); then the job hands over (it asks to be called again,
        by a worker that has reported since).
        """
        limit = worker_time_limit()
        if not limit:
            return CRON_SLICE_SECONDS
        cr = self.env.cr
        started = _CRON_CALLS.setdefault(cr, time.monotonic())
        share = cron_call_time(limit) * CRON_LIMIT_SHARE
        left = share - (time.monotonic() - started)
        if left < share / MAX_SLICES_PER_CRON_CALL:
            return 0
        return min(CRON_SLICE_SECONDS, left)

    def _kill_time(self):
        """When (``time.monotonic()``) Odoo kills the cron worker of this cron call
        (see :meth:`_slice_budget`), or None: no limit, or not in a cron call."""
        limit = worker_time_limit()
        started = _CRON_CALLS.get(self.env.cr)
        if not limit or started is None:
            return None
        return started + cron_call_time(limit)

    def _as_worker(self):
        """The run as the background job works it: in its project's company, under
        the user who queued it, with the rights a migration needs (it creates records
        of every kind, custom fields included)."""
        self.ensure_one()
        user = self.queued_by_id or self.env.ref("base.user_root")
        return (
            self.with_user(user)
            .with_company(self.company_id)
            .sudo()
            .with_context(flitstack_cron=True)
        )

    def _note_attempt(self):
        """A slice starts: saved at once, so that a slice that dies is counted."""
        self._write_apart(
            {
                "attempt_count": self.attempt_count + 1,
                "last_attempt_date": fields.Datetime.now(),
            }
        )

    def _note_failure(self, err):
        """A slice failed: its reason, saved whatever becomes of this transaction.

        A problem the administrator must solve (an unreadable file, a field that
        exists with another type) fails the run at once; anything else is tried again
        by the next slice, until the run stalls.
        """
        message = str(err) or repr(err)
        final = isinstance(err, UserError | MigrationError)
        vals = {"error_message": message}
        if final:
            vals.update(state="failed", date_end=fields.Datetime.now())

        def tell(run):
            if final:
                run.project_id.state = "failed"
                run.project_id.message_post(
                    body=run.env._("The migration stopped: %(error)s", error=message)
                )

        self._write_apart(vals, then=tell)

    def _write_apart(self, vals, then=None):
        """Write ``vals`` on the run in a transaction of its own, committed at once.

        A run not committed yet (made in the current transaction, as in a test) is
        written in the current transaction: no other one can see it.

        :param then: optional callable given the run, in the same transaction
        """
        self.ensure_one()
        with self.env.registry.cursor() as cr:
            cr.execute("SET LOCAL lock_timeout = '10s'")
            cr.execute("SELECT 1 FROM migration_run WHERE id = %s", [self.id])
            if cr.fetchone():
                run = self.env(cr=cr, su=True)["migration.run"].browse(self.id)
                run.write(vals)
                if then:
                    then(run)
                return
        self.write(vals)
        if then:
            then(self)
        self.invalidate_recordset()

    # ------------------------------------------------------------------
    # Stalled runs: resume or cancel
    # ------------------------------------------------------------------
    def action_resume(self):
        """Go on with a stalled or failed run from where it stopped."""
        for run in self:
            if run.state not in ("queued", "running", "failed"):
                raise UserError(
                    self.env._(
                        "%(run)s has finished: there is nothing to resume.",
                        run=run.name,
                    )
                )
            busy = run.project_id.run_ids.filtered(
                lambda r, run=run: r != run and r.state in ("queued", "running")
            )
            if busy:
                raise UserError(
                    self.env._(
                        "Another run of this project is under way: %(runs)s.",
                        runs=", ".join(busy.mapped("name")),
                    )
                )
            if run._on_job_queue():
                run.batch_ids._failed_jobs().requeue()
            run.write(
                {
                    "state": "running" if run.date_start else "queued",
                    "attempt_count": 0,
                    "error_message": False,
                    "date_end": False,
                    "last_progress_date": fields.Datetime.now(),
                }
            )
            run.project_id.state = "running"
            run.project_id.message_post(
                body=self.env._(
                    "%(user)s resumed %(run)s: it goes on where it stopped.",
                    user=self.env.user.name,
                    run=run.name,
                )
            )
        self.env.ref("flitstack_migration.ir_cron_migration_run")._trigger()
        return True

    def action_cancel(self):
        """Stop a waiting, running or stalled run for good. What landed stays, and
        can be rolled back like any finished run."""
        for run in self:
            if run.state not in ("queued", "running"):
                raise UserError(self.env._("%(run)s is not under way.", run=run.name))
            run.write({"state": "cancelled", "date_end": fields.Datetime.now()})
            run.project_id.state = "cancelled"
            run.project_id.message_post(
                body=self.env._(
                    "%(user)s cancelled %(run)s. What it brought over is kept: roll it "
                    "back from the project if you do not want it.",
                    user=self.env.user.name,
                    run=run.name,
                )
            )
        return True

    # ------------------------------------------------------------------
    # Rollback
    # ------------------------------------------------------------------
    def _rollback(self, keep=None):
        """Undo this run from its journal; later runs must be undone first.

        :param keep: optional ``{(model, id): reason}`` of records to keep (the
            check before the rollback: ``engine/rollback_check.py``)
        """
        self.ensure_one()
        later = self.project_id.run_ids.filtered(
            lambda r: (
                r.id > self.id
                and r.state in ("done", "failed", "cancelled", "running", "queued")
            )
        )
        if later:
            raise UserError(
                self.env._(
                    "Roll back the later runs of this project first: %(runs)s.",
                    runs=", ".join(later.mapped("name")),
                )
            )
        kept = []
        summary = rollback_run(self, kept=kept, keep=keep)
        self.write(
            {
                "state": "rolled_back",
                "rollback_kept": json.dumps(kept) if kept else False,
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
            "name": self.env._("Roll back %(run)s", run=self.name),
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

    def action_view_outcome_graph(self):
        """The chart of this run: per kind of record, how many were created,
        updated, left unchanged or failed (graph, and the same as a table)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "flitstack_migration.migration_run_outcome_action"
        )
        action["domain"] = [("run_id", "=", self.id)]
        action["context"] = {"create": False}
        action["display_name"] = self.env._("What happened in %(run)s", run=self.name)
        return action

    def action_view_mismatch_graph(self):
        """The fields of this run whose value in Odoo differs from the old system
        (or is empty), counted field by field (graph, table, list)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "flitstack_migration.migration_diff_line_graph_action"
        )
        action["domain"] = [("run_id", "=", self.id)]
        action["context"] = {"create": False, "search_default_differences": 1}
        action["display_name"] = self.env._(
            "Differences by field in %(run)s", run=self.name
        )
        return action

    def _download(self, name, raw, mimetype):
        """A file of this run to download, for anyone who may read the run.

        The run keeps one attachment per file name, brought up to date on each
        download rather than stored again.
        """
        self.ensure_one()
        self.check_access("read")
        Attachment = self.env["ir.attachment"].sudo()
        attachment = Attachment.search(
            [
                ("res_model", "=", self._name),
                ("res_id", "=", self.id),
                ("name", "=", name),
            ],
            limit=1,
        )
        if not attachment:
            attachment = Attachment.create(
                {
                    "name": name,
                    "raw": raw,
                    "mimetype": mimetype,
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        elif attachment.raw != raw:
            attachment.write({"raw": raw, "mimetype": mimetype})
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

    def _reconciliation_pdf(self):
        """The reconciliation report as PDF bytes (wkhtmltopdf), as Print gives it."""
        self.ensure_one()
        pdf, _kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "flitstack_migration.action_report_migration_run", self.ids
            )
        )
        return pdf

    def _chart(self):
        """The pictures of the PDF report: bars per object, mismatches by field."""
        self.ensure_one()
        return report.chart(self)
