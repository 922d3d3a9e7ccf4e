"""Runs started from the UI go to the background, in slices that resume exactly."""

from collections import Counter
from unittest.mock import patch

from odoo.exceptions import UserError

from ..models import migration_run
from .common import MigrationCase


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
        slices = 0
        with patch.object(migration_run, "CRON_SLICE_SECONDS", 1e-6):
            while run.state in ("queued", "running") and slices < 200:
                self.env["migration.run"]._cron_process_queue()
                slices += 1
                if run.state == "running":
                    self.assertLess(run.records_done, run.records_total)
                    self.assertGreater(run.progress, 0)
        self.assertEqual(run.state, "done")
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
