# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bad input: a clear message, and nothing written."""

import io
import zipfile

from odoo.exceptions import UserError

from .common import MigrationCase, rezip, sample_bytes, sample_table, to_csv


class TestBadInput(MigrationCase):
    def assertRefused(self, data, name, *fragments):
        project = self._project(data, name=name)
        before = self._table_counts()
        runs = self.env["migration.run"].search_count([])
        logs = self.env["migration.log"].search_count([])
        with self.assertRaises(UserError) as err:
            project.action_discover()
        message = err.exception.args[0]
        for fragment in fragments:
            self.assertIn(fragment, message)
        with self.assertRaises(UserError):
            project.run_now()
        self.assertEqual(self._table_counts(), before)
        self.assertEqual(self.env["migration.run"].search_count([]), runs)
        self.assertEqual(self.env["migration.log"].search_count([]), logs)
        return message

    def test_missing_required_column(self):
        rows = sample_table("customers.csv")
        for row in rows:
            del row["Id"]
        data = rezip({"customers.csv": to_csv(rows, list(rows[0]))})
        self.assertRefused(data, "export.zip", 'has no "Id" column', "customers.csv")

    def test_wrong_encoding(self):
        text = sample_table("customers.csv")
        # UTF-16 with its byte order mark reads; without it, it is refused.
        data = to_csv(text[:20], list(text[0]), encoding="utf-16-le")
        self.assertRefused(data, "customers.csv", "customers.csv", "CSV UTF-8")

    def test_truncated_zip(self):
        data = sample_bytes()
        self.assertRefused(
            data[: len(data) // 2], "export.zip", "export.zip", "damaged or incomplete"
        )

    def test_truncated_csv(self):
        raw = zipfile.ZipFile(io.BytesIO(sample_bytes())).read("jobs.csv")
        cut = raw[: raw.rfind(b"\n", 0, len(raw) // 2) + 30]
        self.assertRefused(cut, "jobs.csv", "jobs.csv", "cut off")

    def test_not_a_csv(self):
        png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
        self.assertRefused(png, "customers.csv", "customers.csv", "not a CSV or Excel")

    def test_empty_file(self):
        self.assertRefused(b"", "customers.csv", "customers.csv is empty")

    def test_unrecognised_files(self):
        data = b"Foo,Bar\n1,2\n"
        self.assertRefused(
            data, "things.csv", "looks like a The Customer Factor export", "things.csv"
        )

    def test_bad_rows_do_not_stop_the_others(self):
        rows = sample_table("customers.csv")[:30]
        rows[3]["Id"] = ""
        rows[4].update(
            {
                "Customer Name": "",
                "Company Name": "",
                "First Name": "",
                "Last Name": "",
                "Email": "",
            }
        )
        rows[5]["Date Canceled Service"] = "someday"
        project = self._project(to_csv(rows, list(rows[0])), name="customers.csv")
        run = self._run(project)
        line = self._object_line(run, "customer")
        unique = len({r["Id"] for r in rows if r["Id"]})
        self.assertEqual(line.failed_count, 2)
        self.assertEqual(line.created_count, unique - 1)
        reasons = run.log_ids.filtered(lambda lg: lg.operation == "fail").mapped(
            "message"
        )
        self.assertTrue(any("has no id" in r for r in reasons), reasons)
        self.assertTrue(any("no name" in r for r in reasons), reasons)
        # an unreadable date is left empty, with a remark on the journal row
        partner = self._record(project, "customer", rows[5]["Id"])
        self.assertTrue(partner)
        self.assertFalse(partner.x_tcf_date_canceled_service)
        log = run.log_ids.filtered(lambda lg: lg.source_id == rows[5]["Id"])
        self.assertIn('"someday" is not a date; left empty', log.message)
