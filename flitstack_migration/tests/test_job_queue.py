# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A run's load spread over the job queue (OCA queue_job): jobs per range of
records, in dependency order, each record landed once, the same result as the
scheduler's slices. Skipped where queue_job is not installed."""

import unittest
from collections import Counter
from unittest.mock import patch

from odoo.tests import Form
from odoo.tools import config, mute_logger

from ..engine import parallel
from ..engine.adapters import CrmLeadAdapter, ModelAdapter, adapter_for
from ..engine.loader import MigrationEngine
from ..presets.base import ObjectSpec, Preset, get_preset
from .common import MigrationCase

try:
    from odoo.addons.queue_job.job import Job
except ImportError:  # the Job Queue module is not on this server's addons path
    Job = None

#: records a job lands in these tests: several jobs per object of the sample
RECORDS_PER_JOB = 60


class JobFailed(Exception):
    """A job that dies half-way (a worker killed, a lost connection)."""


class TestPlan(unittest.TestCase):
    """The plan alone (no Odoo, no queue_job): ranges and what waits for what."""

    def test_ranges_cover_the_object_and_the_last_is_open_ended(self):
        obj = get_preset("the_customer_factor").get("customer")
        chunks = parallel.chunks(obj, 250, 100, resumable=False)
        self.assertEqual(
            [(c.start, c.end) for c in chunks], [(0, 100), (100, 200), (200, None)]
        )
        self.assertEqual(
            [(c.start, c.end) for c in parallel.chunks(obj, 250, 100, True)],
            [(0, None)],
            "an API source is read in one job",
        )

    def test_an_object_waits_through_objects_left_out(self):
        preset = get_preset("the_customer_factor")
        keys = {obj.key for obj in preset.objects}
        waits = parallel.waits_for(preset, keys)
        for obj in preset.objects:
            self.assertEqual(
                waits[obj.key],
                {dep for dep in (*obj.depends, obj.derived_from) if dep},
                obj.key,
            )
        # customers <- sites <- visits, notes derived from visits: leave sites out
        # and visits wait for customers; leave customers out too and they wait for
        # nothing; the derived notes always wait for the visits they read
        chain = Preset(
            platform="chain",
            label="Chain",
            objects=(
                ObjectSpec("customer", "Customers", "res.partner"),
                ObjectSpec("site", "Sites", "res.partner", depends=("customer",)),
                ObjectSpec("visit", "Visits", "project.task", depends=("site",)),
                ObjectSpec("note", "Notes", "mail.message", derived_from="visit"),
            ),
        )
        self.assertEqual(
            parallel.waits_for(chain, {"customer", "visit", "note"}),
            {"customer": set(), "visit": {"customer"}, "note": {"visit"}},
        )
        self.assertEqual(
            parallel.waits_for(chain, {"visit", "note"}),
            {"visit": set(), "note": {"visit"}},
        )

    def test_posting_and_matching_objects_land_one_job_after_another(self):
        preset = get_preset("the_customer_factor")
        for obj in preset.objects:
            reason = parallel.serial_reason(obj, adapter_for(obj.model), False)
            if obj.model in ("account.move", "account.payment") or obj.match:
                self.assertTrue(reason, obj.key)
            elif obj.model in ("res.partner", "crm.lead", "mail.message"):
                self.assertIsNone(reason, obj.key)


class Conflict(Exception):
    """What psycopg2 raises when another transaction got in the way."""

    pgcode = "40001"  # serialization_failure


class TestConcurrentTransactions(MigrationCase):
    def test_a_conflict_with_another_transaction_is_no_record_failure(self):
        """Two jobs (or a job and a user) updating the same row: PostgreSQL
        refuses one. That is no fault of the records: the batch is not bisected
        and its records not logged as failed; the job stops, to be run again
        whole (queue_job retries it; the scheduler's next slice does)."""
        project = self._project()
        project.action_discover()
        project.action_confirm_mapping()
        real = ModelAdapter.create_records

        def conflicting(adapter, model, vals_list, deferred):
            if model._name == "crm.lead":
                raise Conflict("could not serialize access due to concurrent update")
            return real(adapter, model, vals_list, deferred)

        with (
            patch.object(ModelAdapter, "create_records", conflicting),
            patch.object(CrmLeadAdapter, "create_records", conflicting),
            self.assertRaises(Conflict),
        ):
            project.run_now()
        self.assertFalse(
            self.env["migration.log"].search_count(
                [
                    ("project_id", "=", project.id),
                    ("operation", "=", "fail"),
                    ("model", "=", "crm.lead"),
                ]
            )
        )


class TestJobQueueSetting(MigrationCase):
    def test_settings_say_whether_the_job_queue_is_there_and_keep_the_choice(self):
        self.env["ir.config_parameter"].set_param(
            "flitstack_migration.job_queue", "auto"
        )
        settings = Form(self.env["res.config.settings"])
        self.assertEqual(
            settings.flitstack_job_queue_installed, "queue.job" in self.env
        )
        self.assertEqual(settings.flitstack_job_queue, "auto")
        if "queue.job" in self.env:
            settings.flitstack_job_queue = "never"
            settings.save().execute()
            self.assertEqual(
                self.env["ir.config_parameter"].get_param(
                    "flitstack_migration.job_queue"
                ),
                "never",
            )


@unittest.skipIf(Job is None, "the Job Queue module (queue_job) is not installed")
class TestJobQueueRun(MigrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "queue.job" not in cls.env:
            raise unittest.SkipTest(
                "the Job Queue module (queue_job) is not installed in this database"
            )
        cls.env["ir.config_parameter"].sudo().set_param(
            "flitstack_migration.job_queue", "always"
        )

    def setUp(self):
        super().setUp()
        patcher = patch.object(parallel, "RECORDS_PER_JOB", RECORDS_PER_JOB)
        patcher.start()
        self.addCleanup(patcher.stop)

    # ------------------------------------------------------------------
    def _queue(self, project):
        project.action_discover()
        project.action_confirm_mapping()
        action = project.action_start_run()
        return self.env["migration.run"].browse(action["res_id"])

    def _enqueue(self, run):
        """The scheduler's slices up to the load, which puts the jobs on the queue;
        returns them (queue_job's ``Job``, as stored)."""
        self._work_queue()
        self.assertEqual(run.stage, "load")
        self.assertTrue(run.job_queue)
        self.assertFalse(
            self.env["migration.run"].search_count(
                self.env["migration.run"]._queue_domain() + [("id", "=", run.id)]
            ),
            "the scheduler leaves a run loading on the job queue alone",
        )
        self.env.flush_all()
        return [Job.load(self.env, uuid) for uuid in run.batch_ids.mapped("job_uuid")]

    def _perform(self, jobs, fail=None):
        """Run the stored jobs as queue_job's workers do: a job the queue made
        pending (its parents are done), in a transaction of its own (a savepoint
        here), marked done, its children made pending; a job that fails is rolled
        back and run again. ``fail(job)`` may raise, once per job.

        :returns: the uuids of the jobs in the order they ran, and how many failed
        """
        pending, ran, failures, failed = [job.uuid for job in jobs], [], 0, set()
        while pending:
            ready = [
                uuid for uuid in pending if Job.load(self.env, uuid).state == "pending"
            ]
            self.assertTrue(ready, "a job waits for a job that never runs")
            job = Job.load(self.env, ready[0])
            self.assertTrue(
                {parent.uuid for parent in job.depends_on} <= set(ran),
                "a job runs after its parents only",
            )
            try:
                with self.env.cr.savepoint():
                    if fail and job.uuid not in failed:
                        fail(job)
                    job.perform()
                    job.set_done()
                    job.store()
                    self.env.flush_all()
                    job.enqueue_waiting()
            except JobFailed:
                failures += 1
                failed.add(job.uuid)
                self.env.invalidate_all()
                continue  # queued again: the next turn runs it again
            pending.remove(job.uuid)
            ran.append(job.uuid)
        return ran, failures

    def _lines(self, run):
        return {
            line.object_key: (
                line.source_count,
                line.created_count,
                line.updated_count,
                line.failed_count,
                line.duplicate_count,
            )
            for line in run.object_ids
        }

    def _statistics(self):
        self.env.flush_all()
        rows = self.env["crm.lead.scoring.frequency"].search([])
        return (
            round(sum(rows.mapped("won_count")), 6),
            round(sum(rows.mapped("lost_count")), 6),
        )

    # ------------------------------------------------------------------
    def test_jobs_land_what_the_scheduler_lands(self):
        """Jobs per range of records, an object's jobs after the jobs of the
        objects it depends on; the run's counters, owners and lead statistics are
        those of the same export loaded by the scheduler."""
        # a first run makes the lead-scoring statistics rows (each starts at 0.1):
        # the two runs compared then only add to them
        self._run(self._project(name="warm-up.zip"))
        baseline_stats = self._statistics()
        baseline = self._project(name="baseline.zip")
        self.env["ir.config_parameter"].sudo().set_param(
            "flitstack_migration.job_queue", "never"
        )
        baseline_run = self._queue(baseline)
        self._work_queue()
        self.assertEqual(baseline_run.state, "done")
        self.assertFalse(baseline_run.job_queue)
        self.assertFalse(baseline_run.batch_ids)
        scheduler_stats = self._statistics()
        won_lost = (
            round(scheduler_stats[0] - baseline_stats[0], 6),
            round(scheduler_stats[1] - baseline_stats[1], 6),
        )
        self.assertTrue(any(won_lost), "the sample has won or lost jobs")

        self.env["ir.config_parameter"].sudo().set_param(
            "flitstack_migration.job_queue", "always"
        )
        project = self._project(batch_size=25)
        run = self._queue(project)
        jobs = self._enqueue(run)

        batches = run.batch_ids
        loads = batches.filtered(lambda b: b.kind == "load")
        self.assertEqual(
            self.env["queue.job"].search_count(
                [("uuid", "in", batches.mapped("job_uuid"))]
            ),
            len(batches),
            "one job per row",
        )
        self.assertTrue(all(job.channel == "root.flitstack_migration" for job in jobs))
        # every object of the run in ranges of RECORDS_PER_JOB, the last open-ended
        preset = project._run_preset()
        for line in run.object_ids:
            parts = loads.filtered(lambda b, key=line.object_key: b.object_key == key)
            self.assertTrue(parts, line.object_key)
            self.assertEqual(parts.sorted("position_start")[0].position_start, 0)
            self.assertFalse(parts.sorted("position_start")[-1].position_end)
            if line.source_count > RECORDS_PER_JOB:
                self.assertGreater(len(parts), 1, line.object_key)
        by_uuid = {job.uuid: job for job in jobs}
        job_of = {batch: by_uuid[batch.job_uuid] for batch in batches}
        shared = batches.filtered(lambda b: b.kind == "shared")
        finish = batches.filtered(lambda b: b.kind == "finish")
        self.assertFalse(job_of[shared].depends_on, "shared records come first")
        finish_parents = {job.uuid for job in job_of[finish].depends_on}
        for key in set(loads.mapped("object_key")):
            parts = loads.filtered(lambda b, key=key: b.object_key == key)
            parts = parts.sorted("position_start")
            tails = parts[-1:] if parts[:1].serial_reason else parts
            self.assertTrue(
                set(tails.mapped("job_uuid")) <= finish_parents,
                f"the totals wait for every job of {key}",
            )
        waits = parallel.waits_for(preset, set(run.object_ids.mapped("object_key")))
        for batch in loads:
            obj = preset.get(batch.object_key)
            parents = {job.uuid for job in job_of[batch].depends_on}
            siblings = loads.filtered(lambda b, key=obj.key: b.object_key == key)
            siblings = siblings.sorted("position_start")
            if batch.serial_reason and batch != siblings[0]:
                # one after another: a job waits for the one before it only
                previous = siblings[list(siblings).index(batch) - 1]
                self.assertEqual(parents, {previous.job_uuid}, obj.key)
                continue
            for dep in waits[obj.key]:
                tails = loads.filtered(lambda b, key=dep: b.object_key == key)
                if tails[:1].serial_reason:
                    tails = tails.sorted("position_start")[-1:]
                self.assertTrue(
                    set(tails.mapped("job_uuid")) <= parents,
                    f"{obj.key} waits for every job of {dep}",
                )
            if not waits[obj.key]:
                self.assertEqual(parents, {shared.job_uuid}, obj.key)
        ran, _failures = self._perform(jobs)
        self.assertEqual(ran[0], shared.job_uuid, "shared records come first")
        self.assertEqual(ran[-1], finish.job_uuid, "the totals come last")
        self.assertEqual(set(batches.mapped("state")), {"done"})
        self.assertEqual(run.stage, "check")
        self._work_queue()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.records_done, run.records_total)
        self.assertEqual(self._lines(run), self._lines(baseline_run))
        self.assertEqual(
            run._get_unmatched_owners(), baseline_run._get_unmatched_owners()
        )
        self.assertTrue(run._get_unmatched_owners())
        self._assert_balanced(run)
        stats = self._statistics()
        self.assertEqual(
            (
                round(stats[0] - scheduler_stats[0], 6),
                round(stats[1] - scheduler_stats[1], 6),
            ),
            won_lost,
            "the lead-scoring statistics count the run's won and lost leads once",
        )
        creates = Counter(
            (log.object_key, log.source_id)
            for log in run.log_ids
            if log.operation == "create"
        )
        self.assertEqual(max(creates.values()), 1)
        self.assertEqual(
            self.env["migration.log"].search_count(
                [("run_id", "=", run.id), ("operation", "=", "create")]
            ),
            sum(line.created_count for line in run.object_ids)
            + self.env["migration.log"].search_count(
                [
                    ("run_id", "=", run.id),
                    ("operation", "=", "create"),
                    ("object_key", "=like", "\\_%"),
                ]
            ),
        )
        # the field check found what it finds for the scheduler's run
        self.assertEqual(run.diff_mismatch_count, baseline_run.diff_mismatch_count)

    def test_a_job_that_fails_is_run_again_and_lands_each_record_once(self):
        project = self._project(batch_size=20)
        run = self._queue(project)
        jobs = self._enqueue(run)
        loads = run.batch_ids.filtered(lambda b: b.kind == "load")
        victims = {
            batch.job_uuid
            for batch in loads
            if batch.object_key in ("customer", "job")
            and batch.position_start
            and batch.position_end
        }
        self.assertGreater(len(victims), 1)
        real_load = MigrationEngine._load_batch

        def fail(job):
            if job.uuid not in victims:
                return
            calls = []

            def load_then_die(engine, obj, batch):
                real_load(engine, obj, batch)
                calls.append(obj.key)
                if len(calls) == 2:  # two batches landed, then the worker dies
                    raise JobFailed()

            with (
                patch.object(MigrationEngine, "_load_batch", load_then_die),
                mute_logger("odoo.addons.queue_job.job"),
            ):
                job.perform()

        _ran, failures = self._perform(jobs, fail=fail)
        self.assertEqual(failures, len(victims))
        self._work_queue()
        self.assertEqual(run.state, "done")
        self._assert_balanced(run)
        creates = Counter(
            (log.object_key, log.source_id)
            for log in run.log_ids
            if log.operation == "create"
        )
        self.assertEqual(max(creates.values()), 1, "no record created twice")
        created = run.log_ids.filtered(
            lambda lg: lg.object_key == "customer" and lg.operation == "create"
        )
        self.assertEqual(
            len(self.env["res.partner"].browse(created.mapped("res_id")).exists()),
            self._object_line(run, "customer").created_count,
        )
        # a job run again once done lands nothing
        job = Job.load(self.env, next(iter(victims)))
        before = self.env["migration.log"].search_count([("run_id", "=", run.id)])
        self.assertIn("nothing landed again", job.perform())
        self.assertEqual(
            self.env["migration.log"].search_count([("run_id", "=", run.id)]), before
        )

    def test_a_failed_job_stalls_the_run_until_resumed(self):
        project = self._project(batch_size=50)
        run = self._queue(project)
        self._enqueue(run)
        self.assertFalse(run.is_stalled, "waiting for the workers is no stall")
        batch = run.batch_ids.filtered(lambda b: b.kind == "shared")
        job = self.env["queue.job"].search([("uuid", "=", batch.job_uuid)])
        self.assertEqual(job.state, "pending")
        job.write({"state": "failed", "exc_message": "Out of memory."})
        run.invalidate_recordset()
        self.assertTrue(run.is_stalled)
        self.assertIn("Out of memory.", run.stall_reason)
        self.assertEqual(batch.job_state, "failed")
        run.action_resume()
        self.assertEqual(job.state, "pending", "resuming requeues the failed jobs")

    def test_without_the_runner_the_scheduler_loads(self):
        """'auto' (the default): the job queue only where the server runs its
        runner (queue_job loaded server-wide); a trial run never uses it."""
        self.env["ir.config_parameter"].sudo().set_param(
            "flitstack_migration.job_queue", "auto"
        )
        project = self._project()
        trial = self._project(name="trial.zip")
        trial.action_discover()
        trial.action_confirm_mapping()
        sample = trial._create_run("sample")
        run = self._queue(project)
        with patch.dict(config.options, {"server_wide_modules": "base,web"}):
            self._work_queue()
        self.assertEqual(run.state, "done")
        self.assertFalse(run.batch_ids)
        with patch.dict(config.options, {"server_wide_modules": "base,web,queue_job"}):
            self.assertTrue(run.with_context(flitstack_cron=True)._job_queue_ready())
            self.assertFalse(
                sample.with_context(flitstack_cron=True)._job_queue_ready()
            )
        self.assertFalse(run._job_queue_ready(), "the command line loads itself")
