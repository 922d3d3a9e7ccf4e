"""Only Settings administrators create and run migrations; viewers only read."""

from odoo.exceptions import AccessError
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
