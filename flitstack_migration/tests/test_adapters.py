# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An adapter changes how values reach Odoo, never what lands.

For each model the engine creates through an adapter, the same values are given to a
plain ``create`` (the ORM alone, in the migration's context) and to the loader's path
(``prepare``, ``create``, ``after_create``), and the two records are compared field by
field: every stored field, computed ones included. A field that may differ is named
with the reason, in the test that allows it; anything else that differs fails.
"""

import copy
import json

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user

from ..engine.adapters import adapter_for
from ..engine.journal import MIGRATION_CONTEXT

#: Never the same for two records made one after the other.
ALWAYS_DIFFER = frozenset({"id", "display_name"})


def comparable(record, name):
    """The value of ``record.name`` in a form that two records can share."""
    field = record._fields[name]
    value = record[name]
    if name == "message_follower_ids":
        return sorted(
            (follower.partner_id.id, tuple(sorted(follower.subtype_ids.ids)))
            for follower in value
        )
    if field.type == "one2many":
        # rows of their own: as many, each the same but for its own ids
        return len(value)
    if field.type in ("many2one", "many2many"):
        # by name: what each path created on the way (a user's personal task
        # stages) has ids of its own
        if field.type == "many2one" and value == record:
            return "itself"  # a partner's commercial partner
        return sorted(value.mapped("display_name"))
    return value


class _Undo(Exception):
    """Rolls the plain create back, so that both paths start from the same data."""


class AdapterCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **MIGRATION_CONTEXT))

    def assertSameRecords(
        self, model_name, vals_list, differ=(), then=None, given=None
    ):
        """Create ``vals_list`` plainly, read every stored field of what landed, undo
        it; then create the same values through the adapter (``given`` when the
        adapter takes them in another form), and compare: every stored field but
        ``differ`` must be the same. ``then(records)`` runs after the plain create
        (what the adapter claims to do in ``after_create``, done the way a user
        would). Both start from the same data: what the first one changed (Odoo's
        lead-scoring statistics, a journal's last number) is undone first.

        :returns: the records made through the adapter
        """
        adapter = adapter_for(model_name)
        model = self.env[model_name].with_context(**adapter.create_context)
        skip = ALWAYS_DIFFER | set(differ)
        names = [
            name
            for name, field in model._fields.items()
            if field.store and name not in skip
        ]
        self.assertTrue(names)
        try:
            with self.env.cr.savepoint():
                plain = model.create(copy.deepcopy(vals_list))
                if then:
                    then(plain)
                expected = self._landed(plain, names)
                raise _Undo
        except _Undo:
            self.env.invalidate_all()
        given = copy.deepcopy(vals_list if given is None else given)
        deferred = adapter.prepare(model, given)
        adapted = adapter.create_records(model, given, deferred)
        adapter.after_create(adapted, deferred)
        landed = self._landed(adapted, names)
        self.assertEqual(len(landed), len(expected))
        differences = [
            f"record {index + 1}, {model_name}.{name}: plain create gives "
            f"{one[name]!r}, the adapter {other[name]!r}"
            for index, (one, other) in enumerate(zip(expected, landed, strict=True))
            for name in names
            if one[name] != other[name]
        ]
        self.assertFalse(differences, "\n".join(differences))
        return adapted

    def _landed(self, records, names):
        self.env.flush_all()
        self.env.invalidate_all()
        return [
            {name: comparable(record, name) for name in names} for record in records
        ]


@freeze_time("2026-05-04 15:30:00")
class TestAdaptersLandWhatCreateLands(AdapterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_test_user(
            cls.env,
            login="adapter_seller",
            email="seller@adapters.example",
            groups="base.group_user,sales_team.group_sale_salesman",
        )
        cls.team = cls.env["crm.team"].create(
            {"name": "Adapter team", "member_ids": [Command.link(cls.seller.id)]}
        )
        cls.customer = cls.env["res.partner"].create({"name": "Adapter customer"})

    def test_partner(self):
        adapted = self.assertSameRecords(
            "res.partner",
            [
                {"name": "Summit Build", "is_company": True, "email": "a@b.example"},
                {"name": "Ann Lee", "street": "1 Main St", "city": "Boston"},
            ],
        )
        self.assertEqual(adapted.mapped("name"), ["Summit Build", "Ann Lee"])

    def test_contacts_of_companies(self):
        """Contacts land with their company's commercial fields and address, as
        the per-contact sync of ``create`` writes them (the adapter reads the
        companies once beforehand)."""
        pricelist = self.env["product.pricelist"].create({"name": "Adapter list"})
        terms = self.env.ref("account.account_payment_term_30days")
        company = self.env["res.partner"].create(
            {
                "name": "Parent Co",
                "is_company": True,
                "vat": "US-123",
                "street": "9 Elm St",
                "city": "Austin",
                "zip": "78701",
                "country_id": self.env.ref("base.us").id,
                "property_product_pricelist": pricelist.id,
                "property_payment_term_id": terms.id,
            }
        )
        other = self.env["res.partner"].create({"name": "Other Co", "is_company": True})
        adapted = self.assertSameRecords(
            "res.partner",
            [
                {"name": "Ann Lee", "parent_id": company.id, "type": "contact"},
                {"name": "Bo Chan", "parent_id": company.id, "email": "bo@x.example"},
                {"name": "Cy Ross", "parent_id": other.id, "type": "contact"},
            ],
        )
        self.assertEqual(adapted[0].vat, "US-123")
        self.assertEqual(adapted[0].city, "Austin")
        self.assertEqual(adapted[1].property_product_pricelist, pricelist)
        self.assertEqual(adapted[1].property_payment_term_id, terms)

    def test_contacts_synced_per_group_as_create_syncs_each(self):
        """The sync with the company, done once per group of contacts, lands what
        ``create``'s sync contact by contact lands: a company without an address
        takes its first contact's, a contact of a contact takes the company's
        commercial fields, an invoice address keeps its own address, a contact given
        no language takes its company's, and a second company gets the
        company-dependent commercial fields too."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["res.company"].create({"name": "Second company"})
        pricelist = self.env["product.pricelist"].create({"name": "Group list"})
        bare = self.env["res.partner"].create(
            {"name": "Bare Co", "is_company": True, "lang": "fr_FR", "vat": "FR-9"}
        )
        dressed = self.env["res.partner"].create(
            {
                "name": "Dressed Co",
                "is_company": True,
                "street": "5 Oak St",
                "city": "Dallas",
                "property_product_pricelist": pricelist.id,
            }
        )
        person = self.env["res.partner"].create(
            {"name": "Dee Park", "parent_id": dressed.id, "type": "contact"}
        )
        parents = bare | dressed
        seen = {}

        def parents_after(records):
            seen["plain"] = self._landed(parents, ["street", "city", "lang"])

        vals_list = [
            {"name": "Eli Moss", "parent_id": bare.id, "street": "7 Pine Rd"},
            {"name": "Flo Nash", "parent_id": person.id, "type": "contact"},
            {
                "name": "Gus Ortiz",
                "parent_id": dressed.id,
                "type": "invoice",
                "street": "1 Billing Way",
            },
            {"name": "Hal Penn", "parent_id": dressed.id, "lang": "en_US"},
            {"name": "Ida Quinn", "street": "2 Lone St"},
        ]
        adapted = self.assertSameRecords("res.partner", vals_list, then=parents_after)
        self.assertEqual(
            self._landed(parents, ["street", "city", "lang"]), seen["plain"]
        )
        eli, flo, gus, hal, _ida = adapted
        self.assertEqual((bare.street, eli.lang), ("7 Pine Rd", "fr_FR"))
        self.assertEqual(eli.vat, "FR-9")
        self.assertEqual((flo.city, flo.commercial_partner_id), ("Dallas", dressed))
        self.assertEqual(flo.property_product_pricelist, pricelist)
        self.assertEqual((gus.street, gus.city), ("1 Billing Way", False))
        self.assertEqual(hal.street, "5 Oak St")

    def test_leads_open_won_and_lost(self):
        stages = self.env["crm.stage"]
        new = stages.create({"name": "Adapter new", "sequence": 1})
        won = stages.create({"name": "Adapter won", "is_won": True, "sequence": 90})
        closed = fields.Datetime.to_datetime("2025-11-20 09:00:00")
        entered = fields.Datetime.to_datetime("2025-10-01 08:00:00")
        adapted = self.assertSameRecords(
            "crm.lead",
            [
                {
                    "name": "Open job",
                    "type": "opportunity",
                    "user_id": self.seller.id,
                    "stage_id": new.id,
                    "partner_id": self.customer.id,
                    "expected_revenue": 1200.0,
                },
                {
                    "name": "Won job",
                    "type": "opportunity",
                    "user_id": self.seller.id,
                    "stage_id": won.id,
                    "date_closed": closed,
                    "date_last_stage_update": entered,
                    "expected_revenue": 5000.0,
                },
                {
                    "name": "Won job, no close date",
                    "type": "opportunity",
                    "user_id": self.seller.id,
                    "stage_id": won.id,
                },
                {
                    "name": "Lost lead",
                    "type": "lead",
                    "user_id": self.seller.id,
                    "stage_id": new.id,
                    "active": False,
                    "probability": 0,
                    "date_closed": closed,
                },
                {"name": "Lead of nobody", "type": "lead"},
            ],
        )
        self.assertEqual(adapted[:4].mapped("team_id"), self.team)
        self.assertEqual(adapted[1].date_closed, closed)
        self.assertEqual(adapted[1].date_last_stage_update, entered)
        self.assertEqual(adapted[1].probability, 100)
        self.assertFalse(adapted[2].date_closed)
        self.assertFalse(adapted[3].active)
        self.assertEqual(adapted[3].date_closed, closed)

    def _scoring_statistics(self):
        """Odoo's lead-scoring statistics, every row."""
        self.env.flush_all()
        return sorted(
            (row.variable, row.value, row.won_count, row.lost_count, row.team_id.id)
            for row in self.env["crm.lead.scoring.frequency"].search([])
        )

    def test_lead_scoring_statistics_as_create_keeps_them(self):
        """Won and lost leads count in Odoo's lead-scoring statistics as they do
        when created one by one."""
        won = self.env["crm.stage"].create({"name": "Adapter won", "is_won": True})
        before = self._scoring_statistics()
        vals_list = [
            {"name": "Won", "user_id": self.seller.id, "stage_id": won.id},
            {"name": "Lost", "user_id": self.seller.id, "active": False},
        ]
        try:
            with self.env.cr.savepoint():
                self.env["crm.lead"].create(copy.deepcopy(vals_list))
                expected = self._scoring_statistics()
                raise _Undo
        except _Undo:
            self.env.invalidate_all()
        self.assertNotEqual(expected, before)
        adapter = adapter_for("crm.lead")
        model = self.env["crm.lead"]
        deferred = adapter.prepare(model, vals_list)
        adapter.after_create(
            adapter.create_records(model, vals_list, deferred), deferred
        )
        self.assertEqual(self._scoring_statistics(), expected)

    def test_lead_scoring_statistics_postponed_by_a_job_as_create_keeps_them(self):
        """In a job of the job queue the statistics are postponed (every job would
        update the same rows), kept as JSON, and done once the object's jobs are
        all done: then they are what ``create`` makes them."""
        won = self.env["crm.stage"].create({"name": "Job won", "is_won": True})
        vals_list = [
            {"name": "Won", "user_id": self.seller.id, "stage_id": won.id},
            {"name": "Lost", "user_id": self.seller.id, "active": False},
            {"name": "Open", "user_id": self.seller.id},
        ]
        before = self._scoring_statistics()
        try:
            with self.env.cr.savepoint():
                self.env["crm.lead"].create(copy.deepcopy(vals_list))
                expected = self._scoring_statistics()
                raise _Undo
        except _Undo:
            self.env.invalidate_all()
        adapter = adapter_for("crm.lead")
        adapter.postponed = []
        model = self.env["crm.lead"]
        deferred = adapter.prepare(model, vals_list)
        adapter.after_create(
            adapter.create_records(model, vals_list, deferred), deferred
        )
        self.assertEqual(self._scoring_statistics(), before, "postponed, not done yet")
        adapter_for("crm.lead").after_parallel(
            self.env, json.loads(json.dumps(adapter.postponed))
        )
        self.assertEqual(self._scoring_statistics(), expected)

    def test_open_lead_has_no_close_date(self):
        """The one value the adapter drops: a close date on a lead neither won nor
        lost (a job reopened in the old CRM)."""
        adapter = adapter_for("crm.lead")
        model = self.env["crm.lead"]
        vals_list = [
            {"name": "Reopened", "date_closed": "2025-01-02 10:00:00"},
            {"name": "Lost", "active": False, "date_closed": "2025-01-02 10:00:00"},
        ]
        deferred = adapter.prepare(model, vals_list)
        leads = adapter.create_records(model, vals_list, deferred)
        adapter.after_create(leads, deferred)
        self.assertFalse(leads[0].date_closed)
        self.assertEqual(str(leads[1].date_closed), "2025-01-02 10:00:00")

    def test_tasks(self):
        project = self.env["project.project"].create(
            {"name": "Adapter project", "privacy_visibility": "followers"}
        )
        portal = self.env["project.project"].create(
            {"name": "Adapter portal project", "privacy_visibility": "portal"}
        )
        adapted = self.assertSameRecords(
            "project.task",
            [
                {"name": "Rough-in", "project_id": project.id},
                {
                    "name": "Trim-out",
                    "project_id": project.id,
                    "user_ids": [Command.set(self.seller.ids)],
                    "date_deadline": "2026-06-01 12:00:00",
                },
                {
                    "name": "Final walk-through",
                    "project_id": portal.id,
                    "date_end": "2026-05-10 17:00:00",
                },
                {"name": "Private to-do"},
            ],
            # a fresh random token per task, as _portal_ensure_token makes it
            differ=("access_token",),
        )
        self.assertTrue(adapted[2].access_token)
        self.assertFalse(adapted[0].access_token)
        self.assertIn(self.env.user.partner_id, adapted[0].message_partner_ids)

    def test_messages(self):
        author = self.env["res.partner"].create(
            {"name": "Old CRM user", "email": "old@crm.example"}
        )
        adapted = self.assertSameRecords(
            "mail.message",
            [
                {
                    "model": "res.partner",
                    "res_id": self.customer.id,
                    "body": "<p>Called about the <b>estimate</b></p>",
                    "message_type": "comment",
                    "author_id": author.id,
                    "date": "2024-03-05 10:00:00",
                }
            ],
            # a note of the past is not a mail to answer: no sender address nor
            # reply-to computed from today's catchall and author; the Message-Id
            # has a random part
            differ=("email_from", "reply_to", "message_id"),
        )
        self.assertFalse(adapted.reply_to)
        self.assertEqual(adapted.author_id, author)

    def test_messages_on_several_records_get_their_names_at_once(self):
        """create() reads each message's record name alone; the adapter reads a
        batch's at once and gives them, the same names."""
        company = self.env["res.partner"].create(
            {"name": "Hollow Creek HOA", "is_company": True}
        )
        person = self.env["res.partner"].create(
            {"name": "Dana Ruiz", "parent_id": company.id}
        )
        vals_list = [
            {"model": "res.partner", "res_id": record.id, "body": f"<p>{n}</p>"}
            for n, record in enumerate((company, person, person, self.customer))
        ]
        adapter = adapter_for("mail.message")
        given = copy.deepcopy(vals_list)
        adapter.prepare(self.env["mail.message"], given)
        self.assertEqual(
            [vals["record_name"] for vals in given],
            [
                "Hollow Creek HOA",
                "Hollow Creek HOA, Dana Ruiz",
                "Hollow Creek HOA, Dana Ruiz",
                self.customer.display_name,
            ],
        )
        self.assertSameRecords(
            "mail.message",
            vals_list,
            differ=("email_from", "reply_to", "message_id"),
        )

    def test_attachments(self):
        self.assertSameRecords(
            "ir.attachment",
            [
                {
                    "name": "permit.pdf",
                    "raw": b"%PDF-1.4 permit",
                    "res_model": "res.partner",
                    "res_id": self.customer.id,
                }
            ],
        )


@freeze_time("2026-05-04 15:30:00")
class TestAccountingAdaptersLandWhatOdooLands(AdapterCase):
    """Orders, invoices and payments, in a company with a chart of accounts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        if not company.chart_template:
            cls.env["account.chart.template"].try_loading(
                "generic_coa", company, install_demo=False
            )
        cls.customer = cls.env["res.partner"].create({"name": "Adapter buyer"})
        cls.product = cls.env["product.product"].create(
            {"name": "Adapter service", "list_price": 80.0, "type": "service"}
        )

    def _invoice_vals(self, price):
        return {
            "move_type": "out_invoice",
            "partner_id": self.customer.id,
            "invoice_date": "2026-04-01",
            "ref": f"INV {price}",
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": "Labour",
                        "quantity": 2,
                        "price_unit": price,
                        "tax_ids": [],
                    }
                )
            ],
        }

    def test_invoices_draft_and_posted(self):
        self.assertSameRecords("account.move", [self._invoice_vals(100.0)])
        # Odoo creates no entry posted: the adapter creates it in draft and posts
        # it, as a user posts a draft
        adapted = self.assertSameRecords(
            "account.move",
            [self._invoice_vals(250.0)],
            then=lambda moves: moves.action_post(),
            given=[dict(self._invoice_vals(250.0), state="posted")],
        )
        self.assertEqual(adapted.state, "posted")
        self.assertEqual(adapted.amount_residual, 500.0)

    def test_orders_with_product_lines(self):
        self.assertSameRecords(
            "sale.order",
            [
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": 3}
                        )
                    ],
                }
            ],
            # the next number of the quotations' sequence, one each
            differ=("name",),
        )

    def test_payment_as_register_payment_makes_it(self):
        """A payment through the adapter leaves its invoice as Odoo's Register
        payment does: paid in part, the same residual, the payment reconciled."""
        invoices = self.env["account.move"].create(
            [self._invoice_vals(150.0), self._invoice_vals(150.0)]
        )
        invoices.action_post()
        by_hand, through_adapter = invoices
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=by_hand.ids)
            .create({"amount": 120.0, "payment_date": "2026-04-10"})
        )
        registered = wizard._create_payments()
        adapter = adapter_for("account.payment")
        vals_list = [
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.customer.id,
                "amount": 120.0,
                "date": "2026-04-10",
                "journal_id": registered.journal_id.id,
                "payment_method_line_id": registered.payment_method_line_id.id,
                "invoice_ids": [Command.set(through_adapter.ids)],
            }
        ]
        model = self.env["account.payment"]
        deferred = adapter.prepare(model, vals_list)
        payment = adapter.create_records(model, vals_list, deferred)
        adapter.after_create(payment, deferred)
        self.env.invalidate_all()
        for name in ("payment_state", "amount_residual", "state"):
            self.assertEqual(by_hand[name], through_adapter[name], name)
        self.assertEqual(through_adapter.payment_state, "partial")
        self.assertEqual(through_adapter.amount_residual, 180.0)
        for name in ("state", "is_reconciled", "amount", "partner_id"):
            self.assertEqual(registered[name], payment[name], name)
        self.assertTrue(payment.is_reconciled)
