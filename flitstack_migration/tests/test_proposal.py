# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The proposed map on a renamed and reordered export; confirming; the wizard's
steps."""

from odoo.exceptions import UserError

from ..engine.proposal import proposal_rows, propose
from ..parsers import parse_date, parse_money
from .common import MigrationCase, rezip, sample_bytes, sample_table, to_csv

RENAMED = {
    "Cell Phone": "Mobile Number",
    "Zip Code": "Postcode",
    "Email": "E-mail address",
}


def renamed_export():
    """customers.csv with three columns renamed (no alias knows these spellings), the
    columns in reverse order, and a column Odoo has a field for."""
    rows = sample_table("customers.csv")
    header = [RENAMED.get(name, name) for name in reversed(list(rows[0]))] + [
        "Web site"
    ]
    out = []
    for index, row in enumerate(rows):
        row = {RENAMED.get(k, k): v for k, v in row.items()}
        row["Web site"] = f"https://example.com/{index}" if index % 3 == 0 else ""
        out.append(row)
    return rezip({"customers.csv": to_csv(out, header, "utf-8-sig")})


class TestProposal(MigrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project = cls._project(cls, renamed_export())
        cls.project.action_discover()
        cls.customers = cls.project.mapping_ids.filtered(
            lambda m: m.object_key == "customer"
        )

    def _project(self, data=None, **values):
        return MigrationCase._project(self, data, **values)

    def _line(self, mapping, column):
        return mapping.field_ids.filtered(lambda f: f.source_column == column)

    def test_every_preset_column_still_maps(self):
        preset = self.project._preset()
        obj = preset.get("customer")
        self.assertEqual(
            [
                (f.target_field, f._to_spec().sources)
                for f in self.customers.field_ids.sorted("sequence")
            ][: len(obj.fields)],
            [(spec.target, spec.sources) for spec in obj.fields],
        )
        self.assertEqual(
            self.customers.column_renames,
            {new: old for old, new in RENAMED.items()},
        )
        for old, new in RENAMED.items():
            line = self._line(self.customers, old)
            self.assertTrue(line, old)
            self.assertEqual(line.source_header, new)
            self.assertEqual(line.reason, "name")
            self.assertGreater(line.confidence, 0.85)
            self.assertLess(line.confidence, 1.0)
        self.assertEqual(
            self._line(self.customers, "Cell Phone").target_field, "mobile"
        )
        self.assertEqual(self._line(self.customers, "Zip Code").target_field, "zip")
        self.assertEqual(self._line(self.customers, "Email").target_field, "email")
        # the renamed headers do not become custom fields
        custom = self.customers.field_ids.filtered("is_custom").mapped("source_column")
        self.assertFalse(set(RENAMED.values()) & set(custom))

    def test_unknown_columns_get_a_field_or_a_sensible_type(self):
        website = self._line(self.customers, "Web site")
        self.assertEqual(
            (website.target_field, website.reason, website.is_custom),
            ("website", "name", False),
        )
        types = {
            line.source_column: (line.target_field, line.custom_type, line.transform)
            for line in self.customers.field_ids.filtered(
                lambda f: f.reason == "new_custom"
            )
        }
        self.assertEqual(types["Bedrooms"], ("x_tcf_bedrooms", "integer", "integer"))
        self.assertEqual(types["Dog"], ("x_tcf_dog", "boolean", "boolean"))
        self.assertEqual(types["Gate Code"], ("x_tcf_gate_code", "char", "copy"))
        self.assertEqual(
            types["Dirt Level"], ("x_tcf_dirt_level", "selection", "value_map")
        )
        dirt = self._line(self.customers, "Dirt Level")
        self.assertEqual(
            sorted(dirt.value_map_ids.mapped("source_value")),
            ["Heavy", "Light", "Medium"],
        )
        self.assertEqual(sum(dirt.value_map_ids.mapped("count")), dirt.filled_count)
        bedrooms = self._line(self.customers, "Bedrooms")
        kept = {
            r["Id"]: r for r in sample_table("customers.csv")
        }.values()  # last row wins
        self.assertEqual(
            bedrooms.filled_count, sum(1 for r in kept if r["Bedrooms"].strip())
        )

    def test_proposal_least_confident_first(self):
        lines = self.customers.field_ids  # the model's order
        confidences = lines.mapped("confidence")
        self.assertEqual(confidences, sorted(confidences))
        self.assertEqual(lines[0].reason, "new_custom")
        rows = proposal_rows(self.project)
        self.assertEqual(
            [r["confidence"] for r in rows], sorted(r["confidence"] for r in rows)
        )
        bedrooms = next(
            r for r in rows if r["object"] == "customer" and r["column"] == "Bedrooms"
        )
        self.assertEqual(
            bedrooms["new_field"], {"name": "x_tcf_bedrooms", "type": "integer"}
        )
        self.assertIsNone(bedrooms["target_field"])

    def test_confirm_required_then_renamed_columns_land(self):
        project = self._project(renamed_export())
        project.action_discover()
        with self.assertRaises(UserError) as err:
            project.run_now()
        self.assertIn("Not confirmed yet", err.exception.args[0])
        self.assertIn("Customers", err.exception.args[0])
        run = self._run(project)
        self.assertEqual(run.state, "done")
        row = next(r for r in sample_table("customers.csv") if r["Id"] == "10306")
        partner = self._record(project, "customer", "10306")
        self.assertEqual(partner.zip, row["Zip Code"])
        self.assertEqual(partner.email, row["Email"].strip().lower() or False)
        self.assertTrue(partner.mobile)
        self.assertEqual(partner.x_tcf_dirt_level, row["Dirt Level"])
        self.assertEqual(partner.x_source_id, "10306")
        index = [r["Id"] for r in sample_table("customers.csv")].index("10306")
        self.assertEqual(
            partner.website or "",
            f"https://example.com/{index}" if index % 3 == 0 else "",
        )

    def test_propose_for_the_command_line(self):
        projects = self.env["migration.project"].search_count([])
        rows = propose(
            self.env, "the_customer_factor", [("export.zip", sample_bytes())]
        )
        self.assertEqual(self.env["migration.project"].search_count([]), projects + 1)
        self.assertFalse(
            self.env["migration.run"].search(
                [("project_id", "=", rows[0]["project_id"])]
            )
        )
        keys = {
            "project_id",
            "object",
            "object_label",
            "column",
            "fallback_columns",
            "found_as",
            "target_model",
            "target_field",
            "new_field",
            "transform",
            "confidence",
            "reason",
            "skip",
            "required_column",
            "candidates",
            "question",
            "date_order",
            "decimal_comma",
            "null_values",
        }
        self.assertEqual(set(rows[0]), keys)
        by_column = {(r["object"], r["column"]): r for r in rows}
        self.assertEqual(by_column[("customer", "Email")]["target_field"], "email")
        self.assertEqual(by_column[("customer", "Email")]["reason"], "preset")
        self.assertEqual(by_column[("customer", "Dog")]["new_field"]["type"], "boolean")

    def test_wizard_walks_the_steps_in_order(self):
        attachment = self.env["ir.attachment"].create(
            {"name": "export.zip", "raw": sample_bytes()}
        )
        wizard = self.env["migration.import.wizard"].create(
            {
                "platform": "the_customer_factor",
                "files": [(6, 0, attachment.ids)],
                "fallback_user_id": self.fallback.id,
            }
        )
        wizard.action_preview()
        steps = [wizard.step]
        for _step in range(4):
            wizard.action_next()
            steps.append(wizard.step)
        self.assertEqual(steps, ["preview", "map", "setup", "owners", "owners"])
        self.assertTrue(wizard.mapping_line_ids)
        self.assertTrue(
            wizard.custom_field_ids.filtered(
                lambda f: f.target_field == "x_tcf_bedrooms"
            )
        )
        self.assertEqual(
            wizard.stage_field_ids.mapped("pipeline"), ["The Customer Factor"] * 2
        )
        self.assertEqual(wizard.unmatched_owner_count, 8)
        wizard.action_back()
        self.assertEqual(wizard.step, "setup")
        wizard.action_create_custom_fields()
        self.assertIn("x_tcf_bedrooms", self.env["res.partner"]._fields)
        action = wizard.action_run()
        run = self.env["migration.run"].browse(action["res_id"])
        self.assertEqual(run.state, "queued")

    def test_renamed_invoice_estimate_and_state_columns_land(self):
        """A newer export renames invoice dates, the payment method, the state; the
        estimates gain a quantity: none becomes a new field, all land."""
        renamed = {
            "Invoice Date": "Inv Date",
            "Due Date": "Due",
            "Payment Method": "Pay Method",
            "State": "Province/State",
        }
        files = {}
        for member, encoding in (
            ("invoices.csv", "utf-8-sig"),
            ("customers.csv", "utf-8-sig"),
        ):
            rows = sample_table(member, encoding)
            files[member] = to_csv(
                [{renamed.get(k, k): v for k, v in row.items()} for row in rows],
                [renamed.get(name, name) for name in rows[0]],
                encoding,
            )
        estimates = sample_table("estimates.csv", "cp1252")
        for index, row in enumerate(estimates):
            row["Qty"] = str(1 + index % 3)
        files["estimates.csv"] = to_csv(estimates, list(estimates[0]), "cp1252")
        project = self._project(rezip(files))
        project.action_discover()
        for mapping in project.mapping_ids:
            custom = set(
                mapping.field_ids.filtered("is_custom").mapped("source_column")
            )
            self.assertFalse(
                custom & {"Inv Date", "Due", "Pay Method", "Qty", "Province/State"},
                mapping.object_key,
            )
        run = self._run(project)
        self.assertEqual(run.state, "done")
        row = next(r for r in sample_table("invoices.csv") if r["Payment Method"])
        move = self._record(project, "invoice", row["Invoice Id"])
        self.assertEqual(move.invoice_date, parse_date(row["Invoice Date"]))
        self.assertEqual(move.invoice_date_due, parse_date(row["Due Date"]))
        self.assertEqual(move.x_tcf_payment_method, row["Payment Method"])
        estimate = next(
            r for r in estimates if r["Qty"] == "3" and "," not in r["Job Type(s)"]
        )
        order = self._record(project, "estimate", estimate["Estimate Id"])
        self.assertEqual(order.order_line.mapped("product_uom_qty"), [3.0])
        self.assertAlmostEqual(
            order.amount_untaxed, parse_money(estimate["Amount"]), places=1
        )
        customer = next(
            r
            for r in sample_table("customers.csv")
            if r["Id"] == "10231"  # last row of an id wins: this one is unique
        )
        partner = self._record(project, "customer", "10231")
        self.assertEqual(partner.state_id.code, customer["State"])


def test_custom_field_names_in_any_script():
    from types import SimpleNamespace

    from ..engine.proposal import custom_field_name

    preset = SimpleNamespace(custom_prefix="x_tcf_")
    taken = set()
    names = []
    for header in ("Größe", "电话", "Código postal", "Ñandú #", "Телефон", "电子邮件"):
        names.append(custom_field_name(preset, header, taken))
        taken.add(names[-1])
    assert names == [
        "x_tcf_grosse",
        "x_tcf_column_1",
        "x_tcf_codigo_postal",
        "x_tcf_nandu",
        "x_tcf_column_2",
        "x_tcf_column_3",
    ]
    assert custom_field_name(preset, "Gate Code", {"x_tcf_gate_code"}) == (
        "x_tcf_gate_code_2"
    )
