from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..engine import schema
from ..exceptions import MigrationError


class MigrationProject(models.Model):
    """What must be ready before a project's records move.

    - the checklist of custom fields to create, and the button that creates them;
    - the pipelines and stages the statuses become (value maps of the stage lines);
    - the owners the source names and the Odoo users they resolve to;
    - the hierarchy problems discovery found;
    - the columns the confirmed map renamed, handed to the reader.
    """

    _inherit = "migration.project"

    mapping_line_ids = fields.One2many(
        "migration.mapping.field", "project_id", string="Field map lines"
    )
    owner_ids = fields.One2many("migration.owner", "project_id", string="Owners")
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
    stage_field_ids = fields.One2many(
        "migration.mapping.field",
        "project_id",
        domain=[("transform", "=", "stage")],
        string="Pipelines",
    )
    hierarchy_warning = fields.Text(compute="_compute_hierarchy_warning")

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

    # ------------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------------
    def action_create_custom_fields(self):
        """Create the checklist's custom fields now (the run would create them too)."""
        for project in self:
            created = project._create_custom_fields()
            project.message_post(
                body=_("%(count)s custom fields created.", count=len(created))
                if created
                else _("Every custom field of the map exists already.")
            )
        return True

    def action_match_owners(self):
        """Match again the owners not chosen by hand (after inviting users, say)."""
        self.owner_ids.filtered(lambda o: o.match != "manual")._auto_match()
        return True

    # ------------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------------
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
                _("A run of this project is under way: wait until it has finished.")
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
        self.env["migration.log"].create(logs)
        run.write({"state": "done", "date_end": fields.Datetime.now()})
        return created

    def _propose_mapping(self, discovery):
        res = super()._propose_mapping(discovery)
        self.env["migration.owner"]._sync(self, discovery.owners)
        return res

    def _column_renames(self):
        """``{object key: {header: preset column}}`` of the confirmed maps."""
        return {
            mapping.object_key: mapping.column_renames
            for mapping in self.mapping_ids
            if mapping.confirmed and mapping.column_renames
        }

    def _open_reader(self, sources=None):
        reader = super()._open_reader(sources)
        if hasattr(reader, "apply_renames"):
            reader.apply_renames(self._column_renames())
        return reader
