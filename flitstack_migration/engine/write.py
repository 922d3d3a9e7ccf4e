# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Write: batches of transformed records into Odoo, every operation journaled.

- creates: ``create(vals_list)`` inside a savepoint, through the model's adapter
  (:mod:`.adapters`); a batch that fails is bisected down to the records that fail,
  which are journaled with Odoo's reason, and the rest lands;
- updates: only the fields whose value changed are written, a batch's in one
  savepoint (bisected as creates are when one fails), the previous values kept in
  the journal so that a rollback restores them;
- every record landed gets its per-project external id in one call per batch.
"""

import re
from datetime import date, datetime

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import mute_logger


def concurrent(err):
    """Whether ``err`` says another transaction got in the way (a serialization
    failure, a deadlock, a lock not available): no fault of the record's, so not
    a record failure. The whole slice or job is rolled back and run again (Odoo's
    scheduler, queue_job), where the record lands."""
    return getattr(err, "pgcode", None) in PG_CONCURRENCY_ERRORS_TO_RETRY


def comparable(field, value):
    """A field's value in a form where equal values compare equal (read or write
    form alike); ``None`` for empty."""
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


def writable(field, value):
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


def explain(err):
    """Why Odoo refused a record, in a sentence."""
    if isinstance(err, (UserError, ValidationError)):
        return str(err.args[0] if err.args else err)
    pgerror = getattr(err, "pgerror", None)
    if pgerror:
        return "Odoo's database refused it: " + pgerror.strip().splitlines()[0]
    return f"{type(err).__name__}: {err}"


class Writer:
    """Lands transformed records of one run.

    An item is ``(record, vals, warnings, digest)``: the source record, its values,
    the warnings of its transform and the content hash of its row.

    :param env: the run's environment
    :param journal: the run's :class:`~.journal.Journal`
    :param resolver: the run's :class:`~.resolve.Resolver` (adapters, ids)
    :param landed: callable ``(object key, source id, res_id, digest)`` told of every
        record landed or found unchanged
    """

    def __init__(self, env, journal, resolver, landed):
        self.env = env
        self.journal = journal
        self.resolver = resolver
        self.landed = landed

    def fail(self, obj, counter, record, reason):
        counter.failed += 1
        self.journal.log(
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

    def create_batch(self, obj, counter, items):
        """Create ``items``; the failing ones are journaled as failed."""
        adapter = self.resolver.adapter(obj.model)
        model = self.env[obj.model].with_context(
            **adapter.create_context, **obj.context
        )
        landed, failed = self._create_safe(model, items)
        for (record, _vals, _warnings, _digest), error in failed:
            self.fail(obj, counter, record, error)
        if not landed:
            return
        xids = []
        module = self.resolver.module
        for (record, _vals, warnings, digest), res in landed:
            name = self.landed(obj.key, record.source_id, res.id, digest)
            xids.append({"xml_id": f"{module}.{name}", "record": res, "noupdate": True})
            self.journal.log(
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
        # Odoo keeps every external id it writes in ``registry.loaded_xmlids`` for
        # the life of the process, for the clean-up at the end of a module's
        # install, which looks at ids without ``noupdate`` only: ours are never
        # among them, and forgetting them keeps the memory flat in record count
        self.env.registry.loaded_xmlids.difference_update(x["xml_id"] for x in xids)
        counter.created += len(landed)

    def _create_safe(self, model, items):
        """Create ``items``; bisect a failing batch down to the records that fail."""
        adapter = self.resolver.adapter(model._name)

        def create(part):
            vals_list = [dict(vals) for _rec, vals, _w, _d in part]
            deferred = adapter.prepare(model, vals_list)
            records = adapter.create_records(model, vals_list, deferred)
            adapter.after_create(records, deferred)
            return list(zip(part, records, strict=True))

        return self._bisect(items, create)

    def _bisect(self, items, attempt):
        """``attempt(items)`` in a savepoint, returning what landed; when it fails,
        each half of ``items`` is tried again, down to the items that fail alone.

        :returns: ``(what landed, [(item, Odoo's reason)])``
        """
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                landed = attempt(items)
            return landed, []
        except Exception as err:  # any other failure is logged per record
            if concurrent(err):
                raise
            if len(items) == 1:
                return [], [(items[0], explain(err))]
        middle = len(items) // 2
        landed_a, failed_a = self._bisect(items[:middle], attempt)
        landed_b, failed_b = self._bisect(items[middle:], attempt)
        return landed_a + landed_b, failed_a + failed_b

    def update_batch(self, obj, counter, updates):
        """Write what changed of ``[(item, res_id)]``; unchanged ones are skipped."""
        model = self.env[obj.model].with_context(**obj.context)
        line_field = obj.lines[0] if obj.lines else None
        names = sorted({name for (_rec, vals, _w, _d), _id in updates for name in vals})
        names = [n for n in names if n in model._fields and n != line_field]
        current = {
            row["id"]: row for row in model.browse([i for _x, i in updates]).read(names)
        }
        writes = []
        for (record, vals, warnings, digest), res_id in updates:
            row = current.get(res_id, {})
            changed, previous = {}, {}
            for name, value in vals.items():
                if name not in names:
                    continue
                field = model._fields[name]
                if comparable(field, row.get(name)) != comparable(field, value):
                    changed[name] = value
                    previous[name] = writable(field, row.get(name))
            self.landed(obj.key, record.source_id, res_id, digest)
            if not changed:
                counter.skipped += 1
                self.journal.log(
                    obj.key,
                    record.source_id,
                    obj.model,
                    res_id,
                    "skip",
                    digest,
                    message="No field changed",
                )
                continue
            writes.append(((record, vals, warnings, digest), res_id, changed, previous))
        written, failed = self._write_safe(model, writes)
        for ((record, _vals, _warnings, _digest), *_rest), error in failed:
            self.fail(obj, counter, record, error)
        for (record, _vals, warnings, digest), res_id, _changed, previous in written:
            counter.updated += 1
            self.journal.log(
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

    def _write_safe(self, model, writes):
        """Write each of ``writes`` (``(item, res_id, changed values, previous
        values)``) in one savepoint, so that Odoo writes them in one flush (its
        rows grouped by the fields they set) rather than one record at a time;
        bisect a failing batch down to the records that fail, as creates are."""
        if not writes:
            return [], []

        def write(part):
            for _item, res_id, changed, _previous in part:
                model.browse(res_id).write(changed)
            return part

        return self._bisect(writes, write)
