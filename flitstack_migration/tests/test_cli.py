# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The headless command: same engine, a JSON report, clear errors."""

import contextlib
import io
import json
import os
import tempfile
from pathlib import Path

from odoo.exceptions import UserError

from ..cli.flitstack import Flitstack
from .common import MigrationCase, cli_args, report_server_out_of_reach, sample_bytes


class TestCli(MigrationCase):
    def setUp(self):
        super().setUp()
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.export = Path(self.tmp.name, "tcf_export.zip")
        self.export.write_bytes(sample_bytes())
        self.report = Path(self.tmp.name, "out", "report.json")

    def _args(self, **kw):
        values = {
            "platform": "the_customer_factor",
            "input": [self.export],
            "report": self.report,
            "fallback_owner": "fallback",
        }
        values.update(kw)
        return cli_args("migrate", **values)

    def test_migrate_writes_the_report(self):
        output = io.StringIO()
        pdf = Path(self.tmp.name, "out", "reconciliation.pdf")
        with (
            contextlib.redirect_stdout(output),
            report_server_out_of_reach(self.env),  # Odoo's runner: see common
        ):
            code = Flitstack()._migrate(self.env, self._args(pdf=pdf))
        self.assertEqual(code, 0)
        # --pdf: the reconciliation printed, as the run's Print button gives it
        self.assertTrue(pdf.read_bytes().startswith(b"%PDF-"))
        self.assertGreater(pdf.stat().st_size, 5000)
        report = json.loads(self.report.read_text())
        by_object = {row["object"]: row for row in report["objects"]}
        self.assertEqual(by_object["customer"]["target_model"], "res.partner")
        customers = by_object["customer"]
        # 300 customers, 3 of them on a second row too: every row is accounted for
        self.assertEqual(customers["source_count"], 303)
        self.assertEqual(customers["created"], 298)
        self.assertEqual(customers["failed"], 2)
        self.assertEqual(customers["duplicates"], 3)
        for row in report["objects"]:
            self.assertEqual(
                row["source_count"],
                row["created"]
                + row["updated"]
                + row["unchanged"]
                + row["failed"]
                + row["duplicates"],
                row["object"],
            )
        self.assertEqual(
            sorted(
                f["source_id"] for f in report["failures"] if f["object"] == "customer"
            ),
            ["10311", "10465"],
        )
        self.assertTrue(all(f["reason"] for f in report["failures"]))
        self.assertGreater(report["records_per_second"], 0)
        self.assertGreater(report["duration_seconds"], 0)
        self.assertIn("Crew A", report["unmatched_owners"])
        text = output.getvalue()
        self.assertIn("Customers", text)
        self.assertIn("10311: It has no name", text)
        project = self.env["migration.project"].browse(report["project_id"])
        self.assertEqual(project.name, report["project"])
        self.assertEqual(project.fallback_user_id, self.fallback)
        # the same command again reuses the project and creates nothing
        with contextlib.redirect_stdout(io.StringIO()):
            Flitstack()._migrate(self.env, self._args())
        again = json.loads(self.report.read_text())
        self.assertEqual(sum(row["created"] for row in again["objects"]), 0)
        customers = next(r for r in again["objects"] if r["object"] == "customer")
        self.assertEqual(customers["skipped"], 298)

    def test_errors_are_plain_sentences(self):
        with self.assertRaisesRegex(UserError, "There is no file"):
            Flitstack()._migrate(
                self.env, self._args(input=[Path(self.tmp.name, "missing.zip")])
            )
        empty = Path(self.tmp.name, "customers.csv")
        empty.write_bytes(b"")
        with self.assertRaisesRegex(UserError, "customers.csv is empty"):
            Flitstack()._migrate(self.env, self._args(input=[empty]))
        self.assertFalse(os.path.exists(self.report))
        with self.assertRaisesRegex(UserError, "No Odoo user has the login or email"):
            Flitstack()._migrate(
                self.env, self._args(fallback_owner="nobody@example.com")
            )

    def test_rollback_command(self):
        with contextlib.redirect_stdout(io.StringIO()):
            Flitstack()._migrate(self.env, self._args())
        project = self.env["migration.project"].search([], order="id desc", limit=1)
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            Flitstack()._rollback(self.env, cli_args("rollback", project=project.id))
        self.assertIn(f"Project {project.id} rolled back.", output.getvalue())
        self.assertEqual(project.state, "rolled_back")
        self.assertFalse(self.env["res.partner"].search([("ref", "=", "10231")]))

    def test_propose_prints_the_map_and_writes_only_a_project(self):
        before = self._table_counts()
        output = io.StringIO()
        args = cli_args(
            "propose",
            platform="the_customer_factor",
            input=[self.export],
            name="Proposal",
            json=True,
        )
        with contextlib.redirect_stdout(output):
            Flitstack()._propose(self.env, args)
        rows = json.loads(output.getvalue())
        bedrooms = next(r for r in rows if r["column"] == "Bedrooms")
        self.assertEqual(
            bedrooms["new_field"], {"name": "x_tcf_bedrooms", "type": "integer"}
        )
        email = next(
            r
            for r in rows
            if r["object"] == "customer" and r["target_field"] == "email"
        )
        self.assertEqual(
            (email["column"], email["confidence"], email["reason"]),
            ("Email", 1.0, "preset"),
        )
        self.assertEqual(rows[0]["confidence"], min(r["confidence"] for r in rows))
        project = self.env["migration.project"].browse(rows[0]["project_id"])
        self.assertEqual(project.name, "Proposal")
        self.assertFalse(project.run_ids)
        self.assertEqual(self._table_counts(), before)
