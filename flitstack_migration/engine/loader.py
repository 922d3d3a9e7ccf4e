# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
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

The parts, each readable alone: :mod:`.transform` (a source record to values),
:mod:`.resolve` (references, lookups, owners, pipelines), :mod:`.write` (batches,
savepoints, bisection, adapters), :mod:`.journal` (log rows, rollback). This module
only orders them: objects, batches, hashes, and where a background slice stops.
"""

import hashlib
import itertools
import json
import time
from collections import defaultdict

from ..exceptions import MigrationError
from . import counting, schema
from .journal import MIGRATION_CONTEXT, Journal
from .resolve import Resolver, xid_name
from .transform import RecordInvalid, Transformer
from .write import Writer

__all__ = [
    "MIGRATION_CONTEXT",
    "MigrationEngine",
    "RecordInvalid",
    "content_hash",
    "xid_name",
]

#: Records of a batch of attachments (their files are in memory while it lands)
ATTACHMENT_BATCH = 50
#: Records of the first batch of an object in a cron slice, while how long one
#: takes is not known yet (see MigrationEngine._batch_limit)
FIRST_BATCH = 10
#: The share of the time left before the cron worker is killed that one batch
#: may take, by the pace measured so far
KILL_MARGIN = 0.5


def content_hash(data):
    payload = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha1(payload.encode()).hexdigest()


class ObjectCounter:
    """Counters of one object in one run."""

    __slots__ = (
        "created",
        "duplicate",
        "failed",
        "gone",
        "skipped",
        "source",
        "updated",
    )

    def __init__(self):
        self.source = self.created = self.updated = self.skipped = self.failed = 0
        self.gone = self.duplicate = 0


class MigrationEngine:
    """Runs one ``migration.run``: discovery, schema, load, journal.

    :param run: the ``migration.run`` record
    :param reader: an open reader of the run's source
    :param progress: optional callable ``(done, total, object label)`` called
        after each batch
    :param only: ``{object key: set of source ids}`` to load only those records (a
        sample); derived objects follow the object they derive from
    :param dry: transform only: create nothing on the side (tags, stages...), for
        computing the values a record should have (the sample's diff)
    :param kill_at: in a cron slice on a multi-worker server, when
        (``time.monotonic()``) Odoo kills the worker: batches are sized to end well
        before (:meth:`_batch_limit`)
    """

    def __init__(self, run, reader, progress=None, only=None, dry=False, kill_at=None):
        self.run = run
        self.kill_at = kill_at
        self.project = run.project_id
        self.env = run.env(context=dict(run.env.context, **MIGRATION_CONTEXT))
        self.reader = reader
        self.preset = reader.preset
        self.progress = progress
        self.only = only
        self.dry = dry
        self.batch_size = max(1, self.project.batch_size or 500)
        self.counters = defaultdict(ObjectCounter)
        self.specs = {
            obj.key: self.project._field_specs(obj) for obj in self.preset.objects
        }
        # a record is unchanged only if its row and its object's map both are
        self._map_digests = {
            key: content_hash(repr(value)) for key, value in self.specs.items()
        }
        self._done = 0
        self._total = 0
        self._build_parts()

    def _build_parts(self):
        """The journal, resolver, transformer and writer on the current env."""
        self.journal = Journal(self.run)
        self.resolver = Resolver(
            self.env, self.project, self.preset, self.journal, dry=self.dry
        )
        self.resolver.specs = self.specs
        self.transformer = Transformer(
            self.env, self.project, self.preset, self.resolver, self.reader
        )
        self.writer = Writer(self.env, self.journal, self.resolver, self._landed)

    @property
    def unmatched_owners(self):
        return self.resolver.unmatched_owners

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------
    def discover(self, deadline=None):
        """First stage of a run: count the source records, one line per object.

        A streaming pass over the source that stops once ``deadline`` (a
        ``time.monotonic()`` instant) is passed and goes on where it stopped at the
        next call (:mod:`.counting`); nothing is written in Odoo but the run's own
        lines.

        :returns: True when every object is counted
        """
        self.env.flush_all()
        if not counting.count_objects(self.run, self.reader, deadline):
            return False
        self.check_setup(
            {line.object_key: line.source_count for line in self.run.object_ids}
        )
        return True

    def check_setup(self, counts):
        """Stop before anything moves when Odoo lacks what an object with records
        needs (its adapter says what: a journal, a payment method...).

        :param counts: ``{object key: records in the source}``
        """
        missing = []
        for obj in self.preset.objects:
            if not counts.get(obj.key):
                continue
            for sentence in self.resolver.adapter(obj.model).missing_setup(
                self.env, self.project.company_id
            ):
                if sentence not in missing:
                    missing.append(sentence)
        if missing:
            raise MigrationError(" ".join(missing))

    def ensure_schema(self):
        """Second stage: the custom ``x_`` fields the map needs, in one call."""
        self._ensure_custom_fields()
        self.journal.flush()

    def execute(self, budget=None, deadline=None):
        """Run the run, or go on with it where the last slice stopped.

        :param budget: seconds this call may take before it stops between two
            batches (the cron calls again); ``None`` runs to the end
        :param deadline: the same, as a ``time.monotonic()`` instant
        :returns: True when every object is loaded
        """
        if deadline is None and budget:
            deadline = time.monotonic() + budget
        run = self.run
        self.env.flush_all()  # the journal queries below read run states in SQL
        if not all(run.object_ids.mapped("discover_done")) or not run.object_ids:
            self.discover()
            self.ensure_schema()
        self._total = run.records_total
        self._done = run.records_done
        self.unmatched_owners.update(run._get_unmatched_owners())
        finished, worked = True, False
        for line in run.object_ids.sorted("sequence"):
            if line.state == "done":
                continue
            if worked and deadline and time.monotonic() > deadline:
                finished = False  # the next object starts in the next slice
                break
            worked = True
            obj = self.preset.get(line.object_key)
            counter = self.counters[obj.key]
            for name in ObjectCounter.__slots__:
                setattr(counter, name, line[f"{name}_count"])
            started = time.monotonic()
            finished = self._load_object(obj, line, deadline)
            self.journal.flush()
            if finished and self.only is None:
                self.close_object(obj)
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

    def close_object(self, obj):
        """Once every record of an object is loaded: journal the rows the reader
        set aside and what the source no longer has."""
        self._log_repeated(obj)
        if self.reader.partial:
            self._log_deleted(obj)
        else:
            self._log_gone(obj)
        self.journal.flush()
        self.resolver.forget()

    # ------------------------------------------------------------------
    # Scale-out on the job queue (see :mod:`.parallel`)
    # ------------------------------------------------------------------
    def prepare_shared(self):
        """Before a run's records land in parallel jobs: create what they share
        (sales teams and stages, tags, records the map creates when a lookup finds
        none), reading every record once; the jobs then only find them, and no two
        jobs create the same one."""
        self.env.flush_all()
        for obj in self.preset.load_order():
            specs = self.specs[obj.key]
            if not self.transformer.creates_shared(obj, specs):
                continue
            for record in self.records(obj):
                self.transformer.shared(obj, specs, record)
            self.journal.flush()

    def load_range(self, obj, start, end=None):
        """Land the records of an object at positions ``start + 1`` to ``end`` of
        its stream (``end`` None: to its last record), in batches: one job of a run
        spread over the job queue. A record an earlier attempt landed is found by
        its external id and hash, and skipped.

        :returns: the object's :class:`ObjectCounter` for this range
        """
        self.env.flush_all()
        records = itertools.islice(enumerate(self.records(obj), 1), start, end)
        size = self._batch_size(obj)
        for batch, _last in self._batches(obj, records, lambda: size):
            self._load_batch(obj, batch)
        self.journal.flush()
        return self.counters[obj.key]

    def records(self, obj, after=None):
        """The source records of an object (a sample's only, when ``only`` is set);
        with ``after``, a resume token of a :attr:`~..readers.base.BaseReader.
        resumable` reader, from the record after it."""
        source = obj.derived_from or obj.key
        allowed = self.only.get(source, set()) if self.only is not None else None
        if allowed is not None and not allowed:
            # nothing of this object in the sample or the delta's changes: its
            # file is not read again
            return
        if after is not None:
            records = self.reader.iter_records(source, after=after)
        else:
            records = self.reader.iter_records(source)
        for record in records:
            if allowed is not None and record.source_id not in allowed:
                continue
            if obj.when is not None and not obj.when(record.data):
                continue
            if obj.derived_from:
                record.object = obj.key
            yield record

    def res_id_of(self, object_key, source_id):
        return self.resolver.res_id_of(object_key, source_id)

    # ------------------------------------------------------------------
    # Schema: custom fields
    # ------------------------------------------------------------------
    def _ensure_custom_fields(self):
        """Create every missing ``x_`` field in one call (one registry reload)."""

        def log(model, res_id, source_id, message):
            self.journal.log(
                "_schema", source_id, model, res_id, "create", None, message=message
            )

        created = schema.ensure_custom_fields(
            self.env, self.project, self.preset, self.specs, log
        )
        if created:
            self.journal.flush()
            self.env = self.env(context=self.env.context)  # the new registry
            self._build_parts()

    # ------------------------------------------------------------------
    # Hashes
    # ------------------------------------------------------------------
    def hashes(self, object_key, source_ids):
        """``{source id: hash}`` of these source ids of an object, as the last
        run that landed or changed each record saw it (this run's own rows
        included; a record found unchanged kept that hash): one query per batch,
        nothing kept after it."""
        self.journal.flush()
        self.env.cr.execute(
            """
            SELECT DISTINCT ON (l.source_id) l.source_id, l.source_hash
              FROM migration_log l JOIN migration_run r ON r.id = l.run_id
             WHERE l.project_id = %s AND l.object_key = %s
               AND l.source_id = ANY(%s)
               AND l.operation IN ('create', 'update', 'skip')
               AND r.state NOT IN ('rolled_back')
             ORDER BY l.source_id, l.id DESC
            """,
            (self.project.id, object_key, list(source_ids)),
        )
        return dict(self.env.cr.fetchall())

    def _landed(self, object_key, source_id, res_id, digest):
        """Remember a landed record's id (its hash is in the journal); returns its
        external id name."""
        name = xid_name(object_key, source_id)
        self.resolver.remember(object_key, name, res_id)
        return name

    # ------------------------------------------------------------------
    # Loading
    # ------------------------------------------------------------------
    def _load_object(self, obj, line, deadline=None):
        """Load one object from where its line stopped; False when out of time."""
        size = self._batch_size(obj)
        # seconds a record of this object took so far (None: not known yet)
        pace = line.duration / line.offset if line.offset and line.duration else None
        # an API reader goes on from the page of the last record processed; a file
        # is read again from its start, skipping what was processed
        resume = None
        # (a token is a dict; a record without one stores none, read back False)
        if self.reader.resumable and line.offset and line.resume_token:
            resume = line.resume_token
        records = enumerate(
            self.records(obj, after=resume),
            line.offset + 1 if resume is not None else 1,
        )
        if resume is None:  # a file: what the earlier slices processed is skipped
            records = itertools.islice(records, line.offset, None)

        def limit():  # asked as each batch begins: the pace of those landed so far
            return self._batch_limit(size, pace)

        landed = False
        for batch, last in self._batches(obj, records, limit):
            # out of time once a batch landed: the next slice goes on from here (a
            # batch read and not landed is read again then)
            if landed and deadline and time.monotonic() > deadline:
                return False
            pace = self._land(obj, line, batch, last)
            landed = True
        return True

    def _batch_size(self, obj):
        return ATTACHMENT_BATCH if obj.kind == "attachment" else self.batch_size

    @staticmethod
    def _batches(obj, records, limit):
        """Cut ``records``, ``(position, record)`` pairs, into batches of at most
        ``limit()`` records (asked as each batch begins: the pace may have changed);
        for an object whose records have parents, a batch also ends where the
        level changes, so that parents land before the batch of their children
        refers to them. Yields ``(batch, position of its last record)``."""
        batch, depth, size, last = [], None, limit(), 0
        for position, record in records:
            if obj.parent_column and batch and record.data.get("_depth") != depth:
                yield batch, last
                batch, size = [], limit()
            depth = record.data.get("_depth")
            batch.append(record)
            last = position
            if len(batch) >= size:
                yield batch, last
                batch, size = [], limit()
        if batch:
            yield batch, last

    def _land(self, obj, line, batch, position):
        """Load a batch and remember where the object stands; returns the seconds
        a record of it took."""
        started = time.monotonic()
        self._load_batch(obj, batch)
        self._processed(line, position, batch[-1])
        return (time.monotonic() - started) / len(batch)

    def _batch_limit(self, size, pace):
        """How many records the next batch takes: ``size``, or fewer when the pace
        so far (seconds a record) says that many would not end well before Odoo
        kills the cron worker (:attr:`kill_at`). A batch is never cut once begun:
        a batch of slow records (invoices, on a busy server) that outlasts the
        worker's time limit would be killed, and retried the same, forever. An
        object whose pace is not known yet starts with :data:`FIRST_BATCH`."""
        if not self.kill_at:
            return size
        if pace is None:
            return min(size, FIRST_BATCH)
        left = (self.kill_at - time.monotonic()) * KILL_MARGIN
        return max(1, min(size, int(left / max(pace, 1e-6))))

    @staticmethod
    def _processed(line, position, last):
        """Remember on the object's line where the next slice goes on."""
        line.offset = position
        line.resume_token = last.resume

    def _load_batch(self, obj, batch):
        specs = self.specs[obj.key]
        counter = self.counters[obj.key]
        # the last row of a source id wins inside a batch
        unique = {}
        for record in batch:
            if not record.source_id:
                self.writer.fail(
                    obj,
                    counter,
                    record,
                    f"Line {record.line} of {record.file} has no id.",
                )
                continue
            unique[record.source_id] = record
        # what the batch's records became and their hashes, a query each for the
        # whole batch; then what the changed ones refer to (in a delta, most of a
        # batch is unchanged: nothing of theirs is looked up)
        self.resolver.prefetch(obj.key, unique)
        hashes = self.hashes(obj.key, unique) if unique else {}
        changed, unchanged = [], []
        for source_id, record in unique.items():
            digest = content_hash([record.data, self._map_digests[obj.key]])
            res_id = self.resolver.res_id_of(obj.key, source_id)
            if res_id and hashes.get(source_id) == digest:
                unchanged.append(source_id)
                continue
            changed.append((record, digest, res_id))
        # one journal row for the batch's unchanged records, not one each
        counter.skipped += len(unchanged)
        self.journal.log_unchanged(obj.key, obj.model, unchanged)
        self.transformer.prefetch(obj, specs, [item[0] for item in changed])
        creates, updates = [], []
        for record, digest, res_id in changed:
            try:
                vals, warnings = self.transformer.transform(obj, specs, record)
            except RecordInvalid as err:
                self.writer.fail(obj, counter, record, str(err))
                continue
            item = (record, vals, warnings, digest)
            if not res_id and obj.match:
                res_id = self._match(obj, vals)
            if res_id:
                updates.append((item, res_id))
            else:
                creates.append(item)
        if creates:
            self.writer.create_batch(obj, counter, creates)
        if updates:
            self.writer.update_batch(obj, counter, updates)
        # what the batch left in the ORM cache, and the ids it fetched, are not
        # needed again: memory stays flat
        self.env.invalidate_all()
        self.resolver.forget()
        self._done += len(batch)
        if self.progress:
            self.progress(self._done, self._total, obj.label)

    def _match(self, obj, vals):
        """The Odoo record already holding a new record's ``obj.match`` value
        (a tag of the same name), which the record is written onto instead of
        creating another one; the rollback leaves it, restoring what it changed."""
        value = vals.get(obj.match)
        if not value or not isinstance(value, str):
            return None
        model = self.env[obj.model]
        domain = self.resolver.adapter(obj.model).lookup_domain(
            model, obj.match, " ".join(value.split()), self.project, self.preset
        )
        return model.search(domain, limit=1).id or None

    def _log_repeated(self, obj):
        """Journal the rows the reader set aside: repeated ids (counted, so that the
        object's rows balance) and rows disagreeing with their master (warnings)."""
        if obj.derived_from:
            return
        counter = self.counters[obj.key]
        for row in self.reader.duplicates(obj.key):
            counter.duplicate += 1
            self.journal.log(
                obj.key,
                row.source_id,
                obj.model,
                None,
                "duplicate",
                None,
                message=f"Line {row.line} of {row.file} repeats {row.source_id}; "
                f"line {row.kept_line} of {row.kept_file} is read",
                line=row.line,
                file=row.file,
            )
        disagreements = list(self.reader.disagreements(obj.key))
        self.resolver.prefetch(obj.key, [row.source_id for row in disagreements])
        for row in disagreements:
            differs = ", ".join(
                f'{column}: "{kept}" kept, not "{other}"'
                for column, (kept, other) in sorted((row.differs or {}).items())
            )
            self.journal.log(
                obj.key,
                row.source_id,
                obj.model,
                self.res_id_of(obj.key, row.source_id),
                "disagree",
                None,
                message=f"Line {row.line} of {row.file} disagrees with line "
                f"{row.kept_line} of {row.kept_file}, which is read: {differs}",
                line=row.line,
                file=row.file,
            )

    def _log_deleted(self, obj):
        """List (never delete) what a partial reader says the source deleted since
        the last run, among what earlier runs brought over."""
        if obj.derived_from:
            return
        counter = self.counters[obj.key]
        deleted = list(self.reader.deleted(obj.key))
        present = self.reader.present(obj.key)
        if present is not None:
            # the reader walked the whole list: what landed before and is not
            # listed any more is gone too
            known = set(deleted) | set(present)
            deleted += sorted(self._landed_ids(obj.key) - known)
        self.resolver.prefetch(obj.key, deleted)
        for source_id in deleted:
            res_id = self.res_id_of(obj.key, source_id)
            if not res_id:
                continue  # created and deleted between two runs: never landed
            counter.gone += 1
            self.journal.log(
                obj.key,
                source_id,
                obj.model,
                res_id,
                "gone",
                None,
                message="Deleted in the old system since the last run: kept in Odoo",
            )

    def _landed_ids(self, object_key):
        """Source ids of an object that earlier runs (not rolled back) landed."""
        self.env.cr.execute(
            """
            SELECT DISTINCT l.source_id FROM migration_log l
              JOIN migration_run r ON r.id = l.run_id
             WHERE l.project_id = %s AND l.object_key = %s AND l.run_id != %s
               AND r.state != 'rolled_back'
               AND l.operation IN ('create', 'update', 'skip')
            """,
            (self.project.id, object_key, self.run.id),
        )
        return {source_id for (source_id,) in self.env.cr.fetchall() if source_id}

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
                EXCEPT
                SELECT json_array_elements_text(m.unchanged_ids::json)
                  FROM migration_log m
                 WHERE m.run_id = %(run)s AND m.object_key = %(object)s
                   AND m.unchanged_ids IS NOT NULL
            ) AS gone
             ORDER BY source_id
            """,
            {"project": self.project.id, "object": obj.key, "run": self.run.id},
        )
        counter = self.counters[obj.key]
        gone = [source_id for (source_id,) in self.env.cr.fetchall()]
        self.resolver.prefetch(obj.key, gone)
        for source_id in gone:
            counter.gone += 1
            self.journal.log(
                obj.key,
                source_id,
                obj.model,
                self.res_id_of(obj.key, source_id),
                "gone",
                None,
                message="No longer in the old system: kept in Odoo",
            )
