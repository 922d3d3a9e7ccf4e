# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reader of The Service Program's report-writer and QuickBooks exports.

What is particular to this platform (``source_apis.md`` §5, layouts ASSUMED):

- a customer exported twice is read once: the row modified last wins; QuickBooks
  jobs (sub-customers) come after their parent customer (the preset's parent column);
- invoices and payments come from QuickBooks and name the customer by its ``ListID``
  only: the reader adds the TSP customer id from ``customers.csv``;
- invoice lines come in their own file, joined to their invoice as ``_lines``;
- work order lines (tasks) get their work order's service location;
- technicians are named on work orders, agreements and notes: ``technicians.csv``
  gives their emails, so owners resolve to Odoo users by email;
- ``custom_fields.csv`` defines the custom work-order fields (exposed by
  :meth:`TheServiceProgramReader.custom_field_definitions`); their values are extra
  columns of ``work_orders.csv``, whose new fields get the type it declares
  (:meth:`TheServiceProgramReader.column_types`);
- TSP has no automation export: :meth:`automation_inventory` returns nothing and
  :attr:`automation_checklist` lists what the admin checks by hand.
"""

from typing import ClassVar

from ..parsers import InvalidValue, parse_datetime
from .base import FileReader

INVOICE_LINE_HEADERS = {
    "TxnID": ("txnid", "txn id", "invoice txnid", "qb txnid"),
    "Line #": ("line #", "line", "line no", "seq"),
    "Item": ("item", "item name", "qb item name", "service item"),
    "Description": ("description", "desc", "memo"),
    "Qty": ("qty", "quantity"),
    "Rate": ("rate", "price", "unit price"),
    "Amount": ("amount", "line total", "total"),
    "Sales Tax Code": ("sales tax code", "tax code", "tax"),
}
#: A custom field type of ``custom_fields.csv`` → the Odoo field type.
CUSTOM_FIELD_TYPES = {
    "list": "selection",
    "pick list": "selection",
    "picklist": "selection",
    "drop down": "selection",
    "dropdown": "selection",
    "number": "float",
    "numeric": "float",
    "decimal": "float",
    "integer": "integer",
    "whole number": "integer",
    "date": "date",
    "yes/no": "boolean",
    "checkbox": "boolean",
    "text": "char",
    "memo": "text",
}
CUSTOM_FIELD_HEADERS = {
    "name": ("field name", "name", "field", "label"),
    "applies_to": ("applies to", "work order type", "type filter", "used on"),
    "type": ("field type", "type", "data type"),
    "values": ("list values", "values", "options", "choices"),
}


class TheServiceProgramReader(FileReader):
    """Streams The Service Program's exports as preset records."""

    platform = "the_service_program"
    auxiliary_files: ClassVar[dict] = {
        "custom_fields": {
            "custom fields",
            "custom field definitions",
            "user defined fields",
            "udf",
        },
        "invoice_lines": {
            "invoice lines",
            "invoice line items",
            "invoice items",
            "qb invoice lines",
        },
    }
    #: ``_person``: a technician's own row names them as an owner (see
    #: :meth:`iter_records`), so that each is listed with the owners
    owner_columns = ("Technician", "Sales Rep", "Author", "_person")
    #: TSP exports no automation: what the admin checks by hand in TSP and
    #: QuickBooks before switching them off (from the migration plan).
    automation_checklist = (
        {
            "name": "Recurring service schedules",
            "kind": "automation",
            "trigger": "Agreement due date (weekly, monthly, every N days...)",
            "steps": [
                (
                    "Compare each agreement's frequency and next due date with the "
                    "recurring task migrated from it"
                ),
                "Switch on recurring tasks in Project settings",
                "Use subscriptions instead where the agreement is billed periodically",
            ],
            "timing": "Per agreement",
        },
        {
            "name": "Technician assignment and routes",
            "kind": "workflow",
            "trigger": "Work order created or scheduled",
            "steps": [
                (
                    "Note how TSP assigns technicians (route/zone, default technician "
                    "per agreement)"
                ),
                "Rebuild it as an automated action on tasks, or as planning rules",
            ],
            "timing": "",
        },
        {
            "name": "QuickBooks sync",
            "kind": "automation",
            "trigger": "Invoice or customer saved in TSP",
            "steps": [
                "Stop the TSP to QuickBooks sync at cut-over",
                (
                    "Decide whether QuickBooks stays (then keep the QB ListID and "
                    "TxnID fields for reconciliation) or Odoo Accounting replaces it"
                ),
            ],
            "timing": "",
        },
        {
            "name": "Mobile devices and customer portal sync",
            "kind": "workflow",
            "trigger": "Sync Mobile Devices / Sync Customer Portal",
            "steps": [
                "List the customers with a portal account (Portal Account Email)",
                "Grant them Odoo portal access",
                "Install the Odoo mobile app for the technicians",
            ],
            "timing": "Manual sync in TSP",
        },
        {
            "name": "Reminder texts and e-mails",
            "kind": "template",
            "trigger": "Service scheduled / service done",
            "steps": [
                (
                    "Copy the wording of TSP's reminder and notification messages "
                    "(SMS logs do not migrate)"
                ),
                "Recreate them as Odoo mail (or SMS) templates",
            ],
            "timing": "",
        },
        {
            "name": "Custom work-order fields and pick lists",
            "kind": "template",
            "trigger": "Work order type",
            "steps": [
                (
                    "Check the migrated custom fields against custom_fields.csv "
                    "(types and list values)"
                ),
                "Show them on the project and task forms",
            ],
            "timing": "",
        },
    )

    def __init__(self, preset, sources, options=None):
        super().__init__(preset, sources)
        self.options = dict(options or {})
        self.technicians = self._read_technicians()
        self._customer_by_list_id = None
        self._invoice_lines = None

    # ------------------------------------------------------------------
    # Auxiliary files and lookups
    # ------------------------------------------------------------------
    def _read_technicians(self):
        technicians = {}
        for _table, _line, data in FileReader._rows(self, "technician"):
            name = (data.get("Name") or "").strip()
            email = (data.get("Email") or "").strip()
            if name and "@" in email:
                technicians[name.lower()] = f"{name} <{email}>"
        return technicians

    def _with_owners(self, data):
        for column in self.owner_columns:
            value = (data.get(column) or "").strip()
            if value and "@" not in value:
                data[column] = self.technicians.get(value.lower(), value)
        return data

    def _customers_by_list_id(self):
        if self._customer_by_list_id is None:
            self._customer_by_list_id = {
                (data.get("QB ListID") or "").strip(): (
                    data.get("Customer ID") or ""
                ).strip()
                for _table, _line, data in FileReader._rows(self, "customer")
                if (data.get("QB ListID") or "").strip()
            }
        return self._customer_by_list_id

    def _lines_by_txn(self):
        if self._invoice_lines is None:
            index = {}
            for _line, row in self._aux_rows("invoice_lines", INVOICE_LINE_HEADERS):
                txn = (row.pop("TxnID", "") or "").strip()
                if txn:
                    index.setdefault(txn, []).append(row)
            self._invoice_lines = index
        return self._invoice_lines

    def orphan_lines(self):
        """``{"invoice_lines": [TxnID]}`` of lines whose invoice is not exported."""
        txns = {
            (data.get("TxnID") or "").strip()
            for _table, _line, data in FileReader._rows(self, "invoice")
        }
        missing = sorted(set(self._lines_by_txn()) - txns)
        return {"invoice_lines": missing} if missing else {}

    def custom_field_definitions(self):
        """The custom work-order fields ``custom_fields.csv`` defines.

        :returns: ``[{"name", "applies_to", "type", "values"}]``, ``values`` the
            list of a pick list's options
        """
        definitions = []
        for _line, row in self._aux_rows("custom_fields", CUSTOM_FIELD_HEADERS):
            name = (row.get("name") or "").strip()
            if name:
                values = [
                    v.strip()
                    for v in (row.get("values") or "").replace(",", ";").split(";")
                ]
                definitions.append(
                    {
                        "name": name,
                        "applies_to": (row.get("applies_to") or "").strip(),
                        "type": (row.get("type") or "").strip(),
                        "values": [v for v in values if v],
                    }
                )
        return definitions

    def column_types(self, obj):
        """The Odoo type of each custom work-order column, as ``custom_fields.csv``
        declares it (a pick list is a dropdown, a number a decimal)."""
        if obj.key != "work_order":
            return {}
        return {
            definition["name"]: CUSTOM_FIELD_TYPES[definition["type"].lower()]
            for definition in self.custom_field_definitions()
            if definition["type"].lower() in CUSTOM_FIELD_TYPES
        }

    # ------------------------------------------------------------------
    # Records
    # ------------------------------------------------------------------
    def _rows(self, object_key):
        if object_key == "customer":
            yield from self._latest_customers()
            return
        rows = super()._rows(object_key)
        if object_key in ("invoice", "payment"):
            yield from self._with_customer(object_key, rows)
        elif object_key == "work_order_line":
            yield from self._with_site(rows)
        else:
            yield from rows

    def _with_site(self, rows):
        """Work order lines get their work order's service location."""
        sites = {
            (data.get("Work Order #") or "").strip(): (
                data.get("Location ID") or ""
            ).strip()
            for _table, _line, data in FileReader._rows(self, "work_order")
        }
        for table, line, data in rows:
            if not (data.get("Location ID") or "").strip():
                number = (data.get("Work Order #") or "").strip()
                data["Location ID"] = sites.get(number, "")
            yield table, line, data

    def _with_customer(self, object_key, rows):
        by_list_id = self._customers_by_list_id()
        lines = self._lines_by_txn() if object_key == "invoice" else None
        for table, line, data in rows:
            if not (data.get("Customer ID") or "").strip():
                list_id = (data.get("Customer ListID") or "").strip()
                data["Customer ID"] = by_list_id.get(list_id, "")
            if lines is not None:
                txn = (data.get("TxnID") or "").strip()
                data["_lines"] = [dict(item) for item in lines.get(txn, ())]
            yield table, line, data

    def _latest_customers(self):
        """Each customer once: the row modified last (else the last row)."""
        order = self.preset.date_order
        chosen = {}
        rows = FileReader._rows(self, "customer")
        for position, (_table, _line, data) in enumerate(rows):
            source_id = (data.get("Customer ID") or "").strip()
            if not source_id:
                continue
            try:
                modified = parse_datetime(data.get("Modified Date"), order)
            except (InvalidValue, ValueError):
                modified = None
            previous = chosen.get(source_id)
            if (
                previous is None
                or modified is None
                or previous[1] is None
                or modified >= previous[1]
            ):
                chosen[source_id] = (position, modified)
        keep = {position for position, _modified in chosen.values()}
        for position, (table, line, data) in enumerate(
            FileReader._rows(self, "customer")
        ):
            if (data.get("Customer ID") or "").strip() and position not in keep:
                continue
            yield table, line, data

    def _found_columns(self, object_key):
        found = super()._found_columns(object_key)
        if object_key in ("invoice", "payment") and self.tables.get("customer"):
            found.add("Customer ID")  # from the customer's ListID
        if object_key == "work_order_line":
            found.add("Line ID")  # work order # and line #
            if self.tables.get("work_order"):
                found.add("Location ID")  # the work order's
        return found

    def iter_records(self, object_key, after=None):
        for record in super().iter_records(object_key):
            self._with_owners(record.data)
            if object_key == "technician":
                # the technician as the owners list names them: matched there by
                # e-mail to a user, or given one by the admin (the owners step)
                name = (record.data.get("Name") or "").strip()
                email = (record.data.get("Email") or "").strip()
                record.data["_person"] = (
                    f"{name} <{email}>" if name and "@" in email else name or email
                )
            yield record

    # ------------------------------------------------------------------
    # Automations
    # ------------------------------------------------------------------
    def automation_inventory(self):
        """Nothing: TSP exports no automation (see :attr:`automation_checklist`)."""
        return []
