# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Customer Factor sample, end to end: what lands, where, linked to what."""

from collections import Counter
from datetime import datetime

import pytz

from odoo.exceptions import UserError

from ..parsers import parse_money
from .common import MigrationCase, sample_table


class TestTcfMigration(MigrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = sample_table("customers.csv")
        cls.jobs = sample_table("jobs.csv")
        cls.estimates = sample_table("estimates.csv", encoding="cp1252")
        cls.invoices = sample_table("invoices.csv")
        cls.notes = sample_table("notes.csv")
        cls.attachments = sample_table("attachments.csv")
        cls.prospects = sample_table("prospects.csv")
        cls.vip_tag = cls.env["res.partner.category"].create({"name": "vip"})
        cls.project = cls._class_project(cls)
        cls.mig_run = cls.project.run_now() if cls.project.state == "mapped" else None

    def _class_project(self):
        project = MigrationCase._project(self)
        project.action_discover()
        project.action_confirm_mapping()
        return project

    # ------------------------------------------------------------------
    def test_every_record_landed_or_failed_with_a_reason(self):
        run = self.mig_run
        self.assertEqual(run.state, "done")
        customer_ids = {row["Id"] for row in self.customers}
        # every row of the customer file: a customer's second row is a repeat
        repeated = {"customer": len(self.customers) - len(customer_ids)}
        self.assertEqual(repeated["customer"], 3)
        expected = {
            "customer": len(self.customers),
            "prospect": len(self.prospects),
            "job": len(self.jobs),
            "job_task": len(self.jobs),
            "estimate": len(self.estimates),
            "invoice": len(self.invoices),
            "note": len(self.notes),
            "attachment": len(self.attachments),
        }
        for key, count in expected.items():
            line = self._object_line(run, key)
            self.assertEqual(line.source_count, count, key)
            self.assertEqual(line.duplicate_count, repeated.get(key, 0), key)
            self.assertEqual(
                line.created_count + line.failed_count + line.duplicate_count,
                count,
                key,
            )
            logs = self.env["migration.log"].search(
                [("run_id", "=", run.id), ("object_key", "=", key)]
            )
            ops = Counter(logs.mapped("operation"))
            self.assertEqual(ops["create"], line.created_count, key)
            self.assertEqual(ops["fail"], line.failed_count, key)
            self.assertTrue(all(log.message for log in logs if log.operation == "fail"))

    def test_failures_name_their_reason(self):
        fails = {
            (log.object_key, log.source_id): log.message
            for log in self.mig_run.log_ids.filtered(
                lambda log: log.operation == "fail"
            )
        }
        nameless = [
            row["Id"]
            for row in self.customers
            if not any(
                row[c].strip()
                for c in (
                    "Customer Name",
                    "Company Name",
                    "First Name",
                    "Last Name",
                    "Email",
                )
            )
        ]
        self.assertEqual(len(nameless), 2)
        for source_id in nameless:
            self.assertIn("no name", fails[("customer", source_id)])
        orphans = [
            row
            for row in self.jobs
            if row["Id"] not in {c["Id"] for c in self.customers}
        ]
        self.assertTrue(orphans)
        for row in orphans:
            self.assertIn(f'customer "{row["Id"]}"', fails[("job", row["Job Id"])])
        missing_file = [
            row
            for row in self.attachments
            if row["File Path"] == "files/10559/before_kitchen_5324.png"
        ]
        self.assertIn(
            "is not in the export",
            fails[("attachment", missing_file[0]["Attachment Id"])],
        )
        self.assertEqual(
            self.mig_run.failed_count,
            len(nameless) + 2 * len(orphans) + 1 + self._orphan_children(orphans),
        )

    def _orphan_children(self, orphan_jobs):
        """Notes, files, invoices of the orphan jobs have nowhere to land either."""
        orphan_job_ids = {row["Job Id"] for row in orphan_jobs}
        known = {row["Id"] for row in self.customers}
        count = sum(
            1
            for row in self.notes + self.attachments
            if row["Job Id"] in orphan_job_ids and row["Id"] not in known
        )
        count += sum(
            1 for row in self.estimates + self.invoices if row["Id"] not in known
        )
        return count

    def test_customers_contacts_and_companies(self):
        commercial = [
            row
            for row in self.customers
            if row["Customer Type"] == "Commercial" and row["Company Name"]
        ]
        row = next(r for r in commercial if r["First Name"] and r["Last Name"])
        company = self._record(self.project, "customer", row["Id"])
        self.assertTrue(company.is_company)
        self.assertEqual(company.name, row["Company Name"])
        self.assertEqual(company.ref, row["Id"])
        self.assertEqual(company.customer_rank, 1)
        contact = self._record(self.project, "contact", row["Id"])
        self.assertEqual(contact.parent_id, company)
        self.assertEqual(contact.name, f"{row['First Name']} {row['Last Name']}")
        self.assertFalse(contact.is_company)
        self.assertIn(contact, company.child_ids)

    def test_partner_fields_are_cleaned(self):
        row = next(r for r in self.customers if r["Id"] == "10263")  # upper-case email
        partner = self._record(self.project, "customer", "10263")
        self.assertEqual(partner.email, row["Email"].strip().lower())
        bad = self._record(self.project, "customer", "10276")  # john@@example.com
        self.assertFalse(bad.email)
        log = self.mig_run.log_ids.filtered(
            lambda lg: lg.object_key == "customer" and lg.source_id == "10276"
        )
        self.assertIn("not a valid email address", log.message)
        zero = next(r for r in self.customers if r["Id"] == "10306")
        self.assertEqual(
            self._record(self.project, "customer", "10306").zip, zero["Zip Code"]
        )
        self.assertTrue(zero["Zip Code"].startswith("0"))
        texan = next(r for r in self.customers if r["State"] == "TX")
        partner = self._record(self.project, "customer", texan["Id"])
        self.assertEqual(partner.state_id.code, "TX")
        self.assertEqual(partner.country_id.code, "US")

    def test_repeated_customer_keeps_last_row(self):
        rows = [r for r in self.customers if r["Id"] == "10370"]
        self.assertEqual(len(rows), 2)
        partners = self.env["res.partner"].search([("ref", "=", "10370")])
        self.assertEqual(len(partners), 1)
        self.assertIn(
            rows[-1]["Cell Phone"][-4:], (partners.mobile or "").replace("-", "")
        )

    def test_tags_match_existing_case_insensitively(self):
        tagged_rows = [r for r in self.customers if "vip" in r["Tags"].lower()]
        self.assertTrue(tagged_rows)
        partner = self._record(self.project, "customer", tagged_rows[0]["Id"])
        self.assertIn(self.vip_tag, partner.category_id)
        self.assertEqual(
            self.env["res.partner.category"].search_count([("name", "=ilike", "vip")]),
            1,
        )

    def test_custom_fields_created_and_filled(self):
        fields_ = self.env["res.partner"]._fields
        for name, ttype in (
            ("x_tcf_bedrooms", "integer"),
            ("x_tcf_dog", "boolean"),
            ("x_tcf_gate_code", "char"),
            ("x_tcf_service_type", "char"),
            ("x_source_created", "datetime"),
        ):
            self.assertIn(name, fields_)
            self.assertEqual(fields_[name].type, ttype, name)
        row = next(
            r
            for r in self.customers
            if r["Bedrooms"] and r["Name" if False else "Id"] not in ("10311", "10465")
        )
        partner = self._record(self.project, "customer", row["Id"])
        self.assertEqual(partner.x_tcf_bedrooms, int(row["Bedrooms"]))
        self.assertEqual(partner.x_tcf_dog, row["Dog"] == "Yes")
        self.assertTrue(partner.x_source_created)
        view = self.env["ir.ui.view"].search(
            [("model", "=", "res.partner"), ("arch_db", "ilike", "x_tcf_bedrooms")]
        )
        self.assertTrue(view, "custom fields are shown on the contact form")
        arch = self.env["res.partner"].get_view(view_type="form")["arch"]
        self.assertIn("x_tcf_bedrooms", arch)

    def test_jobs_are_opportunities_with_owner_stage_and_task(self):
        Lead = self.env["crm.lead"]
        carlos_jobs = [r for r in self.jobs if r["Employee/Crew"] == "Carlos Ramírez"]
        row = next(
            r
            for r in carlos_jobs
            if r["Status"] == "Completed" and r["Price"].startswith("$")
        )
        lead = self._record(self.project, "job", row["Job Id"])
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(
            lead.partner_id, self._record(self.project, "customer", row["Id"])
        )
        self.assertEqual(lead.user_id, self.carlos)
        self.assertTrue(lead.stage_id.is_won)
        self.assertEqual(lead.probability, 100)
        # closed on the job's own date (midnight in Chicago), not on the day of the run
        local = pytz.timezone("America/Chicago").localize(
            datetime.strptime(row["Job Date"], "%m/%d/%y")
        )
        self.assertEqual(
            lead.date_closed, local.astimezone(pytz.utc).replace(tzinfo=None)
        )
        # what Odoo computes from the close date follows it, read from the database
        lead.invalidate_recordset(["day_close"])
        self.assertEqual(
            lead.day_close, abs((lead.date_closed - lead.create_date).days)
        )
        self.assertAlmostEqual(lead.expected_revenue, parse_money(row["Price"]))
        task = self._record(self.project, "job_task", row["Job Id"])
        self.assertEqual(task.migration_lead_id, lead)
        self.assertEqual(task.partner_id, lead.partner_id)
        self.assertEqual(task.user_ids, self.carlos)
        self.assertEqual(task.state, "1_done")
        # crews have no Odoo user: the fallback owner takes them, and they are listed
        crew = next(
            r
            for r in self.jobs
            if r["Employee/Crew"] == "Crew A"
            and r["Id"] in {c["Id"] for c in self.customers}
        )
        self.assertEqual(
            self._record(self.project, "job", crew["Job Id"]).user_id, self.fallback
        )
        owners = self.mig_run._get_unmatched_owners()
        self.assertEqual(
            owners["Crew A"],
            sum(1 for r in self.jobs if r["Employee/Crew"] == "Crew A")
            * 2,  # lead + task
        )
        cancelled = next(
            r
            for r in self.jobs
            if r["Status"] == "Cancelled"
            and r["Id"] in {c["Id"] for c in self.customers}
        )
        lost = self._record(self.project, "job", cancelled["Job Id"])
        self.assertFalse(lost.active)
        self.assertEqual(lost.probability, 0)
        self.assertEqual(
            lost.date_closed.date(),
            datetime.strptime(cancelled["Job Date"], "%m/%d/%y").date(),
        )
        scheduled = next(r for r in carlos_jobs if r["Status"] == "Scheduled")
        self.assertFalse(
            self._record(self.project, "job", scheduled["Job Id"]).date_closed
        )
        self.assertFalse(
            Lead.search([("user_id", "=", False), ("id", "in", self._all_leads().ids)])
        )

    def _all_leads(self):
        ids = self.mig_run.log_ids.filtered(
            lambda lg: lg.model == "crm.lead" and lg.res_id
        ).mapped("res_id")
        return self.env["crm.lead"].with_context(active_test=False).browse(ids)

    def test_estimates_have_their_lines(self):
        row = next(r for r in self.estimates if "," in r["Job Type(s)"])
        order = self._record(self.project, "estimate", row["Estimate Id"])
        kinds = [k.strip() for k in row["Job Type(s)"].split(",")]
        self.assertEqual(order.name, row["Estimate Id"])
        self.assertEqual(
            order.partner_id, self._record(self.project, "customer", row["Id"])
        )
        self.assertEqual(order.order_line.mapped("name"), kinds)
        self.assertEqual(
            order.order_line.product_id,
            self.env["product.product"].browse(
                [self._record(self.project, "service", kind).id for kind in kinds]
            ),
        )
        self.assertAlmostEqual(
            order.amount_untaxed, parse_money(row["Amount"]), places=1
        )
        state = {"Emailed": "sent", "Accepted": "sale", "Declined": "cancel"}[
            row["Status"]
        ]
        self.assertEqual(order.state, state)

    def test_accepted_estimates_have_no_extra_lines_in_their_chatter(self):
        """Odoo logs "Extra line with ..." for each product line made on a confirmed
        order; the lines of an estimate accepted in the old system are its own."""
        accepted = [row for row in self.estimates if row["Status"] == "Accepted"]
        self.assertTrue(accepted)
        orders = self.env["sale.order"].browse(
            [
                self._record(self.project, "estimate", row["Estimate Id"]).id
                for row in accepted
            ]
        )
        self.assertEqual(set(orders.mapped("state")), {"sale"})
        self.assertTrue(orders.order_line.product_id)
        bodies = orders.message_ids.mapped("body")
        self.assertFalse([body for body in bodies if "Extra line" in str(body)])

    def test_invoices_keep_their_number_and_lines(self):
        row = next(
            r
            for r in self.invoices
            if r["Status"] == "Paid" and r["Discount"] in ("", "$0.00")
        )
        move = self._record(self.project, "invoice", row["Invoice Id"])
        self.assertEqual(move.move_type, "out_invoice")
        self.assertEqual(move.ref, row["Invoice Id"])
        self.assertEqual(
            move.partner_id, self._record(self.project, "customer", row["Id"])
        )
        self.assertEqual(len(move.invoice_line_ids), 1)
        self.assertAlmostEqual(move.amount_untaxed, parse_money(row["Amount"]))
        self.assertEqual(move.x_tcf_status, "Paid")

    def test_notes_keep_date_and_order(self):
        row = next(
            r
            for r in self.notes
            if not r["Job Id"] and r["Id"] in {c["Id"] for c in self.customers}
        )
        partner = self._record(self.project, "customer", row["Id"])
        messages = self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                ("message_type", "=", "comment"),
            ],
            order="id",
        )
        self.assertTrue(any(row["Note"].strip()[:40] in m.body for m in messages))
        dates = messages.mapped("date")
        self.assertEqual(dates, sorted(dates), "history is created oldest first")
        self.assertTrue(
            all(m.subtype_id == self.env.ref("mail.mt_note") for m in messages)
        )

    def test_attachments_on_their_record(self):
        row = next(
            r
            for r in self.attachments
            if r["File Path"] != "files/10559/before_kitchen_5324.png"
        )
        attachment = self._record(self.project, "attachment", row["Attachment Id"])
        target = "job" if row["Job Id"] else "customer"
        record = self._record(self.project, target, row["Job Id"] or row["Id"])
        self.assertEqual(
            (attachment.res_model, attachment.res_id), (record._name, record.id)
        )
        self.assertEqual(attachment.name, row["File Name"])
        self.assertTrue(attachment.raw)

    def test_second_run_creates_nothing(self):
        counts = self._table_counts()
        rerun = self.project.run_now()
        self.assertEqual(rerun.created_count, 0)
        self.assertEqual(rerun.updated_count, 0)
        self.assertEqual(rerun.skipped_count, self.mig_run.created_count)
        self.assertEqual(rerun.failed_count, self.mig_run.failed_count)
        after = self._table_counts()
        self.assertEqual(after, counts)

    def test_run_refuses_an_unconfirmed_map(self):
        project = self._project()
        project.action_discover()
        project.mapping_ids[0].confirmed = False
        with self.assertRaises(UserError) as err:
            project.run_now()
        self.assertIn("Review and confirm the field map", err.exception.args[0])
        self.assertIn(project.mapping_ids[0].name, err.exception.args[0])
