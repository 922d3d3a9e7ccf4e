# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Service Program sample, end to end: every object of the seed lands where the
seed says, linked, the run balances, holds what has lost its parent, runs again
without creating anything and rolls back to nothing.

The company has a chart of accounts (Odoo's generic one) with its bank and cash
journals. Expected values are read from the sample with the csv module, never from
our reader.
"""

import contextlib
import io
import json
import tempfile
import zipfile
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytz

from odoo.exceptions import UserError
from odoo.tests import new_test_user

from ..cli.flitstack import Flitstack
from ..engine.report import build_report
from ..parsers import parse_money
from ..presets.the_service_program import AGREEMENT_PROJECT, PRESET
from .common import (
    PAYMENT_AND_CALENDAR_TABLES,
    TOUCHED_TABLES,
    MigrationCase,
    cli_args,
    to_csv,
)
from .platform_samples import rename_headers, sample_bytes, sample_rows

PLATFORM = "the_service_program"
TZ = pytz.timezone("America/Chicago")
#: What technicians, recurring tasks, work-order stages and payments add to the
#: tables a rollback restores.
TABLES = (
    *TOUCHED_TABLES,
    *PAYMENT_AND_CALENDAR_TABLES,
    "hr_employee",
    "res_users",
    "project_task_recurrence",
    "project_project_stage",
    "account_tax",
)
HELD = "which is not in the export or could not be migrated"


def rows(member):
    encoding = "cp1252" if member == "customers.csv" else "utf-8-sig"
    return sample_rows(PLATFORM, member, encoding)


def utc(text):
    """A sample's local time (the project's time zone) as Odoo stores it."""
    fmt = "%m/%d/%Y %H:%M" if ":" in text else "%m/%d/%Y"
    moment = datetime.strptime(text, fmt)
    return TZ.localize(moment).astimezone(pytz.utc).replace(tzinfo=None)


def day(text):
    return datetime.strptime(text, "%m/%d/%Y").date()


def newer_export(replace):
    """The sample with some files (name → rows) written again, as a newer export
    of the same business would have them."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(sample_bytes(PLATFORM))) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info)
            if info.filename in replace:
                data = to_csv(replace[info.filename], list(rows(info.filename)[0]))
            dst.writestr(info.filename, data)
    return out.getvalue()


class TheServiceProgramCase(MigrationCase):
    """The company can invoice and take payments; two technicians have users (one
    e-mail in another case than the export's)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        if not company.chart_template:
            cls.env["account.chart.template"].try_loading(
                "generic_coa", company, install_demo=False
            )
        cls.ray = new_test_user(
            cls.env,
            login="ray",
            email="Ray@GreenShieldPest.example",
            name="Ray Castillo",
            groups="base.group_user",
        )
        cls.beth = new_test_user(
            cls.env,
            login="beth",
            email="beth.okafor@greenshieldpest.example",
            name="Beth O.",
            groups="base.group_user",
        )
        # Customers, the latest row of each (the export has one twice)
        cls.customers = {}
        for row in rows("customers.csv"):
            cls.customers[row["TSP Customer ID"]] = row
        cls.locations = rows("service_locations.csv")
        cls.agreements = rows("service_agreements.csv")
        cls.work_orders = rows("work_orders.csv")
        cls.lines = rows("work_order_lines.csv")
        cls.invoices = rows("invoices.csv")
        cls.invoice_lines = rows("invoice_lines.csv")
        cls.payments = rows("payments.csv")
        cls.equipment = rows("equipment.csv")
        cls.notes = rows("notes.csv")
        cls.technicians = rows("technicians.csv")
        # what can land: a site of a known customer, a work order at such a site
        cls.sites = {
            row["Location ID"]
            for row in cls.locations
            if row["Customer ID"] in cls.customers
        }
        cls.landed_orders = {
            row["Work Order #"]
            for row in cls.work_orders
            if row["Location ID"] in cls.sites and row["Customer ID"] in cls.customers
        }

    def _tsp_project(self, data=None, **values):
        return self._project(
            data=data if data is not None else sample_bytes(PLATFORM),
            platform=PLATFORM,
            **values,
        )

    @staticmethod
    def _logs(run, object_key, operation=None):
        return run.log_ids.filtered(
            lambda log: (
                log.object_key == object_key
                and (operation is None or log.operation == operation)
            )
        )

    @staticmethod
    def _messages(run, operation):
        return {
            (log.object_key, log.source_id): log.message or ""
            for log in run.log_ids
            if log.operation == operation
        }

    @classmethod
    def _taxes(cls, rates):
        return {
            rate: cls.env["account.tax"].create(
                {
                    "name": f"NC sales tax {rate}%",
                    "amount": rate,
                    "amount_type": "percent",
                    "type_tax_use": "sale",
                    "company_id": cls.env.company.id,
                }
            )
            for rate in rates
        }


class TestTheServiceProgramMigration(TheServiceProgramCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.taxes = cls._taxes((7.25, 7.5))
        # one QuickBooks item exists in Odoo as a product of the same name
        cls.general_pest = cls.env["product.product"].create(
            {"name": "Pest:General Pest", "type": "service"}
        )
        cls.tax_count = cls.env["account.tax"].search_count([])
        cls.user_count = cls.env["res.users"].with_context(active_test=False)
        cls.user_count = cls.user_count.search_count([])
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
        keys = {obj.key for obj in self.project._run_preset().objects}
        self.assertEqual(set(run.object_ids.mapped("object_key")), keys)
        # every object of the preset but the choices left off
        self.assertEqual(
            keys,
            {obj.key for obj in self.project._preset().objects if not obj.optional},
        )
        self._assert_balanced(run)
        for line in run.object_ids:
            key = line.object_key
            self.assertGreater(line.created_count, 0, key)
            ops = Counter(self._logs(run, key).mapped("operation"))
            self.assertEqual(ops["create"], line.created_count, key)
            self.assertEqual(ops["fail"], line.failed_count, key)
        # the customer exported twice is one record, its extra row a repeat
        extra = len(rows("customers.csv")) - len(self.customers)
        self.assertEqual(extra, 1)
        self.assertEqual(self._object_line(run, "customer").duplicate_count, extra)
        # what fails is what lost its parent in the export, nothing else
        fails = self._messages(run, "fail")
        expected = {
            ("service_location", row["Location ID"])
            for row in self.locations
            if row["Location ID"] not in self.sites
        }
        expected |= {
            ("agreement", row["Agreement ID"])
            for row in self.agreements
            if row["Location ID"] not in self.sites
        }
        expected |= {
            ("work_order", row["Work Order #"])
            for row in self.work_orders
            if row["Work Order #"] not in self.landed_orders
        }
        expected |= {
            ("work_order_line", f"{row['Work Order #']}-{row['Line #']}")
            for row in self.lines
            if row["Work Order #"] not in self.landed_orders
        }
        self.assertEqual(set(fails), expected)
        self.assertEqual(
            {key for key, _id in expected},
            {"service_location", "agreement", "work_order", "work_order_line"},
        )
        for key, message in fails.items():
            self.assertIn(HELD, message, key)

    def test_tasks_without_their_site_or_work_order_are_held(self):
        """A task whose project or site did not land is held and reported, never
        written as an orphan."""
        run = self.mig_run
        fails = self._messages(run, "fail")
        deleted_site = next(
            row for row in self.agreements if row["Location ID"] not in self.sites
        )
        message = fails[("agreement", deleted_site["Agreement ID"])]
        self.assertIn(f'service location "{deleted_site["Location ID"]}"', message)
        self.assertFalse(self.record("agreement", deleted_site["Agreement ID"]))
        held_order = next(
            row for row in self.work_orders if row["Location ID"] not in self.sites
        )
        number = held_order["Work Order #"]
        self.assertFalse(self.record("work_order", number))
        # its line and the line of a work order not in the export: held
        for order in (number, "49999"):
            line = next(r for r in self.lines if r["Work Order #"] == order)
            source_id = f"{order}-{line['Line #']}"
            self.assertIn(
                f'work order "{order}"', fails[("work_order_line", source_id)]
            )
            self.assertFalse(self.record("work_order_line", source_id))
        # the reconciliation counts them as failed, the report lists them
        held_lines = sum(
            1 for r in self.lines if r["Work Order #"] in (number, "49999")
        )
        self.assertEqual(
            self._object_line(run, "work_order_line").failed_count, held_lines
        )
        self.assertEqual(
            self._object_line(run, "work_order_line").created_count,
            len(self.lines) - held_lines,
        )
        tasks = self.env["project.task"].search(
            [("x_source_id", "!=", False), ("project_id", "=", False)]
        )
        self.assertFalse(tasks.filtered(lambda t: not t.recurring_task))

    def test_customers_quickbooks_keys_and_jobs(self):
        for customer_id, row in self.customers.items():
            partner = self.record("customer", customer_id)
            self.assertTrue(partner, customer_id)
            self.assertEqual(partner.x_qb_customer_ref, row["QB ListID"])
            self.assertEqual(partner.x_qb_full_name, row["QB Full Name"])
            self.assertEqual(partner.ref, customer_id)
            self.assertEqual(partner.zip, row["Bill To Zip"])
            parent = row["Parent Customer ID"]
            # its own address, a QuickBooks job's (a job site) included: Odoo
            # would give a contact under a customer the customer's
            self.assertEqual(partner.street or "", row["Bill Address 1"].strip())
            if parent in self.customers:
                # a QuickBooks job is a child of its customer
                self.assertEqual(partner.parent_id, self.record("customer", parent))
                self.assertEqual(partner.name, row["QB Full Name"].rsplit(":", 1)[1])
                self.assertEqual(partner.type, "other")
            else:
                self.assertFalse(partner.parent_id, customer_id)
        jobs = [r for r in self.customers.values() if r["Parent Customer ID"]]
        self.assertGreaterEqual(len(jobs), 3)
        # the job whose parent was deleted lands alone, with a warning
        orphan = next(r for r in jobs if r["Parent Customer ID"] not in self.customers)
        log = self._logs(self.mig_run, "customer", "create").filtered(
            lambda lg: lg.source_id == orphan["TSP Customer ID"]
        )
        self.assertIn(f'"{orphan["Parent Customer ID"]}" was not migrated', log.message)
        # the customer exported twice: once, as its latest row says
        twice = Counter(r["TSP Customer ID"] for r in rows("customers.csv"))
        duplicate = next(cid for cid, n in twice.items() if n > 1)
        partners = self.env["res.partner"].search([("ref", "=", duplicate)])
        self.assertEqual(len(partners.filtered(lambda p: not p.parent_id)), 1)
        self.assertIn(
            self.customers[duplicate]["Phone"][-4:],
            self.record("customer", duplicate).phone,
        )
        # a commercial customer's person is a contact under it
        company = next(
            cid
            for cid, r in self.customers.items()
            if r["Company Name"] and r["Last Name"]
        )
        person = self.record("customer_person", company)
        self.assertEqual(person.parent_id, self.record("customer", company))

    def test_service_locations_are_delivery_addresses(self):
        checked = 0
        for row in self.locations:
            if row["Location ID"] not in self.sites:
                continue
            site = self.record("service_location", row["Location ID"])
            self.assertEqual(
                site.parent_id, self.record("customer", row["Customer ID"])
            )
            self.assertEqual(site.type, "delivery")
            self.assertEqual(site.street, row["Address 1"])
            self.assertEqual(site.zip, row["Zip"])
            self.assertEqual(site.x_tsp_route, row["Route/Zone"])
            self.assertEqual(site.x_tsp_access_notes or "", row["Gate/Access Notes"])
            self.assertAlmostEqual(site.partner_latitude, float(row["Latitude"]), 6)
            self.assertAlmostEqual(site.partner_longitude, float(row["Longitude"]), 6)
            self.assertIn(site, site.parent_id.child_ids)
            checked += 1
        self.assertEqual(checked, len(self.sites))
        self.assertTrue(any(r["Gate/Access Notes"] for r in self.locations))

    def test_technicians_are_employees_linked_to_users_by_email(self):
        for row in self.technicians:
            employee = self.record("technician", row["Tech ID"])
            self.assertEqual(employee._name, "hr.employee")
            self.assertEqual(employee.name, row["Name"])
            self.assertEqual(employee.active, row["Active"] == "Y")
            self.assertEqual(employee.x_certifications or "", row["Certifications"])
        by_name = {row["Name"]: row["Tech ID"] for row in self.technicians}
        self.assertEqual(
            self.record("technician", by_name["Ray Castillo"]).user_id, self.ray
        )
        self.assertEqual(
            self.record("technician", by_name["Beth Okafor"]).user_id, self.beth
        )
        self.assertFalse(self.record("technician", by_name["Sam Lindqvist"]).user_id)
        # no user is created for the others
        users = self.env["res.users"].with_context(active_test=False)
        self.assertEqual(users.search_count([]), self.user_count)

    def test_agreements_are_recurring_tasks(self):
        seen = Counter()
        for row in self.agreements:
            if row["Location ID"] not in self.sites:
                continue
            task = self.record("agreement", row["Agreement ID"])
            self.assertEqual(task.project_id.name, AGREEMENT_PROJECT)
            self.assertEqual(
                task.partner_id, self.record("service_location", row["Location ID"])
            )
            self.assertEqual(task.x_recurrence_frequency, row["Frequency"])
            if row["Next Due Date"]:
                self.assertEqual(task.x_tsp_next_due_date, day(row["Next Due Date"]))
            expected = {
                "Weekly": (1, "week"),
                "Bi-Weekly": (2, "week"),
                "Monthly": (1, "month"),
                "Quarterly": (3, "month"),
                "Annual": (1, "year"),
                "Every 45 Days": (45, "day"),
                "every 60 days": (60, "day"),
            }.get(row["Frequency"])
            if row["Active"] == "Y" and expected:
                self.assertTrue(task.recurring_task, row["Agreement ID"])
                self.assertEqual(
                    (task.repeat_interval, task.repeat_unit), expected, row["Frequency"]
                )
                self.assertEqual(task.repeat_type, "forever")
                seen[row["Frequency"]] += 1
            else:
                # inactive, or a frequency no Odoo recurrence expresses: kept
                # in the custom fields only
                self.assertFalse(task.recurring_task, row["Agreement ID"])
                self.assertFalse(task.recurrence_id)
                if row["Active"] == "Y":
                    seen["not expressible"] += 1
        self.assertTrue(seen["Every 45 Days"])
        self.assertTrue(seen["not expressible"], "Semi-Monthly is not a recurrence")
        ray = next(r for r in self.agreements if r["Technician"] == "Ray Castillo")
        self.assertEqual(
            self.record("agreement", ray["Agreement ID"]).user_ids, self.ray
        )

    def _custom_field(self, object_key, header):
        mapping = self.project.mapping_ids.filtered(
            lambda m: m.object_key == object_key
        )
        line = mapping.field_ids.filtered(lambda f: f.source_column == header)
        self.assertEqual(len(line), 1, header)
        self.assertTrue(line.target_field.startswith("x_"))
        return line.target_field

    def test_work_orders_are_projects_with_their_tasks(self):
        target_pest = self._custom_field("work_order", "Target Pest")
        wind = self._custom_field("work_order", "Wind Speed (mph)")
        fields = self.env["ir.model.fields"]._get("project.project", target_pest)
        self.assertEqual(fields.ttype, "selection")
        self.assertEqual(
            self.env["ir.model.fields"]._get("project.project", wind).ttype, "float"
        )
        for row in self.work_orders:
            number = row["Work Order #"]
            if number not in self.landed_orders:
                continue
            project = self.record("work_order", number)
            self.assertEqual(project._name, "project.project")
            site = self.record("service_location", row["Location ID"])
            self.assertEqual(project.partner_id, site, number)
            self.assertEqual(
                project.partner_id.parent_id,
                self.record("customer", row["Customer ID"]),
            )
            self.assertEqual(project.x_original_create_date, utc(row["Created Date"]))
            if row["Completed Date"]:
                self.assertEqual(
                    project.x_original_close_date, utc(row["Completed Date"])
                )
            else:
                self.assertFalse(project.x_original_close_date)
            self.assertEqual(project.stage_id.name, row["Status"])
            self.assertEqual(project[target_pest] or "", row["Target Pest"])
            if row["Wind Speed (mph)"]:
                self.assertEqual(project[wind], float(row["Wind Speed (mph)"]))
            lines = [r for r in self.lines if r["Work Order #"] == number]
            tasks = (
                self.env["project.task"]
                .with_context(active_test=False)
                .search([("project_id", "=", project.id)])
            )
            self.assertEqual(len(tasks), len(lines), number)
            for line in lines:
                task = self.record("work_order_line", f"{number}-{line['Line #']}")
                self.assertIn(task, tasks)
                self.assertEqual(task.partner_id, site)
                self.assertEqual(task.x_tsp_epa_reg or "", line["EPA Reg #"])
                if line["Technician"] == "Ray Castillo":
                    self.assertEqual(task.user_ids, self.ray)
                elif line["Technician"] == "Sam Lindqvist":
                    # no user: the fallback owner
                    self.assertEqual(task.user_ids, self.fallback)

    def test_notes_on_work_orders_keep_date_and_author(self):
        for row in self.notes:
            message = self.record("note", row["Note ID"])
            if row["Work Order #"] in self.landed_orders:
                target = self.record("work_order", row["Work Order #"])
            else:
                target = self.record("customer", row["Customer ID"])
            self.assertEqual((message.model, message.res_id), (target._name, target.id))
            self.assertEqual(message.date, utc(row["Date"]))
            self.assertIn(row["Note"], message.body)
            self.assertEqual(message.subtype_id, self.env.ref("mail.mt_note"))
            if row["Entered By"] == "Ray Castillo":
                self.assertEqual(message.author_id, self.ray.partner_id)
        self.assertTrue(any(r["Entered By"] == "Ray Castillo" for r in self.notes))

    def test_invoices_payments_residuals_and_taxes(self):
        states = Counter()
        for row in self.invoices:
            move = self.record("invoice", row["TxnID"])
            self.assertEqual(move.state, "posted", row["TxnID"])
            self.assertEqual(move.move_type, "out_invoice")
            self.assertEqual(move.ref, row["Ref Number"])
            self.assertEqual(move.x_qb_txn_id, row["TxnID"])
            self.assertEqual(move.invoice_date, day(row["Txn Date"]))
            self.assertEqual(
                move.partner_id,
                self.record(
                    "customer",
                    next(
                        cid
                        for cid, c in self.customers.items()
                        if c["QB ListID"] == row["Customer ListID"]
                    ),
                ),
            )
            lines = [li for li in self.invoice_lines if li["TxnID"] == row["TxnID"]]
            self.assertEqual(len(move.invoice_line_ids), len(lines))
            for number, (line, source) in enumerate(
                zip(
                    move.invoice_line_ids.sorted(lambda li: (li.sequence, li.id)),
                    lines,
                    strict=True,
                )
            ):
                rate = float(row["Tax Rate"].rstrip("%"))
                expected = (
                    self.taxes[rate] if source["Sales Tax Code"] == "Tax" else None
                )
                if expected and rate:
                    self.assertEqual(line.tax_ids, expected, (row["TxnID"], number))
                else:
                    self.assertFalse(line.tax_ids, (row["TxnID"], number))
                if source["Item"] == "Pest:General Pest":
                    self.assertEqual(line.product_id, self.general_pest)
            self.assertAlmostEqual(move.amount_untaxed, parse_money(row["Subtotal"]), 2)
            self.assertAlmostEqual(move.amount_tax, parse_money(row["Sales Tax"]), 2)
            self.assertAlmostEqual(move.amount_total, parse_money(row["Total"]), 2)
            balance = parse_money(row["Balance Due"])
            self.assertAlmostEqual(move.amount_residual, balance, 2, row["TxnID"])
            if not balance:
                self.assertIn(move.payment_state, ("paid", "in_payment"))
                states["paid"] += 1
            elif balance == parse_money(row["Total"]):
                self.assertEqual(move.payment_state, "not_paid")
                states["unpaid"] += 1
            else:
                self.assertEqual(move.payment_state, "partial")
                states["partial"] += 1
        self.assertEqual(set(states), {"paid", "unpaid", "partial"})
        self.assertTrue(any(float(r["Sales Tax"]) for r in self.invoices))
        # no tax was created
        self.assertEqual(self.env["account.tax"].search_count([]), self.tax_count)
        for row in self.payments:
            payment = self.record("payment", row["TxnID"])
            self.assertEqual(payment.amount, parse_money(row["Amount"]))
            self.assertEqual(payment.date, day(row["Txn Date"]))
            move = self.record("invoice", row["Applied To TxnID"])
            self.assertEqual(payment.partner_id, move.partner_id)
            self.assertIn(move, payment.reconciled_invoice_ids)
            self.assertNotEqual(payment.state, "draft")

    def test_equipment_is_a_product_with_its_serial_and_site(self):
        for row in self.equipment:
            product = self.record("equipment", row["Equipment ID"])
            self.assertEqual(product._name, "product.product")
            self.assertEqual(product.x_tsp_serial_number, row["Serial #"])
            self.assertIn(row["Serial #"], product.name)
            self.assertIn(row["Make"], product.name)
            site = self.record("service_location", row["Location ID"])
            self.assertTrue(site)
            self.assertEqual(product.x_tsp_site_id, site)
            self.assertEqual(
                product.x_tsp_customer_id, self.record("customer", row["Customer ID"])
            )
            self.assertEqual(site.parent_id, product.x_tsp_customer_id)
            self.assertEqual(product.x_tsp_install_date, day(row["Install Date"]))
            self.assertFalse(product.sale_ok)
        # a unit entered twice: two records, the same serial
        serials = Counter(r["Serial #"] for r in self.equipment)
        twice = next(serial for serial, n in serials.items() if n > 1)
        products = self.env["product.product"].search(
            [("x_tsp_serial_number", "=", twice)]
        )
        self.assertEqual(len(products), 2)
        # the links are new many2one fields to the partners
        field = self.env["ir.model.fields"]._get("product.product", "x_tsp_site_id")
        self.assertEqual((field.ttype, field.relation), ("many2one", "res.partner"))

    def test_serial_numbers_offered_only_with_inventory(self):
        """Equipment as Inventory serial numbers is a choice of the map only
        where Inventory is installed; the addon does not need it."""
        lots = PRESET.get("equipment_lot")
        self.assertEqual(lots.requires, "stock.lot")
        self.assertTrue(lots.optional)
        self.assertIn(
            "equipment_lot", {o.key for o in PRESET.installed(lambda m: True).objects}
        )
        self.assertNotIn(
            "equipment_lot", {o.key for o in PRESET.installed(lambda m: False).objects}
        )
        installed = "stock.lot" in self.env
        offered = self.project.choice_mapping_ids.mapped("object_key")
        self.assertEqual("equipment_lot" in offered, installed)
        self.assertEqual(
            "equipment_lot" in {o.key for o in self.project._preset().objects},
            installed,
        )
        self.assertNotIn("equipment_lot", self.mig_run.object_ids.mapped("object_key"))
        if not installed:
            # the command line refuses the choice, naming the choices there are
            with self.assertRaises(UserError) as err:
                Flitstack()._choose(self.env, self.project, ["equipment_lot"])
            self.assertIn("no choice equipment_lot", str(err.exception))

    def test_leads(self):
        for row in rows("leads.csv"):
            lead = self.record("lead", row["Lead ID"]).with_context(active_test=False)
            self.assertEqual(lead.type, "lead")
            self.assertEqual(lead.contact_name, row["Name"])
            self.assertEqual(lead.source_id.name, row["Source"])
            if row["Status"] == "Lost":
                self.assertFalse(lead.active)
            else:
                self.assertEqual(lead.stage_id.name, row["Status"])

    def test_field_check_finds_what_landed(self):
        """Read back, every field holds what the export gives (customers' streets
        and agreements' recurrences included); what does not is a value the
        sample's mess makes unreadable, not a field Odoo changed."""
        lines = self.mig_run.diff_line_ids.filtered(
            lambda line: line.status in ("mismatch", "missing")
        )
        self.assertFalse(
            lines.filtered(lambda line: line.object_key in ("customer", "agreement")),
            [
                (line.object_key, line.source_id, line.field_name, line.found_value)
                for line in lines
            ],
        )

    def test_second_run_creates_nothing(self):
        counts = self._table_counts()
        rerun = self.project.run_now()
        self.assertEqual(rerun.created_count, 0)
        self.assertEqual(rerun.updated_count, 0)
        self.assertEqual(rerun.skipped_count, self.mig_run.created_count)
        self.assertEqual(rerun.failed_count, self.mig_run.failed_count)
        self.assertEqual(self._table_counts(), counts)


class TestTheServiceProgramTechnicianUsers(TheServiceProgramCase):
    """Technicians are listed with the owners; the admin gives one a user there
    (the owners step's invitation), and its employee lands linked to it."""

    def test_technician_given_a_user_by_the_admin(self):
        self._taxes((7.25, 7.5))
        project = self._tsp_project()
        project.action_discover()
        owners = {owner.email: owner for owner in project.owner_ids if owner.email}
        for row in self.technicians:
            self.assertIn(row["Email"].lower(), owners, row["Name"])
        # Ray and Beth by their e-mail (one in another case); Sam has no user
        self.assertEqual(owners["ray@greenshieldpest.example"].user_id, self.ray)
        self.assertEqual(owners["ray@greenshieldpest.example"].match, "email")
        sam = owners["sam@greenshieldpest.example"]
        self.assertFalse(sam.user_id)
        # Sam's own row counts, with the work orders, notes... that name him
        self.assertGreater(sam.record_count, 1)
        # the admin asks for a user: the invitation opens a user's form filled
        # from the owner, saved as is
        action = sam.action_invite()
        defaults = {
            key[len("default_") :]: value
            for key, value in action["context"].items()
            if key.startswith("default_")
        }
        sam_user = self.env["res.users"].create(
            dict(defaults, groups_id=[(6, 0, [self.env.ref("base.group_user").id])])
        )
        project.action_match_owners()
        self.assertEqual(sam.user_id, sam_user)
        project.action_confirm_mapping()
        run = project.run_now()
        self._assert_balanced(run)
        by_email = {row["Email"].lower(): row["Tech ID"] for row in self.technicians}
        employee = self._record(project, "technician", by_email[sam.email])
        self.assertEqual(employee.user_id, sam_user)
        self.assertEqual(
            self._record(
                project, "technician", by_email[self.ray.email.lower()]
            ).user_id,
            self.ray,
        )
        # a technician without a user gets none: never the fallback owner
        kim = self._record(
            project, "technician", by_email["kim.tran@greenshieldpest.example"]
        )
        self.assertFalse(kim.user_id)
        self.assertTrue(project.fallback_user_id)
        # Sam's work-order lines are his (user_ids), not the fallback owner's
        sam_tasks = self.env["project.task"].search([("user_ids", "in", sam_user.ids)])
        self.assertTrue(sam_tasks)


class TestTheServiceProgramRenamedHeaders(TheServiceProgramCase):
    """An export whose headers another report writer spelled: read after the
    proposal is confirmed, it lands as the sample does."""

    def test_renamed_headers_land_after_the_proposal(self):
        self._taxes((7.25, 7.5))
        data = rename_headers(
            PLATFORM,
            {
                "customers.csv": {"TSP Customer ID": "Cust ID", "QB ListID": "ListID"},
                "service_locations.csv": {
                    "Gate/Access Notes": "Gate Code",
                    "Latitude": "Lat",
                },
                "work_orders.csv": {"Work Order #": "WO Number", "Tech": "Technician"},
                "invoices.csv": {"TxnID": "Txn ID", "Tax Rate": "SalesTaxPercentage"},
                "payments.csv": {"Applied To TxnID": "Invoice TxnID"},
            },
        )
        project = self._tsp_project(data)
        project.action_discover()
        project.action_confirm_mapping()
        run = project.run_now()
        self.assertEqual(run.state, "done")
        self._assert_balanced(run)
        site = next(r for r in self.locations if r["Gate/Access Notes"])
        partner = self._record(project, "service_location", site["Location ID"])
        self.assertEqual(partner.x_tsp_access_notes, site["Gate/Access Notes"])
        self.assertAlmostEqual(partner.partner_latitude, float(site["Latitude"]), 6)
        self.assertEqual(
            self._object_line(run, "work_order").created_count, len(self.landed_orders)
        )
        for row in self.invoices:
            move = self._record(project, "invoice", row["TxnID"])
            self.assertAlmostEqual(move.amount_total, parse_money(row["Total"]), 2)
            self.assertAlmostEqual(
                move.amount_residual, parse_money(row["Balance Due"]), 2
            )
        self.assertFalse(self._logs(run, "invoice", "fail"))
        self.assertFalse(self._logs(run, "payment", "fail"))


class TestTheServiceProgramTaxesAndRollback(TheServiceProgramCase):
    """A rate without a tax in Odoo is listed, never created; a rollback leaves
    nothing of the run, employees, recurrences and payments included."""

    def _table_counts(self):
        counts = {}
        self.env.flush_all()
        for table in TABLES:
            where = {
                "mail_message": " WHERE model IS DISTINCT FROM 'migration.project'",
                "mail_followers": (
                    " WHERE res_model IS DISTINCT FROM 'migration.project'"
                ),
                "ir_attachment": (
                    " WHERE res_model IS DISTINCT FROM 'migration.project'"
                ),
            }.get(table, "")
            self.env.cr.execute(f'SELECT count(*) FROM "{table}"{where}')
            counts[table] = self.env.cr.fetchone()[0]
        return counts

    def test_unmatched_rate_listed_and_rollback_leaves_nothing(self):
        self._taxes((7.25,))
        taxes = self.env["account.tax"].search_count([])
        project = self._tsp_project()
        before = self._table_counts()
        run = self._run(project)
        self.assertEqual(run.state, "done")
        self.assertEqual(self.env["account.tax"].search_count([]), taxes)
        taxed = {
            line["TxnID"]
            for line in self.invoice_lines
            if line["Sales Tax Code"] == "Tax"
        }
        durham = {
            row["TxnID"]
            for row in self.invoices
            if row["Tax Rate"] == "7.5%" and row["TxnID"] in taxed
        }
        self.assertTrue(durham)
        for txn in durham:
            log = self._logs(run, "invoice").filtered(
                lambda lg, t=txn: lg.source_id == t
            )
            self.assertIn("Tax rate 7.5%", log.message)
            move = self._record(project, "invoice", txn)
            self.assertFalse(move.invoice_line_ids.tax_ids)
        listed = [
            w
            for w in build_report(run)["warnings"]
            if w["object"] == "invoice" and "Tax rate 7.5%" in w["warning"]
        ]
        self.assertEqual({w["source_id"] for w in listed}, durham)
        self.assertTrue(
            self.env["account.payment"].search([("x_qb_txn_id", "!=", False)])
        )
        self.assertTrue(self.env["project.task.recurrence"].search_count([]))
        project._rollback()
        self.assertEqual(self._table_counts(), before)


class TestTheServiceProgramHeadlessAndDelta(TheServiceProgramCase):
    """The command line migrates the sample; a newer export uploaded afterwards
    lands only what changed in it."""

    def test_command_line_migrates_the_sample(self):
        self._taxes((7.25, 7.5))
        with tempfile.TemporaryDirectory() as tmp:
            export = Path(tmp, "sample.zip")
            export.write_bytes(sample_bytes(PLATFORM))
            report_path = Path(tmp, "report.json")
            args = cli_args(
                "migrate",
                platform=PLATFORM,
                input=[export],
                report=report_path,
                fallback_owner="fallback",
            )
            with contextlib.redirect_stdout(io.StringIO()) as output:
                code = Flitstack()._migrate(self.env, args)
            report = json.loads(report_path.read_text())
        self.assertEqual(code, 0)
        by_object = {row["object"]: row for row in report["objects"]}
        project = self.env["migration.project"].browse(report["project_id"])
        self.assertEqual(
            set(by_object), {obj.key for obj in project._run_preset().objects}
        )
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
        self.assertEqual(by_object["invoice"]["created"], len(self.invoices))
        self.assertEqual(by_object["payment"]["created"], len(self.payments))
        self.assertEqual(by_object["work_order"]["created"], len(self.landed_orders))
        held = {
            f["source_id"]
            for f in report["failures"]
            if f["object"] == "work_order_line"
        }
        self.assertEqual(
            held,
            {
                f"{r['Work Order #']}-{r['Line #']}"
                for r in self.lines
                if r["Work Order #"] not in self.landed_orders
            },
        )
        self.assertIn("Work order lines", output.getvalue())

    def test_newer_export_lands_only_what_changed(self):
        self._taxes((7.25, 7.5))
        project = self._tsp_project()
        project.action_discover()
        project.action_confirm_mapping()
        full = project.run_now("full")
        self.assertEqual(full.state, "done")
        # in the newer export: a scheduled work order done, an open invoice paid
        # (QuickBooks' balance 0, and its payment), a new site
        orders = [dict(r) for r in self.work_orders]
        order = next(
            r
            for r in orders
            if r["Status"] == "Scheduled" and r["Work Order #"] in self.landed_orders
        )
        order.update({"Status": "Completed", "Completed Date": order["Scheduled Date"]})
        invoices = [dict(r) for r in self.invoices]
        invoice = next(r for r in invoices if r["Balance Due"] == r["Total"])
        invoice["Balance Due"] = "0.00"
        payments = [dict(r) for r in self.payments]
        payments.append(
            dict(
                payments[0],
                **{
                    "TxnID": "2B9999-1790000001",
                    "Customer ListID": invoice["Customer ListID"],
                    "Applied To TxnID": invoice["TxnID"],
                    "Txn Date": "09/29/2026",
                    "Amount": invoice["Total"],
                    "Payment Method": "Check",
                    "Check #": "7777",
                },
            )
        )
        locations = [dict(r) for r in self.locations]
        site = next(r for r in locations if r["Location ID"] in self.sites)
        locations.append(
            dict(site, **{"Location ID": "L9001", "Location Name": "Barn"})
        )
        attachment = self.env["ir.attachment"].create(
            {
                "name": "newer.zip",
                "raw": newer_export(
                    {
                        "work_orders.csv": orders,
                        "invoices.csv": invoices,
                        "payments.csv": payments,
                        "service_locations.csv": locations,
                    }
                ),
            }
        )
        project.source_attachment_ids = [(6, 0, attachment.ids)]
        action = project.action_start_delta()
        delta = self.env["migration.run"].browse(action["res_id"])
        self._work_queue()
        self.assertEqual(delta.state, "done")
        self._assert_balanced(delta)
        changed = {
            line.object_key: (line.created_count, line.updated_count)
            for line in delta.object_ids
            if line.created_count or line.updated_count
        }
        self.assertEqual(
            changed,
            {
                "work_order": (0, 1),
                "invoice": (0, 1),
                "payment": (1, 0),
                "service_location": (1, 0),
            },
        )
        project_rec = self._record(project, "work_order", order["Work Order #"])
        self.assertEqual(project_rec.stage_id.name, "Completed")
        self.assertEqual(
            project_rec.x_original_close_date, utc(order["Completed Date"])
        )
        move = self._record(project, "invoice", invoice["TxnID"])
        self.assertEqual(move.amount_residual, 0.0)
        self.assertIn(move.payment_state, ("paid", "in_payment"))
        self.assertEqual(
            self._record(project, "service_location", "L9001").parent_id,
            self._record(project, "customer", site["Customer ID"]),
        )


class TestTheServiceProgramSerialNumbers(TheServiceProgramCase):
    """With Inventory installed (not a dependency of the addon: skipped without
    it), the admin's choice lands each unit's serial number as a lot of its
    product too; a rollback removes them."""

    def test_equipment_serial_numbers_as_lots(self):
        if "stock.lot" not in self.env:
            self.skipTest("Inventory (stock) is not installed")
        self._taxes((7.25, 7.5))
        project = self._tsp_project()
        project.action_discover()
        choice = project.choice_mapping_ids.filtered(
            lambda m: m.object_key == "equipment_lot"
        )
        self.assertFalse(choice.migrate, "off until the admin turns it on")
        choice.migrate = True
        before = self._table_counts()
        lots_before = self.env["stock.lot"].search_count([])
        run = self._run(project)
        self.assertEqual(run.state, "done")
        self._assert_balanced(run)
        equipment = rows("equipment.csv")
        line = self._object_line(run, "equipment_lot")
        self.assertEqual(line.created_count, len(equipment))
        for row in equipment:
            lot = self._record(project, "equipment_lot", row["Equipment ID"])
            self.assertEqual(lot._name, "stock.lot")
            self.assertEqual(lot.name, row["Serial #"])
            self.assertEqual(
                lot.product_id, self._record(project, "equipment", row["Equipment ID"])
            )
            self.assertEqual(
                lot.x_tsp_site_id,
                self._record(project, "service_location", row["Location ID"]),
            )
        project._rollback()
        self.assertEqual(self.env["stock.lot"].search_count([]), lots_before)
        self.assertEqual(self._table_counts(), before)
