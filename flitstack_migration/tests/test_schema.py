"""Custom fields before the run: created once, typed, on the form, filled, rolled
back."""

from odoo.exceptions import UserError

from .common import MigrationCase, sample_table


class TestSchema(MigrationCase):
    def _discovered(self):
        project = self._project()
        project.action_discover()
        return project

    def test_checklist_lists_every_custom_field(self):
        project = self._discovered()
        checklist = {
            (line.mapping_id.object_key, line.source_column): (
                line.model,
                line.target_field,
                line.custom_type,
            )
            for line in project.custom_field_ids
        }
        self.assertEqual(
            checklist[("customer", "Dirt Level")],
            ("res.partner", "x_tcf_dirt_level", "selection"),
        )
        self.assertEqual(
            checklist[("customer", "Bedrooms")],
            ("res.partner", "x_tcf_bedrooms", "integer"),
        )
        self.assertIn(("invoice", "Paid"), checklist)
        dog = project.custom_field_ids.filtered(lambda f: f.source_column == "Dog")
        kept = {r["Id"]: r for r in sample_table("customers.csv")}.values()
        self.assertEqual(dog.filled_count, sum(1 for r in kept if r["Dog"].strip()))
        self.assertEqual(project.custom_field_count, len(project.custom_field_ids))

    def test_created_once_typed_on_the_form_filled_and_rolled_back(self):
        project = self._discovered()
        before = self._table_counts()
        created = project._create_custom_fields()
        names = set(created.mapped("name"))
        self.assertTrue(
            {
                "x_tcf_bedrooms",
                "x_tcf_dog",
                "x_tcf_dirt_level",
                "x_source_id",
                "x_source_created",
            }
            <= names
        )
        partner_fields = self.env["res.partner"]._fields
        self.assertEqual(partner_fields["x_tcf_bedrooms"].type, "integer")
        self.assertEqual(partner_fields["x_tcf_dog"].type, "boolean")
        dirt = self.env["ir.model.fields"]._get("res.partner", "x_tcf_dirt_level")
        self.assertEqual(dirt.ttype, "selection")
        self.assertEqual(
            sorted(dirt.selection_ids.mapped("value")), ["Heavy", "Light", "Medium"]
        )
        arch = self.env["res.partner"].get_view(view_type="form")["arch"]
        self.assertIn("x_tcf_dirt_level", arch)
        self.assertIn("Migrated data", arch)
        schema_run = project.run_ids.filtered(lambda r: r.mode == "schema")
        self.assertEqual(schema_run.state, "done")
        self.assertEqual(
            len(schema_run.log_ids.filtered(lambda lg: lg.model == "ir.model.fields")),
            len(created),
        )
        # again: nothing twice, no second run
        self.assertFalse(project._create_custom_fields())
        self.assertEqual(len(project.run_ids), 1)
        # the run reuses them and fills them
        run = self._run(project)
        self.assertFalse(run.log_ids.filtered(lambda lg: lg.model == "ir.model.fields"))
        row = next(r for r in sample_table("customers.csv") if r["Id"] == "10231")
        partner = self._record(project, "customer", "10231")
        self.assertEqual(partner.x_tcf_dirt_level, row["Dirt Level"])
        self.assertEqual(partner.x_source_id, "10231")
        self.assertEqual(arch.count("Migrated data"), 1)
        # the project's rollback removes the fields created outside the run too
        project._rollback()
        self.assertEqual(schema_run.state, "rolled_back")
        self.assertNotIn("x_tcf_dirt_level", self.env["res.partner"]._fields)
        self.assertEqual(self._table_counts(), before)

    def test_incompatible_existing_field_is_reported_not_overwritten(self):
        self.env["ir.model.fields"].create(
            {
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "name": "x_tcf_bedrooms",
                "field_description": "Bedrooms (text)",
                "ttype": "date",
            }
        )
        self.env["ir.model.fields"].create(
            {
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "name": "x_tcf_gate_code",
                "field_description": "Gate code (long text)",
                "ttype": "text",
            }
        )
        project = self._discovered()
        with self.assertRaises(UserError) as err:
            project._create_custom_fields()
        message = err.exception.args[0]
        self.assertIn(
            '"x_tcf_bedrooms" already exists on res.partner as date, but the '
            "migration needs integer",
            message,
        )
        self.assertNotIn("x_tcf_gate_code", message)  # text holds char: reused
        self.assertEqual(self.env["res.partner"]._fields["x_tcf_bedrooms"].type, "date")
        self.assertFalse(project.run_ids)
