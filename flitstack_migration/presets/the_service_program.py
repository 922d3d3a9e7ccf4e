# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Service Program (TSP): its export files and where each object lands in Odoo.

TSP is a Windows desktop program tied to QuickBooks, with no public API: its data
leaves through its report writer and QuickBooks' exports (``source_apis.md`` §5). The
layouts below are ASSUMED; every column carries the spellings seen in other exports
as aliases. QuickBooks keys are kept: ``ListID`` on customers, ``TxnID`` on invoices
and payments, the ``Customer:Job`` full name.

Load order follows the migration plan: technicians first, then customers (parents
before their QuickBooks jobs) and their service locations, leads, agreements, work
orders and their lines, invoices and payments, equipment, then notes.

Invoice lines come in their own file (``invoice_lines.csv``): the reader joins them to
their invoice as ``_lines``. Invoices and payments name customers by ListID only: the
reader adds the TSP customer id. Custom work-order fields are extra columns of
``work_orders.csv``; ``custom_fields.csv`` defines them and their types.

Held, never written as orphans: a work order or an agreement whose customer or
service location did not migrate, a work-order line whose work order did not (their
``ref`` rows are required: the record fails, with the reason, and is counted so).
Equipment is a product of its own (Inventory is not a dependency); where Inventory
is installed, the admin may also land each serial number as a lot of it.
"""

import re
from datetime import date

from ..parsers import InvalidValue, parse_date
from .base import Column as C
from .base import FieldSpec as F
from .base import ObjectSpec, Preset, register
from .base import Stage as S

PLATFORM = "the_service_program"
LEAD_PIPELINE = "The Service Program leads"
AGREEMENT_PROJECT = "Service agreements (The Service Program)"

#: A frequency word → (interval, unit) of an Odoo task recurrence.
FREQUENCY_WORDS = {
    "daily": (1, "day"),
    "weekly": (1, "week"),
    "bi weekly": (2, "week"),
    "biweekly": (2, "week"),
    "every other week": (2, "week"),
    # "semi monthly" (the 1st and the 15th) is no Odoo recurrence: it is kept in
    # the agreement's frequency field, the task does not repeat
    "monthly": (1, "month"),
    "bi monthly": (2, "month"),
    "bimonthly": (2, "month"),
    "every other month": (2, "month"),
    "quarterly": (3, "month"),
    "semi annual": (6, "month"),
    "semiannual": (6, "month"),
    "annual": (1, "year"),
    "annually": (1, "year"),
    "yearly": (1, "year"),
}
_EVERY = re.compile(r"every\s+(\d+)\s*(day|week|month|year)s?", re.IGNORECASE)
_PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)\s*%")
#: QuickBooks sales tax codes of a line that is not taxed (blank too).
NON_TAXABLE_CODES = {"non", "n", "no", "false", "0", "exempt", "ex", "e", "out"}

CUSTOMER_ID = C(
    "Customer ID",
    ("TSP Customer ID", "Cust ID", "Customer Number", "Customer Id"),
    required=True,
)
OPTIONAL_CUSTOMER_ID = C(
    "Customer ID", ("TSP Customer ID", "Cust ID", "Customer Number", "Customer Id")
)
LOCATION_ID = C("Location ID", ("Site ID", "Service Location ID", "Location #"))
TECHNICIAN = C("Technician", ("Tech", "Technician Name", "Assigned Tech", "Employee"))


def parse_frequency(text):
    """``(interval, unit)`` of a TSP frequency ("Every 45 Days", "Quarterly"), or
    ``None`` when it does not read as one."""
    text = " ".join(re.sub(r"[^a-z0-9 ]", " ", (text or "").lower()).split())
    if not text:
        return None
    match = _EVERY.search(text)
    if match:
        return int(match.group(1)), match.group(2)
    return FREQUENCY_WORDS.get(text)


def _person(row):
    return " ".join(
        part for part in (row.get("First Name"), row.get("Last Name")) if part
    ).strip()


def _prepare_customer(row):
    company = (row.get("Company Name") or "").strip()
    full = (row.get("QB Full Name") or "").strip()
    row["_person"] = _person(row)
    row["_is_company"] = "yes" if company else "no"
    # a QuickBooks job with an address of its own (a job site) keeps it: Odoo
    # gives a contact under a customer the customer's address
    has_parent = bool((row.get("Parent Customer ID") or "").strip())
    own_address = any(
        (row.get(column) or "").strip()
        for column in ("Bill Address 1", "Bill City", "Bill Zip")
    )
    row["_type"] = "other" if has_parent and own_address else "contact"
    # a QuickBooks job is named after its last "Customer:Job" segment
    row["_name"] = company or row["_person"] or full.rsplit(":", 1)[-1].strip()
    return row


def _prepare_location(row):
    name = (row.get("Location Name") or "").strip()
    street = (row.get("Address 1") or "").strip()
    row["_name"] = " - ".join(part for part in (name, street) if part) or "Site"
    return row


def _ended(row):
    """Whether the agreement's end date has passed (Odoo repeats a task only until
    a date to come: an ended agreement is a task that no longer recurs)."""
    try:
        end = parse_date(row.get("End Date") or "")
    except InvalidValue:
        return False  # the transform reports the date it cannot read
    return bool(end) and end < date.today()


def _prepare_agreement(row):
    """Recurrence of the agreement's task, read from its frequency; none once the
    agreement has ended or is inactive."""
    recurrence = parse_frequency(row.get("Frequency"))
    active = (row.get("Active") or "y").strip().lower() not in ("n", "no", "false")
    active = active and not _ended(row)
    recurring = bool(recurrence) and active
    end = (row.get("End Date") or "").strip()
    row["_recurring"] = "yes" if recurring else "no"
    # a task that does not recur has no recurrence to describe (Odoo keeps none)
    row["_interval"] = str(recurrence[0]) if recurring else ""
    row["_unit"] = recurrence[1] if recurring else ""
    row["_until"] = ("until" if end else "forever") if recurring else ""
    row["_until_date"] = end if recurring else ""
    item = (row.get("Service Item") or "Service").strip()
    row["_title"] = f"{item} ({(row.get('Frequency') or '').strip()})".replace(
        " ()", ""
    )
    return row


def _prepare_work_order(row):
    number = (row.get("Work Order #") or "").strip()
    when = (row.get("Scheduled Date") or "").strip()
    row["_title"] = f"WO {number} ({when})" if when else f"WO {number}"
    return row


def _prepare_work_order_line(row):
    number = (row.get("Work Order #") or "").strip()
    line = (row.get("Line #") or "").strip()
    if not (row.get("Line ID") or "").strip() and number:
        row["Line ID"] = f"{number}-{line or '1'}"
    row["_title"] = (
        (row.get("Description") or "").strip()
        or (row.get("Item") or "").strip()
        or f"Line {line}"
    )
    return row


def invoice_tax_rate(row):
    """The rate of an invoice's sales tax item as text (``"7.25"``): its rate
    column, else the percentage its item's name gives (``"Wake 7.25%"``), else
    None."""
    rate = (row.get("Sales Tax Rate") or "").strip().replace("%", "").strip()
    if rate:
        return rate
    match = _PERCENT.search(row.get("Sales Tax Item") or "")
    return match.group(1).replace(",", ".") if match else None


def _prepare_invoice(row):
    """Each line gets ``_name`` and ``_tax_rate``: the invoice's sales tax rate
    where its sales tax code is taxable, ``0`` where it is not (QuickBooks taxes a
    whole invoice at one sales tax item's rate, line by line)."""
    rate = invoice_tax_rate(row)
    item = (row.get("Sales Tax Item") or "").strip()
    for line in row.get("_lines", ()) or ():
        line["_name"] = (
            (line.get("Description") or "").strip()
            or (line.get("Item") or "").strip()
            or "Service"
        )
        code = (line.get("Sales Tax Code") or "").strip().lower()
        if not code or code in NON_TAXABLE_CODES:
            line["_tax_rate"] = "0"
        else:
            # no rate in the export: a warning on the invoice, no tax guessed
            line["_tax_rate"] = rate or f"{item or 'sales tax'} (rate not exported)"
    return row


def _prepare_lead(row):
    name = (row.get("Name") or "").strip()
    company = (row.get("Company") or "").strip()
    service = (row.get("Requested Service") or "").strip()
    who = company or name or "Lead"
    row["_title"] = f"{service} - {who}" if service else who
    return row


def _prepare_equipment(row):
    row["_product"] = " ".join(
        part.strip()
        for part in (row.get("Make"), row.get("Model"), row.get("Type"))
        if part and part.strip()
    )
    serial = (row.get("Serial #") or "").strip()
    name = row["_product"] or (row.get("Equipment ID") or "").strip()
    row["_name"] = f"{name} (S/N {serial})" if serial else name
    return row


def _has_serial(row):
    return bool((row.get("Serial #") or "").strip())


def _has_contact_person(row):
    return row.get("_is_company") == "yes" and bool(row.get("_person"))


PRESET = register(
    Preset(
        platform=PLATFORM,
        label="The Service Program",
        export_help=(
            "In The Service Program, export your customers, service locations, "
            "technicians, agreements, work orders with their lines, invoices, "
            "payments, equipment, leads and notes as CSV or Excel files (its report "
            "writer, and the QuickBooks export), and upload them here, or one ZIP "
            "with all of them."
        ),
        custom_prefix="x_tsp_",
        date_order="MDY",
        default_country="US",
        objects=(
            ObjectSpec(
                key="technician",
                label="Technicians",
                model="hr.employee",
                files=("technicians", "technician list", "techs", "employees"),
                columns=(
                    C("Tech ID", ("Technician ID", "Employee ID", "Tech #"), True),
                    C("Name", ("Technician", "Tech Name", "Employee Name"), True),
                    C("Email", ("E-mail", "Email Address")),
                    C("Phone", ("Mobile", "Cell", "Phone Number")),
                    C("QB Employee ListID", ("ListID", "QB ListID", "Employee ListID")),
                    C("Certifications", ("Certification", "Certs", "Credentials")),
                    C("License #", ("License", "License Number", "Applicator #")),
                    C("Active", ("Is Active", "Status")),
                ),
                id_column="Tech ID",
                custom_fields=True,
                fields=(
                    F("name", "Name", required=True),
                    F("work_email", "Email", "email"),
                    # the technician's own user, as the owners step matched it
                    # (same e-mail first) or the admin gave one; never the
                    # fallback owner
                    F("user_id", "_person", "user", fallback=False),
                    F("mobile_phone", "Phone", "phone"),
                    F("active", "Active", "boolean", default="yes"),
                    F("x_certifications", "Certifications"),
                    F("x_tsp_license_number", "License #"),
                    F("x_qb_employee_ref", "QB Employee ListID"),
                ),
            ),
            ObjectSpec(
                key="customer",
                label="Customers",
                model="res.partner",
                files=("customers", "customer list", "customer", "accounts"),
                columns=(
                    CUSTOMER_ID,
                    C("QB ListID", ("ListID", "QuickBooks ListID", "QB List ID")),
                    C("QB Full Name", ("Full Name", "Customer:Job", "QB Name")),
                    C("Parent Customer ID", ("Parent ID", "Parent", "Parent Cust ID")),
                    C("Company Name", ("Company", "Business Name")),
                    C("First Name", ("First",)),
                    C("Last Name", ("Last",)),
                    C("Bill Address 1", ("Bill To 1", "Billing Address", "Address")),
                    C("Bill Address 2", ("Bill To 2", "Address 2")),
                    C("Bill City", ("City", "Bill To City")),
                    C("Bill State", ("State", "Bill To State")),
                    C("Bill Zip", ("Bill To Zip", "Zip", "Postal Code", "Bill ZIP")),
                    C("Phone", ("Main Phone", "Home Phone")),
                    C("Alt Phone", ("Alternate Phone", "Work Phone", "Phone 2")),
                    C("Mobile", ("Cell", "Mobile Phone", "Cell Phone")),
                    C("Email", ("E-mail", "Email Address", "Main Email")),
                    C("Customer Type", ("Cust Type", "Type")),
                    C("Sales Rep", ("Rep", "Salesperson")),
                    C("Terms", ("Payment Terms",)),
                    C("Tax Code", ("Sales Tax Code", "Tax Item")),
                    C("Balance", ("Open Balance", "Balance Due")),
                    C("Active", ("Is Active", "Status")),
                    C("Portal Account Email", ("Portal Email", "Portal Login")),
                    C("Created Date", ("Created", "Date Created", "Time Created")),
                    C("Modified Date", ("Modified", "Time Modified", "Last Modified")),
                    C("Notes", ("Note", "Comments")),
                ),
                id_column="Customer ID",
                parent_column="Parent Customer ID",
                prepare=_prepare_customer,
                created_column="Created Date",
                custom_fields=True,
                context={"res_partner_search_mode": "customer"},
                fields=(
                    F("name", "_name", required=True),
                    F("is_company", "_is_company", "boolean"),
                    F("parent_id", "Parent Customer ID", "ref", ref="customer"),
                    F(
                        "type",
                        "_type",
                        "value_map",
                        value_map={"contact": "contact", "other": "other"},
                    ),
                    F("ref", "Customer ID"),
                    F("email", "Email", "email"),
                    F("phone", ("Phone", "Alt Phone"), "phone"),
                    F("mobile", "Mobile", "phone"),
                    F("street", "Bill Address 1"),
                    F("street2", "Bill Address 2"),
                    F("city", "Bill City"),
                    F("zip", "Bill Zip"),
                    F("state_id", "Bill State", "lookup", lookup="code"),
                    F("country_id", None, "lookup", lookup="code", default="US"),
                    F("user_id", "Sales Rep", "user"),
                    F("active", "Active", "boolean", default="yes"),
                    F("comment", "Notes"),
                    F("x_qb_customer_ref", "QB ListID"),
                    F("x_qb_full_name", "QB Full Name"),
                    F("x_tsp_customer_type", "Customer Type"),
                    F("x_tsp_terms", "Terms"),
                    F("x_tsp_tax_code", "Tax Code"),
                    F("x_tsp_balance", "Balance", "money"),
                    F("x_tsp_portal_email", "Portal Account Email"),
                ),
            ),
            ObjectSpec(
                key="customer_person",
                label="People of commercial customers",
                model="res.partner",
                derived_from="customer",
                when=_has_contact_person,
                fields=(
                    F("name", "_person", required=True),
                    F("parent_id", "Customer ID", "ref", ref="customer", required=True),
                    F("type", None, "constant", default="contact"),
                    F("email", "Email", "email"),
                    F("mobile", "Mobile", "phone"),
                ),
            ),
            ObjectSpec(
                key="service_location",
                label="Service locations",
                model="res.partner",
                files=("service locations", "locations", "sites", "service sites"),
                columns=(
                    C("Location ID", ("Site ID", "Service Location ID"), True),
                    CUSTOMER_ID,
                    C("Location Name", ("Site Name", "Name", "Location")),
                    C("Address 1", ("Address", "Street", "Service Address")),
                    C("Address 2", ("Street 2",)),
                    C("City", ("Service City",)),
                    C("State", ("Service State",)),
                    C("Zip", ("Zip Code", "Postal Code", "Service Zip")),
                    C("Gate/Access Notes", ("Gate Code", "Access Notes", "Gate")),
                    C("Route/Zone", ("Route", "Zone", "Route Zone")),
                    C("Latitude", ("Lat",)),
                    C("Longitude", ("Long", "Lng", "Lon")),
                    C("Site Contact", ("Contact Name", "Contact")),
                    C("Site Phone", ("Contact Phone",)),
                ),
                id_column="Location ID",
                depends=("customer",),
                prepare=_prepare_location,
                custom_fields=True,
                fields=(
                    F("name", "_name", required=True),
                    F("parent_id", "Customer ID", "ref", ref="customer", required=True),
                    F("type", None, "constant", default="delivery"),
                    F("street", "Address 1"),
                    F("street2", "Address 2"),
                    F("city", "City"),
                    F("zip", "Zip"),
                    F("state_id", "State", "lookup", lookup="code"),
                    F("country_id", None, "lookup", lookup="code", default="US"),
                    F("partner_latitude", "Latitude", "float"),
                    F("partner_longitude", "Longitude", "float"),
                    F("phone", "Site Phone", "phone"),
                    F("x_tsp_access_notes", "Gate/Access Notes"),
                    F("x_tsp_route", "Route/Zone"),
                    F("x_tsp_site_contact", "Site Contact"),
                ),
            ),
            ObjectSpec(
                key="lead",
                label="Leads / prospects",
                model="crm.lead",
                files=("leads", "prospects", "lead list", "prospect list"),
                columns=(
                    C("Lead ID", ("Prospect ID", "Lead #"), required=True),
                    C("Name", ("Contact Name", "Prospect Name", "Full Name")),
                    C("Company", ("Company Name", "Business")),
                    C("Email", ("E-mail", "Email Address")),
                    C("Phone", ("Phone Number", "Main Phone")),
                    C("Address", ("Street", "Address 1")),
                    C("City", ()),
                    C("State", ()),
                    C("Zip", ("Zip Code", "Postal Code")),
                    C("Source", ("Lead Source", "Referral")),
                    C("Requested Service", ("Service", "Service Requested")),
                    C("Status", ("Lead Status", "Stage")),
                    C("Created Date", ("Created", "Date")),
                    C("Notes", ("Note", "Comments")),
                ),
                id_column="Lead ID",
                prepare=_prepare_lead,
                created_column="Created Date",
                custom_fields=True,
                fields=(
                    F("name", "_title", required=True),
                    F("type", None, "constant", default="lead"),
                    F("contact_name", "Name"),
                    F("partner_name", "Company"),
                    F("email_from", "Email", "email"),
                    F("phone", "Phone", "phone"),
                    F("street", "Address"),
                    F("city", "City"),
                    F("zip", "Zip"),
                    F("state_id", "State", "lookup", lookup="code"),
                    F(
                        "stage_id",
                        "Status",
                        "stage",
                        pipeline=LEAD_PIPELINE,
                        stages=(
                            S("New", 10),
                            S("Contacted", 20),
                            S("Estimate Sent", 50, aliases=("Quoted",)),
                            S("Won", outcome="won", aliases=("Converted",)),
                            S("Lost", outcome="lost"),
                        ),
                    ),
                    F(
                        "source_id",
                        "Source",
                        "lookup",
                        lookup="name",
                        create_missing=True,
                    ),
                    F("description", "Notes"),
                    F("x_tsp_requested_service", "Requested Service"),
                ),
            ),
            ObjectSpec(
                key="agreement",
                label="Service agreements (recurring)",
                model="project.task",
                files=(
                    "service agreements",
                    "agreements",
                    "recurring services",
                    "contracts",
                ),
                columns=(
                    C("Agreement ID", ("Contract ID", "Agreement #"), required=True),
                    CUSTOMER_ID,
                    LOCATION_ID,
                    C("Service Item", ("QB Item Name", "Item", "Service")),
                    C("Frequency", ("Schedule", "Recurrence", "Interval")),
                    C("Start Date", ("Start", "Begin Date")),
                    C("End Date", ("End", "Expires")),
                    C("Next Due Date", ("Next Due", "Next Service Date", "Next Date")),
                    C("Price", ("Rate", "Amount")),
                    TECHNICIAN,
                    C("Route", ("Route/Zone", "Zone")),
                    C("Active", ("Is Active", "Status")),
                ),
                id_column="Agreement ID",
                depends=("technician", "customer", "service_location"),
                prepare=_prepare_agreement,
                created_column="Start Date",
                custom_fields=True,
                fields=(
                    F("name", "_title", required=True),
                    F(
                        "project_id",
                        None,
                        "lookup",
                        lookup="name",
                        default=AGREEMENT_PROJECT,
                        create_missing=True,
                    ),
                    F(
                        "partner_id",
                        "Customer ID",
                        "ref",
                        ref="customer",
                        required=True,
                    ),
                    # its service location (a child of the customer): an agreement
                    # at a site that did not migrate is held, not left without it
                    F(
                        "partner_id",
                        "Location ID",
                        "ref",
                        ref="service_location",
                        required=True,
                    ),
                    F("user_ids", "Technician", "user"),
                    F("date_deadline", "Next Due Date", "datetime"),
                    F("recurring_task", "_recurring", "boolean"),
                    F("repeat_interval", "_interval", "integer"),
                    F(
                        "repeat_unit",
                        "_unit",
                        "value_map",
                        value_map={u: u for u in ("day", "week", "month", "year")},
                    ),
                    F(
                        "repeat_type",
                        "_until",
                        "value_map",
                        value_map={"until": "until", "forever": "forever"},
                    ),
                    F("repeat_until", "_until_date", "date"),
                    F("x_recurrence_frequency", "Frequency"),
                    F("x_tsp_next_due_date", "Next Due Date", "date"),
                    F("x_tsp_service_item", "Service Item"),
                    F("x_tsp_price", "Price", "money"),
                    F("x_tsp_route", "Route"),
                ),
            ),
            ObjectSpec(
                key="work_order",
                label="Work orders",
                model="project.project",
                files=("work orders", "work order list", "workorders", "jobs"),
                columns=(
                    C("Work Order #", ("WO #", "Work Order ID", "WO Number"), True),
                    CUSTOMER_ID,
                    LOCATION_ID,
                    C("Agreement ID", ("Contract ID", "Agreement #")),
                    C("Work Order Type", ("WO Type", "Type", "Service Type")),
                    C("Request Date", ("Requested", "Date Requested")),
                    C("Scheduled Date", ("Scheduled", "Service Date", "Date")),
                    C("Time In", ("Start Time", "Arrival Time")),
                    C("Time Out", ("End Time", "Departure Time")),
                    TECHNICIAN,
                    C("Status", ("WO Status", "Work Order Status")),
                    C("Problem Description", ("Problem", "Description", "Request")),
                    C("Work Performed", ("Resolution", "Work Done")),
                    C("Invoice #", ("Invoice Number", "QB Invoice #")),
                    C("QB TxnID", ("TxnID", "QB Txn ID", "Invoice TxnID")),
                    C("Total", ("Amount", "WO Total")),
                    C("Created Date", ("Created", "Date Created")),
                    C("Completed Date", ("Completed", "Date Completed", "Closed")),
                ),
                id_column="Work Order #",
                depends=("technician", "customer", "service_location", "agreement"),
                prepare=_prepare_work_order,
                created_column="Created Date",
                custom_fields=True,
                fields=(
                    F("name", "_title", required=True),
                    F(
                        "partner_id",
                        "Customer ID",
                        "ref",
                        ref="customer",
                        required=True,
                    ),
                    # the site (a child of the customer), its tasks' too: a work
                    # order at a site that did not migrate is held with its lines
                    F(
                        "partner_id",
                        "Location ID",
                        "ref",
                        ref="service_location",
                        required=True,
                    ),
                    F("user_id", "Technician", "user"),
                    F("date_start", "Scheduled Date", "date"),
                    F("date", "Completed Date", "date"),
                    F(
                        "stage_id",
                        "Status",
                        "lookup",
                        lookup="name",
                        create_missing=True,
                    ),
                    F("description", "Problem Description"),
                    F("x_original_create_date", "Created Date", "datetime"),
                    F("x_original_close_date", "Completed Date", "datetime"),
                    F("x_tsp_work_order_type", "Work Order Type"),
                    F("x_tsp_agreement_id", "Agreement ID"),
                    F("x_tsp_request_date", "Request Date", "date"),
                    F("x_tsp_time_in", "Time In"),
                    F("x_tsp_time_out", "Time Out"),
                    F("x_tsp_work_performed", "Work Performed"),
                    F("x_tsp_invoice_number", "Invoice #"),
                    F("x_qb_txn_id", "QB TxnID"),
                    F("x_tsp_total", "Total", "money"),
                ),
            ),
            ObjectSpec(
                key="work_order_line",
                label="Work order lines (tasks)",
                model="project.task",
                files=("work order lines", "work order items", "wo lines", "tasks"),
                columns=(
                    C("Work Order #", ("WO #", "Work Order ID"), required=True),
                    C("Line #", ("Line", "Line No", "Seq")),
                    C("Line ID", ("Line Id", "Task ID")),
                    # filled by the reader from the work order when the file lacks it
                    LOCATION_ID,
                    C("Item", ("QB Item Name", "Item Name", "Service Item")),
                    C("Description", ("Desc", "Line Description")),
                    C("Qty", ("Quantity",)),
                    C("Rate", ("Price", "Unit Price")),
                    C("Amount", ("Line Total", "Total")),
                    C("Taxable", ("Tax",)),
                    TECHNICIAN,
                    C("Chemical/Product", ("Chemical", "Product", "Material")),
                    C("Amount Applied", ("Applied", "Rate Applied", "Qty Applied")),
                    C("EPA Reg #", ("EPA Reg No", "EPA Registration", "EPA #")),
                    C("Status", ("Line Status", "Task Status")),
                ),
                id_column="Line ID",
                depends=("technician", "work_order"),
                prepare=_prepare_work_order_line,
                custom_fields=True,
                fields=(
                    F("name", "_title", required=True),
                    F(
                        "project_id",
                        "Work Order #",
                        "ref",
                        ref="work_order",
                        required=True,
                    ),
                    # the work order's site (a work order is held without it)
                    F("partner_id", "Location ID", "ref", ref="service_location"),
                    F("user_ids", "Technician", "user"),
                    F(
                        "state",
                        "Status",
                        "value_map",
                        value_map={
                            "open": "01_in_progress",
                            "done": "1_done",
                            "completed": "1_done",
                            "cancelled": "1_canceled",
                        },
                    ),
                    F("x_tsp_item", "Item"),
                    F("x_tsp_qty", "Qty", "float"),
                    F("x_tsp_rate", "Rate", "money"),
                    F("x_tsp_amount", "Amount", "money"),
                    F("x_tsp_chemical", "Chemical/Product"),
                    F("x_tsp_amount_applied", "Amount Applied"),
                    F("x_tsp_epa_reg", "EPA Reg #"),
                ),
            ),
            ObjectSpec(
                key="invoice",
                label="Invoices (QuickBooks)",
                model="account.move",
                files=("invoices", "invoice list", "qb invoices", "invoice"),
                columns=(
                    C("TxnID", ("QB TxnID", "Txn ID", "Transaction ID"), True),
                    C("Ref Number", ("Invoice #", "Invoice Number", "RefNumber")),
                    C("Customer ListID", ("Customer List ID", "QB ListID", "ListID")),
                    C("Customer Full Name", ("Customer", "Customer:Job")),
                    # filled by the reader from the ListID when the file lacks it
                    OPTIONAL_CUSTOMER_ID,
                    C("Work Order #", ("WO #", "Work Order")),
                    C("Txn Date", ("Date", "Invoice Date")),
                    C("Due Date", ("Date Due",)),
                    C("Terms", ()),
                    C("Subtotal", ("Sub Total",)),
                    C("Sales Tax Item", ("Tax Item", "Sales Tax Name", "Tax Name")),
                    # ("Sales Tax %" reads as "Sales Tax": no alias)
                    C(
                        "Sales Tax Rate",
                        ("Tax Rate", "SalesTaxPercentage", "Tax Percent"),
                    ),
                    C("Sales Tax", ("Tax", "Tax Total", "Sales Tax Total")),
                    C("Total", ("Amount", "Invoice Total")),
                    C("Balance Due", ("Balance", "Open Balance")),
                    C("Is Pending", ("Pending", "IsPending")),
                    C("Memo", ("Notes", "Customer Memo")),
                ),
                id_column="TxnID",
                depends=("customer",),
                prepare=_prepare_invoice,
                created_column="Txn Date",
                custom_fields=True,
                context={"default_move_type": "out_invoice"},
                fields=(
                    F("move_type", None, "constant", default="out_invoice"),
                    F(
                        "partner_id",
                        "Customer ID",
                        "ref",
                        ref="customer",
                        required=True,
                    ),
                    F("ref", ("Ref Number", "TxnID"), required=True),
                    F("invoice_date", "Txn Date", "date"),
                    F("invoice_date_due", "Due Date", "date"),
                    F("narration", "Memo"),
                    # an invoice in QuickBooks is issued (posted: its payments
                    # reconcile with it) unless QuickBooks holds it as pending
                    F(
                        "state",
                        "Is Pending",
                        "value_map",
                        value_map={
                            "true": "draft",
                            "yes": "draft",
                            "y": "draft",
                            "1": "draft",
                            "false": "posted",
                            "no": "posted",
                            "n": "posted",
                            "0": "posted",
                        },
                        default="posted",
                    ),
                    F("x_qb_txn_id", "TxnID"),
                    F("x_tsp_work_order", "Work Order #"),
                    F("x_tsp_sales_tax_item", "Sales Tax Item"),
                    F("x_tsp_sales_tax", "Sales Tax", "money"),
                    F("x_tsp_total", "Total", "money"),
                    F("x_tsp_balance_due", "Balance Due", "money"),
                ),
                lines=(
                    "invoice_line_ids",
                    (
                        # an Odoo product of the QuickBooks item's name (none is
                        # created: without one the line keeps its description)
                        F("product_id", "Item", "lookup", lookup="name"),
                        F("name", "_name", required=True),
                        F("quantity", "Qty", "float", default="1"),
                        F("price_unit", "Rate", "money", required=True),
                        # the company's sales tax of the rate, never created
                        F("tax_ids", "_tax_rate", "tax", lookup="sale"),
                    ),
                ),
            ),
            ObjectSpec(
                key="payment",
                label="Payments (QuickBooks)",
                model="account.payment",
                files=("payments", "received payments", "payment list"),
                columns=(
                    C("TxnID", ("QB TxnID", "Payment TxnID", "Txn ID"), True),
                    C("Customer ListID", ("Customer List ID", "QB ListID", "ListID")),
                    OPTIONAL_CUSTOMER_ID,
                    C("Applied To TxnID", ("Invoice TxnID", "Applied To")),
                    C("Txn Date", ("Date", "Payment Date")),
                    C("Amount", ("Payment Amount", "Total")),
                    C("Payment Method", ("Method", "Pay Method")),
                    C("Check #", ("Check Number", "Reference", "Ref Number")),
                    C("Memo", ("Notes",)),
                ),
                id_column="TxnID",
                depends=("customer", "invoice"),
                created_column="Txn Date",
                custom_fields=True,
                fields=(
                    F("payment_type", None, "constant", default="inbound"),
                    F("partner_type", None, "constant", default="customer"),
                    F(
                        "partner_id",
                        "Customer ID",
                        "ref",
                        ref="customer",
                        required=True,
                    ),
                    F("amount", "Amount", "money", required=True),
                    F("date", "Txn Date", "date"),
                    F("memo", ("Check #", "Memo", "TxnID")),
                    # posted and reconciled with it (the payment's adapter); an
                    # unapplied payment is the customer's credit
                    F("invoice_ids", "Applied To TxnID", "ref", ref="invoice"),
                    F("x_qb_txn_id", "TxnID"),
                    F("x_qb_applied_to", "Applied To TxnID"),
                    F("x_tsp_payment_method", "Payment Method"),
                ),
            ),
            ObjectSpec(
                key="equipment",
                label="Equipment on site",
                model="product.product",
                files=("equipment", "equipment list", "assets", "site equipment"),
                columns=(
                    C("Equipment ID", ("Asset ID", "Equipment #"), required=True),
                    CUSTOMER_ID,
                    LOCATION_ID,
                    C("Type", ("Equipment Type", "Category")),
                    C("Make", ("Manufacturer", "Brand")),
                    C("Model", ("Model #", "Model Number")),
                    C("Serial #", ("Serial", "Serial Number", "S/N")),
                    C("Install Date", ("Installed", "Date Installed")),
                    C("Warranty Expires", ("Warranty", "Warranty Expiration")),
                    C("Notes", ("Note", "Comments")),
                ),
                id_column="Equipment ID",
                depends=("customer", "service_location"),
                prepare=_prepare_equipment,
                custom_fields=True,
                # the customer's unit, not an item for sale: a product of its own
                # (Inventory is not needed), its serial and its site (a link to
                # the site's partner) in custom fields
                fields=(
                    F("name", "_name", required=True),
                    F("type", None, "constant", default="consu"),
                    F("sale_ok", None, "boolean", default="no"),
                    F("purchase_ok", None, "boolean", default="no"),
                    F("description", "Notes"),
                    F("x_tsp_serial_number", "Serial #"),
                    F("x_tsp_equipment_type", "Type"),
                    F("x_tsp_make", "Make"),
                    F("x_tsp_model", "Model"),
                    # links (new many2one fields) to its site and customer
                    F("x_tsp_site_id", "Location ID", "ref", ref="service_location"),
                    F("x_tsp_customer_id", "Customer ID", "ref", ref="customer"),
                    F("x_tsp_install_date", "Install Date", "date"),
                    F("x_tsp_warranty_expires", "Warranty Expires", "date"),
                ),
            ),
            ObjectSpec(
                key="equipment_lot",
                label="Equipment serial numbers (Inventory)",
                model="stock.lot",
                derived_from="equipment",
                depends=("equipment",),
                when=_has_serial,
                requires="stock.lot",
                optional=(
                    "Track each unit of equipment by its serial number in "
                    "Inventory too: a lot / serial number of the unit's product, "
                    "with its site and warranty (offered when Inventory is "
                    "installed)."
                ),
                fields=(
                    F("name", "Serial #", required=True),
                    F(
                        "product_id",
                        "Equipment ID",
                        "ref",
                        ref="equipment",
                        required=True,
                    ),
                    F("ref", "Equipment ID"),
                    F("note", "Notes"),
                    F("x_tsp_site_id", "Location ID", "ref", ref="service_location"),
                    F("x_tsp_install_date", "Install Date", "date"),
                    F("x_tsp_warranty_expires", "Warranty Expires", "date"),
                ),
            ),
            ObjectSpec(
                key="note",
                label="Notes on work orders",
                model="mail.message",
                kind="message",
                files=("notes", "work order notes", "comments", "note list"),
                columns=(
                    C("Note ID", ("Note Number", "Comment ID"), required=True),
                    C("Work Order #", ("WO #", "Work Order")),
                    OPTIONAL_CUSTOMER_ID,
                    C("Date", ("Note Date", "Created", "Entered")),
                    C("Author", ("Entered By", "Technician", "User", "Tech")),
                    C("Note", ("Notes", "Comment", "Text"), required=True),
                ),
                id_column="Note ID",
                depends=("customer", "work_order"),
                attach_to=(("Work Order #", "work_order"), ("Customer ID", "customer")),
                fields=(
                    F("body", "Note", required=True),
                    F("date", "Date", "datetime"),
                    F("author_id", "Author", "user"),
                ),
            ),
        ),
    )
)
