# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Custom fields before the run: created once, typed, on the form, filled, rolled
back."""

from odoo.exceptions import UserError

from .common import MigrationCase, rezip, sample_table, to_csv


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

    def _existing(self, name, ttype):
        return self.env["ir.model.fields"].create(
            {
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "name": name,
                "field_description": f"{name} ({ttype})",
                "ttype": ttype,
            }
        )

    def _line(self, project, column):
        return project.custom_field_ids.filtered(
            lambda f: (
                f.mapping_id.object_key == "customer" and f.source_column == column
            )
        )

    def test_incompatible_existing_field_gets_another_name_not_overwritten(self):
        self._existing("x_tcf_bedrooms", "date")
        self._existing("x_tcf_gate_code", "text")
        project = self._discovered()
        bedrooms = self._line(project, "Bedrooms")
        self.assertEqual(bedrooms.target_field, "x_tcf_bedrooms_2")
        self.assertIn("x_tcf_bedrooms already exists", bedrooms.existing_field_note)
        gate = self._line(project, "Gate Code")  # text holds char: reused
        self.assertEqual(
            (gate.target_field, gate.existing_field_note), ("x_tcf_gate_code", False)
        )
        created = project._create_custom_fields()
        self.assertIn("x_tcf_bedrooms_2", created.mapped("name"))
        self.assertEqual(self.env["res.partner"]._fields["x_tcf_bedrooms"].type, "date")
        # a map set back by hand on the conflicting field cannot be confirmed
        bedrooms.target_field = "x_tcf_bedrooms"
        with self.assertRaises(UserError) as err:
            project.action_confirm_mapping()
        self.assertIn(
            '"x_tcf_bedrooms" already exists on res.partner as date, but the '
            "migration needs integer",
            err.exception.args[0],
        )
        self.assertFalse(project.mapping_ids.filtered("confirmed"))

    def test_existing_field_reused_when_the_values_fit(self):
        """A newer export of the same platform: a few "Studio" bedrooms make the
        column a dropdown, dogs are now sizes; the fields of the first run exist."""
        self._existing("x_tcf_bedrooms", "integer")
        self._existing("x_tcf_dog", "boolean")
        rows = sample_table("customers.csv")
        for index, row in enumerate(rows):
            if row["Bedrooms"] and index % 10 == 0:
                row["Bedrooms"] = "Studio"
            if row["Dog"]:
                row["Dog"] = ("Big", "Small", "No")[index % 3]
        project = self._project(
            rezip({"customers.csv": to_csv(rows, list(rows[0]), "utf-8-sig")})
        )
        project.action_discover()
        bedrooms = self._line(project, "Bedrooms")
        self.assertEqual(
            (bedrooms.target_field, bedrooms.custom_type, bedrooms.transform),
            ("x_tcf_bedrooms", "integer", "integer"),
        )
        self.assertIn('"Studio"', bedrooms.existing_field_note)
        dog = self._line(project, "Dog")
        self.assertEqual(
            (dog.target_field, dog.custom_type), ("x_tcf_dog_2", "selection")
        )
        self.assertIn("x_tcf_dog_2", dog.existing_field_note)
        run = self._run(project)
        self.assertEqual(run.state, "done")
        kept = {r["Id"]: r for r in rows}  # the last row of an id wins
        studio = next(i for i, r in kept.items() if r["Bedrooms"] == "Studio")
        number = next(i for i, r in kept.items() if r["Bedrooms"].isdigit())
        partner = self._record(project, "customer", studio)
        self.assertTrue(partner)
        self.assertFalse(partner.x_tcf_bedrooms)
        warning = run.log_ids.filtered(
            lambda lg: lg.source_id == studio and "Studio" in (lg.message or "")
        )
        self.assertTrue(warning)
        self.assertEqual(
            self._record(project, "customer", number).x_tcf_bedrooms,
            int(kept[number]["Bedrooms"]),
        )
        dog_row = next(i for i, r in kept.items() if r["Dog"] == "Big")
        self.assertEqual(self._record(project, "customer", dog_row).x_tcf_dog_2, "Big")

    def test_headers_in_any_script_make_valid_fields_in_one_run(self):
        rows = sample_table("customers.csv")
        headers = ("Größe", "电话", "Código postal")
        for index, row in enumerate(rows):
            row.update(
                {
                    "Größe": f"{index % 7} m²",
                    "电话": f"+86 10 5555 {1000 + index}",
                    "Código postal": f"{index:05d}",
                }
            )
        project = self._project(
            rezip({"customers.csv": to_csv(rows, list(rows[0]), "utf-8-sig")})
        )
        project.action_discover()
        names = {h: self._line(project, h).target_field for h in headers}
        self.assertEqual(
            names,
            {
                "Größe": "x_tcf_grosse",
                "电话": "x_tcf_column_1",
                "Código postal": "x_tcf_codigo_postal",
            },
        )
        self.assertEqual(self._line(project, "Código postal").custom_type, "char")
        created = project._create_custom_fields()
        self.assertLessEqual(set(names.values()), set(created.mapped("name")))
        label = created.filtered(lambda f: f.name == "x_tcf_column_1")
        self.assertEqual(label.field_description, "电话 (The Customer Factor)")
        run = self._run(project)
        self.assertEqual(run.state, "done")
        partner = self._record(project, "customer", "10231")
        index = max(i for i, r in enumerate(rows) if r["Id"] == "10231")
        self.assertEqual(partner.x_tcf_codigo_postal, f"{index:05d}")
        self.assertEqual(partner.x_tcf_column_1, f"+86 10 5555 {1000 + index}")

    def test_a_link_column_makes_a_many2one_to_its_objects_model(self):
        """A ``ref`` row into a new field: a many2one to the model of the object
        whose ids the column holds; one of that name linking elsewhere is a
        conflict, never overwritten."""
        from ..engine import schema
        from ..presets.base import FieldSpec
        from ..presets.the_service_program import PRESET

        specs = {
            "equipment": [
                FieldSpec(
                    "x_test_site_id", "Location ID", "ref", ref="service_location"
                )
            ]
        }
        wanted = schema.wanted_fields(PRESET, specs)
        item = wanted[("product.product", "x_test_site_id")]
        self.assertEqual((item["ttype"], item["relation"]), ("many2one", "res.partner"))
        to_create, _extend, conflicts = schema.plan_custom_fields(self.env, wanted)
        self.assertFalse(conflicts)
        vals = next(v for v in to_create if v["name"] == "x_test_site_id")
        self.assertEqual((vals["ttype"], vals["relation"]), ("many2one", "res.partner"))
        self.env["ir.model.fields"].create(
            dict(vals, relation="res.users", field_description="Elsewhere")
        )
        _create, _extend, conflicts = schema.plan_custom_fields(self.env, wanted)
        self.assertEqual(len(conflicts), 1)
        self.assertIn("res.users", conflicts[0])
        self.assertIn("res.partner", conflicts[0])
