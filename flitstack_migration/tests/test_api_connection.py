# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A platform read from its API, through everything an admin touches: the
connection (keys only Settings administrators read, never shown back, never
written anywhere), "Test connection", the import wizard, the command line with
``--api-url`` and keys from the environment, runs resumed from their last page and
deltas that read only what changed. The platform is the test platform of
``synthetic_api_platform`` over the JobTread emulator."""

import json
import logging
import os
import socket
from unittest import mock

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..readers.api import Connection
from .common import EmulatorCaseMixin, MigrationCase, cli_args
from .synthetic_api_platform import ACCOUNT_ENV, KEY_ENV, PLATFORM
from .test_api_clients import Fault, JobTreadEmulator


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestApiConnection(EmulatorCaseMixin, MigrationCase):
    def setUp(self):
        super().setUp()
        self.emulator = JobTreadEmulator(seed=7)
        self.emulator.start()
        self.addCleanup(self.emulator.stop)
        self.org = self.emulator.organization_ids[0]
        self.accounts = [
            r
            for r in self.emulator.records["account"].values()
            if r.get("organizationId") == self.org
        ]
        self.key = self.emulator.grant_key
        self.project = self.env["migration.project"].create(
            {"name": "Ledgerline", "platform": PLATFORM}
        )
        self.connection = self.project._get_connection()
        self.connection.write({"new_key": self.key, "api_url": self.emulator.url})

    def _land(self, mode="full", **kw):
        self.project._discover()
        self.project._confirm_mapping()
        return self.project.run_now(mode, **kw)

    def _partners(self):
        return self.env["res.partner"].search(
            [("name", "in", [a["name"] for a in self.accounts])]
        )

    # ------------------------------------------------------------------ keys
    def test_key_is_kept_but_never_read_back(self):
        self.assertTrue(self.project.is_api)
        self.assertEqual(self.connection.key, self.key)
        self.assertFalse(self.connection.new_key)
        self.assertEqual(self.connection.key_hint, "••••" + self.key[-4:])
        self.assertEqual(self.connection.key_label, "Ledgerline key")
        self.assertEqual(self.connection.account_label, "Ledger")
        # what the form reads: the hint, never the key
        values = self.connection.web_read(
            {"new_key": {}, "key_hint": {}, "key_label": {}}
        )[0]
        self.assertNotIn(self.key, json.dumps(values))

    def test_only_settings_administrators_read_the_connection(self):
        manager = new_test_user(
            self.env,
            login="migration_manager",
            groups="flitstack_migration.group_migration_manager",
        )
        as_manager = self.project.with_user(manager)
        with self.assertRaises(AccessError):
            self.connection.with_user(manager).read(["api_url"])
        with self.assertRaises(AccessError):
            as_manager.read(["connection_id"])
        with self.assertRaises(UserError):
            as_manager.action_open_connection()
        # the project itself stays readable, and its runs can still read the API
        self.assertEqual(as_manager.name, "Ledgerline")
        self.assertEqual(as_manager._api_connection().credentials["api_key"], self.key)

    # ------------------------------------------------------------------ test
    def test_test_connection_says_what_works(self):
        self.connection.action_test()
        self.assertEqual(self.connection.state, "ok")
        org_name = self.emulator.records["organization"][self.org]["name"]
        self.assertIn(org_name, self.connection.message)
        self.assertEqual(self.project.connection_state, "ok")
        # the same address written again (the wizard does) keeps the result; a
        # new key wants a new test
        self.connection.write({"api_url": self.connection.api_url})
        self.assertEqual(self.connection.state, "ok")
        self.connection.write({"new_key": "another-key"})
        self.assertEqual(self.connection.state, "untested")

    def test_test_connection_says_what_is_wrong(self):
        cases = {
            "bad key": ({"new_key": "22wrong" + "x" * 30}, (), "key"),
            "expired key": ({}, [Fault("expired", at=1)], "expired"),
            "too many requests": (
                {},
                [Fault("429", at=1, times=50, retry_after=0)],
                "too many requests",
            ),
            "unreachable": (
                {"api_url": f"http://127.0.0.1:{_free_port()}"},
                (),
                "could not reach",
            ),
        }
        for case, (values, faults, words) in cases.items():
            with self.subTest(case):
                self.connection.write(
                    dict({"new_key": self.key, "api_url": self.emulator.url}, **values)
                )
                self.emulator.clear_faults()
                for fault in faults:
                    self.emulator.add_fault(fault.kind, **_fault_options(fault))
                self.connection.action_test()
                self.assertEqual(self.connection.state, "failed", case)
                self.assertIn(words, self.connection.message.lower(), case)
                self.assertNotIn(self.key, self.connection.message)

    def test_key_reaching_several_accounts_is_asked_which(self):
        with JobTreadEmulator(seed=8, organizations=2) as emulator:
            self.connection.write(
                {"new_key": emulator.grant_key, "api_url": emulator.url}
            )
            self.connection.action_test()
            self.assertEqual(self.connection.state, "choose")
            self.assertEqual(
                sorted(self.connection.account_ids.mapped("ref")),
                sorted(emulator.organization_ids),
            )
            second = self.connection.account_ids.filtered(
                lambda a: a.ref == emulator.organization_ids[1]
            )
            self.connection.account_id = second
            self.connection.action_test()
            self.assertEqual(self.connection.state, "ok")
            self.assertIn(second.name, self.connection.message)
            self.assertEqual(
                self.project._api_connection().account, emulator.organization_ids[1]
            )

    # ------------------------------------------------------------------ runs
    def test_a_run_reads_the_api_and_the_key_is_written_nowhere(self):
        with self.assertLogs("odoo.addons.flitstack_migration", logging.DEBUG) as logs:
            logging.getLogger("odoo.addons.flitstack_migration").debug("start")
            run = self._land()
        self.assertEqual(run.state, "done")
        partners = self._partners()
        self.assertEqual(len(partners), len(self.accounts))
        line = run.object_ids
        self.assertEqual(line.source_count, len(self.accounts))
        self.assertEqual(line.created_count, len(self.accounts))
        # nowhere: journal, report, chatter, discovery summary, logs
        texts = [
            json.dumps(run._report(), default=str),
            " ".join(
                self.env["migration.log"]
                .search([("project_id", "=", self.project.id)])
                .mapped(lambda r: r.message or "")
            ),
            " ".join(self.project.message_ids.mapped(lambda m: str(m.body))),
            str(self.project.discovery_summary or ""),
            "\n".join(logs.output),
            repr(self.project._api_connection()),
        ]
        for text in texts:
            self.assertNotIn(self.key, text)

    def test_rerun_lands_nothing_twice(self):
        self._land()
        run = self.project.run_now("delta")
        self.assertEqual(len(self._partners()), len(self.accounts))
        self.assertFalse(run.object_ids.created_count)

    def test_an_interrupted_object_goes_on_from_its_last_page(self):
        self.project.write({"batch_size": 5})
        self.connection.write({"api_url": self.emulator.url})
        self.project._discover()
        self.project._confirm_mapping()
        run = self.project._create_run("full", skip_sample=True)
        # slices until the load has begun and stopped part way
        clock = iter(range(0, 10_000, 7))
        with mock.patch(
            "odoo.addons.flitstack_migration.engine.loader.time.monotonic",
            lambda: next(clock),
        ):
            for _slice in range(20):
                run._execute(budget=5)
                line = run.object_ids
                if line and 5 < line.offset < len(self.accounts):
                    break
        line = run.object_ids
        self.assertTrue(5 < line.offset < len(self.accounts), line.offset)
        self.assertEqual(line.resume_token["id"], _nth_account_id(self, line.offset))
        token = dict(line.resume_token)
        self.assertTrue(token["page"])  # stopped past the first page
        before = len(self.emulator.requests_to("pave"))
        run._execute()
        self.assertEqual(run.state, "done")
        self.assertEqual(len(self._partners()), len(self.accounts))
        self.assertEqual(run.object_ids.created_count, len(self.accounts))
        self.assertFalse(run.object_ids.failed_count)
        # the rest was read from the page it stopped on, not from the first page
        resumed = _account_queries(self.emulator.requests_to("pave")[before:])[0]
        self.assertEqual(resumed.get("page"), token["page"])

    def test_a_delta_reads_only_what_changed(self):
        self._land()
        account = self.accounts[0]
        gone = self.accounts[1]
        self.emulator.update("account", account["id"], name="Renamed Builders")
        self.emulator.delete("account", gone["id"])
        added = self.emulator.create(
            "account", name="Newcomer Homes", type="customer", isTaxable=True
        )
        before = len(self.emulator.requests_to("pave"))
        run = self.project.run_now("delta")
        line = run.object_ids
        self.assertEqual(line.source_count, 2)  # the renamed and the new one
        self.assertEqual((line.created_count, line.updated_count), (1, 1))
        self.assertEqual(line.gone_count, 1)
        xids = self.env["ir.model.data"].search(
            [("module", "=", self.project._xid_module()), ("model", "=", "res.partner")]
        )
        names = set(
            self.env["res.partner"].browse(xids.mapped("res_id")).mapped("name")
        )
        self.assertIn("Renamed Builders", names)
        self.assertIn("Newcomer Homes", names)
        self.assertIn(gone["name"], names)  # listed as gone, never deleted
        gone_log = self.env["migration.log"].search(
            [("run_id", "=", run.id), ("operation", "=", "gone")]
        )
        self.assertEqual(gone_log.source_id, gone["id"])
        self.assertIn(
            added,
            self.env["migration.log"]
            .search([("run_id", "=", run.id), ("operation", "=", "create")])
            .mapped("source_id"),
        )
        # the events, then only the records they name: never the whole list again
        queries = _account_queries(self.emulator.requests_to("pave")[before:])
        self.assertTrue(queries)
        for query in queries:
            self.assertEqual(query["where"][:2], ["id", "in"])
            self.assertLessEqual(set(query["where"][2]), {account["id"], added})

    # ------------------------------------------------------------------ wizard
    def test_the_wizard_connects_and_reads(self):
        wizard = self.env["migration.import.wizard"].create(
            {
                "platform": PLATFORM,
                "api_key": self.key,
                "api_url": self.emulator.url,
            }
        )
        self.assertTrue(wizard.is_api)
        self.assertEqual(wizard.key_label, "Ledgerline key")
        wizard.action_test_connection()
        self.assertEqual(wizard.connection_state, "ok")
        self.assertFalse(wizard.api_key)  # the wizard keeps no key
        wizard.action_preview()
        self.assertEqual(wizard.step, "preview")
        self.assertEqual(wizard.project_id.state, "discovered")
        self.assertEqual(wizard.record_count, len(self.accounts))
        self.assertEqual(wizard.project_id.connection_id.key, self.key)

    def test_the_wizard_without_a_key_says_so_and_leaves_no_project(self):
        wizard = self.env["migration.import.wizard"].create({"platform": PLATFORM})
        projects = self.env["migration.project"].search_count([])
        with self.assertRaisesRegex(UserError, "Ledgerline key"):
            wizard.action_preview()
        self.assertEqual(self.env["migration.project"].search_count([]), projects)

    # ------------------------------------------------------------------ CLI
    def test_command_line_reads_keys_from_the_environment(self):
        from ..cli.flitstack import Flitstack

        command = Flitstack()
        args = cli_args(
            "migrate",
            platform=PLATFORM,
            api_url=self.emulator.url,
            name="Ledgerline CLI",
        )
        with (
            mock.patch.dict(os.environ, {KEY_ENV: "", ACCOUNT_ENV: ""}),
            self.assertRaisesRegex(UserError, KEY_ENV),
        ):
            command._migrate(self.env, args)
        with mock.patch.dict(os.environ, {KEY_ENV: self.key, ACCOUNT_ENV: ""}):
            self.assertEqual(command._migrate(self.env, args), 0)
        project = self.env["migration.project"].search(
            [("name", "=", "Ledgerline CLI")]
        )
        self.assertEqual(project.run_ids.object_ids.created_count, len(self.accounts))
        self.assertFalse(project.source_attachment_ids)
        self.assertFalse(project.connection_id)  # environment keys are not stored

    def test_file_platform_refuses_api_url(self):
        from ..cli.flitstack import Flitstack

        args = cli_args("migrate", platform="the_customer_factor", api_url="http://x")
        with self.assertRaisesRegex(UserError, "--input"):
            Flitstack()._migrate(self.env, args)

    def test_connection_repr_hides_the_keys(self):
        connection = Connection(root="http://x", credentials={"api_key": self.key})
        self.assertNotIn(self.key, repr(connection))
        self.assertNotIn(self.key, str(connection))


def _fault_options(fault):
    return {
        name: getattr(fault, name)
        for name in ("at", "times", "retry_after", "hang", "path")
        if getattr(fault, name) is not None
    }


def _nth_account_id(case, offset):
    ordered = sorted(case.accounts, key=lambda a: (a["createdAt"], a["id"]))
    return ordered[offset - 1]["id"]


def _account_queries(requests):
    """The arguments (``$``) of every query of the ``accounts`` connection."""
    found = []
    for request in requests:
        org = ((request.json or {}).get("query") or {}).get("organization") or {}
        if "accounts" in org:
            found.append(org["accounts"].get("$") or {})
    return found
