# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``odoo-bin flitstack``: run the migration engine headless.

    odoo-bin --addons-path=... flitstack migrate -c odoo.conf -d DB \\
        --platform the_customer_factor --input export.zip --report report.json \\
        [--mode sample|full|delta] [--sample-size 100] [--diff diff.csv] \\
        [--min-confidence 0.7] [--map map.json] [--file NAME=OBJECT ...]
    odoo-bin --addons-path=... flitstack propose -c odoo.conf -d DB \\
        --platform the_customer_factor --input export.zip --json > map.json
    JOBTREAD_GRANT_KEY=... odoo-bin --addons-path=... flitstack migrate \
        -c odoo.conf -d DB --platform jobtread --api-url https://api.jobtread.com
    odoo-bin --addons-path=... flitstack rollback -c odoo.conf -d DB --project 3

A platform with an API reads its keys from the environment (never from the command
line, which every user of the server can see): ``JOBTREAD_GRANT_KEY`` (and
``JOBTREAD_ORGANIZATION_ID`` when the key reaches several organizations),
``CLIENTTETHER_ACCESS_TOKEN`` and ``CLIENTTETHER_WEB_KEY``.

Options this command does not know (``-c``, ``-d``, ``--db_host``...) are Odoo's.
A run is one transaction: it lands whole, or (on bad input) writes nothing.
"""

# pylint: disable=print-used
# (a command-line command: its output is the terminal's, not a log's)
import argparse
import dataclasses
import json
import logging
import os
import sys
from pathlib import Path

import odoo
from odoo.cli import Command
from odoo.exceptions import UserError
from odoo.tools import config

from ..engine.proposal import MIN_CONFIDENCE, apply_map, propose
from ..engine.report import DIFF_CSV_FIELDS, DIFF_CSV_HEADER, SafeWriter
from ..engine.rollback_check import SHOWN, RollbackCheck
from ..engine.sample import MAX_SIZE
from ..presets import base as presets
from ..readers.api import Connection
from ..readers.base import get_reader_class

_logger = logging.getLogger(__name__)

MB = 1024 * 1024
#: Options raising (or lowering) a limit of ``ReadLimits``: flag → (limit, unit,
#: help). Sizes are in megabytes.
LIMIT_FLAGS = {
    "--max-file-size": ("max_file_size", "MB", "largest file, in MB"),
    "--max-archive-size": (
        "max_archive_size",
        "MB",
        "largest size a ZIP may expand to, in MB",
    ),
    "--max-compression-ratio": (
        "max_compression_ratio",
        "N",
        "how many times larger a file of a ZIP may be once expanded",
    ),
    "--max-line-length": ("max_line_length", "N", "longest line, in characters"),
    "--max-cell-length": ("max_cell_length", "N", "longest value, in characters"),
    "--max-files": ("max_files", "N", "most files in an upload"),
}


class Flitstack(Command):
    """Migrate a business from its old CRM into Odoo (migrate, rollback)"""

    name = "flitstack"

    def _parser(self):
        parser = argparse.ArgumentParser(
            prog="odoo-bin flitstack",
            description="Migrate a business from its old CRM into Odoo.",
        )
        sub = parser.add_subparsers(dest="action", required=True)
        migrate = sub.add_parser("migrate", help="read an export and land it in Odoo")
        migrate.add_argument(
            "--platform", required=True, choices=[p for p, _l in presets.platforms()]
        )
        migrate.add_argument(
            "--input",
            action="append",
            type=Path,
            help="export file (.zip, .csv, .xlsx); repeat for several files",
        )
        migrate.add_argument("--project", type=int, help="id of an existing project")
        migrate.add_argument(
            "--name",
            help="project name (a project of that name and platform is reused)",
        )
        migrate.add_argument("--report", type=Path, help="write the JSON report here")
        migrate.add_argument(
            "--pdf",
            type=Path,
            help="write the reconciliation report, with its charts, as PDF here "
            "(needs wkhtmltopdf)",
        )
        migrate.add_argument(
            "--mode",
            choices=("sample", "full", "delta"),
            default="full",
            help="sample: a trial run of representative records; full (default): "
            "everything, without waiting for a trial run to be approved; delta: only "
            "what is new or changed since the last run",
        )
        migrate.add_argument(
            "--sample-size",
            type=int,
            help="records in a trial run (default 100, at most 500)",
        )
        migrate.add_argument(
            "--diff",
            type=Path,
            help="write the field-level diff (every field checked, matches included) "
            "as CSV here",
        )
        migrate.add_argument("--batch-size", type=int)
        migrate.add_argument(
            "--fallback-owner", help="login or email of the fallback owner"
        )
        migrate.add_argument(
            "--choose",
            action="append",
            metavar="OBJECT",
            help="migrate an object that is a choice too (the wizard's \"Your "
            'choice"), e.g. account_company: each ClientTether account an Odoo '
            "company; repeat for several",
        )
        migrate.add_argument(
            "--map",
            type=Path,
            help="an edited field map, in the shape `flitstack propose --json` "
            "prints: each row's column, found_as, target_field (or new_field) and "
            "skip are applied before the map is confirmed",
        )
        proposer = sub.add_parser(
            "propose", help="read an export and print the proposed field map"
        )
        for parser_ in (migrate, proposer):
            limits = parser_.add_argument_group(
                "limits on what an upload may cost (default: the Settings > Data "
                "Migration values)"
            )
            for flag, (name, unit, helptext) in LIMIT_FLAGS.items():
                limits.add_argument(
                    flag, dest=name, type=int, metavar=unit, help=helptext
                )
            parser_.add_argument(
                "--min-confidence",
                type=float,
                help="a column the migration needs (an id, a link to a customer) "
                "that the files do not have under a known name is read from the "
                "likeliest other column when the proposal is at least this sure of "
                "it (0 to 1; default: the project's setting, "
                f"{MIN_CONFIDENCE} for a new project); otherwise the command stops "
                "with the columns not found and their candidates",
            )
            parser_.add_argument(
                "--file",
                action="append",
                default=[],
                metavar="NAME=OBJECT",
                help="read file NAME as OBJECT (an object key such as customer, "
                "prospect, job, invoice) instead of the guess; OBJECT empty or "
                "'aside' leaves the file aside; repeat for several files",
            )
        proposer.add_argument(
            "--platform", required=True, choices=[p for p, _l in presets.platforms()]
        )
        proposer.add_argument("--input", action="append", type=Path)
        for parser_ in (migrate, proposer):
            parser_.add_argument(
                "--api-url",
                metavar="ROOT",
                help="read a platform that has an API (jobtread, clienttether) "
                "from this address instead of export files (e.g. "
                "https://api.jobtread.com); its keys are read from the environment "
                "(JOBTREAD_GRANT_KEY, JOBTREAD_ORGANIZATION_ID, "
                "CLIENTTETHER_ACCESS_TOKEN, CLIENTTETHER_WEB_KEY), never from the "
                "command line; without --input or --api-url, the project's saved "
                "connection is used",
            )
        proposer.add_argument(
            "--name", help="name of the project the proposal is kept in"
        )
        proposer.add_argument("--json", action="store_true", help="print JSON")
        rollback = sub.add_parser("rollback", help="undo a project's runs (or one run)")
        rollback.add_argument("--project", type=int, required=True)
        rollback.add_argument(
            "--run", type=int, help="only this run (the newest first)"
        )
        rollback.add_argument(
            "--check",
            action="store_true",
            help="only print what people did since the migration that a rollback "
            "would touch (records used, posted, changed, written on, deleted)",
        )
        rollback.add_argument(
            "--keep-touched",
            action="store_true",
            help="when the check finds such records, roll back the rest and keep "
            "them (and what they need); without it, nothing is rolled back",
        )
        return parser

    def run(self, cmdargs):
        own, odoo_args = self._parser().parse_known_args(cmdargs)
        config.parse_config(odoo_args, setup_logging=True)
        dbname = config["db_name"]
        if not dbname or "," in dbname:
            sys.exit("Give the database with -d DATABASE.")
        registry = odoo.modules.registry.Registry(dbname)
        try:
            with registry.cursor() as cr:
                env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
                if "migration.project" not in env:
                    sys.exit(
                        f"The addon flitstack_migration is not installed in {dbname}."
                    )
                code = getattr(self, f"_{own.action}")(env, own)
        except UserError as err:
            print(f"Error: {err.args[0]}", file=sys.stderr)
            sys.exit(2)
        sys.exit(code)

    # ------------------------------------------------------------------
    def _project(self, env, args):
        Project = env["migration.project"]
        if args.project:
            project = Project.browse(args.project).exists()
            if not project:
                raise UserError(
                    env._("There is no migration project %(id)s.", id=args.project)
                )
            return project
        label = dict(presets.platforms())[args.platform]
        name = args.name or f"Migration from {label}"
        project = Project.search(
            [("name", "=", name), ("platform", "=", args.platform)], limit=1
        )
        return project or Project.create({"name": name, "platform": args.platform})

    @staticmethod
    def _with_limits(env, args):
        """``env`` whose projects read with the limits the options give."""
        limits = env["res.config.settings"]._flitstack_read_limits()
        changes = {}
        for name, unit, _help in LIMIT_FLAGS.values():
            value = getattr(args, name, None)
            if value is not None:
                if value <= 0:
                    raise UserError(
                        env._("--%(flag)s: give a number above 0.", flag=name)
                    )
                changes[name] = value * (MB if unit == "MB" else 1)
        return env(
            context=dict(
                env.context,
                flitstack_read_limits=dataclasses.replace(limits, **changes),
                flitstack_limit_flags=True,
            )
        )

    @staticmethod
    def _api_source(env, args, project=None):
        """The :class:`Connection` of a platform read from its API: the address
        of ``--api-url`` and the keys of the environment; without them, the
        project's saved connection; None for a platform read from files."""
        cls = get_reader_class(args.platform)
        if args.input or cls is None or not cls.api:
            if getattr(args, "api_url", None) and not args.input:
                raise UserError(
                    env._(
                        "%(platform)s is read from export files: give them with "
                        "--input.",
                        platform=args.platform,
                    )
                )
            return None
        found = {c.name: os.environ.get(c.env, "").strip() for c in cls.credentials}
        if not args.api_url and not any(found.values()) and project:
            return project._api_connection()
        missing = [c.env for c in cls.credentials if c.required and not found[c.name]]
        if missing:
            raise UserError(
                env._(
                    "Set %(names)s in the environment to read %(platform)s from its "
                    "API (keys are never given on the command line), or give its "
                    "export files with --input.",
                    names=" and ".join(missing),
                    platform=args.platform,
                )
            )
        account = os.environ.get(cls.account_env, "").strip() if cls.account_env else ""
        return Connection(
            root=args.api_url or None,
            credentials=found,
            account=account or None,
        )

    @staticmethod
    def _check_inputs(env, args):
        for path in args.input or ():
            if not path.is_file():
                raise UserError(env._("There is no file %(path)s.", path=path))
        cls = get_reader_class(args.platform) if args.platform else None
        if not args.input and not (cls and cls.api):
            raise UserError(
                env._("Give the export files with --input (repeat for several).")
            )

    def _migrate(self, env, args):
        env = self._with_limits(env, args)
        self._check_inputs(env, args)
        project = self._project(env, args)
        values = {}
        if not project.fallback_user_id or project.fallback_user_id._is_superuser():
            values["fallback_user_id"] = env.ref("base.user_admin").id
        if args.batch_size:
            values["batch_size"] = args.batch_size
        if getattr(args, "sample_size", None):
            if not 1 <= args.sample_size <= MAX_SIZE:
                raise UserError(
                    env._("--sample-size: between 1 and %(max)s.", max=MAX_SIZE)
                )
            values["sample_size"] = args.sample_size
        if args.fallback_owner:
            user = env["res.users"].search(
                [
                    "|",
                    ("login", "=", args.fallback_owner),
                    ("email", "=ilike", args.fallback_owner),
                ],
                limit=1,
            )
            if not user:
                raise UserError(
                    env._(
                        "No Odoo user has the login or email %(owner)s.",
                        owner=args.fallback_owner,
                    )
                )
            values["fallback_user_id"] = user.id
        sources = self._api_source(env, args, project)
        if sources is None:
            sources = [(path.name, str(path)) for path in args.input]
            values["source_attachment_ids"] = [
                (
                    6,
                    0,
                    [
                        env["ir.attachment"]
                        .create(
                            {
                                "name": path.name,
                                "raw": path.read_bytes(),
                                "res_model": "migration.project",
                                "res_id": project.id,
                            }
                        )
                        .id
                        for path in args.input
                    ],
                )
            ]
        min_confidence = getattr(args, "min_confidence", None)
        if min_confidence is not None:
            values["min_confidence"] = min_confidence
        project.write(values)
        files = self._file_options(env, args)
        if files:
            project._assign_files(files, discover=False)
        # headless: the proposal (and the admin's earlier edits) is taken as
        # confirmed, once every column the migration needs is found
        project._discover(sources)
        if getattr(args, "choose", None):
            self._choose(env, project, args.choose)
        if getattr(args, "map", None):
            self._apply_map(env, project, args.map)
        project._confirm_mapping(sources)
        mode = getattr(args, "mode", None) or "full"
        if mode == "full" and project.sample_state == "pending":
            # asking for the full run on the command line is the approval
            project.sample_state = "approved"
            project.message_post(
                body=env._("Trial run approved from the command line.")
            )
        diff_path = getattr(args, "diff", None)
        with DiffWriter(diff_path) as diff:
            run = project.run_now(
                mode, sources=sources, skip_sample=True, diff_sink=diff
            )
        report = run._report()
        if args.report:
            args.report.parent.mkdir(parents=True, exist_ok=True)
            args.report.write_text(json.dumps(report, indent=2, default=str))
        if args.pdf:
            args.pdf.parent.mkdir(parents=True, exist_ok=True)
            args.pdf.write_bytes(run._reconciliation_pdf())
        print_report(report)
        return 0

    def _choose(self, env, project, keys):
        """Turn on the optional objects ``keys`` (``--choose``)."""
        choices = {m.object_key: m for m in project.choice_mapping_ids}
        unknown = [key for key in keys if key not in choices]
        if unknown:
            raise UserError(
                env._(
                    "%(platform)s has no choice %(keys)s. Its choices: %(choices)s.",
                    platform=project._preset().label,
                    keys=", ".join(unknown),
                    choices=", ".join(
                        f"{key} ({mapping.choice})"
                        for key, mapping in sorted(choices.items())
                    )
                    or env._("none"),
                )
            )
        for key in keys:
            choices[key].migrate = True

    def _apply_map(self, env, project, path):
        """Apply the edited map of ``--map`` (the shape ``propose --json`` prints)."""
        if not path.is_file():
            raise UserError(env._("There is no file %(path)s.", path=path))
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as err:
            raise UserError(
                env._(
                    "%(path)s is not a map as `flitstack propose --json` prints it: "
                    "%(error)s",
                    path=path,
                    error=err,
                )
            ) from err
        problems = apply_map(project, rows, env._)
        if problems:
            raise UserError("\n".join(problems))

    def _file_options(self, env, args):
        """``{file name: object key or ""}`` of the ``--file NAME=OBJECT`` options."""
        keys = {
            obj.key for obj in presets.get_preset(args.platform).objects if obj.files
        }
        files = {}
        for option in getattr(args, "file", None) or ():
            name, sep, key = option.partition("=")
            key = key.strip()
            key = "" if key.lower() in ("", "aside", "none") else key
            if not sep or not name.strip() or (key and key not in keys):
                raise UserError(
                    env._(
                        "--file %(option)s: give NAME=OBJECT, OBJECT one of "
                        "%(keys)s (or aside).",
                        option=option,
                        keys=", ".join(sorted(keys)),
                    )
                )
            files[name.strip()] = key
        return files

    def _propose(self, env, args):
        env = self._with_limits(env, args)
        self._check_inputs(env, args)
        sources = self._api_source(env, args) or [
            (path.name, str(path)) for path in args.input
        ]
        rows = propose(
            env,
            args.platform,
            sources,
            name=args.name,
            options={"files": self._file_options(env, args)},
            min_confidence=getattr(args, "min_confidence", None),
        )
        if args.json:
            print(json.dumps(rows, indent=2, default=str))
            return 0
        print(
            f"{'Object':<14}{'Column':<28}{'Odoo field':<34}{'Confidence':>10}  Reason"
        )
        for row in rows:
            target = row["target_field"] or (
                f"new {row['new_field']['type']} {row['new_field']['name']}"
                if row["new_field"]
                else "-"
            )
            print(
                f"{row['object']:<14}{(row['column'] or '')[:27]:<28}{target[:33]:<34}"
                f"{row['confidence']:>10.2f}  {row['reason']}"
            )
        return 0

    def _rollback(self, env, args):
        project = env["migration.project"].browse(args.project).exists()
        if not project:
            raise UserError(
                env._("There is no migration project %(id)s.", id=args.project)
            )
        run = None
        if args.run:
            run = project.run_ids.filtered(lambda r: r.id == args.run)
            if not run:
                raise UserError(
                    env._(
                        "Run %(run)s is not a run of project %(project)s.",
                        run=args.run,
                        project=args.project,
                    )
                )
        runs = run or project.run_ids.filtered(
            lambda r: r.state in ("done", "failed", "cancelled")
        )
        check = RollbackCheck(runs) if runs else None
        if check and check.count:
            self._print_check(env, check)
        if args.check:
            if not (check and check.count):
                print("Nobody touched the migrated records since: nothing to keep.")
            return 0
        keep = None
        if check and check.count:
            if not args.keep_touched:
                print(
                    "Nothing was rolled back. Run again with --keep-touched to roll "
                    "back the rest and keep these records (and what they need)."
                )
                return 1
            keep = check.keep()
        summary = run._rollback(keep=keep) if run else project._rollback(keep=keep)
        for model, (deleted, restored) in sorted(summary.items()):
            print(f"{model:<28} {deleted:>8} deleted {restored:>8} restored")
        kept = [row for r in runs for row in json.loads(r.rollback_kept or "[]")]
        for model, res_id, reason in kept:
            print(f"kept {model} #{res_id}: {reason}")
        print(f"Project {project.id} rolled back.")
        return 0

    def _print_check(self, env, check):
        """The check before the rollback, per kind: count and first records."""
        titles = {
            "posted": "posted invoices and entries",
            "referenced": "used by records made since",
            "edited": "changed by someone since",
            "chatter": "messages, activities or followers added since",
            "deleted": "deleted since (nothing to undo)",
        }
        for kind, items in check.findings.items():
            if not items:
                continue
            print(f"{titles[kind]}: {len(items)}")
            for item in items[:SHOWN]:
                print(f"  {item['model']} #{item['res_id']}: {item['reason']}")
            if len(items) > SHOWN:
                print(f"  and {len(items) - SHOWN} more")


class DiffWriter:
    """Writes the lines of the field-level diff to a CSV file as they come."""

    def __init__(self, path):
        self.path = path
        self.handle = self.writer = None
        self.count = 0

    def __enter__(self):
        if self.path:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.handle = self.path.open("w", encoding="utf-8-sig", newline="")
            self.writer = SafeWriter(self.handle)
            self.writer.writerow(DIFF_CSV_HEADER)
        return self if self.path else None

    def __call__(self, line):
        self.count += 1
        self.writer.writerow(
            [
                "" if line.get(name) in (None, False) else line[name]
                for name in DIFF_CSV_FIELDS
            ]
        )

    def __exit__(self, *exc):
        if self.handle:
            self.handle.close()


def print_report(report):
    """The reconciliation, as a table on the terminal."""
    header = (
        f"{'Object':<34}{'Odoo model':<18}{'Source':>8}{'Created':>9}"
        f"{'Updated':>9}{'Unchanged':>11}{'Failed':>8}{'Repeated':>10}"
    )
    print(f"\nProject: {report['project']} (run {report['run']}, {report['mode']})")
    print(header)
    print("-" * len(header))
    for row in report["objects"]:
        print(
            f"{row['label']:<34}{row['target_model']:<18}{row['source_count']:>8}"
            f"{row['created']:>9}{row['updated']:>9}{row['skipped']:>11}"
            f"{row['failed']:>8}{row['duplicates']:>10}"
        )
    if any(row["duplicates"] for row in report["objects"]):
        print(
            "Repeated: rows carrying a record another row carries too (the same id);"
            " the last one is read, the others are listed in the journal."
        )
    failures = report["failures"]
    if failures:
        print(f"\n{len(failures)} records could not be migrated:")
        labels = {row["object"]: row["label"] for row in report["objects"]}
        for failure in failures[:20]:
            label = labels.get(failure["object"], failure["object"])
            print(f"  {label}, {failure['source_id'] or '?'}: {failure['reason']}")
        if len(failures) > 20:
            print(
                f"  ... and {len(failures) - 20} more (see the report or the journal)"
            )
    diff = report.get("diff") or {}
    if diff.get("fields_checked"):
        print(
            f"\nFields read back from Odoo: {diff['fields_checked']} checked, "
            f"{diff['matches']} match, {diff['mismatches']} mismatches, "
            f"{diff['missing']} missing"
        )
    delta = report.get("delta")
    if delta:
        print(
            f"Changes picked up: {delta['new']} new, {delta['changed']} changed, "
            f"{delta['unchanged']} unchanged, {delta['deleted']} deleted in the old "
            "system"
        )
    owners = report.get("unmatched_owners") or {}
    if owners:
        print(f"\nOwners with no Odoo user (given the fallback owner): {len(owners)}")
    print(
        f"\nDone in {report['duration_seconds']} s "
        f"({report['records_per_second']} records per second)."
    )
