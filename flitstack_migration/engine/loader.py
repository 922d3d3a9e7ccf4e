"""The migration engine: source records in, Odoo records out, every write journaled.

The approach, for each object of the preset in dependency order:

1. stream the reader's records in batches of ``batch_size``;
2. skip, without transforming it, a record whose content hash is the one the last run
   saw (re-runs and deltas cost time in proportion to what changed);
3. transform each record through its field map; a record that fails validation is
   logged as failed with its reason and left out;
4. split the batch into creates and updates through the per-project external ids
   (``ir.model.data``, module ``__flitstack_<project id>__``);
5. ``create(vals_list)`` inside a savepoint, with tracking and mail noise off; when the
   batch fails, bisect it to find the bad records, log them, and land the rest;
6. write only the fields whose value changed, keeping the previous values in the log;
7. insert the ``migration.log`` rows of the batch in one statement.

Rollback replays the journal backwards: created records are deleted newest first (so
children go before their parents), updated fields get their previous values back, and
custom fields the run created are removed once empty.
"""

import hashlib
import json
import logging
import re
import time
from collections import Counter, defaultdict
from datetime import date, datetime

import pytz
from psycopg2.extras import execute_values

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tools import mute_logger, plaintext2html

from . import schema
from .. import parsers as T
from .adapters import adapter_for
from .schema import SOURCE_CREATED_FIELD, SOURCE_ID_FIELD

_logger = logging.getLogger(__name__)

#: Context of every migration write: no chatter tracking, no followers, no mails.
MIGRATION_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "mail_auto_subscribe_no_notify": True,
    "mail_notify_force_send": False,
    "no_reset_password": True,
    "active_test": False,
}

ATTACHMENT_BATCH = 50


class RecordInvalid(Exception):
    """A record cannot land; the message is the reason shown to the admin."""


def xid_name(object_key, source_id):
    """External id name of a source record: readable, unique, SQL-safe."""
    clean = re.sub(r"[^A-Za-z0-9_-]+", "_", str(source_id))[:120]
    if clean != str(source_id):
        clean += "_" + hashlib.sha1(str(source_id).encode()).hexdigest()[:8]
    return f"{object_key}_{clean}"


def content_hash(data):
    payload = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha1(payload.encode()).hexdigest()


class ObjectCounter:
    """Counters of one object in one run."""

    __slots__ = ("created", "failed", "gone", "skipped", "source", "updated")

    def __init__(self):
        self.source = self.created = self.updated = self.skipped = self.failed = 0
        self.gone = 0


class MigrationEngine:
    """Runs one ``migration.run``: discovery, schema, load, journal.

    :param run: the ``migration.run`` record
    :param reader: an open reader of the run's source
    :param progress: optional callable ``(done, total)`` called after each batch
    :param only: ``{object key: set of source ids}`` to load only those records (a
        sample); derived objects follow the object they derive from
    :param dry: transform only: create nothing on the side (tags, stages...), for
        computing the values a record should have (the sample's diff)
    """

    def __init__(self, run, reader, progress=None, only=None, dry=False):
        self.run = run
        self.project = run.project_id
        self.env = run.env(context=dict(run.env.context, **MIGRATION_CONTEXT))
        self.reader = reader
        self.preset = reader.preset
        self.progress = progress
        self.only = only
        self.dry = dry
        self.batch_size = max(1, self.project.batch_size or 500)
        self.module = self.project._xid_module()
        self.fallback_user = self.project.fallback_user_id
        self.tz = pytz.timezone(self.project.tz or "UTC")
        self.counters = defaultdict(ObjectCounter)
        self.unmatched_owners = Counter()
        self._keys = {}
        self._hashes = {}
        self._adapters = {}
        self._lookup_cache = {}
        self._users = None
        self._owners = None
        self._pipelines = {}
        self._specs = {}
        self._map_digests = {}
        self._logs = []
        self._done = 0
        self._total = 0

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------
    def execute(self, budget=None):
        """Run the run, or go on with it where the last slice stopped.

        :param budget: seconds this call may take before it stops between two
            batches (the cron calls again); ``None`` runs to the end
        :returns: True when every object is loaded
        """
        deadline = time.monotonic() + budget if budget else None
        run = self.run
        self.env.flush_all()  # the journal queries below read run states in SQL
        specs = {obj.key: self.project._field_specs(obj) for obj in self.preset.objects}
        self._specs = specs
        # a record is unchanged only if its row and its object's map both are
        self._map_digests = {
            key: content_hash(repr(value)) for key, value in specs.items()
        }
        if not run.object_ids:
            discovery = self.reader.discover()
            run._init_objects(discovery)
            self._ensure_custom_fields(specs)
            self._flush_logs()
        self._total = run.records_total
        self._done = run.records_done
        self.unmatched_owners.update(run._get_unmatched_owners())
        finished = True
        for line in run.object_ids.sorted("sequence"):
            if line.state == "done":
                continue
            obj = self.preset.get(line.object_key)
            counter = self.counters[obj.key]
            for name in ObjectCounter.__slots__:
                setattr(counter, name, line[f"{name}_count"])
            started = time.monotonic()
            finished = self._load_object(obj, specs[obj.key], line, deadline)
            self._flush_logs()
            if finished and self.only is None:
                self._log_gone(obj)
                self._flush_logs()
            line.write(
                dict(
                    {
                        f"{name}_count": getattr(counter, name)
                        for name in ObjectCounter.__slots__
                    },
                    state="done" if finished else "running",
                    duration=line.duration + time.monotonic() - started,
                )
            )
            if not finished:
                break
        run._set_unmatched_owners(self.unmatched_owners)
        run.records_done = self._done
        return finished

    # ------------------------------------------------------------------
    # Schema: custom fields
    # ------------------------------------------------------------------
    def _ensure_custom_fields(self, specs):
        """Create every missing ``x_`` field in one call (one registry reload)."""

        def log(model, res_id, source_id, message):
            self._log(
                "_schema", source_id, model, res_id, "create", None, message=message
            )

        created = schema.ensure_custom_fields(
            self.env, self.project, self.preset, specs, log
        )
        if created:
            self.env = self.env(
                context=self.env.context
            )  # fresh env on the new registry

    def _pipeline(self, pipeline, spec):
        """``(team id, {stage name lowercase: id})`` of a pipeline, created once."""
        key = pipeline.strip().lower()
        if key not in self._pipelines:
            entries = [
                entry
                for obj_specs in self._specs.values()
                for other in obj_specs
                if other.transform == "stage"
                and (other.pipeline or "").strip().lower() == key
                for entry in self._stage_map(other).values()
            ] or list(self._stage_map(spec).values())

            def log(model, res_id, source_id, message):
                self._log(
                    "_lookup", source_id, model, res_id, "create", None, message=message
                )

            self._pipelines[key] = schema.ensure_pipeline(
                self.env, self.project, pipeline, entries, log, dry=self.dry
            )
        return self._pipelines[key]

    def _stage_map(self, spec):
        """``{status lowercase: entry}``: the field map's value map, else the
        preset's."""
        if spec.value_map and all(isinstance(v, dict) for v in spec.value_map.values()):
            return {str(k).strip().lower(): v for k, v in spec.value_map.items()}
        if spec.stages:
            return self.preset.stage_entries(spec)
        return {}

    # ------------------------------------------------------------------
    # Keys and hashes
    # ------------------------------------------------------------------
    def keys(self, object_key):
        """``{xid name: res_id}`` of the object's records already in Odoo."""
        if object_key not in self._keys:
            model = self.env[self.preset.get(object_key).model]
            self.env.cr.execute(
                f"""
                SELECT d.name, d.res_id FROM ir_model_data d
                  JOIN "{model._table}" r ON r.id = d.res_id
                 WHERE d.module = %s AND d.model = %s AND d.name LIKE %s
                """,
                (self.module, model._name, f"{object_key}\\_%"),
            )
            self._keys[object_key] = dict(self.env.cr.fetchall())
        return self._keys[object_key]

    def res_id_of(self, object_key, source_id):
        if not source_id:
            return None
        return self.keys(object_key).get(xid_name(object_key, source_id.strip()))

    def hashes(self, object_key):
        """``{source id: hash}`` as the last landed run saw each record."""
        if object_key not in self._hashes:
            self.env.cr.execute(
                """
                SELECT DISTINCT ON (l.source_id) l.source_id, l.source_hash
                  FROM migration_log l JOIN migration_run r ON r.id = l.run_id
                 WHERE l.project_id = %s AND l.object_key = %s
                   AND l.operation IN ('create', 'update', 'skip')
                   AND r.state NOT IN ('rolled_back')
                 ORDER BY l.source_id, l.id DESC
                """,
                (self.project.id, object_key),
            )
            self._hashes[object_key] = dict(self.env.cr.fetchall())
        return self._hashes[object_key]

    # ------------------------------------------------------------------
    # Loading
    # ------------------------------------------------------------------
    def _records(self, obj):
        source = obj.derived_from or obj.key
        allowed = self.only.get(source, set()) if self.only is not None else None
        for record in self.reader.iter_records(source):
            if allowed is not None and record.source_id not in allowed:
                continue
            if obj.when is not None and not obj.when(record.data):
                continue
            if obj.derived_from:
                record.object = obj.key
            yield record

    def _load_object(self, obj, specs, line, deadline=None):
        """Load one object from where its line stopped; False when out of time."""
        size = ATTACHMENT_BATCH if obj.kind == "attachment" else self.batch_size
        batch, position, depth = [], 0, None
        for record in self._records(obj):
            position += 1
            if position <= line.offset:
                continue
            if obj.parent_column and batch and record.data.get("_depth") != depth:
                # parents land before a batch of their children refers to them
                self._load_batch(obj, specs, batch)
                line.offset = position - 1
                batch = []
            depth = record.data.get("_depth")
            batch.append(record)
            if len(batch) >= size:
                self._load_batch(obj, specs, batch)
                line.offset = position
                batch = []
                if deadline and time.monotonic() > deadline:
                    return False
        if batch:
            self._load_batch(obj, specs, batch)
            line.offset = position
        return True

    def _load_batch(self, obj, specs, batch):
        counter = self.counters[obj.key]
        keys, hashes = self.keys(obj.key), self.hashes(obj.key)
        # the last row of a source id wins inside a batch
        unique = {}
        for record in batch:
            if not record.source_id:
                self._fail(
                    obj, record, f"Line {record.line} of {record.file} has no id."
                )
                continue
            unique[record.source_id] = record
        creates, updates = [], []
        for source_id, record in unique.items():
            digest = content_hash([record.data, self._map_digests[obj.key]])
            res_id = keys.get(xid_name(obj.key, source_id))
            if res_id and hashes.get(source_id) == digest:
                counter.skipped += 1
                self._log(
                    obj.key,
                    source_id,
                    obj.model,
                    res_id,
                    "skip",
                    digest,
                    message="Unchanged",
                )
                continue
            try:
                vals, warnings = self._transform(obj, specs, record)
            except RecordInvalid as err:
                self._fail(obj, record, str(err))
                continue
            item = (record, vals, warnings, digest)
            (updates if res_id else creates).append((item, res_id))
        if creates:
            self._create(obj, [item for item, _res_id in creates])
        if updates:
            self._update(obj, updates)
        # what the batch left in the ORM cache is not needed again: memory stays flat
        self.env.invalidate_all()
        self._done += len(batch)
        if self.progress:
            self.progress(self._done, self._total)

    def _fail(self, obj, record, reason):
        self.counters[obj.key].failed += 1
        self._log(
            obj.key,
            record.source_id,
            obj.model,
            None,
            "fail",
            None,
            message=reason,
            line=record.line,
            file=record.file,
        )

    def _create(self, obj, items):
        model = self.env[obj.model].with_context(**obj.context)
        landed, failed = self._create_safe(model, items)
        for (record, _vals, _warnings, _digest), error in failed:
            self._fail(obj, record, error)
        if not landed:
            return
        xids = []
        for (record, _vals, warnings, digest), res in landed:
            name = xid_name(obj.key, record.source_id)
            self._keys[obj.key][name] = res.id
            self._hashes[obj.key][record.source_id] = digest
            xids.append(
                {"xml_id": f"{self.module}.{name}", "record": res, "noupdate": True}
            )
            self._log(
                obj.key,
                record.source_id,
                obj.model,
                res.id,
                "create",
                digest,
                message="; ".join(warnings) or False,
                line=record.line,
                file=record.file,
            )
        self.env["ir.model.data"].sudo()._update_xmlids(xids)
        self.counters[obj.key].created += len(landed)

    def _create_safe(self, model, items):
        """Create ``items``; bisect a failing batch down to the records that fail."""
        adapter = self._adapters.setdefault(model._name, adapter_for(model._name))
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                vals_list = [dict(vals) for _rec, vals, _w, _d in items]
                deferred = adapter.prepare(model, vals_list)
                records = model.create(vals_list)
                adapter.after_create(records, deferred)
            return list(zip(items, records, strict=True)), []
        except Exception as err:  # noqa: BLE001 - any failure is logged per record
            if len(items) == 1:
                return [], [(items[0], self._explain(err))]
        middle = len(items) // 2
        landed_a, failed_a = self._create_safe(model, items[:middle])
        landed_b, failed_b = self._create_safe(model, items[middle:])
        return landed_a + landed_b, failed_a + failed_b

    @staticmethod
    def _explain(err):
        if isinstance(err, (UserError, ValidationError)):
            return str(err.args[0] if err.args else err)
        pgerror = getattr(err, "pgerror", None)
        if pgerror:
            return "Odoo's database refused it: " + pgerror.strip().splitlines()[0]
        return f"{type(err).__name__}: {err}"

    def _update(self, obj, updates):
        model = self.env[obj.model].with_context(**obj.context)
        names = sorted({name for (_rec, vals, _w, _d), _id in updates for name in vals})
        names = [n for n in names if n in model._fields and not self._is_lines(obj, n)]
        current = {
            row["id"]: row for row in model.browse([i for _x, i in updates]).read(names)
        }
        counter = self.counters[obj.key]
        for (record, vals, warnings, digest), res_id in updates:
            row = current.get(res_id, {})
            changed, previous = {}, {}
            for name, value in vals.items():
                if name not in names:
                    continue
                old = self._comparable(model._fields[name], row.get(name))
                new = self._comparable(model._fields[name], value)
                if old != new:
                    changed[name] = value
                    previous[name] = self._writable(model._fields[name], row.get(name))
            self._hashes[obj.key][record.source_id] = digest
            if not changed:
                counter.skipped += 1
                self._log(
                    obj.key,
                    record.source_id,
                    obj.model,
                    res_id,
                    "skip",
                    digest,
                    message="No field changed",
                )
                continue
            try:
                with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                    model.browse(res_id).write(changed)
            except Exception as err:  # noqa: BLE001
                self._fail(obj, record, self._explain(err))
                continue
            counter.updated += 1
            self._log(
                obj.key,
                record.source_id,
                obj.model,
                res_id,
                "update",
                digest,
                previous=previous,
                message="; ".join(warnings) or False,
                line=record.line,
                file=record.file,
            )

    @staticmethod
    def _is_lines(obj, name):
        return bool(obj.lines) and obj.lines[0] == name

    @staticmethod
    def _comparable(field, value):
        if value is None or value is False or value == "":
            return None
        if field.type == "many2one":
            return value[0] if isinstance(value, (list, tuple)) else value
        if field.type in ("many2many", "one2many"):
            ids = set()
            for item in value:
                if isinstance(item, (list, tuple)) and item[0] == Command.SET:
                    ids = set(item[2])
                elif isinstance(item, int):
                    ids.add(item)
            return tuple(sorted(ids)) or None
        if field.type == "float" or field.type == "monetary":
            return round(float(value), 2)
        if field.type == "date":
            return fields.Date.to_date(value)
        if field.type == "datetime":
            return fields.Datetime.to_datetime(value)
        if field.type == "html":
            return re.sub(r"<[^>]+>|\s+", "", str(value))
        return value

    @staticmethod
    def _writable(field, value):
        """A value read by ``read()`` in the form ``write()`` takes, JSON-safe."""
        if field.type == "many2one":
            return value[0] if value else False
        if field.type == "many2many":
            return [Command.set(list(value or []))]
        if isinstance(value, (date, datetime)):
            return (
                fields.Datetime.to_string(value)
                if isinstance(value, datetime)
                else str(value)
            )
        return value

    def _log_gone(self, obj):
        """List (never delete) what earlier runs brought over and the source lost."""
        self.env.cr.execute(
            """
            SELECT source_id FROM (
                SELECT l.source_id FROM migration_log l
                  JOIN migration_run r ON r.id = l.run_id
                 WHERE l.project_id = %(project)s AND l.object_key = %(object)s
                   AND l.run_id != %(run)s AND r.state != 'rolled_back'
                   AND l.operation IN ('create', 'update', 'skip')
                EXCEPT
                SELECT m.source_id FROM migration_log m
                 WHERE m.project_id = %(project)s AND m.object_key = %(object)s
                   AND m.run_id = %(run)s
            ) AS gone
             ORDER BY source_id
            """,
            {"project": self.project.id, "object": obj.key, "run": self.run.id},
        )
        counter = self.counters[obj.key]
        for (source_id,) in self.env.cr.fetchall():
            counter.gone += 1
            self._log(
                obj.key,
                source_id,
                obj.model,
                self.res_id_of(obj.key, source_id),
                "gone",
                None,
                message="No longer in the old system: kept in Odoo",
            )

    # ------------------------------------------------------------------
    # Transform
    # ------------------------------------------------------------------
    def _transform(self, obj, specs, record):
        """``(vals, warnings)`` for one record, or :class:`RecordInvalid`.

        Also the expected values of a migrated record, for comparisons (``dry``).
        """
        model = self.env[obj.model]
        data = record.data
        vals, warnings = {}, []
        if obj.kind == "message" or obj.kind == "attachment":
            vals.update(self._attach_target(obj, data))
        self._apply_specs(obj, specs, model, data, vals, warnings)
        if obj.created_column and obj.kind == "record":
            created = self._cast(
                "datetime",
                data.get(obj.created_column),
                None,
                warnings,
                obj.created_column,
            )
            if created:
                vals[SOURCE_CREATED_FIELD] = created
        if obj.id_column and obj.kind == "record" and record.source_id:
            vals[SOURCE_ID_FIELD] = record.source_id
        if obj.model == "crm.lead" and not vals.get("user_id") and self.fallback_user:
            vals["user_id"] = self.fallback_user.id  # no lead without an owner
        if obj.lines:
            line_field, line_specs = obj.lines
            comodel = self.env[model._fields[line_field].comodel_name]
            commands = []
            for line in data.get("_lines", ()):
                line_vals = {}
                self._apply_specs(obj, line_specs, comodel, line, line_vals, warnings)
                commands.append(Command.create(line_vals))
            if commands:
                vals[line_field] = commands
        if obj.kind == "message":
            vals.setdefault("message_type", "comment")
            vals.setdefault("subtype_id", self.env.ref("mail.mt_note").id)
            vals.setdefault("is_internal", True)
        return vals, warnings

    def _apply_specs(self, obj, specs, model, data, vals, warnings):
        """Fill ``vals`` from ``data`` through ``specs`` (of a record or a line)."""
        for spec in specs:
            field = model._fields.get(spec.target)
            value = self._value(obj, spec, field, data, vals, warnings)
            if value is None:
                if spec.required:
                    raise RecordInvalid(self._missing(spec, field, data))
                continue
            vals[spec.target] = value

    @staticmethod
    def _missing(spec, field, data):
        label = field.string if field else spec.target
        columns = " / ".join(
            f'"{name}"' for name in spec.sources if not name.startswith("_")
        )
        if spec.target == "name" and spec.sources and spec.sources[0].startswith("_"):
            return "It has no name: every name column is empty."
        if spec.transform == "ref":
            value = next((data.get(s) for s in spec.sources if data.get(s)), "")
            if value:
                target = spec.ref.replace("_", " ")
                return (
                    f'It refers to {target} "{value}", which is not in the export '
                    f"or could not be migrated."
                )
        return f'"{label}" is required, but {columns or "its column"} is empty.'

    def _raw(self, spec, data):
        for name in spec.sources:
            value = data.get(name)
            if value is not None and not T.is_empty(value):
                return value
        return None

    def _value(self, obj, spec, field, data, vals, warnings):
        if spec.transform == "constant":
            return self._constant(field, spec.default)
        raw = self._raw(spec, data)
        if raw is None and spec.default is not None and spec.transform != "value_map":
            raw = spec.default
        if raw is None and spec.transform not in ("value_map", "stage", "user"):
            return None
        handler = getattr(self, f"_t_{spec.transform}", None)
        if handler:
            return handler(obj, spec, field, raw, vals, warnings)
        ttype = field.type if field else "char"
        return self._cast(
            spec.transform,
            raw,
            ttype,
            warnings,
            spec.sources[0] if spec.sources else spec.target,
        )

    def _constant(self, field, value):
        if field is not None and field.type in ("many2many", "one2many"):
            return [Command.set(value or [])]
        return value

    def _cast(self, transform, raw, ttype, warnings, column):
        if raw is None:
            return None
        try:
            if transform in ("date", "datetime") or ttype in ("date", "datetime"):
                if transform == "date" and ttype != "datetime":
                    return T.parse_date(raw, self.preset.date_order)
                moment = T.parse_datetime(raw, self.preset.date_order)
                if moment is None:
                    return None
                if ttype == "date":
                    return moment.date()
                return (
                    self.tz.localize(moment).astimezone(pytz.utc).replace(tzinfo=None)
                )
            if transform == "money":
                return T.parse_money(raw)
            if transform == "float" or ttype in ("float", "monetary"):
                return T.parse_float(raw)
            if transform == "integer" or ttype == "integer":
                return T.parse_integer(raw)
            if transform == "boolean" or ttype == "boolean":
                return T.parse_boolean(raw)
            if transform == "email":
                return T.parse_email(raw)
            if transform == "phone":
                return T.parse_phone(raw, self.preset.default_country or "US")
        except T.InvalidValue as err:
            warnings.append(f"{column}: {err}; left empty")
            return None
        text = raw.strip() if isinstance(raw, str) else raw
        if ttype == "html":
            return plaintext2html(text)
        if ttype == "char" and isinstance(text, str):
            return " ".join(text.split()) if "\n" in text else text
        return text

    def _t_ref(self, obj, spec, field, raw, vals, warnings):
        res_id = self.res_id_of(spec.ref, raw)
        if res_id is None and not spec.required:
            warnings.append(
                f'{spec.sources[0]}: "{raw}" was not migrated; link left empty'
            )
        if res_id is None:
            return None
        if field is not None and field.type == "many2many":
            return [Command.set([res_id])]
        return res_id

    def _t_value_map(self, obj, spec, field, raw, vals, warnings):
        if raw is None:
            return spec.default
        mapped = self._mapped(spec, raw)
        if mapped is None:
            if spec.default is None:
                warnings.append(
                    f'{spec.sources[0]}: "{raw}" has no value in the map; left empty'
                )
            return spec.default
        return mapped

    @staticmethod
    def _mapped(spec, raw):
        value_map = {
            str(k).strip().lower(): v for k, v in (spec.value_map or {}).items()
        }
        return value_map.get(raw.strip().lower())

    def _t_stage(self, obj, spec, field, raw, vals, warnings):
        if raw is None:
            return None
        if spec.pipeline:
            return self._pipeline_stage(spec, raw, vals, warnings)
        name = self._mapped(spec, raw)
        if name is None:
            warnings.append(
                f'{spec.sources[0]}: "{raw}" has no stage in the map; first stage used'
            )
            return None
        if name == "lost":
            vals["active"] = False
            vals["probability"] = 0
            return None
        return self._find(field.comodel_name, "name", name, create=True)

    def _pipeline_stage(self, spec, raw, vals, warnings):
        """Stage, team and probability of a lead from the value map; lost marks it
        lost."""
        entry = self._stage_map(spec).get(" ".join(raw.split()).lower())
        team_id, stages = self._pipeline(spec.pipeline, spec)
        if team_id:
            vals["team_id"] = team_id
        if not isinstance(entry, dict):
            warnings.append(
                f'{spec.sources[0]}: "{raw}" has no stage in the map; first stage used'
            )
            return None
        if entry.get("outcome") == "lost":
            vals["active"] = False
            vals["probability"] = 0
            return None
        if entry.get("probability") is not None:
            vals["probability"] = float(entry["probability"])
        return stages.get(schema.clean_name(entry.get("stage")).lower())

    def _t_lookup(self, obj, spec, field, raw, vals, warnings):
        res_id = self._find(
            field.comodel_name, spec.lookup or "name", raw, create=spec.create_missing
        )
        if res_id is None:
            warnings.append(
                f"{spec.sources[0] if spec.sources else spec.target}: "
                f'"{raw}" not found in Odoo; left empty'
            )
        return res_id

    def _t_tags(self, obj, spec, field, raw, vals, warnings):
        ids = [
            self._find(field.comodel_name, "name", label, create=spec.create_missing)
            for label in T.split_tags(raw)
        ]
        ids = [i for i in ids if i]
        return [Command.set(ids)] if ids else None

    def _t_user(self, obj, spec, field, raw, vals, warnings):
        user = self._resolve_user(raw)
        if user is None:
            return None
        if field.comodel_name == "res.partner":
            return user.partner_id.id
        if field.type == "many2many":
            return [Command.set([user.id])]
        return user.id

    def _resolve_user(self, raw):
        """Owner → the project's owner table, else res.users by email, then by exact
        name; else the fallback owner."""
        if self._owners is None:
            self._owners = self.env["migration.owner"]._user_map(self.project)
        if raw is not None and raw.strip().lower() in self._owners:
            user = self._owners[raw.strip().lower()]
            if user is None:
                self.unmatched_owners[raw.strip()] += 1
                return self.fallback_user or None
            return user
        if self._users is None:
            self._users = {}
            users = self.env["res.users"].search([("share", "=", False)])
            for user in users:
                for key in (user.email, user.login):
                    if key:
                        self._users.setdefault(key.strip().lower(), user)
                self._users.setdefault(f"name:{user.name.strip().lower()}", user)
        if raw is None:
            return self.fallback_user or None
        name, email = T.parse_owner(raw)
        user = (email and self._users.get(email)) or (
            name and self._users.get(f"name:{name.lower()}")
        )
        if user is None:
            self.unmatched_owners[raw.strip()] += 1
            return self.fallback_user or None
        return user

    def _find(self, model_name, field_name, value, create=False):
        """Find a record by a field (case-insensitive), creating it if asked. Cached."""
        value = " ".join(str(value).split())
        key = (model_name, field_name, value.lower())
        if key in self._lookup_cache:
            return self._lookup_cache[key]
        Model = self.env[model_name]
        domain = [(field_name, "=ilike", value)]
        if model_name == "res.country.state" and self.preset.default_country:
            country = self.env["res.country"].search(
                [("code", "=", self.preset.default_country)], limit=1
            )
            domain = [
                ("country_id", "=", country.id),
                "|",
                ("code", "=ilike", value),
                ("name", "=ilike", value),
            ]
        elif model_name == "res.country":
            domain = ["|", ("code", "=ilike", value), ("name", "=ilike", value)]
        elif model_name == "res.partner.title":
            domain = ["|", ("shortcut", "=ilike", value), ("name", "=ilike", value)]
        if "company_id" in Model._fields and model_name in (
            "project.project",
            "crm.team",
        ):
            domain.append(("company_id", "in", [False, self.project.company_id.id]))
        record = Model.search(domain, limit=1)
        if not record and create and not self.dry:
            record = Model.create({field_name: value})
            self._log(
                "_lookup",
                f"{model_name}:{value}",
                model_name,
                record.id,
                "create",
                None,
                message=f'Created {Model._description} "{value}"',
            )
        self._lookup_cache[key] = record.id or None
        return record.id or None

    def _attach_target(self, obj, data):
        """``res_model``/``res_id`` (or model/res_id) of a note or file's record."""
        for column, object_key in obj.attach_to:
            res_id = self.res_id_of(object_key, data.get(column))
            if res_id:
                model = self.preset.get(object_key).model
                if obj.kind == "message":
                    return {"model": model, "res_id": res_id}
                return {"res_model": model, "res_id": res_id}
        described = (
            ", ".join(
                f'{col} "{data.get(col)}"'
                for col, _key in obj.attach_to
                if data.get(col)
            )
            or "no record"
        )
        raise RecordInvalid(f"It belongs to {described}, which was not migrated.")

    def _t_copy(self, obj, spec, field, raw, vals, warnings):
        if obj.kind == "attachment" and spec.target == "raw":
            return self._file_content(raw)
        return self._cast(
            "copy",
            raw,
            field.type if field else "char",
            warnings,
            spec.sources[0] if spec.sources else spec.target,
        )

    def _file_content(self, path):
        stream = self.reader.open_file(path.strip())
        if stream is None:
            raise RecordInvalid(f'The file "{path}" is not in the export.')
        with stream:
            return stream.read()

    # ------------------------------------------------------------------
    # Journal
    # ------------------------------------------------------------------
    def _log(
        self,
        object_key,
        source_id,
        model,
        res_id,
        operation,
        digest,
        previous=None,
        message=False,
        line=None,
        file=None,
    ):
        self._logs.append(
            (
                self.run.id,
                self.project.id,
                object_key,
                source_id,
                model,
                res_id,
                operation,
                digest,
                json.dumps(previous) if previous else None,
                message or None,
                line,
                file,
            )
        )
        if len(self._logs) >= 2000:
            self._flush_logs()

    def _flush_logs(self):
        if not self._logs:
            return
        uid = self.env.uid
        execute_values(
            self.env.cr._obj,
            """
            INSERT INTO migration_log (run_id, project_id, object_key, source_id, model,
                res_id, operation, source_hash, previous_values, message, line,
                file_name, create_uid, write_uid, create_date, write_date)
            VALUES %s
            """,
            [row + (uid, uid) for row in self._logs],
            template="(%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,"
            "(now() at time zone 'UTC'),(now() at time zone 'UTC'))",
            page_size=1000,
        )
        self._logs = []
        self.env["migration.log"].invalidate_model()
        self.run.invalidate_recordset(["log_ids"])


def rollback_run(run):
    """Undo one run from its journal. Returns ``{model: (deleted, restored)}``."""
    env = run.env(context=dict(run.env.context, **MIGRATION_CONTEXT))
    env.flush_all()
    env.cr.execute(
        """
        SELECT id, model, res_id, operation, previous_values FROM migration_log
         WHERE run_id = %s AND operation IN ('create', 'update') AND res_id IS NOT NULL
         ORDER BY id DESC
        """,
        (run.id,),
    )
    rows = env.cr.fetchall()
    summary = defaultdict(lambda: [0, 0])
    # contiguous blocks of the same model and operation, newest first
    blocks = []
    for _log_id, model, res_id, operation, previous in rows:
        if blocks and blocks[-1][0] == (model, operation):
            blocks[-1][1].append((res_id, previous))
        else:
            blocks.append(((model, operation), [(res_id, previous)]))
    for (model, operation), items in blocks:
        if model not in env:
            continue
        if operation == "update":
            for res_id, previous in items:
                record = env[model].browse(res_id).exists()
                if record and previous:
                    record.write(json.loads(previous))
                    summary[model][1] += 1
            continue
        if model == "ir.model.fields":
            summary[model][0] += _drop_custom_fields(env, [i for i, _p in items])
            continue
        records = env[model].browse([i for i, _p in items]).exists()
        if not records:
            continue
        _before_unlink(records)
        records.unlink()
        summary[model][0] += len(records)
    env.flush_all()
    return {model: tuple(counts) for model, counts in summary.items()}


def _before_unlink(records):
    """Put business documents back in a deletable state (drafts and cancelled)."""
    if records._name == "sale.order":
        records.filtered(lambda o: o.state not in ("draft", "cancel")).write(
            {"state": "cancel"}
        )
    elif records._name == "account.move":
        posted = records.filtered(lambda m: m.state == "posted")
        if posted:
            posted.button_draft()


def _drop_custom_fields(env, field_ids):
    """Remove the custom fields a run created, unless something else filled them
    since."""
    dropped = 0
    for field in env["ir.model.fields"].sudo().browse(field_ids).exists():
        model = env[field.model]
        env.cr.execute(
            f'SELECT 1 FROM "{model._table}" WHERE "{field.name}" IS NOT NULL LIMIT 1'
        )
        if env.cr.fetchone():
            _logger.info(
                "Custom field %s.%s kept: it holds data", field.model, field.name
            )
            continue
        field.with_context(_force_unlink=True).unlink()
        dropped += 1
    return dropped
