# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..presets.base import TRANSFORMS, FieldSpec

#: How a column writes its dates, in the admin's words.
DATE_ORDERS = [
    ("DMY", "Day first (31/01/2024)"),
    ("MDY", "Month first (01/31/2024)"),
    ("YMD", "Year first (2024-01-31)"),
]


class MigrationMappingField(models.Model):
    """One line of a field map: source column → Odoo field, through a transform."""

    _name = "migration.mapping.field"
    _description = "Data Migration Field Map"
    _order = "mapping_id, confidence, sequence"

    mapping_id = fields.Many2one(
        "migration.mapping", required=True, ondelete="cascade", index=True
    )
    project_id = fields.Many2one(
        related="mapping_id.project_id", store=True, index=True, string="Project"
    )
    mapping_name = fields.Char(related="mapping_id.name", string="Source object")
    model = fields.Char(related="mapping_id.model")
    sequence = fields.Integer()
    source_column = fields.Char(
        "Column in the export", help="The column of the export this field is read from."
    )
    fallback_columns = fields.Json(
        help="Other columns read, in order, when this one is empty (a list)."
    )
    fallback_columns_display = fields.Char(
        "Else from", compute="_compute_fallback_columns_display"
    )
    source_header = fields.Char(
        "Found in the export as",
        readonly=True,
        help="The column is known to the platform under another name: this is the "
        "header the export has, matched by its name and values.",
    )
    target_field = fields.Char("Odoo field", required=True)
    target_field_label = fields.Char(
        compute="_compute_target_field_label", string="Field"
    )
    transform = fields.Selection(TRANSFORMS, required=True, default="copy")
    value_map = fields.Json(help="Source value → Odoo value.")
    ref_object = fields.Char(help="Object whose id the column holds (links).")
    lookup_field = fields.Char(help="Field of the related record to match on.")
    default = fields.Json(help="Value used when the column is empty.")
    required = fields.Boolean()
    create_missing = fields.Boolean(
        help="Create tags, stages... that do not exist yet."
    )
    owner_fallback = fields.Boolean(
        "Fallback owner",
        default=True,
        help="For a user: a record whose person matches no Odoo user gets the "
        "project's fallback owner. Off for a field that names the person "
        "themselves (a technician's own user).",
    )
    is_custom = fields.Boolean("New custom field")
    existing_field_note = fields.Text(
        "Existing field",
        readonly=True,
        help="A field of this name exists in Odoo with another type: whether the "
        "column fills it (converted), or a new field of another name is proposed.",
    )
    custom_type = fields.Selection(
        [
            ("char", "Text"),
            ("text", "Long text"),
            ("integer", "Whole number"),
            ("float", "Decimal number"),
            ("boolean", "Yes / No"),
            ("date", "Date"),
            ("datetime", "Date and time"),
            ("selection", "Dropdown"),
        ],
    )
    pipeline = fields.Char(
        help="For a pipeline stage: the sales team whose pipeline the statuses become."
    )
    value_map_ids = fields.One2many(
        "migration.value.map",
        "field_id",
        string="Value map",
        help="Each value of the column and the Odoo value (stage, choice) it becomes.",
    )
    value_map_count = fields.Integer(
        compute="_compute_value_map_count", string="Mapped values"
    )
    filled_count = fields.Integer(
        "Values", help="Rows where the column is filled.", aggregator=None
    )
    # a group of lines shows its least certain line
    confidence = fields.Float(digits=(3, 2), default=1.0, aggregator="min")
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
    date_order = fields.Selection(
        DATE_ORDERS,
        "Dates written",
        help="How the column writes its dates. Proposed from its values when one "
        "of them tells (31/01/2024 is day first); when none does, you are asked. "
        "Empty: as the platform usually writes them.",
    )
    date_question = fields.Char(
        "Question",
        readonly=True,
        help="What the values of the column cannot tell, asked when the map is "
        "proposed.",
    )
    needs_look = fields.Boolean(
        "Needs a look",
        compute="_compute_needs_look",
        store=True,
        help="A question about the column is not answered yet.",
    )
    decimal_comma = fields.Boolean(
        "Decimal comma",
        help="The column writes numbers with a decimal comma (1,5 is one and a "
        "half, 1.234,56 is one thousand two hundred and thirty-four and 56 "
        "hundredths). Proposed from its values, else from the export's date order.",
    )
    null_values = fields.Char(
        "Read as empty",
        help="Words the column writes for no value (NA, None, -), comma separated: "
        "proposed where the column's other values are numbers or dates. Elsewhere "
        "they are kept as text.",
    )

    @api.depends("date_question", "date_order", "skip")
    def _compute_needs_look(self):
        for line in self:
            line.needs_look = bool(
                line.date_question and not line.date_order and not line.skip
            )

    @api.depends("fallback_columns")
    def _compute_fallback_columns_display(self):
        for line in self:
            line.fallback_columns_display = ", ".join(line.fallback_columns or [])

    @api.depends("value_map_ids")
    def _compute_value_map_count(self):
        for line in self:
            line.value_map_count = len(line.value_map_ids)

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
                if len(name) > 63 or not re.fullmatch(r"x_[a-z0-9_]+", name):
                    raise ValidationError(
                        self.env._(
                            "%(name)s is not a valid custom field name.", name=name
                        )
                    )
                continue
            if name not in model._fields:
                raise ValidationError(
                    self.env._(
                        "%(model)s has no field %(name)s. Choose an existing field, "
                        "or a name starting with x_ to create a custom field.",
                        model=line.mapping_id.model,
                        name=name,
                    )
                )

    def write(self, vals):
        if {"target_field", "transform", "value_map", "value_map_ids", "skip"} & set(
            vals
        ):
            vals.setdefault("reason", "manual")
        return super().write(vals)

    def action_open_value_map(self):
        """The value map of this line, to edit it."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "Values of %(column)s", column=self.source_column or self.target_field
            ),
            "res_model": "migration.mapping.field",
            "res_id": self.id,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "flitstack_migration.migration_mapping_field_view_form"
                    ).id,
                    "form",
                )
            ],
            "target": "new",
        }

    def _to_spec(self):
        """The engine's view of this line."""
        self.ensure_one()
        sources = tuple(
            column
            for column in (self.source_column, *(self.fallback_columns or ()))
            if column
        )
        return FieldSpec(
            target=self.target_field,
            source=sources or None,
            transform=self.transform,
            value_map=self._value_map_dict(),
            pipeline=self.pipeline or None,
            ref=self.ref_object or None,
            lookup=self.lookup_field or None,
            # an empty Json field reads as False: no default
            default=None if self.default is False else self.default,
            required=self.required,
            create_missing=self.create_missing,
            fallback=self.owner_fallback,
            custom_type=self.custom_type or None,
            date_order=self.date_order or None,
            decimal_comma=self.decimal_comma,
            nulls=self._null_tuple() or None,
        )

    def _null_tuple(self):
        """The words of ``null_values``, lowercase, in order."""
        words = (word.strip().lower() for word in (self.null_values or "").split(","))
        return tuple(dict.fromkeys(word for word in words if word))

    def _value_map_dict(self):
        """``{source value: Odoo value}`` (an entry dict for stages) for the engine."""
        if not self.value_map_ids:
            return self.value_map or {}
        if self.transform == "stage":
            return {
                line.source_value: {
                    "stage": line.odoo_value or line.source_value,
                    "probability": line.probability,
                    "outcome": line.outcome or "open",
                    "sequence": line.sequence,
                }
                for line in self.value_map_ids.sorted("sequence")
                if line.source_value
            }
        return {
            line.source_value: line.odoo_value
            for line in self.value_map_ids.sorted("sequence")
            if line.source_value and line.odoo_value
        }
