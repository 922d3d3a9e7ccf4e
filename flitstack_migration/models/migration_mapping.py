from typing import ClassVar

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import matching
from ..engine.schema import CUSTOM_TYPES, TRANSFORM_OF_TYPE, clean_name
from ..parsers import infer_type
from ..presets.base import TRANSFORMS, FieldSpec
from ..readers.tabular import normalize_header
from .migration_run import model_label

#: Value kind a preset column's values should have, from the transform reading it.
KIND_OF_TRANSFORM = {
    "email": "email",
    "phone": "phone",
    "date": "date",
    "datetime": "date",
    "money": "money",
    "float": "float",
    "integer": "integer",
    "boolean": "boolean",
}


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
            mapping = project.mapping_ids.filtered(
                lambda m, key=obj.key: m.object_key == key
            )
            count = discovery.count(obj.key)
            stats = discovery.objects.get(obj.key)
            warning = hierarchy_warning(stats, self.env._) if stats else False
            if mapping and mapping.confirmed:
                mapping.write({"source_count": count, "hierarchy_warning": warning})
                continue
            mapping.unlink()
            source = (
                discovery.objects.get(obj.derived_from) if obj.derived_from else stats
            )
            lines, renames = self._propose_lines(preset, obj, stats, source)
            self.create(
                {
                    "project_id": project.id,
                    "object_key": obj.key,
                    "name": obj.label,
                    "model": obj.model,
                    "sequence": sequence,
                    "source_count": count,
                    "column_renames": renames or False,
                    "hierarchy_warning": warning,
                    "field_ids": [(0, 0, line) for line in lines],
                }
            )

    @api.model
    def _propose_lines(self, preset, obj, stats, source_stats):
        """Field map rows of one object, and its renamed columns.

        1. the preset's rows; a preset column missing from the export is looked for
           among the unknown headers (the matcher's name and value match);
        2. the other unknown headers are matched to the model's stored, writable
           fields not mapped yet;
        3. what is left becomes new custom fields of the type the values suggest.

        :returns: ``(rows, {header: preset column})``
        """
        unknown = dict(stats.unknown) if stats else {}
        missing = set(stats.missing) if stats else set()
        candidates = []
        for col in obj.columns:
            if col.name in missing:
                kind = expected_kind(obj, col.name)
                candidates.append(
                    matching.Candidate(
                        col.name,
                        (col.name, *col.aliases),
                        kind,
                        by_values=kind in ("email", "phone"),
                    )
                )
        renamed = matching.assign(unknown, candidates)
        renames = {header: match.key for header, match in renamed.items()}
        by_column = {match.key: match for match in renamed.values()}
        values = source_stats.values if source_stats else {}
        lines = []
        for spec, line in zip(obj.fields, spec_lines(obj), strict=True):
            matches = [by_column[c] for c in spec.sources if c in by_column]
            if matches:
                line.update(
                    source_header=", ".join(m.header for m in matches),
                    confidence=min(m.confidence for m in matches),
                    reason=matches[0].reason,
                )
            if spec.sources and source_stats:
                columns = [*spec.sources, *(m.header for m in matches)]
                line["filled_count"] = max(
                    source_stats.filled.get(c, 0) for c in columns
                )
            stats_of = values.get(spec.sources[0]) if spec.sources else None
            value_lines = self._value_map_lines(preset, spec, stats_of)
            if value_lines:
                line["value_map_ids"] = [(0, 0, vals) for vals in value_lines]
            lines.append(line)
        left = {h: s for h, s in unknown.items() if h not in renamed}
        lines += self._field_lines(obj, left, {line["target_field"] for line in lines})
        left = {
            h: s
            for h, s in left.items()
            if h not in {ln.get("source_column") for ln in lines}
        }
        taken = {line["target_field"] for line in lines}
        for header, column in sorted(left.items()):
            lines.append(custom_line(preset, header, column, taken))
        for index, line in enumerate(lines, start=1):
            line.setdefault("sequence", index)
        return lines, renames

    @api.model
    def _field_lines(self, obj, columns, taken):
        """Rows for unknown columns matching a field of the model, by name or values."""
        model = self.env[obj.model]
        infos = {
            name: {
                "name": name,
                "string": field.string,
                "type": field.type,
                "relation": field.comodel_name,
                "store": field.store and not field.related,
                "readonly": field.readonly,
            }
            for name, field in model._fields.items()
            if not field.automatic
        }
        candidates = matching.field_candidates(infos.values(), exclude=taken)
        rows = []
        for header, match in matching.assign(columns, candidates).items():
            info, stats = infos[match.key], columns[header]
            row = {
                "source_column": header,
                "target_field": match.key,
                "transform": matching.transform_for(info, stats),
                "confidence": match.confidence,
                "reason": match.reason,
                "filled_count": stats.filled if stats else 0,
            }
            if row["transform"] == "lookup":
                row["lookup_field"] = "name"
            if row["transform"] == "value_map":
                field = model._fields[match.key]
                selection = field._description_selection(self.env)
                pairs = matching.selection_map(stats.selection_values(), selection)
                row["value_map_ids"] = [
                    (
                        0,
                        0,
                        {
                            "sequence": i,
                            "source_value": value,
                            "count": stats.distinct.get(value, 0),
                            "odoo_value": key or False,
                        },
                    )
                    for i, (value, key) in enumerate(pairs.items(), start=1)
                ]
            rows.append(row)
        return rows

    @api.model
    def _value_map_lines(self, preset, spec, stats):
        """Value-map rows of a status or dropdown column: the preset's values first
        (pipeline order), then the other values the export holds, with their counts."""
        if spec.transform not in ("stage", "value_map"):
            return []
        counts = {}
        for value, count in stats.selection_values() if stats else []:
            counts.setdefault(value.strip().lower(), [value, 0])[1] += count
        rows, seen = [], set()
        if spec.transform == "stage" and spec.stages:
            entries = preset.stage_entries(spec)
            for stage in spec.stages:
                for name in (stage.name, *stage.aliases):
                    key = name.strip().lower()
                    if key in seen or (name != stage.name and key not in counts):
                        continue
                    seen.add(key)
                    entry = entries[key]
                    rows.append(
                        {
                            "sequence": entry["sequence"],
                            "source_value": counts.get(key, [name])[0],
                            "count": counts.get(key, [name, 0])[1],
                            "odoo_value": entry["stage"],
                            "probability": entry["probability"],
                            "outcome": entry["outcome"],
                        }
                    )
        elif spec.value_map:
            for index, (value, target) in enumerate(spec.value_map.items(), start=1):
                key = str(value).strip().lower()
                if key in seen or not isinstance(target, str):
                    continue
                seen.add(key)
                rows.append(
                    {
                        "sequence": index,
                        "source_value": counts.get(key, [value])[0],
                        "count": counts.get(key, [value, 0])[1],
                        "odoo_value": target,
                    }
                )
        last = max((row["sequence"] for row in rows), default=0)
        for key, (value, count) in counts.items():
            if key in seen:
                continue
            last += 1
            row = {"sequence": last, "source_value": value, "count": count}
            if spec.transform == "stage":
                row.update(
                    odoo_value=clean_name(value), probability=10.0, outcome="open"
                )
            rows.append(row)
        return rows


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
        help="Column of the export; several separated by | : the first non-empty wins."
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
                if len(name) > 63 or not name.replace("_", "").isalnum():
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
            part.strip()
            for part in (self.source_column or "").split("|")
            if part.strip()
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
            custom_type=self.custom_type or None,
        )

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
            "pipeline": spec.pipeline or False,
            "is_custom": spec.target.startswith("x_"),
            "confidence": 1.0,
            "reason": "preset",
        }
        for spec in obj.fields
    ]


def column_type(stats):
    """Custom field type for an unknown column, from its values."""
    return infer_type(stats)


def expected_kind(obj, column):
    """Value kind the preset expects in a column, from the transforms that read it."""
    for spec in obj.fields:
        if column in spec.sources and spec.transform in KIND_OF_TRANSFORM:
            return KIND_OF_TRANSFORM[spec.transform]
    return "any"


def custom_line(preset, header, stats, taken):
    """Row of an unknown column that becomes a new custom field of the inferred type."""
    ttype = column_type(stats)
    name = custom_field_name(preset, header)
    base, suffix = name, 2
    while name in taken:
        name = f"{base[:60]}_{suffix}"
        suffix += 1
    taken.add(name)
    row = {
        "source_column": header,
        "target_field": name,
        "transform": TRANSFORM_OF_TYPE.get(ttype, "copy"),
        "custom_type": ttype,
        "is_custom": True,
        "confidence": 0.5,
        "reason": "new_custom",
        "filled_count": stats.filled,
    }
    if ttype == "selection":
        row["value_map_ids"] = [
            (
                0,
                0,
                {
                    "sequence": i,
                    "source_value": value,
                    "count": count,
                    "odoo_value": value,
                },
            )
            for i, (value, count) in enumerate(stats.selection_values(), start=1)
        ]
    return row


def hierarchy_warning(stats, translate=None):
    """The discovery's hierarchy report of an object as sentences (False: all fine).

    :param translate: the caller's ``env._`` (untranslated English without one)
    """
    # pylint: disable=prefer-env-translation
    _ = translate or (lambda text, **params: text % params)
    report = stats.hierarchy or {}
    lines = []
    if report.get("too_deep_count"):
        lines.append(
            _(
                "%(count)s records are more than %(limit)s levels deep (deepest: "
                "%(depth)s levels), e.g. %(ids)s.",
                count=report["too_deep_count"],
                limit=report["limit"],
                depth=report["max_depth"],
                ids=", ".join(report["too_deep"][:5]),
            )
        )
    if report.get("cycle_count"):
        lines.append(
            _(
                "%(count)s circles of parents (a record is its own ancestor): "
                "%(cycles)s.",
                count=report["cycle_count"],
                cycles="; ".join(" → ".join(cycle) for cycle in report["cycles"][:5]),
            )
        )
    if report.get("orphan_count"):
        lines.append(
            _(
                "%(count)s records name a parent that is not in the export, e.g. "
                "%(ids)s: they land without a parent.",
                count=report["orphan_count"],
                ids=", ".join(report["orphans"][:5]),
            )
        )
    return "\n".join(lines) or False


def propose(env, platform, sources, name=None):
    """Read an export and propose its field map, writing nothing but a project.

    For ``odoo-bin flitstack propose --json``: the project (with its map and owners)
    is created so that the admin can review and confirm it later.

    :param env: an Odoo environment
    :param platform: a preset's platform key (``the_customer_factor``)
    :param sources: ``[(file name, bytes or path)]``, as the readers take them
    :param name: the project's name (default: "Proposal from <platform label>")
    :returns: one dict per map row, least confident first, with keys ``project_id``,
        ``object``, ``object_label``, ``column``, ``found_as``, ``target_model``,
        ``target_field`` (None for a new field), ``new_field`` (``{"name", "type"}`` or
        None), ``transform``, ``confidence`` (0..1), ``reason`` (``preset``, ``name``,
        ``values``, ``new_custom``, ``manual``) and ``skip``
    """
    from ..presets.base import get_preset

    preset = get_preset(platform)
    project = env["migration.project"].create(
        {
            "name": name or env._("Proposal from %(label)s", label=preset.label),
            "platform": platform,
        }
    )
    project._discover(sources)
    return proposal_rows(project)


def proposal_rows(project):
    """The map of a project as :func:`propose` returns it."""
    rows = []
    for mapping in project.mapping_ids.sorted("sequence"):
        for line in mapping.field_ids.sorted(lambda f: (f.confidence, f.sequence)):
            rows.append(
                {
                    "project_id": project.id,
                    "object": mapping.object_key,
                    "object_label": mapping.name,
                    "column": line.source_column or None,
                    "found_as": line.source_header or None,
                    "target_model": mapping.model,
                    "target_field": None if line.is_custom else line.target_field,
                    "new_field": {
                        "name": line.target_field,
                        "type": line.custom_type
                        or CUSTOM_TYPES.get(line.transform, "char"),
                    }
                    if line.is_custom
                    else None,
                    "transform": line.transform,
                    "confidence": round(line.confidence, 2),
                    "reason": line.reason,
                    "skip": line.skip,
                }
            )
    rows.sort(key=lambda row: row["confidence"])
    return rows


def custom_field_name(preset, header):
    """``x_<platform>_<column>``: a valid, stable technical name for a column."""
    slug = normalize_header(header).replace(" ", "_") or "column"
    return f"{preset.custom_prefix}{slug}"[:63]
