# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A database snapshot before a full run, where the server allows it."""

import html
import uuid
from contextlib import closing
from unittest.mock import patch

import odoo
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user
from odoo.tools import SQL, config

from ..models.migration_snapshot import database_exists, drop_database
from .common import MigrationCase, sample_table

MARKER = "flitstack_migration.test_snapshot_marker"


class TestSnapshot(MigrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_name = sample_table("customers.csv")[0]["Customer Name"]
        cls.admin = cls.env.ref("base.user_admin")

    def _committed(self, query, params=()):
        """Run ``query`` on this database in a transaction of its own, committed."""
        with closing(odoo.sql_db.db_connect(self.env.cr.dbname).cursor()) as cr:
            cr.execute(query, params)
            # the snapshot copies what is committed: the test's own transaction is not
            cr.commit()  # pylint: disable=invalid-commit

    def _query_copy(self, name, query, params=()):
        """Run ``query`` on the snapshot ``name``, opened for the test only."""
        with closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
            cr._cnx.autocommit = True
            cr.execute(
                SQL(
                    "ALTER DATABASE %s WITH ALLOW_CONNECTIONS true",
                    SQL.identifier(name),
                )
            )
        try:
            with closing(odoo.sql_db.db_connect(name).cursor()) as cr:
                cr.execute(query, params)
                return cr.fetchall()
        finally:
            odoo.sql_db.close_db(name)

    def test_a_full_run_takes_a_snapshot_first_when_asked(self):
        # data committed before the run: the snapshot must have it
        marker = uuid.uuid4().hex
        self._committed(
            "INSERT INTO ir_config_parameter (key, value) VALUES (%s, %s)",
            (MARKER, marker),
        )
        self.addCleanup(
            self._committed,
            "DELETE FROM ir_config_parameter WHERE key = %s",
            (MARKER,),
        )
        project = self._project()
        self.assertFalse(project.snapshot_problem)
        project.snapshot_before_run = True
        run = self._run(project)
        snapshot = project.snapshot_ids
        self.assertEqual(len(snapshot), 1)
        self.addCleanup(drop_database, snapshot.name)
        self.assertEqual(
            (snapshot.run_id, snapshot.state, snapshot.source_database),
            (run, "done", self.env.cr.dbname),
        )
        self.assertTrue(database_exists(snapshot.name))
        self.assertGreater(snapshot.size, 1024 * 1024)
        self.assertTrue(snapshot.size_display)
        self.assertGreater(run.created_count, 2000)
        # the copy holds the data as it was before the run, not what the run made
        self.assertEqual(
            self._query_copy(
                snapshot.name,
                "SELECT value FROM ir_config_parameter WHERE key = %s",
                (MARKER,),
            ),
            [(marker,)],
        )
        self.assertEqual(
            self._query_copy(
                snapshot.name,
                "SELECT count(*) FROM res_partner WHERE name = %s",
                (self.customer_name,),
            ),
            [(0,)],
        )
        self.assertTrue(
            self.env["res.partner"].search_count([("name", "=", self.customer_name)])
        )
        # the project says it on its chatter
        self.assertTrue(
            any(snapshot.name in (m.body or "") for m in project.message_ids)
        )

        # restoring is the server administrator's: what it means, and the steps
        manager = new_test_user(
            self.env,
            login="migration_manager",
            groups="base.group_user,flitstack_migration.group_migration_manager",
        )
        with self.assertRaises(AccessError):
            snapshot.with_user(manager).action_restore()
        action = snapshot.with_user(self.admin).action_restore()
        self.assertEqual(
            action["views"][0][0],
            self.env.ref("flitstack_migration.migration_snapshot_view_restore").id,
        )
        help_html = html.unescape(snapshot.with_user(self.admin).restore_help)
        self.assertIn("Stop Odoo", help_html)
        self.assertIn(f'RENAME TO "{self.env.cr.dbname}"', help_html)
        self.assertIn("-replaced-", help_html)
        self.assertIn("everything anyone did in Odoo since", help_html)

        # deleting it drops the copy
        snapshot.with_user(self.admin).action_drop()
        self.assertEqual(snapshot.state, "dropped")
        self.assertFalse(database_exists(snapshot.name))

    def test_no_snapshot_unless_asked(self):
        project = self._project()
        self._run(project)
        self.assertFalse(project.snapshot_ids)

    def test_refused_plainly_where_database_management_is_not_allowed(self):
        project = self._project()
        project.action_discover()
        project.action_confirm_mapping()
        with patch.dict(config.options, {"list_db": False}):
            self.assertIn(
                "does not allow database management", project.snapshot_problem
            )
            self.assertIn("journal", project.snapshot_problem)
            with self.assertRaisesRegex(ValidationError, "list_db is off"):
                project.snapshot_before_run = True
                self.env.flush_all()
        # switched on while allowed, the server forbids it later: the run refuses to
        # start without the snapshot it was asked for, and says why
        project.snapshot_before_run = True
        with (
            patch.dict(config.options, {"list_db": False}),
            self.assertRaisesRegex(UserError, "does not allow database"),
        ):
            project.run_now()
        self.assertFalse(self._record(project, "customer", "10231"))
        self.assertFalse(project.snapshot_ids)
        failed = project.run_ids
        self.assertEqual(failed.state, "failed")
        self.assertIn("list_db is off", failed.error_message)
        # without the snapshot, the migration and its journal rollback go on
        project.snapshot_before_run = False
        run = project.run_now()
        self.assertGreater(run.created_count, 2000)
        project._rollback()
        self.assertFalse(self._record(project, "customer", "10231"))

    def test_only_a_copy_the_addon_made_can_be_restored_or_dropped(self):
        project = self._project()
        Snapshot = self.env["migration.snapshot"].sudo()
        for name in (self.env.cr.dbname, "postgres"):
            snapshot = Snapshot.create(
                {"project_id": project.id, "name": name, "source_database": name}
            )
            with self.assertRaises(AccessError):
                snapshot.with_user(self.admin).action_drop()
            with self.assertRaises(AccessError):
                snapshot.with_user(self.admin).action_restore()
        self.assertTrue(database_exists(self.env.cr.dbname))
