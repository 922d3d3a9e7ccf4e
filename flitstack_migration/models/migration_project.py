# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from typing import ClassVar

from markupsafe import escape

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.base.models.res_partner import _tz_get

from ..engine import journal, proposal, schema
from ..engine.labels import model_label
from ..engine.sample import DEFAULT_SIZE, MAX_SIZE
from ..exceptions import MigrationError, SourceLimitError
from ..presets import base as presets
from ..readers.base import get_reader_class, open_reader
from .migration_snapshot import management_problem


class MigrationProject(models.Model):
    """One migration of one business out of one source platform.

    - holds the source (uploaded export files) and the run options;
    - proposes the field map from the platform preset and what discovery finds;
    - starts runs (in the background from the UI) and rolls them back.
    """

    _name = "migration.project"
    _description = "Data Migration Project"
    _inherit: ClassVar[list] = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(required=True, tracking=True)
    platform = fields.Selection(
        selection=lambda self: presets.platforms(),
        required=True,
        string="Old system",
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("discovered", "Files read"),
            ("mapped", "Map confirmed"),
            ("sampled", "Trial run done"),
            ("running", "Running"),
            ("done", "Migrated"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
            ("rolled_back", "Rolled back"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    source_attachment_ids = fields.Many2many(
        "ir.attachment",
        "migration_project_source_rel",
        "project_id",
        "attachment_id",
        string="Exported files",
        help="The CSV or Excel files exported from the old system, or a ZIP of them. "
        "They are read, never changed.",
    )
    is_api = fields.Boolean(
        compute="_compute_is_api",
        help="The old system is read from its API (a key), not from export files.",
    )
    connection_id = fields.Many2one(
        "migration.connection",
        copy=False,
        groups="base.group_system",
        help="The address and keys of the old system's API.",
    )
    connection_state = fields.Selection(
        related="connection_id.state", string="Connection", groups="base.group_system"
    )
    connection_message = fields.Text(
        related="connection_id.message", groups="base.group_system"
    )
    file_assignments = fields.Json(
        help="Files the administrator assigned to an object instead of the guess: "
        "file name → object key (empty: left aside).",
        copy=False,
    )
    file_ids = fields.One2many(
        "migration.project.file",
        "project_id",
        string="Files",
        help="Each file of the export and the object it is read as; change the "
        "object to read a file otherwise (the files are read again).",
    )
    min_confidence = fields.Float(
        "Confidence to accept a column",
        digits=(3, 2),
        default=proposal.MIN_CONFIDENCE,
        help="A column the migration needs (an id, a link to a customer) that the "
        "files do not have under a known name is read from the likeliest other "
        "column when this sure of it (0 to 1); below, you choose the column.",
    )
    batch_size = fields.Integer(default=500, help="Records written per batch.")
    sample_size = fields.Integer(
        default=DEFAULT_SIZE,
        help="How many records a trial run brings over (at most 500), the parents "
        "they need included.",
    )
    sample_state = fields.Selection(
        [
            ("none", "No trial run"),
            ("pending", "Waiting for approval"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("skipped", "Skipped"),
        ],
        string="Trial run",
        default="none",
        required=True,
        tracking=True,
        copy=False,
        help="The full migration starts once a trial run is approved, or when the "
        "administrator chooses to skip the trial run.",
    )
    sample_run_id = fields.Many2one(
        "migration.run", compute="_compute_sample_run", string="Last trial run"
    )
    has_full_run = fields.Boolean(compute="_compute_sample_run")
    fallback_user_id = fields.Many2one(
        "res.users",
        string="Fallback owner",
        default=lambda self: self.env.user,
        domain=[("share", "=", False)],
        help="Owner given to records whose owner in the old system has no Odoo user.",
    )
    tz = fields.Selection(
        _tz_get,
        string="Time zone of the old system",
        default=lambda self: self.env.user.tz or "UTC",
    )
    mapping_ids = fields.One2many("migration.mapping", "project_id", string="Field map")
    run_ids = fields.One2many("migration.run", "project_id", string="Runs")
    log_count = fields.Integer(compute="_compute_log_count")
    discovery_summary = fields.Html(readonly=True, copy=False)
    last_run_id = fields.Many2one("migration.run", compute="_compute_last_run")
    progress = fields.Float(compute="_compute_last_run")
    progress_run_id = fields.Many2one(
        "migration.run",
        string="Run under way",
        compute="_compute_progress_run",
        help="The run of this project that waits or works, if any.",
    )
    run_progress_done = fields.Integer(
        compute="_compute_progress_run", string="Records done"
    )
    run_progress_total = fields.Integer(
        compute="_compute_progress_run", string="Records in all"
    )
    run_progress_object = fields.Char(
        compute="_compute_progress_run", string="Working on"
    )
    run_time_left = fields.Char(compute="_compute_progress_run", string="Time left")
    created_count = fields.Integer(compute="_compute_counts")
    updated_count = fields.Integer(compute="_compute_counts")
    failed_count = fields.Integer(compute="_compute_counts")

    mapping_line_ids = fields.One2many(
        "migration.mapping.field", "project_id", string="Field map lines"
    )
    owner_ids = fields.One2many("migration.owner", "project_id", string="Owners")
    automation_ids = fields.One2many(
        "migration.automation", "project_id", string="Automations to rebuild"
    )
    automation_count = fields.Integer(compute="_compute_automation_count")
    unmatched_owner_ids = fields.One2many(
        "migration.owner",
        "project_id",
        domain=[("user_id", "=", False)],
        string="Owners without an Odoo user",
    )
    unmatched_owner_count = fields.Integer(compute="_compute_owner_counts")
    unmatched_record_count = fields.Integer(
        compute="_compute_owner_counts",
        string="Records of owners without a user",
        help="They get the fallback owner.",
    )
    custom_field_ids = fields.One2many(
        "migration.mapping.field",
        "project_id",
        domain=[("is_custom", "=", True)],
        string="Custom fields",
    )
    custom_field_count = fields.Integer(compute="_compute_custom_field_count")
    choice_mapping_ids = fields.One2many(
        "migration.mapping",
        "project_id",
        domain=[("choice", "!=", False)],
        string="Choices",
        help="Records of the old system that are migrated only if you choose so.",
    )
    review_line_ids = fields.One2many(
        "migration.mapping.field",
        "project_id",
        domain=[
            ("skip", "=", False),
            "|",
            "|",
            ("confidence", "<", 1.0),
            ("is_custom", "=", True),
            ("needs_look", "=", True),
        ],
        string="Field map lines to check",
    )
    stage_field_ids = fields.One2many(
        "migration.mapping.field",
        "project_id",
        domain=[("transform", "=", "stage")],
        string="Pipelines",
    )
    snapshot_before_run = fields.Boolean(
        "Database snapshot before the migration",
        copy=False,
        help="Before the full migration starts, copy the whole database, so that the "
        "server administrator can put it back as it was. The copy takes disk space "
        "(about the size of the database) and time (a few minutes per gigabyte); "
        "without it, a rollback uses the migration's journal.",
    )
    snapshot_problem = fields.Text(
        "Why no snapshot",
        compute="_compute_snapshot_problem",
        help="Why this server cannot take a database snapshot.",
    )
    snapshot_ids = fields.One2many(
        "migration.snapshot", "project_id", string="Database snapshots"
    )
    hierarchy_warning = fields.Text(compute="_compute_hierarchy_warning")
    required_problems = fields.Text(
        compute="_compute_required_problems",
        string="Columns the migration needs",
        help="Columns the migration needs (ids, links) that the files do not have "
        "under a known name, and no column is sure enough to serve as.",
    )

    @api.depends("platform")
    def _compute_is_api(self):
        for project in self:
            cls = get_reader_class(project.platform) if project.platform else None
            project.is_api = bool(cls and cls.api)

    def _compute_log_count(self):
        groups = self.env["migration.log"]._read_group(
            [("project_id", "in", self.ids)], ["project_id"], ["__count"]
        )
        counts = {project.id: count for project, count in groups}
        for project in self:
            project.log_count = counts.get(project.id, 0)

    @api.depends("run_ids")
    def _compute_last_run(self):
        for project in self:
            project.last_run_id = project.run_ids.sorted("id")[-1:]
            project.progress = project.last_run_id.progress

    @api.depends(
        "run_ids.state",
        "run_ids.stage",
        "run_ids.records_done",
        "run_ids.progress_ids.records_done",
    )
    def _compute_progress_run(self):
        """The run under way, if any, and how far it got (as its form shows it)."""
        for project in self:
            run = project.run_ids.filtered(
                lambda r: r.state in ("queued", "running")
            ).sorted("id")[-1:]
            project.progress_run_id = run
            project.run_progress_done = run.progress_done
            project.run_progress_total = run.progress_total
            project.run_progress_object = run.progress_object
            project.run_time_left = run.time_left

    @api.depends("run_ids.mode", "run_ids.state")
    def _compute_sample_run(self):
        for project in self:
            samples = project.run_ids.filtered(lambda r: r.mode == "sample")
            project.sample_run_id = samples.sorted("id")[-1:]
            project.has_full_run = bool(
                project.run_ids.filtered(
                    lambda r: r.mode == "full" and r.state == "done"
                )
            )

    def _compute_counts(self):
        for project in self:
            runs = project.run_ids.filtered(lambda r: r.state != "rolled_back")
            project.created_count = sum(runs.mapped("created_count"))
            project.updated_count = sum(runs.mapped("updated_count"))
            project.failed_count = sum(runs.mapped("failed_count"))

    @api.constrains("min_confidence")
    def _check_min_confidence(self):
        for project in self:
            if not 0 <= project.min_confidence <= 1:
                raise ValidationError(
                    self.env._("The confidence to accept a column is between 0 and 1.")
                )

    def _compute_snapshot_problem(self):
        problem = management_problem(self.env) if self else False
        for project in self:
            project.snapshot_problem = problem

    @api.constrains("snapshot_before_run")
    def _check_snapshot_allowed(self):
        if any(self.mapped("snapshot_before_run")):
            problem = management_problem(self.env)
            if problem:
                raise ValidationError(problem)

    @api.constrains("sample_size")
    def _check_sample_size(self):
        for project in self:
            if not 1 <= project.sample_size <= MAX_SIZE:
                raise ValidationError(
                    self.env._(
                        "A trial run holds between 1 and %(max)s records.", max=MAX_SIZE
                    )
                )

    @api.depends("owner_ids.user_id", "owner_ids.record_count")
    def _compute_owner_counts(self):
        for project in self:
            unmatched = project.owner_ids.filtered(lambda o: not o.user_id)
            project.unmatched_owner_count = len(unmatched)
            project.unmatched_record_count = sum(unmatched.mapped("record_count"))

    @api.depends("custom_field_ids.skip")
    def _compute_custom_field_count(self):
        for project in self:
            project.custom_field_count = len(
                project.custom_field_ids.filtered(lambda f: not f.skip)
            )

    @api.depends("automation_ids")
    def _compute_automation_count(self):
        for project in self:
            project.automation_count = len(project.automation_ids)

    def action_view_automations(self):
        """The automation inventory of this project."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "flitstack_migration.migration_automation_action"
        )
        action.update(domain=[("project_id", "=", self.id)], context={})
        return action

    @api.depends("mapping_ids.unresolved_columns")
    def _compute_required_problems(self):
        for project in self:
            problems = project.mapping_ids.filtered("unresolved_columns")
            project.required_problems = (
                "\n".join(problems.mapped("unresolved_columns")) or False
            )

    def action_choose_required_column(self):
        """The dialog for the first object whose needed column is not found."""
        self.ensure_one()
        mapping = self.mapping_ids.filtered("unresolved_columns")[:1]
        if not mapping:
            return False
        return mapping.action_choose_required_column()

    @api.depends("mapping_ids.hierarchy_warning")
    def _compute_hierarchy_warning(self):
        for project in self:
            project.hierarchy_warning = (
                "\n".join(
                    f"{mapping.name}: {mapping.hierarchy_warning}"
                    for mapping in project.mapping_ids
                    if mapping.hierarchy_warning
                )
                or False
            )

    def write(self, vals):
        if {"source_attachment_ids", "file_assignments", "platform"} & set(vals):
            self._check_sources_free()
        return super().write(vals)

    def _check_sources_free(self):
        """The files of a project cannot change while a run of it reads them."""
        busy = self.filtered(
            lambda p: p.run_ids.filtered(lambda r: r.state in ("queued", "running"))
        )
        if busy:
            raise UserError(
                self.env._(
                    "A migration of %(names)s is under way and reads its exported "
                    "files: they cannot be replaced until it has finished (or been "
                    "cancelled).",
                    names=", ".join(busy.mapped("name")),
                )
            )

    # ------------------------------------------------------------------
    # Checklist before the run: custom fields, owners
    # ------------------------------------------------------------------
    def action_create_custom_fields(self):
        """Create the checklist's custom fields now (the run would create them too)."""
        for project in self:
            created = project._create_custom_fields()
            project.message_post(
                body=self.env._("%(count)s custom fields created.", count=len(created))
                if created
                else self.env._("Every custom field of the map exists already.")
            )
        return True

    def action_match_owners(self):
        """Match again the owners not chosen by hand (after inviting users, say)."""
        self.owner_ids.filtered(lambda o: o.match != "manual")._auto_match()
        return True

    def _create_custom_fields(self):
        """Create the missing custom fields, journaled in a run of mode "schema".

        The run is rolled back with the project like any other: the fields it created
        go (once empty). Nothing is created twice; an incompatible existing field stops
        everything with the list of conflicts.

        :returns: the created ``ir.model.fields``
        """
        self.ensure_one()
        if self.run_ids.filtered(lambda r: r.state in ("queued", "running")):
            raise UserError(
                self.env._(
                    "A run of this project is under way: wait until it has finished."
                )
            )
        preset = self._preset()
        specs = {obj.key: self._field_specs(obj) for obj in preset.objects}
        run = self.env["migration.run"].create(
            {
                "project_id": self.id,
                "mode": "schema",
                "state": "running",
                "date_start": fields.Datetime.now(),
            }
        )
        logs = []

        def log(model, res_id, source_id, message):
            logs.append(
                {
                    "run_id": run.id,
                    "project_id": self.id,
                    "object_key": "_schema",
                    "source_id": source_id,
                    "model": model,
                    "res_id": res_id,
                    "operation": "create",
                    "message": message,
                }
            )

        try:
            created = schema.ensure_custom_fields(self.env, self, preset, specs, log)
        except MigrationError as err:
            raise UserError(str(err)) from err
        if not logs:
            run.unlink()
            return created
        self.env["migration.log"].sudo().create(logs)
        run.write({"state": "done", "date_end": fields.Datetime.now()})
        return created

    def _column_renames(self):
        """``{object key: {header: preset column}}`` of the confirmed maps."""
        return {
            mapping.object_key: mapping.column_renames
            for mapping in self.mapping_ids
            if mapping.confirmed and mapping.column_renames
        }

    # ------------------------------------------------------------------
    # Source and preset
    # ------------------------------------------------------------------
    def _preset(self):
        """The platform's preset, without the objects needing a model this
        database does not have (:attr:`~..presets.base.ObjectSpec.requires`)."""
        self.ensure_one()
        return presets.get_preset(self.platform).installed(
            lambda model: model in self.env
        )

    def _run_preset(self):
        """The preset as a run reads and loads it: without the optional objects
        (:attr:`~..presets.base.ObjectSpec.optional`) the admin has not turned on."""
        preset = self._preset()
        chosen = {mapping.object_key: mapping.migrate for mapping in self.mapping_ids}
        return preset.without(
            obj.key
            for obj in preset.objects
            if not chosen.get(obj.key, not obj.optional)
        )

    def _xid_module(self):
        """Namespace of the external ids of this project's records."""
        self.ensure_one()
        return f"__flitstack_{self.id}__"

    def _sources(self):
        """``[(file name, bytes)]`` of the uploaded export files, or, for a platform
        read from its API with no files uploaded, the project's
        :class:`~..readers.api.Connection`."""
        self.ensure_one()
        if self.is_api and not self.source_attachment_ids:
            return self._api_connection()
        if not self.source_attachment_ids:
            raise UserError(
                self.env._(
                    "Project %(name)s has no export file yet. Upload the files first.",
                    name=self.name,
                )
            )
        return [
            (att.name, att.raw or b"")
            for att in self.source_attachment_ids.sorted("id")
        ]

    def _api_connection(self):
        """The API connection of the project (what the engine reads with: the keys
        never leave the server)."""
        self.ensure_one()
        connection = self.sudo().connection_id
        if not connection:
            raise UserError(
                self.env._(
                    "Project %(name)s has no connection to %(platform)s yet. Enter "
                    "its API key in the project's connection settings, or upload "
                    "export files.",
                    name=self.name,
                    platform=self._preset().label,
                )
            )
        return connection._connection()

    def _get_connection(self):
        """The project's connection record, created when missing (admins only)."""
        self.ensure_one()
        if not self.connection_id:
            self.connection_id = self.env["migration.connection"].create(
                {"project_id": self.id}
            )
        return self.connection_id

    def action_open_connection(self):
        """The connection settings of a platform read from its API."""
        self.ensure_one()
        if not self.env.user.has_group("base.group_system"):
            raise UserError(
                self.env._("Only Settings administrators can see API connections.")
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "%(platform)s: Connection", platform=self._preset().label
            ),
            "res_model": "migration.connection",
            "res_id": self._get_connection().id,
            "view_mode": "form",
            "target": "new",
        }

    def _open_reader(self, sources=None, since=None):
        """An open reader of the project's source; admin-readable errors.

        :param since: for a delta, when the last landed run started (UTC): a
            reader that can tell what changed reads only that
        """
        try:
            reader = open_reader(
                self.platform,
                sources if sources is not None else self._sources(),
                dict(self._reader_options(), since=since),
            )
        except MigrationError as err:
            raise UserError(self._source_error(err)) from err
        # the objects this database cannot offer are never read
        reader.preset = self._preset()
        return reader

    def _source_error(self, err):
        """The sentence of a source error; a limit names the command line's option
        where the command line gave the limits."""
        if isinstance(err, SourceLimitError) and self.env.context.get(
            "flitstack_limit_flags"
        ):
            flag = "--" + err.limit.replace("_", "-")
            return self.env._(
                "%(reason)s If the file is right, run the command again with a "
                "larger %(flag)s.",
                reason=err.reason,
                flag=flag,
            )
        return str(err)

    def _reader_options(self):
        """What the admin decided about reading the source (see ``BaseReader``)."""
        self.ensure_one()
        return {
            "renames": self._column_renames(),
            "files": dict(self.file_assignments or {}),
            "limits": self.env.context.get("flitstack_read_limits")
            or self.env["res.config.settings"]._flitstack_read_limits(),
        }

    def _field_specs(self, obj):
        """The field map of an object: the confirmed mapping rows, else the preset."""
        mapping = self.mapping_ids.filtered(lambda m: m.object_key == obj.key)
        if not mapping or not mapping.field_ids:
            return list(obj.fields)
        return [
            line._to_spec()
            for line in mapping.field_ids.sorted("sequence")
            if not line.skip
        ]

    # ------------------------------------------------------------------
    # Discovery and map
    # ------------------------------------------------------------------
    def action_discover(self):
        """Read the export once: objects, counts, unknown columns; propose the map."""
        for project in self:
            project._discover()
        return True

    def _discover(self, sources=None):
        """Discovery over ``sources`` (default: the uploaded files). Writes no data."""
        self.ensure_one()
        with self._open_reader(sources) as reader:
            try:
                discovery = reader.discover()
                automations = self.env["migration.automation"]
                automations._build_automation_inventory(self, reader)
            except MigrationError as err:
                raise UserError(self._source_error(err)) from err
            self._propose_mapping(discovery)
            self.mapping_ids._check_readable()
            self.env["migration.project.file"]._sync(self, discovery.files)
            self.discovery_summary = self._render_discovery(discovery, reader)
        if self.state in ("draft", "rolled_back", "failed"):
            self.state = "discovered"
        return discovery

    def _assign_files(self, assignments, previous=(), discover=True):
        """Read files as the administrator says, then read the export again.

        :param assignments: ``{file name: object key}``, ``"_aside"`` or ``""`` for a
            file left aside; the maps of the objects concerned are proposed again
        :param previous: object keys the files were read as until now
        :param discover: read the files again now (the command line reads them
            once, after all its options)
        """
        self.ensure_one()
        files = dict(self.file_assignments or {})
        keys = set(previous)
        for name, key in assignments.items():
            key = "" if key == "_aside" else key or ""
            keys |= {key, files.get(name)}
            files[name] = key
        keys -= {None, "", "_aside"}
        self.file_assignments = files or False
        self.mapping_ids.filtered(lambda m: m.object_key in keys).write(
            {"confirmed": False}
        )
        if discover and self.source_attachment_ids:
            self._discover()

    def _propose_mapping(self, discovery):
        """(Re)build the proposed field map; rows already confirmed are kept."""
        self.ensure_one()
        self.env["migration.mapping"]._propose(self, discovery)
        self.env["migration.owner"]._sync(self, discovery.owners)

    def _render_discovery(self, discovery, reader):
        preset = self._preset()
        rows = "".join(
            f"<tr><td>{obj.label}</td><td>{model_label(self.env, obj.model)}</td>"
            f"<td class='text-end'>{discovery.count(obj.key)}</td></tr>"
            for obj in preset.load_order()
        )
        ignored = ""
        if discovery.ignored_files:
            ignored = "<p>{}</p>".format(
                self.env._(
                    "Files not recognised, left aside: %(files)s",
                    files=", ".join(discovery.ignored_files),
                )
            )
        owners = ""
        if discovery.owners:
            owners = "<p>{}</p>".format(
                self.env._(
                    "%(count)s different owners or technicians are named in the "
                    "export.",
                    count=len(discovery.owners),
                )
            )
        return (
            f"<table class='table table-sm'><thead><tr><th>{self.env._('Object')}</th>"
            f"<th>{self.env._('Lands in')}</th>"
            f"<th class='text-end'>{self.env._('Records')}</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>{ignored}{owners}"
            f"{self._render_files(discovery)}{self._render_set_aside(discovery)}"
        )

    def _render_files(self, discovery):
        """Which file became which object, and how sure that is."""
        if not discovery.files:
            return ""
        labels = {obj.key: obj.label for obj in self._preset().objects}
        reasons = dict(self.env["migration.project.file"]._fields["reason"].selection)
        rows = "".join(
            f"<tr><td>{escape(guess.file)}</td>"
            f"<td>{escape(labels.get(guess.object) or self.env._('Left aside'))}</td>"
            f"<td class='text-end'>{guess.confidence:.2f}</td>"
            f"<td>{escape(reasons.get(guess.reason, guess.reason))}</td></tr>"
            for guess in discovery.files
        )
        return (
            f"<table class='table table-sm'><thead><tr><th>{self.env._('File')}</th>"
            f"<th>{self.env._('Read as')}</th>"
            f"<th class='text-end'>{self.env._('Confidence')}</th>"
            f"<th>{self.env._('Because of')}</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )

    def _render_set_aside(self, discovery):
        """Duplicate rows, rows disagreeing with their master, columns not found."""
        labels = {obj.key: obj.label for obj in self._preset().objects}
        items = []
        for key, stats in discovery.objects.items():
            for dup in stats.duplicates:
                items.append(
                    self.env._(
                        "%(object)s %(id)s: line %(line)s of %(file)s repeats line "
                        "%(kept)s of %(kept_file)s, which is read.",
                        object=labels[key],
                        id=dup.source_id,
                        line=dup.line,
                        file=dup.file,
                        kept=dup.kept_line,
                        kept_file=dup.kept_file,
                    )
                )
            for dup in stats.disagreements:
                items.append(
                    self.env._(
                        "%(object)s %(id)s: line %(line)s of %(file)s differs from "
                        "line %(kept)s of %(kept_file)s, which is read (%(columns)s).",
                        object=labels[key],
                        id=dup.source_id,
                        line=dup.line,
                        file=dup.file,
                        kept=dup.kept_line,
                        kept_file=dup.kept_file,
                        columns=", ".join(sorted(dup.differs)),
                    )
                )
            more = (stats.duplicate_count - len(stats.duplicates)) + (
                stats.disagreement_count - len(stats.disagreements)
            )
            if more:
                items.append(
                    self.env._(
                        "%(object)s: %(count)s more rows like these.",
                        object=labels[key],
                        count=more,
                    )
                )
        for mapping in self.mapping_ids:
            if mapping.unresolved_columns:
                items.extend(mapping.unresolved_columns.split("\n"))
        if not items:
            return ""
        return "<ul>{}</ul>".format("".join(f"<li>{escape(i)}</li>" for i in items))

    def action_confirm_mapping(self):
        for project in self:
            project._confirm_mapping()
        return True

    def _confirm_mapping(self, sources=None):
        self.ensure_one()
        if not self.mapping_ids:
            self._discover(sources)
        self.mapping_ids._check_required_columns()
        self.mapping_ids._check_can_land()
        self.mapping_ids.write({"confirmed": True})
        if self.state not in ("running", "done", "sampled"):
            self.state = "mapped"

    def _check_mapping_confirmed(self):
        self.ensure_one()
        unconfirmed = self.mapping_ids.filtered(lambda m: not m.confirmed)
        if not self.mapping_ids or unconfirmed:
            names = ", ".join(unconfirmed.mapped("name")) or self.env._("all objects")
            raise UserError(
                self.env._(
                    "Review and confirm the field map before migrating. "
                    "Not confirmed yet: %(names)s.",
                    names=names,
                )
            )

    # ------------------------------------------------------------------
    # Runs
    # ------------------------------------------------------------------
    def _create_run(self, mode="full", skip_sample=False):
        """A new queued run, once the project may have it.

        A full run needs an approved trial run, or the administrator's explicit word
        that there is none (``skip_sample``: the "Skip the trial run" button, the
        command line's ``--mode full``). A trial run waiting for approval, or a
        rejected one not run again, always stops it.
        """
        self.ensure_one()
        # a run never starts on a map that cannot land
        self.mapping_ids._check_required_columns()
        self._check_mapping_confirmed()
        self.mapping_ids._check_can_land()
        if self.run_ids.filtered(lambda r: r.state in ("queued", "running")):
            raise UserError(self.env._("A run of this project is already under way."))
        if mode == "full":
            self._check_full_run_allowed(skip_sample)
        elif mode == "sample":
            if self.sample_state == "pending":
                raise UserError(
                    self.env._(
                        "Approve or reject the trial run of %(name)s first.",
                        name=self.name,
                    )
                )
            # the custom fields made beforehand (a "schema" run) are no migration
            if self.run_ids.filtered(
                lambda r: r.mode in ("full", "delta") and r.state == "done"
            ):
                raise UserError(
                    self.env._(
                        "%(name)s has been migrated already: a trial run is for before "
                        'the full migration. Use "Pick up changes" for a newer export.',
                        name=self.name,
                    )
                )
        elif mode == "delta" and not self.run_ids.filtered(
            lambda r: r.mode == "full" and r.state == "done"
        ):
            raise UserError(
                self.env._(
                    "Picking up changes comes after the full migration of %(name)s.",
                    name=self.name,
                )
            )
        return self.env["migration.run"].create({"project_id": self.id, "mode": mode})

    def _check_full_run_allowed(self, skip_sample=False):
        self.ensure_one()
        if self.sample_state == "pending":
            raise UserError(
                self.env._(
                    "The trial run of %(name)s is waiting for your approval. Check it "
                    "and approve it (or reject it) before the full migration.",
                    name=self.name,
                )
            )
        if self.sample_state in ("approved", "skipped"):
            return
        if skip_sample:
            self.sample_state = "skipped"
            self.message_post(body=self.env._("The trial run was skipped."))
            return
        if self.sample_state == "rejected":
            raise UserError(
                self.env._(
                    "The trial run of %(name)s was rejected. Run a new trial run after "
                    "correcting the field map, or skip the trial run.",
                    name=self.name,
                )
            )
        raise UserError(
            self.env._(
                "Run a trial run of %(name)s and approve it before the full migration, "
                "or choose to skip the trial run.",
                name=self.name,
            )
        )

    def _queue(self, run, message):
        self.state = "running"
        self.env.ref("flitstack_migration.ir_cron_migration_run")._trigger()
        self.message_post(body=message)
        return run._action_open()

    def action_start_run(self):
        """Queue a full run; the background job picks it up at once.

        Starting the full migration directly (from the import wizard, for instance) is
        the administrator's choice to do without a trial run; a trial run waiting for
        approval or rejected still stops it.
        """
        self.ensure_one()
        run = self._create_run("full", skip_sample=self.sample_state == "none")
        return self._queue(
            run, self.env._("Migration queued: it runs in the background.")
        )

    def action_skip_sample(self):
        """The administrator migrates everything without a trial run."""
        self.ensure_one()
        run = self._create_run("full", skip_sample=True)
        return self._queue(
            run, self.env._("Migration queued: it runs in the background.")
        )

    def action_start_sample(self):
        """Queue a trial run of ``sample_size`` representative records."""
        self.ensure_one()
        run = self._create_run("sample")
        return self._queue(
            run,
            self.env._(
                "Trial run queued: a sample of %(size)s records.", size=self.sample_size
            ),
        )

    def action_approve_sample(self):
        """Accept the trial run: the full migration may start."""
        for project in self:
            run = project._landed_sample()
            project.sample_state = "approved"
            project.message_post(
                body=self.env._(
                    "Trial run %(run)s approved by %(user)s.",
                    run=run.name,
                    user=self.env.user.name,
                )
            )
        return True

    def action_reject_sample(self):
        """Refuse the trial run: its records are removed, the map can be edited."""
        for project in self:
            run = project._landed_sample()
            summary = run._rollback()
            project.write({"sample_state": "rejected", "state": "mapped"})
            deleted = sum(d for d, _r in summary.values())
            project.message_post(
                body=self.env._(
                    "Trial run %(run)s rejected by %(user)s: its %(count)s records "
                    "were removed. Correct the field map, then run a new trial run.",
                    run=run.name,
                    user=self.env.user.name,
                    count=deleted,
                )
            )
        return True

    def _landed_sample(self):
        self.ensure_one()
        run = self.sample_run_id
        if self.sample_state != "pending" or not run or run.state != "done":
            raise UserError(
                self.env._(
                    "%(name)s has no trial run waiting for approval.", name=self.name
                )
            )
        return run

    def action_start_delta(self):
        """Pick up what changed in a newer export since the last run."""
        self.ensure_one()
        run = self._create_run("delta")
        return self._queue(
            run,
            self.env._(
                "Picking up changes: new and changed records of the export land."
            ),
        )

    def action_view_diff(self):
        self.ensure_one()
        run = self.sample_run_id if self.sample_state == "pending" else self.last_run_id
        return run.action_view_diff()

    @api.private
    def run_now(self, mode="full", sources=None, skip_sample=True, diff_sink=None):
        """Run synchronously (CLI, tests, benchmarks); returns the finished run.

        Headless, a full run is asked for explicitly: it goes without a trial run
        unless ``skip_sample`` is False (a pending or rejected trial still stops it).
        ``sources`` may name files on the server: not callable from the web client.
        """
        self.ensure_one()
        run = self._create_run(mode, skip_sample=skip_sample)
        run.with_company(self.company_id)._execute(sources=sources, diff_sink=diff_sink)
        return run

    def action_rollback(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Roll back %(project)s", project=self.name),
            "res_model": "migration.rollback.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_project_id": self.id},
        }

    def _rollback(self, keep=None):
        """Undo every landed run of the project, newest first.

        :param keep: optional ``{(model, id): reason}`` of records to keep
        """
        self.ensure_one()
        summary = {}
        runs = self.run_ids.filtered(
            lambda r: r.state in ("done", "failed", "cancelled")
        ).sorted("id", reverse=True)
        with journal.indexed_for(runs):
            for run in runs:
                for model, (deleted, restored) in run._rollback(keep=keep).items():
                    before = summary.get(model, (0, 0))
                    summary[model] = (before[0] + deleted, before[1] + restored)
        self.write({"state": "rolled_back", "sample_state": "none"})
        return summary

    def action_view_field_map(self):
        """The whole field map on a full page, grouped by object, the lines that
        need a look first."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Field map of %(project)s", project=self.name),
            "res_model": "migration.mapping.field",
            "view_mode": "list",
            "views": [
                (
                    self.env.ref(
                        "flitstack_migration.migration_mapping_field_view_list"
                    ).id,
                    "list",
                )
            ],
            "search_view_id": self.env.ref(
                "flitstack_migration.migration_mapping_field_view_search"
            ).id,
            "domain": [("project_id", "=", self.id)],
            "context": {
                "search_default_group_object": 1,
                "search_default_needs_look": 1,
            },
            "target": "current",
        }

    def action_view_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "flitstack_migration.migration_log_action"
        )
        action["domain"] = [("project_id", "=", self.id)]
        action["context"] = {"search_default_failed": 1}
        return action

    def action_view_runs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "flitstack_migration.migration_run_action"
        )
        action["domain"] = [("project_id", "=", self.id)]
        return action
