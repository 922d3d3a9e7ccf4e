# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Declarative description of a source platform: its objects and their field map.

A preset says, for each source object, which Odoo model it lands in, in which order,
from which columns, and through which transform. The engine reads nothing else: adding
a platform is one preset plus one reader, never an engine change.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

#: Transforms the engine knows, with the words shown to the admin.
TRANSFORMS = [
    ("copy", "Copy as text"),
    ("date", "Date"),
    ("datetime", "Date and time"),
    ("money", "Amount"),
    ("float", "Decimal number"),
    ("integer", "Whole number"),
    ("boolean", "Yes / No"),
    ("phone", "Phone number"),
    ("email", "Email address"),
    ("value_map", "Translate values"),
    ("ref", "Link to another migrated record"),
    ("lookup", "Find an existing Odoo record"),
    ("tags", "Tags"),
    ("user", "Owner (user by email or name)"),
    ("stage", "Pipeline stage"),
    ("constant", "Fixed value"),
    ("tax", "Tax by rate"),
]


@dataclass(frozen=True)
class Column:
    """A column the platform's export is known to have.

    :param name: canonical name, as the platform's own export spells it
    :param aliases: other spellings seen in re-saved or older exports
    :param required: the object cannot be read without it
    """

    name: str
    aliases: tuple = ()
    required: bool = False


@dataclass(frozen=True)
class Stage:
    """A status of a source pipeline and what it becomes in Odoo.

    :param name: the status as the platform names it (also the stage's name)
    :param probability: the lead's probability in this status (crm.stage has none)
    :param outcome: ``open``, ``won`` (the stage is a won stage) or ``lost`` (no
        stage: the lead is marked lost)
    :param aliases: other spellings of the status
    """

    name: str
    probability: float = 10.0
    outcome: str = "open"
    aliases: tuple = ()


@dataclass(frozen=True)
class FieldSpec:
    """One line of the default field map.

    :param target: Odoo field name on the object's model
    :param source: a column name, or a tuple of columns (the first non-empty wins)
    :param transform: one of :data:`TRANSFORMS`
    :param value_map: source value (case-insensitive) → Odoo value, for value_map
        and stage; the value ``"lost"`` marks a lead lost for stage
    :param ref: for ``ref``, the key of the object whose source id the column holds
    :param lookup: for ``lookup``, the field of the related model to match on; for
        ``ref`` on a document line, the referenced record's one2many whose line it
        is (the one with the line's product, else the first); for ``tax``, the
        taxes' use (``sale``, ``purchase``)
    :param default: value used when the source is empty (or the constant)
    :param required: a record whose value is empty (after transform) fails
    :param create_missing: for lookup and tags, create what is not found
    :param custom_type: for a new ``x_`` field, its type when the transform does
        not say it (text, selection...)
    :param pipeline: for ``stage``, the sales team the statuses are a pipeline of
    :param stages: for ``stage``, the statuses (:class:`Stage`) in pipeline order
    :param date_order: how the column writes dates (``DMY``, ``MDY``, ``YMD``);
        None: as the preset says (:attr:`Preset.date_order`)
    :param decimal_comma: the column writes ``1,5`` for one and a half
    :param nulls: the words (lowercase) that are an empty cell in the column
        (``("na", "-")``, see :func:`..parsers.null_tokens`); None or empty: only
        a blank cell is empty, ``N/A`` is text
    :param fallback: for ``user``, whether a record whose owner matches no user
        gets the project's fallback owner; False for a field that names the person
        themselves (an employee's own user: never somebody else's)
    """

    target: str
    source: Any = None
    transform: str = "copy"
    value_map: dict = field(default_factory=dict)
    ref: str = None
    lookup: str = None
    default: Any = None
    required: bool = False
    create_missing: bool = False
    custom_type: str = None
    pipeline: str = None
    stages: tuple = ()
    date_order: str = None
    decimal_comma: bool = False
    nulls: tuple = None
    fallback: bool = True

    @property
    def sources(self):
        if self.source is None:
            return ()
        if isinstance(self.source, str):
            return (self.source,)
        return tuple(self.source)


@dataclass(frozen=True)
class ObjectSpec:
    """A source object and where it lands.

    :param key: technical key, stable across versions (it is part of external ids)
    :param label: the platform's own name for the object, shown to the admin
    :param model: target Odoo model
    :param kind: ``record`` (ORM create/write), ``message`` (chatter history)
        or ``attachment`` (files); a message whose map fills
        ``mail_activity_type_id`` is a *logged activity* (a call, a meeting done):
        Odoo's "Activities" subtype, as when an activity is marked done
    :param files: lowercased file-name stems that identify the object's export
    :param columns: the columns the export is known to have
    :param id_column: column holding the stable source id (None: the reader makes one)
    :param fields: default field map
    :param depends: keys of objects that must be loaded first
    :param derived_from: read the records of another object (same rows, other target)
    :param when: for derived objects, a predicate on the row deciding if it applies
    :param prepare: a pure function row → row adding computed columns
    :param created_column: column with the source creation date, when there is one
    :param custom_fields: unknown columns of this object become custom fields
    :param lines: (one2many field, line field map) for objects with lines
    :param attach_to: for messages and attachments, ``(column, object key)`` pairs:
        the first column whose source id was migrated gives the record it belongs to
    :param checksum_column: for attachments, the column giving the file's checksum
        in the export (MD5, SHA-1 or SHA-256, told by its length): a file that does
        not match lands with the mismatch in its journal line
    :param context: extra context for create (e.g. default move type)
    :param parent_column: column holding the source id of a parent record of the
        same object (account → sub-account): discovery checks the depth and cycles,
        and the reader yields parents before their children
    :param match: a field of the model whose value names a record (a tag's
        ``name``): a new source record whose value an Odoo record already has is
        written onto that record instead of creating another (crm.tag names are
        unique); a rollback restores what was changed and deletes nothing
    :param optional: a choice the admin makes, in their words ("Make each account
        an Odoo company (multi-company)"): the object is left out of runs until the
        admin turns it on in the field map. No object that is always migrated may
        depend on an optional one.
    :param requires: an Odoo model the object lands in or needs, of a module the
        addon does not depend on (Inventory's ``stock.lot``): where it is not
        installed, the object is not offered at all (not in the map, never read
        or loaded); give such an object ``optional`` too, and let nothing depend
        on it.
    """

    key: str
    label: str
    model: str
    kind: str = "record"
    files: tuple = ()
    columns: tuple = ()
    id_column: str = None
    fields: tuple = ()
    depends: tuple = ()
    derived_from: str = None
    when: Callable = None
    prepare: Callable = None
    created_column: str = None
    custom_fields: bool = False
    lines: tuple = None
    attach_to: tuple = ()
    checksum_column: str = None
    context: dict = field(default_factory=dict)
    parent_column: str = None
    match: str = None
    optional: str = None
    requires: str = None

    def column(self, name):
        return next((col for col in self.columns if col.name == name), None)


@dataclass(frozen=True)
class Preset:
    """A platform: its objects in load order, and how its exports read.

    :param export_help: in the admin's words, what to export from the platform and
        where to find it (shown by the import wizard)
    """

    platform: str
    label: str
    objects: tuple
    custom_prefix: str = "x_"
    date_order: str = "MDY"
    default_country: str = None
    export_help: str = ""

    def without(self, keys):
        """This preset without the objects ``keys`` (optional objects left off):
        what a run of a project reads and loads."""
        keys = set(keys)
        if not keys:
            return self
        return replace(
            self, objects=tuple(o for o in self.objects if o.key not in keys)
        )

    def installed(self, has_model):
        """This preset without the objects whose ``requires`` model is not
        installed (``has_model(name)`` is false): what a database can offer."""
        return self.without(
            obj.key
            for obj in self.objects
            if obj.requires and not has_model(obj.requires)
        )

    def get(self, key):
        for obj in self.objects:
            if obj.key == key:
                return obj
        raise KeyError(key)

    def stage_specs(self):
        """``[(object, FieldSpec)]`` of every pipeline stage field, in load order."""
        return [
            (obj, spec)
            for obj in self.load_order()
            for spec in obj.fields
            if spec.transform == "stage"
        ]

    def pipeline_order(self, pipeline):
        """Names of a pipeline's statuses in order, over every field that feeds it."""
        names = []
        for _obj, spec in self.stage_specs():
            if spec.pipeline == pipeline:
                names.extend(s.name for s in spec.stages if s.name not in names)
        return names

    def stage_entries(self, spec):
        """``{status (lowercase): entry}`` of a stage field as the preset declares it.

        An entry is ``{"stage", "probability", "outcome", "sequence"}``: the value
        the field map's value-map lines hold, and what the engine reads.
        """
        order = self.pipeline_order(spec.pipeline)
        entries = {}
        for stage in spec.stages:
            entry = stage_entry(stage, 10 * (order.index(stage.name) + 1))
            for name in (stage.name, *stage.aliases):
                entries[name.strip().lower()] = entry
        return entries

    def load_order(self):
        """Objects sorted so that each comes after the objects it depends on."""
        done, ordered = set(), []
        pending = list(self.objects)
        while pending:
            progressed = False
            for obj in list(pending):
                needs = set(obj.depends) | ({obj.derived_from} - {None})
                if needs <= done:
                    ordered.append(obj)
                    done.add(obj.key)
                    pending.remove(obj)
                    progressed = True
            if not progressed:
                names = ", ".join(obj.key for obj in pending)
                raise ValueError(f"Circular dependencies between objects: {names}")
        return ordered


def stage_entry(stage, sequence):
    """The value-map entry of one :class:`Stage`."""
    return {
        "stage": stage.name,
        "probability": {"won": 100.0, "lost": 0.0}.get(
            stage.outcome, stage.probability
        ),
        "outcome": stage.outcome,
        "sequence": sequence,
    }


_PRESETS = {}


def register(preset):
    """Register a platform preset (called once by each preset module)."""
    _PRESETS[preset.platform] = preset
    return preset


def get_preset(platform):
    return _PRESETS[platform]


def platforms():
    """``[(platform, label)]`` of every registered preset, for selections."""
    return sorted(
        ((p.platform, p.label) for p in _PRESETS.values()), key=lambda x: x[1]
    )
