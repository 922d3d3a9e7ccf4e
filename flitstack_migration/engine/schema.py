# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What must exist before data lands: custom fields, their form page, pipelines.

Used by the engine at the start of a run, and by the project's "Create custom fields"
button before it: both call :func:`ensure_custom_fields`, which creates only what is
missing, in one ``ir.model.fields`` create (one registry reload), and journals every
creation through the ``log`` callable it is given, so that a rollback removes it.

Pipelines (:func:`ensure_pipeline`): a source pipeline becomes a ``crm.team``, each of
its statuses a ``crm.stage`` of that team in the source order (lost statuses become no
stage: the lead is marked lost). ``crm.stage`` has no probability in Odoo 18: the
lead's probability comes from the value map.
"""

import re
import unicodedata

from ..exceptions import MigrationError

#: Type of a custom field created for a transform.
CUSTOM_TYPES = {
    "copy": "char",
    "date": "date",
    "datetime": "datetime",
    "money": "float",
    "float": "float",
    "integer": "integer",
    "boolean": "boolean",
    "phone": "char",
    "email": "char",
    "value_map": "char",
    # a link to another migrated record: a many2one to its object's model
    "ref": "many2one",
}
#: Transform that fills a custom field of a type.
TRANSFORM_OF_TYPE = {
    "char": "copy",
    "text": "copy",
    "date": "date",
    "datetime": "datetime",
    "float": "float",
    "integer": "integer",
    "boolean": "boolean",
    "selection": "value_map",
}
#: Existing field types a wanted custom field type can reuse.
COMPATIBLE = {
    "char": {"char", "text"},
    "text": {"text", "char", "html"},
    "integer": {"integer", "float"},
    "float": {"float", "monetary"},
    "date": {"date"},
    "datetime": {"datetime"},
    "boolean": {"boolean"},
    "selection": {"selection", "char"},
    "many2one": {"many2one"},
}
SOURCE_CREATED_FIELD = "x_source_created"
SOURCE_ID_FIELD = "x_source_id"
#: Longest stage or team name created (longer ones are cut at a word).
NAME_LIMIT = 50


class SchemaConflict(MigrationError):
    """Fields of the wanted names exist with a type the migration cannot use."""


def wanted_fields(preset, specs_by_object):
    """Every custom field the map needs.

    :param specs_by_object: ``{object key: [FieldSpec]}`` (the map in force)
    :returns: ``{(model, name): {"ttype", "label", "selection", "relation",
        "object"}}``; ``selection`` lists ``(key, label)`` for selection fields,
        ``relation`` is the model a many2one (a ``ref`` row) links to: the model of
        the object whose source ids its column holds
    """
    wanted = {}
    for obj in preset.objects:
        if obj.kind != "record":
            continue
        model = obj.model
        if obj.created_column:
            wanted.setdefault(
                (model, SOURCE_CREATED_FIELD),
                {
                    "ttype": "datetime",
                    "label": "Created in the old system",
                    "object": obj.key,
                },
            )
        if obj.id_column:
            wanted.setdefault(
                (model, SOURCE_ID_FIELD),
                {"ttype": "char", "label": "Id in the old system", "object": obj.key},
            )
        for spec in specs_by_object.get(obj.key, ()):
            if not spec.target.startswith("x_"):
                continue
            column = spec.sources[0] if spec.sources else spec.target
            ttype = spec.custom_type or CUSTOM_TYPES.get(spec.transform, "char")
            linked = next((o for o in preset.objects if o.key == spec.ref), None)
            if ttype == "many2one" and linked is None:
                ttype = "char"  # a link row naming no object: nothing to link to
            item = wanted.setdefault(
                (model, spec.target),
                {
                    "ttype": ttype,
                    "label": f"{column} ({preset.label})",
                    "object": obj.key,
                },
            )
            if ttype == "many2one":
                item["relation"] = linked.model
            if ttype == "selection":
                keys = item.setdefault("selection", [])
                for value in (spec.value_map or {}).values():
                    if isinstance(value, str) and value and value not in keys:
                        keys.append(value)
    for item in wanted.values():
        if "selection" in item:
            item["selection"] = [(key, key) for key in item["selection"]]
    return wanted


def plan_custom_fields(env, wanted):
    """``(to create, selection values to add, conflicts)`` against the database.

    The database, not the registry, says what exists (the registry may lag behind a
    rollback).
    """
    Fields = env["ir.model.fields"].sudo()
    existing = {
        (field.model, field.name): field
        for field in Fields.search(
            [
                ("model", "in", list({m for m, _n in wanted})),
                ("name", "in", list({n for _m, n in wanted})),
            ]
        )
    }
    to_create, to_extend, conflicts = [], [], []
    IrModel = env["ir.model"].sudo()
    for (model, name), item in sorted(wanted.items()):
        ttype = item["ttype"]
        found = existing.get((model, name))
        if found:
            if found.ttype not in COMPATIBLE.get(ttype, {ttype}):
                conflicts.append(
                    f'"{name}" already exists on {model} as {found.ttype}, but the '
                    f"migration needs {ttype}"
                )
            elif ttype == "many2one" and found.relation != item["relation"]:
                conflicts.append(
                    f'"{name}" already exists on {model} as a link to '
                    f"{found.relation}, but the migration links to {item['relation']}"
                )
            elif found.ttype == "selection" and found.state == "manual":
                have = set(found.selection_ids.mapped("value"))
                to_extend.extend(
                    {
                        "field_id": found.id,
                        "value": key,
                        "name": label,
                        "sequence": 100 + i,
                    }
                    for i, (key, label) in enumerate(item.get("selection", ()))
                    if key not in have
                )
            continue
        vals = {
            "model_id": IrModel._get_id(model),
            "name": name,
            "field_description": item["label"][:60],
            "ttype": ttype,
            "state": "manual",
            "copied": False,
        }
        if ttype == "many2one":
            vals["relation"] = item["relation"]
            vals["on_delete"] = "set null"
        if ttype == "selection":
            options = item.get("selection") or [("other", "Other")]
            vals["selection_ids"] = [
                (0, 0, {"value": key, "name": label[:120], "sequence": i})
                for i, (key, label) in enumerate(options, start=1)
            ]
        to_create.append(vals)
    return to_create, to_extend, conflicts


def ensure_custom_fields(env, project, preset, specs_by_object, log):
    """Create the missing custom fields in one call and show them on the forms.

    :param log: ``log(model, res_id, source_id, message)`` journals one creation
    :returns: the created ``ir.model.fields`` records
    :raises SchemaConflict: some fields exist with an incompatible type; nothing is
        created then, nothing is overwritten
    """
    wanted = wanted_fields(preset, specs_by_object)
    to_create, to_extend, conflicts = plan_custom_fields(env, wanted)
    if conflicts:
        raise SchemaConflict(
            "Some fields the migration needs exist with another type; rename the "
            "column in the field map (or the field in Odoo) and try again:\n"
            + "\n".join(f"- {line}" for line in conflicts)
        )
    Fields = env["ir.model.fields"].sudo()
    created = Fields.create(to_create) if to_create else Fields
    for field in created:
        log(
            "ir.model.fields",
            field.id,
            f"{field.model}.{field.name}",
            "Custom field created",
        )
    if to_extend:
        for option in env["ir.model.fields.selection"].sudo().create(to_extend):
            log(
                "ir.model.fields.selection",
                option.id,
                f"{option.field_id.model}.{option.field_id.name}:{option.value}",
                "Value added to a dropdown",
            )
    if created:
        for view in show_on_forms(env, project, created):
            log("ir.ui.view", view.id, view.name, "Custom fields shown on the form")
    return created


def show_on_forms(env, project, custom_fields):
    """Put fields on their model's form, on the project's "Migrated data" page.

    The first call for a model adds the page; later calls add to it.
    """
    View = env["ir.ui.view"].sudo()
    created = View
    by_model = {}
    for field in custom_fields:
        by_model.setdefault(field.model, []).append(field.name)
    for model, names in sorted(by_model.items()):
        base = View.search(
            [
                ("model", "=", model),
                ("type", "=", "form"),
                ("inherit_id", "=", False),
                ("mode", "=", "primary"),
            ],
            order="priority, id",
            limit=1,
        )
        if not base:
            continue
        prefix = f"flitstack.migrated.data.{model}.{project.id}"
        earlier = View.search(
            [("name", "=like", prefix + "%"), ("inherit_id", "=", base.id)],
            order="id",
            limit=1,
        )
        page = f"flitstack_{project.id}_{model.replace('.', '_')}"
        items = "".join(f'<field name="{name}"/>' for name in sorted(names))
        if earlier:
            arch = (
                f'<data><xpath expr="//group[@name=\'{page}\']" position="inside">'
                f"{items}</xpath></data>"
            )
        else:
            arch = _migrated_data_arch(base, page, items)
        created |= View.create(
            {
                "name": (
                    f"{prefix}.{len(View.search([('name', '=like', prefix + '%')]))}"
                ),
                "model": model,
                "inherit_id": base.id,
                "arch_db": arch,
                "priority": 99,
            }
        )
    return created


def _migrated_data_arch(base, page, items):
    """The view adding the *Migrated data* page (or group) to a form, wherever the
    form (with the views inheriting it) has its notebook or sheet."""
    combined = base._get_combined_arch()
    path = next(
        (p for p in ("//sheet/notebook", "//notebook", "//sheet") if combined.xpath(p)),
        "/form",
    )
    if path.endswith("notebook"):
        inside = (
            f'<page string="Migrated data" name="{page}"><group name="{page}">'
            f"{items}</group></page>"
        )
    else:
        inside = f'<group string="Migrated data" name="{page}">{items}</group>'
    return f'<data><xpath expr="{path}" position="inside">{inside}</xpath></data>'


# ----------------------------------------------------------------------
# Pipelines and stages
# ----------------------------------------------------------------------
def clean_name(text, limit=NAME_LIMIT):
    """A name fit for Odoo: printable, single spaces, at most ``limit`` characters."""
    text = unicodedata.normalize("NFC", str(text or ""))
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = re.sub(r"[<>{}\[\]|\\^`~]+", " ", text)
    text = " ".join(text.split()).strip(" -_.,;:")
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].rstrip(" -_.,;:") or text[:limit]
    return text


def pipeline_entries(entries):
    """The distinct stages of value-map entries, in pipeline order (lost ones left
    out)."""
    stages, seen = [], set()
    for entry in sorted(
        (e for e in entries if isinstance(e, dict)),
        key=lambda e: e.get("sequence") or 0,
    ):
        if entry.get("outcome") == "lost" or not entry.get("stage"):
            continue
        name = clean_name(entry["stage"])
        if name.lower() not in seen:
            seen.add(name.lower())
            stages.append(dict(entry, stage=name))
    return stages


def ensure_pipeline(env, project, pipeline, entries, log, dry=False):
    """The team of a pipeline and its stages, created where missing.

    :param entries: value-map entries (dicts) of every field feeding the pipeline
    :returns: ``(team id or None, {stage name lowercase: stage id})``
    """
    Team = env["crm.team"]
    Stage = env["crm.stage"]
    name = clean_name(pipeline)
    team = Team.search(
        [
            ("name", "=ilike", name),
            ("company_id", "in", [False, project.company_id.id]),
        ],
        limit=1,
    )
    if not team and not dry:
        team = Team.create({"name": name, "company_id": project.company_id.id})
        log("crm.team", team.id, f"crm.team:{name}", f'Sales team "{name}" created')
    stages = {}
    existing = (
        {
            stage.name.strip().lower(): stage
            for stage in Stage.search([("team_id", "=", team.id)])
        }
        if team
        else {}
    )
    for entry in pipeline_entries(entries):
        key = entry["stage"].lower()
        stage = existing.get(key)
        if not stage and not dry:
            stage = Stage.create(
                {
                    "name": entry["stage"],
                    "team_id": team.id,
                    "sequence": entry.get("sequence") or 10,
                    "is_won": entry.get("outcome") == "won",
                }
            )
            existing[key] = stage
            log(
                "crm.stage",
                stage.id,
                f"crm.stage:{name}:{entry['stage']}",
                f'Stage "{entry["stage"]}" created in {name}',
            )
        if stage:
            stages[key] = stage.id
    return team.id or None, stages
