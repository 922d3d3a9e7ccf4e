# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models.migration_connection import key_labels
from ..presets.base import get_preset, platforms
from ..readers.base import get_reader_class


class MigrationImportWizard(models.TransientModel):
    """The import wizard of every platform (the platform is a choice of its first
    step, from the registry of presets; its words come from the preset).

    - step "upload": the admin uploads the export files and picks a fallback owner;
    - step "preview" (discovery): the files are read into a migration project, whose
      summary is shown;
    - step "map": the proposed field map, least certain lines first;
    - step "setup": the custom fields to create and the pipelines' stages;
    - step "owners": the owners of the old system and their Odoo users;
    - then the map is confirmed and a trial run starts (checked and approved on the
      project before the full migration), or the migration itself (from any step
      after the preview, for an admin in a hurry).

    Each step's dialog is titled with the platform and the step.
    """

    _name = "migration.import.wizard"
    _description = "Data Migration Import"

    project_id = fields.Many2one(
        "migration.project",
        ondelete="cascade",
        help="The migration project these files go to. Left empty, one is created.",
    )
    platform = fields.Selection(
        selection=lambda self: platforms(),
        string="Old system",
        required=True,
        default=lambda self: self._default_platform(),
    )
    name = fields.Char(string="Project name", required=True)
    export_help = fields.Text(compute="_compute_export_help", string="What to export")
    files = fields.Many2many(
        "ir.attachment",
        string="Exported files",
        help="The CSV or Excel files exported from the old system, or one ZIP of them.",
    )
    is_api = fields.Boolean(compute="_compute_api_labels")
    api_key = fields.Char(
        "Key",
        groups="base.group_system",
        help="Kept in the project's connection (readable by Settings administrators "
        "only), never shown again.",
    )
    api_key_2 = fields.Char("Second key", groups="base.group_system")
    api_url = fields.Char(
        "API address",
        groups="base.group_system",
        help="Leave empty for the platform's own address.",
    )
    key_label = fields.Char(compute="_compute_api_labels")
    key_2_label = fields.Char(compute="_compute_api_labels")
    has_key_2 = fields.Boolean(compute="_compute_api_labels")
    key_help = fields.Text(compute="_compute_api_labels")
    connection_state = fields.Selection(
        related="project_id.connection_state", groups="base.group_system"
    )
    connection_message = fields.Text(
        related="project_id.connection_message", groups="base.group_system"
    )
    api_account_id = fields.Many2one(
        "migration.connection.account",
        string="Account to migrate",
        groups="base.group_system",
        domain="[('connection_id.project_id', '=', project_id)]",
        help="The key reaches several accounts: the one to migrate.",
    )
    fallback_user_id = fields.Many2one(
        "res.users",
        string="Fallback owner",
        default=lambda self: self.env.user,
        domain=[("share", "=", False)],
        help="Owner given to records whose owner in the old system has no Odoo user.",
    )
    step = fields.Selection(
        [
            ("upload", "Upload"),
            ("preview", "What was found"),
            ("map", "Field map"),
            ("setup", "Custom fields and stages"),
            ("owners", "Owners"),
        ],
        default="upload",
        required=True,
    )
    mapping_line_ids = fields.One2many(
        related="project_id.mapping_line_ids", readonly=False, string="Field map"
    )
    file_ids = fields.One2many(
        related="project_id.file_ids", readonly=False, string="Which file is what"
    )
    choice_mapping_ids = fields.One2many(
        related="project_id.choice_mapping_ids", readonly=False, string="Choices"
    )
    review_line_ids = fields.One2many(
        related="project_id.review_line_ids",
        readonly=False,
        string="Field map lines to check",
    )
    custom_field_ids = fields.One2many(
        related="project_id.custom_field_ids", readonly=False, string="Custom fields"
    )
    stage_field_ids = fields.One2many(
        related="project_id.stage_field_ids", readonly=False, string="Pipelines"
    )
    owner_ids = fields.One2many(
        related="project_id.owner_ids", readonly=False, string="Owners"
    )
    unmatched_owner_count = fields.Integer(related="project_id.unmatched_owner_count")
    unmatched_record_count = fields.Integer(related="project_id.unmatched_record_count")
    hierarchy_warning = fields.Text(related="project_id.hierarchy_warning")
    required_problems = fields.Text(related="project_id.required_problems")
    preview = fields.Html(related="project_id.discovery_summary")
    record_count = fields.Integer(
        compute="_compute_preview_counts", string="Records found"
    )
    object_count = fields.Integer(
        compute="_compute_preview_counts", string="Kinds of records"
    )
    new_field_count = fields.Integer(
        compute="_compute_preview_counts",
        string="New fields",
        help="Columns Odoo has no field for: they become new fields.",
    )
    review_count = fields.Integer(
        compute="_compute_preview_counts",
        string="Lines to check",
        help="Lines of the field map proposed with less than full certainty.",
    )
    question_count = fields.Integer(
        compute="_compute_preview_counts",
        string="Questions",
        help="Lines of the field map with a question to answer (how a column "
        "writes its dates).",
    )

    @api.model
    def default_get(self, fields_list):
        """Start from the project the wizard is opened on, if any."""
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") != "migration.project" or not context.get(
            "active_id"
        ):
            return values
        project = self.env["migration.project"].browse(context["active_id"]).exists()
        if project:
            values.update(
                project_id=project.id,
                name=project.name,
                platform=project.platform,
                fallback_user_id=project.fallback_user_id.id,
                files=[Command.set(project.source_attachment_ids.ids)],
            )
        return values

    def _default_platform(self):
        """The platform asked for by the context, or the only one there is; with
        several, the administrator chooses."""
        keys = [key for key, _label in platforms()]
        wanted = self.env.context.get("default_platform")
        if wanted in keys:
            return wanted
        return keys[0] if len(keys) == 1 else False

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("name"):
                platform = vals.get("platform") or self._default_platform()
                vals["name"] = self._project_name(platform)
        return super().create(vals_list)

    def _project_name(self, platform):
        label = dict(self._fields["platform"]._description_selection(self.env)).get(
            platform
        )
        return self.env._("Migration from %(platform)s", platform=label or "")

    @api.onchange("platform")
    def _onchange_platform(self):
        if not self.project_id and self.platform:
            self.name = self._project_name(self.platform)

    @api.depends("platform")
    def _compute_export_help(self):
        for wizard in self:
            preset = get_preset(wizard.platform) if wizard.platform else None
            wizard.export_help = preset.export_help if preset else False

    @api.depends("platform")
    def _compute_api_labels(self):
        for wizard in self:
            cls = get_reader_class(wizard.platform) if wizard.platform else None
            wizard.is_api = bool(cls and cls.api)
            labels = key_labels(self.env, wizard.platform)
            wizard.key_label = labels["key_label"]
            wizard.key_2_label = labels["key_2_label"]
            wizard.has_key_2 = labels["has_key_2"]
            wizard.key_help = labels["key_help"]

    def _platform_label(self):
        return dict(self._fields["platform"]._description_selection(self.env)).get(
            self.platform, ""
        )

    @api.depends(
        "project_id.mapping_ids.source_count",
        "project_id.mapping_ids.field_ids.needs_look",
        "step",
    )
    def _compute_preview_counts(self):
        for wizard in self:
            mappings = wizard.project_id.mapping_ids
            lines = mappings.field_ids.filtered(lambda line: not line.skip)
            wizard.record_count = sum(mappings.mapped("source_count"))
            wizard.object_count = len(mappings.filtered("source_count"))
            wizard.new_field_count = len(lines.filtered("is_custom"))
            wizard.review_count = len(
                lines.filtered(lambda line: line.confidence < 1.0 or line.needs_look)
            )
            wizard.question_count = len(lines.filtered("needs_look"))

    # ------------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------------
    def action_preview(self):
        """Read the files into the project (created if needed) and show what they hold.

        A file that cannot be read raises a UserError with the reason, and the
        project this call created is removed again: no project is left behind.
        """
        self.ensure_one()
        if not self.files and not self.is_api:
            raise UserError(
                self.env._("Upload the files exported from your old system first.")
            )
        project = self.project_id
        if project and project.state == "running":
            raise UserError(
                self.env._(
                    "A migration of %(project)s is running. Wait until it has finished "
                    "before reading new files.",
                    project=project.name,
                )
            )
        values = self._prepare_project_vals()
        created = not project
        if project:
            project.write(values)
        else:
            project = self.env["migration.project"].create(values)
            self.project_id = project
        # the files now belong to the project, not to this short-lived wizard
        self.files.write({"res_model": "migration.project", "res_id": project.id})
        try:
            if self.is_api and not self.files:
                self._save_connection()
            project.action_discover()
        except UserError:
            if created:  # files that cannot be read leave no project behind
                self.files.write({"res_model": self._name, "res_id": self.id})
                self.project_id = False
                project.unlink()
            raise
        self.step = "preview"
        return self._action_reopen()

    def action_test_connection(self):
        """Keep the keys in the project's connection and try them; stay here."""
        self.ensure_one()
        if not self.project_id:
            self.project_id = self.env["migration.project"].create(
                self._prepare_project_vals()
            )
        connection = self._save_connection()
        connection.action_test()
        return self._action_reopen()

    def _save_connection(self):
        """Move the keys typed in the wizard to the project's connection (the
        wizard keeps none of them)."""
        if not self.env.user.has_group("base.group_system"):
            raise UserError(
                self.env._("Only Settings administrators can enter the key of an API.")
            )
        connection = self.project_id._get_connection()
        values = {}
        if self.api_key:
            values["key"] = self.api_key.strip()
        if self.api_key_2:
            values["key_2"] = self.api_key_2.strip()
        if self.api_url:
            values["api_url"] = self.api_url.strip()
        if self.api_account_id and self.api_account_id != connection.account_id:
            values["account_id"] = self.api_account_id.id
        if values:
            connection.write(values)
        self.write({"api_key": False, "api_key_2": False})
        return connection

    def action_next(self):
        """Go to the next step: discovery → map → custom fields and stages → owners."""
        self.ensure_one()
        self._check_project()
        steps = [key for key, _label in self._fields["step"].selection]
        index = steps.index(self.step)
        if index + 1 < len(steps):
            self.step = steps[index + 1]
        if self.step == "owners":
            self.project_id.action_match_owners()
        return self._action_reopen()

    def action_back(self):
        self.ensure_one()
        steps = [key for key, _label in self._fields["step"].selection]
        index = steps.index(self.step)
        if index > 1:
            self.step = steps[index - 1]
        return self._action_reopen()

    def action_create_custom_fields(self):
        """Create the custom fields of the map now; stay on this step."""
        self.ensure_one()
        self._check_project()
        self.project_id.action_create_custom_fields()
        return self._action_reopen()

    def action_choose_required_column(self):
        self.ensure_one()
        self._check_project()
        return self.project_id.action_choose_required_column()

    def action_open_map(self):
        """The whole field map on a full page, grouped by object, the lines that
        need a look first."""
        self.ensure_one()
        self._check_project()
        return self.project_id.action_view_field_map()

    def action_run(self):
        """Confirm the proposed field map as it stands and start the migration."""
        self.ensure_one()
        self._check_project()
        self.project_id.action_confirm_mapping()
        return self.project_id.action_start_run()

    def action_trial_run(self):
        """Confirm the field map and queue a trial run: a representative sample
        lands, to be checked and approved (or rejected) on the project before the
        full migration."""
        self.ensure_one()
        self._check_project()
        self.project_id.action_confirm_mapping()
        return self.project_id.action_start_sample()

    # ------------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------------
    def _prepare_project_vals(self):
        """Values of the migration project; override to add platform options."""
        self.ensure_one()
        return {
            "name": self.name,
            "platform": self.platform,
            "fallback_user_id": self.fallback_user_id.id,
            "source_attachment_ids": [Command.set(self.files.ids)],
        }

    def _check_project(self):
        if not self.project_id:
            raise UserError(self.env._("Read the files first."))

    def _action_reopen(self):
        step = dict(self._fields["step"]._description_selection(self.env))[self.step]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "%(platform)s: %(step)s", platform=self._platform_label(), step=step
            ),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "context": {"dialog_size": "extra-large"},
        }
