# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Limits on what an upload may cost, set in Settings > Data Migration."""

import contextlib
import io
import tempfile
from pathlib import Path

from odoo.exceptions import UserError

from ..cli.flitstack import Flitstack
from ..readers.tabular import DEFAULT_LIMITS
from .common import MigrationCase, cli_args, sample_bytes


class TestUploadLimits(MigrationCase):
    def test_settings_limit_what_a_project_reads(self):
        Settings = self.env["res.config.settings"]
        defaults = Settings.create({})
        self.assertEqual(defaults.flitstack_max_files, DEFAULT_LIMITS.max_files)
        self.assertEqual(
            defaults.flitstack_max_file_size_mb * 1024 * 1024,
            DEFAULT_LIMITS.max_file_size,
        )
        Settings.create({"flitstack_max_files": 3}).execute()
        self.assertEqual(Settings._flitstack_read_limits().max_files, 3)
        self.assertEqual(Settings.create({}).flitstack_max_files, 3)
        project = self._project()  # the sample: a ZIP of a dozen files
        with self.assertRaisesRegex(UserError, 'raise "Most files in an upload"'):
            project.action_discover()
        self.assertFalse(project.mapping_ids, "nothing read, nothing proposed")
        self.assertEqual(project.state, "draft")
        # raised again: the same upload reads
        Settings.create({"flitstack_max_files": 500}).execute()
        project.action_discover()
        self.assertTrue(project.mapping_ids)

    def test_command_line_options_raise_the_limits(self):
        with tempfile.TemporaryDirectory() as tmp:
            export = Path(tmp, "export.zip")
            export.write_bytes(sample_bytes())
            args = cli_args(
                "propose",
                platform="the_customer_factor",
                input=[export],
                name="Limits",
                max_files=3,
            )
            with self.assertRaisesRegex(UserError, "with a larger --max-files"):
                Flitstack()._propose(self.env, args)
            self.assertFalse(
                self.env["migration.project"]
                .search([("name", "=", "Limits")])
                .mapping_ids
            )
            args = cli_args(
                "propose",
                platform="the_customer_factor",
                input=[export],
                name="Limits",
                max_files=500,
                json=True,
            )
            with contextlib.redirect_stdout(io.StringIO()) as out:
                Flitstack()._propose(self.env, args)
            self.assertTrue(out.getvalue().startswith("["))
