# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Readers of a platform's API: the same contract as the file readers.

An API platform is, like a file platform, one reader plus one preset. Its reader
turns the API's records into :class:`~.base.SourceRecord` objects whose ``data`` is
keyed by the preset's canonical column names, values as text, exactly as a file
reader would yield them from an export with those columns. The engine cannot tell
the two apart, with three exceptions an API can offer and a file cannot:

- **resumable paging**: every record carries a ``resume`` token (JSON-able: the
  page cursor or offset it was read from, and its id); the engine keeps the token
  of the last record landed on the run's object line, and an interrupted object
  goes on with ``iter_records(key, after=token)`` from that page, not from zero;
- **partial deltas**: when the options carry ``since`` (the start of the last run
  that landed) and the platform can say what changed, the reader yields only the
  records changed since, and :meth:`ApiReader.deleted` the ids deleted since; the
  engine then lists those as gone instead of everything it did not see;
- **the connection check**: :meth:`ApiReader.test_connection` says in plain words
  what is wrong with the key, the account or the network before a run needs it.

The source of an API reader is a :class:`Connection`, what the project's connection
settings hold (or the command line's environment); credentials never appear in its
``repr``.
"""

from dataclasses import dataclass, field

from ..clients.http import ApiError
from ..exceptions import SourceStructureError
from .base import (
    BaseReader,
    Discovery,
    SourceRecord,
    hierarchy_depths,
)


@dataclass(frozen=True)
class Credential:
    """One secret (or setting) an API platform needs, as the admin knows it.

    :param name: key of :attr:`Connection.credentials` (``grant_key``)
    :param label: its name in the platform's own words (``Grant key``)
    :param env: environment variable the command line reads it from (never an
        argument: a command line is visible to every user of the server)
    :param required: a connection without it cannot be tried
    :param multiple: several values, one per line or comma separated (franchise web
        keys)
    :param help: where the admin finds it in the platform
    """

    name: str
    label: str
    env: str
    required: bool = True
    multiple: bool = False
    help: str = ""


@dataclass(frozen=True)
class Connection:
    """Where and how an API platform is read.

    :param root: API root (``None``: the platform's default), e.g. an emulator's
    :param credentials: ``{Credential.name: value}``; a ``multiple`` credential is a
        list or a text of values separated by commas or new lines
    :param account: the account chosen among those the key reaches (a JobTread
        organization id), or empty
    :param options: :class:`~..clients.http.ApiClient` options (``rate``,
        ``timeout``, ``retries``, ``page_size``)
    """

    root: str = None
    credentials: dict = field(default_factory=dict, repr=False, compare=False)
    account: str = None
    options: dict = field(default_factory=dict)

    def __repr__(self):
        return f"<Connection root={self.root!r} account={self.account!r} [keys hidden]>"

    def values(self, name):
        """The values of a ``multiple`` credential, as a list of non-empty texts."""
        value = self.credentials.get(name)
        if not value:
            return []
        if isinstance(value, str):
            value = value.replace("\n", ",").split(",")
        return [v.strip() for v in value if v and v.strip()]


@dataclass
class ConnectionCheck:
    """The answer of :meth:`ApiReader.test_connection`.

    :param ok: the key works and the account can be read
    :param message: in the admin's words: what works, or what is wrong and what to do
    :param accounts: ``[{"id", "name"}]`` the key reaches, when the admin must choose
    :param account_name: the account that will be read
    """

    ok: bool
    message: str
    accounts: list = field(default_factory=list)
    account_name: str = ""


def text(value):
    """A value of an API answer as the text a file export would hold.

    ``None`` → ``""``; booleans → ``"true"``/``"false"``; numbers as written (no
    float noise); lists → their items' texts joined by ``"; "`` (the separator the
    tags transform splits on); dicts → their ``name``, else their ``id``.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value).removesuffix(".0") if value.is_integer() else repr(value)
    if isinstance(value, list | tuple):
        return "; ".join(t for t in (text(v) for v in value) if t)
    if isinstance(value, dict):
        return text(value.get("name") or value.get("id"))
    return str(value)


class ApiReader(BaseReader):
    """A reader of a platform's API. Subclasses set :attr:`platform`,
    :attr:`credentials` and :attr:`default_root`, and implement :meth:`make_client`,
    :meth:`fetch` and, when the API can say what changed, :meth:`fetch_changes`.

    ``source`` is a :class:`Connection`; ``options`` the usual ones plus ``since``
    (ISO timestamp, UTC) for a delta.
    """

    #: the project shows connection settings instead of file uploads
    api = True
    #: records carry a ``resume`` token; ``iter_records(key, after=token)`` resumes
    resumable = True
    #: the platform can tell what changed since a time (:meth:`fetch_changes`)
    supports_delta = False
    default_root = None
    #: :class:`Credential` tuple, in the order the admin enters them
    credentials = ()
    #: the admin's word for an account the key may reach (a JobTread organization)
    account_label = ""
    #: environment variable the command line reads the chosen account from
    account_env = None

    def __init__(self, preset, source, options=None):
        super().__init__(preset, source, options)
        if not isinstance(source, Connection):
            raise SourceStructureError(
                f"{preset.label} is read from its API: enter the connection "
                "settings in the project instead of uploading files."
            )
        self.since = self.options.get("since") or None
        #: a delta of what changed only: records not yielded are not gone
        self.partial = bool(self.since and self.supports_delta)
        self._client = None
        self._deleted = {}  # object key -> [source id], filled by fetch_changes

    # ------------------------------------------------------------------ client
    @property
    def client(self):
        if self._client is None:
            self._client = self.make_client()
        return self._client

    def make_client(self):
        """The :class:`~..clients.http.ApiClient` of ``self.source``."""
        raise NotImplementedError

    def close(self):
        if self._client is not None:
            self._client.close()
            self._client = None

    def test_connection(self):
        """Try the key: a :class:`ConnectionCheck` in the admin's words, never an
        exception for what the admin can fix (bad or expired key, no access,
        unreachable, too many requests)."""
        try:
            return self.check_connection()
        except ApiError as err:
            return ConnectionCheck(False, str(err))

    def check_connection(self):
        """One cheap call proving the key reads the account; raises
        :class:`~..clients.http.ApiError`. Subclasses say more (the account's
        name, the accounts to choose among)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ reading
    def fetch(self, obj, after=None):
        """Yield the :class:`SourceRecord` objects of a (non-derived) object, each
        with its ``resume`` token; with ``after`` (a token this method yielded),
        from the record after that one.

        ``line`` is the record's position in the API's order (1-based, for
        messages), ``file`` the object's label followed by `` (API)``.
        """
        raise NotImplementedError

    def fetch_changes(self, obj):
        """For a delta (``self.since`` set, :attr:`supports_delta`): the records of
        ``obj`` created or changed since, and ``self._deleted[obj.key]`` filled with
        the ids deleted since. Called once per object, before :meth:`deleted`."""
        raise NotImplementedError

    def iter_records(self, object_key, after=None):
        obj = self.preset.get(object_key)
        if self.partial:
            records = self.fetch_changes(obj)
        else:
            records = self.fetch(obj, after)
        if obj.parent_column and obj.id_column:
            # parents before children: an API hands them in its own order
            yield from self._parents_first(obj, records)
            return
        seen = set()
        for record in records:
            if record.source_id in seen:
                continue  # paging by offset while records are added repeats some
            if record.source_id:
                seen.add(record.source_id)
            if obj.prepare:
                record.data = obj.prepare(record.data)
            yield record

    def _parents_first(self, obj, records):
        """The records of a self-referencing object level by level, ``_depth`` in
        their data; held in memory (accounts of a franchise: hundreds, not
        millions). They carry no resume token: the engine resumes by position."""
        kept = {}
        for record in records:
            if record.source_id and record.source_id not in kept:
                kept[record.source_id] = record
        parents = {
            sid: (r.data.get(obj.parent_column) or "").strip() or None
            for sid, r in kept.items()
        }
        depths, _cycles = hierarchy_depths(parents)
        ordered = sorted(kept.values(), key=lambda r: depths.get(r.source_id, 0) or 1e9)
        for record in ordered:
            record.data["_depth"] = str(depths.get(record.source_id, 0))
            record.resume = None
            if obj.prepare:
                record.data = obj.prepare(record.data)
            yield record

    def deleted(self, object_key):
        """Ids of ``object_key`` deleted in the source since ``self.since`` (a
        partial delta only; read after the object's records)."""
        return list(self._deleted.get(object_key, ()))

    # ------------------------------------------------------------------ discovery
    def discover(self):
        """One pass over every object: counts, values, owners, custom fields
        (columns the preset does not know), as for an export."""
        result = Discovery()
        derived = self._derived_objects()
        for obj in self.preset.load_order():
            if obj.derived_from:
                continue
            found = set()
            stats = self._discover_object(
                result, obj, derived.get(obj.key, []), columns_seen=found
            )
            stats.files = [self.object_source(obj)]
            stats.columns = sorted(self.known_columns(obj) & found)
            stats.missing = [col.name for col in obj.columns if col.name not in found]
            stats.types = {
                h: t for h, t in self.column_types(obj).items() if h in stats.unknown
            }
        return result

    def object_source(self, obj):
        """Where an object's records come from, for messages (``file`` of its
        records)."""
        return f"{obj.label} (API)"

    def record(self, obj, source_id, data, position, resume=None):
        """A :class:`SourceRecord` of ``obj`` (helper for :meth:`fetch`)."""
        source_id = "" if source_id is None else str(source_id).strip()
        return SourceRecord(
            obj.key,
            source_id or None,
            data,
            position,
            self.object_source(obj),
            resume,
        )


__all__ = [
    "ApiReader",
    "Connection",
    "ConnectionCheck",
    "Credential",
    "text",
]
