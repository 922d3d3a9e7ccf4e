# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""JobTread: the objects its Pave API gives and where each lands in Odoo 18.

Read over the API (``source_apis.md`` §1, reader :mod:`..readers.jobtread`); the
columns below are the names the reader gives the API's fields (and, for accounts
without API access, the headers of JobTread's CSV exports, through their aliases).
What the seed maps, in Odoo 18 terms:

- accounts: customers → ``res.partner`` (customer rank), vendors → ``res.partner``
  (supplier rank), the primary location's address on the account;
- contacts → child ``res.partner`` of their account (email and phone are custom
  field values in JobTread: the reader reads them from there);
- locations → delivery addresses under their customer;
- jobs → ``crm.lead`` opportunities of the "JobTread" sales team: the amount of the
  approved estimates (else the budget) as expected revenue, the stage from the
  job's status (open or closed, ``closedOn``) and its estimates;
- cost items → products (one per item name, the catalog's prices first; service or
  goods from the cost type);
- customer orders → ``sale.order`` with their lines, customer invoices →
  ``account.move`` with theirs (vendor orders and bills are budget documents the
  seed leaves out);
- files → ``ir.attachment`` on their document, job, contact, location or account;
  comments → ``mail.message`` with their date and author;
- custom fields → ``x_jt_`` fields (a multi-select → tags); users → owners by
  email; workflows and budget or selection templates → the automation inventory.
"""

from ..parsers import InvalidValue, parse_money
from .base import Column as C
from .base import FieldSpec as F
from .base import ObjectSpec, Preset, register
from .base import Stage as S

PLATFORM = "jobtread"
PIPELINE = "JobTread"
#: the reader's column of a record's multi-select options, as tags
TAGS = "_tags"

#: Document statuses → sale order states
ORDER_STATES = {
    "draft": "draft",
    "pending": "sent",
    "sent": "sent",
    "approved": "sale",
    "rejected": "cancel",
    "void": "cancel",
}
#: Cost types → product types (Odoo 18: ``consu`` is goods); others are services
PRODUCT_TYPES = {
    "materials": "consu",
    "material": "consu",
    "equipment": "consu",
    "labor": "service",
    "subcontractor": "service",
    "other": "service",
}


def job_status(row):
    """The stage of a job from its status (open or closed) and its estimates.

    ``closedOn`` set: closed, won when an estimate was approved or an invoice sent,
    lost otherwise; open: sold (an approved estimate), estimate sent, or lead.
    """
    orders = [s.lower() for s in (row.get("_order_statuses") or "").split(";") if s]
    approved = "approved" in orders
    invoiced = (row.get("_invoiced") or "") == "true"
    if (row.get("Closed On") or "").strip():
        return "Closed" if approved or invoiced else "Closed Lost"
    if approved:
        return "Sold"
    if any(s not in ("rejected", "void") for s in orders):
        return "Estimate Sent"
    return "Lead"


def _prepare_job(row):
    if not (row.get("Status") or "").strip():
        row["Status"] = job_status(row)
    return row


def _quantity(text):
    try:
        value = parse_money(text)
    except InvalidValue:
        return 1.0
    return value if value else 1.0


def item_key(name):
    """A cost item's product key: its name, case and spaces aside."""
    return " ".join((name or "").split()).lower()


ACCOUNT_COLUMNS = (
    C("Account Id", ("Customer Id", "Vendor Id", "Id", "ID"), required=True),
    C("Name", ("Account Name", "Customer Name", "Vendor Name", "Company"), True),
    C("Type", ("Account Type",)),
    C("Taxable", ("Is Taxable",)),
    C("Archived At", ("Archived",)),
    C("Created At", ("Created", "Date Created")),
    C("Street", ("Address", "Street Address", "Address Line 1")),
    C(
        "City",
    ),
    C("State", ("Province", "Region")),
    C("Zip", ("Postal Code", "Zip Code")),
    C(
        "Country",
    ),
)
CONTACT_COLUMNS = (
    C("Contact Id", ("Id", "ID"), required=True),
    C("Account Id", ("Customer Id", "Vendor Id", "Account ID"), required=True),
    C("Name", ("Contact Name", "Full Name")),
    C("First Name", ("First",)),
    C("Last Name", ("Last",)),
    C("Title", ("Job Title", "Position")),
    C("Email", ("Email Address", "E-mail")),
    C("Phone", ("Phone Number", "Mobile", "Cell")),
    C("Created At", ("Created", "Date Created")),
)
ADDRESS = (
    F("street", "Street"),
    F("city", "City"),
    F("zip", "Zip"),
    F("state_id", "State", "lookup", lookup="code"),
    F("country_id", "Country", "lookup", lookup="code", default="US"),
)
DOCUMENT_COLUMNS = (
    C("Document Id", ("Id", "ID"), required=True),
    C("Account Id", ("Customer Id", "Account ID"), required=True),
    C("Job Id", ("Job ID",)),
    C("Full Name", ("Document", "Document Name")),
    C("Number", ("Document Number", "#")),
    C("Status", ("Document Status",)),
    C("Issue Date", ("Date", "Issued")),
    C("Due Date", ("Due",)),
    C(
        "Subject",
    ),
    C(
        "Description",
    ),
    C("Price", ("Subtotal", "Amount")),
    C(
        "Tax",
    ),
    C("Price With Tax", ("Total",)),
    C("Amount Paid", ("Paid",)),
    C("Balance", ("Balance Due",)),
    C("Created At", ("Created", "Date Created")),
)


def _account(key, label, rank, kind):
    return ObjectSpec(
        key=key,
        label=label,
        model="res.partner",
        files=(f"{kind}s", kind, "accounts") if kind == "customer" else (f"{kind}s",),
        columns=ACCOUNT_COLUMNS,
        id_column="Account Id",
        created_column="Created At",
        custom_fields=True,
        context={"res_partner_search_mode": kind},
        fields=(
            F("name", "Name", required=True),
            F("is_company", None, "constant", default=True),
            F(rank, None, "constant", default=1),
            *ADDRESS,
            F("category_id", TAGS, "tags", create_missing=True),
            F("x_jt_taxable", "Taxable", "boolean"),
            F("x_jt_archived_at", "Archived At", "datetime"),
        ),
    )


def _contact(key, label, parent, kind):
    return ObjectSpec(
        key=key,
        label=label,
        model="res.partner",
        files=(f"{kind} contacts",) if kind == "vendor" else ("contacts",),
        columns=CONTACT_COLUMNS,
        id_column="Contact Id",
        depends=(parent,),
        created_column="Created At",
        custom_fields=True,
        fields=(
            F("name", ("Name", "_person"), required=True),
            F("parent_id", "Account Id", "ref", ref=parent, required=True),
            F("type", None, "constant", default="contact"),
            F("function", "Title"),
            F("email", "Email", "email"),
            F("phone", "Phone", "phone"),
            F("category_id", TAGS, "tags", create_missing=True),
        ),
    )


def _document_lines(quantity, lines_field, extra=()):
    return (
        lines_field,
        (
            F("product_id", "item", "ref", ref="cost_item"),
            F("name", "name", required=True),
            F(quantity, "qty", "float"),
            F("price_unit", "price", "money", required=True),
            *extra,
        ),
    )


def _prepare_document(row):
    """Lines of a document: one per cost item (quantity 1 when it has none)."""
    for line in row.get("_lines") or ():
        line["qty"] = f"{_quantity(line.get('qty')):g}"
        line["name"] = line.get("name") or row.get("Full Name") or "Line"
    return row


PRESET = register(
    Preset(
        platform=PLATFORM,
        label="JobTread",
        export_help=(
            "JobTread is read over its API: create a grant in JobTread (Settings > "
            "Integrations > API > Grants) and enter its key in the project. Without "
            "API access, export the customers, vendors, contacts, locations, jobs, "
            "cost items, documents and comments as CSV files and upload them here."
        ),
        custom_prefix="x_jt_",
        date_order="MDY",
        default_country="US",
        objects=(
            _account("customer", "Customers", "customer_rank", "customer"),
            _account("vendor", "Vendors", "supplier_rank", "vendor"),
            _contact("customer_contact", "Customer contacts", "customer", "customer"),
            _contact("vendor_contact", "Vendor contacts", "vendor", "vendor"),
            ObjectSpec(
                key="location",
                label="Locations",
                model="res.partner",
                files=("locations", "location", "job sites"),
                columns=(
                    C("Location Id", ("Id", "ID"), required=True),
                    C("Account Id", ("Customer Id", "Account ID"), required=True),
                    C("Name", ("Location Name",)),
                    C("Address", ("Full Address", "Formatted Address")),
                    *ACCOUNT_COLUMNS[6:],
                    C("Contact Id", ("Contact ID",)),
                    C("Created At", ("Created", "Date Created")),
                ),
                id_column="Location Id",
                depends=("customer",),
                created_column="Created At",
                custom_fields=True,
                fields=(
                    F("name", ("Name", "Address", "Street"), required=True),
                    F("parent_id", "Account Id", "ref", ref="customer", required=True),
                    F("type", None, "constant", default="delivery"),
                    *ADDRESS,
                    F("category_id", TAGS, "tags", create_missing=True),
                ),
            ),
            ObjectSpec(
                key="cost_item",
                label="Cost items (products)",
                model="product.product",
                files=("cost items", "cost catalog", "catalog", "items"),
                columns=(
                    C("Item Key", ("Key",)),
                    C("Name", ("Item", "Item Name", "Cost Item"), required=True),
                    C(
                        "Description",
                    ),
                    C("Unit Cost", ("Cost", "Unit cost")),
                    C("Unit Price", ("Price", "Unit price")),
                    C("Cost Type", ("Type",)),
                    C("Cost Code", ("Code",)),
                    C("Created At", ("Created", "Date Created")),
                ),
                id_column="Item Key",
                prepare=lambda row: dict(
                    row,
                    **{"Item Key": row.get("Item Key") or item_key(row.get("Name"))},
                ),
                created_column="Created At",
                custom_fields=True,
                fields=(
                    F("name", "Name", required=True),
                    F("description_sale", "Description"),
                    F("list_price", "Unit Price", "money"),
                    F("standard_price", "Unit Cost", "money"),
                    F(
                        "type",
                        "Cost Type",
                        "value_map",
                        value_map=PRODUCT_TYPES,
                        default="service",
                    ),
                    F("sale_ok", None, "constant", default=True),
                    F("purchase_ok", None, "constant", default=True),
                    F("product_tag_ids", TAGS, "tags", create_missing=True),
                    F("x_jt_cost_code", "Cost Code"),
                ),
            ),
            ObjectSpec(
                key="job",
                label="Jobs",
                model="crm.lead",
                files=("jobs", "job", "job list"),
                columns=(
                    C("Job Id", ("Id", "ID", "Job ID"), required=True),
                    C("Account Id", ("Customer Id", "Customer ID"), required=True),
                    C("Location Id", ("Location ID",)),
                    C("Name", ("Job Name",), required=True),
                    C("Number", ("Job Number", "Job #")),
                    C(
                        "Description",
                    ),
                    C("Status", ("Job Status",)),
                    C("Closed On", ("Closed", "Date Closed")),
                    C("Amount", ("Price", "Estimated Price", "Revenue")),
                    C(
                        "Price Type",
                    ),
                    C("Created By", ("Owner", "Created By User")),
                    C("Created At", ("Created", "Date Created")),
                    *ACCOUNT_COLUMNS[6:],
                ),
                id_column="Job Id",
                depends=("customer", "location"),
                prepare=_prepare_job,
                created_column="Created At",
                custom_fields=True,
                fields=(
                    F("name", "Name", required=True),
                    F("type", None, "constant", default="opportunity"),
                    F("partner_id", "Account Id", "ref", ref="customer", required=True),
                    F("expected_revenue", "Amount", "money"),
                    F(
                        "stage_id",
                        "Status",
                        "stage",
                        pipeline=PIPELINE,
                        stages=(
                            S("Lead", 10),
                            S("Estimate Sent", 40, aliases=("Open",)),
                            S("Sold", 80),
                            S("Closed", outcome="won", aliases=("Won",)),
                            S("Closed Lost", outcome="lost", aliases=("Lost",)),
                        ),
                    ),
                    F("date_closed", "Closed On", "datetime"),
                    F("user_id", "Created By", "user"),
                    F("description", "Description"),
                    F("tag_ids", TAGS, "tags", create_missing=True),
                    *ADDRESS,
                    F("x_jt_number", "Number"),
                    F("x_jt_price_type", "Price Type"),
                ),
            ),
            ObjectSpec(
                key="customer_order",
                label="Customer orders (estimates)",
                model="sale.order",
                files=("customer orders", "estimates", "proposals"),
                columns=DOCUMENT_COLUMNS,
                id_column="Document Id",
                depends=("customer", "job", "cost_item"),
                prepare=_prepare_document,
                created_column="Created At",
                custom_fields=True,
                fields=(
                    F("name", ("Full Name", "Document Id"), required=True),
                    F("partner_id", "Account Id", "ref", ref="customer", required=True),
                    F("opportunity_id", "Job Id", "ref", ref="job"),
                    F("date_order", "Issue Date", "datetime"),
                    F("validity_date", "Due Date", "date"),
                    F(
                        "state",
                        "Status",
                        "value_map",
                        value_map=ORDER_STATES,
                        default="draft",
                    ),
                    F("note", "Description"),
                    F("x_jt_subject", "Subject"),
                    F("x_jt_tax", "Tax", "money"),
                    F("x_jt_price_with_tax", "Price With Tax", "money"),
                ),
                lines=_document_lines(
                    "product_uom_qty",
                    "order_line",
                    (F("tax_id", None, "constant", default=[]),),
                ),
            ),
            ObjectSpec(
                key="customer_invoice",
                label="Customer invoices",
                model="account.move",
                files=("customer invoices", "invoices"),
                columns=DOCUMENT_COLUMNS,
                id_column="Document Id",
                depends=("customer", "job", "cost_item"),
                prepare=_prepare_document,
                created_column="Created At",
                custom_fields=True,
                context={"default_move_type": "out_invoice"},
                fields=(
                    F("move_type", None, "constant", default="out_invoice"),
                    F("partner_id", "Account Id", "ref", ref="customer", required=True),
                    F("ref", ("Full Name", "Document Id"), required=True),
                    F("invoice_date", "Issue Date", "date"),
                    F("invoice_date_due", "Due Date", "date"),
                    F("narration", "Description"),
                    F("x_jt_status", "Status"),
                    F("x_jt_subject", "Subject"),
                    F("x_jt_tax", "Tax", "money"),
                    F("x_jt_amount_paid", "Amount Paid", "money"),
                    F("x_jt_balance", "Balance", "money"),
                ),
                lines=_document_lines(
                    "quantity",
                    "invoice_line_ids",
                    (F("tax_ids", None, "constant", default=[]),),
                ),
            ),
            ObjectSpec(
                key="comment",
                label="Comments",
                model="mail.message",
                kind="message",
                files=("comments", "notes"),
                columns=(
                    C("Comment Id", ("Id", "ID"), required=True),
                    C("Job Id", ("Job ID",)),
                    C("Document Id", ("Document ID",)),
                    C("Account Id", ("Customer Id", "Account ID")),
                    C("Message", ("Comment", "Note", "Text"), required=True),
                    C("Author", ("Created By", "User")),
                    C("Created At", ("Date", "Created")),
                ),
                id_column="Comment Id",
                depends=(
                    "customer",
                    "vendor",
                    "job",
                    "customer_order",
                    "customer_invoice",
                ),
                attach_to=(
                    ("Document Id", "customer_order"),
                    ("Document Id", "customer_invoice"),
                    ("Job Id", "job"),
                    ("Account Id", "customer"),
                    ("Account Id", "vendor"),
                ),
                fields=(
                    F("body", "Message", required=True),
                    F("date", "Created At", "datetime"),
                    F("author_id", "Author", "user"),
                    F("email_from", "Author"),
                ),
            ),
            ObjectSpec(
                key="file",
                label="Files",
                model="ir.attachment",
                kind="attachment",
                files=("files", "attachments"),
                columns=(
                    C("File Id", ("Id", "ID"), required=True),
                    C("Name", ("File Name", "Filename"), required=True),
                    C("Url", ("URL", "Link", "File Path"), required=True),
                    C("Type", ("Mime Type", "Content Type")),
                    C(
                        "Size",
                    ),
                    C("Job Id", ("Job ID",)),
                    C("Document Id", ("Document ID",)),
                    C("Contact Id", ("Contact ID",)),
                    C("Location Id", ("Location ID",)),
                    C("Account Id", ("Customer Id", "Account ID")),
                    C("Uploaded By", ("Created By", "User")),
                    C("Created At", ("Date", "Created")),
                ),
                id_column="File Id",
                depends=(
                    "customer",
                    "vendor",
                    "customer_contact",
                    "vendor_contact",
                    "location",
                    "job",
                    "customer_order",
                    "customer_invoice",
                ),
                attach_to=(
                    ("Document Id", "customer_order"),
                    ("Document Id", "customer_invoice"),
                    ("Job Id", "job"),
                    ("Contact Id", "customer_contact"),
                    ("Contact Id", "vendor_contact"),
                    ("Location Id", "location"),
                    ("Account Id", "customer"),
                    ("Account Id", "vendor"),
                ),
                fields=(
                    F("name", "Name", required=True),
                    F("raw", "Url", required=True),
                    F("mimetype", "Type"),
                ),
            ),
        ),
    )
)
