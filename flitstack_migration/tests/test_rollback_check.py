# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The check before a rollback: people's work since the migration is listed, kept
with what it needs if the administrator says so, and the rest is rolled back."""

import contextlib
import io
import json

from ..engine.rollback_check import RollbackCheck
from .common import MigrationCase, cli_args


class TestRollbackCheck(MigrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        project = MigrationCase._project(cls)
        project.action_discover()
        project.action_confirm_mapping()
        cls.project = project
        cls.mig_run = project.run_now()

    def _created(self):
        """``{(model, id)}`` of every record the run created."""
        return {
            (log.model, log.res_id)
            for log in self.mig_run.log_ids
            if log.operation == "create" and log.model != "ir.model.fields"
        }

    def _alive(self, keys):
        alive = set()
        models = {model for model, _id in keys}
        for model in models:
            ids = [i for m, i in keys if m == model]
            alive |= {(model, i) for i in self.env[model].browse(ids).exists().ids}
        return alive

    def _wizard(self):
        return self.env["migration.rollback.wizard"].create(
            {"project_id": self.project.id}
        )

    def _people_at_work(self):
        """Kevin's new quotation on a migrated customer, a posted migrated invoice,
        a job Carlos renamed, Kevin's message and follower on a prospect, a job
        someone deleted."""
        customer = self._record(self.project, "customer", "10231")
        order = (
            self.env["sale.order"]
            .with_user(self.kevin)
            .create({"partner_id": customer.id})
        )
        invoice = self._record(self.project, "invoice", "30001")
        invoice.action_post()
        lead = self._record(self.project, "job", "100003")
        lead.with_user(self.carlos).sudo().write({"name": "Deep clean, moved"})
        prospect = self.env["crm.lead"].search(
            [("id", "in", self._ids("prospect")), ("id", "!=", lead.id)], limit=1
        )
        message = (
            prospect.with_user(self.kevin)
            .sudo()
            .message_post(body="Called back, wants a quote", message_type="comment")
        )
        gone = self._record(self.project, "job", "100004")
        # the lead goes with its notes and files
        gone_with = {("crm.lead", gone.id)} | {
            (model, record_id)
            for model, record_id in self._created()
            if model in ("mail.message", "ir.attachment")
            and self.env[model]
            .browse(record_id)
            .exists()["model" if model == "mail.message" else "res_model"]
            == "crm.lead"
            and self.env[model].browse(record_id).res_id == gone.id
        }
        gone.with_user(self.carlos).sudo().unlink()
        return {
            "customer": customer,
            "order": order,
            "invoice": invoice,
            "lead": lead,
            "prospect": prospect,
            "message": message,
            "gone": gone_with,
        }

    def _ids(self, object_key):
        return [
            log.res_id
            for log in self.mig_run.log_ids
            if log.object_key == object_key and log.operation == "create"
        ]

    # ------------------------------------------------------------------
    def test_a_migration_nobody_touched_has_nothing_to_keep(self):
        check = RollbackCheck(self.mig_run)
        self.assertEqual(check.count, 0, check.findings)
        wizard = self._wizard()
        self.assertFalse(wizard.has_findings)
        self.assertFalse(wizard.check_html)

    def test_the_check_reads_the_ids_in_the_journal_and_holds_none(self):
        """At a million records, sets of their ids cost hundreds of MB: the check
        keeps counts per model and reads the ids in the journal, query by query."""

        def held(value):
            if isinstance(value, int) and not isinstance(value, bool):
                return 1
            if isinstance(value, dict):
                return sum(held(k) + held(v) for k, v in value.items())
            if isinstance(value, list | tuple | set | frozenset):
                return sum(held(item) for item in value)
            return 0  # recordsets, environments, strings, dates

        created = self._created()
        self.assertGreater(len(created), 60)
        check = RollbackCheck(self.mig_run)
        self.assertEqual(check.count, 0, check.findings)
        # a count per model and operation, the project's runs, their users
        self.assertLess(
            held(vars(check)),
            40,
            {name: held(value) for name, value in vars(check).items()},
        )
        self.assertEqual(
            sum(check.created.values()),
            len([key for key in created if key[0] in self.env]),
        )

    def test_rows_written_in_the_second_a_run_ended_are_its_own(self):
        """A run's end is a whole second; what it wrote in that second is stamped
        later (a run made and finished within one second, as the custom fields
        step's is, ends before it starts): still the migration's, not an edit."""
        cr = self.env.cr
        admin = self.env.ref("base.user_admin")
        partner_id = next(i for m, i in self._created() if m == "res.partner")
        self.env.flush_all()
        # the run queued by the administrator, who wrote one of its partners last,
        # at the moment the run was made; its end is that second
        cr.execute(
            "UPDATE migration_run SET queued_by_id = %s,"
            " date_end = date_trunc('second', create_date)"
            " WHERE id = %s RETURNING create_date, create_date > date_end",
            [admin.id, self.mig_run.id],
        )
        made, after_end = cr.fetchone()
        if not after_end:
            self.skipTest("the run was made on a whole second")
        cr.execute(
            "UPDATE res_partner SET write_uid = %s, write_date = %s WHERE id = %s",
            [admin.id, made, partner_id],
        )
        self.env.invalidate_all()
        check = RollbackCheck(self.mig_run)
        self.assertEqual(check.findings["edited"], [])
        self.assertEqual(check.count, 0, check.findings)

    def test_the_check_lists_each_kind_with_counts_and_links(self):
        work = self._people_at_work()
        check = RollbackCheck(self.mig_run)
        found = {
            kind: {(item["model"], item["res_id"]) for item in items}
            for kind, items in check.findings.items()
        }
        self.assertEqual(found["referenced"], {("res.partner", work["customer"].id)})
        self.assertEqual(found["posted"], {("account.move", work["invoice"].id)})
        self.assertEqual(found["edited"], {("crm.lead", work["lead"].id)})
        self.assertEqual(found["chatter"], {("crm.lead", work["prospect"].id)})
        self.assertEqual(found["deleted"], work["gone"])
        referenced = check.findings["referenced"][0]
        self.assertEqual(referenced["by"][:2], ("sale.order", work["order"].id))
        self.assertIn(work["order"].name, referenced["reason"])
        self.assertIn("Kevin Brooks", referenced["reason"])
        self.assertIn("Carlos", check.findings["edited"][0]["reason"])
        self.assertIn("Kevin Brooks", check.findings["chatter"][0]["reason"])
        self.assertIn(work["invoice"].name, check.findings["posted"][0]["reason"])

        wizard = self._wizard()
        self.assertTrue(wizard.has_findings)
        kinds = wizard.check_data["kinds"]
        for kind in ("referenced", "posted", "edited", "chatter"):
            self.assertEqual(kinds[kind]["count"], 1, kind)
        self.assertEqual(kinds["deleted"]["count"], len(work["gone"]))
        # what the kept records need: the customers of the invoice and of the lead
        needed = {(row["model"], row["res_id"]) for row in kinds["needed"]["first"]}
        self.assertIn(("res.partner", work["invoice"].partner_id.id), needed)
        html = wizard.check_html
        self.assertIn(f'href="/odoo/res.partner/{work["customer"].id}"', html)
        self.assertIn(f'href="/odoo/account.move/{work["invoice"].id}"', html)
        self.assertIn(work["customer"].display_name, html)
        self.assertIn("Migrated records someone changed since", html)

    def test_keep_those_keeps_exactly_them_and_what_they_need(self):
        work = self._people_at_work()
        created = self._created()
        check = RollbackCheck(self.mig_run)
        keep = check.keep()
        # what each kept record needs is kept with it
        self.assertIn(("res.partner", work["invoice"].partner_id.id), keep)
        self.assertIn(("res.partner", work["lead"].partner_id.id), keep)
        self.assertIn("needed by", keep[("res.partner", work["lead"].partner_id.id)])
        wizard = self._wizard()
        wizard.action_confirm()  # never an exception half-way
        self.assertEqual(self.mig_run.state, "rolled_back")
        self.assertEqual(self.project.state, "rolled_back")
        # exactly those are left of what the migration created; the rest is gone
        self.assertEqual(self._alive(created), set(keep) & created)
        for record in (
            work["customer"],
            work["order"],
            work["invoice"],
            work["lead"],
            work["prospect"],
            work["message"],
        ):
            self.assertTrue(record.exists(), record)
        self.assertEqual(work["invoice"].state, "posted")
        self.assertEqual(work["lead"].name, "Deep clean, moved")
        self.assertEqual(work["order"].partner_id, work["customer"])
        self.assertFalse(self._record(self.project, "customer", "10306"))
        # the journal says which were kept and why
        kept_logs = self.mig_run.log_ids.filtered(lambda lg: lg.operation == "kept")
        self.assertEqual({(lg.model, lg.res_id) for lg in kept_logs}, set(keep))
        by_record = {(lg.model, lg.res_id): lg for lg in kept_logs}
        log = by_record[("res.partner", work["customer"].id)]
        self.assertEqual((log.object_key, log.source_id), ("customer", "10231"))
        self.assertIn(work["order"].name, log.message)
        self.assertIn("posted", by_record[("account.move", work["invoice"].id)].message)
        kept = json.loads(self.mig_run.rollback_kept)
        self.assertEqual({(m, i) for m, i, _r in kept}, set(keep))
        self.assertIn("Kept: ", self.mig_run.rollback_summary_display)
        # the wizard's result and the project's chatter say so too
        self.assertEqual(wizard.state, "done")
        self.assertIn(f'href="/odoo/res.partner/{work["customer"].id}"', wizard.result)
        note = self.project.message_ids[:1]
        self.assertIn(f"Kept, {len(keep)} records", note.body)
        self.assertIn(work["order"].name, note.body)

    def test_the_command_line_checks_first_and_keeps_only_when_told(self):
        from ..cli.flitstack import Flitstack

        customer = self._record(self.project, "customer", "10231")
        order = (
            self.env["sale.order"]
            .with_user(self.kevin)
            .create({"partner_id": customer.id})
        )
        args = {"project": self.project.id}
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            code = Flitstack()._rollback(self.env, cli_args("rollback", **args))
        self.assertEqual(code, 1)
        self.assertIn("used by records made since: 1", output.getvalue())
        self.assertIn(order.name, output.getvalue())
        self.assertIn("--keep-touched", output.getvalue())
        self.assertEqual(self.mig_run.state, "done", "nothing rolled back")
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            code = Flitstack()._rollback(
                self.env, cli_args("rollback", keep_touched=True, **args)
            )
        self.assertEqual(code, 0)
        self.assertEqual(self.mig_run.state, "rolled_back")
        self.assertTrue(customer.exists())
        self.assertFalse(self._record(self.project, "customer", "10306"))
        self.assertIn(f"kept res.partner #{customer.id}", output.getvalue())
