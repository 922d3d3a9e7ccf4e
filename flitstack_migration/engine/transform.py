# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Transform: one source record to the values of its Odoo record, through its map.

:meth:`Transformer.transform` is the public interface: the loader calls it to write,
the diff to know what a record should hold. It reads the field map
(:class:`~..presets.base.FieldSpec` rows) column by column: the first non-empty
source column, the transform's parser (:mod:`..parsers`), and for links the
:class:`~.resolve.Resolver`. A record that cannot land raises :class:`RecordInvalid`
with the reason shown to the admin; a value that cannot be read is left empty with a
warning.
"""

import hashlib
import re
from collections import defaultdict

import pytz

from odoo import Command
from odoo.tools import html_sanitize, plaintext2html

from .. import parsers as T
from . import schema
from .schema import SOURCE_CREATED_FIELD, SOURCE_ID_FIELD

#: Text that holds markup (a rich-text note): kept as HTML, sanitized, not escaped.
HTML_MARKUP = re.compile(
    r"<(p|br|div|span|ul|ol|li|b|strong|i|em|u|a|h[1-6]|table)\b", re.IGNORECASE
)
#: Checksum algorithms by the length of their hexadecimal digest.
CHECKSUMS = {32: "md5", 40: "sha1", 64: "sha256"}


class RecordInvalid(Exception):
    """A record cannot land; the message is the reason shown to the admin."""


class Transformer:
    """Source records to Odoo values.

    :param env: the run's environment
    :param project: the ``migration.project`` (time zone, fallback owner)
    :param preset: the platform preset (date order, country)
    :param resolver: the run's :class:`~.resolve.Resolver`
    :param reader: the open reader (files of attachments)
    """

    def __init__(self, env, project, preset, resolver, reader):
        self.env = env
        self.project = project
        self.preset = preset
        self.resolver = resolver
        self.reader = reader
        self.tz = pytz.timezone(project.tz or "UTC")

    def transform(self, obj, specs, record):
        """``(vals, warnings)`` for one record, or :class:`RecordInvalid`."""
        model = self.env[obj.model]
        data = record.data
        vals, warnings = {}, []
        if obj.kind in ("message", "attachment"):
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
        fallbacks = self.resolver.adapter(obj.model).fallback_values(self.project)
        for name, value in fallbacks.items():
            if not vals.get(name):
                vals[name] = value
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
            # a logged activity: what Odoo posts when an activity is marked done
            logged = vals.get("mail_activity_type_id")
            vals.setdefault("message_type", "notification" if logged else "comment")
            subtype = "mail.mt_activities" if logged else "mail.mt_note"
            vals.setdefault("subtype_id", self.env.ref(subtype).id)
            vals.setdefault("is_internal", True)
        if obj.checksum_column and vals.get("raw") is not None:
            self._check_file(obj, data, vals["raw"], warnings)
        return vals, warnings

    @staticmethod
    def _shared_specs(specs):
        """The rows of a map that may create a record others share: a stage (and
        its pipeline), tags or a lookup the map lets create."""
        return [
            spec
            for spec in specs
            if spec.transform == "stage"
            or (spec.transform in ("tags", "lookup") and spec.create_missing)
        ]

    def prefetch(self, obj, specs, records):
        """Fetch the ids the references of a batch's records name (their links to
        other migrated records, the record a note or file goes on), in one query
        per object referred to (:meth:`~.resolve.Resolver.prefetch`)."""
        wanted = defaultdict(set)
        refs = [s for s in specs if s.transform == "ref" and s.ref]
        for record in records:
            data = record.data
            for spec in refs:
                raw = self.raw(spec, data)
                if raw is None and spec.default is not None:
                    raw = spec.default
                if isinstance(raw, str):
                    wanted[spec.ref].add(raw)
            for column, object_key in obj.attach_to:
                value = data.get(column)
                if isinstance(value, str):
                    wanted[object_key].add(value)
        for object_key, values in wanted.items():
            self.resolver.prefetch(object_key, values)

    def creates_shared(self, obj, specs):
        """Whether records of ``obj`` may create shared records (see :meth:`shared`)."""
        lines = obj.lines[1] if obj.lines else ()
        return bool(self._shared_specs(specs) or self._shared_specs(lines))

    def shared(self, obj, specs, record):
        """Create the shared records (stages, tags, looked-up records) one record's
        values would create, and nothing else: a row that would fail for another
        reason still creates its tags, as its transform would up to its failure.
        Before the records of a run land in parallel jobs (:mod:`.parallel`)."""
        model = self.env[obj.model]
        self._shared_values(obj, self._shared_specs(specs), model, record.data)
        if obj.lines:
            line_field, line_specs = obj.lines
            line_specs = self._shared_specs(line_specs)
            if line_specs:
                comodel = self.env[model._fields[line_field].comodel_name]
                for line in record.data.get("_lines", ()):
                    self._shared_values(obj, line_specs, comodel, line)

    def _shared_values(self, obj, specs, model, data):
        for spec in specs:
            try:
                self._value(obj, spec, model._fields.get(spec.target), data, {}, [])
            except RecordInvalid:
                continue

    @staticmethod
    def _check_file(obj, data, content, warnings):
        """Compare a file with the checksum the export gives for it."""
        expected = (data.get(obj.checksum_column) or "").strip().lower()
        algorithm = CHECKSUMS.get(len(expected))
        if not algorithm:
            return
        actual = hashlib.new(algorithm, content).hexdigest()
        if actual != expected:
            warnings.append(
                f"{obj.checksum_column}: the export gives {algorithm.upper()} "
                f"{expected}, the file in it has {actual} (checksum mismatch: the "
                f"file landed as the export holds it)"
            )

    @staticmethod
    def raw(spec, data):
        """The source text a field map row reads: its first non-empty column.

        A cell is empty when blank, or one of the words the row says mean "no
        value" in its column (``spec.nulls``: ``NA``, ``-``... where the column's
        other values are numbers or dates); elsewhere such a word is text.
        """
        nulls = spec.nulls or ()
        for name in spec.sources:
            value = data.get(name)
            if value is not None and not T.is_empty(value, nulls):
                return value
        return None

    # ------------------------------------------------------------------
    def _apply_specs(self, obj, specs, model, data, vals, warnings):
        """Fill ``vals`` from ``data`` through ``specs`` (of a record or a line).

        Several lookups may feed one field (a product by name, else by code): the
        last one found wins, and what was not found is a warning only when none was.
        """
        missed = {}
        for spec in specs:
            field = model._fields.get(spec.target)
            said = []
            value = self._value(obj, spec, field, data, vals, said)
            if spec.transform == "lookup" and value is None:
                missed.setdefault(spec.target, []).extend(said)
            else:
                warnings.extend(said)
            if value is None:
                if spec.required:
                    raise RecordInvalid(self._missing(spec, field, data))
                continue
            if field is not None and field.type == "many2many" and spec.target in vals:
                # several columns into one many2many add up
                value = [Command.set(self._set_ids(vals[spec.target], value))]
            vals[spec.target] = value
        for target, said in missed.items():
            if vals.get(target) is None:
                warnings.extend(said)

    @staticmethod
    def _set_ids(*values):
        """The ids of ``Command.set`` values, in order, each once."""
        ids = []
        for value in values:
            for command in value or ():
                if isinstance(command, (list, tuple)) and command[0] == Command.SET:
                    ids.extend(i for i in command[2] if i not in ids)
        return ids

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

    def _value(self, obj, spec, field, data, vals, warnings):
        if spec.transform == "constant":
            return self._constant(field, spec.default)
        raw = self.raw(spec, data)
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
            spec,
        )

    @staticmethod
    def _constant(field, value):
        if field is not None and field.type in ("many2many", "one2many"):
            return [Command.set(value or [])]
        return value

    def _cast(self, transform, raw, ttype, warnings, column, spec=None):
        """The value of ``raw`` for a field of type ``ttype``; ``spec`` (the map's
        row) says how its column writes dates and decimals."""
        if raw is None:
            return None
        order = (spec and spec.date_order) or self.preset.date_order
        comma = bool(spec and spec.decimal_comma)
        try:
            if transform in ("date", "datetime") or ttype in ("date", "datetime"):
                if transform == "date" and ttype != "datetime":
                    return T.parse_date(raw, order)
                moment = T.parse_datetime(raw, order)
                if moment is None:
                    return None
                if ttype == "date":
                    return moment.date()
                if T.has_utc_offset(raw):
                    return moment  # the source said its offset: already UTC
                return (
                    self.tz.localize(moment).astimezone(pytz.utc).replace(tzinfo=None)
                )
            if transform == "money":
                return T.parse_money(raw, comma)
            if transform == "float" or ttype in ("float", "monetary"):
                return T.parse_float(raw, comma)
            if transform == "integer" or ttype == "integer":
                return T.parse_integer(raw, comma)
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
            return self._html(text)
        if ttype == "char" and isinstance(text, str):
            return " ".join(text.split()) if "\n" in text else text
        return text

    @staticmethod
    def _html(text):
        """Rich text (markup) stays rich, sanitized; plain text becomes HTML."""
        if isinstance(text, str) and HTML_MARKUP.search(text):
            return html_sanitize(text)
        return plaintext2html(text)

    # ------------------------------------------------------------------
    # Transforms with their own handler
    # ------------------------------------------------------------------
    def _t_ref(self, obj, spec, field, raw, vals, warnings):
        res_id = self.resolver.res_id_of(spec.ref, raw)
        if res_id is None and not spec.required:
            warnings.append(
                f'{spec.sources[0]}: "{raw}" was not migrated; link left empty'
            )
        if res_id is None:
            return None
        if spec.lookup:
            res_id = self._line_of(spec, res_id, vals)
            if res_id is None:
                return None
        if field is not None and field.type == "many2many":
            return [Command.set([res_id])]
        return res_id

    def _line_of(self, spec, res_id, vals):
        """A line of the referenced record (its ``spec.lookup`` one2many): the one
        with the same product as the line being built, else its first priced line
        (not a section or a note), else its first line."""
        record = self.env[self.preset.get(spec.ref).model].browse(res_id)
        lines = record[spec.lookup]
        product = vals.get("product_id")
        same = lines.filtered(
            lambda line: (
                "product_id" in line._fields
                and product
                and line.product_id.id == product
            )
        )
        priced = lines.filtered(
            lambda line: not ("display_type" in line._fields and line.display_type)
        )
        line = (same or priced or lines)[:1]
        return line.id or None

    def _t_tax(self, obj, spec, field, raw, vals, warnings):
        """Taxes of a rate (``"8.25%"``): the company's existing tax of that rate and
        use; none is created, an unmatched rate is a warning and no tax."""
        try:
            rate = T.parse_float(raw.replace("%", ""))
        except T.InvalidValue:
            warnings.append(f'{spec.sources[0]}: "{raw}" is not a tax rate; no tax')
            return [Command.set([])]
        if not rate:
            return [Command.set([])]
        tax_id = self.resolver.tax(rate, spec.lookup or "sale")
        if tax_id is None:
            line = vals.get("name") or ""
            warnings.append(
                f"Tax rate {rate:g}%: no {spec.lookup or 'sale'} tax of that rate in "
                f'Odoo (none is created); line "{line}" left without tax'
            )
            return [Command.set([])]
        return [Command.set([tax_id])]

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
        return self.resolver.find(field.comodel_name, "name", name, create=True)

    def _pipeline_stage(self, spec, raw, vals, warnings):
        """Stage, team and probability of a lead from the value map; lost marks it
        lost."""
        entry = self.resolver.stage_map(spec).get(" ".join(raw.split()).lower())
        team_id, stages = self.resolver.pipeline(spec)
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
        res_id = self.resolver.find(
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
            self.resolver.find(
                field.comodel_name, "name", label, create=spec.create_missing
            )
            for label in T.split_tags(raw)
        ]
        ids = [i for i in ids if i]
        return [Command.set(ids)] if ids else None

    def _t_user(self, obj, spec, field, raw, vals, warnings):
        if field.type == "many2many":
            return self._people(field, raw)
        user = self.resolver.user(raw, fallback=spec.fallback)
        if user is None:
            return None
        if field.comodel_name == "res.partner":
            return user.partner_id.id
        return user.id

    def _people(self, field, raw):
        """Users (assignees) or their partners (attendees) a cell names, separated
        by ``;``. Assignees fall back to the fallback owner when none is found;
        attendees never do (no one is invited who was not)."""
        invited = field.comodel_name == "res.partner"
        names = [n.strip() for n in (raw or "").split(";") if n.strip()] or [raw]
        users = [self.resolver.user(name, fallback=not invited) for name in names]
        users = [user for user in users if user]
        if not invited and len(users) > 1 and self.resolver.fallback_user:
            users = [u for u in users if u != self.resolver.fallback_user] or users
        ids = [user.partner_id.id if invited else user.id for user in users]
        return [Command.set(list(dict.fromkeys(ids)))] if ids else None

    def _attach_target(self, obj, data):
        """``res_model``/``res_id`` (or model/res_id) of a note or file's record."""
        for column, object_key in obj.attach_to:
            res_id = self.resolver.res_id_of(object_key, data.get(column))
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
            spec,
        )

    def _file_content(self, path):
        stream = self.reader.open_file(path.strip())
        if stream is None:
            raise RecordInvalid(f'The file "{path}" is not in the export.')
        with stream:
            return stream.read()
