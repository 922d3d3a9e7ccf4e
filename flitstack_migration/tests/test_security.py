# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Only Settings administrators create and run migrations; viewers only read, and
only their companies' data; the journal is the engine's."""

from odoo.exceptions import AccessError
from odoo.service.model import get_public_method
from odoo.tests import new_test_user

from .common import MigrationCase


class TestSecurity(MigrationCase):
    def test_access_by_group(self):
        project = self._project()
        project.action_discover()
        viewer = new_test_user(
            self.env,
            login="viewer",
            groups="base.group_user,flitstack_migration.group_migration_viewer",
        )
        salesman = new_test_user(self.env, login="sales", groups="base.group_user")
        admin = new_test_user(
            self.env, login="settings_admin", groups="base.group_user,base.group_system"
        )
        self.assertTrue(admin.has_group("flitstack_migration.group_migration_manager"))
        self.assertEqual(project.with_user(viewer).name, project.name)
        self.assertTrue(project.with_user(viewer).mapping_ids)
        with self.assertRaises(AccessError):
            project.with_user(viewer).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.env["migration.project"].with_user(viewer).create(
                {"name": "x", "platform": "the_customer_factor"}
            )
        with self.assertRaises(AccessError):
            project.with_user(salesman).read(["name"])
        with self.assertRaises(AccessError):
            self.env["migration.log"].with_user(salesman).search([])
        created = (
            self.env["migration.project"]
            .with_user(admin)
            .create({"name": "By the admin", "platform": "the_customer_factor"})
        )
        self.assertEqual(created.create_uid, admin)

    def test_other_company_projects_are_hidden(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        project = self._project(company_id=other.id)
        admin = new_test_user(
            self.env,
            login="admin_main",
            groups="base.group_user,base.group_system",
            company_id=self.env.company.id,
            company_ids=[(6, 0, self.env.company.ids)],
        )
        self.assertFalse(
            self.env["migration.project"]
            .with_user(admin)
            .search([("id", "=", project.id)])
        )

    def test_source_data_of_another_company_is_hidden(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        project = self._project(company_id=other.id)
        project.action_discover()
        run = self.env["migration.run"].create(
            {"project_id": project.id, "state": "done"}
        )
        self.env["migration.run.object"].create(
            {"run_id": run.id, "object_key": "customer", "name": "C", "model": "x"}
        )
        self.env["migration.diff.line"].create(
            {"run_id": run.id, "object_key": "customer", "status": "match"}
        )
        self.env["migration.log"].sudo().create(
            {"run_id": run.id, "project_id": project.id, "operation": "fail"}
        )
        viewer = new_test_user(
            self.env,
            login="viewer_main",
            groups="base.group_user,flitstack_migration.group_migration_viewer",
            company_id=self.env.company.id,
            company_ids=[(6, 0, self.env.company.ids)],
        )
        to_project = {
            "migration.project": "id",
            "migration.run": "project_id",
            "migration.run.object": "run_id.project_id",
            "migration.mapping": "project_id",
            "migration.mapping.field": "project_id",
            "migration.value.map": "field_id.project_id",
            "migration.owner": "project_id",
            "migration.log": "project_id",
            "migration.diff.line": "project_id",
        }
        for name, path in to_project.items():
            domain = [(path, "=", project.id)]
            self.assertTrue(self.env[name].search_count(domain), name)
            self.assertFalse(self.env[name].with_user(viewer).search(domain), name)

    def test_the_journal_is_written_by_the_engine_only(self):
        project = self._project()
        run = self.env["migration.run"].create({"project_id": project.id})
        manager = new_test_user(
            self.env,
            login="manager",
            groups="base.group_user,flitstack_migration.group_migration_manager",
        )
        Log = self.env["migration.log"].with_user(manager)
        with self.assertRaises(AccessError):
            Log.create(
                {"run_id": run.id, "project_id": project.id, "operation": "skip"}
            )
        log = Log.sudo().create(
            {"run_id": run.id, "project_id": project.id, "operation": "skip"}
        )
        with self.assertRaises(AccessError):
            log.with_user(manager).write({"operation": "create"})
        with self.assertRaises(AccessError):
            log.with_user(manager).unlink()

    def test_no_method_taking_a_server_path_is_callable_from_the_client(self):
        project = self._project()
        with self.assertRaises(AccessError):
            get_public_method(project, "run_now")

    def test_a_viewer_downloads_reports_without_storing_them_again(self):
        project = self._project()
        run = self.env["migration.run"].create(
            {"project_id": project.id, "state": "done"}
        )
        viewer = new_test_user(
            self.env,
            login="viewer_dl",
            groups="base.group_user,flitstack_migration.group_migration_viewer",
        )
        for _download in range(3):
            action = run.with_user(viewer).action_download_reconciliation_csv()
            run.with_user(viewer).action_download_report()
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "migration.run"), ("res_id", "=", run.id)]
        )
        self.assertEqual(len(attachments), 2)
        csv_file = attachments.filtered(lambda a: a.name.endswith(".csv"))
        self.assertIn(str(csv_file.id), action["url"])
        self.assertTrue(csv_file.with_user(viewer).raw)
