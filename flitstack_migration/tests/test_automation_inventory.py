# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The automation inventory: pure lines from a reader, the model, its PDF and CSV."""

import csv
import io

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from ..engine import inventory
from ..presets.contractor_plus import PRESET as CP_PRESET
from ..presets.the_service_program import PRESET as TSP_PRESET
from ..readers.contractor_plus import ContractorPlusReader
from ..readers.the_service_program import TheServiceProgramReader
from .common import report_server_out_of_reach
from .platform_samples import sample_bytes, sample_rows

REPORT = "flitstack_migration.report_migration_automation"


def cp_reader():
    return ContractorPlusReader(
        CP_PRESET, [("cp.zip", sample_bytes("contractor_plus"))]
    )


def tsp_reader():
    return TheServiceProgramReader(
        TSP_PRESET, [("tsp.zip", sample_bytes("the_service_program"))]
    )


@tagged("post_install", "-at_install")
class TestAutomationInventory(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Automation = cls.env["migration.automation"]

    def _project(self, platform, **values):
        return self.env["migration.project"].create(
            dict({"name": f"Inventory {platform}", "platform": platform}, **values)
        )

    def test_lines_from_the_contractor_plus_export(self):
        exported = sample_rows("contractor_plus", "automations.csv")
        with cp_reader() as source:
            automations = source.automation_inventory()
            lines = inventory.inventory_lines(automations)
        self.assertEqual(
            [line["name"] for line in lines], [r["Name"] for r in exported]
        )
        for line, row in zip(lines, exported, strict=True):
            steps = [s for s in row["Steps"].split(" > ") if s.strip()]
            self.assertEqual(line["steps"], steps)
            self.assertEqual(line["step_count"], len(steps))
            self.assertEqual(line["effort"] == "high", len(steps) > 3, line["name"])
            self.assertEqual(line["origin"], "export")
            self.assertEqual(line["active"], row["Status"] != "Paused")
        by_name = {line["name"]: line for line in lines}
        self.assertEqual(by_name["New lead welcome"]["kind"], "email_sequence")
        self.assertEqual(
            by_name["Estimate cover letter"]["odoo_feature"], "mail_template"
        )
        self.assertEqual(
            by_name["Estimate follow-up"]["odoo_feature"], "automated_action"
        )
        self.assertEqual(by_name["Appointment reminder"]["effort"], "low")
        self.assertEqual(by_name["Thank-you after job"]["effort"], "medium")
        self.assertEqual(inventory.summary(lines)["high_effort"], 3)

    def test_feature_suggestions(self):
        self.assertEqual(
            inventory.suggest_feature("workflow", "Manual", ["Send invoice"]),
            "server_action",
        )
        self.assertEqual(
            inventory.suggest_feature(
                "automation",
                "Job won",
                ["Create follow-up task", "Wait 2 days", "Call"],
            ),
            "activity_plan",
        )
        self.assertEqual(inventory.normalize_kind("Action Plan"), "action_plan")
        self.assertEqual(inventory.normalize_kind("Drip campaign"), "email_sequence")
        self.assertEqual(inventory.effort(1, "", ["Wait 1 day"]), "medium")

    def test_model_pdf_and_csv(self):
        project = self._project("contractor_plus")
        with cp_reader() as source:
            records = self.Automation._build_automation_inventory(project, source)
            exported = source.automation_inventory()
        manual = records.filtered(lambda r: r.origin == "manual")
        from_export = records - manual
        self.assertEqual(len(from_export), len(exported))
        self.assertEqual(len(manual), len(ContractorPlusReader.automation_checklist))
        follow_up = from_export.filtered(lambda r: r.name == "Estimate follow-up")
        self.assertEqual(follow_up.step_count, 5)
        self.assertEqual(follow_up.effort, "high")
        self.assertEqual(follow_up.source_kind, "automation")
        self.assertEqual(follow_up.company_id, project.company_id)
        self.assertEqual(len(follow_up.steps.splitlines()), 5)
        # building again replaces the list
        with cp_reader() as source:
            again = self.Automation._build_automation_inventory(project, source)
        self.assertFalse(records.exists())
        self.assertEqual(len(again), len(records))
        # CSV
        action = again.action_download_csv()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        table = list(csv.reader(io.StringIO(attachment.raw.decode("utf-8-sig"))))
        self.assertEqual(
            table[0][:3], ["Project", "Automation", "Kind in the old system"]
        )
        self.assertEqual(len(table), len(again) + 1)
        row = next(r for r in table if r[1] == "Estimate follow-up")
        self.assertEqual(
            row[7:],
            ["5", "3 days after sending, then 4 days", "Automated action", "High"],
        )
        # PDF (HTML in tests; a real PDF when wkhtmltopdf is there)
        html, kind = self.env["ir.actions.report"]._render_qweb_html(REPORT, again.ids)
        self.assertEqual(kind, "html")
        text = html.decode()
        self.assertIn("Automations to rebuild", text)
        self.assertIn("Estimate follow-up", text)
        self.assertIn("Send SMS reminder", text)
        self.assertNotIn('name="none_exposed"', text)
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() == "ok":
            with report_server_out_of_reach(self.env):
                pdf, kind = (
                    self.env["ir.actions.report"]
                    .with_context(force_report_rendering=True)
                    ._render_qweb_pdf(REPORT, again.ids)
                )
            self.assertEqual(kind, "pdf")
            self.assertTrue(pdf.startswith(b"%PDF"))
        action = again.action_print()
        if action["type"] == "ir.actions.report":
            self.assertEqual(action["report_name"], REPORT)
        else:  # the company's document layout is asked for first
            self.assertEqual(action["res_model"], "base.document.layout")

    def test_service_program_exposes_none(self):
        project = self._project("the_service_program")
        with tsp_reader() as source:
            records = self.Automation._build_automation_inventory(project, source)
        self.assertEqual(set(records.mapped("origin")), {"manual"})
        self.assertEqual(
            records.mapped("name"),
            [c["name"] for c in TheServiceProgramReader.automation_checklist],
        )
        self.assertIn("Recurring service schedules", records.mapped("name"))
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            REPORT, records.ids
        )
        text = html.decode()
        self.assertIn("exposes no automation", text)
        self.assertIn("QuickBooks sync", text)
        table = list(
            csv.reader(io.StringIO(records._inventory_csv().decode("utf-8-sig")))
        )
        self.assertEqual({row[3] for row in table[1:]}, {"To check by hand"})

    def test_access_and_companies(self):
        project = self._project("contractor_plus")
        with cp_reader() as source:
            records = self.Automation._build_automation_inventory(project, source)
        viewer = new_test_user(
            self.env,
            login="inventory_viewer",
            groups="flitstack_migration.group_migration_viewer",
        )
        self.assertEqual(
            records.with_user(viewer).mapped("name"), records.mapped("name")
        )
        with self.assertRaises(AccessError):
            self.Automation.with_user(viewer).create(
                {"project_id": project.id, "name": "x", "source_kind": "workflow"}
            )
        other = self.env["res.company"].create({"name": "Other company"})
        outsider = new_test_user(
            self.env,
            login="inventory_outsider",
            groups="flitstack_migration.group_migration_viewer",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        visible = self.Automation.with_user(outsider).search(
            [("project_id", "=", project.id)]
        )
        self.assertFalse(visible)
