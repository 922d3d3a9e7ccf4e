# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The import wizard in a real browser for Contractor+, The Service Program, JobTread
and ClientTether.

The same three tours as The Customer Factor's (tests/test_tours.py), registered for
each platform from its description in ``static/tests/tours/import_wizard_tours.js``:
upload the sample (Contractor+, The Service Program) or connect to the API emulator
(JobTread, with a key that reaches two organizations; ClientTether), what was
found, field map (one line not migrated), custom fields, owners (one given a user
by hand), trial run; the trial's field check, approval, full run; reconciliation and
rollback. The test runs the background job between the tours and checks the records
each one left.

The emulators listen on 127.0.0.1, in threads of the test process; the wizard's
requests reach them from Odoo's HTTP server thread, through the test guard of
``EmulatorCaseMixin``. Their URL and keys reach the tour in cookies. Their data is
cut down to a few dozen records, and the clients' pace (3 requests a second, for
the real platforms; tested in test_api_clients) is turned off: the emulators set
no limit, and the wait would be most of the test.
"""

import dataclasses
import json
from collections import Counter
from unittest.mock import patch
from urllib.parse import quote

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL

from ..engine.adapters import AccountPaymentAdapter
from ..models.migration_connection import MigrationConnection
from .common import PAYMENT_AND_CALENDAR_TABLES, EmulatorCaseMixin, table_counts
from .platform_samples import sample_rows
from .test_api_clients import ClientTetherEmulator, JobTreadEmulator
from .test_tours import PROJECTS_URL, WizardTourMixin

#: Tables the three platforms also write to, which a rollback must give back too.
MORE_TABLES = (
    *PAYMENT_AND_CALENDAR_TABLES,
    "crm_team",
    "crm_team_member",
    "mail_template",
)
#: Customers of the JobTread emulator's organization the test keeps (the tour
#: checks the reconciliation counts them), with their vendors
JOBTREAD_CUSTOMERS = 15
JOBTREAD_VENDORS = 2
#: Clients of the ClientTether emulator's account the test keeps (idem)
CLIENTTETHER_CLIENTS = 15


def _unpaced(connection_method):
    """``MigrationConnection._connection`` without the client's pace."""

    def _connection(self):
        source = connection_method(self)
        return dataclasses.replace(source, options={**source.options, "rate": 0})

    return _connection


def trim_jobtread(emulator, customers, vendors):
    """Keep the first ``customers`` customers and ``vendors`` vendors of the first
    organization, and what belongs to them: every record linked (under an id) to
    an account removed is removed, then every record linked to those, and so on."""
    org = emulator.organization_ids[0]
    accounts = [
        a for a in emulator.records["account"].values() if a["organizationId"] == org
    ]
    kept = {
        a["id"]
        for kind, count in (("customer", customers), ("vendor", vendors))
        for a in [a for a in accounts if a["type"] == kind][:count]
    }
    removed = {a["id"] for a in accounts} - kept
    while True:
        linked = {
            record_id
            for table in emulator.records.values()
            for record_id, record in table.items()
            if record_id not in removed
            and any(
                isinstance(value, str) and value in removed
                for name, value in record.items()
                if name != "id"
            )
        }
        if not linked:
            break
        removed |= linked
    for table in emulator.records.values():
        for record_id in removed & set(table):
            del table[record_id]


def trim_clienttether(emulator, clients, account="HQ"):
    """Keep the first ``clients`` clients of an account and their rows."""
    tables = emulator.tables[account]
    del tables["client"][clients:]
    kept = {row["client_id"] for row in tables["client"]}
    for rows in tables.values():
        rows[:] = [row for row in rows if row.get("client_id") in kept | {None, ""}]


@tagged("post_install", "-at_install")
class TestPlatformWizardTours(EmulatorCaseMixin, WizardTourMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        patcher = patch.object(
            MigrationConnection,
            "_connection",
            _unpaced(MigrationConnection._connection),
        )
        patcher.start()
        cls.addClassCleanup(patcher.stop)
        # The owners the tours give a user by hand: nothing matches them (another
        # email, another name)
        cls.owners = {
            name: new_test_user(
                cls.env,
                login=login,
                name=name,
                email=f"{login}@example.com",
                groups="base.group_user,sales_team.group_sale_salesman",
            )
            for login, name in (
                ("dana", "Dana W."),
                ("owen", "Owen C."),
                ("rita", "Rita O."),
            )
        }

    def _counts(self):
        """``table_counts`` and the rows of ``MORE_TABLES``."""
        counts = table_counts(self.env)
        for table in MORE_TABLES:
            self.env.cr.execute(SQL("SELECT count(*) FROM %s", SQL.identifier(table)))
            counts[table] = self.env.cr.fetchone()[0]
        return counts

    @staticmethod
    def _api_cookies(emulator_url, key, key_2=None):
        """The emulator's address and keys, as the tour reads them."""
        values = {"api_url": emulator_url, "api_key": key, "api_key_2": key_2}
        return {
            f"flitstack_{name}": quote(value, safe="")
            for name, value in values.items()
            if value
        }

    # ------------------------------------------------------------------ steps
    def _wizard(self, key, platform, label, cookies=None):
        """The wizard's tour, up to the trial run queued; the project it made."""
        before = self._counts()
        self._tour(PROJECTS_URL, f"flitstack_{key}_wizard", cookies)
        project = self.env["migration.project"].search([])
        self.assertEqual(len(project), 1)
        self.assertEqual(
            (project.platform, project.name), (platform, f"Migration from {label}")
        )
        self.assertTrue(project.mapping_ids)
        self.assertTrue(all(project.mapping_ids.mapped("confirmed")))
        schema_run = project.run_ids.filtered(lambda run: run.mode == "schema")
        self.assertEqual(schema_run.state, "done", "the custom fields step's run")
        sample_run = project.run_ids - schema_run
        self.assertEqual((sample_run.mode, sample_run.state), ("sample", "queued"))
        after = self._counts()
        for table in ("res_partner", "crm_lead", "mail_message", "sale_order"):
            self.assertEqual(
                after[table], before[table], f"{table}: nothing lands before the job"
            )
        return project

    def _assert_skipped(self, project, object_key, column, field, model):
        """The map line the tour did not migrate, and no field made for it."""
        line = project.mapping_line_ids.filtered(
            lambda line: (
                line.mapping_id.object_key == object_key
                and line.source_column == column
            )
        )
        self.assertEqual(len(line), 1, (object_key, column))
        self.assertTrue(line.skip, "the tour ticked 'Do not migrate'")
        self.assertNotIn(field, self.env[model]._fields)

    def _assert_owner(self, project, name, user):
        owner = project.owner_ids.filtered(
            lambda owner: owner.source_key.startswith(name)
        )
        self.assertEqual((owner.user_id, owner.match), (user, "manual"))

    def _trial(self, project):
        """The background job lands the trial run."""
        sample_run = project.run_ids.filtered(lambda run: run.mode == "sample")
        self.assertGreater(self._work_queue(), 0)
        self.assertEqual(sample_run.state, "done")
        self.assertEqual((project.state, project.sample_state), ("sampled", "pending"))
        self.assertGreater(sample_run.created_count, 0)
        self._check_journal(sample_run)
        self.assertTrue(sample_run.diff_line_ids)
        return sample_run

    def _full(self, key, project):
        """The trial's field check and approval, and the full run landed."""
        runs = project.run_ids
        self._tour(PROJECTS_URL, f"flitstack_{key}_trial_approve")
        self.assertEqual(project.sample_state, "approved")
        full_run = project.run_ids - runs
        self.assertEqual((full_run.mode, full_run.state), ("full", "queued"))
        self._work_queue()
        self.assertEqual(full_run.state, "done")
        self.assertEqual(project.state, "done")
        self._check_journal(full_run)
        self._assert_balanced(full_run)
        # over the trial and the full run, each record of the source landed once
        creates = Counter(
            (log.object_key, log.source_id)
            for log in project.run_ids.log_ids
            if log.operation == "create" and log.source_id
        )
        self.assertEqual(max(creates.values()), 1, "nothing created twice")
        self.assertGreater(full_run.created_count, 0, "the full run lands more")
        return full_run

    def _assert_landed(self, project, object_key, source_ids):
        """The records ``source_ids`` landed in (each one did; none of the
        object failed in the full run)."""
        run = project.run_ids.filtered(lambda run: run.mode == "full")
        line = run.object_ids.filtered(lambda line: line.object_key == object_key)
        self.assertEqual(line.failed_count, 0, object_key)
        records = [self._record(project, object_key, sid) for sid in source_ids]
        self.assertTrue(all(records), object_key)
        return records[0].browse().concat(*records)

    def _roll_back(self, key, project, before, *landed):
        """Reconciliation, then the whole project rolled back: nothing left."""
        self._tour(PROJECTS_URL, f"flitstack_{key}_reconcile_rollback")
        self.assertEqual(project.state, "rolled_back")
        self.assertEqual(
            set(project.run_ids.mapped("state")), {"rolled_back"}, project.run_ids
        )
        for records in landed:
            self.assertFalse(records.exists(), records)
        self.assertEqual(self._counts(), before, "the rollback leaves nothing")

    # ------------------------------------------------------------------ tests
    def test_contractor_plus(self):
        # As an administrator would before migrating invoices and payments: a chart
        # of accounts (with its bank and cash journals) and the sales taxes of the
        # export's rates
        company = self.env.company
        if not company.chart_template:
            self.env["account.chart.template"].try_loading(
                "generic_coa", company, install_demo=False
            )
        for rate in (8.25, 6.0):
            self.env["account.tax"].create(
                {
                    "name": f"Sales tax {rate}%",
                    "amount": rate,
                    "amount_type": "percent",
                    "type_tax_use": "sale",
                    "company_id": company.id,
                }
            )
        self.assertEqual(AccountPaymentAdapter().missing_setup(self.env, company), [])
        clients = sample_rows("contractor_plus", "clients.csv")
        payments = sample_rows("contractor_plus", "payments.csv")
        dana_leads = [
            row["Lead ID"]
            for row in sample_rows("contractor_plus", "leads.csv")
            if row["Assigned To"] == "Dana Whitfield"
        ]
        self.assertTrue(dana_leads)
        before = self._counts()

        project = self._wizard("cplus", "contractor_plus", "Contractor+")
        self.assertEqual(
            project.source_attachment_ids.mapped("name"),
            ["contractor_plus_sample.zip"],
        )
        self._assert_skipped(
            project, "job", "Permit Required", "x_cp_permit_required", "crm.lead"
        )
        self.assertIn("x_cp_gate_code", self.env["res.partner"]._fields)
        self._assert_owner(project, "Dana Whitfield", self.owners["Dana W."])
        self._trial(project)
        full_run = self._full("cplus", project)

        line = full_run.object_ids.filtered(lambda line: line.object_key == "client")
        self.assertEqual(line.source_count, len(clients))  # the tour checks it too
        self._assert_landed(project, "client", {row["Client ID"] for row in clients})
        row = next(row for row in clients if row["Gate Code"])
        self.assertEqual(
            self._record(project, "client", row["Client ID"]).x_cp_gate_code,
            row["Gate Code"],
        )
        leads = self._assert_landed(project, "lead", dana_leads)
        self.assertEqual(leads.user_id, self.owners["Dana W."], "the owner chosen")
        paid = self._assert_landed(
            project, "payment", [row["Payment ID"] for row in payments]
        )
        self.assertTrue(all(payment.reconciled_invoice_ids for payment in paid))

        invoices = paid.reconciled_invoice_ids
        self.assertEqual(set(invoices.mapped("state")), {"posted"})

        # Reconciliation and rollback. The check before it lists the invoices the
        # migration posted, which Odoo keeps (with what they need: their customers,
        # payments...): the rollback removes the rest.
        self._tour(PROJECTS_URL, "flitstack_cplus_reconcile_rollback")
        self.assertEqual(project.state, "rolled_back")
        self.assertEqual(set(project.run_ids.mapped("state")), {"rolled_back"})
        kept = {
            (model, res_id)
            for run in project.run_ids
            for model, res_id, _reason in json.loads(run.rollback_kept or "[]")
        }
        self.assertLessEqual({("account.move", move.id) for move in invoices}, kept)
        self.assertLessEqual({("account.payment", pay.id) for pay in paid}, kept)
        # (the custom fields stay while kept records fill them)
        for log in project.run_ids.log_ids.filtered(
            lambda log: log.operation == "create" and log.model != "ir.model.fields"
        ):
            self.assertEqual(
                bool(self.env[log.model].browse(log.res_id).exists()),
                (log.model, log.res_id) in kept,
                f"{log.object_key} {log.source_id}: kept only if listed",
            )
        after = self._counts()
        for table in ("sale_order", "sale_order_line", "crm_tag", "utm_source"):
            self.assertEqual(after[table], before[table], table)

    def test_the_service_program(self):
        # A chart of accounts and the sales taxes of the export's rates, as for
        # Contractor+
        company = self.env.company
        if not company.chart_template:
            self.env["account.chart.template"].try_loading(
                "generic_coa", company, install_demo=False
            )
        for rate in (7.25, 7.5):
            self.env["account.tax"].create(
                {
                    "name": f"NC sales tax {rate}%",
                    "amount": rate,
                    "amount_type": "percent",
                    "type_tax_use": "sale",
                    "company_id": company.id,
                }
            )
        platform = "the_service_program"
        customers = sample_rows(platform, "customers.csv", "cp1252")
        payments = sample_rows(platform, "payments.csv")
        linda = [
            row["TSP Customer ID"]
            for row in customers
            if row["Sales Rep"] == "Linda Park"
        ]
        self.assertTrue(linda)
        before = self._counts()

        project = self._wizard("tsp", platform, "The Service Program")
        self.assertEqual(
            project.source_attachment_ids.mapped("name"),
            ["the_service_program_sample.zip"],
        )
        self._assert_skipped(
            project,
            "customer",
            "Pets On Property",
            "x_tsp_pets_on_property",
            "res.partner",
        )
        self.assertIn("x_tsp_target_pest", self.env["project.project"]._fields)
        self._assert_owner(project, "Linda Park", self.owners["Dana W."])
        self._trial(project)
        full_run = self._full("tsp", project)

        line = full_run.object_ids.filtered(lambda line: line.object_key == "customer")
        self.assertEqual(line.source_count, len(customers))  # the tour checks it too
        partners = self._assert_landed(
            project, "customer", {row["TSP Customer ID"] for row in customers}
        )
        owned = self._assert_landed(project, "customer", linda)
        self.assertEqual(owned.user_id, self.owners["Dana W."], "the owner chosen")
        paid = self._assert_landed(
            project, "payment", [row["TxnID"] for row in payments]
        )
        self.assertTrue(all(payment.reconciled_invoice_ids for payment in paid))
        invoices = paid.reconciled_invoice_ids
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        # what lost its site or work order was held, in the trial or the full run
        held = project.run_ids.log_ids.filtered(
            lambda log: log.operation == "fail" and log.object_key == "work_order_line"
        )
        self.assertTrue(held)

        # Reconciliation and rollback: the posted invoices are kept, with what they
        # need (their customers, payments...); the rest goes.
        self._tour(PROJECTS_URL, "flitstack_tsp_reconcile_rollback")
        self.assertEqual(project.state, "rolled_back")
        kept = {
            (model, res_id)
            for run in project.run_ids
            for model, res_id, _reason in json.loads(run.rollback_kept or "[]")
        }
        self.assertLessEqual({("account.move", move.id) for move in invoices}, kept)
        for log in project.run_ids.log_ids.filtered(
            lambda log: log.operation == "create" and log.model != "ir.model.fields"
        ):
            self.assertEqual(
                bool(self.env[log.model].browse(log.res_id).exists()),
                (log.model, log.res_id) in kept,
                f"{log.object_key} {log.source_id}: kept only if listed",
            )
        self.assertFalse(
            partners.filtered(lambda p: ("res.partner", p.id) not in kept).exists()
        )
        after = self._counts()
        for table in ("crm_lead", "project_project", "project_task", "utm_source"):
            self.assertEqual(after[table], before[table], table)

    def test_jobtread(self):
        emulator = JobTreadEmulator(seed=1, organizations=2)
        trim_jobtread(emulator, JOBTREAD_CUSTOMERS, JOBTREAD_VENDORS)
        org, other = emulator.organization_ids
        emulator.records["organization"][org]["name"] = "Harbor Point Builders"
        emulator.records["organization"][other]["name"] = "Ridgeline Remodeling"
        records = emulator.records
        customers = [
            a
            for a in records["account"].values()
            if a["organizationId"] == org and a["type"] == "customer"
        ]
        jobs = [j for j in records["job"].values() if j["organizationId"] == org]
        # the member who created the first job is the owner the tour gives a user
        owen = jobs[0]["createdByUserId"]
        records["user"][owen].update(
            name="Owen Castillo", emailAddress="owen.castillo@builders.example"
        )
        owen_jobs = [j["id"] for j in jobs if j["createdByUserId"] == owen]
        lead_sources = {
            value["targetId"]: value["value"]
            for value in records["customFieldValue"].values()
            if records["customField"][value["customFieldId"]]["name"] == "Lead Source"
        }
        emulator.start()
        self.addCleanup(emulator.stop)
        before = self._counts()

        project = self._wizard(
            "jobtread",
            "jobtread",
            "JobTread",
            self._api_cookies(emulator.url, emulator.grant_key),
        )
        # the key, the address and the organization chosen are the connection's
        # (tested in the tour: "Works")
        connection = project.connection_id
        self.assertTrue(connection.tested_on)
        self.assertEqual(connection.account_id.ref, org)
        self.assertEqual(
            sorted(connection.account_ids.mapped("name")),
            ["Harbor Point Builders", "Ridgeline Remodeling"],
        )
        self.assertEqual(connection.key, emulator.grant_key)
        self.assertEqual(connection.api_url, emulator.url)
        self.assertFalse(project.source_attachment_ids)
        self._assert_skipped(
            project,
            "customer",
            "Referral Notes",
            "x_jt_referral_notes",
            "res.partner",
        )
        self.assertIn("x_jt_lead_source", self.env["res.partner"]._fields)
        self._assert_owner(project, "Owen Castillo", self.owners["Owen C."])
        self._trial(project)
        full_run = self._full("jobtread", project)

        line = full_run.object_ids.filtered(lambda line: line.object_key == "customer")
        self.assertEqual(line.source_count, JOBTREAD_CUSTOMERS)
        self.assertEqual(len(customers), JOBTREAD_CUSTOMERS)
        partners = self._assert_landed(
            project, "customer", [a["id"] for a in customers]
        )
        for account, partner in zip(customers, partners, strict=True):
            self.assertEqual(partner.name, account["name"])
            self.assertEqual(partner.x_jt_lead_source, lead_sources[account["id"]])
        leads = self._assert_landed(project, "job", owen_jobs)
        self.assertEqual(leads.user_id, self.owners["Owen C."], "the owner chosen")
        # the other organization was never read
        self.assertFalse(
            self.env["res.partner"].search(
                [
                    (
                        "name",
                        "in",
                        [
                            a["name"]
                            for a in records["account"].values()
                            if a["organizationId"] == other
                        ],
                    )
                ]
            )
        )

        self._roll_back("jobtread", project, before, partners, leads)
        self.assertNotIn("x_jt_lead_source", self.env["res.partner"]._fields)

    def test_clienttether(self):
        emulator = ClientTetherEmulator(seed=1, franchises=0)
        trim_clienttether(emulator, CLIENTTETHER_CLIENTS)
        clients = emulator.rows("client")
        # the user assigned to the first client is the owner the tour gives a user
        rita = emulator.find("user", clients[0]["assigned_user"])
        rita.update(
            first_name="Rita", last_name="Okafor", email="rita.okafor@roofing.example"
        )
        rita_clients = [
            c["client_id"] for c in clients if c["assigned_user"] == rita["user_id"]
        ]
        emulator.start()
        self.addCleanup(emulator.stop)
        before = self._counts()

        project = self._wizard(
            "clienttether",
            "clienttether",
            "ClientTether",
            self._api_cookies(
                emulator.url, emulator.access_token, emulator.web_keys["HQ"]
            ),
        )
        connection = project.connection_id
        self.assertTrue(connection.tested_on)
        self.assertEqual(
            (connection.key, connection.key_2),
            (emulator.access_token, emulator.web_keys["HQ"]),
        )
        self._assert_skipped(
            project,
            "contact",
            "Year Home Built",
            "x_ct_year_home_built",
            "res.partner",
        )
        # the leads' own line of the same column is migrated
        self.assertIn("x_ct_year_home_built", self.env["crm.lead"]._fields)
        self.assertIn("x_ct_roof_type", self.env["res.partner"]._fields)
        self._assert_owner(project, "Rita Okafor", self.owners["Rita O."])
        self._trial(project)
        full_run = self._full("clienttether", project)

        line = full_run.object_ids.filtered(lambda line: line.object_key == "contact")
        self.assertEqual(line.source_count, CLIENTTETHER_CLIENTS)
        partners = self._assert_landed(
            project, "contact", [c["client_id"] for c in clients]
        )
        for client, partner in zip(clients, partners, strict=True):
            self.assertEqual(partner.email, client["email"])
            self.assertEqual(partner.x_ct_roof_type, client["cf_roof_type"])
        owned = self._assert_landed(project, "contact", rita_clients)
        self.assertEqual(owned.user_id, self.owners["Rita O."], "the owner chosen")
        # ticked on the first page: the account is an Odoo company as well, whose
        # contact is the account's
        account_id = emulator.accounts["HQ"]["account_id"]
        company = self._assert_landed(project, "account_company", [account_id])
        self.assertEqual(company._name, "res.company")
        self.assertEqual(
            company.partner_id, self._record(project, "account", account_id)
        )

        self._roll_back("clienttether", project, before, partners, company)
        self.assertNotIn("x_ct_roof_type", self.env["res.partner"]._fields)
