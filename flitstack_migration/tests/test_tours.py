# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The import wizard in a real browser: Odoo tours in headless Chromium.

The tours are in ``static/tests/tours/import_wizard_tours.js``. The background
job that lands the runs is Odoo's cron, which does not run during tests: the test
calls the job's method between the tours, as the cron would, and checks the
records each tour left behind. A failed tour leaves Odoo's screenshot of the
browser in the ``screenshots`` folder of the configuration (scripts/test.sh:
``.odoo-data/screenshots/``).

A browser test needs Odoo's HTTP server: Odoo's own runner always starts it
with ``--test-enable``; pytest-odoo starts it (on a free port) when given
``--odoo-http``, which scripts/test.sh passes, and skips the test otherwise.
"""

import base64
import io
import logging
import os
import unittest
from collections import Counter
from pathlib import Path
from unittest.mock import patch

from PIL import Image

import odoo.http
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests import common as odoo_test_common

from .common import RunAssertionsMixin, sample_table, table_counts

_logger = logging.getLogger(__name__)

PLATFORM = "the_customer_factor"
#: Set to a folder, the tours' screenshot steps save the page there as NAME.png
#: (scripts/screenshots.sh: the pictures of static/description/).
SCREENSHOTS = os.environ.get("FLITSTACK_TOUR_SCREENSHOTS")
#: What a tour logs to ask for a screenshot, followed by its name.
SCREENSHOT_SIGNAL = "flitstack-screenshot:"
#: Settings > Data Migration > Migration projects, where every tour starts
PROJECTS_URL = "/odoo/action-flitstack_migration.migration_project_action"
#: Seconds a tour may take (Odoo's default of 60 is short for a 2-core machine
#: that runs other test runs at the same time).
TOUR_TIMEOUT = 240


class WizardTourMixin(RunAssertionsMixin):
    """What the tests of the wizard's tours share (with an ``HttpCase``): the asset
    bundles built once, the screenshot mode, the tours run as ``admin``, the
    background job called between them, and the checks of a run's journal."""

    @classmethod
    def setUpClass(cls):
        if os.environ.get("CI") == "true":
            _require_browser()
        super().setUpClass()
        if SCREENSHOTS:
            patcher = _screenshot_patcher(Path(SCREENSHOTS))
            patcher.start()
            cls.addClassCleanup(patcher.stop)
        # The asset bundles the tours' pages load, built once for the class. Odoo's
        # runner builds every bundle before its browser tests; pytest-odoo does not,
        # and the first page of each test would build them, which can take longer
        # than the 60 s Odoo waits for a page to be ready on a busy machine.
        qweb = cls.env["ir.qweb"]
        for bundle in ("web.assets_web", "web.assets_tests"):
            qweb._get_asset_bundle(bundle, css=False, js=True).js()
        qweb._get_asset_bundle("web.assets_web", css=True, js=False).css()
        # Every module's manifest, which Odoo's HTTP server reads on its first static
        # request, read now, in this thread: read there while this thread compiles
        # too, CPython 3.11.7 fails with "SystemError: AST constructor recursion
        # depth mismatch" (two threads in its parser; a tour failed on it).
        cls._statics = odoo.http.root.statics
        # the admin has met OdooBot (mail_bot): no welcome chat on the first page
        admin = cls.env.ref("base.user_admin")
        if "odoobot_state" in admin._fields:
            admin.odoobot_state = "disabled"

    # ------------------------------------------------------------------
    def _tour(self, start_url, name, cookies=None):
        """Run the tour ``name``; ``cookies`` are set for it to read
        (``document.cookie``)."""
        cookies = dict(cookies or {})
        if SCREENSHOTS:  # the cookie turns the tours' screenshot steps on
            cookies["flitstack_screenshots"] = "1"
        self.start_tour(
            start_url,
            name,
            login="admin",
            timeout=TOUR_TIMEOUT,
            cookies=cookies or None,
        )
        # the tour's requests used their own caches: read from the database again
        self.env.invalidate_all()

    def _work_queue(self, limit=200):
        """Call the background job, as the cron does, until no run waits."""
        Run = self.env["migration.run"]
        slices = 0
        while Run.search_count(Run._queue_domain()) and slices < limit:
            Run._cron_process_queue()
            slices += 1
        self.env.invalidate_all()
        return slices

    def _check_journal(self, run):
        """One journal row per record operation, as the run counts them per kind
        of record, and each created record is in Odoo."""
        self.assertTrue(run.object_ids)
        for line in run.object_ids:
            logs = run.log_ids.filtered(
                lambda log, key=line.object_key: log.object_key == key
            )
            ops = Counter(logs.mapped("operation"))
            self.assertEqual(ops["create"], line.created_count, line.object_key)
            self.assertEqual(ops["update"], line.updated_count, line.object_key)
            self.assertEqual(ops["fail"], line.failed_count, line.object_key)
        for log in run.log_ids.filtered(lambda log: log.operation == "create"):
            self.assertTrue(self.env[log.model].browse(log.res_id).exists(), log)


@tagged("post_install", "-at_install")
class TestImportWizardTours(WizardTourMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # an Odoo user for Maria Delgado, a sales rep of the export, whom nothing
        # matches (another email, another name): the tour gives her this user
        cls.maria = new_test_user(
            cls.env,
            login="maria",
            name="Maria D.",
            email="maria.d@example.com",
            groups="base.group_user,sales_team.group_sale_salesman",
        )

    # ------------------------------------------------------------------
    def test_wizard_trial_run_full_run_rollback(self):
        before = table_counts(self.env)
        self.assertFalse(self.env["migration.project"].search([]))

        # 1. upload, what was found, field map, custom fields, owners, trial run
        self._tour(PROJECTS_URL, "flitstack_tcf_wizard")
        project = self.env["migration.project"].search([])
        self.assertEqual(len(project), 1)
        self.assertEqual(
            (project.platform, project.name),
            (PLATFORM, "Migration from The Customer Factor"),
        )
        self.assertEqual(
            project.source_attachment_ids.mapped("name"),
            ["the_customer_factor_sample.zip"],
        )
        self.assertTrue(all(project.mapping_ids.mapped("confirmed")))
        gate_code = project.mapping_line_ids.filtered(
            lambda line: line.source_column == "Gate Code"
        )
        self.assertEqual(gate_code.mapping_id.object_key, "customer")
        self.assertTrue(gate_code.skip, "the tour ticked 'Do not migrate'")
        partner_fields = self.env["res.partner"]._fields
        self.assertIn(
            "x_tcf_bedrooms", partner_fields, "made at the custom fields step"
        )
        self.assertNotIn("x_tcf_gate_code", partner_fields)
        maria_owner = project.owner_ids.filtered(
            lambda owner: owner.source_key.startswith("Maria Delgado")
        )
        self.assertEqual(
            (maria_owner.user_id, maria_owner.match), (self.maria, "manual")
        )
        schema_run = project.run_ids.filtered(lambda run: run.mode == "schema")
        self.assertEqual(schema_run.state, "done", "the custom fields step's run")
        sample_run = project.run_ids - schema_run
        self.assertEqual((sample_run.mode, sample_run.state), ("sample", "queued"))
        self.assertEqual(
            table_counts(self.env)["res_partner"],
            before["res_partner"],
            "nothing lands before the background job runs",
        )

        # the background job lands the trial run
        self.assertGreater(self._work_queue(), 0)
        self.assertEqual(sample_run.state, "done")
        self.assertEqual((project.state, project.sample_state), ("sampled", "pending"))
        self.assertGreater(sample_run.created_count, 0)
        self.assertLessEqual(
            len(sample_run.log_ids.filtered(lambda log: log.object_key == "customer")),
            project.sample_size,
        )
        self._check_journal(sample_run)
        self.assertTrue(sample_run.diff_line_ids)

        # 2. the trial run's field check, approval, full migration
        self._tour(PROJECTS_URL, "flitstack_tcf_trial_approve")
        self.assertEqual(project.sample_state, "approved")
        full_run = project.run_ids - sample_run - schema_run
        self.assertEqual((full_run.mode, full_run.state), ("full", "queued"))
        self._work_queue()
        self.assertEqual(full_run.state, "done")
        self.assertEqual(project.state, "done")
        self._check_journal(full_run)
        customers = sample_table("customers.csv")
        line = full_run.object_ids.filtered(lambda line: line.object_key == "customer")
        self.assertEqual(line.source_count, len(customers))
        landed = [
            row for row in customers if self._record(project, "customer", row["Id"])
        ]
        self.assertGreater(len(landed), 290)  # two nameless ones fail, three repeat
        row = next(row for row in landed if row["Gate Code"] and row["Bedrooms"])
        partner = self._record(project, "customer", row["Id"])
        self.assertEqual(partner.x_tcf_bedrooms, int(row["Bedrooms"]))
        self.assertEqual(partner.email, row["Email"] or False)
        maria_rows = [
            row
            for row in sample_table("prospects.csv")
            if row["Sales Rep"] == "Maria Delgado"
        ]
        self.assertTrue(maria_rows)
        leads = self.env["crm.lead"].concat(
            *(self._record(project, "prospect", row["Id"]) for row in maria_rows)
        )
        self.assertEqual(len(leads), len(maria_rows))
        self.assertEqual(leads.user_id, self.maria, "the owner the tour chose")

        # 3. reconciliation, then the whole project rolled back
        self._tour(PROJECTS_URL, "flitstack_tcf_reconcile_rollback")
        self.assertEqual(project.state, "rolled_back")
        self.assertEqual(
            set((project.run_ids).mapped("state")), {"rolled_back"}, project.run_ids
        )
        self.assertFalse(partner.exists())
        self.assertFalse(leads.exists())
        self.assertNotIn("x_tcf_bedrooms", self.env["res.partner"]._fields)
        self.assertEqual(table_counts(self.env), before, "the rollback leaves nothing")

    def test_broken_file_is_refused_and_nothing_is_written(self):
        before = table_counts(self.env)
        # files, not the images of image fields or the asset bundles of the browser
        files = [("res_field", "=", False), ("url", "not like", "/web/assets/")]
        attachments = self.env["ir.attachment"].search(files).ids
        self._tour(PROJECTS_URL, "flitstack_tcf_broken_file")
        self.assertFalse(self.env["migration.project"].search([]))
        self.assertFalse(self.env["migration.mapping"].search([]))
        self.assertFalse(self.env["migration.log"].search([]))
        after = table_counts(self.env)
        # the uploaded file is kept by the wizard, for another try
        uploaded = self.env["ir.attachment"].search(
            [*files, ("id", "not in", attachments)]
        )
        self.assertEqual(uploaded.mapped("name"), ["notes.csv"])
        self.assertEqual(uploaded.res_model, "migration.import.wizard")
        after["ir_attachment"] -= 1
        self.assertEqual(after, before)


def _require_browser():
    """In CI (``CI=true``), no browser fails the tours: Odoo would skip them."""
    if odoo_test_common.websocket is None:
        raise RuntimeError("websocket-client is not installed: run scripts/setup.sh")
    try:
        odoo_test_common._find_executable()
    except unittest.SkipTest as err:
        raise RuntimeError(f"{err}: run scripts/setup.sh") from err


def _screenshot_patcher(folder):
    """A patch of Odoo's browser: a console message ``SCREENSHOT_SIGNAL + name``
    saves the page as ``folder/name.png`` (256 colours: a few dozen KB)."""
    handle_console = odoo_test_common.ChromeBrowser._handle_console

    def save(future, name):
        try:
            png = base64.b64decode(future.result(timeout=0)["data"])
        except Exception:
            _logger.exception("screenshot %s: not taken", name)
            return
        image = Image.open(io.BytesIO(png)).convert("RGB")
        path = folder / f"{name}.png"
        image.quantize(colors=256).save(path, optimize=True)
        _logger.info("screenshot %s: %s", name, path)

    def patched(browser, type, args=None, **kw):  # pylint: disable=redefined-builtin
        first = browser._from_remoteobject(args[0]) if args else None
        if isinstance(first, str) and first.startswith(SCREENSHOT_SIGNAL):
            name = first[len(SCREENSHOT_SIGNAL) :]
            future = browser._websocket_send("Page.captureScreenshot", with_future=True)
            future.add_done_callback(lambda f: save(f, name))
        return handle_console(browser, type, args=args, **kw)

    folder.mkdir(parents=True, exist_ok=True)
    return patch.object(odoo_test_common.ChromeBrowser, "_handle_console", patched)
