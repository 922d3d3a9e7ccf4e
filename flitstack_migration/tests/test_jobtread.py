# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""JobTread end to end against the Pave emulator: every seed object lands, linked as
the seed says; re-runs land nothing new; a delta picks up exactly the emulator's
changes; an interrupted run resumes from its last page; faults lose nothing.

The expected values are computed from the emulator's own records, not through the
reader.
"""

import importlib
import io
import os
import sys
import tempfile
import zipfile
from collections import Counter
from datetime import datetime
from pathlib import Path
from unittest import mock

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..presets.jobtread import PRESET, PRODUCT_TYPES, item_key, job_status
from ..readers.api import Connection
from ..readers.base import open_reader
from ..readers.jobtread import JobTreadFileReader, JobTreadReader
from .common import EmulatorCaseMixin, RunAssertionsMixin, cli_args, to_csv

REPO_ROOT = Path(__file__).resolve().parents[2]


def _emulators():
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    return importlib.import_module("tools.emulators")


emulators = _emulators()
JobTreadEmulator = emulators.JobTreadEmulator
Fault = emulators.Fault

OBJECTS = (
    "customer",
    "vendor",
    "customer_contact",
    "vendor_contact",
    "location",
    "cost_item",
    "job",
    "customer_order",
    "customer_invoice",
    "comment",
    "file",
)


def connection(emu, key=None, **options):
    """The connection to an emulator; retries wait for nothing."""
    return Connection(
        root=emu.url,
        credentials={"grant_key": key or emu.grant_key},
        account=emu.organization_ids[0],
        options={
            "rate": 0,
            "sleep": lambda _seconds: None,
            # a number: Odoo's test guard of requests compares it with 10 seconds
            "timeout": 10.0,
            **options,
        },
    )


def moment(iso):
    """A Pave timestamp as the naive UTC datetime Odoo stores."""
    return datetime.strptime(iso[:19], "%Y-%m-%dT%H:%M:%S")


# ============================================================== no database
def test_connection_check_names_the_organization_or_the_choice():
    with JobTreadEmulator(seed=2, organizations=2) as emu:
        conn = connection(emu)
        with open_reader("jobtread", conn) as reader:
            check = reader.test_connection()
        names = {
            i: emu.records["organization"][i]["name"] for i in emu.organization_ids
        }
        assert check.ok
        assert check.account_name == names[emu.organization_ids[0]]
        chooser = Connection(
            root=emu.url,
            credentials={"grant_key": emu.grant_key},
            options={"rate": 0, "timeout": 10.0},
        )
        with open_reader("jobtread", chooser) as reader:
            check = reader.test_connection()
        assert not check.ok
        assert "several organizations" in check.message
        assert {a["id"]: a["name"] for a in check.accounts} == names
        with open_reader("jobtread", connection(emu, key="22wrong")) as reader:
            check = reader.test_connection()
        assert not check.ok
        assert "22wrong" not in check.message
        assert "JobTread" in check.message
        other = Connection(
            root=emu.url,
            credentials={"grant_key": emu.grant_key},
            account="22NOTMINE",
            options={"rate": 0, "sleep": lambda _s: None, "timeout": 10.0},
        )
        with open_reader("jobtread", other) as reader:
            check = reader.test_connection()
        assert not check.ok
        assert "22NOTMINE" in check.message


def test_export_files_read_under_the_preset_columns():
    """Accounts without API access upload JobTread's CSV exports: the same
    columns, found under the exports' headers."""
    customers = to_csv(
        [
            {
                "Customer ID": "C1",
                "Customer Name": "Hollis Family",
                "Address": "1 Elm St",
                "City": "Springfield",
                "State": "IL",
                "Zip Code": "62701",
                "Lead Source": "Referral",
            }
        ],
        [
            "Customer ID",
            "Customer Name",
            "Address",
            "City",
            "State",
            "Zip Code",
            "Lead Source",
        ],
    )
    contacts = to_csv(
        [
            {
                "ID": "P1",
                "Customer ID": "C1",
                "Contact Name": "Ann Hollis",
                "Email Address": "ann@hollis.example",
                "Phone Number": "(217) 555-0101",
            }
        ],
        ["ID", "Customer ID", "Contact Name", "Email Address", "Phone Number"],
    )
    jobs = to_csv(
        [
            {
                "Job ID": "J1",
                "Customer ID": "C1",
                "Job Name": "Kitchen",
                "Job Status": "Sold",
                "Price": "12,500.00",
            },
            {"Job ID": "J2", "Customer ID": "C1", "Job Name": "Deck", "Closed": "x"},
        ],
        ["Job ID", "Customer ID", "Job Name", "Job Status", "Price", "Closed"],
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("customers.csv", customers)
        archive.writestr("contacts.csv", contacts)
        archive.writestr("jobs.csv", jobs)
    assert JobTreadReader.file_reader is JobTreadFileReader
    with JobTreadFileReader(PRESET, [("jobtread.zip", buffer.getvalue())]) as reader:
        discovery = reader.discover()
        assert discovery.count("customer") == 1
        assert "Lead Source" in discovery.objects["customer"].unknown
        (customer,) = reader.iter_records("customer")
        (contact,) = reader.iter_records("customer_contact")
        first, second = reader.iter_records("job")
    assert customer.source_id == "C1"
    assert customer.data["Name"] == "Hollis Family"
    assert customer.data["Street"] == "1 Elm St"
    assert customer.data["Zip"] == "62701"
    assert (contact.data["Account Id"], contact.data["Email"]) == (
        "C1",
        "ann@hollis.example",
    )
    assert contact.data["Phone"] == "(217) 555-0101"
    assert (first.data["Status"], first.data["Amount"]) == ("Sold", "12,500.00")
    # no status in the export: from the job's close date
    assert second.data["Status"] == "Closed Lost"


class Source:
    """What the emulator holds, as the seed says it should land."""

    def __init__(self, emu):
        self.emu = emu
        org = emu.organization_ids[0]
        self.records = {
            kind: {i: r for i, r in rows.items() if r.get("organizationId") == org}
            for kind, rows in emu.records.items()
        }
        accounts = self.records["account"]
        self.customers = {i for i, r in accounts.items() if r["type"] == "customer"}
        self.vendors = {i for i, r in accounts.items() if r["type"] == "vendor"}

    def of(self, kind, **where):
        return {
            i: r
            for i, r in self.records.get(kind, {}).items()
            if all(r.get(k) == v for k, v in where.items())
        }

    def custom(self, record_id, name):
        """The values of a record's custom field, by the field's name."""
        fields = {f["id"]: f["name"] for f in self.emu.records["customField"].values()}
        return [
            v["value"]
            for v in self.emu.records["customFieldValue"].values()
            if v["targetId"] == record_id and fields[v["customFieldId"]] == name
        ]

    def contacts(self, account_ids):
        return {
            i: r
            for i, r in self.records["contact"].items()
            if r["accountId"] in account_ids
        }

    def locations(self):
        return {
            i: r
            for i, r in self.records["location"].items()
            if r["accountId"] in self.customers
        }

    def documents(self, kind):
        return self.of("document", type=kind)

    def lines(self, document_id):
        return sorted(
            (
                r
                for r in self.records["costItem"].values()
                if r.get("documentId") == document_id
            ),
            key=lambda r: (r["createdAt"], r["id"]),
        )

    def customer_of_job(self, job):
        return self.records["location"][job["locationId"]]["accountId"]

    def job_amount(self, job):
        documents = [
            d
            for d in self.records["document"].values()
            if d["jobId"] == job["id"] and d["type"] == "customerOrder"
        ]
        approved = [d for d in documents if d["status"] == "approved"]
        if approved:
            return round(sum(d["price"] for d in approved), 2)
        return round(
            sum(
                r["price"]
                for r in self.records["costItem"].values()
                if r["jobId"] == job["id"] and not r.get("documentId")
            ),
            2,
        )

    def job_stage(self, job):
        documents = [
            d for d in self.records["document"].values() if d["jobId"] == job["id"]
        ]
        invoiced = any(
            d["type"] == "customerInvoice" and d["status"] not in ("draft", "void")
            for d in documents
        )
        return job_status(
            {
                "Closed On": job["closedOn"] or "",
                "_order_statuses": ";".join(
                    d["status"] for d in documents if d["type"] == "customerOrder"
                ),
                "_invoiced": "true" if invoiced else "false",
            }
        )

    def counts(self):
        return {
            "customer": len(self.customers),
            "vendor": len(self.vendors),
            "customer_contact": len(self.contacts(self.customers)),
            "vendor_contact": len(self.contacts(self.vendors)),
            "location": len(self.locations()),
            "cost_item": len(
                {item_key(r["name"]) for r in self.records["costItem"].values()}
            ),
            "job": len(self.records["job"]),
            "customer_order": len(self.documents("customerOrder")),
            "customer_invoice": len(self.documents("customerInvoice")),
            "comment": len(self.records["comment"]),
            "file": len(self.records["file"]),
        }


@tagged("post_install", "-at_install")
class JobTreadCase(RunAssertionsMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.fallback = new_test_user(
            cls.env,
            login="jt_fallback",
            email="office@builders.example",
            name="Office",
            groups="base.group_user,sales_team.group_sale_salesman",
        )

    @classmethod
    def _emulator(cls, **options):
        emu = JobTreadEmulator(seed=1, **options).start()
        cls.addClassCleanup(emu.stop)
        return emu

    def _project(self, emu, conn=None, **values):
        project = self.env["migration.project"].create(
            dict(
                {
                    "name": "JobTread",
                    "platform": "jobtread",
                    "fallback_user_id": self.fallback.id,
                    "tz": "UTC",
                },
                **values,
            )
        )
        conn = conn or connection(emu)
        project._discover(sources=conn)
        project._confirm_mapping(sources=conn)
        return project

    def _assert_once(self, project, source):
        """Every source record landed exactly once, over all the project's runs."""
        logs = self.env["migration.log"].search(
            [("project_id", "=", project.id), ("operation", "=", "create")]
        )
        created = Counter(
            (log.object_key, log.source_id) for log in logs if log.object_key in OBJECTS
        )
        self.assertEqual(max(created.values()), 1, "nothing created twice")
        per_object = Counter(key for key, _id in created)
        self.assertEqual(dict(per_object), source.counts())
        landed = self.env["ir.model.data"].search_count(
            [("module", "=", project._xid_module())]
        )
        self.assertEqual(landed, sum(per_object.values()))


class TestJobTreadMigration(JobTreadCase):
    """One full migration of the emulated organization, read back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.emu = cls._emulator()
        cls.source = Source(cls.emu)
        users = list(cls.source.records["membership"].values())
        # two of the organization's members have Odoo users (matched by email)
        cls.members = {}
        for index, member in enumerate(users[:2]):
            person = cls.emu.records["user"][member["userId"]]
            cls.members[person["id"]] = new_test_user(
                cls.env,
                login=f"jt_member_{index}",
                email=person["emailAddress"].upper(),
                name=person["name"],
                groups="base.group_user,sales_team.group_sale_salesman",
            )
        cls.project = cls._project(cls, cls.emu)
        cls.mig_run = cls.project.run_now(mode="full", sources=connection(cls.emu))

    def land(self, key, source_id):
        record = self._record(self.project, key, source_id)
        self.assertTrue(record, f"{key} {source_id} landed")
        return record

    # ------------------------------------------------------------------
    def test_every_object_lands_and_the_reconciliation_balances(self):
        run = self.mig_run
        self.assertEqual(run.state, "done")
        self._assert_balanced(run)
        counts = self.source.counts()
        for key in OBJECTS:
            line = self._object_line(run, key)
            self.assertEqual(line.source_count, counts[key], key)
            self.assertEqual(line.created_count, counts[key], key)
            self.assertFalse(line.failed_count, key)
        self._assert_once(self.project, self.source)

    def test_customers_vendors_contacts_and_locations(self):
        source = self.source
        for account_id in source.customers:
            account = source.records["account"][account_id]
            partner = self.land("customer", account_id)
            self.assertEqual(partner.name, account["name"])
            self.assertGreaterEqual(partner.customer_rank, 1)
            self.assertTrue(partner.is_company)
            primary = source.records["location"].get(account["primaryLocationId"])
            self.assertEqual(partner.street, primary["street"])
            self.assertEqual(partner.zip, primary["postalCode"])
            lead_source = source.custom(account_id, "Lead Source")
            self.assertEqual(partner.x_jt_lead_source, lead_source[0])
        for account_id in source.vendors:
            partner = self.land("vendor", account_id)
            self.assertGreaterEqual(partner.supplier_rank, 1)
            self.assertEqual(partner.x_jt_trade, source.custom(account_id, "Trade")[0])
        for key, accounts, parent_key in (
            ("customer_contact", source.customers, "customer"),
            ("vendor_contact", source.vendors, "vendor"),
        ):
            for contact_id, contact in source.contacts(accounts).items():
                partner = self.land(key, contact_id)
                self.assertEqual(partner.name, contact["name"])
                self.assertEqual(partner.type, "contact")
                self.assertEqual(
                    partner.parent_id, self.land(parent_key, contact["accountId"])
                )
                # e-mail and phone are custom field values in JobTread
                self.assertEqual(partner.email, source.custom(contact_id, "Email")[0])
                digits = "".join(
                    c for c in source.custom(contact_id, "Phone")[0] if c.isdigit()
                )
                self.assertEqual(
                    "".join(c for c in partner.phone if c.isdigit())[-10:], digits
                )
        for location_id, location in source.locations().items():
            partner = self.land("location", location_id)
            self.assertEqual(partner.type, "delivery")
            self.assertEqual(
                partner.parent_id, self.land("customer", location["accountId"])
            )
            self.assertEqual(partner.street, location["street"])
            self.assertEqual(partner.city, location["city"])
            self.assertEqual(partner.state_id.code, location["state"])
            self.assertEqual(partner.country_id.code, "US")
        gate = [i for i in source.locations() if source.custom(i, "Gate Code")]
        self.assertTrue(gate)
        for location_id in gate:
            self.assertEqual(
                self.land("location", location_id).x_jt_gate_code,
                source.custom(location_id, "Gate Code")[0],
            )

    def test_jobs_are_opportunities_with_revenue_and_stage(self):
        source = self.source
        team = self.env["crm.team"].search([("name", "=", "JobTread")])
        self.assertEqual(len(team), 1)
        stages = self.env["crm.stage"].search([("team_id", "=", team.id)])
        self.assertEqual(
            stages.sorted("sequence").mapped("name"),
            ["Lead", "Estimate Sent", "Sold", "Closed"],
        )
        self.assertTrue(stages.filtered(lambda s: s.name == "Closed").is_won)
        seen = Counter()
        for job_id, job in source.records["job"].items():
            lead = self.land("job", job_id).with_context(active_test=False)
            status = source.job_stage(job)
            seen[status] += 1
            self.assertEqual(lead.type, "opportunity")
            self.assertEqual(lead.name, job["name"])
            self.assertEqual(
                lead.partner_id, self.land("customer", source.customer_of_job(job))
            )
            self.assertAlmostEqual(lead.expected_revenue, source.job_amount(job))
            self.assertEqual(lead.team_id, team)
            if status == "Closed Lost":
                self.assertFalse(lead.active)
                self.assertEqual(lead.probability, 0)
            else:
                self.assertTrue(lead.active)
                self.assertEqual(lead.stage_id.name, status)
            if job["closedOn"] and status == "Closed":
                self.assertEqual(str(lead.date_closed.date()), job["closedOn"])
            services = source.custom(job_id, "Services")
            self.assertEqual(sorted(lead.tag_ids.mapped("name")), sorted(services))
            permit = source.custom(job_id, "Permit Required")[0]
            self.assertEqual(lead.x_jt_permit_required, permit)
            self.assertEqual(
                lead.x_jt_target_start.isoformat(),
                source.custom(job_id, "Target Start")[0],
            )
            creator = self.members.get(job["createdByUserId"], self.fallback)
            self.assertEqual(lead.user_id, creator)
        self.assertGreaterEqual(len(seen), 3, seen)

    def test_custom_fields_have_their_jobtread_type(self):
        fields = self.env["ir.model.fields"].search([("name", "=like", "x_jt_%")])
        types = {(f.model, f.name): f.ttype for f in fields}
        self.assertEqual(types[("crm.lead", "x_jt_permit_required")], "boolean")
        self.assertEqual(types[("crm.lead", "x_jt_target_start")], "date")
        self.assertIn(types[("crm.lead", "x_jt_roof_area_sq_ft")], ("integer", "float"))
        self.assertEqual(types[("res.partner", "x_jt_referral_notes")], "char")
        self.assertIn(types[("res.partner", "x_jt_lead_source")], ("selection", "char"))
        # the multi-select lands as tags, not as a text field
        self.assertNotIn(("crm.lead", "x_jt_services"), types)

    def test_cost_items_become_products(self):
        source = self.source
        items = sorted(
            source.records["costItem"].values(), key=lambda r: (r["createdAt"], r["id"])
        )
        first = {}
        for item in items:
            first.setdefault(item_key(item["name"]), item)
        cost_types = source.records["costType"]
        for key, item in first.items():
            product = self.land("cost_item", key)
            self.assertEqual(product.name, item["name"])
            self.assertAlmostEqual(product.list_price, item["unitPrice"])
            self.assertAlmostEqual(product.standard_price, item["unitCost"])
            kind = cost_types[item["costTypeId"]]["name"].lower()
            self.assertEqual(product.type, PRODUCT_TYPES.get(kind, "service"))
        self.assertEqual(
            {p.type for p in (self.land("cost_item", k) for k in first)},
            {"service", "consu"},
        )

    def test_customer_orders_and_invoices_with_their_lines(self):
        source = self.source
        states = {"approved": "sale", "void": "cancel", "draft": "draft"}
        for document_id, document in source.documents("customerOrder").items():
            order = self.land("customer_order", document_id)
            self.assertEqual(
                order.partner_id, self.land("customer", document["accountId"])
            )
            self.assertEqual(order.opportunity_id, self.land("job", document["jobId"]))
            self.assertEqual(order.name, document["fullName"])
            lines = source.lines(document_id)
            self.assertEqual(len(order.order_line), len(lines))
            self.assertAlmostEqual(order.amount_untaxed, document["price"], places=2)
            for line, item in zip(
                order.order_line.sorted("sequence"), lines, strict=True
            ):
                self.assertEqual(
                    line.product_id, self.land("cost_item", item_key(item["name"]))
                )
                self.assertEqual(line.product_uom_qty, item["quantity"])
                self.assertAlmostEqual(line.price_unit, item["unitPrice"])
            if document["status"] in states:
                self.assertEqual(order.state, states[document["status"]])
        for document_id, document in source.documents("customerInvoice").items():
            move = self.land("customer_invoice", document_id)
            self.assertEqual(move.move_type, "out_invoice")
            self.assertEqual(
                move.partner_id, self.land("customer", document["accountId"])
            )
            self.assertEqual(move.ref, document["fullName"])
            self.assertEqual(str(move.invoice_date), document["issueDate"])
            self.assertEqual(len(move.invoice_line_ids), len(source.lines(document_id)))
            self.assertAlmostEqual(move.amount_untaxed, document["price"], places=2)
            self.assertAlmostEqual(move.x_jt_balance, document["balance"], places=2)

    def test_files_and_comments_on_their_records(self):
        source = self.source
        for file_id, record in source.records["file"].items():
            attachment = self.land("file", file_id)
            self.assertEqual(attachment.name, record["name"])
            self.assertEqual(attachment.raw, record["content"])
            self.assertEqual(
                (attachment.res_model, attachment.res_id),
                ("crm.lead", self.land("job", record["jobId"]).id),
            )
        for comment_id, record in source.records["comment"].items():
            message = self.land("comment", comment_id)
            self.assertEqual(
                (message.model, message.res_id),
                ("crm.lead", self.land("job", record["jobId"]).id),
            )
            self.assertEqual(message.date, moment(record["createdAt"]))
            self.assertIn(record["message"], message.body)
            author = self.emu.records["user"][record["createdByUserId"]]
            user = self.members.get(author["id"], self.fallback)
            self.assertEqual(message.author_id, user.partner_id)
            self.assertIn(author["emailAddress"], message.email_from)

    def test_owners_and_automation_inventory(self):
        owners = self.project.owner_ids
        emails = {u["emailAddress"].lower() for u in self.emu.records["user"].values()}
        self.assertTrue(owners)
        self.assertEqual({o.email.lower() for o in owners}, emails)
        for owner in owners:
            person = next(
                (m for m in self.members.values() if m.email == owner.email.upper()),
                None,
            )
            if person:
                self.assertEqual(owner.user_id, person)
        names = set(self.project.automation_ids.mapped("name"))
        self.assertIn("Workflows and automations", names)
        self.assertIn("Budget templates", names)
        self.assertIn("Selection templates", names)

    def test_a_second_run_creates_nothing(self):
        before = self.env["res.partner"].search_count([])
        run = self.project.run_now(mode="full", sources=connection(self.emu))
        self._assert_balanced(run)
        counts = self.source.counts()
        for key in OBJECTS:
            line = self._object_line(run, key)
            self.assertEqual(line.created_count, 0, key)
            self.assertEqual(line.skipped_count, counts[key], key)
        self.assertEqual(self.env["res.partner"].search_count([]), before)


class TestJobTreadChanges(JobTreadCase):
    """Deltas, interruptions and faults, each on an emulator of its own."""

    def test_a_delta_picks_up_exactly_the_changes(self):
        emu = self._emulator()
        project = self._project(emu)
        full = project.run_now(mode="full", sources=connection(emu))
        self.assertEqual(full.state, "done")
        source = Source(emu)
        new_account = emu.create(
            "account",
            name="Hollis Family",
            type="customer",
            isTaxable=True,
            archivedAt=None,
            primaryContactId=None,
            primaryLocationId=None,
        )
        new_contact = emu.create(
            "contact",
            name="Ann Hollis",
            firstName="Ann",
            lastName="Hollis",
            title=None,
            accountId=new_account,
        )
        emu.set_custom_field("contact", new_contact, "Email", "ann@hollis.example")
        contact_id = min(source.contacts(source.customers))
        emu.set_custom_field("contact", contact_id, "Email", "moved@new.example")
        jobs = sorted(source.records["job"])
        emu.update("job", jobs[0], name="Kitchen - renamed")
        emu.set_custom_field("job", jobs[1], "Services", ["Deck", "Siding"])
        comment_id = min(source.records["comment"])
        comment = self._record(project, "comment", comment_id)
        emu.delete("comment", comment_id)
        file_id = min(source.records["file"])
        emu.delete("file", file_id)

        partners = self.env["res.partner"].search_count([])
        leads = self.env["crm.lead"].with_context(active_test=False).search_count([])
        run = project.run_now(mode="delta", sources=connection(emu))
        # the delta reads from (a minute before) the start of the full run
        since = run._since()
        self.assertTrue(since.startswith(f"{full.date_start:%Y-%m-%d}"))
        self.assertEqual(run.state, "done")
        self._assert_balanced(run)
        expected = {
            "customer": (1, 1, 0, 0),
            "customer_contact": (2, 1, 1, 0),
            "job": (2, 0, 2, 0),
            "comment": (0, 0, 0, 1),
            "file": (0, 0, 0, 1),
        }
        for key in OBJECTS:
            line = self._object_line(run, key)
            if key == "cost_item":  # no events: read whole, all unchanged
                self.assertEqual(
                    (line.source_count, line.skipped_count, line.created_count),
                    (Source(emu).counts()["cost_item"],) * 2 + (0,),
                )
                continue
            self.assertEqual(
                (
                    line.source_count,
                    line.created_count,
                    line.updated_count,
                    line.gone_count,
                ),
                expected.get(key, (0, 0, 0, 0)),
                key,
            )
        self.assertEqual(self.env["res.partner"].search_count([]), partners + 2)
        self.assertEqual(
            self.env["crm.lead"].with_context(active_test=False).search_count([]),
            leads,
        )
        customer = self._record(project, "customer", new_account)
        self.assertEqual(customer.name, "Hollis Family")
        contact = self._record(project, "customer_contact", new_contact)
        self.assertEqual(
            (contact.parent_id, contact.email), (customer, "ann@hollis.example")
        )
        self.assertEqual(
            self._record(project, "customer_contact", contact_id).email,
            "moved@new.example",
        )
        self.assertEqual(
            self._record(project, "job", jobs[0]).name, "Kitchen - renamed"
        )
        lead = self._record(project, "job", jobs[1]).with_context(active_test=False)
        self.assertEqual(sorted(lead.tag_ids.mapped("name")), ["Deck", "Siding"])
        # deleted in JobTread: listed as gone, kept in Odoo
        self.assertTrue(comment.exists())
        gone = run.log_ids.filtered(lambda log: log.operation == "gone")
        self.assertEqual(
            sorted(gone.mapped("source_id")), sorted([comment_id, file_id])
        )
        # the events since the last run were read, and only the changed records
        pages = [r.json["query"] for r in emu.requests if r.path == "/pave"]
        events = [q for q in pages if "events" in q.get("organization", {})]
        self.assertTrue(events)
        self.assertIn(
            ["createdAt", ">=", since],
            [q["organization"]["events"]["$"]["where"] for q in events],
        )

    def _slices(self, run, conn, until, limit=100):
        """Run slices as the background job does (each in its own savepoint, one
        batch each) until ``until()``; returns how many ran."""
        count = 0
        while not until() and count < limit:
            with self.env.cr.savepoint():
                run._execute(budget=1e-6, sources=conn)
            count += 1
        return count

    def test_an_interrupted_object_resumes_from_its_last_page(self):
        emu = self._emulator()
        conn = connection(emu, page_size=7)
        project = self._project(emu, conn, batch_size=10)
        source = Source(emu)
        run = project._create_run("full", skip_sample=True)

        def mid_jobs():
            line = self._object_line(run, "job")
            return bool(line) and line.offset >= 20

        self._slices(run, conn, mid_jobs)
        job_line = self._object_line(run, "job")
        self.assertEqual((job_line.state, job_line.offset), ("running", 20))
        token = dict(job_line.resume_token)
        self.assertTrue(token["page"], "the third page (records 15 to 21)")
        xids = [("module", "=", project._xid_module()), ("model", "=", "crm.lead")]
        self.assertEqual(self.env["ir.model.data"].search_count(xids), 20)
        # the grant key expires half-way through the jobs: the slice stops with a
        # plain message, what landed stays
        emu.add_fault("expired", at=1, path="/pave")
        with (
            self.assertRaises(UserError) as caught,
            mute_logger("odoo.addons.flitstack_migration.clients.http"),
            self.env.cr.savepoint(),
        ):
            run._execute(sources=conn)
        message = str(caught.exception)
        self.assertIn("expired", message)
        self.assertIn("Settings > Integrations > API > Grants", message)
        self.assertNotIn(emu.grant_key, message)
        self.assertEqual(self._object_line(run, "job").offset, 20)
        self.assertEqual(self.env["ir.model.data"].search_count(xids), 20)
        # a new key (the emulator's is valid again): the run goes on from its page
        emu.clear_faults()
        resumed_at = len(emu.requests)
        run._execute(sources=conn)
        self.assertEqual(run.state, "done")
        jobs_read = [
            r.json["query"]["organization"]["jobs"]["$"]
            for r in emu.requests[resumed_at:]
            if r.path == "/pave" and "jobs" in r.json["query"].get("organization", {})
        ]
        self.assertEqual(jobs_read[0].get("page"), token["page"])
        self._assert_balanced(run)
        for key, count in source.counts().items():
            line = self._object_line(run, key)
            self.assertEqual((line.source_count, line.created_count), (count, count))
        self._assert_once(project, source)

    def test_transient_faults_land_everything_exactly_once(self):
        emu = self._emulator(
            faults=[
                Fault("429", at=3, times=2, path="/pave"),
                Fault("429", at=9, retry_after=2, path="/pave"),
                Fault("500", at=15, times=3, path="/pave"),
                Fault("cut", at=22, path="/pave"),
                Fault("cut", at=2, path="/files/"),
                Fault("500", at=5, path="/files/"),
            ]
        )
        conn = connection(emu, page_size=10)
        project = self._project(emu, conn, batch_size=10)
        # the faults hit discovery; more during the run
        emu.add_fault("429", at=40, path="/pave")
        emu.add_fault("cut", at=60, path="/pave")
        emu.add_fault("500", at=80, times=2, path="/pave")
        with mute_logger("odoo.addons.flitstack_migration.clients.http"):
            run = project.run_now(mode="full", sources=conn)
        self.assertEqual(run.state, "done")
        hit = Counter(r.fault for r in emu.requests if r.fault)
        self.assertEqual(hit, {"429": 4, "500": 6, "cut": 3})
        source = Source(emu)
        self._assert_balanced(run)
        for key, count in source.counts().items():
            line = self._object_line(run, key)
            self.assertEqual(
                (line.source_count, line.created_count, line.failed_count),
                (count, count, 0),
                key,
            )
        self._assert_once(project, source)
        for file_id, record in source.records["file"].items():
            self.assertEqual(
                self._record(project, "file", file_id).raw, record["content"]
            )

    def test_a_permanent_fault_stops_with_a_plain_message(self):
        emu = self._emulator()
        conn = connection(emu, page_size=20, retries=2)
        project = self._project(emu, conn, batch_size=20)
        run = project._create_run("full", skip_sample=True)
        self._slices(
            run, conn, lambda: self._object_line(run, "vendor").state == "done"
        )
        landed = self._object_line(run, "customer").created_count
        self.assertEqual(landed, Source(emu).counts()["customer"])
        emu.add_fault("500", at=1, times=1000, path="/pave")
        with (
            self.assertRaises(UserError) as caught,
            mute_logger("odoo.addons.flitstack_migration.clients.http"),
            self.env.cr.savepoint(),
        ):
            run._execute(sources=conn)
        message = str(caught.exception)
        self.assertIn("JobTread", message)
        self.assertNotIn("Traceback", message)
        self.assertNotIn(emu.grant_key, message)
        # what landed before stays as it was
        self.assertEqual(self._object_line(run, "customer").created_count, landed)
        self.assertEqual(
            self.env["ir.model.data"].search_count(
                [("module", "=", project._xid_module())]
            ),
            landed + Source(emu).counts()["vendor"],
        )
        # once JobTread answers again, the run finishes, nothing twice
        emu.clear_faults()
        run._execute(sources=conn)
        self.assertEqual(run.state, "done")
        self._assert_once(project, Source(emu))


class TestJobTreadHeadlessAndWizard(EmulatorCaseMixin, JobTreadCase):
    """The two ways an admin reaches the API: the command line with the key in the
    environment, and the import wizard's connect step (the key kept on the
    project's connection); the client's own timeouts, as in production."""

    def test_command_line_with_the_key_in_the_environment(self):
        from ..cli.flitstack import Flitstack

        emu = self._emulator()
        with tempfile.TemporaryDirectory() as tmp:
            report = Path(tmp) / "report.json"
            args = cli_args(
                "migrate",
                platform="jobtread",
                api_url=emu.url,
                name="JobTread headless",
                report=report,
            )
            env = {"JOBTREAD_GRANT_KEY": emu.grant_key, "JOBTREAD_ORGANIZATION_ID": ""}
            with mock.patch.dict(os.environ, env):
                self.assertEqual(Flitstack()._migrate(self.env, args), 0)
            text = report.read_text()
        project = self.env["migration.project"].search(
            [("name", "=", "JobTread headless")]
        )
        run = project.run_ids
        self.assertEqual(run.state, "done")
        self._assert_balanced(run)
        self._assert_counts(run, Source(emu).counts())
        self.assertNotIn(emu.grant_key, text)
        self.assertFalse(project.source_attachment_ids)

    def test_the_wizard_connects_reads_and_the_project_migrates(self):
        emu = self._emulator()
        wizard = self.env["migration.import.wizard"].create(
            {
                "platform": "jobtread",
                "api_key": emu.grant_key,
                "api_url": emu.url,
                "fallback_user_id": self.fallback.id,
            }
        )
        self.assertEqual(wizard.key_label, "Grant key")
        wizard.action_test_connection()
        self.assertEqual(wizard.connection_state, "ok")
        self.assertFalse(wizard.api_key)
        wizard.action_preview()
        self.assertEqual(wizard.step, "preview")
        self.assertEqual(wizard.project_id.state, "discovered")
        self.assertGreaterEqual(wizard.record_count, Source(emu).counts()["job"])
        project = wizard.project_id
        project._confirm_mapping()
        run = project.run_now("full")  # read through the project's connection
        self.assertEqual(run.state, "done")
        self._assert_counts(run, Source(emu).counts())

    def _assert_counts(self, run, expected):
        created = {line.object_key: line.created_count for line in run.object_ids}
        for key, count in expected.items():
            self.assertEqual(created.get(key, 0), count, key)
