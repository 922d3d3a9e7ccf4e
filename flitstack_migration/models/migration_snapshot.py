# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A copy of the whole database taken before a full run, to go back to.

Odoo's database manager duplicates a database with ``CREATE DATABASE ... TEMPLATE``
(``odoo.service.db.exp_duplicate_database``), which PostgreSQL allows only when no
one else is connected to the source: that manager first cuts every other connection
(every worker of the server, the cron). From inside a running Odoo that is not
possible, so the snapshot is a ``pg_dump`` of the database (a consistent picture of
what is committed, taken while others work) piped into ``psql`` on a new database,
plus the filestore, hard-linked (its files are never changed, only added).

The copy is not opened by Odoo: connections to it are switched off, so that the
database list, and the cron of a multi-database server, leave it alone. Restoring
means replacing the database Odoo runs on by the copy, which cannot be done while
Odoo runs on it: the restore action gives the exact steps, to run with Odoo stopped.
"""

import logging
import os
import re
import shlex
import shutil
import subprocess
from contextlib import closing

from markupsafe import Markup

import odoo
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, config
from odoo.tools.misc import exec_pg_environ, find_pg_tool, human_size

_logger = logging.getLogger(__name__)

#: PostgreSQL's longest database name.
MAX_NAME = 63
#: How long the dump waits for a lock on a table before giving up (ms).
LOCK_WAIT_MS = 60000


def _postgres_cursor():
    """An autocommit cursor on the server's ``postgres`` database."""
    cr = odoo.sql_db.db_connect("postgres").cursor()
    cr._cnx.autocommit = True
    return closing(cr)


def database_exists(name):
    with _postgres_cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return bool(cr.fetchone())


def drop_database(name):
    """Drop database ``name`` (if it exists) and its filestore."""
    with _postgres_cursor() as cr:
        cr.execute(SQL("DROP DATABASE IF EXISTS %s WITH (FORCE)", SQL.identifier(name)))
    filestore = config.filestore(name)
    if os.path.isdir(filestore):
        shutil.rmtree(filestore, ignore_errors=True)


def management_problem(env):
    """Why this server cannot take snapshots, in a sentence; False when it can."""
    if not config["list_db"]:
        return env._(
            "This server does not allow database management (list_db is off in its "
            "configuration), so no database snapshot can be taken. A rollback uses "
            "the migration's journal."
        )
    try:
        find_pg_tool("pg_dump")
        find_pg_tool("psql")
    except Exception:  # noqa: BLE001 - any reason is the same answer
        return env._(
            "PostgreSQL's pg_dump and psql are not installed on this server, so no "
            "database snapshot can be taken. A rollback uses the migration's journal."
        )
    env.cr.execute(
        "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
    )
    row = env.cr.fetchone()
    if not (row and row[0]):
        return env._(
            "Odoo's database user may not create databases on this server, so no "
            "database snapshot can be taken. A rollback uses the migration's journal."
        )
    return False


class MigrationSnapshot(models.Model):
    """A database snapshot taken before a full run of a project."""

    _name = "migration.snapshot"
    _description = "Data Migration Database Snapshot"
    _order = "id desc"

    project_id = fields.Many2one(
        "migration.project", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="project_id.company_id", store=True)
    run_id = fields.Many2one("migration.run", string="Before run", ondelete="set null")
    name = fields.Char("Database", required=True, readonly=True)
    source_database = fields.Char("Copy of", required=True, readonly=True)
    date = fields.Datetime("Taken on", readonly=True)
    size = fields.Float("Size (bytes)", digits=(20, 0), readonly=True)
    size_display = fields.Char("Size", compute="_compute_size_display")
    state = fields.Selection(
        [
            ("done", "Ready"),
            ("failed", "Failed"),
            ("dropped", "Deleted"),
        ],
        required=True,
        default="done",
        readonly=True,
    )
    message = fields.Text(readonly=True)
    restore_help = fields.Html(
        "How to restore",
        compute="_compute_restore_help",
        sanitize=False,
        groups="base.group_system",
    )

    @api.depends("size")
    def _compute_size_display(self):
        for snapshot in self:
            snapshot.size_display = human_size(snapshot.size) or ""

    # ------------------------------------------------------------------
    # Taking a snapshot
    # ------------------------------------------------------------------
    @api.model
    def _database_name(self, run):
        source = self.env.cr.dbname
        suffix = f"-before-run-{run.id}"
        return source[: MAX_NAME - len(suffix)] + suffix

    @api.model
    def _take(self, run):
        """Copy the database as it is committed now, before ``run`` writes.

        :raises UserError: with the reason, when the copy cannot be made
        """
        problem = management_problem(self.env)
        if problem:
            raise UserError(problem)
        source = self.env.cr.dbname
        name = self._database_name(run)
        # a copy left by an earlier attempt of this run, whose slice failed after it
        drop_database(name)
        self.env.cr.execute(
            "SELECT datcollate, datctype FROM pg_database WHERE datname = %s", [source]
        )
        collate, ctype = self.env.cr.fetchone()
        try:
            with _postgres_cursor() as cr:
                cr.execute(
                    SQL(
                        "CREATE DATABASE %s ENCODING 'unicode' LC_COLLATE %s "
                        "LC_CTYPE %s TEMPLATE template0",
                        SQL.identifier(name),
                        collate,
                        ctype,
                    )
                )
            self._copy(source, name)
            with _postgres_cursor() as cr:
                cr.execute(
                    SQL(
                        "ALTER DATABASE %s WITH ALLOW_CONNECTIONS false",
                        SQL.identifier(name),
                    )
                )
                cr.execute("SELECT pg_database_size(%s)", [name])
                size = cr.fetchone()[0]
            self._link_filestore(source, name)
        except Exception as err:
            _logger.exception("Snapshot of %s into %s failed", source, name)
            drop_database(name)
            raise UserError(
                self.env._(
                    "The database snapshot before the migration could not be taken: "
                    "%(error)s. Nothing was migrated. Switch the snapshot off on the "
                    "project to migrate without one (a rollback then uses the "
                    "journal), or ask the server administrator.",
                    error=str(err).strip() or repr(err),
                )
            ) from err
        _logger.info("Snapshot of %s taken: %s (%s bytes)", source, name, size)
        return self.sudo().create(
            {
                "project_id": run.project_id.id,
                "run_id": run.id,
                "name": name,
                "source_database": source,
                "date": fields.Datetime.now(),
                "size": size,
            }
        )

    @api.model
    def _copy(self, source, target):
        """``pg_dump source | psql target``, in one transaction on the target."""
        env = exec_pg_environ()
        dump = subprocess.Popen(
            [
                find_pg_tool("pg_dump"),
                "--no-owner",
                "--no-privileges",
                f"--lock-wait-timeout={LOCK_WAIT_MS}",
                source,
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        load = subprocess.run(
            [
                find_pg_tool("psql"),
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                f"--dbname={target}",
            ],
            env=env,
            stdin=dump.stdout,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=False,
        )
        dump.stdout.close()
        dump_err = dump.stderr.read()
        dump.wait()
        if dump.returncode:
            raise RuntimeError(
                "pg_dump failed: " + dump_err.decode(errors="replace").strip()
            )
        if load.returncode:
            raise RuntimeError(
                "psql failed: " + load.stderr.decode(errors="replace").strip()
            )

    @api.model
    def _link_filestore(self, source, target):
        """The attachments' files: hard links (a copy across file systems)."""
        origin, copy = config.filestore(source), config.filestore(target)
        if not os.path.isdir(origin):
            return

        def link(src, dst):
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)

        shutil.copytree(origin, copy, copy_function=link, dirs_exist_ok=True)

    # ------------------------------------------------------------------
    # Restore and delete: the server administrator's
    # ------------------------------------------------------------------
    def _check_system(self):
        """The server administrator's only, and only on a copy this addon made (its
        name says the run it was taken before), never on the database Odoo runs on."""
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(
                self.env._(
                    "Only the server administrator (Settings) can restore or delete "
                    "a database snapshot."
                )
            )
        for snapshot in self:
            if snapshot.name == self.env.cr.dbname or not re.search(
                r"-before-run-\d+$", snapshot.name or ""
            ):
                raise AccessError(
                    self.env._(
                        "%(name)s is not a snapshot this addon took.",
                        name=snapshot.name,
                    )
                )

    def _restore_names(self):
        """Names and paths the restore steps use."""
        self.ensure_one()
        stamp = re.sub(r"\D", "", fields.Datetime.to_string(fields.Datetime.now()))
        current = self.source_database
        replaced = f"{current[: MAX_NAME - 24]}-replaced-{stamp}"
        return {
            "current": current,
            "snapshot": self.name,
            "replaced": replaced,
            "filestore": config.filestore(current),
            "snapshot_filestore": config.filestore(self.name),
            "replaced_filestore": config.filestore(replaced),
        }

    def _restore_commands(self):
        """The shell commands that put the snapshot in place of the database."""
        names = self._restore_names()

        def ident(name):
            return '"' + name.replace('"', '""') + '"'

        def sql(statement):
            return f"psql -d postgres -c {shlex.quote(statement)}"

        return [
            sql(
                f"ALTER DATABASE {ident(names['snapshot'])} WITH ALLOW_CONNECTIONS true"
            ),
            sql(
                f"ALTER DATABASE {ident(names['current'])} RENAME TO "
                f"{ident(names['replaced'])}"
            ),
            sql(
                f"ALTER DATABASE {ident(names['snapshot'])} RENAME TO "
                f"{ident(names['current'])}"
            ),
            shlex.join(["mv", names["filestore"], names["replaced_filestore"]]),
            shlex.join(["mv", names["snapshot_filestore"], names["filestore"]]),
        ]

    @api.depends("name", "source_database", "state")
    def _compute_restore_help(self):
        for snapshot in self:
            if snapshot.state != "done":
                snapshot.restore_help = False
                continue
            names = snapshot._restore_names()
            steps = Markup("").join(
                Markup("<li>%s</li>") % step
                for step in (
                    self.env._(
                        "Stop Odoo: every worker and the cron (and any other Odoo "
                        "server using this database)."
                    ),
                    Markup("%s<pre>%s</pre>")
                    % (
                        self.env._(
                            "On the database server, as Odoo's database user (with "
                            "Odoo's connection settings), run:"
                        ),
                        "\n".join(snapshot._restore_commands()),
                    ),
                    self.env._(
                        "Start Odoo again: it opens the snapshot under the name "
                        "%(current)s.",
                        current=names["current"],
                    ),
                )
            )
            snapshot.restore_help = Markup("<p>%s</p><p>%s</p><ol>%s</ol><p>%s</p>") % (
                self.env._(
                    "Restoring puts the whole database back as it was on %(date)s, "
                    "before the migration: the migration goes, and so does everything "
                    "anyone did in Odoo since (orders, invoices, messages, settings), "
                    "in every application, not only the migrated records.",
                    date=fields.Datetime.to_string(snapshot.date),
                ),
                self.env._(
                    "It cannot be done from inside Odoo: the database Odoo runs on "
                    "cannot be replaced while Odoo is connected to it. The current "
                    "database is not dropped: it is renamed to %(replaced)s, so that "
                    "nothing is lost until you drop it yourself.",
                    replaced=names["replaced"],
                ),
                steps,
                self.env._(
                    "If only the migrated records must go, roll the migration back "
                    "instead: it uses the journal and keeps everyone's work."
                ),
            )

    def action_restore(self):
        """What restoring means, and the exact steps (the server administrator's)."""
        self.ensure_one()
        self._check_system()
        if self.state != "done" or not database_exists(self.name):
            raise UserError(
                self.env._(
                    "The snapshot %(name)s is not on the database server any more.",
                    name=self.name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Restore %(name)s", name=self.name),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "flitstack_migration.migration_snapshot_view_restore"
                    ).id,
                    "form",
                )
            ],
            "target": "new",
        }

    def action_drop(self):
        """Delete the snapshot's database and files (the server administrator's)."""
        self._check_system()
        for snapshot in self.filtered(lambda s: s.state == "done"):
            drop_database(snapshot.name)
            snapshot.sudo().state = "dropped"
            snapshot.project_id.message_post(
                body=self.env._(
                    "%(user)s deleted the database snapshot %(name)s.",
                    user=self.env.user.name,
                    name=snapshot.name,
                )
            )
        return True
