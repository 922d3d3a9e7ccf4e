# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Choose a representative sample of a source: a trial run lands it for real.

Pure logic over a reader (no ORM). One streaming pass over each object of the preset
keeps, in bounded memory:

- for every object, the records with the smallest hash of their id (a deterministic
  spread over the whole export, not its first lines);
- for every edge case ("trait") a record can show, a few such records: rows that give
  a derived object (a commercial customer with a contact person), several lines, long
  texts, values in custom columns, required values missing (records that will fail);
- for every status or stage column, one record of each value and how often it occurs;
- the parents each record needs for its links to resolve (a job's customer, a note's
  job and customer, an estimate's services...).

:func:`select_sample` then takes, in this order and until the size is reached: one
record of every object type, the edge cases, the most and least common status values,
then a spread proportional to each object's size; every record brings its parents
(which count towards the size; the first step is always taken whole).
"""

import hashlib
from collections import Counter, defaultdict

DEFAULT_SIZE = 100
MAX_SIZE = 500
#: records kept per edge case
PER_TRAIT = 2
#: a text this long is a "long text" edge case
LONG_TEXT = 400


def sample_size(size):
    """The size actually used: the default when empty, at most :data:`MAX_SIZE`."""
    return max(1, min(int(size or DEFAULT_SIZE), MAX_SIZE))


def _rank(object_key, source_id):
    digest = hashlib.sha1(f"{object_key}:{source_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _clean(value):
    return " ".join(str(value).split()) if value is not None else ""


def _first_value(spec, row):
    """The first non-empty value of ``spec``'s source columns in ``row``, or ""."""
    for name in spec.sources:
        value = _clean(row.get(name))
        if value:
            return value
    return ""


class _Best:
    """The ``k`` entries of smallest rank seen so far."""

    __slots__ = ("items", "k")

    def __init__(self, k):
        self.k = k
        self.items = []

    def add(self, rank, item):
        self.items.append((rank, item))
        if len(self.items) > 2 * self.k:
            self.trim()

    def trim(self):
        self.items.sort(key=lambda pair: pair[0])
        del self.items[self.k :]

    def sorted(self):
        self.trim()
        return [item for _rank, item in self.items]


class SampleSelector:
    """One pass over ``reader`` for ``preset``; :meth:`select` gives the sample."""

    def __init__(self, reader, preset, size=DEFAULT_SIZE):
        self.reader = reader
        self.preset = preset
        self.size = sample_size(size)
        self.order = [obj for obj in preset.load_order() if not obj.derived_from]
        self.children = defaultdict(list)  # base key -> derived objects
        for obj in preset.objects:
            if obj.derived_from:
                self.children[obj.derived_from].append(obj)
        # objects other objects point to: their ids (and their own parents) are kept
        self.referenced = set()
        for obj in preset.objects:
            self.referenced.update(key for _spec, key in self._ref_specs(obj))
            self.referenced.update(key for _col, key in obj.attach_to)
        # objects the reader makes out of other objects' columns (services of job types)
        self.made = {
            obj.key: {} for obj in self.order if not obj.files and obj.kind == "record"
        }
        self.referenced.update(self.made)
        self.counts = Counter()
        self.known = defaultdict(set)  # referenced object -> ids
        self.parents = {}  # (key, id) -> ((key, id), ...) for referenced objects
        self.members = defaultdict(set)  # derived key -> base ids it applies to
        self.spread = {obj.key: _Best(self.size) for obj in self.order}
        self.traits = defaultdict(dict)  # key -> trait -> _Best
        self.status = defaultdict(dict)  # key -> column -> {value: [count, best]}

    # ------------------------------------------------------------------
    @staticmethod
    def _ref_specs(obj):
        for spec in obj.fields:
            if spec.transform == "ref" and spec.ref:
                yield spec, spec.ref
        if obj.lines:
            for spec in obj.lines[1]:
                if spec.transform == "ref" and spec.ref:
                    yield spec, spec.ref

    def _refs(self, obj, data):
        """``((object key, source id), ...)`` the record links to."""
        refs = []
        for spec in obj.fields:
            if spec.transform == "ref" and spec.ref:
                value = _first_value(spec, data)
                if value:
                    refs.append((spec.ref, value))
        if obj.lines:
            for line in data.get("_lines", ()) or ():
                for spec in obj.lines[1]:
                    if spec.transform == "ref" and spec.ref:
                        value = _first_value(spec, line)
                        if value:
                            refs.append((spec.ref, value))
        for column, key in obj.attach_to:
            value = _clean(data.get(column))
            if value:
                refs.append((key, value))
        for key, columns in self.made.items():
            if key == obj.key:
                continue
            for column in columns:
                value = _clean(data.get(column))
                if value and value in self.known[key]:
                    refs.append((key, value))
        return tuple(dict.fromkeys(refs))

    def _traits(self, obj, data):
        known = {col.name for col in obj.columns}
        custom_columns = {
            name
            for spec in obj.fields
            if spec.target.startswith("x_")
            for name in spec.sources
        }
        traits = []
        for child in self.children.get(obj.key, ()):
            if child.when is not None and child.when(data):
                traits.append(f"gives:{child.key}")
        if len(data.get("_lines", ()) or ()) > 1:
            traits.append("several_lines")
        custom = long_text = False
        for name, value in data.items():
            if not isinstance(value, str) or not value.strip():
                continue
            if len(value) >= LONG_TEXT:
                long_text = True
            if name in custom_columns or (
                obj.custom_fields
                and known
                and name not in known
                and not name.startswith("_")
            ):
                custom = True
        if long_text:
            traits.append("long_text")
        if custom:
            traits.append("custom_values")
        for spec in obj.fields:
            if (
                spec.required
                and spec.transform not in ("ref", "constant")
                and spec.sources
                and not any(_clean(data.get(name)) for name in spec.sources)
            ):
                traits.append("incomplete")
                break
        return traits

    def _status_columns(self, obj):
        return [
            spec.sources[0]
            for spec in obj.fields
            if spec.transform in ("stage", "value_map") and spec.sources
        ]

    # ------------------------------------------------------------------
    def scan(self):
        for obj in self.order:
            status_columns = self._status_columns(obj)
            for record in self.reader.iter_records(obj.key):
                source_id = _clean(record.source_id)
                if not source_id:
                    continue
                data = record.data
                self.counts[obj.key] += 1
                refs = self._refs(obj, data)
                rank = _rank(obj.key, source_id)
                item = (source_id, refs)
                if obj.key in self.referenced:
                    self.known[obj.key].add(source_id)
                    if refs:
                        self.parents[(obj.key, source_id)] = refs
                if obj.key in self.made:
                    for column in data:
                        self.made[obj.key].setdefault(column, True)
                for child in self.children.get(obj.key, ()):
                    if child.when is None or child.when(data):
                        self.members[child.key].add(source_id)
                self.spread[obj.key].add(rank, item)
                for trait in self._traits(obj, data):
                    self.traits[obj.key].setdefault(trait, _Best(PER_TRAIT)).add(
                        rank, item
                    )
                for column in status_columns:
                    value = _clean(data.get(column)).lower()
                    if not value:
                        continue
                    entry = (
                        self.status[obj.key]
                        .setdefault(column, {})
                        .setdefault(value, [0, _Best(1)])
                    )
                    entry[0] += 1
                    entry[1].add(rank, item)
        return self

    # ------------------------------------------------------------------
    def select(self):  # noqa: C901 - four ordered steps sharing the add() closure
        chosen = defaultdict(set)
        total = [0]

        def add(key, source_id, refs=None):
            if source_id in chosen[key]:
                return
            if key in self.referenced and source_id not in self.known[key]:
                return  # a link to a record the export does not have: nothing to bring
            chosen[key].add(source_id)
            total[0] += 1
            if refs is None:
                refs = self.parents.get((key, source_id), ())
            for parent_key, parent_id in refs:
                add(parent_key, parent_id)

        def full():
            return total[0] >= self.size

        # 1. every object type, derived ones included
        for obj in self.order:
            picks = self.spread[obj.key].sorted()
            if picks and not chosen[obj.key]:
                add(obj.key, *picks[0])
            for child in self.children.get(obj.key, ()):
                if child.when is None:
                    continue
                best = self.traits[obj.key].get(f"gives:{child.key}")
                if best and not (chosen[obj.key] & self.members[child.key]):
                    add(obj.key, *best.sorted()[0])
        # 2. edge cases, round robin over objects and traits
        for depth in range(PER_TRAIT):
            for obj in self.order:
                for _trait, best in sorted(self.traits[obj.key].items()):
                    picks = best.sorted()
                    if depth < len(picks) and not full():
                        add(obj.key, *picks[depth])
        # 3. the most and least common values of each status column, then the others
        ranked = []
        for obj in self.order:
            for _column, values in sorted(self.status[obj.key].items()):
                by_count = sorted(values.items(), key=lambda kv: (-kv[1][0], kv[0]))
                ends = [by_count[0], by_count[-1]]
                ranked.append([(obj.key, entry[1]) for _v, entry in ends])
                ranked.append([(obj.key, entry[1]) for _v, entry in by_count[1:-1]])
        for group in ranked[0::2] + ranked[1::2]:
            for key, best in group:
                if not full():
                    add(key, *best.sorted()[0])
        # 4. a spread over each object, in proportion to its size
        grand = sum(self.counts.values()) or 1
        spreads = {obj.key: self.spread[obj.key].sorted() for obj in self.order}
        for obj in self.order:
            quota = max(1, round(self.size * self.counts[obj.key] / grand))
            for item in spreads[obj.key]:
                if full() or len(chosen[obj.key]) >= quota:
                    break
                add(obj.key, *item)
        position = 0
        while not full():
            progressed = False
            for obj in self.order:
                if position < len(spreads[obj.key]) and not full():
                    add(obj.key, *spreads[obj.key][position])
                    progressed = True
            if not progressed:
                break
            position += 1
        # derived objects follow their base records
        result = {obj.key: set(chosen.get(obj.key, ())) for obj in self.order}
        for base, children in self.children.items():
            for child in children:
                result[child.key] = result.get(base, set()) & self.members[child.key]
        return result


def select_sample(reader, preset, size=DEFAULT_SIZE):
    """``{object key: set of source ids}``: a representative sample of the source.

    Keys of derived objects (contacts of customers, tasks of jobs) hold the ids of the
    base records that give them; the engine reads them from their base object.
    """
    return SampleSelector(reader, preset, size).scan().select()
