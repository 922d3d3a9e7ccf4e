# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The field-level diff reads the records back from Odoo: it sees what was changed."""

import csv
import io
from collections import Counter

from odoo import Command

from .common import MigrationCase, sample_table


class TestDiff(MigrationCase):
    def _recheck(self, run):
        with run.project_id._open_reader() as reader:
            return run._check_fields(reader)

    def _line(self, run, key, source_id, field):
        return run.diff_line_ids.filtered(
            lambda l: (
                (l.object_key, l.source_id, l.field_name) == (key, source_id, field)
            )
        )

    def test_diff_finds_a_record_edited_in_odoo(self):
        project = self._project()
        project.action_discover()
        project.action_confirm_mapping()
        run = project.run_now("sample", skip_sample=False)
        sample = run._get_sample()
        customer_id = min(
            i for i in sample["customer"] if self._record(project, "customer", i)
        )
        job_id = min(sample["job"])
        partner = self._record(project, "customer", customer_id)
        lead = self._record(project, "job", job_id)
        city = self._line(run, "customer", customer_id, "city")
        self.assertEqual(city.status, "match")
        self.assertEqual(city.found_value, partner.city)
        partner_line = self._line(run, "job", job_id, "partner_id")
        self.assertEqual(partner_line.status, "match")
        self.assertEqual(partner_line.found_value, lead.partner_id.display_name)
        # someone edits the migrated records in Odoo
        old_city = partner.city
        partner.city = "Somewhere Else"
        lead.name = "Renamed by hand"
        lead.expected_revenue = 12345.5
        self._recheck(run)
        city = self._line(run, "customer", customer_id, "city")
        self.assertEqual(city.status, "mismatch")
        self.assertEqual(
            (city.expected_value, city.found_value), (old_city, "Somewhere Else")
        )
        self.assertEqual(city.source_value, old_city)
        self.assertEqual(self._line(run, "job", job_id, "name").status, "mismatch")
        revenue = self._line(run, "job", job_id, "expected_revenue")
        self.assertEqual(
            (revenue.status, revenue.found_value), ("mismatch", "12345.50")
        )
        self.assertEqual(run.diff_mismatch_count, 3)
        mismatches = run.diff_line_ids.filtered(lambda l: l.status == "mismatch")
        self.assertEqual(len(mismatches), 3)
        # a value emptied in Odoo is missing
        partner.city = False
        self._recheck(run)
        self.assertEqual(
            self._line(run, "customer", customer_id, "city").status, "missing"
        )
        self.assertEqual(run.diff_missing_count, 1)
        # the CSV holds the same lines
        action = run.action_download_diff_csv()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        rows = list(csv.DictReader(io.StringIO(attachment.raw.decode("utf-8-sig"))))
        self.assertEqual(len(rows), len(run.diff_line_ids))
        self.assertEqual(
            Counter(row["Status"] for row in rows)["missing"], run.diff_missing_count
        )
        self.assertEqual(
            {
                row["Status"]
                for row in rows
                if row["Id in the old system"] == customer_id
                and row["Field (technical)"] == "city"
            },
            {"missing"},
        )
        # the list action groups by object and status
        action = run.action_view_diff()
        self.assertEqual(action["res_model"], "migration.diff.line")
        self.assertEqual(action["domain"], [("run_id", "=", run.id)])

    def test_full_run_keeps_totals_and_only_the_problems(self):
        project = self._project()
        run = self._run(project)
        customer = self._object_line(run, "customer")
        self.assertGreater(customer.diff_checked_count, 298 * 10)
        self.assertEqual(customer.diff_checked_count, customer.diff_match_count)
        self.assertEqual(run.diff_mismatch_count, 0)
        self.assertNotIn("match", run.diff_line_ids.mapped("status"))
        self.assertEqual(
            sorted(
                run.diff_line_ids.filtered(lambda l: l.object_key == "customer").mapped(
                    "source_id"
                )
            ),
            ["10311", "10465"],  # the two customers that failed
        )
        partner = self._record(project, "customer", "10231")
        partner.email = "changed@example.com"
        self._recheck(run)
        line = self._line(run, "customer", "10231", "email")
        self.assertEqual(line.status, "mismatch")
        self.assertEqual(line.found_value, "changed@example.com")
        self.assertEqual(self._object_line(run, "customer").diff_mismatch_count, 1)
        report = run._report()
        row = next(r for r in report["objects"] if r["object"] == "customer")
        self.assertEqual(row["diff"]["mismatches"], 1)
        self.assertEqual(report["diff"]["mismatches"], 1)

    def test_codes_are_compared_with_the_source_text(self):
        """A zip landed as a number (a map confirmed before codes were text) loses
        its leading zero: the diff says so, though the number is what the map gave."""
        project = self._project()
        project.action_discover()
        customers = project.mapping_ids.filtered(lambda m: m.object_key == "customer")
        customers.field_ids = [
            Command.create(
                {
                    "source_column": "Zip Code",
                    "target_field": "x_tcf_zip_number",
                    "transform": "integer",
                    "custom_type": "integer",
                    "is_custom": True,
                }
            )
        ]
        run = self._run(project)
        kept = {r["Id"]: r for r in sample_table("customers.csv")}
        failed = {"10311", "10465"}
        zero = next(
            i for i, r in kept.items() if r["Zip Code"][:1] == "0" and i not in failed
        )
        plain = next(
            i
            for i, r in kept.items()
            if r["Zip Code"][:1] not in ("0", "") and i not in failed
        )
        partner = self._record(project, "customer", zero)
        self.assertEqual(partner.x_tcf_zip_number, int(kept[zero]["Zip Code"]))
        line = self._line(run, "customer", zero, "x_tcf_zip_number")
        self.assertEqual(
            (line.status, line.expected_value, line.found_value),
            ("mismatch", kept[zero]["Zip Code"], str(int(kept[zero]["Zip Code"]))),
        )
        self.assertFalse(self._line(run, "customer", plain, "x_tcf_zip_number"))
        # a text field holding the cell as typed matches it
        self.assertFalse(self._line(run, "customer", zero, "zip"))
