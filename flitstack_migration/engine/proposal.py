# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The proposed field map of an export: preset rows, matched columns, new fields.

Pure logic, shared by the project's discovery step (``migration.mapping``), the CLI
(``odoo-bin flitstack propose``) and the tests. The functions take the preset, what
discovery found (:class:`~..readers.base.ObjectStats`) and plain descriptions of the
target model's fields, and return plain dicts: the caller writes them as ORM rows.

A row is a dict of ``migration.mapping.field`` values, except ``value_maps``: the list
of ``migration.value.map`` values of the row (statuses and dropdown choices).

The approach, for one object (:func:`propose_object`):

1. the preset's rows; a required column missing from a file is looked for among the
   file's unknown headers by name and by values (:func:`required_candidates`: a
   column of unique, id-like values for the object's id; a column whose values are
   another object's ids for a reference to it), and taken when its confidence
   reaches the project's ``min_confidence``; another missing preset column is looked
   for among the unknown headers (the matcher's name and value match);
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
from ..readers.tabular import normalize_header
from . import matching
from .schema import COMPATIBLE, CUSTOM_TYPES, TRANSFORM_OF_TYPE, clean_name

#: Default lowest confidence at which a candidate for a required column is taken
#: (the project's ``min_confidence``, the CLI's ``--min-confidence``).
MIN_CONFIDENCE = 0.7
#: Candidates kept per required column, for the admin and for messages.
CANDIDATES = 3
#: Lowest confidence of a candidate: below, the column cannot serve at all (a
#: required column without any candidate refuses the file when it is read).
CANDIDATE_FLOOR = 0.5
#: Filled rows from which the uniqueness of a column counts fully.
EVIDENCE_ROWS = 20
#: Words of a header that say it holds ids or numbers.
KEY_WORDS = {"id", "number", "no", "nr", "num", "key", "code", "ref", "reference"}

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
        "owner_fallback": spec.fallback,
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


def custom_row(preset, header, stats, taken, ttype=None):
    """Row of an unknown column that becomes a new custom field of the inferred type.

    :param taken: field names already used by the object's map (updated)
    :param ttype: the type the source declares for the column (an API's typed
        custom field), instead of the one its values suggest; a declared dropdown
        with more values than a dropdown holds is text, a declared text with long
        or multi-line values a long text
    """
    inferred = infer_type(stats)
    if ttype == "selection" and not stats.selection_values():
        ttype = "char"
    if ttype == "char" and inferred == "text":
        ttype = "text"
    ttype = ttype or inferred
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
    "many2one": "link",
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


def _key_named(header):
    words = set(normalize_header(header.replace("#", " number ")).split())
    return bool(words & KEY_WORDS)


def referenced_object(obj, column):
    """Key of the object whose source ids a column of ``obj`` holds, or None."""
    for spec in obj.fields:
        if spec.transform == "ref" and spec.ref and spec.sources[:1] == (column,):
            return spec.ref
    for attach_column, key in obj.attach_to:
        if attach_column == column:
            return key
    return None


def required_candidates(obj, column, stats, discovery):
    """Columns of the export that may serve as a required column not found.

    By name (the matcher's score against the column's name and aliases) and by
    values: for the object's id, a filled column of unique, id-like values; for a
    reference, a column whose values are ids of the object it refers to.

    :param stats: the object's :class:`~..readers.base.ObjectStats`
    :param discovery: the whole :class:`~..readers.base.Discovery` (the other
        objects' ids)
    :returns: ``[(header, confidence, reason)]`` best first (reason ``name`` or
        ``values``)
    """
    col = obj.column(column)
    labels = (column, *(col.aliases if col else ()))
    target = referenced_object(obj, column)
    target_stats = discovery.objects.get(target) if target and discovery else None
    headers = dict.fromkeys([*stats.samples, *stats.unknown])
    result = []
    for header in headers:
        similarity = max(matching.name_score(header, label) for label in labels)
        by_name = 0.9 * similarity if similarity >= matching.NAME_THRESHOLD else 0.0
        sample = stats.samples.get(header)
        by_values = 0.0
        if sample is not None and sample.filled:
            named = 1.0 if _key_named(header) else 0.0
            if column == obj.id_column:
                # unique values alone do not make an id (a name hint does); a few
                # rows prove little
                fill = sample.filled / max(stats.count, 1)
                keylike = sample.keylike / sample.filled
                by_values = 0.3 * fill + 0.1 * keylike + 0.25 * named
                by_values += 0.05 * similarity
                if sample.repeated or fill < 0.9:  # ids repeat, or rows lack one
                    by_values = min(by_values, 0.45)
                else:
                    by_values += 0.25 * min(1.0, sample.filled / EVIDENCE_ROWS)
            elif target_stats is not None and target_stats.keys and sample.values:
                found = len(sample.values & target_stats.keys) / len(sample.values)
                by_values = 0.3 + 0.55 * found + 0.12 * named
                if found < 0.5:
                    by_values = min(by_values, 0.5)
        confidence = round(min(max(by_name, by_values), 0.97), 2)
        if confidence >= CANDIDATE_FLOOR:
            reason = "name" if by_name >= by_values else "values"
            result.append((header, confidence, reason))
    result.sort(key=lambda item: (-item[1], item[0]))
    return result


def resolve_required(obj, stats, discovery, min_confidence=MIN_CONFIDENCE):
    """The required columns of an object not found in its files, and what may serve.

    :returns: ``{column: {"found_as": header or None, "confidence", "reason",
        "candidates": [[header, confidence, reason], ...], "files": [file names]}}``;
        ``found_as`` is the best candidate when its confidence reaches
        ``min_confidence`` (a header serves one column only)
    """
    if not stats or not stats.required_missing:
        return {}
    files = {}
    for file_name, columns in stats.required_missing.items():
        for column in columns:
            files.setdefault(column, []).append(file_name)
    result, taken = {}, set()
    for column, file_names in files.items():
        candidates = [
            c
            for c in required_candidates(obj, column, stats, discovery)
            if c[0] not in taken
        ]
        best = candidates[0] if candidates else None
        found = best if best and best[1] >= min_confidence else None
        if found:
            taken.add(found[0])
        result[column] = {
            "found_as": found[0] if found else None,
            "confidence": found[1] if found else (best[1] if best else 0.0),
            "reason": found[2] if found else (best[2] if best else False),
            "candidates": [list(c) for c in candidates[:CANDIDATES]],
            "files": sorted(file_names),
        }
    return result


def unresolved_message(label, column, info, translate=None):
    """The sentence refusing a map whose required column is not found.

    :param label: the object's label
    :param info: the column's entry of :func:`resolve_required`
    """
    # pylint: disable=prefer-env-translation
    _ = translate or (lambda text, **params: text % params)
    candidates = ", ".join(
        _(
            '"%(header)s" (%(confidence)s, by %(reason)s)',
            header=header,
            confidence=f"{confidence:.2f}",
            reason=_("values") if reason == "values" else _("name"),
        )
        for header, confidence, reason in info.get("candidates") or ()
    )
    params = {
        "files": ", ".join(info.get("files") or ()) or label,
        "label": label,
        "column": column,
    }
    if candidates:
        return _(
            'The file %(files)s (%(label)s) has no "%(column)s" column, which the '
            "migration needs, and no column is sure enough to serve as it. Likeliest: "
            "%(candidates)s. Choose the column in the field map, or leave the file "
            "aside.",
            candidates=candidates,
            **params,
        )
    return _(
        'The file %(files)s (%(label)s) has no "%(column)s" column, which the '
        "migration needs, and no column of it can serve as it. Export the file again "
        "with all its columns, or leave the file aside.",
        **params,
    )


def unreadable_message(label, file_name, columns, translate=None):
    """The sentence refusing a file none of whose columns can serve as the required
    ``columns`` (no candidate at all)."""
    # pylint: disable=prefer-env-translation
    _ = translate or (lambda text, **params: text % params)
    return _(
        "The file %(file)s (%(label)s) has no %(columns)s column, which the migration "
        "needs, and no column of it can serve as it. Export the file again with all "
        "its columns, or rename the column to match.",
        file=file_name,
        label=label,
        columns=", ".join(f'"{column}"' for column in columns),
    )


def propose_object(
    preset,
    obj,
    stats,
    source_stats,
    infos,
    selections,
    discovery=None,
    min_confidence=MIN_CONFIDENCE,
    translate=None,
):
    """Field map rows of one object, its renamed columns, its required columns.

    :param stats: discovery's :class:`~..readers.base.ObjectStats` of the object
    :param source_stats: those of the object whose rows it reads (itself, or the
        object it derives from)
    :param infos: :func:`field_infos` of the object's model
    :param selections: callable ``field name → [(key, label)]``
    :param discovery: the whole discovery (for references to other objects' ids)
    :param min_confidence: lowest confidence at which a required column's
        candidate is taken
    :param translate: the caller's ``env._``, for the notes of the rows
    :returns: ``(rows, {header found: preset column}, required)``, ``required`` as
        :func:`resolve_required` returns it
    """
    unknown = dict(stats.unknown) if stats else {}
    # columns whose type the source declares become custom fields of that type,
    # never matched to a field by their values
    declared = dict(stats.types or {}) if stats else {}
    typed = {
        header: unknown.pop(header) for header in list(unknown) if header in declared
    }
    missing = set(stats.missing) if stats else set()
    required = resolve_required(obj, stats, discovery, min_confidence)
    by_column = {
        column: matching.Match(
            info["found_as"], column, info["confidence"], info["reason"]
        )
        for column, info in required.items()
        if info["found_as"]
    }
    unknown = {
        h: s
        for h, s in unknown.items()
        if h not in {m.header for m in by_column.values()}
    }
    candidates = []
    for col in obj.columns:
        if col.name in missing and col.name not in required:
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
    by_column.update({match.key: match for match in renamed.values()})
    renames = {match.header: match.key for match in by_column.values()}
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
    for header, column in sorted(typed.items()):
        rows.append(custom_row(preset, header, column, taken, declared[header]))
    column_stats = {**values, **unknown, **typed}
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
    habits = export_habits(discovery)
    for row in rows:
        header = (row.get("source_header") or "").split(", ")[0]
        column = row.get("source_column")
        read_as(
            row,
            column_stats.get(header) or column_stats.get(column),
            infos,
            habits,
            translate,
        )
    for index, row in enumerate(rows, start=1):
        row.setdefault("sequence", index)
    return rows, renames, required


#: Field types and transforms whose values are dates, or numbers.
DATE_KINDS = {"date", "datetime"}
NUMBER_KINDS = {"integer", "float", "monetary", "money"}


def export_habits(discovery):
    """How the export as a whole writes dates and decimals, from every column
    discovery read value by value: ``(date order or None, decimal comma or
    None)``. A column whose own values cannot tell is read the export's way."""
    total = parsers.ColumnStats()
    for stats in discovery.objects.values() if discovery else ():
        for column in (*stats.values.values(), *stats.unknown.values()):
            for key, count in column.date_orders.items():
                total.date_orders[key] += count
            for key, count in column.decimal_marks.items():
                total.decimal_marks[key] += count
    return total.date_order(), total.decimal_comma()


def _row_kinds(row, infos):
    info = infos.get(row.get("target_field")) or {}
    return {row.get("transform"), row.get("custom_type"), info.get("type")}


def read_as(row, stats, infos, habits=(None, None), translate=None):
    """How a row reads its column's values, from what they show (updated row).

    - dates: the order the values show (``date_order``); when they cannot tell
      (``03/04/2024`` only, or both orders), ``date_question`` asks the admin;
    - numbers: a decimal comma (``decimal_comma``) when the values write one
      (``1,5``, ``1.234,56``), else when the export does (its other columns, or
      day-first dates);
    - ``null_values``: the words (``NA``, ``-``) that are empty cells where the
      column's other values are numbers or dates (:func:`..parsers.null_tokens`).

    :param stats: the column's :class:`~..parsers.ColumnStats`, or None
    :param habits: :func:`export_habits`
    """
    # pylint: disable=prefer-env-translation
    _ = translate or (lambda text, **params: text % params)
    if stats is None:
        return row
    kinds = _row_kinds(row, infos)
    column = row.get("source_header") or row.get("source_column") or ""
    if kinds & DATE_KINDS:
        order = stats.date_order()
        if order:
            row["date_order"] = order
        elif stats.date_order_ambiguous:
            row["date_question"] = _(
                "Are dates in column %(column)s day first (31/01/2024) or month "
                "first (01/31/2024)?",
                column=column,
            )
    if kinds & NUMBER_KINDS:
        comma = stats.decimal_comma()
        if comma is None:
            export_order, export_comma = habits
            comma = export_comma if export_comma is not None else export_order == "DMY"
        row["decimal_comma"] = bool(comma)
    nulls = parsers.null_tokens(stats)
    if nulls:
        row["null_values"] = ", ".join(sorted(nulls))
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


def propose(env, platform, sources, name=None, options=None, min_confidence=None):
    """Read an export and propose its field map, writing nothing but a project.

    For ``odoo-bin flitstack propose --json``: the project (with its map and owners)
    is created so that the admin can review and confirm it later.

    :param env: an Odoo environment
    :param platform: a registered platform key
    :param sources: ``[(file name, bytes or path)]``, as the readers take them
    :param name: the project's name (default: "Proposal from <platform label>")
    :param options: reader options (``{"files": {file name: object key}}``)
    :param min_confidence: the project's ``min_confidence`` (default
        :data:`MIN_CONFIDENCE`)
    :returns: :func:`proposal_rows` of the new project
    """
    from ..presets.base import get_preset

    preset = get_preset(platform)
    values = {
        "name": name or env._("Proposal from %(label)s", label=preset.label),
        "platform": platform,
        "file_assignments": (options or {}).get("files") or False,
    }
    if min_confidence is not None:
        values["min_confidence"] = min_confidence
    project = env["migration.project"].create(values)
    project._discover(sources)
    return proposal_rows(project)


def proposal_rows(project):
    """The map of a project, one dict per row, least confident first.

    Keys: ``project_id``, ``object``, ``object_label``, ``column``,
    ``fallback_columns``, ``found_as``, ``target_model``, ``target_field`` (None for
    a new field), ``new_field`` (``{"name", "type"}`` or None), ``transform``,
    ``confidence`` (0..1), ``reason`` (``preset``, ``name``, ``values``,
    ``new_custom``, ``manual``), ``skip``, ``required_column``, ``candidates``,
    and how the column's values are read: ``question`` (what the admin must answer,
    e.g. whether its dates are day first; None once answered), ``date_order``
    (``DMY``, ``MDY``, ``YMD`` or None: the platform's), ``decimal_comma`` and
    ``null_values`` (the words read as empty cells).

    A row with ``required_column`` true is a column the migration needs (an id, a
    link) that the files do not have under a known name: ``found_as`` is the header
    read as it (None: not found), ``candidates`` the likeliest headers as
    ``[header, confidence, reason]``; it has no target field. The same shape is read
    back by ``flitstack migrate --map`` (:func:`apply_map`).
    """
    rows = []
    for mapping in project.mapping_ids.sorted("sequence"):
        for column, info in sorted((mapping.required_columns or {}).items()):
            rows.append(
                {
                    "project_id": project.id,
                    "object": mapping.object_key,
                    "object_label": mapping.name,
                    "column": column,
                    "fallback_columns": [],
                    "found_as": info.get("found_as") or None,
                    "target_model": mapping.model,
                    "target_field": None,
                    "new_field": None,
                    "transform": "column",
                    "confidence": round(info.get("confidence") or 0.0, 2),
                    "reason": info.get("reason") or None,
                    "skip": False,
                    "required_column": True,
                    "candidates": info.get("candidates") or [],
                    "question": None,
                    "date_order": None,
                    "decimal_comma": False,
                    "null_values": [],
                }
            )
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
                    "required_column": False,
                    "candidates": [],
                    "question": line.date_question if line.needs_look else None,
                    "date_order": line.date_order or None,
                    "decimal_comma": line.decimal_comma,
                    "null_values": list(line._null_tuple()),
                }
            )
    rows.sort(key=lambda row: row["confidence"])
    return rows


def _read_as_vals(line, row, _):
    """The values of a map line that ``row`` changes in how its column is read."""
    vals, problems = {}, []
    if "date_order" in row:
        order = row.get("date_order") or False
        if order and order not in parsers.DATE_ORDERS:
            problems.append(
                _(
                    "%(column)s: date_order is one of DMY (day first), MDY (month "
                    "first) or YMD (year first), not %(order)s.",
                    column=line.source_column,
                    order=order,
                )
            )
        elif order != (line.date_order or False):
            vals["date_order"] = order
    if "decimal_comma" in row and bool(row["decimal_comma"]) != line.decimal_comma:
        vals["decimal_comma"] = bool(row["decimal_comma"])
    if "null_values" in row:
        words = row.get("null_values") or []
        if isinstance(words, str):
            words = words.split(",")
        text = ", ".join(dict.fromkeys(w.strip() for w in words if w.strip()))
        if text != (line.null_values or ""):
            vals["null_values"] = text or False
    if problems:
        vals["_problems"] = problems
    return vals


def apply_map(project, rows, translate=None):
    """Apply an edited map to a project: rows in the shape of :func:`proposal_rows`.

    A required-column row sets the header read as the column (``found_as``); a
    field row is found by its object and target (``target_field``, or
    ``new_field["name"]``), else by its column, and takes the row's ``column``,
    ``found_as``, ``target_field`` / ``new_field``, ``skip``, and when the row has
    them, ``date_order`` (the answer to a date question), ``decimal_comma`` and
    ``null_values``. Rows equal to the
    map change nothing; a required-column row wins over a field row reading the
    same column.

    :returns: the sentences of rows that match nothing (empty: all applied)
    """
    # pylint: disable=prefer-env-translation
    _ = translate or (lambda text, **params: text % params)
    mappings = {m.object_key: m for m in project.mapping_ids}
    problems = []
    # required-column rows last: they decide the columns they name
    rows = sorted(rows, key=lambda row: bool(row.get("required_column")))
    for row in rows:
        mapping = mappings.get(row.get("object"))
        if not mapping:
            problems.append(_("No object %(object)s.", object=row.get("object")))
            continue
        column, found_as = row.get("column"), row.get("found_as") or None
        if row.get("required_column"):
            info = (mapping.required_columns or {}).get(column)
            if info is not None and (info.get("found_as") or None) != found_as:
                mapping._set_found_as(column, found_as)
            continue
        new_field = row.get("new_field") or {}
        target = row.get("target_field") or new_field.get("name")
        lines = mapping.field_ids
        line = (
            lines.filtered(lambda f, t=target: f.target_field == t)[:1]
            or (lines.filtered(lambda f, c=column: c and f.source_column == c)[:1])
        )
        if not line:
            problems.append(
                _(
                    "%(object)s: no row for column %(column)s or field %(field)s.",
                    object=mapping.name,
                    column=column,
                    field=target,
                )
            )
            continue
        vals = {}
        if (column or False) != (line.source_column or False):
            vals["source_column"] = column or False
        if target and target != line.target_field:
            vals["target_field"] = target
            vals["is_custom"] = target.startswith("x_")
        # the type shown (a ref row's many2one comes from its transform)
        shown = line.custom_type or CUSTOM_TYPES.get(line.transform, "char")
        if new_field.get("type") and new_field["type"] != shown:
            vals["custom_type"] = new_field["type"]
        if bool(row.get("skip")) != line.skip:
            vals["skip"] = bool(row.get("skip"))
        vals.update(_read_as_vals(line, row, _))
        problems += vals.pop("_problems", [])
        if vals:
            line.write(vals)
        if found_as != (line.source_header or None) and line.source_column:
            mapping._set_found_as(line.source_column, found_as)
    return problems
