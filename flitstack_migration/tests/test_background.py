# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Runs started from the UI go to the background, in slices that resume exactly."""

import random
import time
from collections import Counter
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user
from odoo.tools import mute_logger

from ..engine import schema
from ..engine.loader import MigrationEngine
from ..models import migration_run
from .common import MigrationCase


class Interrupted(Exception):
    """A worker killed in the middle of a slice."""


class TestBackgroundRun(MigrationCase):
    def test_queued_run_resumes_slice_after_slice_without_duplicates(self):
        project = self._project(batch_size=150)
        project.action_discover()
        project.action_confirm_mapping()
        cron = self.env.ref("flitstack_migration.ir_cron_migration_run")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        action = project.action_start_run()
        run = self.env["migration.run"].browse(action["res_id"])
        self.assertEqual(run.state, "queued")
        self.assertEqual(project.state, "running")
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
            triggers + 1,
        )
        slices, stages = 0, []
        with patch.object(migration_run, "CRON_SLICE_SECONDS", 1e-6):
            while run.state in ("queued", "running") and slices < 300:
                self.env["migration.run"]._cron_process_queue()
                slices += 1
                stages.append(run.stage)
                if run.stage == "load":
                    self.assertLess(run.records_done, run.records_total)
                self.assertTrue(run.last_progress_date)
        self.assertEqual(run.state, "done")
        # every step is a slice of its own: reading the files (object by object),
        # the custom fields (their registry change saved alone), the load and the
        # field check in many slices, the summary
        self.assertGreater(stages.count("discover"), 3, "reading the files is sliced")
        self.assertEqual(stages.count("schema"), 1)
        self.assertGreater(stages.count("load"), 5)
        self.assertGreater(stages.count("check"), 5, "the field check is sliced")
        self.assertEqual(stages[-1], "done")
        self.assertEqual(
            [stage for i, stage in enumerate(stages) if stages[i - 1 : i] != [stage]],
            ["discover", "schema", "load", "check", "report", "done"],
        )
        self.assertGreater(slices, 10, "the run was cut in many slices")
        self.assertEqual(project.state, "done")
        self.assertEqual(run.records_done, run.records_total)
        for line in run.object_ids:
            self.assertEqual(
                line.created_count + line.failed_count + line.duplicate_count,
                line.source_count,
                line.object_key,
            )
            self.assertEqual(line.state, "done")
        creates = Counter(
            (log.object_key, log.source_id)
            for log in run.log_ids.filtered(lambda lg: lg.operation == "create")
        )
        self.assertEqual(
            max(creates.values()), 1, "no record created twice across slices"
        )
        partner_ids = run.log_ids.filtered(lambda lg: lg.model == "res.partner").mapped(
            "res_id"
        )
        refs = Counter(
            self.env["res.partner"].browse(partner_ids).filtered("ref").mapped("ref")
        )
        self.assertEqual(len(refs), 298)
        self.assertEqual(max(refs.values()), 1)
        self.assertIn("Migration finished", project.message_ids[0].body)

    def test_a_second_run_waits_for_the_first(self):
        project = self._project()
        project.action_discover()
        project.action_confirm_mapping()
        project.action_start_run()
        with self.assertRaisesRegex(UserError, "already under way"):
            project.action_start_run()

    def test_slices_share_the_cron_workers_time_limit(self):
        """The slices of one cron call (Odoo calls the job up to ten times in a
        row) stay within the time after which a multi-worker server kills the
        cron worker, the worker's sleep before the call included."""
        clock = [1000.0]
        Run = self.env["migration.run"]
        self.addCleanup(migration_run._CRON_CALLS.pop, self.env.cr, None)
        options = {"workers": 2, "limit_time_real_cron": -1, "limit_time_real": 120}
        with (
            patch.dict(migration_run.config.options, options),
            patch.object(migration_run.time, "monotonic", lambda: clock[0]),
        ):
            budgets = []
            while len(budgets) < 20:
                budget = Run._slice_budget()
                if not budget:
                    break
                budgets.append(budget)
                clock[0] += budget * 1.5  # a slice overruns its budget by half
            self.assertLessEqual(len(budgets), 10)
            # the worker may have slept up to 70 s before this call, and that
            # counts: even with the last slice over its budget, the call ends
            # before Odoo's watchdog kills the worker
            slept = migration_run.CRON_WORKER_SLEEP
            self.assertGreaterEqual(slept, 69)
            self.assertLess(clock[0] - 1000.0 + slept, 120)
            self.assertGreater(sum(budgets), 20, "a slice still gets work done")
            # the worker's time spent, the job hands over and asks to be called again
            cron = self.env.ref("flitstack_migration.ir_cron_migration_run")
            triggers = self.env["ir.cron.trigger"].search_count(
                [("cron_id", "=", cron.id)]
            )
            clock[0] += 1000
            with patch.object(type(Run), "_execute") as execute:
                Run._cron_process_queue()
            execute.assert_not_called()
            self.assertEqual(
                self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
                triggers + 1,
            )
        # a longer limit for the cron alone: the CPU limit, counted per round of
        # the worker too, bounds a cron call (CPU time is at most wall time)
        longer = dict(options, limit_time_real_cron=600, limit_time_cpu=60)
        with patch.dict(migration_run.config.options, longer):
            self.assertEqual(migration_run.cron_call_time(600), 60)
        longer["limit_time_cpu"] = 600
        with patch.dict(migration_run.config.options, longer):
            self.assertEqual(migration_run.cron_call_time(600), 530)

    def test_batches_of_slow_records_end_before_the_worker_is_killed(self):
        """Invoices that land slowly (a busy server): their batches are sized by
        the pace measured so far, so that none outlives the cron worker's time
        limit, which would kill it and the same batch again at each retry."""
        project = self._project(batch_size=500)
        project.action_discover()
        project.action_confirm_mapping()
        run = self.env["migration.run"].browse(project.action_start_run()["res_id"])
        Run = self.env["migration.run"]
        load_batch = MigrationEngine._load_batch
        batches = []

        def slow_load_batch(engine, obj, batch):
            if obj.key == "invoice":
                time.sleep(0.1 * len(batch))  # 100 ms an invoice
            load_batch(engine, obj, batch)
            if obj.key == "invoice":
                batches.append((len(batch), engine.kill_at - time.monotonic()))

        # a worker limit of 20 s, the worker woken at once (no sleep before)
        options = {"workers": 2, "limit_time_real_cron": -1, "limit_time_real": 20}
        with (
            patch.dict(migration_run.config.options, options),
            patch.object(migration_run, "CRON_WORKER_SLEEP", 0),
            patch.object(MigrationEngine, "_load_batch", slow_load_batch),
        ):
            for _call in range(200):  # the cron's calls, each on a fresh clock
                if run.state not in ("queued", "running"):
                    break
                migration_run._CRON_CALLS.pop(self.env.cr, None)
                for _repeat in range(migration_run.MAX_SLICES_PER_CRON_CALL):
                    if not Run._slice_budget():
                        break
                    Run._cron_process_queue()
        migration_run._CRON_CALLS.pop(self.env.cr, None)
        self.assertEqual(run.state, "done")
        invoices = run.object_ids.filtered(lambda line: line.object_key == "invoice")
        self.assertEqual(sum(size for size, _left in batches), invoices.source_count)
        # 240 invoices would take 24 s in one batch of 500: more than the limit
        self.assertGreater(len(batches), 2)
        self.assertLessEqual(batches[0][0], 10, "the first batch measures the pace")
        for size, left in batches:
            self.assertGreater(left, 0, f"a batch of {size} outlived the worker")
        self._assert_balanced(run)

    def test_an_interrupted_run_resumes_and_matches_its_journal(self):
        """A slice dies at a random batch, after the batch was written, several
        times: the run finishes with nothing lost, nothing twice, and a journal that
        says exactly what is in the database."""
        project = self._project(batch_size=150)
        project.action_discover()
        project.action_confirm_mapping()
        run = self.env["migration.run"].browse(project.action_start_run()["res_id"])
        kills = set(random.Random(10).sample(range(2, 30), 4))
        calls = Counter()
        load_batch = MigrationEngine._load_batch

        def dying_load_batch(engine, obj, batch):
            load_batch(engine, obj, batch)
            calls["batches"] += 1
            if calls["batches"] in kills:
                calls["kills"] += 1
                raise Interrupted(f"killed at batch {calls['batches']}")

        with (
            patch.object(migration_run, "CRON_SLICE_SECONDS", 1e-6),
            patch.object(MigrationEngine, "_load_batch", dying_load_batch),
            mute_logger(migration_run.__name__),
        ):
            for _slice in range(300):
                if run.state not in ("queued", "running"):
                    break
                try:
                    self.env["migration.run"]._cron_process_queue()
                except Interrupted:
                    self.assertEqual(run.attempt_count, 1)
                    self.assertIn("killed at batch", run.error_message)
        self.assertEqual(
            calls["kills"], 4, (run.state, run.stage, run.error_message, calls)
        )
        self.assertEqual(run.state, "done")
        self.assertFalse(run.error_message)
        creates = run.log_ids.filtered(lambda lg: lg.operation == "create")
        per_source = Counter((log.object_key, log.source_id) for log in creates)
        self.assertEqual(max(per_source.values()), 1, "nothing created twice")
        for line in run.object_ids:
            self.assertEqual(
                line.created_count + line.failed_count + line.duplicate_count,
                line.source_count,
                line.name,
            )
            self.assertEqual(
                line.created_count,
                len(creates.filtered(lambda lg, k=line.object_key: lg.object_key == k)),
            )
        for log in creates:
            self.assertTrue(self.env[log.model].browse(log.res_id).exists(), log.id)
        keys = set(run.object_ids.mapped("object_key"))
        journal = Counter(
            (log.model, log.res_id) for log in creates if log.object_key in keys
        )
        landed = Counter(
            (xid.model, xid.res_id)
            for xid in self.env["ir.model.data"].search(
                [("module", "=", project._xid_module())]
            )
        )
        self.assertEqual(landed, journal, "the journal says what is in the database")

    def _queued(self, **values):
        project = self._project(**values)
        project.action_discover()
        project.action_confirm_mapping()
        return self.env["migration.run"].browse(project.action_start_run()["res_id"])

    def test_a_failed_slice_is_raised_and_stalls_only_its_own_run(self):
        stuck = self._queued(name="stuck.zip")
        other = self._queued()
        Run = self.env["migration.run"]
        ensure = schema.ensure_custom_fields

        def failing(env, project, *args):
            created = ensure(env, project, *args)
            if project == stuck.project_id:
                raise RuntimeError("The disk is full")
            return created

        failures = 0
        # with a whole slice's time, reading the sample's files takes one slice
        Run._cron_process_queue()  # the stuck run reads its files
        Run._cron_process_queue()  # the other run reads its files, in turn
        with (
            patch.object(migration_run, "CRON_SLICE_SECONDS", 1e-6),
            patch.object(schema, "ensure_custom_fields", failing),
            mute_logger(migration_run.__name__),
        ):
            self.assertEqual((stuck.stage, other.stage), ("schema", "schema"))
            with self.assertRaisesRegex(RuntimeError, "disk is full"):
                Run._cron_process_queue()
            failures += 1
            # the slice is rolled back, the registry too: no half-made field
            self.assertNotIn("x_tcf_bedrooms", self.env["res.partner"]._fields)
            self.assertFalse(
                self.env["ir.model.fields"].search([("name", "=", "x_tcf_bedrooms")])
            )
            self.assertEqual((stuck.state, stuck.attempt_count), ("running", 1))
            self.assertEqual(stuck.error_message, "The disk is full")
            self.assertFalse(stuck.is_stalled)
            for _slice in range(12):
                try:
                    Run._cron_process_queue()
                except RuntimeError:
                    failures += 1
        self.assertEqual(failures, migration_run.MAX_ATTEMPTS)
        self.assertTrue(stuck.is_stalled)
        self.assertIn("The disk is full", stuck.stall_reason)
        self.assertEqual(stuck.stage, "schema")
        self.assertNotIn(stuck, Run._next_in_queue())
        # the other project went on all along
        self.assertEqual(other.stage, "load")
        self.assertGreater(other.created_count, 0)
        self.assertFalse(other.is_stalled)
        # the administrator cancels the other run: what landed stays, to roll back
        created = other.created_count
        other.action_cancel()
        self.assertEqual(
            (other.state, other.project_id.state), ("cancelled", "cancelled")
        )
        self.assertEqual(other.created_count, created)
        wizard = self.env["migration.rollback.wizard"].create(
            {"project_id": other.project_id.id, "run_id": other.id}
        )
        self.assertEqual(wizard._runs(), other)
        # and resumes the stalled one, which goes on from its step
        stuck.action_resume()
        self.assertEqual((stuck.attempt_count, stuck.is_stalled), (0, False))
        self.assertEqual(Run._next_in_queue(), stuck)
        with patch.object(migration_run, "CRON_SLICE_SECONDS", 1e-6):
            Run._cron_process_queue()
        self.assertEqual(stuck.stage, "load")

    def test_a_run_without_progress_for_long_is_stalled(self):
        run = self._queued()
        self.assertFalse(run.is_stalled)
        run.last_progress_date = fields.Datetime.now() - timedelta(hours=1)
        self.assertTrue(run.is_stalled)
        self.assertIn("No progress since", run.stall_reason)

    def test_the_files_of_a_running_project_cannot_be_replaced(self):
        run = self._queued()
        project = run.project_id
        newer = self.env["ir.attachment"].create({"name": "newer.zip", "raw": b"x"})
        with self.assertRaisesRegex(UserError, "cannot be replaced"):
            project.write({"source_attachment_ids": [(6, 0, newer.ids)]})
        with self.assertRaisesRegex(UserError, "cannot be replaced"):
            project.source_attachment_ids = [(4, newer.id)]
        run.action_cancel()
        project.source_attachment_ids = [(6, 0, newer.ids)]
        self.assertEqual(project.source_attachment_ids, newer)

    def test_the_background_run_works_in_the_projects_company_as_its_starter(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        manager = new_test_user(
            self.env,
            login="starter",
            groups="base.group_user,flitstack_migration.group_migration_manager",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        project = self._project(company_id=other.id)
        run = (
            self.env["migration.run"]
            .with_user(manager)
            .create({"project_id": project.id, "mode": "full"})
        )
        self.assertEqual(run.queued_by_id, manager)
        worker = self.env["migration.run"].browse(run.id)._as_worker()
        self.assertEqual(worker.env.company, other)
        self.assertEqual(worker.env.uid, manager.id)
        self.assertTrue(worker.env.su)
