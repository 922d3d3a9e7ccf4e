# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A platform defined only in the tests (``synthetic_platform.py``) runs discover,
propose, sample with diff, full run, delta and rollback, through the wizard and the
command line: a platform is a reader plus a preset, and nothing else."""

import contextlib
import io
import json
import tempfile
from pathlib import Path

from ..cli.flitstack import Flitstack
from ..engine.resolve import xid_name
from . import synthetic_platform as fieldbook
from .common import MigrationCase


class TestSyntheticPlatform(MigrationCase):
    def setUp(self):
        super().setUp()
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.files = self._write(fieldbook.export())

    def _write(self, export, folder="first"):
        paths = []
        for name, data in export:
            path = Path(self.tmp.name, folder, name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            paths.append(path)
        return paths

    def _cli(self, *argv):
        """Run ``odoo-bin flitstack ARGV`` through its real argument parser."""
        args = Flitstack()._parser().parse_args([str(a) for a in argv])
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            code = getattr(Flitstack(), f"_{args.action}")(self.env, args)
        self.assertEqual(code, 0)
        return output.getvalue()

    def _inputs(self, paths):
        return [item for path in paths for item in ("--input", path)]

    def _landed(self, project, key, source_id):
        return self.env.ref(
            f"{project._xid_module()}.{xid_name(key, source_id)}",
            raise_if_not_found=False,
        )

    def test_command_line_from_proposal_to_rollback(self):
        before = self._table_counts()
        rows = json.loads(
            self._cli(
                "propose",
                "--platform",
                fieldbook.PLATFORM,
                *self._inputs(self.files),
                "--name",
                "Fieldbook",
                "--json",
            )
        )
        by_column = {(row["object"], row["column"]): row for row in rows}
        self.assertEqual(by_column[("household", "Mail")]["target_field"], "email")
        self.assertEqual(by_column[("household", "Mail")]["found_as"], None)
        dog = by_column[("household", "Dog's name")]
        self.assertEqual(dog["new_field"]["name"], "x_fb_dog_s_name")
        project = self.env["migration.project"].browse(rows[0]["project_id"])
        self.assertEqual(project.platform, fieldbook.PLATFORM)
        self.assertEqual(
            {m.object_key: m.source_count for m in project.mapping_ids},
            {"household": 12, "visit": 12, "diary": 12},
        )

        report = Path(self.tmp.name, "sample.json")
        diff = Path(self.tmp.name, "diff.csv")
        common = ("--platform", fieldbook.PLATFORM, "--name", "Fieldbook")
        self._cli(
            "migrate",
            *common,
            *self._inputs(self.files),
            "--mode",
            "sample",
            "--sample-size",
            "4",
            "--diff",
            diff,
            "--report",
            report,
        )
        sample = json.loads(report.read_text())
        self.assertEqual(sample["mode"], "sample")
        self.assertEqual(sample["project_id"], project.id)
        self.assertTrue(0 < sample["sample_size"] <= 12)
        self.assertGreater(sample["diff"]["fields_checked"], 0)
        self.assertEqual(sample["diff"]["mismatches"], 0)
        self.assertIn("Town", diff.read_text("utf-8-sig"))

        self._cli("migrate", *common, *self._inputs(self.files), "--report", report)
        full = json.loads(report.read_text())
        objects = {row["object"]: row for row in full["objects"]}
        for key in ("household", "visit", "diary"):
            row = objects[key]
            self.assertEqual(row["source_count"], 12, key)
            self.assertEqual(
                row["created"] + row["updated"] + row["unchanged"] + row["failed"], 12
            )
        partner = self._landed(project, "household", "H005")
        self.assertEqual(partner.email, "h5@fieldbook.example")
        self.assertEqual(partner.x_fb_dog_s_name, "Rex")
        lead = self._landed(project, "visit", "V005")
        self.assertEqual(lead.partner_id, partner)
        self.assertEqual(lead.expected_revenue, 500.0)
        self.assertEqual(lead.team_id.name, "Fieldbook")
        self.assertEqual(lead.stage_id.name, "Visited")
        self.assertFalse(self._landed(project, "visit", "V003").active, "Declined")
        note = self._landed(project, "diary", "D005")
        self.assertEqual((note.model, note.res_id), ("res.partner", partner.id))

        newer = self._write(fieldbook.export(changed={"H005": "Lakeside"}), "second")
        self._cli(
            "migrate",
            *common,
            *self._inputs(newer),
            "--mode",
            "delta",
            "--report",
            report,
        )
        delta = json.loads(report.read_text())
        self.assertEqual(delta["delta"]["changed"], 1)
        self.assertEqual(delta["delta"]["new"], 0)
        self.assertEqual(delta["delta"]["unchanged"], 35)
        self.assertEqual(partner.city, "Lakeside")

        output = self._cli("rollback", "--project", project.id)
        self.assertIn("rolled back", output)
        after = self._table_counts()
        self.assertEqual(
            {t: (before[t], after[t]) for t in before if before[t] != after[t]}, {}
        )

    def test_wizard_walks_the_same_platform(self):
        attachments = self.env["ir.attachment"].create(
            [{"name": path.name, "raw": path.read_bytes()} for path in self.files]
        )
        wizard = self.env["migration.import.wizard"].create(
            {"platform": fieldbook.PLATFORM, "files": [(6, 0, attachments.ids)]}
        )
        self.assertEqual(wizard.name, "Migration from Fieldbook (test platform)")
        self.assertIn("Fieldbook address book", wizard.export_help)
        action = wizard.action_preview()
        self.assertEqual(action["name"], "Fieldbook (test platform): What was found")
        self.assertEqual(wizard.record_count, 36)
        self.assertIn("Diary entries", wizard.preview)
        # which file is what: shown, and the admin can say otherwise
        diary = wizard.file_ids.filtered(lambda f: f.name == "diary.csv")
        self.assertEqual(diary.object_key, "diary")
        diary.object_key = "_aside"
        self.assertEqual(wizard.record_count, 24)
        self.assertEqual(wizard.project_id.file_assignments, {"diary.csv": ""})
        diary = wizard.file_ids.filtered(lambda f: f.name == "diary.csv")
        diary.object_key = "diary"
        self.assertEqual(wizard.record_count, 36)
        while wizard.step != "owners":
            action = wizard.action_next()
        self.assertTrue(action["name"].endswith(": Owners"))
        project = wizard.project_id
        wizard.action_run()
        run = project.run_ids.filtered(lambda r: r.mode == "full")
        self.assertEqual(run.state, "queued")
        self._work_queue()
        self.assertEqual(run.state, "done")
        self.assertEqual(
            self._landed(project, "visit", "V002").partner_id,
            self._landed(project, "household", "H002"),
        )
