# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A run's load cut into jobs for the job queue (OCA ``queue_job``): the plan.

Where the job queue runs, a full run or a delta lands its records in jobs that N
Odoo workers, on one server or several sharing the database, take in parallel
(``models/migration_run_batch.py`` makes them). This module only plans, without
Odoo:

- **ranges**: each job lands a range of an object's records (positions in the
  reader's stream of that object), in batches of the project's batch size. A job
  reads the export from its start to its range (a file has no index), so a job
  takes several batches (:data:`RECORDS_PER_JOB`): fewer, longer jobs read less;
- **one job after another** where landing in parallel would be wrong or only wait:
  an API source (its pages are read in order, and its delta lists what the source
  deleted from the whole walk: one job), an object whose records have parents of
  the same object (parents first), an object written onto records it matches by
  name (two jobs would both create the same new tag), an object whose adapter says
  why (posting numbers a journal's entries in order: a second job would wait for
  the first's lock, then fail and start over);
- **what waits for what**: an object's jobs start when the jobs of every object it
  depends on are done (partners before their contacts and leads, documents after
  their customers), through objects the run leaves out.
"""

from dataclasses import dataclass

#: Records one job lands, in batches of the project's batch size: enough that
#: reading the export up to its range stays a small part of a job, few enough
#: that a job of slow records (posted invoices, about 60 a second on a 2-core
#: machine) ends well within a worker's time limit (``limit_time_real``)
RECORDS_PER_JOB = 2000


@dataclass(frozen=True)
class Chunk:
    """The records one job lands: positions ``start + 1`` to ``end`` of the
    object's stream (``end`` None: to its last record)."""

    object_key: str
    start: int
    end: int = None


def serial_reason(obj, adapter, resumable):
    """Why an object's jobs must run one after another, or None."""
    if resumable:
        return "an API source is read page after page, in one job"
    if obj.parent_column:
        return "parents land before their children"
    if obj.match:
        return "records are matched by name: two jobs would create the same one"
    return adapter.serial or None


def chunks(obj, count, size, resumable):
    """The ranges of an object of ``count`` source records (as counted by
    discovery), ``size`` records a job; the last one is open-ended (a derived
    object reads fewer rows than its source has, a reader may yield more)."""
    if resumable or count <= size:
        return [Chunk(obj.key, 0, None)]
    starts = list(range(0, count, size))
    return [
        Chunk(obj.key, start, starts[index + 1] if index + 1 < len(starts) else None)
        for index, start in enumerate(starts)
    ]


def waits_for(preset, keys):
    """``{object key: set of object keys}``: the objects of the run (``keys``)
    each object's jobs wait for, through objects of the preset the run leaves out
    (an object that depends on a left-out one waits for what that one depends on).
    """
    by_key = {obj.key: obj for obj in preset.objects}

    def needs(key, seen):
        obj = by_key.get(key)
        if obj is None:
            return set()
        found = set()
        for dep in (*obj.depends, obj.derived_from):
            if not dep or dep in seen:
                continue
            seen.add(dep)
            found |= {dep} if dep in keys else needs(dep, seen)
        return found

    return {key: needs(key, {key}) for key in keys}
