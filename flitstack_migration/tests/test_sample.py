# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Trial run: a representative sample lands for real; approve or reject it."""

from odoo.exceptions import UserError

from ..engine.sample import select_sample
from ..presets.the_customer_factor import PRESET
from ..readers.the_customer_factor import TheCustomerFactorReader
from .common import MigrationCase, sample_bytes, sample_table


class SampleCase(MigrationCase):
    def _sample_run(self, project, size=None):
        if size:
            project.sample_size = size
        project.action_discover()
        project.action_confirm_mapping()
        return project.run_now("sample", skip_sample=False)


class TestSampleSelection(SampleCase):
    def test_sample_holds_every_object_type_and_its_parents(self):
        with TheCustomerFactorReader(
            PRESET, [("sample.zip", sample_bytes())]
        ) as reader:
            sample = select_sample(reader, PRESET, 100)
            again = select_sample(reader, PRESET, 100)
        self.assertEqual(sample, again, "the same export gives the same sample")
        for obj in PRESET.objects:
            self.assertTrue(sample.get(obj.key), f"no {obj.key} in the sample")
        base = sum(
            len(ids) for key, ids in sample.items() if not PRESET.get(key).derived_from
        )
        self.assertLessEqual(base, 110)
        self.assertGreaterEqual(base, 60)
        customers, jobs = sample["customer"], sample["job"]
        # not the first rows: spread over the whole file
        all_customers = [row["Id"] for row in sample_table("customers.csv")]
        self.assertLess(len(customers & set(all_customers[:40])), len(customers))
        job_rows = {row["Job Id"]: row for row in sample_table("jobs.csv")}
        known_customers = set(all_customers)
        for job in jobs:
            customer = job_rows[job]["Id"].strip()
            if customer in known_customers:
                self.assertIn(customer, customers, f"job {job} without its customer")
        for row in sample_table("notes.csv"):
            if row["Note Id"] in sample["note"]:
                self.assertIn(row["Id"], customers)
                if row.get("Job Id"):
                    self.assertIn(row["Job Id"], jobs)
        for row in sample_table("attachments.csv"):
            if row["Attachment Id"] in sample["attachment"]:
                self.assertIn(row["Id"], customers)
        for key, table, id_column in (
            ("estimate", "estimates.csv", "Estimate Id"),
            ("invoice", "invoices.csv", "Invoice Id"),
        ):
            for row in sample_table(
                table, "cp1252" if key == "estimate" else "utf-8-sig"
            ):
                if row[id_column] in sample[key]:
                    self.assertIn(row["Id"], customers)
        self.assertLessEqual(sample["contact"], customers)
        self.assertEqual(sample["job_task"], jobs)
        # edge cases: customers with notes, commercial ones with a contact person
        self.assertTrue(sample["contact"])
        # the least common job status is there
        statuses = {}
        for row in job_rows.values():
            statuses.setdefault(row["Status"].strip().lower(), set()).add(row["Job Id"])
        rarest = min((s for s in statuses if s), key=lambda s: len(statuses[s]))
        self.assertTrue(statuses[rarest] & jobs, f"no job of the rare status {rarest}")

    def test_size_is_bounded(self):
        with TheCustomerFactorReader(
            PRESET, [("sample.zip", sample_bytes())]
        ) as reader:
            small = select_sample(reader, PRESET, 20)
            large = select_sample(reader, PRESET, 10_000)
        small_total = sum(
            len(v) for k, v in small.items() if not PRESET.get(k).derived_from
        )
        large_total = sum(
            len(v) for k, v in large.items() if not PRESET.get(k).derived_from
        )
        self.assertTrue(all(small.get(obj.key) for obj in PRESET.objects))
        self.assertLess(small_total, 60, "edge cases stop at the size")
        self.assertLessEqual(large_total, 520)


class TestSampleRun(SampleCase):
    def test_sample_lands_for_real_and_waits_for_approval(self):
        project = self._project()
        project.action_discover()
        project.action_confirm_mapping()
        with self.assertRaisesRegex(UserError, "trial run"):
            project._create_run("full")
        run = self._sample_run(project)
        self.assertEqual(run.mode, "sample")
        self.assertEqual(run.state, "done")
        self.assertEqual((project.state, project.sample_state), ("sampled", "pending"))
        sample = run._get_sample()
        customer = self._object_line(run, "customer")
        self.assertEqual(customer.source_count, len(sample["customer"]))
        self.assertEqual(
            customer.created_count + customer.failed_count, customer.source_count
        )
        self.assertEqual(
            self._object_line(run, "contact").source_count, len(sample["contact"])
        )
        for source_id in sample["job"]:
            lead = self._record(project, "job", source_id)
            self.assertTrue(lead, f"job {source_id} landed")
            self.assertTrue(lead.partner_id)
        self.assertEqual(
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search_count(
                [
                    (
                        "id",
                        "in",
                        [self._record(project, "job", s).id for s in sample["job"]],
                    )
                ]
            ),
            len(sample["job"]),
        )
        # the field check read every landed field back: all match
        statuses = set(run.diff_line_ids.mapped("status"))
        self.assertEqual(statuses, {"match", "not_migrated"})
        self.assertEqual(run.diff_mismatch_count, 0)
        self.assertEqual(
            run.diff_checked_count,
            len(run.diff_line_ids.filtered(lambda l: l.status == "match")),
        )
        self.assertEqual(
            len(run.diff_line_ids.filtered(lambda l: l.status == "not_migrated")),
            run.failed_count,
        )
        # while it waits, the full run is refused, even asked for explicitly
        for start in (
            project.action_start_run,
            project.action_skip_sample,
            lambda: project.run_now("full", skip_sample=True),
        ):
            with self.assertRaisesRegex(UserError, "waiting for your approval"):
                start()
        with self.assertRaisesRegex(UserError, "Approve or reject"):
            project._create_run("sample")

    def test_approving_unlocks_the_full_run(self):
        project = self._project()
        sample_run = self._sample_run(project)
        landed = sample_run.created_count
        project.action_approve_sample()
        self.assertEqual(project.sample_state, "approved")
        full = project.run_now("full", skip_sample=False)
        self.assertEqual(full.state, "done")
        self.assertEqual(project.state, "done")
        # the records of the trial are not landed twice: they are unchanged
        self.assertGreaterEqual(full.skipped_count, landed)
        customer = self._object_line(full, "customer")
        self.assertEqual(
            customer.created_count + customer.skipped_count + customer.failed_count, 300
        )
        self.assertEqual(
            self.env["res.partner"].search_count([("ref", "=", "10231")]), 1
        )
        with self.assertRaisesRegex(UserError, "trial run is for before"):
            project._create_run("sample")

    def test_rejecting_rolls_the_sample_back(self):
        project = self._project()
        project.action_discover()
        project.action_confirm_mapping()
        before = self._table_counts()
        run = self._sample_run(project)
        self.assertNotEqual(self._table_counts(), before)
        project.action_reject_sample()
        self.assertEqual(self._table_counts(), before)
        self.assertEqual(run.state, "rolled_back")
        self.assertEqual((project.state, project.sample_state), ("mapped", "rejected"))
        self.assertIn("rejected", project.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "rejected"):
            project.action_start_run()
        # the map can be edited and the trial run again
        second = project.run_now("sample", skip_sample=False)
        self.assertEqual(second.state, "done")
        self.assertEqual(project.sample_state, "pending")
        self.assertEqual(second._get_sample(), run._get_sample())
        self.assertEqual(second.created_count, run.created_count)

    def test_skipping_the_trial_is_explicit(self):
        project = self._project()
        project.action_discover()
        project.action_confirm_mapping()
        with self.assertRaisesRegex(UserError, "Run a trial run"):
            project.run_now("full", skip_sample=False)
        action = project.action_skip_sample()
        run = self.env["migration.run"].browse(action["res_id"])
        self.assertEqual((run.mode, run.state), ("full", "queued"))
        self.assertEqual(project.sample_state, "skipped")
        self.assertIn("skipped", project.message_ids[1].body)
