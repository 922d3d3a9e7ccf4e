"""Readers: stream a platform's records out of its export files or API.

A reader knows how a platform exports its data; it knows nothing of Odoo. It yields
:class:`SourceRecord` objects keyed by the preset's canonical column names, one object
at a time, without holding a whole export in memory.
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import ClassVar

from ..exceptions import SourceStructureError
from ..parsers import ColumnStats
from .tabular import normalize_header, open_source

_READERS = {}


def get_reader_class(platform):
    """The reader registered for a platform."""
    return _READERS[platform]


def open_reader(platform, source, options=None):
    """An open reader of ``source`` for a registered platform, with its preset."""
    from ..presets.base import get_preset

    return get_reader_class(platform)(get_preset(platform), source, options)


@dataclass(slots=True)
class SourceRecord:
    """One record of the source, as read.

    :param object: preset object key
    :param source_id: the stable id the source gives it (``None`` if missing)
    :param data: canonical column → raw text (unknown columns under their header)
    :param line: line of the file it starts on, for messages
    :param file: the file it comes from
    """

    object: str
    source_id: str
    data: dict
    line: int = 0
    file: str = ""


#: Levels of a self-referencing hierarchy beyond which discovery reports records.
MAX_DEPTH = 3
#: Ids listed per problem in a hierarchy report (the counts are complete).
REPORT_IDS = 20


@dataclass
class ObjectStats:
    """What discovery found for one object.

    :param columns: the preset's columns found in the export
    :param missing: the preset's columns not found (maybe renamed: see ``unknown``)
    :param unknown: header → :class:`ColumnStats` of the columns the preset does not
        know
    :param values: column → :class:`ColumnStats` of the columns whose values are
        translated (statuses, dropdowns), for their distinct values and counts
    :param hierarchy: for an object with a parent column, the report of
        :func:`check_hierarchy`
    """

    key: str
    count: int = 0
    files: list = field(default_factory=list)
    columns: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    unknown: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    hierarchy: dict = field(default_factory=dict)
    filled: Counter = field(default_factory=Counter)


def hierarchy_depths(parents):
    """Depth (1 = no parent) of each id, and the ids caught in a cycle.

    :param parents: ``{id: parent id or None}``
    :returns: ``(depths, cycles)``: ``{id: depth}`` for ids that reach a root (a
        parent missing from the source counts as none), and a list of cycles, each a
        list of ids
    """
    depths, cycles, in_cycle = {}, [], set()
    for start in parents:
        path, seen, node = [], {}, start
        while node is not None and node not in depths and node not in in_cycle:
            if node in seen:  # a cycle: from the first visit of node onwards
                cycle = path[seen[node] :]
                cycles.append(cycle)
                in_cycle.update(cycle)
                break
            seen[node] = len(path)
            path.append(node)
            parent = parents.get(node)
            node = parent if parent in parents else None
        base = depths.get(node, 0) if node is not None and node not in in_cycle else 0
        if node is not None and node in in_cycle:
            in_cycle.update(path)  # hangs below a cycle: no depth either
            continue
        for offset, item in enumerate(reversed(path), start=1):
            if item not in in_cycle:
                depths[item] = base + offset
    return depths, cycles


def check_hierarchy(parents, max_depth=MAX_DEPTH):
    """Report of a self-referencing hierarchy: depth, too deep, cycles, lost parents."""
    depths, cycles = hierarchy_depths(parents)
    too_deep = sorted((i for i, d in depths.items() if d > max_depth), key=str)
    orphans = sorted(
        (i for i, p in parents.items() if p is not None and p not in parents), key=str
    )
    return {
        "max_depth": max(depths.values(), default=0),
        "limit": max_depth,
        "too_deep_count": len(too_deep),
        "too_deep": too_deep[:REPORT_IDS],
        "cycle_count": len(cycles),
        "cycles": [sorted(c, key=str) for c in cycles[:REPORT_IDS]],
        "orphan_count": len(orphans),
        "orphans": orphans[:REPORT_IDS],
    }


@dataclass
class Discovery:
    """The result of a full streaming pass over the source."""

    objects: dict = field(default_factory=dict)
    owners: Counter = field(default_factory=Counter)
    ignored_files: list = field(default_factory=list)

    def count(self, key):
        stats = self.objects.get(key)
        return stats.count if stats else 0


class BaseReader:
    """Reads a platform's source. Subclasses declare ``platform``.

    The one contract of every reader, file or API: ``Reader(preset, source,
    options)`` where ``source`` is what the platform is read from (export files as
    ``[(file name, bytes or path)]``, or an API connection's settings) and
    ``options`` a dict of what the admin decided about reading it:

    - ``renames``: ``{object key: {header found: preset column}}``, columns the
      confirmed map reads under a preset column's name;
    - ``files``: ``{file name: object key}``, files the admin assigned to an object
      (or to ``""``: left aside) instead of the reader's guess;
    - ``limits``: a :class:`~.tabular.ReadLimits` of what an upload may cost.

    A reader is a context manager; hooks to override: :meth:`discover`,
    :meth:`iter_records`, :meth:`open_file`.
    """

    platform = None
    #: canonical columns whose values name an owner (for the owners list)
    owner_columns = ()

    def __init_subclass__(cls, **kwargs):
        if cls.platform:
            _READERS[cls.platform] = cls
        return super().__init_subclass__(**kwargs)

    def __init__(self, preset, source, options=None):
        self.preset = preset
        self.source = source
        self.options = dict(options or {})

    def close(self):
        """Release files or connections."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def discover(self):
        raise NotImplementedError

    def iter_records(self, object_key):
        raise NotImplementedError

    #: what the admin should check by hand in the old system, for the automation
    #: inventory: ``[{"name", "kind", "trigger", "steps", "timing"}]`` like
    #: :meth:`automation_inventory`'s items
    automation_checklist = ()

    def open_file(self, path):
        """Binary stream of a file the source refers to (attachments), or None."""
        return

    def automation_inventory(self):
        """The workflows, automations, sequences and templates the source exposes:
        ``[{"name", "kind", "trigger", "steps", "timing"}]`` (not migrated: listed
        for the admin to rebuild in Odoo)."""
        return []


class FileReader(BaseReader):
    """A reader of export files (CSV, XLSX, or a ZIP of them).

    Each table is matched to a preset object by its file name, or failing that by its
    headers; each header to a canonical column through the preset's aliases.
    """

    #: lowercased file-name stems of tables the reader uses itself (not objects)
    auxiliary_files: ClassVar[dict] = {}

    def __init__(self, preset, source, options=None):
        super().__init__(preset, source, options)
        self.bundle = open_source(source, self.options.get("limits"))
        self.tables = {}  # object key -> [(table, header map)]
        self.auxiliary = {}  # auxiliary name -> table
        self.ignored = []
        self._classify()
        self.apply_renames(self.options.get("renames"))

    def close(self):
        self.bundle.close()

    def open_file(self, path):
        return self.bundle.open_file(path)

    # ------------------------------------------------------------------
    # Classification
    # ------------------------------------------------------------------
    @staticmethod
    def _stem(table):
        name = table.basename.rsplit(".", 1)[0]
        return normalize_header(name)

    def _header_map(self, obj, headers):
        """``{header as found: canonical column}`` for the columns the object knows."""
        known = {}
        for col in obj.columns:
            for spelling in (col.name, *col.aliases):
                known.setdefault(normalize_header(spelling), col.name)
        mapping, taken = {}, set()
        for header in headers:
            canonical = known.get(normalize_header(header))
            if canonical and canonical not in taken:
                mapping[header] = canonical
                taken.add(canonical)
        return mapping

    def apply_renames(self, renames):
        """Read renamed columns under their preset name.

        :param renames: ``{object key: {header as found: preset column}}``, as the
            confirmed field map says (a column the aliases miss)
        """
        for object_key, columns in (renames or {}).items():
            for _table, mapping in self.tables.get(object_key, ()):
                taken = set(mapping.values())
                for header, canonical in columns.items():
                    if (
                        header in _table.headers
                        and header not in mapping
                        and canonical not in taken
                    ):
                        mapping[header] = canonical
                        taken.add(canonical)

    def _score(self, obj, table):
        mapping = self._header_map(obj, table.headers)
        found = set(mapping.values())
        required = {col.name for col in obj.columns if col.required}
        if not required <= found:
            return -1
        return len(found)

    def _classify(self):
        file_objects = [obj for obj in self.preset.objects if obj.files]
        for table in self.bundle.tables:
            stem = self._stem(table)
            aux = next(
                (name for name, stems in self.auxiliary_files.items() if stem in stems),
                None,
            )
            if aux:
                self.auxiliary[aux] = table
                continue
            obj = next((o for o in file_objects if stem in o.files), None)
            if obj is None:
                scored = sorted(
                    ((self._score(o, table), o) for o in file_objects),
                    key=lambda pair: -pair[0],
                )
                if scored and scored[0][0] > 0:
                    obj = scored[0][1]
            if obj is None:
                self.ignored.append(table.name)
                continue
            self._check_required(obj, table)
            self.tables.setdefault(obj.key, []).append(
                (table, self._header_map(obj, table.headers))
            )
        if not self.tables:
            names = ", ".join(t.name for t in self.bundle.tables) or "nothing"
            raise SourceStructureError(
                f"None of the uploaded files looks like a {self.preset.label} export "
                f"(found: {names}). Upload the CSV or Excel files exported from "
                f"{self.preset.label}, or a ZIP of them."
            )

    def _check_required(self, obj, table):
        mapping = self._header_map(obj, table.headers)
        missing = [
            col.name
            for col in obj.columns
            if col.required and col.name not in mapping.values()
        ]
        if missing:
            quoted = ", ".join(f'"{name}"' for name in missing)
            found = ", ".join(f'"{h}"' for h in table.headers[:12])
            raise SourceStructureError(
                f"The file {table.name} ({obj.label}) has no {quoted} column, which "
                f"the migration needs. Columns found: {found}. Export the file again "
                f"with all its columns, or rename the column to match.",
                file_name=table.name,
            )

    # ------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------
    def _rows(self, object_key):
        """``(table, line, data)`` for every row of the object's tables."""
        for table, mapping in self.tables.get(object_key, ()):
            for line, row in table.iter_rows():
                data = {
                    mapping.get(header, header): value for header, value in row.items()
                }
                yield table, line, data

    def iter_records(self, object_key):
        obj = self.preset.get(object_key)
        if obj.parent_column and obj.id_column:
            yield from self._iter_parents_first(obj)
            return
        for table, line, data in self._rows(object_key):
            if obj.prepare:
                data = obj.prepare(data)
            source_id = (data.get(obj.id_column) or "").strip() or None
            yield SourceRecord(object_key, source_id, data, line, table.name)

    def _parents(self, obj):
        """``{source id: parent source id or None}`` of a self-referencing object."""
        parents = {}
        for _table, _line, data in self._rows(obj.key):
            source_id = (data.get(obj.id_column) or "").strip()
            if source_id:
                parents[source_id] = (data.get(obj.parent_column) or "").strip() or None
        return parents

    def _iter_parents_first(self, obj):
        """Records level by level (one pass per level), ``_depth`` in their data.

        Only ids are held in memory; records in a cycle come last, with depth 0.
        """
        depths, _cycles = hierarchy_depths(self._parents(obj))
        levels = sorted(set(depths.values())) + [0]
        for level in levels:
            for table, line, data in self._rows(obj.key):
                source_id = (data.get(obj.id_column) or "").strip() or None
                if depths.get(source_id, 0) != level:
                    continue
                data["_depth"] = str(level)
                if obj.prepare:
                    data = obj.prepare(data)
                yield SourceRecord(obj.key, source_id, data, line, table.name)

    def known_columns(self, obj):
        """Canonical columns that are not custom fields for ``obj``."""
        return {col.name for col in obj.columns}

    @staticmethod
    def value_columns(obj):
        """Columns whose values are translated (statuses, dropdowns): their values are
        counted by discovery."""
        return {
            spec.sources[0]
            for spec in obj.fields
            if spec.transform in ("stage", "value_map") and spec.sources
        }

    def discover(self):
        """Read everything once: counts, unknown columns, owners. Raises on bad
        input."""
        result = Discovery(ignored_files=list(self.ignored))
        used = [t for tables in self.tables.values() for t, _m in tables]
        for table in used + list(self.auxiliary.values()):
            table.scan()
        derived = {}
        for obj in self.preset.objects:
            if obj.derived_from:
                derived.setdefault(obj.derived_from, []).append(obj)
        for obj in self.preset.load_order():
            if obj.derived_from:
                continue
            stats = result.objects.setdefault(obj.key, ObjectStats(obj.key))
            stats.files = [t.name for t, _m in self.tables.get(obj.key, ())]
            known = self.known_columns(obj)
            children = derived.get(obj.key, [])
            for child in children:
                result.objects.setdefault(child.key, ObjectStats(child.key))
            value_columns = set().union(
                *(self.value_columns(o) for o in [obj, *children])
            )
            parents = {} if obj.parent_column else None
            for record in self.iter_records(obj.key):
                self._count_record(result, obj, stats, record, known, value_columns)
                if parents is not None and record.source_id:
                    parent = (record.data.get(obj.parent_column) or "").strip()
                    parents[record.source_id] = parent or None
                for child in children:
                    if child.when is None or child.when(record.data):
                        result.objects[child.key].count += 1
            found = self._found_columns(obj.key)
            stats.columns = sorted(known & found)
            stats.missing = [col.name for col in obj.columns if col.name not in found]
            if parents is not None:
                stats.hierarchy = check_hierarchy(parents)
        return result

    def _count_record(self, result, obj, stats, record, known, value_columns):
        """What discovery learns from one record: counts, values, owners, columns."""
        data = record.data
        stats.count += 1
        stats.filled.update(
            column
            for column, value in data.items()
            if isinstance(value, str) and value.strip() and not column.startswith("_")
        )
        for column in value_columns:
            stats.values.setdefault(column, ColumnStats()).add(
                data.get(column) or "", self.preset.date_order
            )
        for column in self.owner_columns:
            owner = (data.get(column) or "").strip()
            if owner:
                result.owners[owner] += 1
        if obj.custom_fields:
            for header, value in data.items():
                if header in known or header.startswith("_"):
                    continue
                stats.unknown.setdefault(header, ColumnStats()).add(
                    value, self.preset.date_order
                )

    def _found_columns(self, object_key):
        found = set()
        for _table, mapping in self.tables.get(object_key, ()):
            found |= set(mapping.values())
        return found
