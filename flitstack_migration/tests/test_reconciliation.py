# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reconciliation after every run: on the form, as PDF/HTML, CSV, JSON and CLI."""

import contextlib
import csv
import io
import json
import logging
import tempfile
from pathlib import Path

from ..cli.flitstack import Flitstack
from .common import (
    MigrationCase,
    cli_args,
    report_server_out_of_reach,
    sample_bytes,
)

_logger = logging.getLogger(__name__)

REPORT = "flitstack_migration.action_report_migration_run"


class TestReconciliation(MigrationCase):
    def test_report_carries_the_numbers_everywhere(self):
        project = self._project()
        run = self._run(project)
        report = run._report()
        customer = next(r for r in report["objects"] if r["object"] == "customer")
        self.assertEqual(
            (
                customer["source_count"],
                customer["created"],
                customer["failed"],
                customer["duplicates"],
            ),
            (303, 298, 2, 3),
        )
        self.assertGreater(customer["diff"]["fields_checked"], 0)
        failure = next(f for f in report["failures"] if f["source_id"] == "10311")
        self.assertIn("no name", failure["reason"])
        self.assertIn("Not migrated", failure["action"])
        owners = report["owner_resolution"]
        self.assertGreater(owners["records_with_owner"], owners["matched"])
        self.assertGreater(owners["matched"], 0, "Carlos and Kevin have users")
        self.assertAlmostEqual(
            owners["rate"],
            round(100 * owners["matched"] / owners["records_with_owner"], 1),
        )
        self.assertEqual(run.owner_matched_count, owners["matched"])
        # printable: the QWeb report renders with the same numbers
        html, kind = self.env["ir.actions.report"]._render_qweb_html(REPORT, run.ids)
        self.assertEqual(kind, "html")
        text = html.decode()
        self.assertIn("Reconciliation", text)
        self.assertIn("Customers", text)
        self.assertIn(">298<", text)
        self.assertIn("It has no name", text)
        self.assertIn(f"{owners['rate']}", text)
        action = run.action_print_report()
        self.assertEqual(
            action.get(
                "report_name",
                action.get("params", {}).get(
                    "report_name", "flitstack_migration.report_migration_run"
                ),
            ),
            "flitstack_migration.report_migration_run",
            action,
        )
        html, _kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_html(REPORT, run.ids)
        )
        self.assertIn(run.project_id.name, html.decode())
        self.assertIn("Customers", html.decode())
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() != "ok":
            _logger.warning(
                "wkhtmltopdf is not installed: the reconciliation was checked as "
                "HTML only (scripts/setup.sh installs it)"
            )
        else:
            with report_server_out_of_reach(self.env):
                pdf, kind = (
                    self.env["ir.actions.report"]
                    .with_context(force_report_rendering=True)
                    ._render_qweb_pdf(REPORT, run.ids)
                )
            self.assertEqual(kind, "pdf")
            self.assertTrue(pdf.startswith(b"%PDF"))
        # CSV
        action = run.action_download_reconciliation_csv()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        rows = list(csv.reader(io.StringIO(attachment.raw.decode("utf-8-sig"))))
        self.assertEqual(
            rows[0][:9],
            [
                "Object",
                "Odoo model",
                "In source",
                "Created",
                "Updated",
                "Unchanged",
                "Failed",
                "Repeated rows",
                "Deleted in the old system",
            ],
        )
        by_label = {row[0]: row for row in rows[1:] if row}
        self.assertEqual(
            by_label["Customers"][2:9], ["303", "298", "0", "0", "2", "3", "0"]
        )
        self.assertTrue(
            any(row and row[1] == "10311" and "Not migrated" in row[3] for row in rows)
        )

    def test_rollback_counts_show_in_the_reconciliation(self):
        project = self._project()
        run = self._run(project)
        partners = (
            self._object_line(run, "customer").created_count
            + self._object_line(run, "contact").created_count
        )
        wizard = self.env["migration.rollback.wizard"].create(
            {"project_id": project.id, "run_id": run.id}
        )
        wizard.action_confirm()
        self.assertEqual(project.state, "rolled_back")
        self.assertEqual(run.state, "rolled_back")
        self.assertIn(
            f"Contact: {partners} deleted, 0 restored", run.rollback_summary_display
        )
        report = run._report()
        self.assertIn(
            {"model": "res.partner", "deleted": partners, "restored": 0},
            report["rollback"],
        )
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(REPORT, run.ids)
        self.assertIn("Rolled back", html.decode())


class TestCliModes(MigrationCase):
    def setUp(self):
        super().setUp()
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.export = Path(self.tmp.name, "tcf_export.zip")
        self.export.write_bytes(sample_bytes())
        self.report = Path(self.tmp.name, "report.json")
        self.diff = Path(self.tmp.name, "diff.csv")

    def _migrate(self, **kw):
        values = {
            "platform": "the_customer_factor",
            "input": [self.export],
            "name": "CLI modes",
            "report": self.report,
            "fallback_owner": "fallback",
            "mode": "full",
        }
        values.update(kw)
        with contextlib.redirect_stdout(io.StringIO()) as out:
            Flitstack()._migrate(self.env, cli_args("migrate", **values))
        return json.loads(self.report.read_text()), out.getvalue()

    def test_sample_then_full_with_diff_then_delta(self):
        report, _out = self._migrate(mode="sample", sample_size=30, diff=self.diff)
        self.assertEqual(report["mode"], "sample")
        project = self.env["migration.project"].browse(report["project_id"])
        self.assertEqual((project.sample_size, project.sample_state), (30, "pending"))
        self.assertLess(report["sample_size"], 60)
        rows = list(csv.DictReader(io.StringIO(self.diff.read_text("utf-8-sig"))))
        self.assertEqual(
            len([r for r in rows if r["Status"] == "match"]),
            report["diff"]["fields_checked"],
        )
        report, out = self._migrate(mode="full", diff=self.diff)
        self.assertEqual(project.sample_state, "approved")
        self.assertEqual(report["mode"], "full")
        customer = next(r for r in report["objects"] if r["object"] == "customer")
        self.assertEqual(
            customer["created"] + customer["unchanged"] + customer["failed"], 300
        )
        self.assertEqual(
            set(customer["diff"]),
            {"fields_checked", "matches", "mismatches", "missing", "not_migrated"},
        )
        rows = list(csv.DictReader(io.StringIO(self.diff.read_text("utf-8-sig"))))
        self.assertEqual(
            len([r for r in rows if r["Status"] != "not_migrated"]),
            report["diff"]["fields_checked"],
            "the CLI's diff holds every field, matches too",
        )
        self.assertIn("Fields read back from Odoo", out)
        report, out = self._migrate(mode="delta")
        self.assertEqual(report["mode"], "delta")
        self.assertEqual(report["delta"]["new"] + report["delta"]["changed"], 0)
        self.assertGreater(report["delta"]["unchanged"], 2000)
        self.assertIn("Changes picked up", out)
