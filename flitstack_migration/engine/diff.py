# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Field-level diff: what Odoo holds, read back, against what the source says.

For each source record of a run and each field its map fills:

- the **source value** (the raw cell);
- the **expected value**: the engine's own transform of that record, computed with
  ``MigrationEngine(..., dry=True)`` (which creates nothing on the side);
- the **found value**: read back from the Odoo record the record landed in;
- a **status**: ``match``, ``mismatch``, ``missing`` (a value was expected, the Odoo
  field is empty) or ``not_migrated`` (the record has no Odoo record: it failed).

Values are compared in one comparable form (ids for links, rounded amounts, dates,
text of HTML, a digest of file contents) and shown in words (names, not ids).

:class:`DiffBuilder` streams the records object by object in batches, keeps totals per
object, and hands every line to ``sink`` (the CLI's CSV) and the lines ``keep`` asks
for to the caller (the sample keeps every line, a full run only the problems).
"""

import hashlib
import html
import re
import time
from collections import Counter, defaultdict
from datetime import date, datetime

from odoo import Command, fields
from odoo.tools import html2plaintext

from ..parsers import is_code_text
from .loader import MigrationEngine
from .transform import RecordInvalid, Transformer
from .write import comparable as _write_comparable

STATUSES = ("match", "mismatch", "missing", "not_migrated")
PROBLEMS = ("mismatch", "missing", "not_migrated")
BATCH = 200
#: totals kept per object
TOTALS = (
    "checked",
    "match",
    "mismatch",
    "missing",
    "not_migrated",
    "owners",
    "owners_matched",
)
#: fields the engine sets for the mechanics of a record, not from the source
MECHANICS = {"message_type", "subtype_id", "is_internal", "probability"}
WHOLE_RECORD = "(whole record)"
#: Transforms whose value differs from the source text by design (formatted, mapped,
#: a link): the diff compares with their value, not with the source text.
RESHAPING = {
    "phone",
    "email",
    "value_map",
    "stage",
    "lookup",
    "ref",
    "tags",
    "user",
    "constant",
}


def source_text(field, spec, source):
    """The source text a field must hold as it is, or None.

    A text field holds its cell as typed, and an integer field filled from a code
    (``02134``) must show its loss: both are compared with the source text, never
    with a conversion that could have lost a zero on both sides.
    """
    text = " ".join(str(source or "").split())
    if not text or spec is None or spec.transform in RESHAPING:
        return None
    if field.type in ("char", "text") or (
        field.type == "integer" and is_code_text(text)
    ):
        return text
    return None


def comparable(field, value):
    """One form for a value written and the same value read back."""
    if field.type == "binary":
        if not value:
            return None
        raw = value if isinstance(value, bytes) else str(value).encode()
        return hashlib.sha1(raw).hexdigest()
    if field.type == "html":
        text = re.sub(
            r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", str(value or "")))
        )
        return text or None
    if field.type in ("char", "text", "selection") and isinstance(value, str):
        return " ".join(value.split()) or None
    if field.type == "many2one_reference":
        return value or None
    if field.type in ("float", "monetary", "integer") and not value:
        return None  # a number field is never empty in Odoo: zero stands for nothing
    return _write_comparable(field, value)


class DiffBuilder:
    """Compare the records of a run with their source.

    :param run: the ``migration.run`` whose project's records are compared
    :param reader: an open reader of the source
    :param only: ``{object key: source ids}`` to compare only those (the sample, the
        records a delta changed); ``None`` compares every record
    :param keep: statuses whose lines :meth:`execute` returns
    :param sink: optional callable receiving every line (a dict), whatever its status
    """

    def __init__(self, run, reader, only=None, keep=STATUSES, sink=None):
        self.run = run
        self.project = run.project_id
        self.engine = MigrationEngine(run, reader, only=only, dry=True)
        self.specs = self.engine.specs
        self.env = self.engine.env
        self.preset = reader.preset
        self.keep = set(keep)
        self.sink = sink
        self.totals = defaultdict(Counter)
        self.lines = []
        self._names = {}

    # ------------------------------------------------------------------
    def execute(self):
        """Compare every object; returns ``(totals by object, kept lines)``."""
        for obj in self.preset.load_order():
            self.execute_object(obj)
        return self.totals, self.lines

    def execute_object(self, obj, start=0, deadline=None):
        """Compare one object from its ``start``-th record, in batches.

        :param deadline: a ``time.monotonic()`` instant after which it stops between
            two batches (a background slice)
        :returns: ``(finished, position)``: the records of the object gone through so
            far, where the next call starts
        """
        specs = self.specs[obj.key]
        batch, position = [], 0
        for record in self.engine.records(obj):
            position += 1
            if position <= start or not record.source_id:
                continue
            batch.append(record)
            if len(batch) >= BATCH:
                self._diff_batch(obj, specs, batch)
                batch = []
                if deadline and time.monotonic() > deadline:
                    return False, position
        if batch:
            self._diff_batch(obj, specs, batch)
        return True, position

    def take(self):
        """The totals and kept lines gathered since the last call, then forgotten."""
        totals, lines = self.totals, self.lines
        self.totals, self.lines = defaultdict(Counter), []
        return totals, lines

    def _diff_batch(self, obj, specs, batch):
        model = self.env[obj.model].with_context(active_test=False)
        resolver = self.engine.resolver
        resolver.prefetch(obj.key, [record.source_id for record in batch])
        self.engine.transformer.prefetch(obj, specs, batch)
        items = []
        for record in batch:
            res_id = self.engine.res_id_of(obj.key, record.source_id)
            owners_before = sum(self.engine.unmatched_owners.values())
            try:
                vals, _warnings = self.engine.transformer.transform(obj, specs, record)
                reason = None
            except RecordInvalid as err:
                vals, reason = None, str(err)
            self._count_owner(obj, specs, record, owners_before)
            items.append((record, res_id, vals, reason))
        line_field = obj.lines[0] if obj.lines else None
        names = set()
        for _record, res_id, vals, _reason in items:
            if res_id and vals is not None:
                names.update(n for n in vals if n in model._fields and n != line_field)
        names.update(
            s.target
            for s in specs
            if s.target in model._fields and s.target != line_field
        )
        names = sorted(names)
        ids = [res_id for _r, res_id, vals, _x in items if res_id and vals is not None]
        found = {row["id"]: row for row in model.browse(ids).read(names)} if ids else {}
        for record, res_id, vals, reason in items:
            if not res_id or (res_id not in found and vals is not None):
                self._not_migrated(obj, record, reason)
                continue
            if vals is None:
                continue  # landed earlier, cannot be transformed now: nothing to expect
            row = found[res_id]
            self._diff_record(obj, specs, model, record, res_id, vals, row)
            if line_field:
                self._diff_lines(obj, model, record, res_id, line_field, vals)
        # what the batch read back, and the ids it fetched, are not needed again:
        # memory stays flat
        self.env.invalidate_all()
        resolver.forget()

    def _count_owner(self, obj, specs, record, owners_before):
        owner_specs = [s for s in specs if s.transform == "user"]
        if not owner_specs:
            return
        if not any(Transformer.raw(spec, record.data) for spec in owner_specs):
            return
        totals = self.totals[obj.key]
        totals["owners"] += 1
        if sum(self.engine.unmatched_owners.values()) == owners_before:
            totals["owners_matched"] += 1

    def _diff_record(self, obj, specs, model, record, res_id, vals, row):
        by_target = {spec.target: spec for spec in specs}
        lost = vals.get("active") is False
        for name in sorted(set(vals) | set(by_target), key=self._order(specs)):
            field = model._fields.get(name)
            if field is None or name not in row or name in MECHANICS:
                continue
            spec = by_target.get(name)
            source = self._source(obj, spec, name, record)
            value = vals.get(name)
            expected = comparable(field, value)
            got = comparable(field, row[name])
            typed = source_text(field, spec, source)
            if typed is not None:
                found = row[name]
                value, expected = typed, typed
                got = " ".join(str(found).split()) or None if found else None
            if expected is None:
                if spec and spec.transform == "stage" and lost:
                    continue  # a lost lead keeps its stage: it is archived instead
                if got is not None and not source:
                    # nothing in the source: Odoo's default is not ours to judge
                    continue
                status = "match" if got is None else "mismatch"
            elif got is None:
                status = "missing"
            else:
                status = "match" if expected == got else "mismatch"
            self._add(
                obj,
                record,
                model,
                res_id,
                field,
                status,
                source,
                lambda f=field, v=value: self._show(f, v),
                lambda f=field, v=row[name]: self._show(f, v),
            )

    def _diff_lines(self, obj, model, record, res_id, line_field, vals):
        field = model._fields[line_field]
        comodel = self.env[field.comodel_name]
        expected_lines = [
            cmd[2] for cmd in vals.get(line_field, ()) if cmd[0] == Command.CREATE
        ]
        keys = sorted(
            {key for line in expected_lines for key in line if key in comodel._fields}
        )
        found_lines = model.browse(res_id)[line_field].sorted(
            lambda l: (l.sequence, l.id)
        )
        found_rows = found_lines.read(keys) if keys else []

        def as_tuple(line):
            return tuple(comparable(comodel._fields[k], line.get(k)) for k in keys)

        expected = sorted((as_tuple(line) for line in expected_lines), key=repr)
        got = sorted((as_tuple(line) for line in found_rows), key=repr)
        if not expected:
            status = "match" if not got else "mismatch"
        elif not got:
            status = "missing"
        else:
            status = "match" if expected == got else "mismatch"

        def show(lines):
            return "; ".join(
                " / ".join(self._show(comodel._fields[k], line.get(k)) for k in keys)
                for line in lines
            )

        self._add(
            obj,
            record,
            model,
            res_id,
            field,
            status,
            f"{len(expected_lines)} lines",
            lambda: show(expected_lines),
            lambda: show(found_rows),
        )

    def _not_migrated(self, obj, record, reason):
        self.totals[obj.key]["not_migrated"] += 1
        if "not_migrated" not in self.keep and not self.sink:
            return
        self._emit(
            {
                "object_key": obj.key,
                "object_label": obj.label,
                "source_id": record.source_id,
                "model": obj.model,
                "res_id": False,
                "field_name": False,
                "field_label": WHOLE_RECORD,
                "source_value": f"{record.file} line {record.line}"
                if record.file
                else "",
                "expected_value": reason or "",
                "found_value": "",
                "status": "not_migrated",
            }
        )

    # ------------------------------------------------------------------
    def _add(self, obj, record, model, res_id, field, status, source, expected, found):
        totals = self.totals[obj.key]
        totals["checked"] += 1
        totals[status] += 1
        if status not in self.keep and not self.sink:
            return
        self._emit(
            {
                "object_key": obj.key,
                "object_label": obj.label,
                "source_id": record.source_id,
                "model": model._name,
                "res_id": res_id,
                "field_name": field.name,
                "field_label": field.string,
                "source_value": source or "",
                "expected_value": expected(),
                "found_value": found(),
                "status": status,
            }
        )

    def _emit(self, line):
        if self.sink:
            self.sink(line)
        if line["status"] in self.keep:
            self.lines.append(line)

    @staticmethod
    def _order(specs):
        position = {spec.target: index for index, spec in enumerate(specs)}
        return lambda name: (position.get(name, len(position)), name)

    def _source(self, obj, spec, name, record):
        if spec is not None:
            if spec.transform == "constant":
                return ""
            raw = Transformer.raw(spec, record.data)
            return "" if raw is None else str(raw)
        if obj.created_column and name == "x_source_created":
            return record.data.get(obj.created_column) or ""
        for column, _key in obj.attach_to:
            if record.data.get(column):
                return record.data[column]
        return ""

    def _show(self, field, value):
        """A value in words, for the admin: names for links, dates, amounts."""
        if value is None or value is False or value == "" or value == []:
            return ""
        if field.type in ("many2one", "many2many", "one2many"):
            ids = comparable(field, value)
            if ids is None:
                return ""
            ids = ids if isinstance(ids, tuple) else (ids,)
            return ", ".join(self._name(field.comodel_name, i) for i in ids)
        if field.type == "binary":
            raw = value if isinstance(value, bytes) else str(value).encode()
            return f"{len(raw)} bytes (sha1 {hashlib.sha1(raw).hexdigest()[:10]})"
        if field.type == "html":
            return html2plaintext(str(value)).strip()
        if field.type == "boolean":
            return "Yes" if value else "No"
        if field.type in ("float", "monetary"):
            return f"{float(value):.2f}"
        if field.type == "datetime":
            return fields.Datetime.to_string(fields.Datetime.to_datetime(value))
        if isinstance(value, (date, datetime)):
            return value.isoformat()
        if field.type == "selection" and isinstance(field.selection, list):
            return dict(field.selection).get(value, str(value))
        return str(value)

    def _name(self, model_name, res_id):
        key = (model_name, res_id)
        if key not in self._names:
            record = self.env[model_name].browse(res_id).exists()
            self._names[key] = record.display_name if record else f"#{res_id} (deleted)"
        return self._names[key]
