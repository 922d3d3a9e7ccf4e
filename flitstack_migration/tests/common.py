# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import contextlib
import csv
import io
import socket
import zipfile
from urllib.parse import urlsplit

from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tests.common import _super_send
from odoo.tools import SQL
from odoo.tools.misc import file_path

SAMPLE = "flitstack_migration/static/samples/the_customer_factor_sample.zip"

#: Tables whose row counts a rollback must give back exactly.
TOUCHED_TABLES = (
    "res_company",
    "resource_calendar",
    "res_partner",
    "res_partner_category",
    "res_partner_res_partner_category_rel",
    "crm_lead",
    "crm_tag",
    "crm_tag_rel",
    "crm_stage",
    "utm_source",
    "product_template",
    "product_product",
    "sale_order",
    "sale_order_line",
    "account_move",
    "account_move_line",
    "project_project",
    "project_task",
    "project_task_user_rel",
    "mail_message",
    "mail_followers",
    "ir_attachment",
    "ir_model_data",
    "ir_model_fields",
    "ir_ui_view",
)
#: What invoices with payments and meetings write besides (Contractor+ lands them)
PAYMENT_AND_CALENDAR_TABLES = (
    "account_payment",
    "account_partial_reconcile",
    "account_full_reconcile",
    "account_move__account_payment",
    "calendar_event",
    "calendar_attendee",
    "calendar_event_res_partner_rel",
)


def table_counts(env):
    """Row counts of ``TOUCHED_TABLES``, less the project's own chatter, followers
    and files, and the asset bundles Odoo builds when a browser first asks."""
    counts = {}
    env.flush_all()
    for table in TOUCHED_TABLES:
        query = SQL("SELECT count(*) FROM %s", SQL.identifier(table))
        if table == "mail_message":  # the project's own chatter says what happened
            query = SQL("%s WHERE model IS DISTINCT FROM 'migration.project'", query)
        if table == "mail_followers":  # who follows the project (its creator)
            query = SQL(
                "%s WHERE res_model IS DISTINCT FROM 'migration.project'", query
            )
        if table == "ir_attachment":  # the exported files the project keeps
            query = SQL(
                "%s WHERE res_model IS DISTINCT FROM 'migration.project'"
                " AND COALESCE(url, '') NOT LIKE '/web/assets/%%'",
                query,
            )
        env.cr.execute(query)
        counts[table] = env.cr.fetchone()[0]
    return counts


@contextlib.contextmanager
def report_server_out_of_reach(env):
    """wkhtmltopdf, making a PDF, loads the report's CSS from Odoo's HTTP server
    (``report.url``, else ``web.base.url``). Under Odoo's own test runner that
    server runs, in the same process, and the request waits for the test's
    transaction, which waits for wkhtmltopdf: the run hangs. Within this block
    the report's server is a closed port of 127.0.0.1: wkhtmltopdf is refused at
    once and makes the PDF without that CSS, whatever runner runs the test (and
    whatever other Odoo listens on the default port)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free, and closed once the probe is
    params = env["ir.config_parameter"].sudo()
    previous = params.get_param("report.url")
    params.set_param("report.url", f"http://127.0.0.1:{port}")
    try:
        yield
    finally:
        params.set_param("report.url", previous or False)


def sample_bytes():
    with open(file_path(SAMPLE), "rb") as handle:
        return handle.read()


def sample_table(member, encoding="utf-8-sig"):
    """Rows of one file of the sample, read with the csv module (not our reader)."""
    with zipfile.ZipFile(io.BytesIO(sample_bytes())) as archive:
        text = archive.read(member).decode(encoding)
    return list(csv.DictReader(io.StringIO(text, newline="")))


def rezip(replace=None, drop=()):
    """The sample with some members replaced (name → bytes) or dropped."""
    replace = replace or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(sample_bytes())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            if info.filename in drop:
                continue
            data = replace.pop(info.filename, None)
            dst.writestr(info.filename, data if data is not None else src.read(info))
        for name, data in replace.items():
            dst.writestr(name, data)
    return out.getvalue()


def cli_args(action, **options):
    """Arguments of ``odoo-bin flitstack ACTION`` parsed by the command's own parser.

    ``options`` are the flags without their dashes (``sample_size=30`` is
    ``--sample-size 30``): ``None`` or ``False`` leaves a flag out, ``True`` gives it
    alone, a list repeats it.
    """
    from ..cli.flitstack import Flitstack

    argv = [action]
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        for item in value if isinstance(value, list) else [value]:
            if item is None or item is False:
                continue
            argv += [flag] if item is True else [flag, str(item)]
    return Flitstack()._parser().parse_args(argv)


class EmulatorCaseMixin:
    """Lets a test's HTTP requests reach the API emulators on 127.0.0.1 as sent:
    Odoo's test case blocks other hosts, and compares a request's timeout with a
    number (the clients give a ``(connect, read)`` pair)."""

    @classmethod
    def _request_handler(cls, session, request, /, **kw):
        if urlsplit(request.url).hostname in ("127.0.0.1", "localhost"):
            return _super_send(session, request, **kw)
        return super()._request_handler(session, request, **kw)


def to_csv(rows, fieldnames, encoding="utf-8"):
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=fieldnames, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


class RunAssertionsMixin:
    """What a test reads of a run: the record a source record landed in, an
    object's reconciliation line, and that every line balances."""

    def _record(self, project, object_key, source_id):
        """The Odoo record a source record landed in, through the project's keys."""
        from ..engine.loader import xid_name

        return self.env.ref(
            f"{project._xid_module()}.{xid_name(object_key, source_id)}",
            raise_if_not_found=False,
        )

    @staticmethod
    def _object_line(run, key):
        return run.object_ids.filtered(lambda line: line.object_key == key)

    def _assert_balanced(self, run):
        """Each object's source records are all accounted for: created, updated,
        unchanged, failed or repeated."""
        for line in run.object_ids:
            self.assertEqual(
                line.source_count,
                line.created_count
                + line.updated_count
                + line.skipped_count
                + line.failed_count
                + line.duplicate_count,
                line.object_key,
            )


@tagged("post_install", "-at_install")
class MigrationCase(RunAssertionsMixin, TransactionCase):
    """Shared set-up: two employees of the sample have Odoo users, one fallback owner.

    Carlos (a technician, on jobs) and Kevin (a sales rep, on prospects) match by email,
    with a different case than the export's; the other employees and the crews do not.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.carlos = new_test_user(
            cls.env,
            login="carlos",
            email="Carlos.Ramirez@sparkleclean.example",
            name="Carlos Ramírez",
            groups="base.group_user,sales_team.group_sale_salesman",
        )
        cls.kevin = new_test_user(
            cls.env,
            login="kevin",
            email="Kevin.Brooks@sparkleclean.example",
            name="Kevin Brooks",
            groups="base.group_user,sales_team.group_sale_salesman",
        )
        cls.fallback = new_test_user(
            cls.env,
            login="fallback",
            email="office@sparkleclean.example",
            name="Office Manager",
            groups="base.group_user,sales_team.group_sale_salesman",
        )

    def _project(self, data=None, name="sample.zip", **values):
        attachment = self.env["ir.attachment"].create(
            {"name": name, "raw": data if data is not None else sample_bytes()}
        )
        return self.env["migration.project"].create(
            dict(
                {
                    "name": "Test migration",
                    "platform": "the_customer_factor",
                    "source_attachment_ids": [(6, 0, attachment.ids)],
                    "fallback_user_id": self.fallback.id,
                    "tz": "America/Chicago",
                },
                **values,
            )
        )

    def _upload(self, project, data, name="newer.zip"):
        """A newer export in place of the project's files (for the next run)."""
        project.source_attachment_ids = [
            (6, 0, self.env["ir.attachment"].create({"name": name, "raw": data}).ids)
        ]

    def _run(self, project):
        if not project.mapping_ids:
            project.action_discover()
        project.action_confirm_mapping()
        return project.run_now()

    def _table_counts(self):
        return table_counts(self.env)

    def _work_queue(self, limit=200):
        """Call the background job until no run waits; returns how many slices."""
        Run = self.env["migration.run"]
        slices = 0
        while Run.search_count(Run._queue_domain()) and slices < limit:
            Run._cron_process_queue()
            slices += 1
        return slices

    def _object_line(self, run, key):
        return run.object_ids.filtered(lambda line: line.object_key == key)
