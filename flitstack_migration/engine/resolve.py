# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""References and lookups: from a source value to the id of an Odoo record.

- a migrated record, by the per-project external id of its source id
  (``ir.model.data``, module ``__flitstack_<project id>__``), the ids of a batch
  fetched in one query (:meth:`Resolver.prefetch`) and forgotten after it
  (:meth:`Resolver.forget`): memory holds a batch's ids, never an export's;
- an existing record by a name or a code (tags, countries, sources), cached, created
  when the field map says so; how a model is searched is its adapter's
  (:meth:`~.adapters.ModelAdapter.lookup_domain`);
- an owner: the project's owner table, else a user by email, then by exact name,
  else the fallback owner; the unmatched ones counted;
- a pipeline stage: the sales team and its stages, created once per pipeline.
"""

import hashlib
import re
from collections import Counter

from .. import parsers as T
from . import schema
from .adapters import adapter_for


def xid_name(object_key, source_id):
    """External id name of a source record: readable, unique, SQL-safe."""
    clean = re.sub(r"[^A-Za-z0-9_-]+", "_", str(source_id))[:120]
    if clean != str(source_id):
        clean += "_" + hashlib.sha1(str(source_id).encode()).hexdigest()[:8]
    return f"{object_key}_{clean}"


class Resolver:
    """Finds the Odoo records a run's values refer to.

    :param env: the run's environment
    :param project: the ``migration.project``
    :param preset: the platform preset
    :param journal: the run's :class:`~.journal.Journal` (what is created is logged)
    :param dry: find only, create nothing (comparisons)
    """

    def __init__(self, env, project, preset, journal, dry=False):
        self.env = env
        self.project = project
        self.preset = preset
        self.journal = journal
        self.dry = dry
        self.module = project._xid_module()
        self.fallback_user = project.fallback_user_id
        self.unmatched_owners = Counter()
        #: ``{object key: [FieldSpec]}`` of the run: a pipeline gathers the stages
        #: of every field that feeds it
        self.specs = {}
        #: ``{object key: {xid name: res_id}}`` of the ids fetched for the current
        #: batch, and ``{object key: {xid name}}`` of those found missing
        self._keys = {}
        self._missing = {}
        self._lookup_cache = {}
        self._adapters = {}
        self._users = None
        self._owners = None
        self._pipelines = {}

    # ------------------------------------------------------------------
    # Migrated records
    # ------------------------------------------------------------------
    def prefetch(self, object_key, source_ids):
        """Fetch, in one query, the ids of the Odoo records these source ids of an
        object became (what is not known yet); :meth:`res_id_of` then finds them
        without a query. The loader and the field check call it once per batch,
        for the batch's own ids and the ids its references name."""
        known = self._keys.setdefault(object_key, {})
        missing = self._missing.setdefault(object_key, set())
        names = {
            xid_name(object_key, source_id.strip())
            for source_id in source_ids
            if source_id and source_id.strip()
        }
        names -= known.keys() | missing
        if not names:
            return
        model = self.env[self.preset.get(object_key).model]
        self.env.cr.execute(
            f"""
            SELECT d.name, d.res_id FROM ir_model_data d
              JOIN "{model._table}" r ON r.id = d.res_id
             WHERE d.module = %s AND d.model = %s AND d.name = ANY(%s)
            """,
            (self.module, model._name, sorted(names)),
        )
        found = dict(self.env.cr.fetchall())
        known.update(found)
        missing.update(names - found.keys())

    def remember(self, object_key, name, res_id):
        """A record that just landed, under its external id name."""
        self._keys.setdefault(object_key, {})[name] = res_id
        self._missing.get(object_key, set()).discard(name)

    def forget(self):
        """Forget the ids fetched so far (at the end of a batch)."""
        self._keys.clear()
        self._missing.clear()

    def res_id_of(self, object_key, source_id):
        """Id of the Odoo record a source id of an object became, or None; one
        query when the id was not fetched with its batch (:meth:`prefetch`)."""
        if not source_id or not source_id.strip():
            return None
        name = xid_name(object_key, source_id.strip())
        known = self._keys.get(object_key, {})
        if name not in known:
            self.prefetch(object_key, [source_id])
            known = self._keys[object_key]
        return known.get(name)

    # ------------------------------------------------------------------
    # Existing records by name or code
    # ------------------------------------------------------------------
    def adapter(self, model_name):
        if model_name not in self._adapters:
            self._adapters[model_name] = adapter_for(model_name)
        return self._adapters[model_name]

    def find(self, model_name, field_name, value, create=False):
        """Find a record by a field (case-insensitive), creating it if asked. Cached."""
        value = " ".join(str(value).split())
        key = (model_name, field_name, value.lower())
        if key in self._lookup_cache:
            return self._lookup_cache[key]
        Model = self.env[model_name]
        domain = self.adapter(model_name).lookup_domain(
            Model, field_name, value, self.project, self.preset
        )
        record = Model.search(domain, limit=1)
        if not record and create and not self.dry:
            record = Model.create({field_name: value})
            self.journal.log(
                "_lookup",
                f"{model_name}:{value}",
                model_name,
                record.id,
                "create",
                None,
                message=f'Created {Model._description} "{value}"',
            )
        self._lookup_cache[key] = record.id or None
        return record.id or None

    # ------------------------------------------------------------------
    # Owners
    # ------------------------------------------------------------------
    def user(self, raw, fallback=True):
        """Owner → the project's owner table, else res.users by email, then by exact
        name; else the fallback owner (None when there is none, or when
        ``fallback`` is False)."""
        user = self._user(raw)
        if user is None and fallback:
            return self.fallback_user or None
        return user

    def _user(self, raw):
        if self._owners is None:
            self._owners = self.env["migration.owner"]._user_map(self.project)
        if raw is not None and raw.strip().lower() in self._owners:
            user = self._owners[raw.strip().lower()]
            if user is None:
                self.unmatched_owners[raw.strip()] += 1
            return user
        if self._users is None:
            self._users = {}
            users = self.env["res.users"].search([("share", "=", False)])
            for user in users:
                for key in (user.email, user.login):
                    if key:
                        self._users.setdefault(key.strip().lower(), user)
                self._users.setdefault(f"name:{user.name.strip().lower()}", user)
        if raw is None:
            return None
        name, email = T.parse_owner(raw)
        user = (email and self._users.get(email)) or (
            name and self._users.get(f"name:{name.lower()}")
        )
        if user is None:
            self.unmatched_owners[raw.strip()] += 1
        return user

    # ------------------------------------------------------------------
    # Taxes
    # ------------------------------------------------------------------
    def tax(self, rate, use="sale"):
        """Id of the project's company's percent tax of ``rate`` for ``use`` (sale,
        purchase), or None: a tax is never created, its accounts and reports are the
        accountant's."""
        key = ("_tax", round(rate, 4), use)
        if key not in self._lookup_cache:
            company = self.project.company_id
            taxes = self.env["account.tax"].search(
                [
                    ("company_id", "parent_of", company.id),
                    ("type_tax_use", "=", use),
                    ("amount_type", "=", "percent"),
                    ("active", "=", True),
                ]
            )
            tax = taxes.filtered(lambda t: abs(t.amount - rate) < 0.00005)[:1]
            self._lookup_cache[key] = tax.id or None
        return self._lookup_cache[key]

    # ------------------------------------------------------------------
    # Pipelines
    # ------------------------------------------------------------------
    def stage_map(self, spec):
        """``{status lowercase: entry}``: the field map's value map, else the
        preset's."""
        if spec.value_map and all(isinstance(v, dict) for v in spec.value_map.values()):
            return {str(k).strip().lower(): v for k, v in spec.value_map.items()}
        if spec.stages:
            return self.preset.stage_entries(spec)
        return {}

    def pipeline(self, spec):
        """``(team id, {stage name lowercase: id})`` of a pipeline, created once."""
        key = spec.pipeline.strip().lower()
        if key not in self._pipelines:
            entries = [
                entry
                for obj_specs in self.specs.values()
                for other in obj_specs
                if other.transform == "stage"
                and (other.pipeline or "").strip().lower() == key
                for entry in self.stage_map(other).values()
            ] or list(self.stage_map(spec).values())

            def log(model, res_id, source_id, message):
                self.journal.log(
                    "_lookup", source_id, model, res_id, "create", None, message=message
                )

            self._pipelines[key] = schema.ensure_pipeline(
                self.env, self.project, spec.pipeline, entries, log, dry=self.dry
            )
        return self._pipelines[key]
