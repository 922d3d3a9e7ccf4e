# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
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
    """The reader registered for a platform (``None`` for an unknown one)."""
    return _READERS.get(platform)


def open_reader(platform, source, options=None):
    """An open reader of ``source`` for a registered platform, with its preset.

    A platform read from its API (``api``) may also declare a ``file_reader``: the
    reader of its export files, used when ``source`` is files, not a connection.
    """
    from ..presets.base import get_preset

    cls = get_reader_class(platform)
    if cls is None:
        raise KeyError(platform)
    if cls.api and isinstance(source, list | tuple) and cls.file_reader:
        cls = cls.file_reader
    return cls(get_preset(platform), source, options)


@dataclass(slots=True)
class SourceRecord:
    """One record of the source, as read.

    :param object: preset object key
    :param source_id: the stable id the source gives it (``None`` if missing)
    :param data: canonical column → raw text (unknown columns under their header)
    :param line: line of the file it starts on, for messages
    :param file: the file it comes from
    :param resume: for a resumable reader (an API), what ``iter_records(object,
        after=resume)`` needs to go on with the record after this one (JSON-able)
    """

    object: str
    source_id: str
    data: dict
    line: int = 0
    file: str = ""
    resume: object = None


@dataclass(slots=True)
class Duplicate:
    """A row the reader did not yield because another row carries the same record.

    :param kind: ``duplicate`` (the same id twice in one object's files: the last
        row is kept) or ``disagrees`` (a file that is not the record's master, e.g.
        the job-enriched export for a customer, holds other values than the master)
    :param kept_file: file of the row that was kept (the master row)
    :param kept_line: its line
    :param differs: for ``disagrees``, ``{column: (kept value, this row's value)}``
    """

    object: str
    source_id: str
    file: str
    line: int
    kept_file: str
    kept_line: int
    kind: str = "duplicate"
    differs: dict = field(default_factory=dict)


@dataclass(slots=True)
class FileGuess:
    """Which object a file was read as, and how sure the reader is.

    :param file: the table's name (``Table.name``)
    :param object: preset object key, ``""`` for a file left aside
    :param confidence: 0..1
    :param reason: ``assigned`` (the administrator said so), ``file_name``,
        ``columns``, ``job_enriched`` (a platform's own rule) or ``not_recognised``
    :param detail: what the guess rests on, in words (English; for messages)
    """

    file: str
    object: str
    confidence: float
    reason: str
    detail: str = ""


#: Levels of a self-referencing hierarchy beyond which discovery reports records.
MAX_DEPTH = 3
#: Ids listed per problem in a hierarchy report (the counts are complete).
REPORT_IDS = 20
#: Source ids of an object discovery keeps, to recognise another file's column
#: that refers to it (a renamed customer column of the invoices).
KEY_SAMPLE = 50_000
#: Distinct values kept per unknown column of an object whose required column is
#: not found, to tell whether the column can serve as it.
VALUE_SAMPLE = 10_000
#: Duplicate rows and disagreements listed per object in discovery (counts are
#: complete; the reader's :meth:`FileReader.duplicates` lists them all).
REPORT_ROWS = 50


class ValueSample:
    """The values of a column, enough to tell an id column or a reference, bounded:
    at most :data:`VALUE_SAMPLE` distinct values are kept."""

    __slots__ = ("filled", "keylike", "repeated", "values")

    def __init__(self):
        self.filled = 0
        self.repeated = 0
        self.keylike = 0
        self.values = set()

    def add(self, value):
        value = (value or "").strip() if isinstance(value, str) else ""
        if not value:
            return
        self.filled += 1
        if value in self.values:
            self.repeated += 1
        elif len(self.values) < VALUE_SAMPLE:
            self.values.add(value)
        if (
            len(value) <= 40
            and "@" not in value
            and not any(c.isspace() for c in value)
        ):
            self.keylike += 1

    def __repr__(self):
        return f"<ValueSample filled={self.filled} repeated={self.repeated}>"


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
    :param required_missing: ``{file name: [required columns]}`` not found in a
        file of the object, by name or through the confirmed map (the proposal
        looks for them among ``samples``)
    :param keys: source ids of the object (at most :data:`KEY_SAMPLE`)
    :param samples: header → :class:`ValueSample` of the object's unknown columns,
        when a required column is missing
    :param duplicate_count: rows not read because a later row has the same id
    :param duplicates: the first :data:`REPORT_ROWS` of them (:class:`Duplicate`)
    :param disagreement_count: rows of a non-master file whose values differ from
        the master's row of the same record (see :class:`Duplicate`)
    :param disagreements: the first :data:`REPORT_ROWS` of them
    :param types: header → Odoo field type of the unknown columns whose type the
        source declares (:meth:`BaseReader.column_types`)
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
    required_missing: dict = field(default_factory=dict)
    keys: set = field(default_factory=set, repr=False)
    samples: dict = field(default_factory=dict, repr=False)
    duplicate_count: int = 0
    duplicates: list = field(default_factory=list)
    disagreement_count: int = 0
    disagreements: list = field(default_factory=list)
    types: dict = field(default_factory=dict)


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
    """The result of a full streaming pass over the source.

    :param files: a :class:`FileGuess` per table of the source (auxiliary files,
        such as a list of employees, excepted)
    """

    objects: dict = field(default_factory=dict)
    owners: Counter = field(default_factory=Counter)
    ignored_files: list = field(default_factory=list)
    files: list = field(default_factory=list)

    def count(self, key):
        """Records of an object (one per source id)."""
        stats = self.objects.get(key)
        return stats.count if stats else 0

    def rows(self, key):
        """Rows of an object's files: its records plus the duplicate rows set
        aside (what the reconciliation balances against)."""
        stats = self.objects.get(key)
        return stats.count + stats.duplicate_count if stats else 0

    def unresolved(self):
        """``[(object key, file name, column)]`` of required columns not found."""
        return [
            (key, file_name, column)
            for key, stats in self.objects.items()
            for file_name, columns in stats.required_missing.items()
            for column in columns
        ]


def _singular(word):
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


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
    #: read from an API (a :class:`~.api.Connection`), not from export files
    api = False
    #: records carry a ``resume`` token (see :class:`SourceRecord`)
    resumable = False
    #: yields only what changed since the last run (an API delta): what it does
    #: not yield is not gone, :meth:`deleted` says what is
    partial = False
    #: for an API reader, the reader of the platform's export files, if any
    file_reader = None

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

    def iter_records(self, object_key, after=None):
        """The records of an object. ``after``: a :attr:`SourceRecord.resume`
        token, for a :attr:`resumable` reader to go on after that record."""
        raise NotImplementedError

    def deleted(self, object_key):
        """Ids deleted in the source since the last run, for a :attr:`partial`
        reader (an API delta); a full read lists what is gone by itself."""
        return []

    def present(self, object_key):
        """For a :attr:`partial` reader whose delta walked an object's whole list
        (an API with no modified-since filter): every source id the source lists
        now, so that the engine lists what earlier runs landed and the source no
        longer has. ``None`` (the default) when the reader cannot tell."""
        return  # pylint: disable=useless-return

    def duplicates(self, object_key):
        """Rows not read because another row has the same id (none by default)."""
        return []

    def disagreements(self, object_key):
        """Rows disagreeing with their record's master row (none by default)."""
        return []

    #: what the admin should check by hand in the old system, for the automation
    #: inventory: ``[{"name", "kind", "trigger", "steps", "timing"}]`` like
    #: :meth:`automation_inventory`'s items
    automation_checklist = ()

    def open_file(self, path):
        """Binary stream of a file the source refers to (attachments), or None."""
        return

    def column_types(self, obj):
        """``{column: Odoo field type}`` of custom columns whose type the source
        declares (an API's typed custom fields, an export's definitions file);
        the proposal creates their fields with that type instead of guessing it
        from the values. None by default."""
        return {}

    def known_columns(self, obj):
        """Canonical columns that are not custom fields for ``obj``."""
        return {col.name for col in obj.columns}

    #: Transforms whose columns discovery reads value by value: the date order,
    #: decimal mark and empty words of their columns are for the proposal to tell.
    TYPED_TRANSFORMS = ("date", "datetime", "money", "float", "integer")

    @classmethod
    def value_columns(cls, obj):
        """Columns whose values discovery counts: those translated (statuses,
        dropdowns), for their values, and those read as dates or numbers, for how
        they write them."""
        columns = {
            spec.sources[0]
            for spec in obj.fields
            if spec.transform in ("stage", "value_map") and spec.sources
        }
        for spec in obj.fields:
            if spec.transform in cls.TYPED_TRANSFORMS:
                columns.update(spec.sources)
        return columns

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
        if record.source_id and len(stats.keys) < KEY_SAMPLE:
            stats.keys.add(record.source_id)
        for header, value in data.items():
            if header in known or header.startswith("_"):
                continue
            if obj.custom_fields:
                stats.unknown.setdefault(header, ColumnStats()).add(
                    value, self.preset.date_order
                )
            if stats.required_missing:
                stats.samples.setdefault(header, ValueSample()).add(value)

    def _derived_objects(self):
        """``{object key: [the objects read from its records]}``."""
        derived = {}
        for obj in self.preset.objects:
            if obj.derived_from:
                derived.setdefault(obj.derived_from, []).append(obj)
        return derived

    def _discover_object(self, result, obj, children, columns_seen=None):
        """Discovery's pass over one object's records: its counts and its derived
        objects', values, owners, unknown columns, and the depth of its parent
        links (:func:`check_hierarchy`).

        :param children: the objects derived from ``obj`` (counted on the way)
        :param columns_seen: a set receiving every column a record has (a reader
            with no header to tell which columns the source has)
        :returns: the object's :class:`ObjectStats`
        """
        stats = result.objects.setdefault(obj.key, ObjectStats(obj.key))
        known = self.known_columns(obj)
        for child in children:
            result.objects.setdefault(child.key, ObjectStats(child.key))
        value_columns = set().union(*(self.value_columns(o) for o in [obj, *children]))
        parents = {} if obj.parent_column else None
        for record in self.iter_records(obj.key):
            if columns_seen is not None:
                columns_seen.update(k for k in record.data if not k.startswith("_"))
            self._count_record(result, obj, stats, record, known, value_columns)
            if parents is not None and record.source_id:
                parent = (record.data.get(obj.parent_column) or "").strip()
                parents[record.source_id] = parent or None
            for child in children:
                if child.when is None or child.when(record.data):
                    result.objects[child.key].count += 1
        if parents is not None:
            stats.hierarchy = check_hierarchy(parents)
        return stats

    def automation_inventory(self):
        """The workflows, automations, sequences and templates the source exposes:
        ``[{"name", "kind", "trigger", "steps", "timing"}]`` (not migrated: listed
        for the admin to rebuild in Odoo)."""
        return []


class FileReader(BaseReader):
    """A reader of export files (CSV, XLSX, or a ZIP of them).

    Each table is matched to a preset object (:meth:`_guess`): by the
    administrator's assignment, else by its file name, else by its headers weighed
    against every object's columns; each header to a canonical column through the
    preset's aliases. A required column not found does not stop the reading: the
    proposal looks for it (``ObjectStats.required_missing``), and the project
    refuses a run while it is not resolved.
    """

    #: lowercased file-name stems of tables the reader uses itself (not objects)
    auxiliary_files: ClassVar[dict] = {}
    #: Lowest weighted column score of a table read as an object by its headers.
    MIN_SCORE = 1.0

    def __init__(self, preset, source, options=None):
        super().__init__(preset, source, options)
        self.bundle = open_source(source, self.options.get("limits"))
        self.tables = {}  # object key -> [(table, header map)]
        self.auxiliary = {}  # auxiliary name -> table
        self.ignored = []
        self.guesses = []  # [FileGuess]
        self._row_plans = {}  # object key -> (skipped (index, line), [Duplicate])
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

    @staticmethod
    def _known_spellings(obj):
        """``{normalised spelling: canonical column}``; a column's own name first."""
        known = {}
        for col in obj.columns:
            known.setdefault(normalize_header(col.name), col.name)
        for col in obj.columns:
            for spelling in col.aliases:
                known.setdefault(normalize_header(spelling), col.name)
        return known

    def _header_map(self, obj, headers):
        """``{header as found: canonical column}`` for the columns the object knows.

        A header spelled as a column's own name wins over an alias of it: with both
        ``E-mail`` and ``Email``, ``Email`` is the email column and ``E-mail`` stays
        a column of its own (proposed as a field or a custom field), never dropped.
        """
        known = self._known_spellings(obj)
        exact = {normalize_header(col.name): col.name for col in obj.columns}
        mapping, taken = {}, set()
        ordered = sorted(
            headers, key=lambda h: normalize_header(h) not in exact
        )  # stable: own names first, then aliases, each in file order
        for header in ordered:
            canonical = known.get(normalize_header(header))
            if canonical and canonical not in taken:
                mapping[header] = canonical
                taken.add(canonical)
        return {header: mapping[header] for header in headers if header in mapping}

    def _aux_rows(self, name, spellings):
        """Rows of an auxiliary table (staff, technicians...) keyed by canonical
        names: ``spellings`` is ``{canonical: accepted headers}``, compared as
        normalised headers."""
        table = self.auxiliary.get(name)
        if table is None:
            return
        accepted = {
            canonical: {normalize_header(a) for a in headers}
            for canonical, headers in spellings.items()
        }
        mapping = {}
        for header in table.headers:
            key = normalize_header(header)
            for canonical, names in accepted.items():
                if key in names:
                    mapping.setdefault(header, canonical)
        for line, row in table.iter_rows():
            yield line, {mapping.get(h, h): v for h, v in row.items()}

    def apply_renames(self, renames):
        """Read renamed columns under their preset name.

        :param renames: ``{object key: {header as found: preset column}}``, as the
            confirmed field map says (a column the aliases miss)
        """
        for object_key, columns in (renames or {}).items():
            for _table, mapping in self.tables.get(object_key, ()):
                for header, canonical in columns.items():
                    if header not in _table.headers or mapping.get(header) == canonical:
                        continue
                    # the confirmed map wins over the aliases' guess
                    for other in [h for h, c in mapping.items() if c == canonical]:
                        del mapping[other]
                    mapping[header] = canonical
        self._row_plans.clear()

    def _assigned(self, table):
        """The administrator's object for a table (``""``: left aside), or None."""
        files = self.options.get("files") or {}
        for name in (table.name, table.basename):
            if name in files:
                key = files[name] or ""
                if not key or any(
                    o.key == key and o.files for o in self.preset.objects
                ):
                    return key
        return None

    def _weights(self, file_objects):
        """``{object key: {normalised spelling: weight}}``: a spelling several objects
        know weighs less (customers and prospects share most of their columns)."""
        spellings = {obj.key: self._known_spellings(obj) for obj in file_objects}
        holders = Counter(s for known in spellings.values() for s in known)
        return {
            key: {s: 1.0 / holders[s] for s in known}
            for key, known in spellings.items()
        }

    def _score(self, obj, table, weights):
        """Weighted score of a table's headers for an object (required columns found
        count double)."""
        mapping = self._header_map(obj, table.headers)
        required = {col.name for col in obj.columns if col.required}
        total = 0.0
        for header, canonical in mapping.items():
            weight = weights[obj.key].get(normalize_header(header), 0.0)
            total += weight * (2 if canonical in required else 1)
        return total

    def _classify_hint(self, table):
        """A platform's own rule for a table: a :class:`FileGuess`, or None.

        Override to recognise a layout the columns alone mislead about (TCF's
        job-enriched customer export).
        """
        return  # pylint: disable=useless-return

    def _guess(self, table, file_objects, weights):
        """The :class:`FileGuess` of one table."""
        assigned = self._assigned(table)
        if assigned is not None:
            return FileGuess(table.name, assigned, 1.0, "assigned")
        hint = self._classify_hint(table)  # pylint: disable=assignment-from-none
        if hint:
            return hint
        stem = self._stem(table)
        obj = next((o for o in file_objects if stem in o.files), None)
        if obj is not None:
            return FileGuess(table.name, obj.key, 1.0, "file_name", stem)
        words = {_singular(w) for w in stem.split()}
        scored = []
        for o in file_objects:
            score = self._score(o, table, weights)
            named = {_singular(w) for f in o.files for w in f.split()}
            if score and words & named:
                score += 1.0  # the file's name says so, in part
            scored.append((score, o))
        scored.sort(key=lambda pair: -pair[0])
        if not scored or scored[0][0] < self.MIN_SCORE:
            return FileGuess(table.name, "", 0.0, "not_recognised")
        best, obj = scored[0]
        second = scored[1][0] if len(scored) > 1 else 0.0
        confidence = round(min(0.95, 0.5 + 0.45 * (best - second) / best), 2)
        detail = f"{obj.label} {best:.1f}" + (
            f", {scored[1][1].label} {second:.1f}" if second else ""
        )
        return FileGuess(table.name, obj.key, confidence, "columns", detail)

    def _classify(self):
        file_objects = [obj for obj in self.preset.objects if obj.files]
        weights = self._weights(file_objects)
        for table in self.bundle.tables:
            stem = self._stem(table)
            aux = next(
                (name for name, stems in self.auxiliary_files.items() if stem in stems),
                None,
            )
            if aux and self._assigned(table) is None:
                self.auxiliary[aux] = table
                continue
            guess = self._guess(table, file_objects, weights)
            self.guesses.append(guess)
            if not guess.object:
                self.ignored.append(table.name)
                continue
            obj = self.preset.get(guess.object)
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

    def unresolved(self):
        """``{object key: {file name: [required columns]}}`` not found in a file,
        neither by name nor through the confirmed map's renames."""
        result = {}
        for object_key, tables in self.tables.items():
            obj = self.preset.get(object_key)
            for table, mapping in tables:
                found = set(mapping.values())
                missing = [
                    col.name
                    for col in obj.columns
                    if col.required and col.name not in found
                ]
                if missing:
                    result.setdefault(object_key, {})[table.name] = missing
        return result

    # ------------------------------------------------------------------
    # Duplicate rows
    # ------------------------------------------------------------------
    def _row_plan(self, object_key):
        """``(skipped, duplicates)`` of an object: the ``(table index, line)`` of
        rows not read because a later row has the same id (the last row wins, as a
        re-export appends), and their :class:`Duplicate`. One pass over the ids,
        kept for the reader's life."""
        if object_key not in self._row_plans:
            self._row_plans[object_key] = self._plan_rows(object_key)
        return self._row_plans[object_key]

    def _plan_rows(self, object_key):
        obj = self.preset.get(object_key)
        tables = self.tables.get(object_key, ())
        last, pairs = {}, []
        if obj.id_column:
            for index, (table, mapping) in enumerate(tables):
                id_header = next(
                    (h for h, c in mapping.items() if c == obj.id_column), None
                )
                if id_header is None:
                    continue
                for line, row in table.iter_rows():
                    source_id = (row.get(id_header) or "").strip()
                    if not source_id:
                        continue
                    previous = last.get(source_id)
                    if previous is not None:
                        pairs.append((source_id, previous))
                    last[source_id] = (index, line)
        duplicates = [
            Duplicate(
                object_key,
                source_id,
                tables[index][0].name,
                line,
                tables[last[source_id][0]][0].name,
                last[source_id][1],
            )
            for source_id, (index, line) in pairs
        ]
        return {previous for _id, previous in pairs}, duplicates

    def duplicates(self, object_key):
        """Rows of an object not read because another row has the same id.

        :returns: a list of :class:`Duplicate` (file, line, and the row kept), in
            file order; the reconciliation counts them so that it balances
        """
        return list(self._row_plan(object_key)[1])

    def disagreements(self, object_key):
        """Rows of a file that is not an object's master whose values differ from
        the master's row of the same record (:class:`Duplicate` of kind
        ``disagrees``). None for a plain file reader."""
        return []

    # ------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------
    def _rows(self, object_key):
        """``(table, line, data)`` for every row of the object's tables, but the
        duplicate rows (:meth:`duplicates`)."""
        skipped = self._row_plan(object_key)[0]
        for index, (table, mapping) in enumerate(self.tables.get(object_key, ())):
            names = None  # the columns' names in the preset, in the file's order
            for line, row in table.iter_rows():
                if skipped and (index, line) in skipped:
                    continue
                if names is None:
                    names = [mapping.get(header, header) for header in row]
                yield table, line, dict(zip(names, row.values(), strict=True))

    def iter_records(self, object_key, after=None):
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

    def discover(self):
        """Read everything once: counts, unknown columns, owners, duplicate rows, and
        the evidence the proposal needs for a required column not found. Raises on
        bad input."""
        result = Discovery(ignored_files=list(self.ignored), files=list(self.guesses))
        used = [t for tables in self.tables.values() for t, _m in tables]
        for table in used + list(self.auxiliary.values()):
            table.scan()
        derived = self._derived_objects()
        unresolved = self.unresolved()
        for obj in self.preset.load_order():
            if obj.derived_from:
                continue
            stats = result.objects.setdefault(obj.key, ObjectStats(obj.key))
            stats.files = [t.name for t, _m in self.tables.get(obj.key, ())]
            stats.required_missing = unresolved.get(obj.key, {})
            self._discover_object(result, obj, derived.get(obj.key, []))
            found = self._found_columns(obj.key)
            stats.columns = sorted(self.known_columns(obj) & found)
            stats.missing = [col.name for col in obj.columns if col.name not in found]
            duplicates = self.duplicates(obj.key)
            stats.duplicate_count = len(duplicates)
            stats.duplicates = duplicates[:REPORT_ROWS]
            disagreements = self.disagreements(obj.key)
            stats.disagreement_count = len(disagreements)
            stats.disagreements = disagreements[:REPORT_ROWS]
            # custom columns whose type the export declares (a definitions file)
            stats.types = {
                h: t for h, t in self.column_types(obj).items() if h in stats.unknown
            }
        return result

    def _found_columns(self, object_key):
        found = set()
        for _table, mapping in self.tables.get(object_key, ()):
            found |= set(mapping.values())
        return found
