from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..engine.loader import TRANSFORM_OF_TYPE
from ..engine.transforms import infer_type
from ..presets.base import TRANSFORMS, FieldSpec
from ..readers.tabular import normalize_header
from .migration_run import model_label


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
    field_ids = fields.One2many("migration.mapping.field", "mapping_id", string="Fields")

    _sql_constraints = [
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

    def action_confirm(self):
        self.write({"confirmed": True})
        return True

    @api.model
    def _propose(self, project, discovery):
        """(Re)build a project's proposed map from its preset and what discovery found.

        Rows the admin already confirmed are kept as they are.
        """
        preset = project._preset()
        for sequence, obj in enumerate(preset.load_order(), start=1):
            mapping = project.mapping_ids.filtered(lambda m, key=obj.key: m.object_key == key)
            count = discovery.count(obj.key)
            if mapping and mapping.confirmed:
                mapping.source_count = count
                continue
            mapping.unlink()
            lines = [
                (0, 0, dict(line, sequence=index))
                for index, line in enumerate(spec_lines(obj), start=1)
            ]
            stats = discovery.objects.get(obj.key)
            for header, column in sorted((stats.unknown if stats else {}).items()):
                ttype = column_type(column)
                lines.append(
                    (
                        0,
                        0,
                        {
                            "sequence": 1000 + len(lines),
                            "source_column": header,
                            "target_field": custom_field_name(preset, header),
                            "transform": TRANSFORM_OF_TYPE.get(ttype, "copy"),
                            "custom_type": ttype,
                            "is_custom": True,
                            "confidence": 0.5,
                            "reason": "new_custom",
                            "filled_count": column.filled,
                        },
                    )
                )
            self.create(
                {
                    "project_id": project.id,
                    "object_key": obj.key,
                    "name": obj.label,
                    "model": obj.model,
                    "sequence": sequence,
                    "source_count": count,
                    "field_ids": lines,
                }
            )


class MigrationMappingField(models.Model):
    """One line of a field map: source column → Odoo field, through a transform."""

    _name = "migration.mapping.field"
    _description = "Data Migration Field Map"
    _order = "mapping_id, confidence, sequence"

    mapping_id = fields.Many2one(
        "migration.mapping", required=True, ondelete="cascade", index=True
    )
    model = fields.Char(related="mapping_id.model")
    sequence = fields.Integer()
    source_column = fields.Char(
        help="Column of the export; several separated by | : the first non-empty wins."
    )
    target_field = fields.Char("Odoo field", required=True)
    target_field_label = fields.Char(compute="_compute_target_field_label", string="Field")
    transform = fields.Selection(TRANSFORMS, required=True, default="copy")
    value_map = fields.Json(help="Source value → Odoo value.")
    ref_object = fields.Char(help="Object whose id the column holds (links).")
    lookup_field = fields.Char(help="Field of the related record to match on.")
    default = fields.Json(help="Value used when the column is empty.")
    required = fields.Boolean()
    create_missing = fields.Boolean(help="Create tags, stages... that do not exist yet.")
    is_custom = fields.Boolean("New custom field")
    custom_type = fields.Selection(
        [
            ("char", "Text"),
            ("text", "Long text"),
            ("integer", "Whole number"),
            ("float", "Decimal number"),
            ("boolean", "Yes / No"),
            ("date", "Date"),
            ("datetime", "Date and time"),
        ],
    )
    filled_count = fields.Integer("Values", help="Rows where the column is filled.")
    confidence = fields.Float(digits=(3, 2), default=1.0)
    reason = fields.Selection(
        [
            ("preset", "Platform preset"),
            ("name", "Column name"),
            ("values", "Column values"),
            ("new_custom", "New custom field"),
            ("manual", "Set by you"),
        ],
        default="preset",
    )
    skip = fields.Boolean("Do not migrate")

    @api.depends("target_field", "mapping_id.model")
    def _compute_target_field_label(self):
        for line in self:
            model = self.env.get(line.mapping_id.model)
            field = model._fields.get(line.target_field) if model is not None else None
            line.target_field_label = field.string if field else line.target_field

    @api.constrains("target_field", "is_custom")
    def _check_target_field(self):
        for line in self:
            if line.skip:
                continue
            model = self.env.get(line.mapping_id.model)
            if model is None:
                continue
            name = line.target_field or ""
            if name.startswith("x_"):
                if len(name) > 63 or not name.replace("_", "").isalnum():
                    raise ValidationError(
                        _("%(name)s is not a valid custom field name.", name=name)
                    )
                continue
            if name not in model._fields:
                raise ValidationError(
                    _(
                        "%(model)s has no field %(name)s. Choose an existing field, or a "
                        "name starting with x_ to create a custom field.",
                        model=line.mapping_id.model,
                        name=name,
                    )
                )

    def write(self, vals):
        if {"target_field", "transform", "value_map", "skip"} & set(vals):
            vals.setdefault("reason", "manual")
        return super().write(vals)

    def _to_spec(self):
        """The engine's view of this line."""
        self.ensure_one()
        sources = tuple(
            part.strip() for part in (self.source_column or "").split("|") if part.strip()
        )
        return FieldSpec(
            target=self.target_field,
            source=sources or None,
            transform=self.transform,
            value_map=self.value_map or {},
            ref=self.ref_object or None,
            lookup=self.lookup_field or None,
            # an empty Json field reads as False: no default
            default=None if self.default is False else self.default,
            required=self.required,
            create_missing=self.create_missing,
            custom_type=self.custom_type or None,
        )


def spec_lines(obj):
    """Field map rows of an object, as its preset declares them."""
    return [
        {
            "source_column": " | ".join(spec.sources),
            "target_field": spec.target,
            "transform": spec.transform,
            "value_map": spec.value_map or False,
            "ref_object": spec.ref or False,
            "lookup_field": spec.lookup or False,
            "default": spec.default,
            "required": spec.required,
            "create_missing": spec.create_missing,
            "custom_type": spec.custom_type or False,
            "is_custom": spec.target.startswith("x_"),
            "confidence": 1.0,
            "reason": "preset",
        }
        for spec in obj.fields
    ]


def column_type(stats):
    """Custom field type for an unknown column, from its values."""
    return infer_type(stats)


def custom_field_name(preset, header):
    """``x_<platform>_<column>``: a valid, stable technical name for a column."""
    slug = normalize_header(header).replace(" ", "_") or "column"
    return f"{preset.custom_prefix}{slug}"[:63]
