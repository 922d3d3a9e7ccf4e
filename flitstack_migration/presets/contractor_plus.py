# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Contractor+: its export files and where each object lands in Odoo.

Contractor+ has no public bulk API; each module has an Export button writing CSV or
Excel (``source_apis.md`` §3). The column layouts below are ASSUMED, not published by
the vendor, so every column carries the spellings seen in re-saved or older exports
as aliases. Load order follows the migration plan: clients and their people, leads,
jobs, estimates, invoices and payments, then the history (calls, meetings, notes,
files).

Estimate and invoice items come in their own files (``estimate_items.csv``,
``invoice_items.csv``): the reader joins them to their document as ``_lines``, keyed
by the canonical names of :data:`ITEM_COLUMNS`. An item line's product is an Odoo
product found by code, else by name (none is created: a line without one keeps its
description), its tax the company's sales tax of its rate (none is created either:
unmatched rates are listed on the record's journal line). An estimate names its job
through its invoice (``_job``), an invoice line the estimate it bills
(``_estimate``). Automations are not an object: the reader lists them for the
automation inventory.
"""

from .base import Column as C
from .base import FieldSpec as F
from .base import ObjectSpec, Preset, register
from .base import Stage as S

PLATFORM = "contractor_plus"
LEAD_PIPELINE = "Contractor+ leads"
JOB_PIPELINE = "Contractor+ jobs"
#: Job statuses in pipeline order (the seed's); each has a stage-entry date column.
JOB_STAGES = ("New", "In Progress", "Completed", "On Hold", "Cancelled")
#: Job status (and its spellings) → the stage whose entry date column it fills.
JOB_STAGE_ALIASES = {
    "scheduled": "In Progress",
    "started": "In Progress",
    "done": "Completed",
    "hold": "On Hold",
    "paused": "On Hold",
    "canceled": "Cancelled",
}

#: Country names an export may spell out, to their ISO code.
COUNTRY_NAMES = {
    "united states": "US",
    "united states of america": "US",
    "usa": "US",
    "u.s.": "US",
    "canada": "CA",
}
ADDRESS_COLUMNS = (
    C("Address Line 1", ("Address", "Street", "Address 1", "Street Address")),
    C("Address Line 2", ("Address 2", "Street 2", "Apt", "Suite", "Unit")),
    C("City", ("Town",)),
    C("State", ("Province", "Region", "State/Province")),
    C("Zip", ("Zip Code", "Zipcode", "Postal Code", "Zip/Postal Code", "ZIP")),
    C("Country", ("Country Code",)),
)
PERSON_COLUMNS = (
    C("First Name", ("First", "Given Name")),
    C("Last Name", ("Last", "Surname", "Family Name")),
    C("Company Name", ("Company", "Business Name", "Business", "Organization")),
    C("Email", ("E-mail", "Email Address", "Primary Email")),
    C("Phone", ("Phone Number", "Primary Phone", "Office Phone", "Work Phone")),
    C("Mobile", ("Mobile Number", "Mobile Phone", "Cell", "Cell Phone")),
)
#: Columns of an estimate or invoice item file (the reader's ``_lines`` keys).
ITEM_COLUMNS = (
    C("Line #", ("Line", "Line No", "Line Number", "Sort Order")),
    C("Item Name", ("Item", "Product", "Product Name", "Service", "Name")),
    C("Item Code", ("Code", "SKU", "Product Code", "Item Number", "Part Number")),
    C("Description", ("Item Description", "Details")),
    C("Quantity", ("Qty", "Quantity Ordered", "Hours")),
    C("Unit", ("UOM", "Unit of Measure", "Units")),
    C("Unit Price", ("Rate", "Price", "Unit Cost Price", "Price Each")),
    C("Material Cost", ("Cost", "Unit Cost")),
    C("Markup %", ("Markup", "Markup Percent")),
    C("Taxable", ("Is Taxable", "Tax")),
    C("Tax Rate", ("Tax Rate %", "Tax Percent", "Sales Tax Rate")),
    C("Line Total", ("Amount", "Total", "Line Amount")),
)
ESTIMATE_ITEM_KEY = C(
    "Estimate #", ("Estimate Number", "Estimate No", "Estimate ID"), required=True
)
INVOICE_ITEM_KEY = C(
    "Invoice #", ("Invoice Number", "Invoice No", "Invoice ID"), required=True
)
CLIENT_ID = C("Client ID", ("Client Id", "Customer ID", "Client Ref"), required=True)
OPTIONAL_CLIENT_ID = C("Client ID", ("Client Id", "Customer ID", "Client Ref"))
JOB_NUMBER = C("Job #", ("Job Number", "Job No", "Job ID"))


def _person(row):
    return " ".join(
        part for part in (row.get("First Name"), row.get("Last Name")) if part
    ).strip()


def _prepare_client(row):
    """A client with a business name is a company; its person becomes a contact."""
    company = (row.get("Company Name") or "").strip()
    email = (row.get("Email") or "").strip()
    row["_person"] = _person(row)
    row["_is_company"] = "yes" if company else "no"
    country = (row.get("Country") or "").strip()
    if country.lower() in COUNTRY_NAMES:
        row["Country"] = COUNTRY_NAMES[country.lower()]
    row["_name"] = (
        company or row["_person"] or (email.split("@")[0] if "@" in email else "")
    )
    return row


def _prepare_contact(row):
    row["_name"] = _person(row) or (row.get("Email") or "").strip()
    return row


def _prepare_lead(row):
    person = _person(row)
    company = (row.get("Company Name") or "").strip()
    service = (row.get("Service Requested") or "").strip()
    who = company or person or "Lead"
    row["_person"] = person
    row["_title"] = f"{service} - {who}" if service else who
    return row


def _prepare_job(row):
    row["_title"] = (row.get("Title") or "").strip() or (
        f"Job {(row.get('Job #') or '').strip()}".strip()
    )
    # the date the job entered the stage it is in
    status = " ".join((row.get("Status") or "").split()).lower()
    stage = JOB_STAGE_ALIASES.get(status) or next(
        (name for name in JOB_STAGES if name.lower() == status), None
    )
    row["_stage_date"] = (row.get(f"Stage Date: {stage}") or "") if stage else ""
    return row


def _prepare_document(row):
    """Each line gets ``_name`` (its description, else its item's name) and
    ``_tax_rate`` (none when the item is not taxable)."""
    for line in row.get("_lines", ()) or ():
        line["_name"] = (
            (line.get("Description") or "").strip()
            or (line.get("Item Name") or "").strip()
            or "Item"
        )
        taxable = (line.get("Taxable") or "").strip().lower()
        line["_tax_rate"] = (
            "0" if taxable in ("no", "n", "false", "0") else line.get("Tax Rate") or ""
        )
    return row


def _prepare_activity_note(kind):
    """Body of a logged call or meeting: what Odoo's chatter shows for it."""

    def prepare(row):
        parts = [kind]
        for label, column in (
            ("direction", "Direction"),
            ("minutes", "Duration (min)"),
            ("outcome", "Outcome"),
        ):
            value = (row.get(column) or "").strip()
            if value:
                parts.append(f"{label}: {value}")
        text = (row.get("Notes") or "").strip()
        row["_body"] = ", ".join(parts) + (f". {text}" if text else "")
        return row

    return prepare


def _prepare_meeting(row):
    row["_title"] = (row.get("Title") or "").strip() or "Meeting"
    start = (row.get("Start") or "").strip()
    row["_stop"] = (row.get("End") or "").strip() or start
    return row


def _prepare_note(row):
    row["_body"] = (row.get("Note") or "").strip()
    return row


def _has_contact_person(row):
    return row.get("_is_company") == "yes" and bool(row.get("_person"))


ADDRESS = (
    F("street", "Address Line 1"),
    F("street2", "Address Line 2"),
    F("city", "City"),
    F("zip", "Zip"),
    F("state_id", "State", "lookup", lookup="code"),
    F("country_id", "Country", "lookup", lookup="code", default="US"),
)
#: A line's product: an Odoo product with the item's name, else with its code (the
#: code wins when both find one); none found, the line keeps only its description.
PRODUCT = (
    F("product_id", "Item Name", "lookup", lookup="name"),
    F("product_id", "Item Code", "lookup", lookup="default_code"),
)
ITEM_LINES = (
    *PRODUCT,
    F("name", "_name", required=True),
    F("product_uom_qty", "Quantity", "float", default="1"),
    F("price_unit", "Unit Price", "money"),
    F("tax_id", "_tax_rate", "tax", lookup="sale"),
)
INVOICE_LINES = (
    *PRODUCT,
    F("name", "_name", required=True),
    F("quantity", "Quantity", "float", default="1"),
    F("price_unit", "Unit Price", "money", required=True),
    F("tax_ids", "_tax_rate", "tax", lookup="sale"),
    # the estimate's line this one bills (the order's invoices, its invoiced qty)
    F("sale_line_ids", "_estimate", "ref", ref="estimate", lookup="order_line"),
)

PRESET = register(
    Preset(
        platform=PLATFORM,
        label="Contractor+",
        export_help=(
            "In Contractor+, open each module (Clients, Leads, Jobs, Estimates, "
            "Invoices, Staff...) and use its Export button to download it as a CSV "
            "or Excel file, with the estimate and invoice items, payments, calls, "
            "meetings, notes and files where your account offers them; upload them "
            "here, or one ZIP with all of them."
        ),
        custom_prefix="x_cp_",
        date_order="MDY",
        default_country="US",
        objects=(
            ObjectSpec(
                key="client",
                label="Clients",
                model="res.partner",
                files=("clients", "client list", "client", "customers"),
                columns=(
                    CLIENT_ID,
                    C("Client Number", ("Client #", "Client No", "Customer Number")),
                    *PERSON_COLUMNS,
                    *ADDRESS_COLUMNS,
                    C("Lead Source", ("Source", "Referral Source", "How Heard")),
                    C("Tags", ("Tag", "Labels", "Categories")),
                    C("Notes", ("Note", "Comments", "Client Notes")),
                    C("Status", ("Client Status",)),
                    C("Tier", ("Contractor+ Tier", "Subscription Tier", "Plan")),
                    C("Trade", ("Trades", "Trade Type", "Specialty")),
                    C("License Number", ("License #", "License No", "License")),
                    C("License Expiry", ("License Expiration", "License Expires")),
                    C("Insurance Provider", ("Insurance Company", "Insurer")),
                    C("Insurance Policy", ("Insurance Policy #", "Policy Number")),
                    C("Insurance Expiry", ("Insurance Expiration", "Policy Expiry")),
                    C("Crew Size", ("Crew", "Team Size", "Employees")),
                    C("Portal Access", ("Client Portal", "Portal Enabled")),
                    C("Portal Invite Date", ("Portal Invited", "Invitation Date")),
                    C("Portal Last Login", ("Last Login", "Portal Last Seen")),
                    C("Created Date", ("Created", "Date Created", "Created At")),
                    C("Updated Date", ("Updated", "Modified Date", "Last Modified")),
                ),
                id_column="Client ID",
                prepare=_prepare_client,
                created_column="Created Date",
                custom_fields=True,
                context={"res_partner_search_mode": "customer"},
                fields=(
                    F("name", "_name", required=True),
                    F("is_company", "_is_company", "boolean"),
                    F("ref", ("Client Number", "Client ID")),
                    F("email", "Email", "email"),
                    F("phone", "Phone", "phone"),
                    F("mobile", "Mobile", "phone"),
                    *ADDRESS,
                    F("category_id", "Tags", "tags", create_missing=True),
                    F("comment", "Notes"),
                    F("x_cp_lead_source", "Lead Source"),
                    F("x_cp_status", "Status"),
                    F(
                        "x_contractor_tier",
                        "Tier",
                        "value_map",
                        value_map={
                            "freedom": "freedom",
                            "pro": "pro",
                            "pro team": "pro_team",
                        },
                        custom_type="selection",
                    ),
                    F("x_trade", "Trade"),
                    F("x_license_number", "License Number"),
                    F("x_license_expiry", "License Expiry", "date"),
                    F("x_insurance_provider", "Insurance Provider"),
                    F("x_insurance_policy", "Insurance Policy"),
                    F("x_insurance_expiry", "Insurance Expiry", "date"),
                    F("x_crew_size", "Crew Size", "integer"),
                    F("x_has_portal_access", "Portal Access", "boolean"),
                    F("x_portal_invite_date", "Portal Invite Date", "date"),
                    F("x_portal_last_login", "Portal Last Login", "datetime"),
                ),
            ),
            ObjectSpec(
                key="client_person",
                label="People of company clients",
                model="res.partner",
                derived_from="client",
                when=_has_contact_person,
                fields=(
                    F("name", "_person", required=True),
                    F("parent_id", "Client ID", "ref", ref="client", required=True),
                    F("type", None, "constant", default="contact"),
                    F("email", "Email", "email"),
                    F("mobile", "Mobile", "phone"),
                ),
            ),
            ObjectSpec(
                key="contact",
                label="Contacts",
                model="res.partner",
                files=("contacts", "contact list", "client contacts", "contact"),
                columns=(
                    C("Contact ID", ("Contact Id", "Contact #", "Id"), required=True),
                    CLIENT_ID,
                    *PERSON_COLUMNS,
                    C("Job Title", ("Title", "Role", "Position")),
                    C("Primary Contact", ("Primary", "Is Primary")),
                    C("Created Date", ("Created", "Date Created")),
                ),
                id_column="Contact ID",
                depends=("client",),
                prepare=_prepare_contact,
                created_column="Created Date",
                custom_fields=True,
                fields=(
                    F("name", "_name", required=True),
                    F("parent_id", "Client ID", "ref", ref="client", required=True),
                    F("type", None, "constant", default="contact"),
                    F("function", "Job Title"),
                    F("email", "Email", "email"),
                    F("phone", "Phone", "phone"),
                    F("mobile", "Mobile", "phone"),
                    F("x_cp_primary_contact", "Primary Contact", "boolean"),
                ),
            ),
            ObjectSpec(
                key="lead",
                label="Leads",
                model="crm.lead",
                files=("leads", "lead list", "lead", "prospects"),
                columns=(
                    C("Lead ID", ("Lead Id", "Lead #", "Lead Number"), required=True),
                    *PERSON_COLUMNS,
                    *ADDRESS_COLUMNS,
                    C("Lead Source", ("Source", "Referral Source")),
                    C("Service Requested", ("Service", "Service Type", "Interest")),
                    C("Status", ("Stage", "Lead Status")),
                    C("Assigned To", ("Owner", "Sales Rep", "Assigned Staff")),
                    C("Estimated Value", ("Value", "Est. Value", "Budget")),
                    C("Created Date", ("Created", "Date Created")),
                    C("Converted Client ID", ("Client ID", "Converted To")),
                    C("Notes", ("Note", "Comments")),
                ),
                id_column="Lead ID",
                depends=("client",),
                prepare=_prepare_lead,
                created_column="Created Date",
                custom_fields=True,
                fields=(
                    F("name", "_title", required=True),
                    F("type", None, "constant", default="lead"),
                    F("contact_name", "_person"),
                    F("partner_name", "Company Name"),
                    F("partner_id", "Converted Client ID", "ref", ref="client"),
                    F("email_from", "Email", "email"),
                    F("phone", ("Phone", "Mobile"), "phone"),
                    *ADDRESS,
                    F("user_id", "Assigned To", "user"),
                    F(
                        "stage_id",
                        "Status",
                        "stage",
                        pipeline=LEAD_PIPELINE,
                        stages=(
                            S("New", 10),
                            S("Contacted", 20),
                            S("Qualified", 40),
                            S("Converted", outcome="won", aliases=("Won",)),
                            S("Lost", outcome="lost"),
                        ),
                    ),
                    F("expected_revenue", "Estimated Value", "money"),
                    F(
                        "source_id",
                        "Lead Source",
                        "lookup",
                        lookup="name",
                        create_missing=True,
                    ),
                    F("description", "Notes"),
                    F("x_cp_service_requested", "Service Requested"),
                ),
            ),
            ObjectSpec(
                key="job",
                label="Jobs",
                model="crm.lead",
                files=("jobs", "job list", "job", "work orders"),
                columns=(
                    C("Job #", ("Job Number", "Job No", "Job ID"), required=True),
                    C("Invoice #", ("Invoice Number", "Invoice No")),
                    CLIENT_ID,
                    C("Title", ("Job Title", "Job Name", "Name")),
                    C("Job Address", ("Address", "Site Address", "Address Line 1")),
                    C("City", ("Job City",)),
                    C("State", ("Job State",)),
                    C("Zip", ("Zip Code", "Postal Code", "Job Zip")),
                    C("Status", ("Job Status", "Stage")),
                    C("Scheduled Start", ("Start Date", "Start", "Scheduled Date")),
                    C("Scheduled End", ("End Date", "End")),
                    C("Assigned Staff", ("Assigned To", "Crew", "Technician")),
                    C("Job Total", ("Total", "Amount", "Job Value")),
                    *(
                        C(
                            f"Stage Date: {stage}",
                            (f"{stage} Date", f"Date {stage}", f"Entered {stage}"),
                        )
                        for stage in JOB_STAGES
                    ),
                    C("Notes", ("Note", "Job Notes")),
                    C("Created Date", ("Created", "Date Created")),
                    C("Updated Date", ("Updated", "Modified Date")),
                ),
                id_column="Job #",
                depends=("client",),
                prepare=_prepare_job,
                created_column="Created Date",
                custom_fields=True,
                fields=(
                    F("name", "_title", required=True),
                    F("type", None, "constant", default="opportunity"),
                    F("partner_id", "Client ID", "ref", ref="client", required=True),
                    F("expected_revenue", "Job Total", "money"),
                    F("user_id", "Assigned Staff", "user"),
                    F(
                        "stage_id",
                        "Status",
                        "stage",
                        pipeline=JOB_PIPELINE,
                        stages=(
                            S("New", 10),
                            S("In Progress", 50, aliases=("Scheduled", "Started")),
                            S("Completed", outcome="won", aliases=("Done",)),
                            S("On Hold", 30, aliases=("Hold", "Paused")),
                            # a stage of its own (the seed's), not a lost lead
                            S("Cancelled", 0, aliases=("Canceled",)),
                        ),
                    ),
                    F("date_last_stage_update", "_stage_date", "datetime"),
                    F("date_closed", "Stage Date: Completed", "datetime"),
                    F("description", "Notes"),
                    F("street", "Job Address"),
                    F("city", "City"),
                    F("zip", "Zip"),
                    F("state_id", "State", "lookup", lookup="code"),
                    F("x_scheduled_date", "Scheduled Start", "datetime"),
                    F("x_cp_scheduled_end", "Scheduled End", "datetime"),
                    F("x_cp_invoice_number", "Invoice #"),
                    *(
                        F(
                            f"x_stage_date_{stage.lower().replace(' ', '_')}",
                            f"Stage Date: {stage}",
                            "datetime",
                        )
                        for stage in JOB_STAGES
                    ),
                ),
            ),
            ObjectSpec(
                key="estimate",
                label="Estimates",
                model="sale.order",
                files=("estimates", "estimate list", "estimate", "quotes"),
                columns=(
                    C(
                        "Estimate #",
                        ("Estimate Number", "Estimate No", "Estimate ID"),
                        required=True,
                    ),
                    CLIENT_ID,
                    C("Client Name", ("Client", "Customer Name")),
                    C("Title", ("Estimate Title", "Name", "Subject")),
                    C("Status", ("Estimate Status",)),
                    C("Issue Date", ("Date", "Estimate Date", "Sent Date")),
                    C("Expiration Date", ("Expiry Date", "Valid Until", "Expires")),
                    C("Subtotal", ("Sub Total", "Sub-total")),
                    C("Discount", ("Discount Amount",)),
                    C("Tax", ("Tax Amount", "Sales Tax")),
                    C("Markup", ("Markup Amount",)),
                    C("Total", ("Estimate Total", "Amount", "Grand Total")),
                    C("Deposit", ("Deposit Amount", "Deposit Required")),
                    C("Invoice #", ("Invoice Number", "Converted Invoice")),
                    C("Created Date", ("Created", "Date Created")),
                ),
                id_column="Estimate #",
                depends=("client", "job"),
                prepare=_prepare_document,
                created_column="Created Date",
                custom_fields=True,
                fields=(
                    F("name", "Estimate #", required=True),
                    F("partner_id", "Client ID", "ref", ref="client", required=True),
                    F("date_order", "Issue Date", "datetime"),
                    F("validity_date", "Expiration Date", "date"),
                    F(
                        "state",
                        "Status",
                        "value_map",
                        value_map={
                            "draft": "draft",
                            "sent": "sent",
                            "approved": "sale",
                            "accepted": "sale",
                            "declined": "cancel",
                            "rejected": "cancel",
                        },
                        default="draft",
                    ),
                    F("opportunity_id", "_job", "ref", ref="job"),
                    F("x_cp_title", "Title"),
                    F("x_cp_tax", "Tax", "money"),
                    F("x_cp_discount", "Discount", "money"),
                    F("x_cp_markup", "Markup", "money"),
                    F("x_cp_total", "Total", "money"),
                    F("x_cp_deposit", "Deposit", "money"),
                    F("x_cp_invoice_number", "Invoice #"),
                ),
                lines=("order_line", ITEM_LINES),
            ),
            ObjectSpec(
                key="invoice",
                label="Invoices",
                model="account.move",
                files=("invoices", "invoice list", "invoice"),
                columns=(
                    C(
                        "Invoice #",
                        ("Invoice Number", "Invoice No", "Invoice ID"),
                        required=True,
                    ),
                    C("Estimate #", ("Estimate Number", "Estimate")),
                    C("Job #", ("Job Number", "Job")),
                    CLIENT_ID,
                    C("Issue Date", ("Invoice Date", "Date")),
                    C("Due Date", ("Date Due", "Payment Due")),
                    C("Status", ("Invoice Status", "Payment Status")),
                    C("Subtotal", ("Sub Total",)),
                    C("Tax", ("Tax Amount", "Sales Tax")),
                    C("Discount", ("Discount Amount",)),
                    C("Total", ("Invoice Total", "Amount", "Grand Total")),
                    C("Amount Paid", ("Paid", "Paid Amount", "Payments")),
                    C("Balance", ("Balance Due", "Amount Due", "Outstanding")),
                    C("Payment Mode", ("Payment Method", "Paid By")),
                ),
                id_column="Invoice #",
                depends=("client", "estimate"),
                prepare=_prepare_document,
                created_column="Issue Date",
                custom_fields=True,
                context={"default_move_type": "out_invoice"},
                fields=(
                    F("move_type", None, "constant", default="out_invoice"),
                    F("partner_id", "Client ID", "ref", ref="client", required=True),
                    F("ref", "Invoice #", required=True),
                    F("invoice_date", "Issue Date", "date"),
                    F("invoice_date_due", "Due Date", "date"),
                    F("invoice_origin", "Estimate #"),
                    F(
                        "state",
                        "Status",
                        "value_map",
                        # an invoice issued is posted (payments reconcile with it)
                        value_map={
                            "draft": "draft",
                            "paid": "posted",
                            "partially paid": "posted",
                            "partial": "posted",
                            "unpaid": "posted",
                            "overdue": "posted",
                            "sent": "posted",
                        },
                        default="posted",
                    ),
                    F("x_cp_estimate_number", "Estimate #"),
                    F("x_cp_job_number", "Job #"),
                    F(
                        "x_cp_payment_status",
                        "Status",
                        "value_map",
                        value_map={
                            "paid": "paid",
                            "partially paid": "partial",
                            "partial": "partial",
                            "unpaid": "not_paid",
                            "overdue": "not_paid",
                            "sent": "not_paid",
                            "draft": "not_paid",
                        },
                        custom_type="selection",
                    ),
                    F("x_cp_tax", "Tax", "money"),
                    F("x_cp_total", "Total", "money"),
                    F("x_cp_amount_paid", "Amount Paid", "money"),
                    F("x_cp_balance", "Balance", "money"),
                    F("x_cp_payment_mode", "Payment Mode"),
                ),
                lines=("invoice_line_ids", INVOICE_LINES),
            ),
            ObjectSpec(
                key="payment",
                label="Payments",
                model="account.payment",
                files=("payments", "payment list", "payment", "payments received"),
                columns=(
                    C("Payment ID", ("Payment Id", "Payment #", "Id"), required=True),
                    C(
                        "Invoice #",
                        ("Invoice Number", "Invoice No", "Invoice"),
                        required=True,
                    ),
                    # filled by the reader from the invoice when the file lacks it
                    OPTIONAL_CLIENT_ID,
                    C("Payment Date", ("Date", "Paid Date", "Date Paid")),
                    C("Amount", ("Payment Amount", "Amount Paid")),
                    C("Payment Mode", ("Payment Method", "Method", "Type")),
                    C("Reference", ("Ref", "Check #", "Transaction ID")),
                    C("Notes", ("Note", "Memo")),
                ),
                id_column="Payment ID",
                depends=("client", "invoice"),
                created_column="Payment Date",
                custom_fields=True,
                fields=(
                    F("payment_type", None, "constant", default="inbound"),
                    F("partner_type", None, "constant", default="customer"),
                    F("partner_id", "Client ID", "ref", ref="client", required=True),
                    F("amount", "Amount", "money", required=True),
                    F("date", "Payment Date", "date"),
                    F("memo", ("Reference", "Invoice #")),
                    # posted and reconciled with it (the payment's adapter)
                    F("invoice_ids", "Invoice #", "ref", ref="invoice", required=True),
                    F("x_cp_invoice_number", "Invoice #"),
                    F("x_cp_payment_mode", "Payment Mode"),
                ),
            ),
            ObjectSpec(
                key="call",
                label="Calls",
                model="mail.message",
                kind="message",
                files=("calls", "call log", "call list", "phone calls"),
                columns=(
                    C("Call ID", ("Call Id", "Call #", "Id"), required=True),
                    OPTIONAL_CLIENT_ID,
                    JOB_NUMBER,
                    C("Date", ("Call Date", "Date/Time", "Created Date")),
                    C("Duration (min)", ("Duration", "Minutes", "Length")),
                    C("Direction", ("Call Type", "Type")),
                    C("Staff", ("User", "Assigned To", "Called By")),
                    C("Outcome", ("Result", "Call Result")),
                    C("Notes", ("Note", "Summary")),
                ),
                id_column="Call ID",
                depends=("client", "job"),
                prepare=_prepare_activity_note("Call"),
                attach_to=(("Job #", "job"), ("Client ID", "client")),
                fields=(
                    F("body", "_body", required=True),
                    F("date", "Date", "datetime"),
                    F("author_id", "Staff", "user"),
                    F(
                        "mail_activity_type_id",
                        None,
                        "lookup",
                        lookup="name",
                        default="Call",
                    ),
                ),
            ),
            ObjectSpec(
                key="meeting",
                label="Meetings",
                model="calendar.event",
                files=("meetings", "meeting list", "appointments", "calendar"),
                columns=(
                    C("Meeting ID", ("Meeting Id", "Appointment ID", "Id"), True),
                    OPTIONAL_CLIENT_ID,
                    JOB_NUMBER,
                    C("Title", ("Subject", "Meeting Title", "Name")),
                    C("Start", ("Start Date", "Start Time", "Date")),
                    C("End", ("End Date", "End Time")),
                    C("Location", ("Address", "Where")),
                    C("Staff", ("Organizer", "Assigned To", "Owner")),
                    C("Attendees", ("Participants", "Guests")),
                    C("Notes", ("Note", "Description")),
                ),
                id_column="Meeting ID",
                depends=("client", "job"),
                prepare=_prepare_meeting,
                created_column="Start",
                custom_fields=True,
                context={"no_mail_to_attendees": True, "dont_notify": True},
                fields=(
                    F("name", "_title", required=True),
                    F("start", "Start", "datetime", required=True),
                    F("stop", "_stop", "datetime", required=True),
                    F("location", "Location"),
                    F("description", "Notes"),
                    F("user_id", "Staff", "user"),
                    F("opportunity_id", "Job #", "ref", ref="job"),
                    F("partner_ids", "Client ID", "ref", ref="client"),
                    # several columns into one many2many add up
                    F("partner_ids", "Attendees", "user"),
                    F("x_cp_attendees", "Attendees"),
                ),
            ),
            ObjectSpec(
                key="note",
                label="Notes",
                model="mail.message",
                kind="message",
                files=("notes", "note list", "client notes", "job notes"),
                columns=(
                    C("Note ID", ("Note Id", "Note Number", "Id"), required=True),
                    OPTIONAL_CLIENT_ID,
                    JOB_NUMBER,
                    C("Date", ("Created Date", "Created", "Note Date")),
                    C("Author", ("Created By", "User", "Staff")),
                    C("Note", ("Notes", "Body", "Text", "Content"), required=True),
                ),
                id_column="Note ID",
                depends=("client", "job"),
                prepare=_prepare_note,
                attach_to=(("Job #", "job"), ("Client ID", "client")),
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
                files=("attachments", "files", "documents", "photos"),
                columns=(
                    C("Attachment ID", ("Attachment Id", "File ID", "Id"), True),
                    OPTIONAL_CLIENT_ID,
                    JOB_NUMBER,
                    C("File Name", ("Name", "Filename"), required=True),
                    C("File Path", ("Path", "File", "Location"), required=True),
                    C("Mime Type", ("Content Type", "Type", "MIME")),
                    C("Size (bytes)", ("Size", "File Size")),
                    C("Checksum", ("Checksum (SHA-256)", "SHA256", "SHA-256", "Hash")),
                    C("Uploaded By", ("Author", "Created By")),
                    C("Uploaded Date", ("Date", "Created Date", "Uploaded")),
                ),
                id_column="Attachment ID",
                depends=("client", "job"),
                created_column="Uploaded Date",
                attach_to=(("Job #", "job"), ("Client ID", "client")),
                checksum_column="Checksum",
                fields=(
                    F("name", "File Name", required=True),
                    F("raw", "File Path", required=True),
                    F("mimetype", "Mime Type"),
                    F("create_uid", "Uploaded By", "user"),
                ),
            ),
        ),
    )
)
