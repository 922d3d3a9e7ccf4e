# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Customer Factor: its export files and where each object lands in Odoo.

The Customer Factor has no API; its users export CSV files (``source_apis.md`` §4).
The customer-list and the job-enriched exports are observed; the other files follow
the assumed layouts listed there. Headers match case-, accent- and space-insensitively
through the aliases below, so a renamed or re-saved export still reads.
"""

from ..parsers import InvalidValue, parse_money
from .base import Column as C
from .base import FieldSpec as F
from .base import ObjectSpec, Preset, register
from .base import Stage as S

PLATFORM = "the_customer_factor"
PIPELINE = "The Customer Factor"
TASK_PROJECT = "Jobs from The Customer Factor"

CUSTOMER_COLUMNS = (
    C("Id", ("Customer Id", "Customer ID", "Cust Id", "Customer #"), required=True),
    C("Customer Name", ("Name", "Full Name", "Display Name")),
    C("Company Name", ("Company", "Business Name", "Business")),
    C("First Name", ("First",)),
    C("Last Name", ("Last", "Surname")),
    C("Salutation", ("Title", "Prefix")),
    C("Email", ("E-mail", "Email Address", "Email 1")),
    C("Cell Phone", ("Cellphone", "Cell", "Mobile", "Mobile Phone")),
    C("Home Phone", ("Phone", "Phone 1", "Main Phone")),
    C("Work Phone", ("Office Phone", "Business Phone", "Phone 2")),
    C("Street Address", ("Address", "Street", "Address 1", "Street 1")),
    C("Address 2", ("Street 2", "Apt", "Suite")),
    C("City", ("Town",)),
    C("State", ("Province", "Region", "St")),
    C("Zip Code", ("Zip", "Zipcode", "Postal Code", "Post Code")),
    C("Subdivision", ("Neighborhood",)),
    C("Customer Type", ("Type", "Client Type")),
    C(
        "Service Type",
    ),
    C(
        "Payment Method",
    ),
    C("Marketing Method", ("Marketing Source", "Lead Source", "Source")),
    C("Tags", ("Tag", "Categories", "Category")),
    C("Notes", ("Note", "Comments")),
    C("Date Added", ("Created", "Date Created", "Created Date", "Customer Since")),
    C("Date Canceled Service", ("Date Cancelled Service", "Canceled Date")),
    C("Send Preference: Text", ("Send Preference Text", "Text Opt In")),
    C(
        "Preferred Communication",
    ),
    C(
        "Preferred Day",
    ),
    C(
        "Preferred Time",
    ),
)

JOB_COLUMNS = (
    C("Job Id", ("Job ID", "Job #", "Work Order Id", "Job Number"), required=True),
    C("Id", ("Customer Id", "Customer ID", "Cust Id"), required=True),
    C("Job Type", ("Service", "Job Name")),
    C("Job Date", ("Date", "Scheduled Date", "Service Date")),
    C("Start Time", ("Start",)),
    C("End Time", ("End",)),
    C("Duration", ("Hours", "Duration (hrs)")),
    C("Price", ("Amount", "Job Price", "Total")),
    C("Employee/Crew", ("Employee", "Crew", "Technician", "Assigned To")),
    C("Recurring Frequency", ("Frequency", "Recurrence")),
    C("Job location", ("Location", "Job Address", "Service Address")),
    C("Status", ("Job Status",)),
    C("Invoice Id", ("Invoice ID", "Invoice #")),
    C("Notes", ("Note", "Job Notes")),
)


def _person(row):
    return " ".join(
        part for part in (row.get("First Name"), row.get("Last Name")) if part
    ).strip()


def _is_commercial(row):
    return "commercial" in (row.get("Customer Type") or "").lower()


def _prepare_customer(row):
    """Name and company flag from the several name columns an export may fill."""
    company = (row.get("Company Name") or "").strip()
    commercial = bool(company) and (_is_commercial(row) or not _person(row))
    email = (row.get("Email") or "").strip()
    row["_is_company"] = "yes" if commercial else "no"
    row["_name"] = (
        (company if commercial else "")
        or (row.get("Customer Name") or "").strip()
        or _person(row)
        or company
        or (email.split("@")[0] if "@" in email else "")
    )
    row["_person"] = _person(row)
    return row


def _prepare_job(row):
    kind = (row.get("Job Type") or "Job").strip()
    when = (row.get("Job Date") or "").strip()
    row["_title"] = f"{kind} ({when})" if when else kind
    row["_start"] = " ".join(
        part for part in (when, (row.get("Start Time") or "").strip()) if part
    )
    # a finished job (completed or cancelled) closed on its date
    finished = (row.get("Status") or "").strip().lower() in (
        "completed",
        "cancelled",
        "canceled",
    )
    row["_closed"] = when if finished else ""
    return row


def _split_amount(text, count):
    try:
        amount = parse_money(text)
    except InvalidValue:
        return text
    if amount is None:
        return ""
    return f"{amount / count:.2f}"


def _quantity(text):
    """The quantity of a "Quantity" cell, 1 when it has none (or no number)."""
    try:
        quantity = parse_money(text)
    except InvalidValue:
        return 1.0
    return quantity if quantity and quantity > 0 else 1.0


def _prepare_estimate(row):
    """One line per job type; a quantity applies to each, the amount stays the
    estimate's total."""
    kinds = [
        k.strip() for k in (row.get("Job Type(s)") or "").replace(";", ",").split(",")
    ]
    kinds = [k for k in kinds if k] or ["Estimate"]
    quantity = _quantity(row.get("Quantity"))
    row["_lines"] = [
        {
            "service": kind,
            "name": kind,
            "qty": f"{quantity:g}",
            "price": _split_amount(row.get("Amount"), len(kinds) * quantity),
        }
        for kind in kinds
    ]
    return row


def _prepare_invoice(row):
    number = (row.get("Invoice Id") or "").strip()
    lines = [{"name": f"Services, invoice {number}", "price": row.get("Amount") or ""}]
    try:
        discount = parse_money(row.get("Discount"))
    except InvalidValue:
        discount = None
    if discount:
        lines.append({"name": "Discount", "price": f"{-abs(discount):.2f}"})
    row["_lines"] = lines
    return row


def _prepare_note(row):
    kind = (row.get("Note Type") or "").strip()
    text = (row.get("Note") or "").strip()
    row["_body"] = f"{kind}: {text}" if kind and text else text
    return row


def _has_contact_person(row):
    return row.get("_is_company") == "yes" and bool(row.get("_person"))


ADDRESS = (
    F("street", "Street Address"),
    F("street2", "Address 2"),
    F("city", "City"),
    F("zip", "Zip Code"),
    F("state_id", "State", "lookup", lookup="code"),
    F("country_id", None, "lookup", lookup="code", default="US"),
)

PRESET = register(
    Preset(
        platform=PLATFORM,
        label="The Customer Factor",
        export_help=(
            "In The Customer Factor, export your customers (the plain list, or the "
            "export with their jobs), prospects, jobs, estimates, invoices, notes and "
            "employees as CSV or Excel files (Reports and the Export buttons of each "
            "list), and upload them here, or one ZIP with all of them and the "
            "attachments."
        ),
        custom_prefix="x_tcf_",
        date_order="MDY",
        default_country="US",
        objects=(
            ObjectSpec(
                key="service",
                label="Services (job types)",
                model="product.product",
                fields=(
                    F("name", "Job Type", required=True),
                    F("type", None, "constant", default="service"),
                    F("sale_ok", None, "constant", default=True),
                ),
            ),
            ObjectSpec(
                key="customer",
                label="Customers",
                model="res.partner",
                files=("customers", "customer list", "customer", "customers with jobs"),
                columns=CUSTOMER_COLUMNS,
                id_column="Id",
                prepare=_prepare_customer,
                created_column="Date Added",
                custom_fields=True,
                context={"res_partner_search_mode": "customer"},
                fields=(
                    F("name", "_name", required=True),
                    F("is_company", "_is_company", "boolean"),
                    F("ref", "Id"),
                    F("email", "Email", "email"),
                    F("phone", ("Home Phone", "Work Phone"), "phone"),
                    F("mobile", "Cell Phone", "phone"),
                    *ADDRESS,
                    F("category_id", "Tags", "tags", create_missing=True),
                    F("comment", "Notes"),
                    F("x_tcf_customer_type", "Customer Type"),
                    F("x_tcf_subdivision", "Subdivision"),
                    F("x_tcf_service_type", "Service Type"),
                    F("x_tcf_payment_method", "Payment Method"),
                    F("x_tcf_marketing_method", "Marketing Method"),
                    F("x_tcf_date_canceled_service", "Date Canceled Service", "date"),
                    F("x_tcf_send_preference_text", "Send Preference: Text", "boolean"),
                    F("x_tcf_preferred_communication", "Preferred Communication"),
                    F("x_tcf_preferred_day", "Preferred Day"),
                    F("x_tcf_preferred_time", "Preferred Time"),
                ),
            ),
            ObjectSpec(
                key="contact",
                label="Contacts at commercial customers",
                model="res.partner",
                derived_from="customer",
                when=_has_contact_person,
                fields=(
                    F("name", "_person", required=True),
                    F("parent_id", "Id", "ref", ref="customer", required=True),
                    F("type", None, "constant", default="contact"),
                    F("email", "Email", "email"),
                    F("mobile", "Cell Phone", "phone"),
                    F("phone", "Work Phone", "phone"),
                    F("title", "Salutation", "lookup", lookup="shortcut"),
                ),
            ),
            ObjectSpec(
                key="prospect",
                label="Prospects",
                model="crm.lead",
                files=("prospects", "prospect list", "prospect", "leads"),
                columns=(
                    *CUSTOMER_COLUMNS,
                    C("Prospect Status", ("Status", "Lead Status")),
                    C("Follow Up Date", ("Follow-up Date", "Next Follow Up")),
                    C("Estimate Id", ("Estimate ID", "Estimate #")),
                    C("Sales Rep", ("Owner", "Assigned To", "Salesperson")),
                ),
                id_column="Id",
                prepare=_prepare_customer,
                created_column="Date Added",
                custom_fields=True,
                fields=(
                    F("name", "_name", required=True),
                    F("type", None, "constant", default="lead"),
                    F("contact_name", "_person"),
                    F("partner_name", "Company Name"),
                    F("email_from", "Email", "email"),
                    F("phone", ("Home Phone", "Cell Phone"), "phone"),
                    F("mobile", "Cell Phone", "phone"),
                    *ADDRESS,
                    F("user_id", "Sales Rep", "user"),
                    F(
                        "stage_id",
                        "Prospect Status",
                        "stage",
                        pipeline=PIPELINE,
                        stages=(
                            S("New", 10),
                            S("Contacted", 20),
                            S("Estimate Sent", 40),
                            S("Lost", outcome="lost"),
                        ),
                    ),
                    F("date_deadline", "Follow Up Date", "date"),
                    F(
                        "source_id",
                        "Marketing Method",
                        "lookup",
                        lookup="name",
                        create_missing=True,
                    ),
                    F("tag_ids", "Tags", "tags", create_missing=True),
                    F("description", "Notes"),
                    F("x_tcf_estimate_id", "Estimate Id"),
                ),
            ),
            ObjectSpec(
                key="job",
                label="Jobs / work orders",
                model="crm.lead",
                files=("jobs", "job list", "job", "work orders", "job history"),
                columns=JOB_COLUMNS,
                id_column="Job Id",
                depends=("customer",),
                prepare=_prepare_job,
                custom_fields=True,
                fields=(
                    F("name", "_title", required=True),
                    F("type", None, "constant", default="opportunity"),
                    F("partner_id", "Id", "ref", ref="customer", required=True),
                    F("expected_revenue", "Price", "money"),
                    F("date_deadline", "Job Date", "date"),
                    F("date_closed", "_closed", "datetime"),
                    F("user_id", "Employee/Crew", "user"),
                    F(
                        "stage_id",
                        "Status",
                        "stage",
                        pipeline=PIPELINE,
                        stages=(
                            S("Scheduled", 70),
                            S("Completed", outcome="won"),
                            S("Cancelled", outcome="lost", aliases=("Canceled",)),
                        ),
                    ),
                    F("tag_ids", "Job Type", "tags", create_missing=True),
                    F("description", "Notes"),
                    F("x_tcf_recurring_frequency", "Recurring Frequency"),
                    F("x_tcf_job_location", "Job location"),
                    F("x_tcf_invoice_id", "Invoice Id"),
                ),
            ),
            ObjectSpec(
                key="job_task",
                label="Job schedule (tasks)",
                model="project.task",
                derived_from="job",
                depends=("customer",),
                fields=(
                    F("name", "_title", required=True),
                    F(
                        "project_id",
                        None,
                        "lookup",
                        lookup="name",
                        default=TASK_PROJECT,
                        create_missing=True,
                    ),
                    F("partner_id", "Id", "ref", ref="customer"),
                    F("migration_lead_id", "Job Id", "ref", ref="job", required=True),
                    F("user_ids", "Employee/Crew", "user"),
                    F("date_deadline", "_start", "datetime"),
                    F("allocated_hours", "Duration", "float"),
                    F(
                        "state",
                        "Status",
                        "value_map",
                        value_map={
                            "scheduled": "01_in_progress",
                            "completed": "1_done",
                            "cancelled": "1_canceled",
                            "canceled": "1_canceled",
                        },
                    ),
                    F("description", "Notes"),
                    F("x_tcf_start_time", "Start Time"),
                    F("x_tcf_end_time", "End Time"),
                ),
            ),
            ObjectSpec(
                key="estimate",
                label="Estimates",
                model="sale.order",
                files=("estimates", "estimate list", "estimate", "quotes"),
                columns=(
                    C(
                        "Estimate Id",
                        ("Estimate ID", "Estimate #", "Estimate Number"),
                        required=True,
                    ),
                    C("Id", ("Customer Id", "Customer ID"), required=True),
                    C("Date", ("Estimate Date", "Created")),
                    C("Status", ("Estimate Status",)),
                    C("Job Type(s)", ("Job Types", "Job Type", "Services")),
                    C("Amount", ("Total", "Estimate Amount")),
                    C("Quantity", ("Qty", "Quantities")),
                    C("Accepted Date", ("Date Accepted",)),
                    C("Job location", ("Location", "Job Address")),
                ),
                id_column="Estimate Id",
                depends=("customer", "service"),
                prepare=_prepare_estimate,
                created_column="Date",
                custom_fields=True,
                fields=(
                    F("name", "Estimate Id", required=True),
                    F("partner_id", "Id", "ref", ref="customer", required=True),
                    F("date_order", "Date", "datetime"),
                    F(
                        "state",
                        "Status",
                        "value_map",
                        value_map={
                            "emailed": "sent",
                            "accepted": "sale",
                            "declined": "cancel",
                        },
                        default="draft",
                    ),
                    F("x_tcf_accepted_date", "Accepted Date", "date"),
                    F("x_tcf_job_location", "Job location"),
                ),
                lines=(
                    "order_line",
                    (
                        F("product_id", "service", "ref", ref="service", required=True),
                        F("name", "name"),
                        F("product_uom_qty", "qty", "float"),
                        F("price_unit", "price", "money"),
                    ),
                ),
            ),
            ObjectSpec(
                key="invoice",
                label="Invoices",
                model="account.move",
                files=("invoices", "invoice list", "invoice"),
                columns=(
                    C(
                        "Invoice Id",
                        ("Invoice ID", "Invoice #", "Invoice Number"),
                        required=True,
                    ),
                    C("Id", ("Customer Id", "Customer ID"), required=True),
                    C("Invoice Date", ("Date", "Inv Date", "Invoice Dt", "Inv Dt")),
                    C("Due Date", ("Date Due", "Due", "Due On", "Inv Due Date")),
                    C("Amount", ("Total", "Invoice Amount")),
                    C(
                        "Tax",
                    ),
                    C(
                        "Discount",
                    ),
                    C("Paid", ("Amount Paid",)),
                    C("Balance", ("Balance Due", "Amount Due")),
                    C(
                        "Payment Date",
                    ),
                    C("Payment Method", ("Pay Method", "Payment Type")),
                    C("Status", ("Invoice Status",)),
                ),
                id_column="Invoice Id",
                depends=("customer",),
                prepare=_prepare_invoice,
                created_column="Invoice Date",
                custom_fields=True,
                context={"default_move_type": "out_invoice"},
                fields=(
                    F("move_type", None, "constant", default="out_invoice"),
                    F("partner_id", "Id", "ref", ref="customer", required=True),
                    F("ref", "Invoice Id", required=True),
                    F("invoice_date", "Invoice Date", "date"),
                    F("invoice_date_due", "Due Date", "date"),
                    F("x_tcf_tax", "Tax", "money"),
                    F("x_tcf_paid", "Paid", "money"),
                    F("x_tcf_balance", "Balance", "money"),
                    F("x_tcf_payment_date", "Payment Date", "date"),
                    F("x_tcf_payment_method", "Payment Method"),
                    F("x_tcf_status", "Status"),
                ),
                lines=(
                    "invoice_line_ids",
                    (
                        F("name", "name", required=True),
                        F("quantity", None, "constant", default=1.0),
                        F("price_unit", "price", "money", required=True),
                        F("tax_ids", None, "constant", default=[]),
                    ),
                ),
            ),
            ObjectSpec(
                key="note",
                label="Notes and activities",
                model="mail.message",
                kind="message",
                files=("notes", "note list", "activities", "customer notes"),
                columns=(
                    C("Note Id", ("Note ID", "Id Note"), required=True),
                    C("Id", ("Customer Id", "Customer ID"), required=True),
                    C("Job Id", ("Job ID",)),
                    C("Date", ("Created", "Date Added", "Note Date")),
                    C("Author", ("Employee", "Created By", "User")),
                    C("Note Type", ("Type",)),
                    C("Note", ("Notes", "Text", "Body"), required=True),
                ),
                id_column="Note Id",
                depends=("customer", "job"),
                prepare=_prepare_note,
                attach_to=(("Job Id", "job"), ("Id", "customer")),
                fields=(
                    F("body", "_body", required=True),
                    F("date", "Date", "datetime"),
                    F("author_id", "Author", "user"),
                ),
            ),
            ObjectSpec(
                key="attachment",
                label="Attachments",
                model="ir.attachment",
                kind="attachment",
                files=("attachments", "files", "documents"),
                columns=(
                    C("Attachment Id", ("Attachment ID", "File Id"), required=True),
                    C("Id", ("Customer Id", "Customer ID"), required=True),
                    C("Job Id", ("Job ID",)),
                    C("File Name", ("Name", "Filename"), required=True),
                    C("File Path", ("Path", "File"), required=True),
                    C("Date Added", ("Date", "Uploaded")),
                ),
                id_column="Attachment Id",
                depends=("customer", "job"),
                created_column="Date Added",
                attach_to=(("Job Id", "job"), ("Id", "customer")),
                fields=(
                    F("name", "File Name", required=True),
                    F("raw", "File Path", required=True),
                ),
            ),
        ),
    )
)
