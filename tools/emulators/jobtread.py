#!/usr/bin/env python3
# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A JobTread Pave API emulator, written from the public facts (``source_apis.md`` §1).

``POST /pave`` takes ``{"query": {"$": {"grantKey": ...}, ...}}``. It serves
``currentGrant`` (user, memberships, organizations), ``organization`` with its
connections (accounts, contacts, locations, jobs, customFields, costItems, costCodes,
costTypes, documents, files, comments, memberships, events), and single records by id
(``{"job": {"$": {"id": ...}, ...}}``). Connections take ``size`` (100 at most),
``page`` (the opaque ``nextPage`` cursor), ``sortBy`` and ``where`` (short and long
forms, ``and``/``or``, nested paths); nested connections (``customFieldValues``, a
document's ``costItems``...) too. A field unknown to the type is a 400.

The data is generated with Faker from a seed (same seed, same data): customers and
vendors (accounts), their contacts (e-mail and phone are custom field values), their
locations, jobs, custom fields (text, number, boolean, date, option, a multi-select
stored one value row per option), cost codes and types, budget cost items, documents
(customer orders and invoices, vendor orders and bills) with their lines, files
(served at their ``url``), comments, users and the event feed (one ``<entity>Created``
per record, plus some updates). ASSUMED where nothing is public: the default page size
(20), errors as plain text (401 bad or expired key, 403 other organization, 400 bad
query) and an event linking its target under the entity's name, even once deleted.

Tests change the data with :meth:`JobTreadEmulator.create`, :meth:`update`,
:meth:`delete` and :meth:`set_custom_field`; each emits its event. By hand::

    python3 tools/emulators/jobtread.py --port 0 --seed 1 --size small
"""

import argparse
import base64
import json
import random
import re
import string
import sys
from datetime import datetime, timedelta, timezone

from faker import Faker

try:
    from .faults import EmulatorServer, Fault, json_answer, text_answer
except ImportError:  # run as a script
    from faults import EmulatorServer, Fault, json_answer, text_answer

SIZES = {"small": 1, "medium": 10, "large": 50}
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
EPOCH = datetime(2023, 1, 2, 8, 0, tzinfo=timezone.utc)
MUTATION_EPOCH = datetime(2026, 1, 1, 0, 0, tzinfo=timezone.utc)
EVENT_ENTITIES = (
    "account",
    "comment",
    "contact",
    "document",
    "file",
    "job",
    "location",
)

# every entity an event may link (the feed's types); the data has the ones above
EVENT_LINKS = (
    *EVENT_ENTITIES,
    "dailyLog",
    "documentPayment",
    "payment",
    "task",
    "timeEntry",
)
# type → connection name under ``organization``
CONNECTIONS = {
    "accounts": "account",
    "contacts": "contact",
    "locations": "location",
    "jobs": "job",
    "customFields": "customField",
    "costCodes": "costCode",
    "costTypes": "costType",
    "costItems": "costItem",
    "documents": "document",
    "files": "file",
    "comments": "comment",
    "memberships": "membership",
    "events": "event",
}
# type → {field: (target type, key holding the target's id)}
LINKS = {
    "grant": {"user": ("user", "userId"), "organization": ("organization", "orgId")},
    "membership": {
        "user": ("user", "userId"),
        "organization": ("organization", "organizationId"),
    },
    "account": {
        "primaryContact": ("contact", "primaryContactId"),
        "primaryLocation": ("location", "primaryLocationId"),
    },
    "contact": {"account": ("account", "accountId")},
    "location": {
        "account": ("account", "accountId"),
        "contact": ("contact", "contactId"),
    },
    "job": {
        "location": ("location", "locationId"),
        "createdByUser": ("user", "createdByUserId"),
    },
    "customFieldValue": {"customField": ("customField", "customFieldId")},
    "costItem": {
        "job": ("job", "jobId"),
        "document": ("document", "documentId"),
        "costCode": ("costCode", "costCodeId"),
        "costType": ("costType", "costTypeId"),
    },
    "document": {"job": ("job", "jobId"), "account": ("account", "accountId")},
    "file": {
        "job": ("job", "jobId"),
        "account": ("account", "accountId"),
        "contact": ("contact", "contactId"),
        "document": ("document", "documentId"),
        "location": ("location", "locationId"),
        "createdByUser": ("user", "createdByUserId"),
    },
    "comment": {
        "job": ("job", "jobId"),
        "account": ("account", "accountId"),
        "document": ("document", "documentId"),
        "createdByUser": ("user", "createdByUserId"),
        "parentComment": ("comment", "parentCommentId"),
    },
    "event": {"createdByUser": ("user", "createdByUserId")},
}
# type → {connection: (child type, key holding the parent's id)}
CHILDREN = {
    "organization": {
        name: (kind, "organizationId") for name, kind in CONNECTIONS.items()
    },
    "user": {"memberships": ("membership", "userId")},
    "account": {
        "contacts": ("contact", "accountId"),
        "locations": ("location", "accountId"),
        "documents": ("document", "accountId"),
        "customFieldValues": ("customFieldValue", "targetId"),
    },
    "contact": {"customFieldValues": ("customFieldValue", "targetId")},
    "location": {
        "jobs": ("job", "locationId"),
        "customFieldValues": ("customFieldValue", "targetId"),
    },
    "job": {
        "documents": ("document", "jobId"),
        "costItems": ("costItem", "jobId"),
        "files": ("file", "jobId"),
        "comments": ("comment", "jobId"),
        "customFieldValues": ("customFieldValue", "targetId"),
    },
    "document": {"costItems": ("costItem", "documentId")},
    "costItem": {"customFieldValues": ("customFieldValue", "targetId")},
}
# Fields the real schema has that the generated data leaves empty (null, not a 400).
NULLABLE = {
    "account": {"qboId"},
    "location": {"county", "customTaxRate", "timeZone"},
    "job": {"specificationsDescription", "specificationsFooter", "parameters"},
    "document": {"externalId", "sourceId", "signedAt", "closedAt", "task"},
    "costItem": {"quantityFormula", "unitCostFormula", "unitPriceFormula", "globalId"},
    "file": {"folder", "description"},
    "comment": {"dailyLog", "timeEntry", "file", "task"},
    "event": {"createdByGrantName", "createdFrom", "data"},
}


class PaveError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class JobTreadEmulator(EmulatorServer):
    """JobTread's Pave API on 127.0.0.1, over generated data.

    :param seed: the data's seed (same seed and size, same data and keys)
    :param size: ``small``, ``medium`` or ``large`` (×1, ×10, ×50 records)
    :param organizations: how many organizations the key reaches (each its own data)
    :param port: see :class:`~faults.EmulatorServer`
    :param faults: see :class:`~faults.EmulatorServer`

    ``grant_key`` is the valid key, ``organization_ids`` the organizations, and
    ``records`` the data: type → id → dict (ids of linked records under ``<x>Id``).
    """

    def __init__(self, seed=1, size="small", organizations=1, port=0, faults=()):
        super().__init__(port=port, faults=faults)
        self.seed = seed
        self.scale = SIZES[size]
        self.rng = random.Random(seed)
        self.fake = Faker("en_US")
        self.fake.seed_instance(seed)
        self.grant_key = "22" + self._token(40)
        self.records = {}
        self.deleted = {}
        self._mutations = 0
        self._last_mutation = MUTATION_EPOCH
        self.user_id = None
        self.organization_ids = []
        self._generate(organizations)

    # ================================================================ data
    def _token(self, length, alphabet=string.ascii_letters + string.digits):
        return "".join(self.rng.choice(alphabet) for _ in range(length))

    def _new_id(self):
        while True:
            new = "22N" + self._token(9, string.ascii_uppercase + string.digits)
            if all(new not in table for table in self.records.values()):
                return new

    def _add(self, kind, **values):
        values.setdefault("id", self._new_id())
        self.records.setdefault(kind, {})[values["id"]] = values
        return values

    def _after(self, moment, max_days=30):
        return moment + timedelta(minutes=self.rng.randint(5, max_days * 24 * 60))

    def _generate(self, organizations):
        user = self._add(
            "user",
            name=self.fake.name(),
            emailAddress=self.fake.email(),
            createdAt=iso(EPOCH),
        )
        self.user_id = user["id"]
        grant = self._add("grant", userId=user["id"], orgId=None, createdAt=iso(EPOCH))
        for index in range(organizations):
            org = self._add(
                "organization",
                name=self.fake.company() + " Builders",
                createdAt=iso(EPOCH),
            )
            self.organization_ids.append(org["id"])
            _OrganizationData(self, org["id"], self.scale if index == 0 else 1).make()
        grant["orgId"] = self.organization_ids[0]

    def _of(self, org, kind):
        return (
            r
            for r in self.records.get(kind, {}).values()
            if r.get("organizationId") == org
        )

    def _event(self, org, event_type, entity, target_id, created_at, user_id):
        return self._add(
            "event",
            organizationId=org,
            type=event_type,
            createdAt=created_at,
            entity=entity,
            targetId=target_id,
            createdByUserId=user_id,
        )

    # ============================================================ mutations
    def now(self):
        """The next mutation time: the real time (a delta compares it with the
        client's clock), never before the generated data, one second apart at least."""
        self._mutations += 1
        floor = MUTATION_EPOCH + timedelta(seconds=self._mutations)
        moment = max(datetime.now(timezone.utc), floor, self._last_mutation)
        self._last_mutation = moment + timedelta(seconds=1)
        return iso(moment)

    def create(self, kind, organization=None, **values):
        """Add a record of ``kind`` (``job``, ``contact``...); returns its id."""
        with self._lock:
            created = self.now()
            record = self._add(
                kind,
                organizationId=organization or self.organization_ids[0],
                createdAt=created,
                **values,
            )
            if kind in EVENT_ENTITIES:
                self._event(
                    record["organizationId"],
                    f"{kind}Created",
                    kind,
                    record["id"],
                    created,
                    self.user_id,
                )
            return record["id"]

    def update(self, kind, record_id, **values):
        """Change fields of a record; emits ``<kind>Updated``."""
        with self._lock:
            record = self.records[kind][record_id]
            record.update(values)
            if kind in EVENT_ENTITIES:
                self._event(
                    record["organizationId"],
                    f"{kind}Updated",
                    kind,
                    record_id,
                    self.now(),
                    self.user_id,
                )

    def delete(self, kind, record_id):
        """Delete a record (kept as a tombstone for events); emits ``<kind>Deleted``."""
        with self._lock:
            record = self.records[kind].pop(record_id)
            self.deleted[record_id] = (kind, record)
            if kind in EVENT_ENTITIES:
                self._event(
                    record["organizationId"],
                    f"{kind}Deleted",
                    kind,
                    record_id,
                    self.now(),
                    self.user_id,
                )

    def set_custom_field(self, kind, record_id, field_name, values):
        """Replace a record's values of a custom field (a list for a multi-select)."""
        with self._lock:
            record = self.records[kind][record_id]
            field = next(
                f
                for f in self.records["customField"].values()
                if f["name"] == field_name
                and f["organizationId"] == record["organizationId"]
                and _target_matches(f["targetType"], kind, record, self)
            )
            table = self.records["customFieldValue"]
            for value_id in [
                i
                for i, v in table.items()
                if v["targetId"] == record_id and v["customFieldId"] == field["id"]
            ]:
                del table[value_id]
            for one in values if isinstance(values, list) else [values]:
                self._add(
                    "customFieldValue",
                    targetId=record_id,
                    customFieldId=field["id"],
                    value=one,
                    createdAt=self.now(),
                )
            if kind in EVENT_ENTITIES:
                self._event(
                    record["organizationId"],
                    f"{kind}Updated",
                    kind,
                    record_id,
                    self.now(),
                    self.user_id,
                )

    def events(self, organization=None):
        """The event feed, oldest first (for assertions)."""
        org = organization or self.organization_ids[0]
        return sorted(self._of(org, "event"), key=lambda e: (e["createdAt"], e["id"]))

    # ============================================================ protocol
    def expired(self, request):
        return text_answer(401, "Grant key expired.")

    def handle(self, request):
        if request.method == "GET" and request.path.startswith("/files/"):
            record = self.records.get("file", {}).get(request.path.split("/")[2])
            if record is None:
                return text_answer(404, "Not found.")
            return 200, {"Content-Type": record["type"]}, record["content"]
        if request.path.rstrip("/") != "/pave" or request.method != "POST":
            return text_answer(404, "Not found.")
        body = request.json
        if not isinstance(body, dict) or not isinstance(body.get("query"), dict):
            return text_answer(400, 'The body must be {"query": {...}}.')
        try:
            return json_answer(200, self._run(body["query"]))
        except PaveError as err:
            return text_answer(err.status, err.message)

    def _run(self, query):
        inputs = query.get("$") or {}
        key = inputs.get("grantKey")
        if not key:
            raise PaveError(401, "A grant key is required.")
        if key != self.grant_key:
            raise PaveError(401, "Invalid grant key.")
        out = {}
        for name, selection in query.items():
            if name == "$":
                continue
            real = _real_name(name, selection)
            if real == "currentGrant":
                grant = next(iter(self.records["grant"].values()))
                out[name] = self._project("grant", grant, selection)
            elif real == "organization":
                org_id = ((selection or {}).get("$") or {}).get("id")
                if org_id not in self.organization_ids:
                    raise PaveError(403, f"Access denied to organization {org_id}.")
                out[name] = self._project(
                    "organization", self.records["organization"][org_id], selection
                )
            elif real == "version":
                out[name] = "emulator"
            elif real in self.records:
                record_id = ((selection or {}).get("$") or {}).get("id")
                record = self.records[real].get(record_id)
                out[name] = self._project(real, record, selection) if record else None
            else:
                raise PaveError(400, f'Unknown field "{real}" on the root.')
        return out

    def _project(self, kind, record, selection):
        if not isinstance(selection, dict):
            raise PaveError(400, f"The selection of a {kind} must be an object.")
        out = {}
        for name, sub in selection.items():
            if name in ("$", "_"):
                continue
            real = _real_name(name, sub)
            if real in CHILDREN.get(kind, {}):
                child, key = CHILDREN[kind][real]
                rows = [
                    r
                    for r in self.records.get(child, {}).values()
                    if r.get(key) == record["id"]
                ]
                out[name] = self._connection(child, rows, sub)
            elif real in LINKS.get(kind, {}):
                target_kind, key = LINKS[kind][real]
                target = self.records.get(target_kind, {}).get(record.get(key))
                out[name] = self._project(target_kind, target, sub) if target else None
            elif kind == "event" and real in EVENT_LINKS:
                out[name] = self._event_target(record, real, sub)
            elif real in record and real not in (
                "content",
                "organizationId",
                "entity",
                "targetId",
            ):
                out[name] = (
                    self._file_url(record)
                    if kind == "file" and real == "url"
                    else record[real]
                )
            elif real in NULLABLE.get(kind, ()):
                out[name] = None
            else:
                raise PaveError(400, f'Unknown field "{real}" on type "{kind}".')
        return out

    def _event_target(self, event, entity, selection):
        if event["entity"] != entity:
            return None
        record = self.records.get(entity, {}).get(event["targetId"])
        if record is None:  # deleted: its id (and createdAt) only
            _kind, record = self.deleted.get(event["targetId"], (entity, None))
            if record is None:
                return {"id": event["targetId"]}
            return {k: record[k] for k in selection if k in ("id", "createdAt")}
        return self._project(entity, record, selection)

    def _file_url(self, record):
        return f"{self.url}/files/{record['id']}/{record['name']}"

    def _connection(self, kind, rows, selection):
        args = (selection or {}).get("$") or {}
        size = args.get("size", DEFAULT_PAGE_SIZE)
        if not isinstance(size, int) or not 0 < size <= MAX_PAGE_SIZE:
            raise PaveError(400, f"size must be between 1 and {MAX_PAGE_SIZE}.")
        if "where" in args:
            rows = [r for r in rows if self._matches(kind, r, args["where"])]
        sort_fields = [
            s["field"] if isinstance(s, dict) else s
            for s in args.get("sortBy") or [{"field": "createdAt"}]
        ]
        orders = [
            (s.get("order") or "asc") if isinstance(s, dict) else "asc"
            for s in args.get("sortBy") or [{}]
        ]
        if any(o != "asc" for o in orders):
            raise PaveError(400, "The emulator sorts ascending only.")

        def key(row):
            return [_sortable(row.get(f)) for f in sort_fields] + [row["id"]]

        rows = sorted(rows, key=key)
        total = len(rows)
        if args.get("page"):
            try:
                after = json.loads(base64.urlsafe_b64decode(args["page"].encode()))
            except ValueError:
                raise PaveError(400, "Invalid page.") from None
            rows = [r for r in rows if key(r) > after]
        page, rest = rows[:size], rows[size:]
        out = {}
        for name, sub in (selection or {}).items():
            real = _real_name(name, sub)
            if real == "$":
                continue
            if real == "nodes":
                out[name] = [self._project(kind, r, sub) for r in page]
            elif real == "nextPage":
                out[name] = (
                    base64.urlsafe_b64encode(
                        json.dumps(key(page[-1])).encode()
                    ).decode()
                    if rest and page
                    else None
                )
            elif real == "previousPage":
                out[name] = None
            elif real == "count":
                out[name] = total
            else:
                raise PaveError(400, f'Unknown field "{real}" on a connection.')
        return out

    def _value(self, kind, record, path):
        path = path if isinstance(path, list) else [path]
        for step in path[:-1]:
            if record is None or step not in LINKS.get(kind, {}):
                raise PaveError(400, f'Cannot filter on "{".".join(map(str, path))}".')
            kind, key = LINKS[kind][step]
            record = self.records.get(kind, {}).get(record.get(key))
        return None if record is None else record.get(path[-1])

    def _matches(self, kind, record, where):
        if isinstance(where, dict):
            if "and" in where:
                return all(self._matches(kind, record, c) for c in where["and"])
            if "or" in where:
                return any(self._matches(kind, record, c) for c in where["or"])
            if len(where) == 1:  # long form {">=": [{"field": [...]}, {"value": x}]}
                op, (left, right) = next(iter(where.items()))
                return _compare(
                    self._value(kind, record, left["field"]), op, right["value"]
                )
            raise PaveError(400, "Invalid where.")
        if isinstance(where, list) and len(where) == 2:
            return _compare(self._value(kind, record, where[0]), "=", where[1])
        if isinstance(where, list) and len(where) == 3:
            return _compare(self._value(kind, record, where[0]), where[1], where[2])
        raise PaveError(400, "Invalid where.")


CUSTOM_FIELDS = (
    # name, type, targetType, options, maxValuesAllowed
    ("Email", "emailAddress", "customerContact", [], 1),
    ("Phone", "phoneNumber", "customerContact", [], 1),
    ("Email", "emailAddress", "vendorContact", [], 1),
    ("Phone", "phoneNumber", "vendorContact", [], 1),
    ("Lead Source", "option", "customer", ["Google", "Referral", "Yard Sign"], 1),
    ("Referral Notes", "text", "customer", [], 1),
    ("Trade", "option", "vendor", ["Electrical", "Plumbing", "Roofing", "HVAC"], 1),
    ("Services", "option", "job", ["Kitchen", "Bath", "Roofing", "Siding", "Deck"], 5),
    ("Permit Required", "boolean", "job", [], 1),
    ("Roof Area (sq ft)", "number", "job", [], 1),
    ("Target Start", "date", "job", [], 1),
    ("Gate Code", "text", "location", [], 1),
    ("Warranty Years", "number", "costItem", [], 1),
)
COST_CODES = (
    "General Conditions",
    "Demolition",
    "Framing",
    "Electrical",
    "Plumbing",
    "Roofing",
    "Finishes",
)
COST_TYPES = (("Labor", 0.3), ("Materials", 0.25), ("Subcontractor", 0.15))
JOB_KINDS = ("Kitchen", "Bath", "Roof", "Deck", "Basement", "Siding")
LINE_NAMES = ("Labor", "Drywall", "Shingles", "Lumber", "Fixtures", "Permit fee")
DOCUMENT_NAMES = {
    "customerOrder": "Estimate",
    "customerInvoice": "Invoice",
    "vendorOrder": "Purchase Order",
    "vendorBill": "Bill",
}
FILE_TYPES = {"jpg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}


class _OrganizationData:
    """Generates one organization's records into an emulator (``scale`` × small)."""

    def __init__(self, emulator, org, scale):
        self.emu = emulator
        self.org = org
        self.n = scale
        self.rng = emulator.rng
        self.fake = emulator.fake
        self.users = []
        self.fields = {}
        self.customers = []
        self.vendors = []
        self.locations = []
        self.jobs = []

    def make(self):
        self._users()
        self._custom_fields()
        self._cost_codes()
        for index in range(36 * self.n):
            self._account(
                is_vendor=index % 6 == 5, moment=EPOCH + timedelta(days=index)
            )
        for number in range(40 * self.n):
            self._job(number)
        for index in range(30 * self.n):
            self._document(index)
        for _ in range(15 * self.n):
            self._file()
        for _ in range(40 * self.n):
            self._comment()
        self._events()

    def add(self, kind, created, **values):
        created = created if isinstance(created, str) else iso(created)
        return self.emu._add(kind, organizationId=self.org, createdAt=created, **values)

    def after(self, record, max_days):
        return self.emu._after(_moment(record), max_days)

    def value(self, target_type, record, name, val):
        spec = self.fields[(target_type, name)]
        for one in val if isinstance(val, list) else [val]:
            self.emu._add(
                "customFieldValue",
                targetId=record["id"],
                customFieldId=spec["id"],
                value=one,
                createdAt=record["createdAt"],
            )

    def options(self, target_type, name):
        return self.fields[(target_type, name)]["options"]

    def _users(self):
        self.users.append(self.emu.user_id)
        self.add("membership", EPOCH, userId=self.emu.user_id)
        for _ in range(4):
            user = self.emu._add(
                "user",
                name=self.fake.name(),
                emailAddress=self.fake.company_email(),
                createdAt=iso(EPOCH),
            )
            self.users.append(user["id"])
            self.add("membership", EPOCH, userId=user["id"])

    def _custom_fields(self):
        for name, ftype, target, options, max_values in CUSTOM_FIELDS:
            self.fields[(target, name)] = self.add(
                "customField",
                EPOCH,
                name=name,
                type=ftype,
                targetType=target,
                position=len(self.fields),
                defaultValue=None,
                options=options,
                minValuesRequired=0,
                maxValuesAllowed=max_values,
            )

    def _cost_codes(self):
        self.codes = [
            self.add("costCode", EPOCH, name=label, number=f"{i + 1:02d}-000")
            for i, label in enumerate(COST_CODES)
        ]
        self.types = [
            self.add("costType", EPOCH, name=label, margin=margin)
            for label, margin in COST_TYPES
        ]

    def _account(self, is_vendor, moment):
        rng, fake = self.rng, self.fake
        company = is_vendor or rng.random() < 0.3
        account = self.add(
            "account",
            moment + timedelta(minutes=rng.randint(0, 600)),
            name=fake.company() if company else fake.name(),
            type="vendor" if is_vendor else "customer",
            isTaxable=not is_vendor,
            archivedAt=None,
            primaryContactId=None,
            primaryLocationId=None,
        )
        if is_vendor:
            self.vendors.append(account)
            self.value(
                "vendor", account, "Trade", rng.choice(self.options("vendor", "Trade"))
            )
        else:
            self.customers.append(account)
            source = rng.choice(self.options("customer", "Lead Source"))
            self.value("customer", account, "Lead Source", source)
            if rng.random() < 0.3:
                self.value("customer", account, "Referral Notes", fake.sentence())
        for position in range(rng.choice([1, 1, 2, 2, 3])):
            contact = self._contact(account, is_vendor)
            if position == 0:
                account["primaryContactId"] = contact["id"]
        if not is_vendor:
            for position in range(rng.choice([1, 1, 1, 2])):
                location = self._location(account)
                if position == 0:
                    account["primaryLocationId"] = location["id"]

    def _contact(self, account, is_vendor):
        first, last = self.fake.first_name(), self.fake.last_name()
        contact = self.add(
            "contact",
            self.after(account, 1),
            name=f"{first} {last}",
            firstName=first,
            lastName=last,
            title=self.rng.choice([None, "Owner", "Office Manager", "Project Manager"]),
            accountId=account["id"],
        )
        target = "vendorContact" if is_vendor else "customerContact"
        email = f"{first}.{last}@{self.fake.free_email_domain()}".lower()
        self.value(target, contact, "Email", email)
        self.value(target, contact, "Phone", self.fake.numerify("(###) ###-####"))
        return contact

    def _location(self, account):
        fake = self.fake
        street, city = fake.street_address(), fake.city()
        state, zip_code = fake.state_abbr(), fake.zipcode()
        location = self.add(
            "location",
            self.after(account, 2),
            name=street,
            address=f"{street}, {city}, {state} {zip_code}",
            street=street,
            city=city,
            state=state,
            postalCode=zip_code,
            country="US",
            formattedAddress=f"{street}\n{city}, {state} {zip_code}",
            latitude=float(fake.latitude()),
            longitude=float(fake.longitude()),
            taxRate=self.rng.choice([0.0625, 0.0725, 0.08]),
            accountId=account["id"],
            contactId=account["primaryContactId"],
        )
        if self.rng.random() < 0.2:
            self.value("location", location, "Gate Code", fake.numerify("#####"))
        self.locations.append(location)
        return location

    def _job(self, number):
        rng = self.rng
        location = rng.choice(self.locations)
        created = self.after(location, 20)
        closed = created + timedelta(days=rng.randint(20, 120))
        job = self.add(
            "job",
            created,
            name=f"{rng.choice(JOB_KINDS)} - {location['street']}",
            number=str(1000 + number),
            description=self.fake.paragraph(nb_sentences=2),
            closedOn=closed.date().isoformat() if rng.random() < 0.4 else None,
            lineItemsUpdatedAt=iso(created),
            scheduleIsPublished=rng.random() < 0.5,
            priceType=rng.choice(["fixed", "fixed", "costPlus"]),
            defaultRetainagePercentage=rng.choice([0, 0, 5, 10]),
            useSimpleSelections=False,
            locationId=location["id"],
            createdByUserId=rng.choice(self.users),
        )
        self.jobs.append(job)
        services = rng.sample(self.options("job", "Services"), rng.randint(1, 3))
        self.value("job", job, "Services", services)
        self.value("job", job, "Permit Required", rng.random() < 0.5)
        if rng.random() < 0.5:
            self.value("job", job, "Roof Area (sq ft)", rng.randint(800, 4200))
        start = (created + timedelta(days=14)).date().isoformat()
        self.value("job", job, "Target Start", start)
        for position in range(3):
            self._cost_item(job, None, position, created)

    def _cost_item(self, job, document, position, created):
        rng = self.rng
        quantity = rng.choice([1, 2, 4, 10, 25, 120])
        unit_cost = round(rng.uniform(5, 400), 2)
        unit_price = round(unit_cost * rng.choice([1.2, 1.3, 1.5]), 2)
        item = self.add(
            "costItem",
            created + timedelta(seconds=position + 1),
            name=rng.choice(LINE_NAMES),
            description=self.fake.sentence(nb_words=6),
            quantity=quantity,
            unitCost=unit_cost,
            unitPrice=unit_price,
            cost=round(quantity * unit_cost, 2),
            price=round(quantity * unit_price, 2),
            priceWithTax=round(quantity * unit_price, 2),
            isTaxable=rng.random() < 0.6,
            isSelected=True,
            allowanceType=None,
            jobArea=None,
            position=position,
            jobId=job["id"],
            documentId=document["id"] if document else None,
            costCodeId=rng.choice(self.codes)["id"],
            costTypeId=rng.choice(self.types)["id"],
        )
        if rng.random() < 0.1:
            self.value("costItem", item, "Warranty Years", rng.choice([1, 2, 5, 10]))
        return item

    def _document(self, index):
        rng = self.rng
        job = rng.choice(self.jobs)
        kind = rng.choice(list(DOCUMENT_NAMES) + ["customerOrder", "customerInvoice"])
        created = self.after(job, 10)
        customer_id = self.emu.records["location"][job["locationId"]]["accountId"]
        is_customer = kind.startswith("customer")
        document = self.add(
            "document",
            created,
            name=DOCUMENT_NAMES[kind],
            fullName=f"{DOCUMENT_NAMES[kind]} {index + 1}",
            number=str(index + 1),
            type=kind,
            status=rng.choice(["draft", "pending", "approved", "sent", "void"]),
            issueDate=created.date().isoformat(),
            dueDate=(created + timedelta(days=30)).date().isoformat(),
            dueDays=30,
            subject=self.fake.sentence(nb_words=4),
            description=self.fake.sentence(),
            taxRate=0.0725 if is_customer else 0.0,
            taxName="Sales Tax",
            includeInBudget=kind == "customerOrder",
            jobId=job["id"],
            accountId=customer_id if is_customer else rng.choice(self.vendors)["id"],
        )
        lines = [
            self._cost_item(job, document, position, created)
            for position in range(rng.randint(1, 5))
        ]
        price = round(sum(line["price"] for line in lines), 2)
        tax = round(price * document["taxRate"], 2)
        paid = 0.0
        if kind == "customerInvoice":
            paid = round((price + tax) * rng.choice([0, 0, 0.5, 1]), 2)
        document.update(
            cost=round(sum(line["cost"] for line in lines), 2),
            price=price,
            tax=tax,
            priceWithTax=round(price + tax, 2),
            amountPaid=paid,
            balance=round(price + tax - paid, 2),
        )

    def _file(self):
        rng = self.rng
        job = rng.choice(self.jobs)
        extension = rng.choice(list(FILE_TYPES))
        stem = rng.choice(["site-photo", "contract", "permit", "drawing"])
        name = f"{stem}-{self.emu._token(4).lower()}.{extension}"
        content = f"{name} of job {job['number']}\n{self.fake.paragraph()}".encode()
        self.add(
            "file",
            self.after(job, 30),
            name=name,
            url=None,
            size=len(content),
            type=FILE_TYPES[extension],
            jobId=job["id"],
            accountId=self.emu.records["location"][job["locationId"]]["accountId"],
            createdByUserId=rng.choice(self.users),
            content=content,
        )

    def _comment(self):
        rng = self.rng
        job = rng.choice(self.jobs)
        earlier = [
            c for c in self.emu._of(self.org, "comment") if c["jobId"] == job["id"]
        ]
        parent = rng.choice(earlier) if earlier and rng.random() < 0.3 else None
        self.add(
            "comment",
            self.after(parent or job, 60),
            message=self.fake.paragraph(nb_sentences=2),
            name=None,
            isPinned=rng.random() < 0.05,
            isVisibleToAll=False,
            isVisibleToCustomerRoles=rng.random() < 0.3,
            isVisibleToInternalRoles=True,
            isVisibleToVendorRoles=False,
            isFromEmail=rng.random() < 0.1,
            targetType="job",
            jobId=job["id"],
            accountId=None,
            documentId=None,
            createdByUserId=rng.choice(self.users),
            parentCommentId=parent["id"] if parent else None,
        )

    def _events(self):
        owner = self.emu.user_id
        for entity in EVENT_ENTITIES:
            for record in list(self.emu._of(self.org, entity)):
                user = record.get("createdByUserId") or owner
                self.emu._event(
                    self.org,
                    f"{entity}Created",
                    entity,
                    record["id"],
                    record["createdAt"],
                    user,
                )
        for job in self.rng.sample(self.jobs, max(1, len(self.jobs) // 5)):
            moment = iso(self.after(job, 40))
            self.emu._event(self.org, "jobUpdated", "job", job["id"], moment, owner)


def _target_matches(target_type, kind, record, emu):
    if kind == "account":
        return target_type == record["type"]
    if kind == "contact":
        account = emu.records["account"].get(record["accountId"]) or {}
        return target_type == f"{account.get('type', 'customer')}Contact"
    return target_type == kind


def _moment(record):
    return datetime.fromisoformat(record["createdAt"][:19]).replace(tzinfo=timezone.utc)


def _real_name(name, selection):
    if isinstance(selection, dict) and isinstance(selection.get("_"), str):
        return selection["_"]
    return name


def _sortable(value):
    return [value is None, "" if value is None else str(value)]


def _compare(left, op, right):
    if op in ("=", "!="):
        return (left == right) == (op == "=")
    if op == "in":
        return left in right
    if op == "like":
        pattern = "^" + re.escape(str(right)).replace("%", ".*").replace("_", ".") + "$"
        return (
            left is not None and re.match(pattern, str(left), re.IGNORECASE) is not None
        )
    if left is None:
        return False
    if op == "between":
        return right[0] <= left <= right[1]
    try:
        return {
            ">": left > right,
            ">=": left >= right,
            "<": left < right,
            "<=": left <= right,
        }[op]
    except KeyError:
        raise PaveError(400, f'Unknown operator "{op}".') from None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--organizations", type=int, default=1)
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="KIND[:AT[:TIMES]]",
        help="inject a fault, e.g. 429:3:2 or expired:10",
    )
    args = parser.parse_args(argv)
    faults = [Fault(*_fault_args(spec)) for spec in args.fault]
    emulator = JobTreadEmulator(
        args.seed, args.size, args.organizations, args.port, faults
    )
    emulator.start()
    counts = {kind: len(rows) for kind, rows in sorted(emulator.records.items())}
    print(f"JobTread emulator on {emulator.url}  (POST {emulator.url}/pave)")
    print(f"grant key: {emulator.grant_key}")
    print(f"organizations: {', '.join(emulator.organization_ids)}")
    print(f"records: {json.dumps(counts)}")
    print("Ctrl-C to stop.", flush=True)
    emulator.wait()
    return 0


def _fault_args(spec):
    kind, *rest = spec.split(":")
    return (kind, *(int(x) for x in rest))


if __name__ == "__main__":
    sys.exit(main())
