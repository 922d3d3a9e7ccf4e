# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reader of Contractor+'s CSV / XLSX exports (a ZIP of them, or single files).

What is particular to this platform (``source_apis.md`` §3, layouts ASSUMED):

- estimate and invoice items come in their own files; they are joined to their
  document as ``_lines`` (items whose document is not in the export are listed by
  :meth:`ContractorPlusReader.orphan_lines`, never loaded);
- an estimate names its job through the invoice it became (``_job``: the job of
  that invoice, from ``invoices.csv`` or ``jobs.csv``), and each invoice item the
  estimate it bills (``_estimate``);
- a client exported twice is read once: the row updated last wins;
- payments name their invoice only: the client comes from the invoice;
- staff are named on jobs, leads, calls, meetings (attendees, separated by ``;``)
  and notes: ``staff.csv`` gives their emails, so owners resolve to Odoo users by
  email;
- calls and notes come oldest first (Odoo's chatter orders history by creation);
- ``automations.csv`` lists the account's automations: they do not migrate, and
  :meth:`ContractorPlusReader.automation_inventory` hands them to the rebuild list.
"""

import re
from typing import ClassVar

from ..parsers import InvalidValue, parse_datetime
from ..presets.contractor_plus import ITEM_COLUMNS
from .base import FileReader

#: Line file → (document object, canonical key column and its aliases).
LINE_FILES = {
    "estimate_items": (
        "estimate",
        ("Estimate #", "Estimate Number", "Estimate No", "Estimate ID"),
    ),
    "invoice_items": (
        "invoice",
        ("Invoice #", "Invoice Number", "Invoice No", "Invoice ID"),
    ),
}
#: Automations file: canonical key → spellings of its header.
AUTOMATION_HEADERS = {
    "name": ("name", "automation name", "automation", "title"),
    "kind": ("type", "kind", "automation type", "category"),
    "trigger": ("trigger", "when", "trigger event", "event"),
    "steps": ("steps", "actions", "action sequence", "sequence", "what happens"),
    "timing": ("delay", "timing", "schedule", "frequency", "wait"),
    "status": ("status", "active", "state", "enabled"),
}
STEP_SEPARATORS = re.compile(r"\s*(?:>|→|\||;|\n|\r)\s*")


class ContractorPlusReader(FileReader):
    """Streams Contractor+'s exports as preset records."""

    platform = "contractor_plus"
    auxiliary_files: ClassVar[dict] = {
        "staff": {"staff", "staff list", "users", "employees", "team", "team members"},
        "automations": {
            "automations",
            "automation list",
            "automation rules",
            "workflows",
        },
        "estimate_items": {
            "estimate items",
            "estimate line items",
            "estimate lines",
            "estimate item list",
        },
        "invoice_items": {
            "invoice items",
            "invoice line items",
            "invoice lines",
            "invoice item list",
        },
    }
    owner_columns = (
        "Assigned To",
        "Assigned Staff",
        "Staff",
        "Author",
        "Uploaded By",
    )
    #: columns naming several staff members, separated by ``;``
    people_columns = ("Attendees",)
    #: What the export does not carry and the admin rebuilds by hand (seed).
    automation_checklist = (
        {
            "name": "Client portal sharing settings",
            "kind": "workflow",
            "trigger": "Client portal: every linked job is shared by default",
            "steps": [
                (
                    "Decide which clients get Odoo portal access (see the Portal "
                    "Access field on migrated clients)"
                ),
                "Grant portal access from the contact's Action menu",
            ],
            "timing": "",
        },
        {
            "name": "Payment integrations",
            "kind": "automation",
            "trigger": "Online payment on an invoice",
            "steps": ["Set up an Odoo payment provider", "Enable it on invoices"],
            "timing": "",
        },
    )

    def __init__(self, preset, sources, options=None):
        super().__init__(preset, sources)
        self.options = dict(options or {})
        self.staff = self._read_staff()
        self._line_index = {}

    # ------------------------------------------------------------------
    # Auxiliary files
    # ------------------------------------------------------------------
    def _read_staff(self):
        spellings = {
            "name": ("name", "staff name", "full name", "employee"),
            "email": ("email", "e-mail", "email address"),
        }
        staff = {}
        for _line, row in self._aux_rows("staff", spellings):
            name = (row.get("name") or "").strip()
            email = (row.get("email") or "").strip()
            if name and email:
                staff[name.lower()] = f"{name} <{email}>"
        return staff

    def _with_owners(self, data):
        """A staff member's name becomes ``Name <email>`` where staff.csv knows it."""
        for column in self.owner_columns:
            value = (data.get(column) or "").strip()
            if value and "@" not in value:
                data[column] = self.staff.get(value.lower(), value)
        for column in self.people_columns:
            names = [n.strip() for n in (data.get(column) or "").split(";")]
            if any(names):
                data[column] = "; ".join(
                    name if "@" in name else self.staff.get(name.lower(), name)
                    for name in names
                    if name
                )
        return data

    def _lines_of(self, aux):
        """``{document number: [line data]}`` of an item file, keyed by the preset's
        item columns (read once)."""
        if aux in self._line_index:
            return self._line_index[aux]
        _document, key_spellings = LINE_FILES[aux]
        spellings = {col.name: (col.name, *col.aliases) for col in ITEM_COLUMNS}
        spellings["_document"] = key_spellings
        index = {}
        for _line, row in self._aux_rows(aux, spellings):
            number = (row.pop("_document", "") or "").strip()
            if number:
                index.setdefault(number, []).append(row)
        self._line_index[aux] = index
        return index

    def orphan_lines(self):
        """``{item file: [document numbers]}`` of items whose estimate or invoice is
        not in the export: they cannot be loaded (no parent to hold them)."""
        orphans = {}
        for aux, (document, _spellings) in LINE_FILES.items():
            obj = self.preset.get(document)
            numbers = {
                (data.get(obj.id_column) or "").strip()
                for _table, _line, data in FileReader._rows(self, document)
            }
            missing = sorted(set(self._lines_of(aux)) - numbers)
            if missing:
                orphans[aux] = missing
        return orphans

    # ------------------------------------------------------------------
    # Records
    # ------------------------------------------------------------------
    def _rows(self, object_key):
        if object_key == "client":
            yield from self._latest_rows("client", "Client ID", "Updated Date")
            return
        rows = super()._rows(object_key)
        if object_key == "estimate":
            yield from self._with_job(
                self._joined(rows, "estimate_items", "Estimate #")
            )
        elif object_key == "invoice":
            yield from self._billing(self._joined(rows, "invoice_items", "Invoice #"))
        elif object_key == "payment":
            yield from self._with_client(rows)
        else:
            yield from rows

    def _joined(self, rows, aux, key_column):
        index = self._lines_of(aux)
        for table, line, data in rows:
            number = (data.get(key_column) or "").strip()
            data["_lines"] = [dict(item) for item in index.get(number, ())]
            yield table, line, data

    def _with_job(self, rows):
        """An estimate's job: the one its invoice names (Estimate # → Invoice # →
        Job #), from the invoice file, else the job file's Invoice # column."""
        jobs = {}
        for _table, _line, data in FileReader._rows(self, "job"):
            invoice = (data.get("Invoice #") or "").strip()
            if invoice:
                jobs.setdefault(invoice, (data.get("Job #") or "").strip())
        for _table, _line, data in FileReader._rows(self, "invoice"):
            invoice = (data.get("Invoice #") or "").strip()
            job = (data.get("Job #") or "").strip()
            if invoice and job:
                jobs[invoice] = job
        by_estimate = {}
        for _table, _line, data in FileReader._rows(self, "invoice"):
            estimate = (data.get("Estimate #") or "").strip()
            invoice = (data.get("Invoice #") or "").strip()
            if estimate and invoice:
                by_estimate.setdefault(estimate, invoice)
        for table, line, data in rows:
            number = (data.get("Estimate #") or "").strip()
            invoice = (data.get("Invoice #") or "").strip() or by_estimate.get(number)
            data["_job"] = jobs.get(invoice, "") if invoice else ""
            yield table, line, data

    @staticmethod
    def _billing(rows):
        """Each invoice item names the estimate its invoice bills."""
        for table, line, data in rows:
            estimate = (data.get("Estimate #") or "").strip()
            for item in data.get("_lines", ()):
                item["_estimate"] = estimate
            yield table, line, data

    def _with_client(self, rows):
        """Payments get their invoice's client when the file does not name it."""
        clients = {
            (data.get("Invoice #") or "").strip(): (data.get("Client ID") or "").strip()
            for _table, _line, data in FileReader._rows(self, "invoice")
        }
        for table, line, data in rows:
            if not (data.get("Client ID") or "").strip():
                data["Client ID"] = clients.get((data.get("Invoice #") or "").strip())
            yield table, line, data

    def _latest_rows(self, object_key, id_column, updated_column):
        """Each id once: the row with the latest update date (else the last row)."""
        order = self.preset.date_order
        chosen = {}
        for position, (_table, _line, data) in enumerate(
            FileReader._rows(self, object_key)
        ):
            source_id = (data.get(id_column) or "").strip()
            if not source_id:
                continue
            try:
                updated = parse_datetime(data.get(updated_column), order)
            except (InvalidValue, ValueError):
                updated = None
            previous = chosen.get(source_id)
            if (
                previous is None
                or updated is None
                or previous[1] is None
                or updated >= previous[1]
            ):
                chosen[source_id] = (position, updated)
        keep = {position for position, _updated in chosen.values()}
        for position, (table, line, data) in enumerate(
            FileReader._rows(self, object_key)
        ):
            source_id = (data.get(id_column) or "").strip()
            if source_id and position not in keep:
                continue
            yield table, line, data

    def iter_records(self, object_key, after=None):
        if object_key in ("note", "call"):
            records = self._oldest_first(object_key)
        else:
            records = super().iter_records(object_key)
        for record in records:
            self._with_owners(record.data)
            yield record

    def _oldest_first(self, object_key):
        order = self.preset.date_order
        records = list(super().iter_records(object_key))

        def key(record):
            try:
                moment = parse_datetime(record.data.get("Date"), order)
            except (InvalidValue, ValueError):
                moment = None
            return (moment is None, moment or 0, record.line)

        records.sort(key=key)
        return records

    def _found_columns(self, object_key):
        found = super()._found_columns(object_key)
        if object_key == "payment" and self.tables.get("invoice"):
            found.add("Client ID")  # from the invoice
        return found

    # ------------------------------------------------------------------
    # Automations (not migrated: listed for the rebuild)
    # ------------------------------------------------------------------
    def automation_inventory(self):
        """The account's automations as the export lists them.

        :returns: ``[{"name", "kind", "trigger", "steps", "timing", "active"}]``:
            ``kind`` as the export words it (Workflow, Automation, Email Sequence,
            Template...), ``steps`` a list of strings in order, ``active`` a bool
        """
        automations = []
        for _line, row in self._aux_rows("automations", AUTOMATION_HEADERS):
            name = (row.get("name") or "").strip()
            if not name:
                continue
            steps = [
                step
                for step in STEP_SEPARATORS.split(row.get("steps") or "")
                if step.strip()
            ]
            status = (row.get("status") or "").strip().lower()
            automations.append(
                {
                    "name": name,
                    "kind": (row.get("kind") or "").strip(),
                    "trigger": (row.get("trigger") or "").strip(),
                    "steps": steps,
                    "timing": (row.get("timing") or "").strip(),
                    "active": status not in ("paused", "inactive", "off", "no", "n"),
                }
            )
        return automations
