# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Renamed required columns, files under unexpected names, duplicate ids and the
master of a record: proposed, confirmed, migrated (project and command line)."""

import contextlib
import io
import json
import tempfile
from pathlib import Path

from odoo.exceptions import UserError

from ..cli.flitstack import Flitstack
from .common import MigrationCase, rezip, sample_table
from .exports import csv_of, enriched_rows, renamed, renamed_export


class TestRequiredColumns(MigrationCase):
    def _mapping(self, project, key):
        return project.mapping_ids.filtered(lambda m: m.object_key == key)

    def _assert_landed(self, project, run):
        """Every object lands where it belongs: prospects as leads, the job-enriched
        export's jobs as opportunities and tasks, invoices on their customers."""
        prospects = sample_table("prospects.csv")
        self.assertEqual(self._object_line(run, "prospect").created_count, 60)
        lead = self._record(project, "prospect", prospects[0]["Id"])
        self.assertEqual((lead._name, lead.type), ("crm.lead", "lead"))
        jobs = self._object_line(run, "job")
        self.assertEqual(jobs.source_count, len(enriched_rows()))
        self.assertEqual(jobs.created_count, len(enriched_rows()))
        self.assertEqual(
            self._object_line(run, "job_task").created_count, len(enriched_rows())
        )
        customers = self._object_line(run, "customer")
        # 300 customers, 3 of them repeated on a second row
        self.assertEqual((customers.source_count, customers.duplicate_count), (303, 3))
        invoices = self._object_line(run, "invoice")
        self.assertEqual(invoices.created_count + invoices.failed_count, 240)
        self.assertGreater(invoices.created_count, 200)
        row = next(
            r
            for r in sample_table("invoices.csv")
            if self._record(project, "customer", r["Id"])
        )
        move = self._record(project, "invoice", row["Invoice Id"])
        self.assertEqual(move.partner_id, self._record(project, "customer", row["Id"]))

    def test_renamed_id_columns_are_proposed_and_migrate(self):
        project = self._project(renamed_export())
        project.action_discover()
        prospect = self._mapping(project, "prospect").required_columns["Id"]
        self.assertEqual(
            (prospect["found_as"], prospect["reason"]), ("Prospect ID", "values")
        )
        self.assertGreaterEqual(prospect["confidence"], project.min_confidence)
        invoice = self._mapping(project, "invoice")
        self.assertEqual(invoice.required_columns["Id"]["found_as"], "Cust ID")
        self.assertEqual(invoice.column_renames, {"Cust ID": "Id"})
        partner = invoice.field_ids.filtered(lambda f: f.target_field == "partner_id")
        self.assertEqual(partner.source_header, "Cust ID")
        # the file guesses, shown before the map is built
        files = {line.name.rsplit(" ", 1)[-1]: line for line in project.file_ids}
        self.assertEqual(
            (files["jobs_enriched.csv"].object_key, files["jobs_enriched.csv"].reason),
            ("customer", "job_enriched"),
        )
        self.assertIn("jobs_enriched.csv", project.discovery_summary)
        self._assert_landed(project, self._run(project))

    def test_other_spellings_of_the_customer_column(self):
        for header in ("Customer #", "Client Id"):
            with self.subTest(header=header):
                project = self._project(renamed_export(customer_column=header))
                project.action_discover()
                invoice = self._mapping(project, "invoice").required_columns["Id"]
                self.assertEqual(invoice["found_as"], header)

    def test_below_the_confidence_the_admin_chooses(self):
        project = self._project(renamed_export(), min_confidence=0.99)
        project.action_discover()
        prospect = self._mapping(project, "prospect")
        self.assertFalse(prospect.required_columns["Id"]["found_as"])
        self.assertEqual(
            prospect.required_columns["Id"]["candidates"][0][0], "Prospect ID"
        )
        with self.assertRaises(UserError) as err:
            project.action_confirm_mapping()
        message = err.exception.args[0]
        self.assertIn('prospects.csv (Prospects) has no "Id" column', message)
        self.assertIn('Likeliest: "Prospect ID"', message)
        self.assertIn('"Cust ID"', message)
        self.assertIn('Likeliest: "Prospect ID"', project.required_problems)
        opened = project.action_choose_required_column()
        self.assertEqual(opened["context"]["default_column"], "Id")
        # the admin chooses in the dialog the map's "Choose the column" opens
        for key, header in (("prospect", "Prospect ID"), ("invoice", "Cust ID")):
            action = self._mapping(project, key).action_choose_required_column()
            Wizard = self.env[action["res_model"]].with_context(**action["context"])
            wizard = Wizard.create({})
            self.assertEqual(wizard.column, "Id")
            self.assertIn(header, dict(Wizard._selection_header()))
            self.assertIn(header, wizard.candidates_display)
            wizard.header = header
            wizard.action_apply()
            self.assertEqual(
                self._mapping(project, key).required_columns["Id"]["found_as"], header
            )
        project.action_confirm_mapping()
        self._assert_landed(project, project.run_now())

    def test_reassigning_a_file_reads_it_again(self):
        project = self._project(renamed_export())
        project.action_discover()
        line = project.file_ids.filtered(lambda f: f.name.endswith("jobs_enriched.csv"))
        line.object_key = "_aside"
        self.assertEqual(project.file_assignments, {line.name: ""})
        self.assertEqual(line.reason, "assigned")
        self.assertEqual(self._mapping(project, "job").source_count, 0)
        line.object_key = "customer"
        self.assertEqual(
            self._mapping(project, "job").source_count, len(enriched_rows())
        )

    def test_duplicate_ids_are_reported_in_discovery(self):
        rows = sample_table("prospects.csv")
        rows.append(dict(rows[4]))
        project = self._project(rezip({"prospects.csv": csv_of(rows)}))
        project.action_discover()
        self.assertIn(
            f"Prospects {rows[4]['Id']}: line 6 of", project.discovery_summary
        )
        self.assertIn("Customers 10370", project.discovery_summary)

    def test_a_newer_customer_list_wins_over_the_job_enriched_export(self):
        """100 customers' cities change in a newer customer list, the job-enriched
        export unchanged: a delta lands all 100, and the disagreements are told."""
        customers = sample_table("customers.csv")
        enriched = enriched_rows()
        first = rezip({"customers_with_jobs.csv": csv_of(enriched)})
        project = self._project(first)
        self._run(project)
        with_jobs = {row["Id"] for row in enriched}
        ids = [
            i
            for i in dict.fromkeys(row["Id"] for row in customers)
            if i in with_jobs and self._record(project, "customer", i)
        ][:100]
        changed = {}
        for row in customers:  # every row of an id (the last one is read)
            if row["Id"] in ids:
                changed[row["Id"]] = row["City"] = f"{row['City']} Heights"
        self.assertEqual(len(changed), 100)
        newer = rezip(
            {
                "customers.csv": csv_of(customers),
                "customers_with_jobs.csv": csv_of(enriched),
            }
        )
        attachment = self.env["ir.attachment"].create(
            {"name": "newer.zip", "raw": newer}
        )
        project.source_attachment_ids = [(6, 0, attachment.ids)]
        project.action_discover()
        self.assertIn("differs from line", project.discovery_summary)
        run = project.run_now("delta")
        landed = {
            source_id: self._record(project, "customer", source_id).city
            for source_id in changed
        }
        self.assertEqual(landed, changed)
        self.assertEqual(self._object_line(run, "customer").updated_count, 100)


class TestRequiredColumnsCli(MigrationCase):
    def setUp(self):
        super().setUp()
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.tmp = Path(tmp.name)
        self.export = self.tmp / "export.zip"
        self.export.write_bytes(renamed_export())

    def _cli(self, *argv):
        command = Flitstack()
        args = command._parser().parse_args(list(argv))
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            getattr(command, f"_{args.action}")(self.env, args)
        return out.getvalue()

    def _migrate(self, *extra):
        return self._cli(
            "migrate",
            "--platform=the_customer_factor",
            f"--input={self.export}",
            "--fallback-owner=fallback",
            f"--report={self.tmp / 'report.json'}",
            *extra,
        )

    def test_help_shows_the_default_confidence(self):
        text = (
            Flitstack()
            ._parser()
            ._subparsers._group_actions[0]
            .choices["migrate"]
            .format_help()
        )
        self.assertIn("--min-confidence", text)
        self.assertIn("0.7 for a new project", " ".join(text.split()))
        self.assertIn("--map", text)
        self.assertIn("NAME=OBJECT", text)

    def test_migrate_accepts_the_proposal_above_the_confidence(self):
        self._migrate()
        report = json.loads((self.tmp / "report.json").read_text())
        project = self.env["migration.project"].browse(report["project_id"])
        TestRequiredColumns._assert_landed(self, project, project.last_run_id)

    def test_below_the_confidence_it_stops_then_takes_an_edited_map(self):
        with self.assertRaises(UserError) as err:
            self._migrate("--min-confidence=0.99", "--name=Headless")
        message = err.exception.args[0]
        self.assertIn('has no "Id" column', message)
        self.assertIn('Likeliest: "Prospect ID"', message)
        rows = json.loads(
            self._cli(
                "propose",
                "--platform=the_customer_factor",
                f"--input={self.export}",
                "--min-confidence=0.99",
                "--json",
            )
        )
        edited = []
        for row in rows:
            if row["required_column"]:
                self.assertIsNone(row["found_as"])
                row["found_as"] = row["candidates"][0][0]
                edited.append(row)
        self.assertEqual(
            sorted((r["object"], r["found_as"]) for r in edited),
            [("invoice", "Cust ID"), ("prospect", "Prospect ID")],
        )
        path = self.tmp / "map.json"
        path.write_text(json.dumps(rows))
        self._migrate("--min-confidence=0.99", "--name=Headless", f"--map={path}")
        project = self.env["migration.project"].search([("name", "=", "Headless")])
        TestRequiredColumns._assert_landed(self, project, project.last_run_id)
        # the confirmed map is the project's: the UI (or the next command) reuses it
        self.assertEqual(
            project.mapping_ids.filtered(
                lambda m: m.object_key == "prospect"
            ).column_renames,
            {"Prospect ID": "Id"},
        )
        self._migrate("--min-confidence=0.99", "--name=Headless", "--mode=delta")

    def test_file_option_reassigns_a_file(self):
        self._migrate("--file=jobs_enriched.csv=aside", "--name=Aside")
        project = self.env["migration.project"].search([("name", "=", "Aside")])
        self.assertEqual(project.file_assignments, {"jobs_enriched.csv": ""})
        self.assertEqual(self._object_line(project.last_run_id, "job").source_count, 0)
        with self.assertRaises(UserError):
            self._migrate("--file=jobs_enriched.csv=nothing")


def test_renamed_helper():
    assert renamed([{"Id": "1", "A": "x"}], "Id", "B") == [{"B": "1", "A": "x"}]
