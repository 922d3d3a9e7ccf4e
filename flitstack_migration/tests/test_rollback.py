# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Rollback gives the database back as it was, pre-existing records included."""

import json
from unittest.mock import patch

from odoo.exceptions import UserError, ValidationError

from ..engine import journal
from .common import MigrationCase, rezip, sample_table, to_csv


class TestRollback(MigrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # records that exist before the migration and that it reuses
        cls.vip = cls.env["res.partner.category"].create({"name": "VIP"})
        cls.existing_partner = cls.env["res.partner"].create(
            {
                "name": "Existing Customer",
                "email": "existing@example.com",
                "category_id": [(4, cls.vip.id)],
            }
        )
        cls.won = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1)

    def _edited_export(self, changes):
        """The sample with some customers' cells changed: {(id, column): value}."""
        rows = sample_table("customers.csv")
        for row in rows:
            for (source_id, column), value in changes.items():
                if row["Id"] == source_id:
                    row[column] = value
        return rezip({"customers.csv": to_csv(rows, list(rows[0]), "utf-8-sig")})

    def test_rollback_of_project_restores_every_table(self):
        project = self._project()
        before = self._table_counts()
        partner_before = self.existing_partner.read(["name", "email", "category_id"])
        run = self._run(project)
        self.assertGreater(run.created_count, 2000)
        self.assertNotEqual(self._table_counts(), before)
        summary = project._rollback()
        self.assertEqual(self._table_counts(), before)
        self.assertEqual(
            self.existing_partner.read(["name", "email", "category_id"]), partner_before
        )
        self.assertTrue(self.vip.exists(), "a tag that existed before is kept")
        self.assertTrue(self.won.exists())
        self.assertEqual(project.state, "rolled_back")
        self.assertEqual(run.state, "rolled_back")
        self.assertEqual(
            summary["res.partner"][0],
            self._object_line(run, "customer").created_count
            + self._object_line(run, "contact").created_count,
        )
        self.assertNotIn("x_tcf_bedrooms", self.env["res.partner"]._fields)
        rolled = json.loads(run.rollback_summary)
        self.assertEqual(
            rolled["crm.lead"]["deleted"],
            self._object_line(run, "job").created_count
            + self._object_line(run, "prospect").created_count,
        )

    def test_update_run_is_logged_and_restored(self):
        project = self._project()
        first = self._run(project)
        partner = self._record(project, "customer", "10231")
        old_phone, old_city = partner.phone, partner.city
        self._upload(
            project,
            self._edited_export(
                {
                    ("10231", "Home Phone"): "(512) 555-0199",
                    ("10231", "City"): "Round Rock",
                }
            ),
        )
        counts = self._table_counts()
        second = project.run_now()
        self.assertEqual(second.created_count, 0)
        self.assertEqual(self._object_line(second, "customer").updated_count, 1)
        self.assertEqual(partner.phone, "+1 512-555-0199")
        self.assertEqual(partner.city, "Round Rock")
        log = second.log_ids.filtered(lambda lg: lg.operation == "update")
        self.assertEqual(log.source_id, "10231")
        self.assertEqual(
            json.loads(log.previous_values), {"phone": old_phone, "city": old_city}
        )
        self.assertEqual(self._table_counts(), counts)
        with self.assertRaises(UserError):
            first._rollback()  # the newer run goes first
        second._rollback()
        self.assertEqual((partner.phone, partner.city), (old_phone, old_city))
        self.assertEqual(second.state, "rolled_back")
        self.assertEqual(first.state, "done")
        # the journal of a rolled back run no longer counts: a new run updates again
        third = project.run_now()
        self.assertEqual(self._object_line(third, "customer").updated_count, 1)

    def test_an_update_odoo_refuses_fails_alone_and_the_batch_lands(self):
        """A batch's updates are written together; when Odoo refuses one, the
        batch is bisected down to it: it is journaled as failed with Odoo's reason,
        the others are updated, and the refused record keeps its values."""
        project = self._project()
        first = self._run(project)
        made = first.log_ids.filtered(
            lambda lg: lg.object_key == "customer" and lg.operation == "create"
        )
        ids = sorted(made.mapped("source_id"))[:5]
        refused = ids[2]
        partners = {i: self._record(project, "customer", i) for i in ids}
        cities = {i: partner.city for i, partner in partners.items()}
        changes = {(i, "City"): "Round Rock" for i in ids}
        changes[(refused, "City")] = "Nowhere"
        self._upload(project, self._edited_export(changes))
        partner_class = type(self.env["res.partner"])
        write = partner_class.write

        def refusing(records, vals):
            if vals.get("city") == "Nowhere":
                raise ValidationError(records.env._("No one lives in Nowhere."))
            return write(records, vals)

        with patch.object(partner_class, "write", refusing):
            second = project.run_now()
        line = self._object_line(second, "customer")
        before = self._object_line(first, "customer").failed_count  # bad rows
        self.assertEqual((line.updated_count, line.failed_count), (4, before + 1))
        failed = second.log_ids.filtered(
            lambda lg: lg.operation == "fail" and lg.source_id in ids
        )
        self.assertEqual(failed.source_id, refused)
        self.assertEqual(failed.message, "No one lives in Nowhere.")
        updated = second.log_ids.filtered(lambda lg: lg.operation == "update")
        self.assertEqual(
            sorted(updated.mapped("source_id")), sorted(set(ids) - {refused})
        )
        for source_id, partner in partners.items():
            city = cities[refused] if source_id == refused else "Round Rock"
            self.assertEqual(partner.city, city, source_id)
        # the refused record is tried again by the next run, the others are not
        third = project.run_now()
        self.assertEqual(self._object_line(third, "customer").updated_count, 1)
        self.assertEqual(partners[refused].city, "Nowhere")
        third._rollback()
        second._rollback()
        self.assertEqual({i: p.city for i, p in partners.items()}, cities)

    def test_the_journal_keeps_tabs_line_breaks_and_backslashes_exactly(self):
        """The journal is written with COPY: what its text format escapes comes
        back as it was, in the previous values a rollback restores and in the
        messages."""
        project = self._project()
        self._run(project)
        partner = self._record(project, "customer", "10231")
        awkward = "Austin\\North\tside\r\nannex \\N"
        partner.city = awkward
        self._upload(project, self._edited_export({("10231", "City"): "Round Rock"}))
        second = project.run_now()
        log = second.log_ids.filtered(lambda lg: lg.operation == "update")
        self.assertEqual(json.loads(log.previous_values), {"city": awkward})
        self.assertEqual(log.create_uid, self.env.user)
        self.assertEqual(log.create_date, self.env.cr.now())
        self.assertEqual(partner.city, "Round Rock")
        second._rollback()
        self.assertEqual(partner.city, awkward)

        book = journal.Journal(second)
        book.log(
            "customer",
            "10231",
            "res.partner",
            None,
            "fail",
            None,
            message='Line 3:\tbad\\cell\x00 "here"\nnext',
            line=3,
            file="a\tb.csv",
        )
        book.flush()
        row = second.log_ids.sorted("id")[-1]
        self.assertEqual(
            (row.message, row.file_name, row.line, row.res_id, row.source_hash),
            ('Line 3:\tbad\\cell "here"\nnext', "a\tb.csv", 3, 0, False),
        )

    def test_a_project_rollback_indexes_the_keys_before_it_undoes_anything(self):
        """A newer run's updates are undone before the full run's records are
        deleted, in the same transaction; an index built after them would not be
        used by that transaction (PostgreSQL's indcheckxmin), so the keys are
        indexed once for every run, first."""
        project = self._project()
        before = self._table_counts()
        full = self._run(project)
        self._upload(project, self._edited_export({("10231", "City"): "Round Rock"}))
        newer = project.run_now()
        self.assertEqual(self._object_line(newer, "customer").updated_count, 1)
        events = []
        index = journal.reference_index.index_references
        undo = journal._undo_step

        def indexing(cr, counts):
            made = index(cr, counts)
            events.append(("index", {t for t, n in counts.items() if n}, len(made)))
            return made

        def undoing(run, *args):
            events.append(("undo", run.id))
            return undo(run, *args)

        with (
            patch.object(journal.reference_index, "index_references", indexing),
            patch.object(journal, "_undo_step", undoing),
        ):
            project._rollback()
        self.assertEqual(events[0][0], "index")
        self.assertIn("res_partner", events[0][1])
        self.assertGreater(events[0][2], 0, "keys into the partners indexed")
        undone = [event[1] for event in events if event[0] == "undo"]
        self.assertEqual(undone[0], newer.id)
        self.assertIn(full.id, undone)
        self.assertEqual(
            [event[2] for event in events[1:] if event[0] == "index"],
            [0, 0],
            "each run's rollback finds its keys indexed already",
        )
        # as before the migration, but the newer export, which stays on the project
        if "ir_attachment" in before:
            before["ir_attachment"] += 1
        self.assertEqual(self._table_counts(), before)

    def test_rollback_deletes_what_the_admin_changed_since_but_keeps_other_records(
        self,
    ):
        project = self._project()
        self._run(project)
        lead = self._record(project, "job", "100003")
        lead.name = "Renamed after the migration"
        manual = self.env["crm.lead"].create({"name": "Typed in by hand"})
        project._rollback()
        self.assertFalse(lead.exists())
        self.assertTrue(manual.exists())

    def test_rows_deleted_in_the_source_are_listed_not_deleted(self):
        project = self._project()
        self._run(project)
        partner = self._record(project, "customer", "10231")
        rows = [row for row in sample_table("customers.csv") if row["Id"] != "10231"]
        self._upload(
            project, rezip({"customers.csv": to_csv(rows, list(rows[0]), "utf-8-sig")})
        )
        second = project.run_now()
        line = self._object_line(second, "customer")
        self.assertEqual(line.gone_count, 1)
        self.assertEqual(self._object_line(second, "contact").gone_count, 0)
        gone = second.log_ids.filtered(lambda lg: lg.operation == "gone")
        self.assertEqual(gone.mapped("source_id"), ["10231"])
        self.assertEqual(gone.res_id, partner.id)
        self.assertTrue(partner.exists())
        report = second._report()
        customer = next(row for row in report["objects"] if row["object"] == "customer")
        self.assertEqual(customer["deleted_in_source"], 1)

    def test_a_map_edited_after_a_run_is_applied_by_the_next_one(self):
        project = self._project()
        first = self._run(project)
        customers = project.mapping_ids.filtered(lambda m: m.object_key == "customer")
        line = customers.field_ids.filtered(lambda f: f.target_field == "ref")
        line.source_column = "Zip Code"
        second = project.run_now()
        created = self._object_line(first, "customer").created_count
        self.assertEqual(self._object_line(second, "customer").updated_count, created)
        self.assertEqual(self._object_line(second, "prospect").updated_count, 0)
        row = next(r for r in sample_table("customers.csv") if r["Id"] == "10306")
        self.assertEqual(
            self._record(project, "customer", "10306").ref, row["Zip Code"]
        )
        second._rollback()
        self.assertEqual(self._record(project, "customer", "10306").ref, "10306")

    def test_rollback_removes_only_the_fields_its_own_schema_step_made(self):
        project = self._project()
        project.action_discover()
        project._create_custom_fields()
        schema_run = project.run_ids.filtered(lambda r: r.mode == "schema")
        Fields = self.env["ir.model.fields"]
        bedrooms = Fields._get("res.partner", "x_tcf_bedrooms")
        self.assertTrue(bedrooms)
        # a view outside the project uses one of them
        self.env["ir.ui.view"].create(
            {
                "name": "someone.else.partner.form",
                "model": "res.partner",
                "inherit_id": self.env.ref("base.view_partner_form").id,
                "arch_db": '<data><field name="name" position="after">'
                '<field name="x_tcf_bedrooms"/></field></data>',
            }
        )
        # a custom field made by hand, and a journal row that claims it
        by_hand = Fields.create(
            {
                "name": "x_made_by_hand",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "field_description": "By hand",
                "ttype": "char",
            }
        )
        self.env["migration.log"].sudo().create(
            {
                "run_id": schema_run.id,
                "project_id": project.id,
                "object_key": "_schema",
                "source_id": "res.partner.x_made_by_hand",
                "model": "ir.model.fields",
                "res_id": by_hand.id,
                "operation": "create",
            }
        )
        others = schema_run.log_ids.filtered(
            lambda lg: lg.model == "ir.model.fields" and lg.res_id != by_hand.id
        )
        schema_run._rollback()
        self.assertTrue(bedrooms.exists(), "kept: a view outside the project uses it")
        self.assertTrue(by_hand.exists(), "kept: the project never made it")
        dropped = Fields.browse(others.mapped("res_id")).exists()
        self.assertEqual(dropped, bedrooms)

    def test_rollback_keeps_what_odoo_refuses_to_delete_and_goes_on(self):
        project = self._project()
        run = self._run(project)
        customer = self._record(project, "customer", "10231")
        other = self._record(project, "customer", "10306")
        order = self.env["sale.order"].create({"partner_id": customer.id})
        project._rollback()  # never an exception half-way
        self.assertEqual(run.state, "rolled_back")
        self.assertTrue(customer.exists(), "a user's quotation refers to it")
        self.assertTrue(order.exists())
        self.assertFalse(other.exists())
        kept = json.loads(run.rollback_kept)
        self.assertEqual([(m, i) for m, i, _r in kept], [("res.partner", customer.id)])
        self.assertIn("Kept: ", run.rollback_summary_display)

    def test_rollback_goes_a_step_at_a_time_and_still_undoes_everything(self):
        """The journal is undone in steps of ``ROLLBACK_CHUNK`` rows, never whole: no
        call deletes more than a step, and the database, the kept record and its
        journal row come out as with one step for the whole run."""
        project = self._project()
        run = self._run(project)
        customer = self._record(project, "customer", "10231")
        self.env["sale.order"].create({"partner_id": customer.id})
        created = self.env["migration.log"].search(
            [("run_id", "=", run.id), ("operation", "=", "create")]
        )
        steps = []
        original = journal._unlink_what_can_go

        def counted(records, kept):
            steps.append((records._name, len(records)))
            return original(records, kept)

        with (
            patch.object(journal, "ROLLBACK_CHUNK", 40),
            patch.object(journal, "_unlink_what_can_go", counted),
        ):
            summary = project._rollback()
        self.assertLessEqual(max(size for _model, size in steps), 40)
        partners = [size for model, size in steps if model == "res.partner"]
        self.assertGreater(len(partners), 2, "the customers went in several steps")
        self.assertEqual(sum(partners), summary["res.partner"][0] + 1)
        self.assertTrue(customer.exists(), "a user's quotation refers to it")
        left = [
            (row.model, row.res_id)
            for row in created
            if row.model != "ir.model.fields"
            and self.env[row.model].browse(row.res_id).exists()
        ]
        self.assertEqual(left, [("res.partner", customer.id)])
        kept_row = self.env["migration.log"].search(
            [("run_id", "=", run.id), ("operation", "=", "kept")]
        )
        self.assertEqual(
            (kept_row.res_id, kept_row.object_key, kept_row.source_id),
            (customer.id, "customer", "10231"),
        )
