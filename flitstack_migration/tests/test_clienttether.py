# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""ClientTether end to end, against the emulator: every object lands where the seed
says, linked; a franchise headquarters reads several web keys without id
collisions; re-runs create nothing; a delta picks up exactly what changed; an
interrupted run resumes from its last offset; faults land everything once."""

import os
import tempfile
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from unittest import mock

from odoo.exceptions import UserError
from odoo.tests import new_test_user

from ..readers.api import Connection
from ..readers.base import open_reader
from .common import EmulatorCaseMixin, MigrationCase, cli_args, to_csv
from .test_api_clients import ClientTetherEmulator, Fault

LONG_STAGE = (
    "Appointment set with the homeowner and the spouse, both present for the estimate"
)


def no_sleep(_seconds):
    return None


def connection(emu, labels=None, **options):
    """The connection settings of an emulated enterprise (every account by
    default), with no pace and no real waits."""
    keys = [emu.web_keys[label] for label in labels or emu.web_keys]
    return Connection(
        root=emu.url,
        credentials={"access_token": emu.access_token, "web_key": keys},
        options=dict(
            {"rate": 0, "sleep": no_sleep, "retries": 3, "timeout": 5.0},
            **options,
        ),
    )


def stamp_of(text):
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")


class ClientTetherCase(MigrationCase):
    """A project reading a ClientTether emulator."""

    def _ct_project(self, **values):
        return self.env["migration.project"].create(
            dict(
                {
                    "name": "ClientTether migration",
                    "platform": "clienttether",
                    "fallback_user_id": self.fallback.id,
                    "tz": "UTC",
                },
                **values,
            )
        )

    def _start(self, emu):
        emu.start()
        self.addCleanup(emu.stop)
        return emu

    def _prepare(self, project, sources):
        project._discover(sources=sources)
        project._confirm_mapping(sources=sources)
        return project

    def _counts(self, run):
        return {
            line.object_key: (
                line.source_count,
                line.created_count,
                line.updated_count,
                line.skipped_count,
                line.failed_count,
            )
            for line in run.object_ids
        }

    def _failures(self, run):
        return [
            (log.object_key, log.source_id, log.message)
            for log in run.log_ids
            if log.operation == "fail"
        ]

    @staticmethod
    def _expected(emu, labels=None):
        """Source records per object, as the emulator holds them."""
        labels = labels or list(emu.web_keys)
        count = Counter()
        tags = set()
        for label in labels:
            clients = emu.rows("client", label)
            count["contact"] += len(clients)
            count["lead"] += sum(1 for c in clients if c["contact_type"] == "1")
            count["deal"] += len(emu.rows("opportunity", label))
            count["proposal"] += len(emu.rows("proposal", label))
            count["work_order"] += len(emu.rows("work_order", label))
            count["note"] += len(emu.rows("note", label))
            count["call"] += len(emu.rows("call_log", label))
            count["stage"] += len(emu.rows("sales_cycle", label))
            count["pipeline"] += len(
                {c["contact_type"] for c in emu.rows("sales_cycle", label)}
            )
            count["email_template"] += len(emu.rows("email_template", label))
            tags |= {t["tag_name"].lower() for t in emu.rows("tag", label)}
        count["tag"] = count["lead_tag"] = len(tags)
        count["product"] = 1
        count["account"] = len(emu.accounts)
        return count


class TestClientTetherFranchise(ClientTetherCase):
    """A franchise headquarters reading its own account and two franchises."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.emu = emu = ClientTetherEmulator(seed=21, franchises=2).start()
        cls.addClassCleanup(emu.stop)
        hq, fr1 = emu.rows("client", "HQ"), emu.rows("client", "Franchise 1")
        # the same client id in two accounts: it must land twice
        cls.shared_id, old = hq[0]["client_id"], fr1[0]["client_id"]
        for table in ("client", "note", "call_log", "opportunity", "proposal"):
            for row in emu.rows(table, "Franchise 1"):
                if row.get("client_id") == old:
                    row["client_id"] = cls.shared_id
        for table in ("work_order",):
            for row in emu.rows(table, "Franchise 1"):
                if row.get("client_id") == old:
                    row["client_id"] = cls.shared_id
        cycle = next(
            c
            for c in emu.rows("sales_cycle", "HQ")
            if c["sales_cycle_name"] == "Contacted"
        )
        cycle["sales_cycle_name"] = LONG_STAGE
        # the HQ's sales people have Odoo users (matched by email, another case)
        cls.users = {}
        for row in emu.rows("user", "HQ"):
            cls.users[row["user_id"]] = new_test_user(
                cls.env,
                login=f"ct{row['user_id']}",
                email=row["email"].upper(),
                name=f"{row['first_name']} {row['last_name']}",
                groups="base.group_user,sales_team.group_sale_salesman",
            )
        cls.sources = connection(emu)
        cls.project = cls._ct_project(cls)
        cls._prepare(cls, cls.project, cls.sources)
        cls.mig_run = cls.project.run_now(mode="full", sources=cls.sources)
        cls.accounts = {label: row["account_id"] for label, row in emu.accounts.items()}

    def _sid(self, label, record_id):
        return f"{self.accounts[label]}-{record_id}"

    def _get(self, key, label, record_id):
        return self._record(self.project, key, self._sid(label, record_id))

    # ------------------------------------------------------------------
    def test_every_object_lands_and_the_reconciliation_balances(self):
        run = self.mig_run
        self.assertEqual(run.state, "done")
        self.assertEqual(self._failures(run), [])
        expected = self._expected(self.emu)
        counts = self._counts(run)
        self.assertEqual(set(counts), set(expected))
        for key, total in expected.items():
            self.assertEqual(counts[key][:2], (total, total), key)
        self._assert_balanced(run)
        logs = Counter(
            (log.object_key, log.operation) for log in run.log_ids if log.source_id
        )
        for key, total in expected.items():
            self.assertEqual(logs[key, "create"], total, key)

    def test_franchise_ids_never_collide(self):
        hq = self._get("contact", "HQ", self.shared_id)
        fr1 = self._get("contact", "Franchise 1", self.shared_id)
        self.assertTrue(hq and fr1)
        self.assertNotEqual(hq, fr1)
        hq_row = self.emu.find("client", self.shared_id, "HQ")
        fr_row = self.emu.find("client", self.shared_id, "Franchise 1")
        self.assertEqual(hq.email, hq_row["email"])
        self.assertEqual(fr1.email, fr_row["email"])
        self.assertEqual(hq.x_ct_account, self.emu.accounts["HQ"]["account_name"])
        self.assertEqual(
            fr1.x_ct_account, self.emu.accounts["Franchise 1"]["account_name"]
        )
        # their notes landed on each one's own record
        for label, partner in (("HQ", hq), ("Franchise 1", fr1)):
            notes = [
                n
                for n in self.emu.rows("note", label)
                if n["client_id"] == self.shared_id
            ]
            holder = self._get("lead", label, self.shared_id) or partner
            for note in notes:
                message = self._record(
                    self.project, "note", self._sid(label, note["note_id"])
                )
                self.assertEqual(
                    (message.model, message.res_id), (holder._name, holder.id)
                )

    def test_accounts_keep_their_hierarchy(self):
        hq = self._record(self.project, "account", self.accounts["HQ"])
        self.assertTrue(hq.is_company)
        self.assertFalse(hq.parent_id)
        for label in ("Franchise 1", "Franchise 2"):
            franchise = self._record(self.project, "account", self.accounts[label])
            self.assertEqual(franchise.name, self.emu.accounts[label]["account_name"])
            self.assertTrue(franchise.is_company)
            self.assertEqual(franchise.parent_id, hq)
            self.assertEqual(franchise.x_ct_account_type, "Franchisee")

    def test_contacts_keep_their_own_address_and_their_account(self):
        for label in ("HQ", "Franchise 2"):
            for row in self.emu.rows("client", label)[:8]:
                partner = self._get("contact", label, row["client_id"])
                self.assertEqual(partner.street, row["address"])
                self.assertEqual(partner.city, row["city"])
                self.assertEqual(partner.state_id.code, row["state"])
                self.assertEqual(
                    partner.x_ct_account, self.emu.accounts[label]["account_name"]
                )
                self.assertFalse(partner.parent_id)
                self.assertEqual(partner.commercial_partner_id, partner)
                self.assertEqual(
                    sorted(partner.category_id.mapped("name")),
                    sorted(t.strip() for t in row["tags"].split(",") if t.strip()),
                )
                self.assertEqual(
                    partner.x_source_id, self._sid(label, row["client_id"])
                )
                self.assertEqual(partner.x_source_created, stamp_of(row["created"]))
                self.assertEqual(partner.x_ct_roof_type, row["cf_roof_type"])

    def test_leads_keep_source_stage_probability_owner_and_tags(self):
        cycles = {c["sales_cycle_id"]: c for c in self.emu.rows("sales_cycle", "HQ")}
        sources = {
            s["lead_source_id"]: s["lead_source_name"]
            for s in self.emu.rows("lead_source", "HQ")
        }
        prospects = [
            c for c in self.emu.rows("client", "HQ") if c["contact_type"] == "1"
        ]
        self.assertTrue(prospects)
        for row in prospects:
            lead = self._get("lead", "HQ", row["client_id"])
            cycle = cycles[row["clients_sales_cycle"]]
            self.assertEqual(lead.type, "lead")
            self.assertEqual(
                lead.partner_id, self._get("contact", "HQ", row["client_id"])
            )
            self.assertEqual(
                lead.stage_id, self._get("stage", "HQ", cycle["sales_cycle_id"])
            )
            self.assertEqual(lead.stage_id.x_ct_full_name, cycle["sales_cycle_name"])
            self.assertEqual(lead.team_id.name, "HQ: Prospect")
            self.assertEqual(lead.probability, float(cycle["likelihood_to_close"]))
            self.assertEqual(lead.source_id.name, sources[row["clients_lead_source"]])
            self.assertEqual(lead.user_id, self.users[row["assigned_user"]])
            self.assertEqual(lead.expected_revenue, float(row["deal_size"]))
            self.assertEqual(
                sorted(lead.tag_ids.mapped("name")),
                sorted(t.strip() for t in row["tags"].split(",") if t.strip()),
            )
            self.assertEqual(lead.x_ct_roof_type, row["cf_roof_type"])

    def test_pipelines_and_stages(self):
        for label in self.emu.web_keys:
            name = self.emu.accounts[label]["account_name"]
            for cycle in self.emu.rows("sales_cycle", label):
                stage = self._get("stage", label, cycle["sales_cycle_id"])
                self.assertEqual(
                    stage.team_id.name, f"{name}: {cycle['contact_type_name']}"
                )
                self.assertEqual(stage.sequence, int(cycle["sales_cycle_order"]))
                self.assertEqual(stage.x_ct_full_name, cycle["sales_cycle_name"])
                self.assertEqual(
                    stage.x_ct_likelihood_to_close, float(cycle["likelihood_to_close"])
                )
                self.assertLessEqual(len(stage.name), 50)
                won = cycle["sales_cycle_name"] == "Sold" or (
                    cycle["sales_cycle_name"] != "Lost"
                    and float(cycle["likelihood_to_close"]) >= 100
                )
                self.assertEqual(stage.is_won, won)
                self.assertEqual(stage.fold, cycle["sales_cycle_name"] == "Lost")
        long_one = next(
            c
            for c in self.emu.rows("sales_cycle", "HQ")
            if c["sales_cycle_name"] == LONG_STAGE
        )
        stage = self._get("stage", "HQ", long_one["sales_cycle_id"])
        # cut at a word within Odoo's 50 characters, the full name kept
        self.assertEqual(stage.name, "Appointment set with the homeowner and the")
        self.assertEqual(stage.x_ct_full_name, LONG_STAGE)

    def test_deals_with_revenue_close_date_stage_owner_and_tags(self):
        clients = {c["client_id"]: c for c in self.emu.rows("client", "HQ")}
        cycles = {c["sales_cycle_id"]: c for c in self.emu.rows("sales_cycle", "HQ")}
        for row in self.emu.rows("opportunity", "HQ"):
            deal = self._get("deal", "HQ", row["opportunity_id"])
            deal = deal.with_context(active_test=False)
            client = clients[row["client_id"]]
            cycle = cycles[row["contact_sales_cycle"]]
            self.assertEqual(deal.type, "opportunity")
            self.assertEqual(deal.expected_revenue, float(row["deal_size"]))
            self.assertEqual(
                deal.date_deadline, date.fromisoformat(row["expected_close_date"])
            )
            self.assertEqual(
                deal.partner_id, self._get("contact", "HQ", row["client_id"])
            )
            self.assertEqual(
                deal.stage_id, self._get("stage", "HQ", cycle["sales_cycle_id"])
            )
            self.assertEqual(deal.user_id, self.users[row["assigned_user"]])
            self.assertEqual(
                sorted(deal.tag_ids.mapped("name")),
                sorted(t.strip() for t in client["tags"].split(",") if t.strip()),
            )
            if cycle["sales_cycle_name"] == "Lost":
                self.assertFalse(deal.active)
                self.assertEqual(deal.probability, 0)
            elif cycle["sales_cycle_name"] == "Sold":
                self.assertTrue(deal.stage_id.is_won)
                self.assertEqual(deal.probability, 100)
                self.assertEqual(deal.date_closed, stamp_of(row["last_modified_date"]))
            else:
                self.assertTrue(deal.active)
                self.assertEqual(deal.probability, float(cycle["likelihood_to_close"]))

    def test_owners_of_franchises_without_users_fall_back(self):
        row = self.emu.rows("opportunity", "Franchise 1")[0]
        deal = self._get("deal", "Franchise 1", row["opportunity_id"])
        self.assertEqual(deal.with_context(active_test=False).user_id, self.fallback)
        owners = self.mig_run._get_unmatched_owners()
        user = self.emu.find("user", row["assigned_user"], "Franchise 1")
        self.assertIn(
            f"{user['first_name']} {user['last_name']} <{user['email']}>", owners
        )

    def test_proposals_are_draft_orders_with_lines_and_work_orders_tasks(self):
        for label in ("HQ", "Franchise 2"):
            for row in self.emu.rows("proposal", label):
                order = self._get("proposal", label, row["proposal_id"])
                self.assertEqual(order.state, "draft")
                self.assertEqual(
                    order.partner_id, self._get("contact", label, row["client_id"])
                )
                self.assertEqual(order.origin, row["title"])
                self.assertEqual(order.x_ct_status, row["status"])
                lines = order.order_line.sorted("sequence")
                self.assertEqual(
                    [(l.name, l.product_uom_qty, l.price_unit) for l in lines],
                    [
                        (x["description"], float(x["quantity"]), x["unit_price"])
                        for x in row["lines"]
                    ],
                )
                self.assertEqual(order.amount_untaxed, round(row["total"], 2))
            for row in self.emu.rows("work_order", label):
                task = self._get("work_order", label, row["work_order_id"])
                self.assertEqual(task.project_id.name, "Work orders from ClientTether")
                self.assertEqual(task.name, row["title"])
                self.assertEqual(
                    task.partner_id, self._get("contact", label, row["client_id"])
                )
                self.assertEqual(
                    task.state,
                    {"Completed": "1_done"}.get(row["status"], "01_in_progress"),
                )
                self.assertIn(row["proposal_id"], task.x_ct_proposal)

    def test_call_logs_are_logged_call_activities_on_their_record(self):
        call_type = self.env.ref("mail.mail_activity_data_call")
        rows = self.emu.rows("call_log", "HQ")
        self.assertTrue(rows)
        for row in rows:
            message = self._record(
                self.project, "call", self._sid("HQ", row["call_id"])
            )
            client = self.emu.find("client", row["client_id"], "HQ")
            key = "lead" if client["contact_type"] == "1" else "contact"
            holder = self._get(key, "HQ", row["client_id"])
            self.assertEqual((message.model, message.res_id), (holder._name, holder.id))
            self.assertEqual(message.mail_activity_type_id, call_type)
            self.assertEqual(message.subtype_id, self.env.ref("mail.mt_activities"))
            self.assertEqual(message.message_type, "notification")
            self.assertEqual(message.date, stamp_of(row["created"]))
            self.assertIn(row["direction"].capitalize() + " call", message.body)
            self.assertIn(row["disposition"], message.body)
            author = self.users.get(row["user_id"])
            if author:
                self.assertEqual(message.author_id, author.partner_id)

    def test_history_notes_keep_their_dates_and_authors(self):
        for row in self.emu.rows("note", "Franchise 2")[:15]:
            message = self._record(
                self.project, "note", self._sid("Franchise 2", row["note_id"])
            )
            self.assertEqual(message.date, stamp_of(row["created"]))
            self.assertIn(row["note"][:30], message.body)
            self.assertIn(row["note_type"], message.body)
            self.assertEqual(message.message_type, "comment")

    def test_templates_land_and_automations_are_inventoried(self):
        for row in self.emu.rows("email_template", "HQ"):
            template = self._get("email_template", "HQ", row["template_id"])
            self.assertEqual(template.name, f"{row['template_name']} (HQ)")
            self.assertEqual(template.subject, row["subject"])
            self.assertIn(row["body"][:30], template.body_html)
            self.assertEqual(template.model_id.model, "res.partner")
        lines = self.project.automation_ids
        kinds = Counter((line.source_kind, line.origin) for line in lines)
        self.assertEqual(kinds["action_plan", "export"], 4 * 3)
        self.assertEqual(kinds["email_sequence", "export"], 3)
        self.assertGreaterEqual(kinds["action_plan", "manual"], 1)
        sequence = lines.filtered(lambda line: line.name == "New lead nurture (HQ)")
        self.assertIn('Day 3: send the e-mail template "Follow-up 2"', sequence.steps)

    def test_a_second_run_creates_nothing(self):
        run = self.project.run_now(mode="full", sources=self.sources)
        self.assertEqual(run.state, "done")
        for key, (source, created, updated, skipped, failed) in self._counts(
            run
        ).items():
            self.assertEqual((created, updated, failed), (0, 0, 0), key)
            self.assertEqual(skipped, source, key)

    def test_rollback_removes_what_landed(self):
        template = self._get(
            "email_template",
            "HQ",
            self.emu.rows("email_template", "HQ")[0]["template_id"],
        )
        partner = self._get("contact", "HQ", self.shared_id)
        self.project._rollback()
        self.assertFalse(template.exists())
        self.assertFalse(partner.exists())


class TestClientTetherMultiCompany(ClientTetherCase):
    """The admin's choice: each account an Odoo company as well (multi-company)."""

    def test_accounts_become_companies_only_when_chosen_and_roll_back(self):
        emu = self._start(ClientTetherEmulator(seed=27, franchises=2))
        for tables in emu.tables.values():  # the accounts are what this is about
            for name, rows in tables.items():
                del rows[2 if name == "client" else 0 :]
        sources = connection(emu)
        project = self._ct_project()
        project._discover(sources=sources)
        choice = project.choice_mapping_ids
        self.assertEqual(choice.mapped("object_key"), ["account_company"])
        self.assertFalse(choice.migrate)
        self.assertIn("Odoo company", choice.choice)
        self.assertEqual(choice.source_count, 3)
        companies = self.env["res.company"].search([])
        calendars = self.env["resource.calendar"].search([])

        # left off: accounts are contacts (company partners) only
        project._confirm_mapping(sources=sources)
        run = project.run_now(mode="full", sources=sources)
        self.assertEqual(run.state, "done", run.error_message)
        self.assertNotIn("account_company", run.object_ids.mapped("object_key"))
        self.assertEqual(self.env["res.company"].search([]), companies)

        # turned on (and kept when the source is read again)
        choice.migrate = True
        project._discover(sources=sources)
        self.assertTrue(project.choice_mapping_ids.migrate)
        run = project.run_now(mode="full", sources=sources)
        self.assertEqual(run.state, "done", run.error_message)
        self.assertEqual(self._failures(run), [])
        line = self._object_line(run, "account_company")
        self.assertEqual(
            (line.source_count, line.created_count, line.failed_count), (3, 3, 0)
        )
        self._assert_balanced(run)
        ids = {label: row["account_id"] for label, row in emu.accounts.items()}
        hq = self._record(project, "account_company", ids["HQ"])
        self.assertEqual(hq._name, "res.company")
        # the company is the account's contact, not a second partner of that name
        self.assertEqual(hq.partner_id, self._record(project, "account", ids["HQ"]))
        self.assertFalse(hq.parent_id)
        for label in ("Franchise 1", "Franchise 2"):
            franchise = self._record(project, "account_company", ids[label])
            self.assertEqual(franchise.name, emu.accounts[label]["account_name"])
            self.assertEqual(franchise.parent_id, hq)  # a branch of the brand
            self.assertEqual(
                franchise.partner_id, self._record(project, "account", ids[label])
            )
        new = self.env["res.company"].search([]) - companies
        self.assertEqual(len(new), 3)
        # the admin can switch to them; no chart of accounts was loaded behind
        # their back, no localisation installed
        self.assertEqual(new & self.env.user.company_ids, new)
        self.assertEqual(new.mapped("chart_template"), [False] * 3)
        self.assertEqual(
            len(run.log_ids.filtered(lambda log: log.model == "res.company")), 3
        )
        # again: nothing new
        again = project.run_now(mode="full", sources=sources)
        line = self._object_line(again, "account_company")
        self.assertEqual((line.created_count, line.skipped_count), (0, 3))

        project._rollback()
        self.assertFalse(new.exists())
        self.assertEqual(self.env["res.company"].search([]), companies)
        # the working hours Odoo made with each company went with it
        self.assertEqual(self.env["resource.calendar"].search([]), calendars)
        self.assertFalse(
            self.env["res.partner"].search(
                [("name", "=", emu.accounts["HQ"]["account_name"])]
            )
        )


class TestClientTetherHeadlessAndWizard(EmulatorCaseMixin, ClientTetherCase):
    """The two ways an admin reaches the API: the command line with the keys in
    the environment, and the import wizard's connect step, whose first page also
    offers the multi-company choice; the client's own timeouts, as in production."""

    @staticmethod
    def _small(emu):
        """A few clients per account: what is tested here is the way in."""
        for tables in emu.tables.values():
            for name, rows in tables.items():
                del rows[3 if name == "client" else 0 :]
        return emu

    def test_command_line_with_the_keys_in_the_environment(self):
        from ..cli.flitstack import Flitstack

        emu = self._small(self._start(ClientTetherEmulator(seed=28, franchises=1)))
        with tempfile.TemporaryDirectory() as tmp:
            report = Path(tmp) / "report.json"
            args = cli_args(
                "migrate",
                platform="clienttether",
                api_url=emu.url,
                name="ClientTether headless",
                report=report,
                choose="account_company",  # multi-company
            )
            env = {
                "CLIENTTETHER_ACCESS_TOKEN": emu.access_token,
                "CLIENTTETHER_WEB_KEY": ",".join(emu.web_keys.values()),
            }
            with mock.patch.dict(os.environ, env):
                self.assertEqual(Flitstack()._migrate(self.env, args), 0)
            text = report.read_text()
        project = self.env["migration.project"].search(
            [("name", "=", "ClientTether headless")]
        )
        run = project.run_ids
        self.assertEqual(run.state, "done")
        self._assert_balanced(run)
        self.assertEqual(self._object_line(run, "account").created_count, 2)
        self.assertEqual(self._object_line(run, "account_company").created_count, 2)
        self.assertEqual(self._object_line(run, "contact").created_count, 6)
        for secret in (emu.access_token, *emu.web_keys.values()):
            self.assertNotIn(secret, text)
        self.assertFalse(project.source_attachment_ids)
        # a choice the platform does not have is refused, with the ones it has
        args = cli_args(
            "migrate",
            platform="clienttether",
            api_url=emu.url,
            name="ClientTether headless",
            choose="branches",
        )
        with mock.patch.dict(os.environ, env), self.assertRaises(UserError) as caught:
            Flitstack()._migrate(self.env, args)
        self.assertIn("ClientTether has no choice branches", str(caught.exception))
        self.assertIn("account_company (Make each account", str(caught.exception))

    def test_the_wizard_connects_offers_multi_company_and_migrates(self):
        emu = self._small(self._start(ClientTetherEmulator(seed=29, franchises=1)))
        wizard = self.env["migration.import.wizard"].create(
            {
                "platform": "clienttether",
                "api_key": emu.access_token,
                "api_key_2": ", ".join(emu.web_keys.values()),
                "api_url": emu.url,
                "fallback_user_id": self.fallback.id,
            }
        )
        wizard.action_test_connection()
        self.assertEqual(wizard.connection_state, "ok")
        self.assertFalse(wizard.api_key)  # kept on the project's connection only
        self.assertFalse(wizard.api_key_2)
        wizard.action_preview()
        self.assertEqual(wizard.step, "preview")
        project = wizard.project_id
        self.assertEqual(project.state, "discovered")
        # the choice, on the first page after reading: ticked there
        self.assertEqual(
            wizard.choice_mapping_ids.mapped("object_key"), ["account_company"]
        )
        wizard.choice_mapping_ids.migrate = True
        companies = self.env["res.company"].search([])
        project._confirm_mapping()
        run = project.run_now("full")  # read through the project's connection
        self.assertEqual(run.state, "done", run.error_message)
        self._assert_balanced(run)
        line = self._object_line(run, "account_company")
        self.assertEqual((line.created_count, line.failed_count), (2, 0))
        new = self.env["res.company"].search([]) - companies
        brand = new.filtered(lambda company: not company.parent_id)
        self.assertEqual(len(brand), 1)
        self.assertEqual((new - brand).parent_id, brand)


class TestClientTetherDiscovery(ClientTetherCase):
    def test_connection_check_and_a_too_deep_hierarchy(self):
        emu = self._start(ClientTetherEmulator(seed=26, franchises=0))
        parent = emu.accounts["HQ"]["account_id"]
        for level in (2, 3, 4):
            emu.accounts[f"Level {level}"] = dict(
                emu.accounts["HQ"],
                account_id=f"9{level}",
                account_name=f"Region {level}",
                parent_account_id=parent,
            )
            parent = f"9{level}"
        reader = open_reader("clienttether", connection(emu))
        check = reader.test_connection()
        self.assertTrue(check.ok, check.message)
        self.assertEqual(
            check.message, "Connected to ClientTether: 1 account can be read (HQ)."
        )
        wrong = Connection(
            root=emu.url,
            credentials={"access_token": "eyJwrong", "web_key": emu.web_keys["HQ"]},
            options={"rate": 0, "sleep": no_sleep, "timeout": 5.0},
        )
        check = open_reader("clienttether", wrong).test_connection()
        self.assertFalse(check.ok)
        self.assertIn("ClientTether refused the API key", check.message)
        self.assertNotIn(emu.web_keys["HQ"], check.message)
        project = self._ct_project()
        discovery = project._discover(sources=connection(emu))
        report = discovery.objects["account"].hierarchy
        self.assertEqual((report["max_depth"], report["too_deep"]), (4, ["94"]))
        self.assertIn("more than 3 levels deep", project.hierarchy_warning)
        self.assertEqual(discovery.count("account"), 4)
        self.assertEqual(discovery.count("contact"), len(emu.rows("client")))


class TestClientTetherDelta(ClientTetherCase):
    """One account: ids are ClientTether's own; a delta reads what changed."""

    def test_a_delta_picks_up_exactly_the_changes(self):
        emu = self._start(ClientTetherEmulator(seed=22, franchises=0))
        sources = connection(emu)
        project = self._prepare(self._ct_project(), sources)
        full = project.run_now(mode="full", sources=sources)
        self.assertEqual(self._failures(full), [])
        clients = emu.rows("client")
        with_deals = {o["client_id"] for o in emu.rows("opportunity")}
        for table in ("proposal", "work_order", "call_log"):
            with_deals |= {r["client_id"] for r in emu.rows(table)}
        changed = next(c for c in clients if c["contact_type"] == "2")
        gone = next(
            c
            for c in clients
            if c["contact_type"] == "2"
            and c["client_id"] not in with_deals
            and c is not changed
            and not [n for n in emu.rows("note") if n["client_id"] == c["client_id"]]
        )
        deal = emu.rows("opportunity")[3]
        emu.update("client", changed["client_id"], whiteboard="Wants a metal roof")
        note_id = emu.create(
            "note",
            client_id=changed["client_id"],
            note="Called back about the metal roof.",
            note_type="Call",
            created="2026-01-01 00:00:30",
            created_by=emu.rows("user")[0]["user_id"],
        )
        new_id = emu.create(
            "client",
            firstName="Ann",
            lastName="Lee",
            email="ann.lee@example.com",
            contact_type="2",
            clients_sales_cycle=changed["clients_sales_cycle"],
            tags="VIP",
        )
        emu.delete("client", gone["client_id"])
        emu.update("opportunity", deal["opportunity_id"], deal_size="99000")
        requests_before = len(emu.requests)
        delta = project.run_now(mode="delta", sources=sources)
        # the delta reads what changed since (a minute before) the full run started
        self.assertTrue(delta._since().startswith(f"{full.date_start:%Y-%m-%d}"))
        self.assertEqual(delta.state, "done")
        self.assertEqual(self._failures(delta), [])
        self._assert_balanced(delta)
        changes = {
            key: (created, updated)
            for key, (_s, created, updated, _k, _f) in self._counts(delta).items()
            if created or updated
        }
        self.assertEqual(
            changes, {"contact": (1, 1), "deal": (0, 1), "note": (1, 0)}, changes
        )
        partner = self._record(project, "contact", changed["client_id"])
        self.assertEqual(str(partner.comment), "<p>Wants a metal roof</p>")
        self.assertEqual(
            self._record(project, "contact", new_id).category_id.mapped("name"), ["VIP"]
        )
        note = self._record(project, "note", note_id)
        self.assertEqual((note.model, note.res_id), ("res.partner", partner.id))
        self.assertEqual(
            self._record(project, "deal", deal["opportunity_id"]).expected_revenue,
            99000,
        )
        gone_logs = delta.log_ids.filtered(lambda log: log.operation == "gone")
        self.assertEqual(
            [(log.object_key, log.source_id) for log in gone_logs],
            [("contact", gone["client_id"])],
        )
        self.assertTrue(self._record(project, "contact", gone["client_id"]).exists())
        # notes were read again for the changed client only
        note_calls = [
            r.path
            for r in emu.requests[requests_before:]
            if "read_client_history_notes" in r.path
        ]
        self.assertEqual(
            set(note_calls),
            {
                f"/v2/api/read_client_history_notes/{client_id}"
                for client_id in (changed["client_id"], new_id)
            },
        )


class TestClientTetherInterrupted(ClientTetherCase):
    """Runs cut into slices, faults on the way: every record exactly once."""

    def _slice(self, run, sources):
        with self.env.cr.savepoint():
            return run._execute(budget=1e-6, sources=sources)

    def test_an_expired_key_mid_object_stops_plainly_and_the_run_resumes(self):
        emu = self._start(ClientTetherEmulator(seed=23, franchises=1))
        sources = connection(emu, page_size=5)
        project = self._prepare(self._ct_project(batch_size=5), sources)
        run = project._create_run("full", skip_sample=True)
        line = None
        for _slice in range(500):
            self._slice(run, sources)
            line = run.object_ids.filtered(lambda lg: lg.object_key == "contact")
            if line and line.offset >= 10 and line.state != "done":
                break
        self.assertEqual(line.resume_token, {"account": 0, "offset": 9})
        landed = line.created_count
        emu.add_fault("expired")
        with self.assertRaises(UserError) as err:
            self._slice(run, sources)
        self.assertIn("The ClientTether API key has expired.", str(err.exception))
        self.assertNotIn(emu.access_token, str(err.exception))
        # what landed before stays, intact
        self.assertEqual(line.created_count, landed)
        self.assertEqual(line.offset, 10)
        emu.clear_faults()
        mark = len(emu.requests)
        for _slice in range(2000):
            if self._slice(run, sources):
                break
        self.assertEqual(run.state, "done")
        first = next(
            r for r in emu.requests[mark:] if r.path == "/v2/api/read_client_list"
        )
        self.assertEqual(first.query["offset"], "10")
        self.assertEqual(self._failures(run), [])
        self._assert_balanced(run)
        expected = self._expected(emu)
        creates = Counter(
            (log.object_key, log.source_id)
            for log in run.log_ids
            if log.operation == "create" and log.source_id
        )
        self.assertEqual(max(creates.values()), 1)
        per_object = Counter(key for key, _sid in creates)
        for key, total in expected.items():
            self.assertEqual(per_object[key], total, key)

    def test_transient_faults_land_everything_once(self):
        faults = {
            "429": Fault("429", at=3, times=2, path="read_client_list"),
            "429 Retry-After": Fault(
                "429", at=2, retry_after=7, path="read_opportunity_list"
            ),
            "500": Fault("500", at=2, times=2, path="read_client_history_notes"),
            "cut body": Fault("cut", at=2, path="read_proposal_list"),
        }
        for name, fault in faults.items():
            with self.subTest(fault=name):
                emu = self._start(ClientTetherEmulator(seed=24, franchises=0))
                sources = connection(emu, page_size=10)
                project = self._prepare(self._ct_project(name=name), sources)
                emu.faults.append(fault)
                run = project.run_now(mode="full", sources=sources)
                self.assertTrue(any(r.fault for r in emu.requests), name)
                self.assertEqual(run.state, "done")
                self.assertEqual(self._failures(run), [])
                self._assert_balanced(run)
                expected = self._expected(emu)
                for key, (source, created, updated, skipped, _f) in self._counts(
                    run
                ).items():
                    self.assertEqual(source, expected[key], key)
                    if key in ("tag", "lead_tag", "product"):
                        # the first project's tags are found again, not repeated
                        continue
                    self.assertEqual((created, updated, skipped), (source, 0, 0), key)

    def test_a_permanent_fault_stops_with_a_plain_message(self):
        emu = self._start(ClientTetherEmulator(seed=25, franchises=0))
        sources = connection(emu, retries=1)
        project = self._prepare(self._ct_project(), sources)
        run = project._create_run("full", skip_sample=True)
        emu.add_fault("500", at=2, times=10_000, path="read_opportunity_list")
        # (not assertRaises: Odoo's would roll back what landed before the fault)
        try:
            run._execute(sources=sources)
        except UserError as error:
            message = str(error)
        else:
            self.fail("the run went through a permanent fault")
        self.assertIn("ClientTether kept failing with a server error", message)
        self.assertIn("the migration resumes where it stopped", message)
        self.assertNotIn(emu.access_token, message)
        self.assertEqual(run.stage, "load")
        lines = {line.object_key: line for line in run.object_ids}
        # what came before the deals landed, whole
        self.assertEqual(lines["contact"].state, "done")
        self.assertEqual(lines["contact"].created_count, len(emu.rows("client")))
        self.assertNotEqual(lines["deal"].state, "done")
        self.assertFalse(
            self._record(project, "deal", emu.rows("opportunity")[0]["opportunity_id"])
        )
        emu.clear_faults()
        self.assertTrue(run._execute(sources=sources))
        self.assertEqual(run.state, "done")
        self.assertEqual(self._failures(run), [])
        self._assert_balanced(run)
        self.assertEqual(lines["contact"].created_count, len(emu.rows("client")))
        self.assertEqual(lines["deal"].created_count, len(emu.rows("opportunity")))


class TestClientTetherExportFiles(ClientTetherCase):
    """An account without API access uploads its exports instead."""

    def test_exports_land_contacts_and_their_deals(self):
        contacts = to_csv(
            [
                {
                    "Client ID": "501",
                    "First Name": "Nora",
                    "Last Name": "Quill",
                    "Email": "nora@quill.example",
                    "Phone": "555-0101",
                    "Tags": "VIP; Referral",
                },
                {
                    "Client ID": "502",
                    "First Name": "",
                    "Last Name": "",
                    "Company Name": "Birchwood Dental",
                    "Email": "office@birchwood.example",
                    "Phone": "",
                    "Tags": "",
                },
            ],
            ["Client ID", "First Name", "Last Name", "Company Name", "Email", "Phone"]
            + ["Tags"],
        )
        deals = to_csv(
            [
                {
                    "Opportunity ID": "9001",
                    "Client ID": "501",
                    "First Name": "Nora",
                    "Last Name": "Quill",
                    "Deal Size": "4,500.00",
                },
            ],
            ["Opportunity ID", "Client ID", "First Name", "Last Name", "Deal Size"],
        )
        sources = [("Contacts.csv", contacts), ("Opportunities.csv", deals)]
        project = self._ct_project()
        project._discover(sources)
        project._confirm_mapping(sources)
        run = project.run_now("full", sources=sources)
        self.assertEqual(run.state, "done")
        lines = {line.object_key: line for line in run.object_ids}
        self.assertEqual(lines["contact"].created_count, 2)
        self.assertEqual(lines["deal"].created_count, 1)
        xids = self.env["ir.model.data"].search(
            [("module", "=", project._xid_module())]
        )
        partners = self.env["res.partner"].browse(
            xids.filtered(lambda x: x.model == "res.partner").mapped("res_id")
        )
        nora = partners.filtered(lambda p: p.email == "nora@quill.example")
        self.assertEqual(nora.name, "Nora Quill")
        self.assertEqual(sorted(nora.category_id.mapped("name")), ["Referral", "VIP"])
        self.assertIn("Birchwood Dental", partners.mapped("name"))
        deal = self.env["crm.lead"].browse(
            xids.filtered(lambda x: x.model == "crm.lead").mapped("res_id")
        )
        self.assertEqual(deal.partner_id, nora)
        self.assertEqual(deal.expected_revenue, 4500.0)
        self.assertEqual(deal.type, "opportunity")
