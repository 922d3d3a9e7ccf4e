# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A run's first stage: count the source's records per object, in slices.

The run's reconciliation lines (``migration.run.object``) keep the counts as they
grow: each object is read from where the last slice stopped (``discover_offset``,
records of the object already counted) and its line is written every
:data:`CHECK_EVERY` records once the slice's time is spent, in the slice's own
transaction. A slice that dies takes its counts with it, so the next one counts
the same records again, never twice.

Reading the files through the reader is also what checks them: a broken file
stops the run here, before anything is written.
"""

import time

#: Records counted between two looks at the clock.
CHECK_EVERY = 500


def count_objects(run, reader, deadline=None):
    """Count the records of every object of ``run``'s source, from where the last
    call stopped.

    :param deadline: a ``time.monotonic()`` instant after which the count stops
        (between two objects, or every :data:`CHECK_EVERY` records); None counts
        everything
    :returns: True when every object is counted (the run's ``records_total`` set)
    """
    preset = reader.preset
    if not run.object_ids:
        run._init_objects()
        for table in getattr(reader, "auxiliary", {}).values():
            table.scan()  # staff lists and the like: checked before anything lands
    lines = {line.object_key: line for line in run.object_ids}
    children = {}
    for obj in preset.objects:
        if obj.derived_from:
            children.setdefault(obj.derived_from, []).append(obj)
    worked = False
    for obj in preset.load_order():
        line = lines.get(obj.key)
        if obj.derived_from or line is None or line.discover_done:
            continue
        if worked and deadline and time.monotonic() > deadline:
            return False
        worked = True
        derived = [(child, lines[child.key]) for child in children.get(obj.key, ())]
        if not _count_object(reader, obj, line, derived, deadline):
            return False
    run._discovered()
    return True


def _count_object(reader, obj, line, derived, deadline):
    """Count one object (and the objects derived from its rows) from its line's
    offset; False when out of time (the counts so far saved on the lines)."""
    offset = line.discover_offset
    counts = {child.key: child_line.source_count for child, child_line in derived}
    position = 0

    def save(done=False):
        line.discover_offset = position
        for child, child_line in derived:
            child_line.write(
                {
                    "source_count": counts[child.key],
                    "discover_offset": counts[child.key],
                    "discover_done": done,
                }
            )

    for record in reader.iter_records(obj.key):
        position += 1
        if position <= offset:
            continue  # counted by an earlier slice
        for child, _child_line in derived:
            if child.when is None or child.when(record.data):
                counts[child.key] += 1
        if deadline and not position % CHECK_EVERY and time.monotonic() > deadline:
            save()
            return False
    save(done=True)
    duplicates = reader.duplicates(obj.key) if hasattr(reader, "duplicates") else ()
    # every row of the files: records plus the rows that repeat one
    line.write({"source_count": position + len(duplicates), "discover_done": True})
    return True
