# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Delta: a newer export lands only what is new or changed; its own log and rollback."""

import json
import math
from collections import Counter
from unittest.mock import patch

from odoo.exceptions import UserError

from ..readers.the_customer_factor import TheCustomerFactorReader
from .common import MigrationCase, rezip, sample_table, to_csv


class TestDelta(MigrationCase):
    @staticmethod
    def _plus(counts, extra):
        return {table: count + extra.get(table, 0) for table, count in counts.items()}

    def _landed_unique(self, project, key, rows, column):
        counts = {}
        for row in rows:
            counts[row[column]] = counts.get(row[column], 0) + 1
        return [
            row[column]
            for row in rows
            if counts[row[column]] == 1 and self._record(project, key, row[column])
        ]

    def test_delta_lands_only_changes_and_rolls_back_with_the_full_run(self):
        project = self._project()
        project.action_discover()
        project.action_confirm_mapping()
        with self.assertRaisesRegex(UserError, "after the full migration"):
            project._create_run("delta")
        before = self._table_counts()
        full = project.run_now("full")
        after_full = self._table_counts()
        customers = sample_table("customers.csv")
        jobs = sample_table("jobs.csv")
        headers_c, headers_j = list(customers[0]), list(jobs[0])
        # 1% of the rows change: 3 of 300 customers, 1% of the jobs
        landed_customers = self._landed_unique(project, "customer", customers, "Id")
        edited_customers = landed_customers[10:13]
        landed_jobs = self._landed_unique(project, "job", jobs, "Job Id")
        edited_jobs = landed_jobs[5 : 5 + max(1, len(jobs) // 100)]
        deleted = landed_customers[40]
        for row in customers:
            if row["Id"] in edited_customers:
                row["City"] = "Delta City"
        for row in jobs:
            if row["Job Id"] in edited_jobs:
                row["Price"] = "$999.00"
        customers = [row for row in customers if row["Id"] != deleted]
        template = next(
            row for row in customers if not row["Company Name"] and row["Customer Name"]
        )
        for new_id, name in (
            ("99901", "New Customer One"),
            ("99902", "New Customer Two"),
        ):
            customers.append(dict(template, Id=new_id, **{"Customer Name": name}))
        self._upload(
            project,
            rezip(
                {
                    "customers.csv": to_csv(customers, headers_c, "utf-8-sig"),
                    "jobs.csv": to_csv(jobs, headers_j),
                }
            ),
        )
        action = project.action_start_delta()
        delta = self.env["migration.run"].browse(action["res_id"])
        self.assertEqual((delta.mode, delta.state), ("delta", "queued"))
        reads = Counter()
        read = TheCustomerFactorReader.iter_records

        def counted(reader, object_key, after=None):
            reads[object_key] += 1
            return read(reader, object_key, after=after)

        with patch.object(TheCustomerFactorReader, "iter_records", counted):
            self._work_queue()
        # the notes did not change: counted and compared with the journal's hashes,
        # never read again by the field check (the customers are)
        self.assertEqual(reads["note"], 2)
        self.assertGreater(reads["customer"], 2)
        self.assertEqual(delta.state, "done")
        line = self._object_line(delta, "customer")
        self.assertEqual(line.updated_count, 3)
        self.assertEqual(line.created_count, 2)
        self.assertEqual(line.gone_count, 1)
        job = self._object_line(delta, "job")
        self.assertEqual(job.updated_count, len(edited_jobs))
        self.assertEqual(job.created_count, 0)
        for other in delta.object_ids - line - job:
            self.assertEqual(
                (other.object_key, other.created_count, other.updated_count),
                (other.object_key, 0, 0),
            )
        updated = delta.log_ids.filtered(lambda lg: lg.operation == "update")
        self.assertEqual(
            sorted(updated.mapped("source_id")), sorted(edited_customers + edited_jobs)
        )
        self.assertEqual(
            self._record(project, "customer", edited_customers[0]).city, "Delta City"
        )
        self.assertEqual(
            self._record(project, "job", edited_jobs[0]).expected_revenue, 999.0
        )
        self.assertTrue(self._record(project, "customer", deleted), "kept in Odoo")
        # the field check covers only what the delta landed, and finds it right
        self.assertEqual(delta.diff_mismatch_count, 0)
        self.assertEqual(
            set(
                delta.diff_line_ids.filtered(lambda l: l.status != "match").mapped(
                    "source_id"
                )
            ),
            {"10311", "10465"} & set(delta.diff_line_ids.mapped("source_id")),
        )
        self.assertLess(line.diff_checked_count, 5 * 40)
        self.assertGreater(line.diff_checked_count, 0)
        report = delta._report()
        self.assertEqual(report["delta"]["new"], 2)
        self.assertEqual(report["delta"]["deleted"], 1)
        self.assertGreaterEqual(report["delta"]["changed"], 3 + len(edited_jobs))
        self.assertGreater(report["delta"]["unchanged"], 2000)
        row = next(r for r in report["objects"] if r["object"] == "customer")
        self.assertEqual(
            row["delta"],
            {"unchanged": 300 - 2 - 1 - 3, "changed": 3, "new": 2, "deleted": 1},
        )
        # a second delta on the same export changes nothing
        second = project.run_now("delta")
        self.assertEqual(second.created_count + second.updated_count, 0)
        # roll back the deltas, then the full run: the database is as before
        second._rollback()
        delta._rollback()
        self.assertEqual(project.state, "done")
        uploaded = {"ir_attachment": 1}  # the newer export itself stays on the project
        self.assertEqual(self._table_counts(), self._plus(after_full, uploaded))
        self.assertEqual(
            self._record(project, "customer", edited_customers[0]).city,
            next(
                r["City"]
                for r in sample_table("customers.csv")
                if r["Id"] == edited_customers[0]
            ),
        )
        full._rollback()
        self.assertEqual(self._table_counts(), self._plus(before, uploaded))
        self.assertEqual(project.state, "rolled_back")
        self.assertIn("deleted", delta.rollback_summary_display)

    def test_unchanged_records_are_journaled_a_row_a_batch_and_still_told_when_gone(
        self,
    ):
        project = self._project(batch_size=100)
        project.action_discover()
        project.action_confirm_mapping()
        full = project.run_now("full")
        made = full.log_ids.filtered(
            lambda lg: lg.object_key == "customer" and lg.operation == "create"
        )
        landed = set(made.mapped("source_id"))
        self.assertGreater(len(landed), 250)
        again = project.run_now("delta")
        self.assertEqual(again.created_count + again.updated_count, 0)
        # not a row per unchanged record: a row per batch, the batch's ids in it
        skips = again.log_ids.filtered(lambda lg: lg.operation == "skip")
        self.assertFalse(skips.filtered("source_id"))
        self.assertEqual(
            sum(len(json.loads(lg.unchanged_ids)) for lg in skips),
            again.skipped_count,
        )
        customers = skips.filtered(lambda lg: lg.object_key == "customer")
        self.assertEqual(len(customers), math.ceil(len(landed) / 100))
        ids = [i for lg in customers for i in json.loads(lg.unchanged_ids)]
        self.assertEqual(sorted(ids), sorted(landed))
        self.assertEqual(
            self._object_line(again, "customer").skipped_count, len(landed)
        )
        first = customers.sorted("id")[0]
        self.assertEqual(first.model, "res.partner")
        count = len(json.loads(first.unchanged_ids))
        self.assertGreater(count, 90)
        self.assertIn(f"{count} records unchanged since the last run", first.message)
        self.assertEqual(first.display_name, f"{count} unchanged records")
        self.assertIn(json.loads(first.unchanged_ids)[0], first.unchanged_ids_display)
        self.assertEqual(again._report()["delta"]["unchanged"], again.skipped_count)
        # a customer found unchanged by that delta, then deleted in the old system:
        # the next delta tells it gone (from the ids of the batch row), and only it
        gone = sorted(landed)[7]
        rows = [row for row in sample_table("customers.csv") if row["Id"] != gone]
        headers = list(sample_table("customers.csv")[0])
        self._upload(
            project, rezip({"customers.csv": to_csv(rows, headers, "utf-8-sig")})
        )
        last = project.run_now("delta")
        told = last.log_ids.filtered(lambda lg: lg.operation == "gone")
        self.assertEqual(told.mapped("source_id"), [gone])
        self.assertEqual(self._object_line(last, "customer").gone_count, 1)
        self.assertTrue(self._record(project, "customer", gone), "kept in Odoo")
        # and a third delta on the same export tells it gone again, nothing else
        third = project.run_now("delta")
        self.assertEqual(
            third.log_ids.filtered(lambda lg: lg.operation == "gone").mapped(
                "source_id"
            ),
            [gone],
        )
