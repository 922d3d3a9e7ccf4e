# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reader of JobTread over its Pave API (``source_apis.md`` §1), and of its CSV
exports for accounts without API access.

What is particular to this platform:

- one organization per project: the grant key may reach several (the admin chooses,
  :meth:`JobTreadReader.check_connection` lists them);
- customers and vendors are both ``accounts``, told apart by ``type``; contacts and
  locations belong to an account, a job to a location (its customer is the
  location's account);
- e-mail and phone of a contact are custom field values; every custom field value
  becomes a column named after its field (a multi-select, one value row per option,
  becomes tags, ``_tags``), typed as text the way an export would hold it;
- owners are users: ``Name <email>`` from the organization's memberships, so that
  they resolve to Odoo users by email;
- cost items become one product per item name, the catalog's item (no job) first,
  else the first one created; documents carry their cost items as lines;
- every list is paged by ``nextPage`` and sorted by ``createdAt``: a record's resume
  token is its page and id;
- entities have no ``updatedAt``: a delta reads the event feed since the last run and
  fetches again only the records it names (cost items raise no events: they are read
  whole, the unchanged ones skipped by their hash).
"""

import io

from ..clients.http import AccountAccessError, RequestError
from ..clients.jobtread import JobTreadClient, OrganizationChoiceError
from ..presets.jobtread import TAGS, item_key
from .api import ApiReader, ConnectionCheck, Credential, text
from .base import FileReader

#: custom field types read from the API
EMAIL_TYPE, PHONE_TYPE = "emailAddress", "phoneNumber"
VALUES = {"$": {"size": 100}, "nodes": {"value": {}, "customField": {"id": {}}}}
ADDRESS = {"street": {}, "city": {}, "state": {}, "postalCode": {}, "country": {}}
LINES = {
    "$": {"size": 100},
    "nodes": {
        "id": {},
        "name": {},
        "description": {},
        "quantity": {},
        "unitPrice": {},
        "unitCost": {},
    },
}

#: object key → (Pave connection, where, node selection)
QUERIES = {
    "customer": (
        "accounts",
        ["type", "customer"],
        {
            "name": {},
            "type": {},
            "isTaxable": {},
            "archivedAt": {},
            "createdAt": {},
            "primaryLocation": {"id": {}, **ADDRESS},
            "customFieldValues": VALUES,
        },
    ),
    "customer_contact": (
        "contacts",
        [["account", "type"], "customer"],
        {
            "name": {},
            "firstName": {},
            "lastName": {},
            "title": {},
            "createdAt": {},
            "account": {"id": {}, "type": {}},
            "customFieldValues": VALUES,
        },
    ),
    "location": (
        "locations",
        [["account", "type"], "customer"],
        {
            "name": {},
            "address": {},
            **ADDRESS,
            "createdAt": {},
            "account": {"id": {}},
            "contact": {"id": {}},
            "customFieldValues": VALUES,
        },
    ),
    "job": (
        "jobs",
        None,
        {
            "name": {},
            "number": {},
            "description": {},
            "closedOn": {},
            "priceType": {},
            "createdAt": {},
            "createdByUser": {"id": {}},
            "location": {"id": {}, **ADDRESS, "account": {"id": {}}},
            "documents": {
                "$": {"size": 100},
                "nodes": {"type": {}, "status": {}, "price": {}},
            },
            "costItems": {
                "$": {"size": 100},
                "nodes": {"price": {}, "document": {"id": {}}},
            },
            "customFieldValues": VALUES,
        },
    ),
    "cost_item": (
        "costItems",
        None,
        {
            "name": {},
            "description": {},
            "unitCost": {},
            "unitPrice": {},
            "createdAt": {},
            "costCode": {"id": {}, "name": {}},
            "costType": {"id": {}, "name": {}},
            "job": {"id": {}},
            "document": {"id": {}},
            "customFieldValues": VALUES,
        },
    ),
    "customer_order": (
        "documents",
        ["type", "customerOrder"],
        {
            "type": {},
            "name": {},
            "fullName": {},
            "number": {},
            "status": {},
            "issueDate": {},
            "dueDate": {},
            "subject": {},
            "description": {},
            "price": {},
            "tax": {},
            "priceWithTax": {},
            "amountPaid": {},
            "balance": {},
            "createdAt": {},
            "account": {"id": {}},
            "job": {"id": {}},
            "costItems": LINES,
        },
    ),
    "file": (
        "files",
        None,
        {
            "name": {},
            "url": {},
            "size": {},
            "type": {},
            "createdAt": {},
            "createdByUser": {"id": {}},
            "job": {"id": {}},
            "account": {"id": {}},
            "contact": {"id": {}},
            "document": {"id": {}},
            "location": {"id": {}},
        },
    ),
    "comment": (
        "comments",
        None,
        {
            "message": {},
            "name": {},
            "createdAt": {},
            "createdByUser": {"id": {}},
            "job": {"id": {}},
            "account": {"id": {}},
            "document": {"id": {}},
        },
    ),
}
QUERIES["vendor"] = ("accounts", ["type", "vendor"], QUERIES["customer"][2])
QUERIES["vendor_contact"] = (
    "contacts",
    [["account", "type"], "vendor"],
    QUERIES["customer_contact"][2],
)
QUERIES["customer_invoice"] = (
    "documents",
    ["type", "customerInvoice"],
    QUERIES["customer_order"][2],
)

#: event entity → the objects its records are read as
EVENT_OBJECTS = {
    "account": ("customer", "vendor"),
    "contact": ("customer_contact", "vendor_contact"),
    "location": ("location",),
    "job": ("job",),
    "document": ("customer_order", "customer_invoice"),
    "file": ("file",),
    "comment": ("comment",),
}
ENTITY_OF = {key: entity for entity, keys in EVENT_OBJECTS.items() for key in keys}
#: object key → the ``targetType`` of its custom fields
TARGETS = {
    "customer": "customer",
    "vendor": "vendor",
    "customer_contact": "customerContact",
    "vendor_contact": "vendorContact",
    "location": "location",
    "job": "job",
    "cost_item": "costItem",
}
#: JobTread custom field type → Odoo field type (a multi-select: tags)
FIELD_TYPES = {
    "text": "char",
    "number": "float",
    "boolean": "boolean",
    "date": "date",
    "datetime": "datetime",
    "option": "selection",
    "emailAddress": "char",
    "phoneNumber": "char",
    "url": "char",
    "time": "char",
    "address": "text",
}

CHECKLIST = (
    {
        "name": "Workflows and automations",
        "kind": "workflow",
        "trigger": "JobTread Settings > Workflows: triggers on jobs, documents, tasks",
        "steps": [
            "List each workflow's trigger, conditions and actions in JobTread",
            (
                "Rebuild it as an Odoo automated action (Settings > Technical > "
                "Automation Rules) or an activity plan"
            ),
        ],
        "timing": "",
    },
    {
        "name": "Budget templates",
        "kind": "template",
        "trigger": "New job from a budget template (formulas and parameters)",
        "steps": [
            "Note each template's cost items, formulas and parameters",
            "Rebuild it as an Odoo quotation template (Sales > Configuration)",
        ],
        "timing": "",
    },
    {
        "name": "Selection templates",
        "kind": "template",
        "trigger": "Customer selections on a proposal (options, allowances)",
        "steps": [
            "Note each selection's options and allowances",
            "Rebuild them as optional products of a quotation template",
        ],
        "timing": "",
    },
    {
        "name": "Notifications and document reminders",
        "kind": "automation",
        "trigger": "Document sent, signed or overdue; daily log and task reminders",
        "steps": [
            "Check JobTread's notification settings",
            "Rebuild with Odoo's follow-up reminders and mail templates",
        ],
        "timing": "",
    },
)


def _id(node, name):
    value = (node or {}).get(name)
    return text((value or {}).get("id")) if isinstance(value, dict) else ""


def _person(first, last):
    return " ".join(part for part in (first, last) if part)


def _owner(name, email):
    if email:
        return f"{name} <{email}>" if name else email
    return name or ""


class JobTreadReader(ApiReader):
    """Streams one JobTread organization as preset records."""

    platform = "jobtread"
    default_root = JobTreadClient.default_root
    account_label = "Organization"
    supports_delta = True
    credentials = (
        Credential(
            "grant_key",
            "Grant key",
            "JOBTREAD_GRANT_KEY",
            help=(
                "In JobTread, Settings > Integrations > API > Grants: create a grant "
                "and copy its key (it is shown once, and expires after 3 months "
                "without use)."
            ),
        ),
    )
    owner_columns = ("Created By", "Author", "Uploaded By")
    automation_checklist = CHECKLIST

    def __init__(self, preset, source, options=None):
        super().__init__(preset, source, options)
        self._fields = None  # custom field id → definition
        self._users = None  # user id → "Name <email>"
        self._changes = None

    # ------------------------------------------------------------------ client
    def make_client(self):
        options = dict(self.source.options or {})
        page_size = options.pop("page_size", 100)
        return JobTreadClient(
            self.source.credentials.get("grant_key"),
            self.source.root or self.default_root,
            organization_id=self.source.account or None,
            page_size=page_size,
            **options,
        )

    def check_connection(self):
        """The organization the key reads, or the ones to choose among."""
        organizations = self.client.organizations()
        chosen = self.source.account
        if chosen:
            match = next((o for o in organizations if o["id"] == chosen), None)
            if match is None:
                raise AccountAccessError(
                    f"The JobTread API key has no access to the organization "
                    f"{chosen}. Use a key of a user who is a member of that "
                    "organization, or choose another organization."
                )
            return self._connected(match)
        if not organizations:
            raise AccountAccessError(
                "The JobTread API key gives access to no organization. Use a key "
                "of a user who is a member of the organization to migrate."
            )
        if len(organizations) > 1:
            names = ", ".join(f"{o['name']} ({o['id']})" for o in organizations)
            err = OrganizationChoiceError(
                "The JobTread API key gives access to several organizations: "
                f"{names}. Choose the one to migrate.",
                organizations,
            )
            return ConnectionCheck(False, str(err), accounts=err.organizations)
        return self._connected(organizations[0])

    @staticmethod
    def _connected(organization):
        name = organization.get("name") or organization["id"]
        return ConnectionCheck(
            True,
            f'Connected to the JobTread organization "{name}".',
            accounts=[organization],
            account_name=name,
        )

    def open_file(self, path):
        """The bytes of a file at its url, through the client's session (retried,
        the key never sent to it)."""
        if not path:
            return None
        try:
            return io.BytesIO(self.client.download(path))
        except RequestError:  # 404: the file is gone from JobTread
            return None

    def automation_inventory(self):
        """Pave exposes no workflows or templates: nothing is read; the checklist
        (:attr:`automation_checklist`) says what to look at in JobTread."""
        return []

    # ------------------------------------------------------------------ lookups
    def custom_fields(self):
        """``{custom field id: {"name", "type", "multiple"}}`` of the organization."""
        if self._fields is None:
            self._fields = {}
            fields = {"name": {}, "type": {}, "targetType": {}, "maxValuesAllowed": {}}
            for node, _page in self.client.iter_nodes("customFields", fields):
                self._fields[node["id"]] = {
                    "name": " ".join((node.get("name") or node["id"]).split()),
                    "type": node.get("type") or "text",
                    "target": node.get("targetType"),
                    "multiple": node.get("type") == "option"
                    and (node.get("maxValuesAllowed") or 1) > 1,
                }
        return self._fields

    def column_types(self, obj):
        """The Odoo type of each custom field of the object, from its JobTread
        type (a multi-select is tags, not a column)."""
        target = TARGETS.get(obj.key)
        return {
            spec["name"]: FIELD_TYPES.get(spec["type"], "char")
            for spec in self.custom_fields().values()
            if spec["target"] == target and not spec["multiple"]
        }

    def users(self):
        """``{user id: "Name <email>"}`` of the organization's members."""
        if self._users is None:
            self._users = {}
            fields = {"user": {"id": {}, "name": {}, "emailAddress": {}}}
            for node, _page in self.client.iter_nodes("memberships", fields):
                user = node.get("user") or {}
                if user.get("id"):
                    self._users[user["id"]] = _owner(
                        text(user.get("name")), text(user.get("emailAddress"))
                    )
        return self._users

    def _user(self, node, name="createdByUser"):
        user_id = _id(node, name)
        return self.users().get(user_id, "") if user_id else ""

    def _custom_values(self, node, data):
        """Each custom field value as a column of its field's name (not over a
        column the record has); e-mail and phone fields fill Email and Phone first;
        multi-selects become ``_tags``."""
        values, tags = {}, []
        fields = self.custom_fields()
        for row in ((node.get("customFieldValues") or {}).get("nodes")) or ():
            spec = fields.get(_id(row, "customField"))
            value = text(row.get("value"))
            if not spec or not value:
                continue
            if spec["multiple"]:
                tags.append(value)
                continue
            values.setdefault(spec["name"], []).append((spec["type"], value))
        for name, typed in values.items():
            kind = typed[0][0]
            value = "; ".join(v for _t, v in typed)
            for column, wanted in (("Email", EMAIL_TYPE), ("Phone", PHONE_TYPE)):
                if kind == wanted and "Email" in data and not data.get(column):
                    data[column] = value
                    break
            else:
                if name not in data:
                    data[name] = value
        data[TAGS] = "; ".join(tags)
        return data

    # ------------------------------------------------------------------ records
    def fetch(self, obj, after=None):
        if obj.key == "cost_item":
            yield from self._cost_items(obj)
            return
        connection, where, fields = QUERIES[obj.key]
        after = after or {}
        nodes = self.client.iter_nodes(
            connection,
            fields,
            where=where,
            start_page=after.get("page"),
            start_after=after.get("id"),
        )
        for position, (node, page) in enumerate(nodes, start=1):
            yield self.record(
                obj,
                node["id"],
                self.data(obj.key, node),
                position,
                resume={"page": page, "id": node["id"]},
            )

    def data(self, key, node):
        """The columns of an object's record from its Pave node."""
        return getattr(self, f"_data_{ENTITY_OF.get(key, key)}")(node)

    def _data_account(self, node):
        location = node.get("primaryLocation") or {}
        data = {
            "Account Id": text(node["id"]),
            "Name": text(node.get("name")),
            "Type": text(node.get("type")),
            "Taxable": text(node.get("isTaxable")),
            "Archived At": text(node.get("archivedAt")),
            "Created At": text(node.get("createdAt")),
            **self._address(location),
        }
        return self._custom_values(node, data)

    @staticmethod
    def _address(node):
        return {
            "Street": text(node.get("street")),
            "City": text(node.get("city")),
            "State": text(node.get("state")),
            "Zip": text(node.get("postalCode")),
            "Country": text(node.get("country")),
        }

    def _data_contact(self, node):
        data = {
            "Contact Id": text(node["id"]),
            "Account Id": _id(node, "account"),
            "Name": text(node.get("name")),
            "First Name": text(node.get("firstName")),
            "Last Name": text(node.get("lastName")),
            "Title": text(node.get("title")),
            "Email": "",
            "Phone": "",
            "Created At": text(node.get("createdAt")),
        }
        data = self._custom_values(node, data)
        data["_person"] = _person(data["First Name"], data["Last Name"])
        return data

    def _data_location(self, node):
        data = {
            "Location Id": text(node["id"]),
            "Account Id": _id(node, "account"),
            "Name": text(node.get("name")),
            "Address": text(node.get("address")),
            **self._address(node),
            "Contact Id": _id(node, "contact"),
            "Created At": text(node.get("createdAt")),
        }
        return self._custom_values(node, data)

    def _data_job(self, node):
        location = node.get("location") or {}
        documents = ((node.get("documents") or {}).get("nodes")) or []
        orders = [d for d in documents if d.get("type") == "customerOrder"]
        approved = [d for d in orders if d.get("status") == "approved"]
        if approved:
            amount = sum(d.get("price") or 0 for d in approved)
        else:  # the job's budget: its cost items that are on no document
            items = ((node.get("costItems") or {}).get("nodes")) or []
            amount = sum(i.get("price") or 0 for i in items if not _id(i, "document"))
        data = {
            "Job Id": text(node["id"]),
            "Account Id": _id(location, "account"),
            "Location Id": text(location.get("id")),
            "Name": text(node.get("name")),
            "Number": text(node.get("number")),
            "Description": text(node.get("description")),
            "Closed On": text(node.get("closedOn")),
            "Amount": text(round(float(amount), 2)),
            "Price Type": text(node.get("priceType")),
            "Created By": self._user(node),
            "Created At": text(node.get("createdAt")),
            **self._address(location),
            "_order_statuses": ";".join(text(d.get("status")) for d in orders),
            "_invoiced": text(
                any(
                    d.get("type") == "customerInvoice"
                    and d.get("status") not in ("draft", "void")
                    for d in documents
                )
            ),
        }
        return self._custom_values(node, data)

    def _data_document(self, node):
        lines = [
            {
                "item": item_key(line.get("name")),
                "name": "\n".join(
                    t
                    for t in (text(line.get("name")), text(line.get("description")))
                    if t
                ),
                "qty": text(line.get("quantity")),
                "price": text(line.get("unitPrice")),
            }
            for line in ((node.get("costItems") or {}).get("nodes")) or ()
        ]
        return {
            "Document Id": text(node["id"]),
            "Account Id": _id(node, "account"),
            "Job Id": _id(node, "job"),
            "Full Name": text(node.get("fullName") or node.get("name")),
            "Number": text(node.get("number")),
            "Status": text(node.get("status")),
            "Issue Date": text(node.get("issueDate")),
            "Due Date": text(node.get("dueDate")),
            "Subject": text(node.get("subject")),
            "Description": text(node.get("description")),
            "Price": text(node.get("price")),
            "Tax": text(node.get("tax")),
            "Price With Tax": text(node.get("priceWithTax")),
            "Amount Paid": text(node.get("amountPaid")),
            "Balance": text(node.get("balance")),
            "Created At": text(node.get("createdAt")),
            "_lines": lines,
        }

    def _data_file(self, node):
        return {
            "File Id": text(node["id"]),
            "Name": text(node.get("name")),
            "Url": text(node.get("url")),
            "Type": text(node.get("type")),
            "Size": text(node.get("size")),
            "Job Id": _id(node, "job"),
            "Document Id": _id(node, "document"),
            "Contact Id": _id(node, "contact"),
            "Location Id": _id(node, "location"),
            "Account Id": _id(node, "account"),
            "Uploaded By": self._user(node),
            "Created At": text(node.get("createdAt")),
        }

    def _data_comment(self, node):
        return {
            "Comment Id": text(node["id"]),
            "Job Id": _id(node, "job"),
            "Document Id": _id(node, "document"),
            "Account Id": _id(node, "account"),
            "Message": text(node.get("message")),
            "Author": self._user(node),
            "Created At": text(node.get("createdAt")),
        }

    def _data_cost_item(self, node):
        data = {
            "Item Key": item_key(node.get("name")),
            "Name": " ".join(text(node.get("name")).split()),
            "Description": text(node.get("description")),
            "Unit Cost": text(node.get("unitCost")),
            "Unit Price": text(node.get("unitPrice")),
            "Cost Type": text((node.get("costType") or {}).get("name")),
            "Cost Code": text((node.get("costCode") or {}).get("name")),
            "Created At": text(node.get("createdAt")),
        }
        return self._custom_values(node, data)

    def _cost_items(self, obj):
        """One record per item name: a catalog item (on no job) first, else the
        first one created. No resume token: the engine resumes by position."""
        connection, where, fields = QUERIES["cost_item"]
        chosen = {}
        for node, _page in self.client.iter_nodes(connection, fields, where=where):
            key = item_key(node.get("name"))
            if not key:
                continue
            catalog = not _id(node, "job") and not _id(node, "document")
            kept = chosen.get(key)
            if kept is None or (catalog and not kept[0]):
                chosen[key] = (catalog, node)
        for position, (key, (_catalog, node)) in enumerate(chosen.items(), start=1):
            yield self.record(obj, key, self._data_cost_item(node), position)

    # ------------------------------------------------------------------ deltas
    def changes(self):
        """The event feed since the last run, read once."""
        if self._changes is None:
            self._changes = self.client.changes_since(self.since)
        return self._changes

    def fetch_changes(self, obj):
        if obj.key == "cost_item":
            # no events of their own: read whole, the unchanged skipped by hash
            yield from self._cost_items(obj)
            return
        entity = ENTITY_OF[obj.key]
        changes = self.changes()
        self._deleted[obj.key] = sorted(changes.deleted.get(entity, ()))
        ids = list(changes.upserted.get(entity, ()))
        if obj.key == "job":
            ids += self._jobs_of_documents(changes)
        if not ids:
            return
        connection, _where, fields = QUERIES[obj.key]
        nodes = self.client.get_nodes(connection, ids, fields)
        wanted = self._belongs(obj.key)
        for position, node in enumerate(nodes, start=1):
            if wanted(node):
                yield self.record(obj, node["id"], self.data(obj.key, node), position)

    def _jobs_of_documents(self, changes):
        """A job's amount and stage follow its documents: jobs of changed ones."""
        documents = list(changes.upserted.get("document", ()))
        if not documents:
            return []
        nodes = self.client.get_nodes("documents", documents, {"job": {"id": {}}})
        return [_id(node, "job") for node in nodes if _id(node, "job")]

    @staticmethod
    def _belongs(key):
        """Which re-fetched nodes are records of the object (accounts, contacts
        and documents are read as several objects)."""
        where = QUERIES[key][1]
        if where is None:
            return lambda node: True
        path, value = where
        if isinstance(path, list):
            return lambda node: ((node.get(path[0]) or {}).get(path[1])) == value
        return lambda node: node.get(path) == value


class JobTreadFileReader(FileReader):
    """JobTread's CSV exports, for accounts without API access: the preset's
    columns under the export's headers (aliases). Not registered for the platform:
    the project picks it when the source is files (:attr:`JobTreadReader.file_reader`).
    """

    owner_columns = JobTreadReader.owner_columns
    automation_checklist = CHECKLIST

    def iter_records(self, object_key, after=None):
        for record in super().iter_records(object_key, after):
            record.data.setdefault(TAGS, "")
            yield record


JobTreadReader.file_reader = JobTreadFileReader
