# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from typing import ClassVar

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..engine import proposal, schema
from ..engine.labels import model_label


class MigrationMapping(models.Model):
    """How one source object lands in Odoo: its target model, load order and fields.

    - proposed from the platform preset and the discovered columns;
    - edited and confirmed by the admin; a run uses only a confirmed map;
    - kept per project, so later runs and deltas reuse it.
    """

    _name = "migration.mapping"
    _description = "Data Migration Object Map"
    _order = "project_id, sequence"

    project_id = fields.Many2one(
        "migration.project", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(help="Load order: parents before children.")
    object_key = fields.Char(required=True, readonly=True)
    name = fields.Char("Source object", required=True)
    model = fields.Char("Odoo model", required=True)
    model_label = fields.Char("Lands in", compute="_compute_model_label")
    source_count = fields.Integer("Records")
    confirmed = fields.Boolean()
    migrate = fields.Boolean(
        default=True,
        help="Off: the records of this object are not migrated. Only the objects "
        "that are a choice (see Choice) can be turned off.",
    )
    choice = fields.Char(
        readonly=True,
        help="For an object that is migrated only when you choose so: what turning "
        "it on does.",
    )
    field_ids = fields.One2many(
        "migration.mapping.field", "mapping_id", string="Fields"
    )
    column_renames = fields.Json(
        help="Columns of the export read as a column the platform is known to have: "
        "header found → known column."
    )
    column_renames_display = fields.Text(
        compute="_compute_column_renames_display", string="Columns recognised"
    )
    required_columns = fields.Json(
        readonly=True,
        help="Columns the migration needs that the files do not have under a known "
        "name: column → what serves as it (found_as), with the likeliest candidates.",
    )
    required_columns_display = fields.Text(
        compute="_compute_required_columns_display",
        string="Columns the migration needs",
    )
    unresolved_columns = fields.Text(
        compute="_compute_required_columns_display",
        help="Why this map cannot be confirmed yet: a required column not found.",
    )
    hierarchy_warning = fields.Text(
        "Hierarchy problems",
        readonly=True,
        help="Parent/child links of the source that are too deep or go round in a "
        "circle, found when the files were read.",
    )

    _sql_constraints: ClassVar[list] = [
        (
            "object_unique",
            "unique(project_id, object_key)",
            "Each source object is mapped once per project.",
        )
    ]

    @api.depends("model")
    def _compute_model_label(self):
        for mapping in self:
            mapping.model_label = model_label(self.env, mapping.model)

    @api.depends("column_renames")
    def _compute_column_renames_display(self):
        for mapping in self:
            mapping.column_renames_display = "\n".join(
                self.env._(
                    '"%(header)s" read as "%(column)s"', header=header, column=column
                )
                for header, column in sorted((mapping.column_renames or {}).items())
            )

    @api.depends("required_columns")
    def _compute_required_columns_display(self):
        for mapping in self:
            lines, problems = [], []
            for column, info in sorted((mapping.required_columns or {}).items()):
                if info.get("found_as"):
                    lines.append(
                        self.env._(
                            '"%(column)s": read from "%(header)s" (%(confidence)s)',
                            column=column,
                            header=info["found_as"],
                            confidence=f"{info.get('confidence') or 0:.2f}",
                        )
                    )
                else:
                    problems.append(
                        proposal.unresolved_message(
                            mapping.name, column, info, self.env._
                        )
                    )
            mapping.required_columns_display = "\n".join(lines + problems) or False
            mapping.unresolved_columns = "\n".join(problems) or False

    def action_confirm(self):
        self._check_required_columns()
        self._check_can_land()
        self.write({"confirmed": True})
        return True

    def _check_can_land(self):
        """Stop with the list of the custom fields these maps cannot land in.

        A custom field of the map that exists in Odoo with a type its rows cannot
        fill would stop a run once started: the map must reuse it with a conversion,
        or name another field. Called when a map is confirmed, and before a run.

        :raises UserError: one line per conflicting field
        """
        conflicts = []
        for project in self.project_id:
            preset = project._preset()
            keys = set(
                self.filtered(lambda m, p=project: m.project_id == p).mapped(
                    "object_key"
                )
            )
            specs = {
                obj.key: project._field_specs(obj)
                for obj in preset.objects
                if obj.key in keys
            }
            wanted = schema.wanted_fields(preset, specs)
            conflicts += schema.plan_custom_fields(self.env, wanted)[2]
        if conflicts:
            raise UserError(
                self.env._(
                    "The field map cannot land: some of its new fields exist in Odoo "
                    "with another type. Choose another field name on these lines, or "
                    "read the files again for a new proposal:\n%(lines)s",
                    lines="\n".join(f"- {line}" for line in conflicts),
                )
            )

    def _check_required_columns(self):
        """Refuse a map a run could not land: a required column is not found."""
        problems = [
            mapping.unresolved_columns for mapping in self if mapping.unresolved_columns
        ]
        if problems:
            raise UserError("\n".join(problems))

    def _check_readable(self):
        """Refuse files where no column at all can serve as a required column (the
        other unresolved columns wait for the administrator's choice)."""
        problems = []
        for mapping in self:
            files = {}
            for column, info in (mapping.required_columns or {}).items():
                if info.get("found_as") or info.get("candidates"):
                    continue
                for file_name in info.get("files") or ():
                    files.setdefault(file_name, []).append(column)
            problems += [
                proposal.unreadable_message(
                    mapping.name, file_name, columns, self.env._
                )
                for file_name, columns in sorted(files.items())
            ]
        if problems:
            raise UserError("\n".join(problems))

    def action_choose_required_column(self):
        """Open the dialog choosing which column holds a column the migration needs."""
        self.ensure_one()
        unresolved = [
            column
            for column, info in sorted((self.required_columns or {}).items())
            if not info.get("found_as")
        ]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("%(object)s: choose a column", object=self.name),
            "res_model": "migration.required.column.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_mapping_id": self.id,
                "default_column": unresolved[0] if unresolved else False,
            },
        }

    def _set_found_as(self, column, header):
        """Read preset column ``column`` from the export's ``header`` (None: the
        column is not in the export), as the administrator decided."""
        self.ensure_one()
        renames = {h: c for h, c in (self.column_renames or {}).items() if c != column}
        if header:
            renames[header] = column
        required = dict(self.required_columns or {})
        if column in required:
            required[column] = dict(
                required[column],
                found_as=header or None,
                confidence=1.0 if header else 0.0,
                reason="manual",
            )
        self.write(
            {"column_renames": renames or False, "required_columns": required or False}
        )
        lines = self.field_ids.filtered(
            lambda f: column in (f.source_column, *(f.fallback_columns or ()))
        )
        lines.write({"source_header": header or False})

    @api.model
    def _propose(self, project, discovery):
        """(Re)build a project's proposed map from its preset and what discovery found.

        Rows the admin already confirmed are kept as they are; in the others, the
        answers the admin gave (how a column writes its dates) are kept.
        """
        preset = project._preset()
        for sequence, obj in enumerate(preset.load_order(), start=1):
            mapping = project.mapping_ids.filtered(
                lambda m, key=obj.key: m.object_key == key
            )
            count = discovery.count(obj.key)
            stats = discovery.objects.get(obj.key)
            warning = proposal.hierarchy_warning(stats, self.env._) if stats else False
            if mapping and mapping.confirmed:
                mapping.write({"source_count": count, "hierarchy_warning": warning})
                continue
            # the admin's choice of an optional object is kept
            migrate = mapping.migrate if mapping else not obj.optional
            # the admin's answers to the questions of the map are kept
            answers = {
                line.source_column: line.date_order
                for line in mapping.field_ids
                if line.date_question and line.date_order
            }
            mapping.unlink()
            source = (
                discovery.objects.get(obj.derived_from) if obj.derived_from else stats
            )
            lines, renames, required = self._propose_lines(
                preset, obj, stats, source, discovery, project.min_confidence
            )
            for line in lines:
                if line.get("date_question") and line.get("source_column") in answers:
                    line["date_order"] = answers[line["source_column"]]
            self.create(
                {
                    "project_id": project.id,
                    "object_key": obj.key,
                    "name": obj.label,
                    "model": obj.model,
                    "sequence": sequence,
                    "source_count": count,
                    "column_renames": renames or False,
                    "required_columns": required or False,
                    "hierarchy_warning": warning,
                    "migrate": migrate or not obj.optional,
                    "choice": obj.optional or False,
                    "field_ids": [Command.create(line) for line in lines],
                }
            )

    @api.model
    def _propose_lines(
        self, preset, obj, stats, source_stats, discovery=None, min_confidence=None
    ):
        """Field map rows of one object as ORM values, its renamed columns and its
        required columns (see :func:`..engine.proposal.propose_object`)."""
        model = self.env[obj.model]

        def selections(name):
            return model._fields[name]._description_selection(self.env)

        rows, renames, required = proposal.propose_object(
            preset,
            obj,
            stats,
            source_stats,
            proposal.field_infos(model),
            selections,
            translate=self.env._,
            discovery=discovery,
            min_confidence=min_confidence or proposal.MIN_CONFIDENCE,
        )
        for row in rows:
            value_maps = row.pop("value_maps", None)
            if value_maps:
                row["value_map_ids"] = [Command.create(vals) for vals in value_maps]
        return rows, renames, required
