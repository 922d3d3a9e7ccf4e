# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A running run shows how far it got, and tells the forms watching it over the bus."""

import json
from datetime import timedelta
from types import SimpleNamespace
from unittest.mock import patch

from odoo.models import BaseModel
from odoo.tests import new_test_user

from odoo.addons.bus.models.bus import channel_with_db, json_dump

from ..models import migration_run
from .common import MigrationCase

NOTIFICATION = "flitstack_migration.progress"


class TestProgress(MigrationCase):
    def _notifications(self, target):
        """Payloads of the progress notifications sent to a record's channel."""
        self.env.cr.precommit.run()  # the bus writes its rows when committing
        channel = json_dump(channel_with_db(self.env.cr.dbname, target))
        messages = (
            self.env["bus.bus"].sudo().search([("channel", "=", channel)], order="id")
        )
        return [
            message["payload"]
            for message in (json.loads(row.message) for row in messages)
            if message["type"] == NOTIFICATION
        ]

    def test_running_run_shows_done_total_object_and_time_left(self):
        project = self._project(batch_size=100)
        project.action_discover()
        project.action_confirm_mapping()
        action = project.action_start_run()
        run = self.env["migration.run"].browse(action["res_id"])
        self.assertEqual(project.progress_run_id, run)
        self.assertEqual((run.progress_done, run.progress), (0, 0.0))
        self.assertEqual(run.progress_object, "Reading the files")
        self.assertFalse(run.time_left)
        Run = self.env["migration.run"]
        with (
            patch.object(migration_run, "CRON_SLICE_SECONDS", 1e-6),
            patch.object(migration_run, "PUSH_EVERY", 0),
        ):
            # reading the files, the custom fields, then the first batch
            while not (run.stage == "load" and run.records_done):
                Run._cron_process_queue()
            first = run.object_ids.sorted("sequence")[0]
            done = run.records_done  # one batch, of the first object
            self.assertEqual(done, min(100, first.source_count - first.duplicate_count))
            self.assertEqual(run.state, "running")
            self.assertEqual(run.progress_done, done)
            self.assertEqual(run.progress_total, run.records_total)
            self.assertGreater(run.records_total, 1000)
            self.assertAlmostEqual(run.progress, 100 * done / run.records_total)
            self.assertEqual(run.progress_object, first.name)
            self.assertEqual(run.current_object, first.name)
            snapshot = run.progress_ids
            self.assertEqual(
                (snapshot.records_done, snapshot.records_total, snapshot.object_label),
                (done, run.records_total, first.name),
            )
            # time left at the rate so far: the records done in the 10 s since the start
            run.date_start = snapshot.date - timedelta(seconds=10)
            left = round((run.records_total - done) * 10 / done)
            self.assertEqual(run.eta_seconds, left)
            self.assertIn("left", run.time_left)
            self.assertIn("minute", run.time_left)
            # the project shows its running run
            self.assertEqual(project.progress_run_id, run)
            self.assertEqual(
                (
                    project.run_progress_done,
                    project.run_progress_total,
                    project.run_progress_object,
                    project.run_time_left,
                ),
                (done, run.records_total, first.name, run.time_left),
            )
            # a batch done while the slice goes on: the snapshot is ahead of the run
            snapshot.write({"records_done": 250, "object_label": "Jobs"})
            run.invalidate_recordset()
            self.assertEqual((run.progress_done, run.progress_object), (250, "Jobs"))
            self.assertEqual(
                run.eta_seconds, round((run.records_total - 250) * 10 / 250)
            )
            sent = self._notifications(run)
            self.assertTrue(sent)
            self.assertEqual(
                sent[-1],
                {
                    "run_id": run.id,
                    "project_id": project.id,
                    "state": "running",
                    "done": done,
                    "total": run.records_total,
                },
            )
            self.assertEqual(self._notifications(project)[-1], sent[-1])
            slices = 0
            while run.state in ("queued", "running") and slices < 500:
                Run._cron_process_queue()
                slices += 1
        self.assertEqual(run.state, "done")
        self.assertEqual(run.progress_done, run.progress_total)
        self.assertEqual(run.progress, 100.0)
        self.assertEqual(run.eta_seconds, 0)
        self.assertFalse(run.time_left)
        self.assertFalse(run.progress_object)
        self.assertFalse(project.progress_run_id)
        # a notification after each batch (not throttled here) and at each slice's
        # end, the last one saying the run is done
        sent = self._notifications(run)
        done = [payload["done"] for payload in sent]
        self.assertEqual(done, sorted(done))
        batches = sum(-(-line.source_count // 100) for line in run.object_ids)
        self.assertGreaterEqual(len(set(done)), batches // 2)
        self.assertEqual(sent[-1]["state"], "done")
        self.assertEqual(sent[-1]["done"], run.records_done)
        self.assertEqual(len(self._notifications(project)), len(sent))

    def test_notifications_are_throttled(self):
        project = self._project()
        run = self.env["migration.run"].create(
            {"project_id": project.id, "state": "running", "stage": "load"}
        )
        clock = [1000.0]
        with patch.object(migration_run.time, "monotonic", lambda: clock[0]):
            for step in range(10):  # ten batches in 1.8 s: one notification
                run._progress(10 * (step + 1), 500, "Customers")
                clock[0] += 0.2
            clock[0] += 0.5
            run._progress(110, 500, "Jobs")  # 2.5 s after the first: another
        self.assertEqual(run.records_done, 110)
        self.assertEqual(run.current_object, "Jobs")
        self.assertEqual(
            [(p["done"], p["total"]) for p in self._notifications(run)],
            [(10, 500), (110, 500)],
        )
        self.assertEqual(run.progress_ids.records_done, 110)
        self.assertEqual(run.progress_ids.object_label, "Jobs")

    def test_forms_listen_to_the_channels_of_what_they_may_read(self):
        project = self._project()
        run = self.env["migration.run"].create({"project_id": project.id})
        viewer = new_test_user(
            self.env,
            login="viewer",
            groups="base.group_user,flitstack_migration.group_migration_viewer",
        )
        outsider = new_test_user(self.env, login="outsider", groups="base.group_user")
        asked = [
            f"flitstack_migration.run_{run.id}",
            f"flitstack_migration.project_{project.id}",
        ]
        for user, expected in ((viewer, [run, project]), (outsider, [])):
            # the websocket's request, as far as the bus and discuss read it
            request = SimpleNamespace(
                session=SimpleNamespace(uid=user.id),
                cookies={},
                env=self.env(user=user),
                update_context=lambda **values: None,
            )
            with (
                patch("odoo.addons.bus.models.ir_websocket.request", request),
                patch("odoo.addons.mail.models.discuss.mail_guest.request", request),
            ):
                channels = (
                    self.env["ir.websocket"]
                    .with_user(user)
                    ._build_bus_channel_list(list(asked))
                )
            self.assertFalse(set(asked) & {c for c in channels if isinstance(c, str)})
            self.assertEqual(
                [
                    c
                    for c in channels
                    if isinstance(c, BaseModel) and c._name.startswith("migration.")
                ],
                expected,
                user.login,
            )
        # the JS service that listens is in the backend's assets
        assets = self.env["ir.asset"]._get_asset_paths("web.assets_backend", {})
        self.assertIn(
            "/flitstack_migration/static/src/js/live_form.js",
            [path for path, *_rest in assets],
        )
