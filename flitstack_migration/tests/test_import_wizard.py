# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Customer Factor wizard: upload, preview, run; bad files leave nothing behind."""

from odoo.exceptions import UserError

from .common import MigrationCase, sample_bytes


class TestImportWizard(MigrationCase):
    def _wizard(self, data, name="export.zip"):
        attachment = self.env["ir.attachment"].create({"name": name, "raw": data})
        return self.env["migration.import.wizard"].create(
            {
                "platform": "the_customer_factor",
                "files": [(6, 0, attachment.ids)],
                "fallback_user_id": self.fallback.id,
            }
        )

    def test_upload_preview_run(self):
        wizard = self._wizard(sample_bytes())
        self.assertEqual(wizard.platform, "the_customer_factor")
        action = wizard.action_preview()
        self.assertEqual(
            (action["res_model"], action["res_id"]), (wizard._name, wizard.id)
        )
        self.assertEqual(wizard.step, "preview")
        project = wizard.project_id
        self.assertEqual(project.state, "discovered")
        self.assertIn("Customers", wizard.preview)
        self.assertIn("Contact", wizard.preview)  # plain model names, not res.partner
        self.assertNotIn("res.partner", wizard.preview)
        customers = project.mapping_ids.filtered(lambda m: m.object_key == "customer")
        self.assertEqual(customers.source_count, 300)
        self.assertEqual(
            wizard.record_count, sum(project.mapping_ids.mapped("source_count"))
        )
        self.assertEqual(
            wizard.new_field_count,
            len(project.mapping_ids.field_ids.filtered("is_custom")),
        )
        bedrooms = customers.field_ids.filtered(lambda f: f.source_column == "Bedrooms")
        self.assertEqual(
            (bedrooms.target_field, bedrooms.custom_type), ("x_tcf_bedrooms", "integer")
        )
        action = wizard.action_run()
        run = self.env["migration.run"].browse(action["res_id"])
        self.assertEqual(run.state, "queued")
        self.assertTrue(all(project.mapping_ids.mapped("confirmed")))
        self._work_queue()
        self.assertEqual(run.state, "done")
        self.assertEqual(
            run.created_count + run.failed_count + run.duplicate_count,
            run.source_count,
        )
        report = run.action_download_report()
        self.assertEqual(report["type"], "ir.actions.act_url")
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "migration.run"), ("res_id", "=", run.id)]
        )
        self.assertIn(b'"source_count": 303', attachment.raw)

    def test_custom_fields_then_trial_run(self):
        """The custom fields made at their step do not count as a migration: the
        trial run that the last step offers still starts."""
        wizard = self._wizard(sample_bytes())
        wizard.action_preview()
        wizard.action_next()
        wizard.action_next()
        self.assertEqual(wizard.step, "setup")
        wizard.action_create_custom_fields()
        project = wizard.project_id
        self.assertEqual(project.run_ids.mapped("mode"), ["schema"])
        self.assertIn("x_tcf_bedrooms", self.env["res.partner"]._fields)
        wizard.action_next()
        self.assertEqual(wizard.step, "owners")
        action = wizard.action_trial_run()
        run = self.env["migration.run"].browse(action["res_id"])
        self.assertEqual((run.mode, run.state), ("sample", "queued"))
        self.assertTrue(all(project.mapping_ids.mapped("confirmed")))
        self._work_queue()
        self.assertEqual(run.state, "done")
        self.assertEqual((project.state, project.sample_state), ("sampled", "pending"))
        self.assertLessEqual(
            self._object_line(run, "customer").created_count, project.sample_size
        )

    def test_bad_file_creates_no_project(self):
        projects = self.env["migration.project"].search_count([])
        for name, message in (
            ("things.txt", "looks like a The Customer Factor export"),
            ("notes.csv", 'has no "Note Id", "Id", "Note" column'),
        ):
            wizard = self._wizard(b"Foo,Bar\n1,2\n", name=name)
            # no savepoint here: the wizard itself must leave no project behind
            with self.assertRaises(UserError) as err:
                wizard.action_preview()
            self.assertIn(message, err.exception.args[0])
            self.assertEqual(self.env["migration.project"].search_count([]), projects)
            self.assertFalse(wizard.project_id)
            self.assertEqual(wizard.step, "upload")

    def test_no_file(self):
        wizard = self.env["migration.import.wizard"].create(
            {"platform": "the_customer_factor"}
        )
        with self.assertRaisesRegex(UserError, "Upload the files"):
            wizard.action_preview()
