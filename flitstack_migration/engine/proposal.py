"""The proposed field map of an export: preset rows, matched columns, new fields.

Pure logic, shared by the project's discovery step (``migration.mapping``), the CLI
(``odoo-bin flitstack propose``) and the tests. The functions take the preset, what
discovery found (:class:`~..readers.base.ObjectStats`) and plain descriptions of the
target model's fields, and return plain dicts: the caller writes them as ORM rows.

A row is a dict of ``migration.mapping.field`` values, except ``value_maps``: the list
of ``migration.value.map`` values of the row (statuses and dropdown choices).

The approach, for one object (:func:`propose_object`):

1. the preset's rows; a preset column missing from the export is looked for among the
   unknown headers (the matcher's name and value match);
2. the other unknown headers are matched to the model's stored, writable fields not
   mapped yet;
3. what is left becomes a new custom field of the type its values suggest;
4. every custom field the map needs is checked against the model's fields: one that
   exists with another type is reused when the column's values fit it (the values
   that do not are left empty, reported per record), else a free name is proposed;
   the row's ``existing_field_note`` says which (:func:`check_existing`).
"""

import re
import unicodedata

from .. import parsers
from ..parsers import infer_type
from . import matching
from .schema import COMPATIBLE, CUSTOM_TYPES, TRANSFORM_OF_TYPE, clean_name

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


def field_infos(model):
    """Plain descriptions of a model's fields, as :mod:`.matching` takes them."""
    return {
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


def spec_row(spec):
    """The field map row of one preset :class:`~..presets.base.FieldSpec`."""
    sources = spec.sources
    return {
        "source_column": sources[0] if sources else False,
        "fallback_columns": list(sources[1:]) or False,
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


def expected_kind(obj, column, infos=None):
    """Value kind the preset expects in a column, from the transforms that read it,
    else from the address field it fills (a zip, a street, a state, a country)."""
    for spec in obj.fields:
        if column in spec.sources and spec.transform in KIND_OF_TRANSFORM:
            return KIND_OF_TRANSFORM[spec.transform]
    for spec in obj.fields:
        info = (infos or {}).get(spec.target)
        if column in spec.sources and info:
            kind = matching.field_kind(info)
            if kind in matching.CONFIRM_ONLY:
                return kind
    return "any"


#: Letters Unicode does not decompose, spelt in ASCII.
_LATIN = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "ł": "l",
        "Ł": "L",
        "þ": "th",
        "Þ": "TH",
        "ı": "i",
    }
)


def ascii_slug(text):
    """``"Código postal"`` → ``"codigo_postal"``; "" for a script that does not
    decompose into Latin letters (``"电话"``)."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_LATIN))
    plain = decomposed.encode("ascii", "ignore").decode().lower()
    return "_".join(re.findall(r"[a-z0-9]+", plain))


def custom_field_name(preset, header, taken=()):
    """``x_<platform>_<column>``: a valid technical name for a column, not in
    ``taken``.

    Letters are spelt in ASCII (``Größe`` → ``x_tcf_grosse``); a header with none
    (``电话``) gets a numbered name (``x_tcf_column_1``). The field's label keeps the
    header as written.
    """
    slug = ascii_slug(header)
    if not slug:
        number = 1
        while f"{preset.custom_prefix}column_{number}" in taken:
            number += 1
        return f"{preset.custom_prefix}column_{number}"
    return free_name(f"{preset.custom_prefix}{slug}"[:63].rstrip("_"), taken)


def free_name(name, taken):
    """``name``, or ``name_2``, ``name_3``... the first not in ``taken``."""
    base, suffix = name, 2
    while name in taken:
        name = f"{base[:60]}_{suffix}"
        suffix += 1
    return name


def custom_row(preset, header, stats, taken):
    """Row of an unknown column that becomes a new custom field of the inferred type.

    :param taken: field names already used by the object's map (updated)
    """
    ttype = infer_type(stats)
    name = custom_field_name(preset, header, taken)
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
        row["value_maps"] = [
            {"sequence": i, "source_value": value, "count": count, "odoo_value": value}
            for i, (value, count) in enumerate(stats.selection_values(), start=1)
        ]
    return row


#: Field types in words, for the notes of the map.
TYPE_WORDS = {
    "char": "text",
    "text": "long text",
    "html": "formatted text",
    "integer": "whole number",
    "float": "decimal number",
    "monetary": "amount",
    "boolean": "yes / no",
    "date": "date",
    "datetime": "date and time",
    "selection": "dropdown",
}
#: Custom type (and transform) of a map row filling an existing field of a type.
REUSED_TYPE = {"monetary": ("float", "money"), "html": ("text", "copy")}
#: Values listed in a note, at most.
NOTE_VALUES = 5


def _fits_integer(value, _order):
    number = parsers.parse_integer(value)
    text = value.strip()
    if abs(number) > 2**31 - 1 or (text.isdigit() and len(text) > 1 and text[0] == "0"):
        raise parsers.InvalidValue(value)  # an id, a phone, a zip: no number


#: Whether one cell fits an existing field of a type (raises InvalidValue if not).
_FIT_CHECKS = {
    "integer": _fits_integer,
    "float": lambda value, _order: parsers.parse_money(value),
    "monetary": lambda value, _order: parsers.parse_money(value),
    "boolean": lambda value, _order: parsers.parse_boolean(value),
    "date": parsers.parse_date,
    "datetime": parsers.parse_datetime,
}
#: Value kinds of :class:`~..parsers.ColumnStats` counting the cells that fit a type,
#: for a column of too many distinct values to test them one by one.
_FIT_KINDS = {
    "integer": ("integer",),
    "float": ("money",),
    "monetary": ("money",),
    "boolean": ("boolean",),
    "date": ("date", "datetime"),
    "datetime": ("date", "datetime"),
}


def values_fit_type(stats, ttype, order="MDY"):
    """Whether a column's values fit an existing field of type ``ttype``.

    :returns: ``(fits, misfit count, some values that do not fit)``; a column whose
        values are unknown (``stats`` None) fits no typed field
    """
    if ttype in ("char", "text", "html"):
        return True, 0, []
    if stats is None:
        return False, 0, []
    if not stats.filled:
        return ttype in _FIT_CHECKS or ttype == "selection", 0, []
    if ttype == "selection":  # new values are added to the dropdown
        return stats.distinct is not None, 0, []
    if ttype in ("integer", "float", "monetary") and parsers.is_code(stats):
        return False, 0, []  # codes are text: a number would lose their zeros
    check = _FIT_CHECKS.get(ttype)
    if check is None:
        return False, 0, []

    def fits(value):
        try:
            check(value, order)
        except (parsers.InvalidValue, ValueError, OverflowError):
            return False
        return True

    if stats.distinct is not None:
        misfits = [(v, n) for v, n in stats.selection_values() if not fits(v)]
        count = sum(n for _v, n in misfits)
        examples = [v for v, _n in misfits]
    else:
        good = sum(stats.counts.get(kind, 0) for kind in _FIT_KINDS[ttype])
        if ttype == "integer":
            good -= stats.counts.get("code", 0)
        count = max(stats.filled - good, 0)
        examples = [v for v in stats.samples if not fits(v)]
    share = (stats.filled - count) / stats.filled
    return share >= matching.CONFIRM_SHARE, count, examples[:NOTE_VALUES]


def check_existing(preset, row, stats, infos, taken, selections, translate=None):
    """Fit a custom field row to the field of its name that exists in Odoo.

    A field of a compatible type is filled as it is. One of another type is reused
    when the column's values fit it (:func:`values_fit_type`): the row converts to
    its type, and a value that does not fit is left empty with a warning on its
    record. Else the row gets a free name (``x_..._2``). Either way the row's
    ``existing_field_note`` tells the admin.

    :param row: a custom field row (updated)
    :param stats: the column's :class:`~..parsers.ColumnStats`, or None
    :param infos: :func:`field_infos` of the model
    :param taken: field names the map already uses (updated)
    :param selections: callable ``field name → [(key, label)]``
    :param translate: the caller's ``env._`` (untranslated English without one)
    """
    # pylint: disable=prefer-env-translation
    _ = translate or (lambda text, **params: text % params)
    name = row["target_field"]
    info = infos.get(name)
    wanted = row.get("custom_type") or CUSTOM_TYPES.get(row.get("transform"), "char")
    if info is None or info["type"] in COMPATIBLE.get(wanted, {wanted}):
        return row
    existing = info["type"]
    words = TYPE_WORDS.get(existing, existing)
    fits, count, examples = values_fit_type(stats, existing, preset.date_order)
    if not fits:
        new = free_name(name, taken | set(infos))
        taken.add(new)
        row.update(
            target_field=new,
            existing_field_note=_(
                "%(field)s already exists in Odoo as %(type)s, which the column's "
                "values do not fit: a new field %(new)s is proposed instead.",
                field=name,
                type=words,
                new=new,
            ),
        )
        return row
    custom_type, transform = REUSED_TYPE.get(
        existing, (existing, TRANSFORM_OF_TYPE.get(existing, "copy"))
    )
    if existing == "float" and stats is not None and stats.counts.get("money"):
        transform = "money"
    row.update(custom_type=custom_type, transform=transform)
    row.pop("value_maps", None)
    if existing == "selection" and stats is not None:
        keys = matching.selection_map(stats.selection_values(), selections(name))
        row["value_maps"] = [
            {
                "sequence": i,
                "source_value": value,
                "count": stats.distinct.get(value, 0),
                "odoo_value": key or value,
            }
            for i, (value, key) in enumerate(keys.items(), start=1)
        ]
    note = _(
        "%(field)s already exists in Odoo as %(type)s: the column fills it, converted.",
        field=name,
        type=words,
    )
    if count:
        note += " " + _(
            "%(count)s values do not fit and are left empty, each reported on its "
            "record: %(values)s.",
            count=count,
            values=", ".join(f'"{value}"' for value in examples) or "…",
        )
    row["existing_field_note"] = note
    return row


def value_map_rows(preset, spec, stats):
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
            row.update(odoo_value=clean_name(value), probability=10.0, outcome="open")
        rows.append(row)
    return rows


def field_rows(columns, infos, taken, selections):
    """Rows for unknown columns matching a field of the model, by name or values.

    :param columns: ``{header: ColumnStats}`` of the columns still unmapped
    :param infos: :func:`field_infos` of the target model
    :param taken: field names the map already fills
    :param selections: callable ``field name → [(key, label)]`` of a selection field
    """
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
            pairs = matching.selection_map(
                stats.selection_values(), selections(match.key)
            )
            row["value_maps"] = [
                {
                    "sequence": i,
                    "source_value": value,
                    "count": stats.distinct.get(value, 0),
                    "odoo_value": key or False,
                }
                for i, (value, key) in enumerate(pairs.items(), start=1)
            ]
        rows.append(row)
    return rows


def propose_object(preset, obj, stats, source_stats, infos, selections, translate=None):
    """Field map rows of one object, and its renamed columns.

    :param stats: discovery's :class:`~..readers.base.ObjectStats` of the object
    :param source_stats: those of the object whose rows it reads (itself, or the
        object it derives from)
    :param infos: :func:`field_infos` of the object's model
    :param selections: callable ``field name → [(key, label)]``
    :param translate: the caller's ``env._``, for the notes of the rows
    :returns: ``(rows, {header found: preset column})``
    """
    unknown = dict(stats.unknown) if stats else {}
    missing = set(stats.missing) if stats else set()
    candidates = []
    for col in obj.columns:
        if col.name in missing:
            kind = expected_kind(obj, col.name, infos)
            candidates.append(
                matching.Candidate(
                    col.name,
                    (col.name, *col.aliases),
                    kind,
                    by_values=kind in matching.VALUE_KINDS | matching.WEAK_VALUE_KINDS,
                )
            )
    renamed = matching.assign(unknown, candidates)
    renames = {header: match.key for header, match in renamed.items()}
    by_column = {match.key: match for match in renamed.values()}
    values = source_stats.values if source_stats else {}
    rows = []
    for spec in obj.fields:
        row = spec_row(spec)
        matches = [by_column[c] for c in spec.sources if c in by_column]
        if matches:
            row.update(
                source_header=", ".join(m.header for m in matches),
                confidence=min(m.confidence for m in matches),
                reason=matches[0].reason,
            )
        if spec.sources and source_stats:
            columns = [*spec.sources, *(m.header for m in matches)]
            row["filled_count"] = max(source_stats.filled.get(c, 0) for c in columns)
        stats_of = values.get(spec.sources[0]) if spec.sources else None
        value_rows = value_map_rows(preset, spec, stats_of)
        if value_rows:
            row["value_maps"] = value_rows
        rows.append(row)
    left = {h: s for h, s in unknown.items() if h not in renamed}
    rows += field_rows(left, infos, {row["target_field"] for row in rows}, selections)
    used = {row.get("source_column") for row in rows}
    left = {h: s for h, s in left.items() if h not in used}
    taken = {row["target_field"] for row in rows}
    for header, column in sorted(left.items()):
        rows.append(custom_row(preset, header, column, taken))
    column_stats = {**values, **unknown}
    for row in rows:
        if row.get("is_custom"):
            header = row.get("source_header") or row.get("source_column")
            check_existing(
                preset,
                row,
                column_stats.get(header),
                infos,
                taken,
                selections,
                translate,
            )
    for index, row in enumerate(rows, start=1):
        row.setdefault("sequence", index)
    return rows, renames


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


def propose(env, platform, sources, name=None, options=None):
    """Read an export and propose its field map, writing nothing but a project.

    For ``odoo-bin flitstack propose --json``: the project (with its map and owners)
    is created so that the admin can review and confirm it later.

    :param env: an Odoo environment
    :param platform: a registered platform key
    :param sources: ``[(file name, bytes or path)]``, as the readers take them
    :param name: the project's name (default: "Proposal from <platform label>")
    :param options: reader options (``{"files": {file name: object key}}``)
    :returns: :func:`proposal_rows` of the new project
    """
    from ..presets.base import get_preset

    preset = get_preset(platform)
    project = env["migration.project"].create(
        {
            "name": name or env._("Proposal from %(label)s", label=preset.label),
            "platform": platform,
            "file_assignments": (options or {}).get("files") or False,
        }
    )
    project._discover(sources)
    return proposal_rows(project)


def proposal_rows(project):
    """The map of a project, one dict per row, least confident first.

    Keys: ``project_id``, ``object``, ``object_label``, ``column``,
    ``fallback_columns``, ``found_as``, ``target_model``, ``target_field`` (None for
    a new field), ``new_field`` (``{"name", "type"}`` or None), ``transform``,
    ``confidence`` (0..1), ``reason`` (``preset``, ``name``, ``values``,
    ``new_custom``, ``manual``) and ``skip``. The same shape is read back by
    ``flitstack migrate --map``.
    """
    rows = []
    for mapping in project.mapping_ids.sorted("sequence"):
        for line in mapping.field_ids.sorted(lambda f: (f.confidence, f.sequence)):
            rows.append(
                {
                    "project_id": project.id,
                    "object": mapping.object_key,
                    "object_label": mapping.name,
                    "column": line.source_column or None,
                    "fallback_columns": line.fallback_columns or [],
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
