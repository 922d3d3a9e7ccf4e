# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The journal: one ``migration.log`` row per record operation, and the rollback that
replays it backwards.

Rows are buffered and written with one ``COPY`` per batch (:class:`Journal`).
A rollback (:func:`rollback_run`) deletes what a run created, newest first (children
before their parents), restores the previous values of what it updated, and removes
the custom fields it created once nothing else fills them. What a model needs before
its records can be deleted is in its adapter
(:meth:`~.adapters.ModelAdapter.before_unlink`).
"""

import contextlib
import io
import json
import logging
from collections import defaultdict

from odoo.exceptions import UserError
from odoo.tools import mute_logger

from . import reference_index, schema
from .adapters import adapter_for

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

#: Rows buffered before they are written.
FLUSH_SIZE = 2000


class Journal:
    """The buffered journal of one run.

    :param run: the ``migration.run`` the rows belong to
    """

    def __init__(self, run):
        self.run = run
        self.project_id = run.project_id.id
        self.rows = []

    def log(
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
        unchanged=None,
    ):
        """Record one operation (``create``, ``update``, ``skip``, ``fail``,
        ``gone``, ``kept``) on one source record (``unchanged``: on the source ids
        of a batch's unchanged records instead, :meth:`log_unchanged`)."""
        self.rows.append(
            (
                self.run.id,
                self.project_id,
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
                json.dumps(list(unchanged)) if unchanged else None,
            )
        )
        if len(self.rows) >= FLUSH_SIZE:
            self.flush()

    def log_unchanged(self, object_key, model, source_ids):
        """Record, in one row, the records of a batch that a re-run found unchanged
        (their hash as the last run saw it): nothing was written to them. Their ids
        are kept, so that what the source no longer has can still be told."""
        if not source_ids:
            return
        count = len(source_ids)
        records = "records" if count > 1 else "record"
        self.log(
            object_key,
            None,
            model,
            None,
            "skip",
            None,
            message=f"{count} {records} unchanged since the last run, left as they are",
            unchanged=source_ids,
        )

    def flush(self):
        """Write the buffered rows in one ``COPY`` (no statement to build and parse
        per row: half the time of a multi-row ``INSERT``)."""
        if not self.rows:
            return
        env = self.run.env
        uid = env.uid
        # the transaction's time, as Odoo's create() writes it
        now = env.cr.now().isoformat(sep=" ")
        tail = f"\t{uid}\t{uid}\t{now}\t{now}\n"
        data = "".join("\t".join(map(_copy_text, row)) + tail for row in self.rows)
        env.cr._obj.copy_expert(
            """
            COPY migration_log (run_id, project_id, object_key, source_id, model,
                res_id, operation, source_hash, previous_values, message, line,
                file_name, unchanged_ids, create_uid, write_uid, create_date,
                write_date)
            FROM STDIN
            """,
            io.StringIO(data),
        )
        self.rows = []
        env["migration.log"].invalidate_model()
        self.run.invalidate_recordset(["log_ids"])


#: What ``COPY``'s text format escapes in a value (and the NUL character, which
#: PostgreSQL's text cannot hold: a message quoting a broken cell loses it).
_COPY_ESCAPES = str.maketrans(
    {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x00": None}
)


def _copy_text(value):
    """A value in ``COPY``'s text format: ``\\N`` for None, escaped text."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    return str(value)


#: Journal rows undone per step of a rollback: the records of one step are deleted
#: (or given their values back) in one call, then leave the ORM's cache, so the
#: rollback's memory and the cost of Odoo's checks follow the step, not the run.
ROLLBACK_CHUNK = 1000


def rollback_run(run, kept=None, keep=None):
    """Undo one run from its journal. Returns ``{model: (deleted, restored)}``.

    It never stops half-way: records Odoo refuses to delete (a user's new quotation
    refers to a migrated customer, say) are kept, one by one, and listed; so are the
    records the administrator chose to keep (``keep``, from the check before the
    rollback: :mod:`.rollback_check`), which are neither deleted nor given their
    previous values back. Each kept record gets a ``kept`` row in the journal, with
    the reason.

    The journal is read a step at a time (:data:`ROLLBACK_CHUNK` rows, newest first),
    never whole: a run of a million records is undone in the memory of a thousand.

    :param kept: optional list receiving ``(model, res_id, reason)`` of what was kept
    :param keep: optional ``{(model, res_id): reason}`` of the records to keep
    """
    kept = kept if kept is not None else []
    keep = keep or {}
    env = run.env(context=dict(run.env.context, **MIGRATION_CONTEXT))
    env.flush_all()
    first_kept = len(kept)
    summary = defaultdict(lambda: [0, 0])
    # (none made when the caller indexed the keys for several runs already)
    indexes = index_references(run)
    for model, operation, first, last in _journal_blocks(env.cr, run.id):
        if model not in env:
            continue
        for items in _block_steps(env.cr, run.id, model, operation, first, last):
            _undo_step(run, env, model, operation, items, keep, kept, summary)
            env.invalidate_all()  # flushes first: what the step did stays done
    env.flush_all()
    reference_index.drop(env.cr, indexes)
    journal = Journal(run)
    sources = _sources_of(env.cr, run.id, kept[first_kept:])
    for model, res_id, reason in kept[first_kept:]:
        object_key, source_id = sources.get((model, res_id), (None, None))
        journal.log(object_key, source_id, model, res_id, "kept", None, message=reason)
    journal.flush()
    return {model: tuple(counts) for model, counts in summary.items()}


def index_references(runs):
    """Index, for the time of a rollback, the keys into the tables these runs'
    rollback deletes many rows from (:mod:`.reference_index`); returns what to
    :func:`~.reference_index.drop` at its end.

    To be called before anything is undone in the transaction: an index built over
    rows the same transaction updated (a delta's records given their values back,
    before the full run's are deleted) is not used by that transaction (PostgreSQL
    marks it ``indcheckxmin``), and every deleted row then reads the whole
    referencing table again. Rolling back a project indexes for all its runs
    first (:func:`indexed_for`)."""
    env = runs.env
    deleting = defaultdict(int)
    env.cr.execute(
        """
        SELECT model, count(*) FROM migration_log
         WHERE run_id = ANY(%s) AND operation = 'create' AND res_id IS NOT NULL
         GROUP BY model
        """,
        (runs.ids,),
    )
    for model, count in env.cr.fetchall():
        if model in env and env[model]._auto:
            deleting[env[model]._table] += count
    return reference_index.index_references(env.cr, deleting)


@contextlib.contextmanager
def indexed_for(runs):
    """The keys the rollback of ``runs`` needs indexed, made once for all of them
    before the first is undone, and dropped after the last (each run's
    :func:`rollback_run` then finds them made)."""
    runs.env.flush_all()
    made = index_references(runs)
    yield
    reference_index.drop(runs.env.cr, made)


def _journal_blocks(cr, run_id):
    """The run's creates and updates, newest first, cut where the model or the
    operation changes: ``[(model, operation, first log id, last log id)]``.

    Rows of one block are consecutive in the journal's order (a gaps-and-islands
    query: within a block, the row's rank in the run and its rank among its model
    and operation grow together)."""
    cr.execute(
        """
        SELECT model, operation, min(id), max(id)
          FROM (SELECT id, model, operation,
                       row_number() OVER (ORDER BY id)
                       - row_number() OVER (PARTITION BY model, operation ORDER BY id)
                       AS block
                  FROM migration_log
                 WHERE run_id = %s AND operation IN ('create', 'update')
                   AND res_id IS NOT NULL) AS rows
         GROUP BY model, operation, block
         ORDER BY max(id) DESC
        """,
        (run_id,),
    )
    return cr.fetchall()


def _block_steps(cr, run_id, model, operation, first, last):
    """Yields the rows of one block, newest first, as lists of
    :data:`ROLLBACK_CHUNK` ``(res_id, previous values)`` pairs at most."""
    upper = last
    while upper >= first:
        cr.execute(
            """
            SELECT id, res_id, previous_values FROM migration_log
             WHERE run_id = %s AND model = %s AND operation = %s
               AND res_id IS NOT NULL AND id BETWEEN %s AND %s
             ORDER BY id DESC
             LIMIT %s
            """,
            (run_id, model, operation, first, upper, ROLLBACK_CHUNK),
        )
        rows = cr.fetchall()
        if not rows:
            return
        yield [(res_id, previous) for _log_id, res_id, previous in rows]
        upper = rows[-1][0] - 1


def _undo_step(run, env, model, operation, items, keep, kept, summary):
    """Undo one step of a block: delete what was created, give what was updated
    its previous values back; what is to be kept is set aside, with its reason."""
    if model != "ir.model.fields" and keep:
        staying = [(i, p) for i, p in items if (model, i) in keep]
        if staying:
            items = [(i, p) for i, p in items if (model, i) not in keep]
            alive = set(env[model].browse([i for i, _p in staying]).exists().ids)
            kept.extend((model, i, keep[(model, i)]) for i, _p in staying if i in alive)
    if operation == "update":
        # which still exist: one query for the step; then each record its own
        # values back, in the journal's order (newest first)
        alive = set(env[model].browse([i for i, _p in items]).exists().ids)
        for res_id, previous in items:
            if res_id in alive and previous:
                env[model].browse(res_id).write(json.loads(previous))
                summary[model][1] += 1
        return
    if model == "ir.model.fields":
        summary[model][0] += drop_custom_fields(
            env, run.project_id, [i for i, _p in items]
        )
        return
    records = env[model].browse([i for i, _p in items]).exists()
    if records:
        summary[model][0] += _unlink_what_can_go(records, kept)


def _sources_of(cr, run_id, kept):
    """``{(model, res_id): (object key, source id)}`` of the kept records, from
    their first row in the run's journal."""
    if not kept:
        return {}
    cr.execute(
        """
        SELECT DISTINCT ON (log.model, log.res_id)
               log.model, log.res_id, log.object_key, log.source_id
          FROM migration_log log
          JOIN unnest(%s::varchar[], %s::int[]) AS kept(model, res_id)
            ON kept.model = log.model AND kept.res_id = log.res_id
         WHERE log.run_id = %s AND log.operation IN ('create', 'update')
         ORDER BY log.model, log.res_id, log.id
        """,
        ([m for m, _i, _r in kept], [i for _m, i, _r in kept], run_id),
    )
    return {
        (model, res_id): (key, source) for model, res_id, key, source in cr.fetchall()
    }


def _unlink_what_can_go(records, kept):
    """Delete ``records``; those Odoo refuses to delete are kept, with the reason.

    :returns: how many were deleted
    """
    adapter = adapter_for(records._name)
    try:
        # a refusal is expected and handled here: not an error of the server
        with mute_logger("odoo.sql_db"), records.env.cr.savepoint():
            adapter.before_unlink(records)
            records.with_context(**adapter.unlink_context).unlink()
        return len(records)
    except Exception as err:  # noqa: BLE001 - one by one below, each refusal kept
        _logger.info("Rollback of %s: one by one (%s)", records._name, err)
    deleted = 0
    for record in records:
        try:
            with mute_logger("odoo.sql_db"), records.env.cr.savepoint():
                adapter.before_unlink(record)
                record.with_context(**adapter.unlink_context).unlink()
            deleted += 1
        except Exception as err:  # noqa: BLE001 - kept and reported, never half-way
            kept.append(
                (
                    record._name,
                    record.id,
                    records.env._(
                        "Odoo refused to delete it: %(error)s",
                        error=str(err) or repr(err),
                    ),
                )
            )
    return deleted


def drop_custom_fields(env, project, field_ids, kept=None):
    """Remove the custom fields the project's own schema step created.

    A field goes only when the schema step of the project's field map wants it, the
    project's journal says its schema step created that very field (same model and
    name), it is a custom field, nothing fills it, and no view outside the project's
    own uses it. The uninstall flag is never used: Odoo's own checks apply.

    :param kept: optional list receiving ``(field, reason)`` of the fields kept
    :returns: how many fields were removed
    """
    kept = kept if kept is not None else []
    preset = project._preset()
    wanted = set(
        schema.wanted_fields(
            preset, {obj.key: project._field_specs(obj) for obj in preset.objects}
        )
    )
    env.cr.execute(
        """
        SELECT res_id, source_id FROM migration_log
         WHERE project_id = %s AND object_key = '_schema' AND operation = 'create'
           AND model = 'ir.model.fields'
        """,
        (project.id,),
    )
    journaled = dict(env.cr.fetchall())
    candidates = env["ir.model.fields"]
    for field in env["ir.model.fields"].sudo().browse(field_ids).exists():
        key = (field.model, field.name)
        if (
            field.state != "manual"
            or not field.name.startswith("x_")
            or key not in wanted
            or journaled.get(field.id) != f"{field.model}.{field.name}"
        ):
            kept.append((field, "not created by this project's custom field step"))
            continue
        model = env[field.model]
        env.cr.execute(
            f'SELECT 1 FROM "{model._table}" WHERE "{field.name}" IS NOT NULL LIMIT 1'
        )
        if env.cr.fetchone():
            kept.append((field, "someone filled it in since"))
            continue
        candidates |= field
    # the views naming any of them, in one search
    views = env["ir.ui.view"].sudo()
    if candidates:
        names = candidates.mapped("name")
        domain = ["|"] * (len(names) - 1) + [("arch_db", "like", n) for n in names]
        views = views.search(domain)
    removable = env["ir.model.fields"].sudo()
    for field in candidates:
        own_views = f"flitstack.migrated.data.{field.model}.{project.id}."
        outside = views.filtered(
            lambda view, f=field, prefix=own_views: (
                not view.name.startswith(prefix) and f.name in (view.arch_db or "")
            )
        )
        if outside:
            kept.append((field, f"used in the view {outside[0].name}"))
        else:
            removable |= field
    # one unlink (one registry set-up); one by one only if Odoo refuses it
    try:
        with env.cr.savepoint():
            removable.unlink()
        dropped = len(removable)
    except UserError:
        dropped = 0
        for field in removable:
            try:
                with env.cr.savepoint():
                    field.unlink()
            except UserError as err:
                kept.append((field, str(err)))
                continue
            dropped += 1
    for field, reason in kept:
        _logger.info("Custom field %s.%s kept: %s", field.model, field.name, reason)
    return dropped
