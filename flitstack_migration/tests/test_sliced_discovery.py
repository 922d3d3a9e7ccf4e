# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A run's first step, reading the files, is sliced like the others: it stops when
its slice's time is spent and goes on where it stopped, without counting twice."""

from unittest.mock import patch

from odoo.tools import mute_logger

from ..engine import counting
from ..models import migration_run
from .common import MigrationCase


class Interrupted(Exception):
    """A worker killed in the middle of a slice."""


class TestSlicedDiscovery(MigrationCase):
    def test_discovery_over_its_budget_stops_and_resumes_without_double_counts(self):
        project = self._project(batch_size=150)
        project.action_discover()
        project.action_confirm_mapping()
        with project._open_reader() as reader:
            expected = reader.discover()  # the whole pass, in one go
        preset = project._preset()
        run = self.env["migration.run"].browse(project.action_start_run()["res_id"])
        count_object = counting._count_object
        calls = {"count": 0, "kills": 0}

        def dying_count_object(*args):
            finished = count_object(*args)
            calls["count"] += 1
            if calls["count"] in (3, 7):  # after its counts were written
                calls["kills"] += 1
                raise Interrupted(f"killed while counting, call {calls['count']}")
            return finished

        slices, seen = 0, []
        with (
            patch.object(migration_run, "CRON_SLICE_SECONDS", 1e-6),
            patch.object(counting, "CHECK_EVERY", 40),
            patch.object(counting, "_count_object", dying_count_object),
            mute_logger(migration_run.__name__),
        ):
            while run.stage == "discover" and slices < 200:
                try:
                    self.env["migration.run"]._cron_process_queue()
                except Interrupted:
                    self.assertIn("killed while counting", run.error_message)
                slices += 1
                # records counted so far, object by object
                partial = {
                    line.object_key: line.discover_offset for line in run.object_ids
                }
                seen.append(partial)
                for key, count in partial.items():
                    self.assertLessEqual(count, expected.count(key), key)
        self.assertEqual(calls["kills"], 2)
        self.assertEqual(run.stage, "schema", run.error_message)
        self.assertEqual(run.state, "running")
        # many slices, each stopping within an object, counts growing
        self.assertGreater(slices, 10)
        customers = [counts["customer"] for counts in seen]
        self.assertGreater(len(set(customers)), 4, customers)
        self.assertEqual(customers, sorted(customers))
        self.assertEqual(
            {line.object_key: line.source_count for line in run.object_ids},
            {obj.key: expected.rows(obj.key) for obj in preset.load_order()},
        )
        self.assertTrue(all(run.object_ids.mapped("discover_done")))
        self.assertEqual(
            run.records_total, sum(expected.count(obj.key) for obj in preset.objects)
        )
        # the rest of the run balances against those counts
        self._work_queue()
        self.assertEqual(run.state, "done", run.error_message)
        for line in run.object_ids:
            self.assertEqual(
                line.created_count + line.failed_count + line.duplicate_count,
                line.source_count,
                line.object_key,
            )
