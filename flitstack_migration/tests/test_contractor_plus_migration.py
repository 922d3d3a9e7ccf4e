# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Contractor+ sample, end to end: every object of the seed lands, linked, and the
run balances, runs again without creating anything and rolls back to nothing.

The company has a chart of accounts (Odoo's generic one) with its bank and cash
journals, and sales taxes of 8.25% and 6%, the rates the sample's items carry.
"""

import hashlib
from collections import Counter
from datetime import datetime

import pytz

from odoo.exceptions import UserError
from odoo.tests import new_test_user

from ..engine.report import build_report
from ..engine.rollback_check import RollbackCheck
from ..parsers import parse_money
from .common import PAYMENT_AND_CALENDAR_TABLES, TOUCHED_TABLES, MigrationCase
from .platform_samples import sample_bytes, sample_rows

PLATFORM = "contractor_plus"
TZ = pytz.timezone("America/Chicago")
#: What the account's payments and invoices add to the tables a rollback restores.
TABLES = (*TOUCHED_TABLES, *PAYMENT_AND_CALENDAR_TABLES)
STAFF = (
    ("marcus", "Marcus Reyes", "Marcus.Reyes@summitbuild.example"),
    ("tomas", "Tomás Ibáñez", "tomas.ibanez@summitbuild.example"),
    ("hannah", "Hannah Lee", "hannah.lee@summitbuild.example"),
    ("jake", "Jake Kowalski", "jake.k@summitbuild.example"),
    ("priya", "Priya Natarajan", "priya@summitbuild.example"),
)


def rows(member, encoding="utf-8-sig"):
    return sample_rows(PLATFORM, member, encoding)


def utc(text):
    """A sample's local time (the project's time zone) as Odoo stores it."""
    moment = datetime.strptime(text, "%m/%d/%Y %I:%M %p")
    return TZ.localize(moment).astimezone(pytz.utc).replace(tzinfo=None)


class ContractorPlusCase(MigrationCase):
    """The company can invoice and take payments; the staff have users."""

    with_chart = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        if cls.with_chart and not company.chart_template:
            cls.env["account.chart.template"].try_loading(
                "generic_coa", company, install_demo=False
            )
        cls.staff = {
            login: new_test_user(
                cls.env,
                login=login,
                email=email,
                name=name,
                groups="base.group_user,sales_team.group_sale_salesman",
            )
            for login, name, email in STAFF
        }

    def _cp_project(self, data=None, **values):
        return self._project(
            data=data if data is not None else sample_bytes(PLATFORM),
            platform=PLATFORM,
            **values,
        )

    def _logs(self, run, object_key, operation=None):
        return run.log_ids.filtered(
            lambda log: (
                log.object_key == object_key
                and (operation is None or log.operation == operation)
            )
        )


class TestContractorPlusMigration(ContractorPlusCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.taxes = {
            rate: cls.env["account.tax"].create(
                {
                    "name": f"Sales tax {rate}%",
                    "amount": rate,
                    "amount_type": "percent",
                    "type_tax_use": "sale",
                    "company_id": cls.env.company.id,
                }
            )
            for rate in (8.25, 6.0)
        }
        # one item of the catalogue exists by code (another name), one by name
        product = cls.env["product.product"]
        cls.pex = product.create({"name": "PEX tubing 3/4", "default_code": "PEX-34"})
        cls.tile = product.create({"name": "Porcelain Tile"})
        cls.clients = rows("clients.csv")
        cls.jobs = rows("jobs.csv")
        cls.estimates = rows("estimates.csv", "cp1252")
        cls.estimate_items = rows("estimate_items.csv")
        cls.invoices = rows("invoices.csv")
        cls.invoice_items = rows("invoice_items.csv")
        cls.payments = rows("payments.csv")
        cls.calls = rows("calls.csv")
        cls.meetings = rows("meetings.csv")
        cls.notes = rows("notes.csv")
        cls.attachments = rows("attachments.csv")
        cls.project = MigrationCase._project(
            cls, data=sample_bytes(PLATFORM), platform=PLATFORM
        )
        cls.project.action_discover()
        cls.project.action_confirm_mapping()
        cls.mig_run = cls.project.run_now()

    def record(self, object_key, source_id):
        return self._record(self.project, object_key, source_id)

    # ------------------------------------------------------------------
    def test_every_object_lands_and_balances(self):
        run = self.mig_run
        self.assertEqual(run.state, "done")
        keys = {obj.key for obj in self.project._preset().objects}
        self.assertEqual(set(run.object_ids.mapped("object_key")), keys)
        self._assert_balanced(run)
        for line in run.object_ids:
            key = line.object_key
            self.assertGreater(line.created_count, 0, key)
            ops = Counter(self._logs(run, key).mapped("operation"))
            self.assertEqual(ops["create"], line.created_count, key)
            self.assertEqual(ops["fail"], line.failed_count, key)
        fails = self._logs_by_id(run, "fail")
        self.assertTrue(all(fails.values()), "every failure says why")
        # what fails is what the sample breaks on purpose, nothing else
        known = {row["Client ID"] for row in self.clients}
        expected = {
            ("job", row["Job #"]) for row in self.jobs if row["Client ID"] not in known
        }
        expected |= {
            ("contact", row["Contact ID"])
            for row in rows("contacts.csv")
            if row["Client ID"] not in known
        }
        missing = [
            r
            for r in self.attachments
            if "not in the export" in fails.get(("attachment", r["Attachment ID"]), "")
        ]
        self.assertEqual(len(missing), 1)
        expected.add(("attachment", missing[0]["Attachment ID"]))
        self.assertEqual(
            {key for key in fails if key[0] in ("job", "contact", "attachment")},
            expected,
        )
        self.assertFalse(
            {key for key in fails if key[0] in ("invoice", "payment", "estimate")},
            fails,
        )

    def _logs_by_id(self, run, operation):
        return {
            (log.object_key, log.source_id): log.message or ""
            for log in run.log_ids
            if log.operation == operation
        }

    def test_clients_companies_people_and_custom_fields(self):
        row = next(r for r in self.clients if r["Client ID"] == "2002")
        company = self.record("client", "2002")
        self.assertTrue(company.is_company)
        self.assertEqual(company.name, row["Company Name"])
        person = self.record("client_person", "2002")
        self.assertEqual(person.parent_id, company)
        self.assertEqual(person.name, f"{row['First Name']} {row['Last Name']}")
        self.assertIn(person, company.child_ids)
        contact_row = next(r for r in rows("contacts.csv") if r["Client ID"] == "2002")
        contact = self.record("contact", contact_row["Contact ID"])
        self.assertEqual(contact.parent_id, company)
        self.assertEqual(contact.function, contact_row["Job Title"])
        # tier, trade, license, insurance
        self.assertEqual(company.x_contractor_tier, "freedom")
        self.assertEqual(company.x_trade, row["Trade"])
        self.assertEqual(company.x_license_number, row["License #"])
        self.assertEqual(str(company.x_license_expiry), "2027-03-02")
        self.assertEqual(company.x_insurance_provider, row["Insurance Provider"])
        self.assertEqual(company.x_insurance_policy, row["Insurance Policy #"])
        self.assertEqual(str(company.x_insurance_expiry), "2027-07-09")
        self.assertEqual(company.x_crew_size, 7)
        self.assertEqual(self.record("client", "2003").x_contractor_tier, "pro_team")
        # portal access: the flag and its dates, no portal user created
        self.assertTrue(company.x_has_portal_access)
        self.assertEqual(str(company.x_portal_invite_date), "2023-01-13")
        self.assertEqual(company.x_portal_last_login, utc("12/24/2024 04:00 PM"))
        self.assertFalse(self.record("client", "2001").x_has_portal_access)
        self.assertFalse(company.user_ids)

    def test_leads(self):
        row = next(r for r in rows("leads.csv") if r["Assigned To"] == "Marcus Reyes")
        lead = self.record("lead", row["Lead ID"])
        self.assertEqual(lead.type, "lead")
        self.assertEqual(lead.source_id.name, row["Lead Source"])
        self.assertEqual(lead.user_id, self.staff["marcus"])
        self.assertEqual(lead.email_from, row["Email"])
        self.assertEqual(lead.expected_revenue, parse_money(row["Estimated Value"]))

    def test_jobs_stages_in_the_seed_order_with_their_entry_dates(self):
        job = self.record("job", "J-5001")
        self.assertEqual(job.type, "opportunity")
        stages = self.env["crm.stage"].search(
            [("team_id", "=", job.team_id.id)], order="sequence, id"
        )
        self.assertEqual(
            stages.mapped("name"),
            ["New", "In Progress", "Completed", "On Hold", "Cancelled"],
        )
        known = {row["Client ID"] for row in self.clients}
        for row in self.jobs:
            if row["Client ID"] not in known:
                continue
            lead = self.record("job", row["Job #"])
            self.assertEqual(lead.stage_id.name, row["Status"], row["Job #"])
            self.assertTrue(lead.active, row["Job #"])
            entered = row[f"Stage Date: {row['Status']}"]
            if entered:
                self.assertEqual(
                    lead.date_last_stage_update, utc(entered), row["Job #"]
                )
            self.assertEqual(
                lead.partner_id, self.record("client", row["Client ID"]), row["Job #"]
            )
        row = next(r for r in self.jobs if r["Job #"] == "J-5002")
        self.assertEqual(row["Assigned Staff"], "Jake Kowalski")
        self.assertEqual(self.record("job", "J-5002").user_id, self.staff["jake"])
        # a crew is nobody's email: the fallback owner
        self.assertEqual(job.user_id, self.fallback)
        self.assertEqual(
            job.x_stage_date_on_hold,
            utc(
                next(r for r in self.jobs if r["Job #"] == "J-5001")[
                    "Stage Date: On Hold"
                ]
            ),
        )

    def test_estimates_with_their_lines_states_and_job(self):
        states = {
            "Draft": "draft",
            "Sent": "sent",
            "Approved": "sale",
            "Declined": "cancel",
        }
        known = {row["Client ID"] for row in self.clients}
        for row in self.estimates:
            if row["Client ID"] not in known:
                continue
            order = self.record("estimate", row["Estimate #"])
            self.assertEqual(order.name, row["Estimate #"])
            self.assertEqual(order.state, states[row["Status"]], row["Estimate #"])
            items = [i for i in self.estimate_items if i["Estimate #"] == order.name]
            self.assertEqual(len(order.order_line), len(items), order.name)
        # products: by code (another name in Odoo), by name, else a note line
        lines = self.env["sale.order.line"].search(
            [("order_id.name", "in", [r["Estimate #"] for r in self.estimates])]
        )
        by_code = lines.filtered(lambda line: line.product_id == self.pex)
        by_name = lines.filtered(lambda line: line.product_id == self.tile)
        self.assertTrue(by_code)
        self.assertTrue(by_name)
        self.assertEqual(
            len(by_code),
            sum(1 for i in self.estimate_items if i["Item Code"] == "PEX-34"),
        )
        pex = next(i for i in self.estimate_items if i["Item Code"] == "PEX-34")
        line = by_code.filtered(lambda li: li.order_id.name == pex["Estimate #"])[:1]
        self.assertEqual(line.product_uom_qty, float(pex["Quantity"]))
        self.assertEqual(line.price_unit, parse_money(pex["Unit Price"]))
        self.assertEqual(line.tax_id, self.taxes[8.25])
        notes = lines.filtered(lambda li: not li.product_id)
        self.assertTrue(notes)
        self.assertEqual(set(notes.mapped("display_type")), {"line_note"})
        self.assertEqual(
            self.env["product.product"].search_count([("default_code", "=", "WH-50G")]),
            0,
            "no product is created",
        )
        # estimate → invoice → job: the order's invoices, the job's order
        linked = [r for r in self.invoices if r["Estimate #"]]
        self.assertTrue(linked)
        for row in linked:
            order = self.record("estimate", row["Estimate #"])
            move = self.record("invoice", row["Invoice #"])
            self.assertIn(move, order.invoice_ids, row["Invoice #"])
            self.assertEqual(order.opportunity_id, self.record("job", row["Job #"]))
            self.assertIn(order, order.opportunity_id.order_ids)

    def test_invoices_payments_residuals_as_odoo_computes_them(self):
        payment_state = {
            "Paid": ("paid", "in_payment"),
            "Partially Paid": ("partial",),
            "Overdue": ("not_paid",),
        }
        seen = Counter()
        for row in self.invoices:
            move = self.record("invoice", row["Invoice #"])
            self.assertEqual(move.state, "posted", row["Invoice #"])
            self.assertEqual(move.move_type, "out_invoice")
            self.assertEqual(move.ref, row["Invoice #"])
            number = row["Invoice #"]
            items = [i for i in self.invoice_items if i["Invoice #"] == number]
            self.assertEqual(len(move.invoice_line_ids), len(items))
            self.assertAlmostEqual(
                move.amount_untaxed, parse_money(row["Subtotal"]), 2, row["Invoice #"]
            )
            self.assertAlmostEqual(
                move.amount_total, parse_money(row["Total"]), 2, row["Invoice #"]
            )
            self.assertAlmostEqual(
                move.amount_residual, parse_money(row["Balance"]), 2, row["Invoice #"]
            )
            self.assertIn(move.payment_state, payment_state[row["Status"]])
            seen[row["Status"]] += 1
        self.assertEqual(set(seen), set(payment_state))
        for row in self.payments:
            payment = self.record("payment", row["Payment ID"])
            self.assertEqual(payment.amount, parse_money(row["Amount"]))
            self.assertEqual(payment.date.strftime("%m/%d/%Y"), row["Payment Date"])
            move = self.record("invoice", row["Invoice #"])
            self.assertEqual(payment.partner_id, move.partner_id)
            self.assertIn(move, payment.reconciled_invoice_ids)
            self.assertNotEqual(payment.state, "draft")

    def test_calls_are_logged_activities(self):
        call_type = self.env.ref("mail.mail_activity_data_call")
        for row in self.calls:
            message = self.record("call", row["Call ID"])
            target = (
                ("job", row["Job #"])
                if row["Job #"]
                else (
                    "client",
                    row["Client ID"],
                )
            )
            record = self.record(*target)
            if not record:
                continue
            self.assertEqual((message.model, message.res_id), (record._name, record.id))
            self.assertEqual(message.mail_activity_type_id, call_type)
            self.assertEqual(message.subtype_id, self.env.ref("mail.mt_activities"))
            self.assertEqual(message.message_type, "notification")
            self.assertEqual(message.date, utc(row["Date"]))
            for value in (row["Direction"], row["Outcome"], row["Duration (min)"]):
                self.assertIn(value, message.body)
        row = next(r for r in self.calls if r["Staff"] == "Marcus Reyes")
        self.assertEqual(
            self.record("call", row["Call ID"]).author_id,
            self.staff["marcus"].partner_id,
        )

    def test_meetings_are_calendar_events(self):
        row = next(r for r in self.meetings if r["Meeting ID"] == "M-11002")
        event = self.record("meeting", "M-11002")
        self.assertEqual(event._name, "calendar.event")
        self.assertEqual(event.start, utc(row["Start"]))
        self.assertEqual(event.stop, utc(row["End"]))
        self.assertEqual(event.duration, 1.5)
        self.assertEqual(event.user_id, self.staff["tomas"])
        client = self.record("client", row["Client ID"])
        self.assertIn(client, event.partner_ids)
        self.assertIn(self.staff["hannah"].partner_id, event.partner_ids)
        self.assertIn(self.staff["jake"].partner_id, event.partner_ids)
        self.assertEqual(event.opportunity_id, self.record("job", row["Job #"]))
        # the attendees Odoo made followers as the meeting landed are nobody's
        # later work: the check before a rollback finds nothing on the meetings
        follower = self.staff["hannah"].partner_id
        self.assertIn(follower, event.message_partner_ids)
        check = RollbackCheck(self.mig_run)
        self.assertFalse(
            [f for f in check.findings["chatter"] if f["model"] == "calendar.event"]
        )
        # one added by hand afterwards is
        outsider = self.env["res.partner"].create({"name": "Neighbour"})
        event.message_subscribe(partner_ids=outsider.ids)
        check = RollbackCheck(self.mig_run)
        self.assertEqual(
            [f["reason"] for f in check.findings["chatter"]],
            ["Neighbour was added as a follower"],
        )

    def test_notes_keep_rich_text_date_and_author(self):
        row = next(r for r in self.notes if r["Note ID"] == "N-12001")
        message = self.record("note", "N-12001")
        job = self.record("job", row["Job #"])
        self.assertEqual((message.model, message.res_id), ("crm.lead", job.id))
        self.assertIn("<li>Attic access in hall closet</li>", message.body)
        self.assertNotIn("&lt;", message.body)
        self.assertEqual(message.date, utc(row["Created Date"]))
        self.assertEqual(message.author_id, self.staff["marcus"].partner_id)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_note"))
        link = self.record("note", "N-12003")
        self.assertIn('href="https://example.com/spec.pdf"', link.body)

    def test_attachments_and_their_checksums(self):
        checked = 0
        warnings = self._logs_by_id(self.mig_run, "create")
        for row in self.attachments:
            attachment = self.record("attachment", row["Attachment ID"])
            if not attachment:
                continue
            target = (
                ("job", row["Job #"])
                if row["Job #"]
                else (
                    "client",
                    row["Client ID"],
                )
            )
            record = self.record(*target)
            self.assertEqual(
                (attachment.res_model, attachment.res_id), (record._name, record.id)
            )
            landed = hashlib.sha256(attachment.raw).hexdigest()
            message = warnings[("attachment", row["Attachment ID"])]
            if landed == row["Checksum (SHA-256)"]:
                checked += 1
                self.assertNotIn("checksum", message)
            else:
                self.assertIn("checksum mismatch", message)
                self.assertIn(row["Checksum (SHA-256)"], message)
                self.assertIn(landed, message)
        self.assertEqual(checked, len(self.attachments) - 2)

    def test_second_run_creates_nothing(self):
        counts = self._table_counts()
        rerun = self.project.run_now()
        self.assertEqual(rerun.created_count, 0)
        self.assertEqual(rerun.updated_count, 0)
        self.assertEqual(rerun.skipped_count, self.mig_run.created_count)
        self.assertEqual(rerun.failed_count, self.mig_run.failed_count)
        self.assertEqual(self._table_counts(), counts)


class TestContractorPlusTaxesAndRollback(ContractorPlusCase):
    """A rate without a tax in Odoo is listed, never created; a rollback leaves
    nothing of the run, payments and reconciliations included."""

    def _table_counts(self):
        counts = {}
        self.env.flush_all()
        for table in TABLES:
            where = {
                "mail_message": " WHERE model IS DISTINCT FROM 'migration.project'",
                "ir_attachment": (
                    " WHERE res_model IS DISTINCT FROM 'migration.project'"
                ),
            }.get(table, "")
            self.env.cr.execute(f'SELECT count(*) FROM "{table}"{where}')
            counts[table] = self.env.cr.fetchone()[0]
        return counts

    def test_unmatched_rate_listed_and_rollback_leaves_nothing(self):
        self.env["account.tax"].create(
            {
                "name": "Sales tax 8.25%",
                "amount": 8.25,
                "type_tax_use": "sale",
                "company_id": self.env.company.id,
            }
        )
        taxes = self.env["account.tax"].search_count([])
        project = self._cp_project()  # the export it keeps is not the run's
        before = self._table_counts()
        run = self._run(project)
        self.assertEqual(run.state, "done")
        self.assertEqual(self.env["account.tax"].search_count([]), taxes)
        disposal = {
            row["Invoice #"]
            for row in rows("invoice_items.csv")
            if row["Tax Rate"] == "6%"
        }
        self.assertTrue(disposal)
        for number in disposal:
            log = self._logs(run, "invoice").filtered(
                lambda lg, n=number: lg.source_id == n
            )
            self.assertIn("Tax rate 6%", log.message)
            self.assertIn("Debris disposal", log.message)
            move = self._record(project, "invoice", number)
            line = move.invoice_line_ids.filtered(
                lambda li: "Debris" in (li.name or "")
            )
            self.assertFalse(line.tax_ids)
            self.assertTrue(line.price_unit)
        listed = [
            w
            for w in build_report(run)["warnings"]
            if w["object"] == "invoice" and "Tax rate 6%" in w["warning"]
        ]
        self.assertEqual({w["source_id"] for w in listed}, disposal)
        self.assertTrue(
            self.env["account.payment"].search([("partner_id.ref", "=like", "C-%")])
        )
        project._rollback()
        self.assertEqual(self._table_counts(), before)


class TestContractorPlusWithoutJournal(ContractorPlusCase):
    """A company without a chart of accounts, so without a bank or cash journal: the
    run says what it needs before anything moves."""

    with_chart = False

    def test_payments_need_a_journal_before_anything_moves(self):
        company = self.env["res.company"].create({"name": "Summit Build (no books)"})
        self.env.user.company_ids |= company
        self.assertFalse(
            self.env["account.journal"].search_count(
                [("company_id", "=", company.id), ("type", "in", ("bank", "cash"))]
            )
        )
        project = self._cp_project(company_id=company.id)
        before = self._table_counts()
        project.action_discover()
        project.action_confirm_mapping()
        with self.assertRaises(UserError) as err:
            project.run_now()
        self.assertIn("bank or cash journal", str(err.exception))
        self.assertIn("payment method", str(err.exception))
        self.assertIn(company.name, str(err.exception))
        self.assertEqual(self._table_counts(), before)
