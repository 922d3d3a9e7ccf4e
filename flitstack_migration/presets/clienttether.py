# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""ClientTether: its objects and where each lands in Odoo 18.

ClientTether is read over its REST API 2.0 (``source_apis.md`` §2; the reader is
:mod:`..readers.clienttether`). Canonical columns are the API's own field names;
their aliases are the headers of ClientTether's import/export template, so that an
export reads too. Columns starting with ``_`` are what the reader joins in from the
lookup lists (sales cycles, lead sources, users, the account a web key reads).

Where each object lands (seed ``003``, in Odoo 18 terms):

- Accounts (the brand / franchise hierarchy) → companies (``res.partner``), parent
  under parent; discovery reports a hierarchy deeper than three levels. When the
  admin chooses multi-company (an optional object of the map), each account is also
  an Odoo company (``res.company``) sharing the account's partner, a branch of its
  parent account's company;
- Contacts (every client record) → ``res.partner``, with the ClientTether account
  they belong to kept in ``x_ct_account``. They are *not* made child contacts of the
  franchise's company: Odoo would copy the franchise's address over each customer's
  and book their invoices to the franchise (its commercial partner);
- Leads (clients of contact type "1", prospects) → ``crm.lead`` of type lead, linked
  to their contact; lead source, campaign and score kept;
- Pipelines (sales cycles, one per contact type and account) → ``crm.team``; each
  sales cycle → a ``crm.stage`` of it (name shortened to 50 characters, the full
  name kept); its likelihood to close is the lead's probability;
- Deals (opportunities) → ``crm.lead`` of type opportunity (deal size, close date,
  owner, stage, the client's tags);
- Proposals → ``sale.order`` in draft with their lines; Work Orders →
  ``project.task``; Tags → ``res.partner.category`` and ``crm.tag``;
- Call logs → a logged "Call" activity (``mail.message``) on the lead or contact,
  history notes → ``mail.message`` with their original dates and authors;
- Custom fields (``cf_*`` values of the client rows) → ``x_`` fields; users →
  ``res.users`` by email (owners); email templates → ``mail.template``; action plans
  and email sequences → the automation inventory (not migrated).
"""

from ..engine.schema import NAME_LIMIT, clean_name
from .base import Column as C
from .base import FieldSpec as F
from .base import ObjectSpec, Preset, register

PLATFORM = "clienttether"
WORK_ORDER_PROJECT = "Work orders from ClientTether"
#: The product of proposal lines (ClientTether's lines carry a description only).
PROPOSAL_PRODUCT_ID = "proposal-item"
PROPOSAL_PRODUCT = "Proposal item (ClientTether)"

#: Words of a sales cycle's name that say how a deal in it ended.
LOST_WORDS = ("lost", "dead", "not interested", "cancelled", "canceled", "declined")
WON_WORDS = ("won", "sold", "signed")


def stage_outcome(name, likelihood=None):
    """``won``, ``lost`` or ``open`` for a sales cycle, from its name (``Closed
    Lost``, ``Sold``), else its likelihood to close (100: won)."""
    words = " ".join((name or "").lower().replace("-", " ").split())
    if any(word in words for word in LOST_WORDS):
        return "lost"
    if set(words.split()) & set(WON_WORDS):
        return "won"
    try:
        likelihood = float(likelihood)
    except (TypeError, ValueError):
        likelihood = 0.0
    return "won" if likelihood >= 100 else "open"


def _person(row):
    return " ".join(
        part.strip() for part in (row.get("firstName"), row.get("lastName")) if part
    ).strip()


def _prepare_client(row):
    """The name of a client: the person's, else the company's, else the email's."""
    person = _person(row)
    company = (row.get("compName") or "").strip()
    email = (row.get("email") or "").strip()
    row["_person"] = person
    row["_is_company"] = "no" if person or not company else "yes"
    row["_name"] = person or company or (email.split("@")[0] if "@" in email else "")
    return row


def _prepare_deal(row):
    row = _prepare_client(row)
    company = (row.get("compName") or "").strip()
    if row["_person"] and company:
        row["_name"] = f"{row['_person']} ({company})"
    return row


def _prepare_stage(row):
    full = " ".join((row.get("sales_cycle_name") or "").split())
    row["_name"] = clean_name(full, NAME_LIMIT)
    outcome = stage_outcome(full, row.get("likelihood_to_close"))
    row["_won"] = "yes" if outcome == "won" else "no"
    row["_lost"] = "yes" if outcome == "lost" else "no"
    return row


def _prepare_work_order(row):
    if not (row.get("title") or "").strip():
        row["title"] = f"Work order {row.get('work_order_id') or ''}".strip()
    return row


CLIENT_COLUMNS = (
    C("client_id", ("Client ID", "Contact ID", "Client Id", "ID"), required=True),
    C("firstName", ("First Name", "First")),
    C("lastName", ("Last Name", "Last")),
    C("compName", ("Company Name", "Company", "Business Name")),
    C("email", ("Email", "Email Address", "E-mail")),
    C("phone", ("Phone", "Phone Number", "Cell Phone", "Mobile")),
    C("address", ("Address", "Street Address", "Street")),
    C("city", ("City",)),
    C("state", ("State", "Province")),
    C("zip", ("Zip", "Zip Code", "Postal Code")),
    C("whiteboard", ("Whiteboard", "Notes", "Note")),
    C("deal_size", ("Deal Size",)),
    C("contact_type", ("Contact Type",)),
    C("assigned_user", ("Assigned User", "Assigned To", "Owner", "User")),
    C("clients_sales_cycle", ("Sales Cycle", "Sales Cycle ID", "Sales Cycle Id")),
    C("clients_lead_source", ("Lead Source", "Lead Source ID", "Lead Source Id")),
    C("clients_action_plan", ("Action Plan", "Action Plan ID", "Action Plan Id")),
    C("campaign", ("Campaign", "Campaign ID", "Form ID", "form_id", "campaign_id")),
    C("lead_score", ("Lead Score", "Score", "score")),
    C("tags", ("Tags", "Tag")),
    C("external_id", ("External ID", "External Id")),
    C("smsok", ("SMS OK", "SMS Opt In")),
    C("created", ("Created", "Date Created", "Created Date")),
    C("last_modified_date", ("Last Modified", "Last Modified Date", "Modified")),
)

ADDRESS = (
    F("street", "address"),
    F("city", "city"),
    F("zip", "zip"),
    F("state_id", "state", "lookup", lookup="code"),
    F("country_id", None, "lookup", lookup="code", default="US"),
)

#: The pipeline fields a lead or a deal takes from its sales cycle.
PIPELINE_FIELDS = (
    F("team_id", "_pipeline", "ref", ref="pipeline"),
    F("stage_id", "_stage", "ref", ref="stage"),
    F("probability", "_probability", "float"),
    F("active", "_active", "boolean"),
    F("date_closed", "_closed", "datetime"),
)

OPPORTUNITY_COLUMNS = (
    C("opportunity_id", ("Opportunity ID", "Deal ID", "Opportunity Id"), required=True),
    C("client_id", ("Client ID", "Contact ID", "Client Id")),
    C("firstName", ("First Name",)),
    C("lastName", ("Last Name",)),
    C("compName", ("Company Name", "Company")),
    C("contact_sales_cycle", ("Sales Cycle", "Sales Cycle ID")),
    C("deal_size", ("Deal Size", "Amount")),
    C("expected_close_date", ("Close Date", "Expected Close Date", "close_date")),
    C("contact_lead_source", ("Lead Source", "Lead Source ID")),
    C("contact_action_plan", ("Action Plan", "Action Plan ID")),
    C("contact_type", ("Contact Type",)),
    C("assigned_user", ("Assigned User", "Assigned To", "Owner")),
    C("created", ("Created", "Date Created")),
    C("last_modified_date", ("Last Modified", "Last Modified Date")),
)

PRESET = register(
    Preset(
        platform=PLATFORM,
        label="ClientTether",
        export_help=(
            "ClientTether is read over its API: enter the enterprise access token "
            "and the web key of each account to migrate (Settings > API in "
            "ClientTether). Without API access, export the contacts, opportunities "
            "and the other lists as CSV files and upload them."
        ),
        custom_prefix="x_ct_",
        date_order="MDY",
        default_country="US",
        objects=(
            ObjectSpec(
                key="account",
                label="Accounts (brand and franchises)",
                model="res.partner",
                files=("accounts", "account list", "franchises"),
                columns=(
                    C("account_id", ("Account ID", "Account Id"), required=True),
                    C("account_name", ("Account Name", "Name", "Franchise")),
                    C("parent_account_id", ("Parent Account ID", "Parent Account")),
                    C("account_type", ("Account Type", "Type")),
                    C("city", ("City",)),
                    C("state", ("State",)),
                    C("created", ("Created",)),
                ),
                id_column="account_id",
                parent_column="parent_account_id",
                created_column="created",
                fields=(
                    F("name", "account_name", required=True),
                    F("is_company", None, "constant", default=True),
                    F("parent_id", "parent_account_id", "ref", ref="account"),
                    F("ref", "account_id"),
                    F("city", "city"),
                    F("state_id", "state", "lookup", lookup="code"),
                    F("country_id", None, "lookup", lookup="code", default="US"),
                    F("x_ct_account_type", "account_type"),
                ),
            ),
            ObjectSpec(
                key="account_company",
                label="Accounts as Odoo companies (multi-company)",
                model="res.company",
                derived_from="account",
                depends=("account",),
                parent_column="parent_account_id",
                optional=(
                    "Make each account (brand, franchise) an Odoo company as well, "
                    "a branch of its parent account's company: for a multi-company "
                    "database. Its address and contact stay the account's."
                ),
                fields=(
                    F("name", "account_name", required=True),
                    F("partner_id", "account_id", "ref", ref="account", required=True),
                    F("parent_id", "parent_account_id", "ref", ref="account_company"),
                ),
            ),
            ObjectSpec(
                key="tag",
                label="Tags (contact tags)",
                model="res.partner.category",
                files=("tags", "tag list"),
                columns=(C("tag_name", ("Tag", "Tag Name", "Name"), required=True),),
                id_column="tag_name",
                match="name",
                fields=(F("name", "tag_name", required=True),),
            ),
            ObjectSpec(
                key="lead_tag",
                label="Tags (lead and deal tags)",
                model="crm.tag",
                derived_from="tag",
                match="name",
                fields=(F("name", "tag_name", required=True),),
            ),
            ObjectSpec(
                key="pipeline",
                label="Pipelines (sales cycles by contact type)",
                model="crm.team",
                columns=(
                    C("contact_type", ("Contact Type",), required=True),
                    C("contact_type_name", ("Contact Type Name",)),
                ),
                id_column="contact_type",
                fields=(F("name", "_name", required=True),),
            ),
            ObjectSpec(
                key="stage",
                label="Sales cycles (stages)",
                model="crm.stage",
                files=("sales cycles", "sales cycle ids"),
                columns=(
                    C("sales_cycle_id", ("Sales Cycle ID", "Sales Cycle Id", "ID")),
                    C("sales_cycle_name", ("Sales Cycle", "Sales Cycle Name", "Name")),
                    C("sales_cycle_order", ("Order", "Sequence")),
                    C("likelihood_to_close", ("Likelihood to Close", "Likelihood")),
                    C("sales_cycle_active_status", ("Active",)),
                    C("contact_type", ("Contact Type",)),
                    C("contact_type_name", ("Contact Type Name",)),
                ),
                id_column="sales_cycle_id",
                depends=("pipeline",),
                prepare=_prepare_stage,
                fields=(
                    F("name", "_name", required=True),
                    F("team_id", "_pipeline", "ref", ref="pipeline", required=True),
                    F("sequence", "sales_cycle_order", "integer"),
                    F("is_won", "_won", "boolean"),
                    F("fold", "_lost", "boolean"),
                    F("x_ct_full_name", "sales_cycle_name"),
                    F("x_ct_likelihood_to_close", "likelihood_to_close", "float"),
                ),
            ),
            ObjectSpec(
                key="product",
                label="Proposal products",
                model="product.product",
                columns=(C("product_id", required=True), C("product_name")),
                id_column="product_id",
                fields=(
                    F("name", "product_name", required=True),
                    F("type", None, "constant", default="service"),
                    F("sale_ok", None, "constant", default=True),
                ),
            ),
            ObjectSpec(
                key="email_template",
                label="Email templates",
                model="mail.template",
                files=("email templates", "templates"),
                columns=(
                    C("template_id", ("Template ID", "ID"), required=True),
                    C("template_name", ("Template Name", "Name")),
                    C("subject", ("Subject",)),
                    C("body", ("Body", "Content")),
                ),
                id_column="template_id",
                fields=(
                    F("name", "_name", required=True),
                    F("subject", "subject"),
                    F("body_html", "body"),
                    F(
                        "model_id",
                        None,
                        "lookup",
                        lookup="model",
                        default="res.partner",
                    ),
                ),
            ),
            ObjectSpec(
                key="contact",
                label="Contacts",
                model="res.partner",
                files=("contacts", "clients", "client list", "contact list"),
                columns=CLIENT_COLUMNS,
                id_column="client_id",
                depends=("account", "tag"),
                prepare=_prepare_client,
                created_column="created",
                custom_fields=True,
                context={"res_partner_search_mode": "customer"},
                fields=(
                    F("name", "_name", required=True),
                    F("is_company", "_is_company", "boolean"),
                    F("company_name", "compName"),
                    F("ref", "client_id"),
                    F("email", "email", "email"),
                    F("phone", "phone", "phone"),
                    *ADDRESS,
                    F("comment", "whiteboard"),
                    F("category_id", "tags", "tags", create_missing=True),
                    F("user_id", "assigned_user", "user"),
                    F("x_ct_account", "_account_name"),
                    F("x_ct_contact_type", "_contact_type"),
                    F("x_ct_lead_source", "_lead_source"),
                    F("x_ct_action_plan", "_action_plan"),
                    F("x_ct_external_id", "external_id"),
                ),
            ),
            ObjectSpec(
                key="lead",
                label="Leads (prospects)",
                model="crm.lead",
                files=("leads", "prospects"),
                columns=CLIENT_COLUMNS,
                id_column="client_id",
                depends=("contact", "stage", "lead_tag"),
                prepare=_prepare_client,
                created_column="created",
                custom_fields=True,
                fields=(
                    F("name", "_name", required=True),
                    F("type", None, "constant", default="lead"),
                    F("partner_id", "_client", "ref", ref="contact"),
                    F("contact_name", "_person"),
                    F("partner_name", "compName"),
                    F("email_from", "email", "email"),
                    F("phone", "phone", "phone"),
                    *ADDRESS,
                    F("user_id", "assigned_user", "user"),
                    *PIPELINE_FIELDS,
                    F("expected_revenue", "deal_size", "money"),
                    F(
                        "source_id",
                        "_lead_source",
                        "lookup",
                        lookup="name",
                        create_missing=True,
                    ),
                    F(
                        "campaign_id",
                        "campaign",
                        "lookup",
                        lookup="name",
                        create_missing=True,
                    ),
                    F("tag_ids", "tags", "tags", create_missing=True),
                    F("description", "whiteboard"),
                    F("x_ct_lead_score", "lead_score", "integer"),
                    F("x_ct_lead_source", "_lead_source"),
                    F("x_ct_action_plan", "_action_plan"),
                ),
            ),
            ObjectSpec(
                key="deal",
                label="Deals (opportunities)",
                model="crm.lead",
                files=("opportunities", "deals", "opportunity list"),
                columns=OPPORTUNITY_COLUMNS,
                id_column="opportunity_id",
                depends=("contact", "stage", "lead_tag"),
                prepare=_prepare_deal,
                created_column="created",
                fields=(
                    F("name", "_name", required=True),
                    F("type", None, "constant", default="opportunity"),
                    F("partner_id", "_client", "ref", ref="contact"),
                    F("contact_name", "_person"),
                    F("partner_name", "compName"),
                    F("email_from", "_email", "email"),
                    F("phone", "_phone", "phone"),
                    F("user_id", "assigned_user", "user"),
                    *PIPELINE_FIELDS,
                    F("expected_revenue", "deal_size", "money"),
                    F("date_deadline", "expected_close_date", "date"),
                    F(
                        "source_id",
                        "_lead_source",
                        "lookup",
                        lookup="name",
                        create_missing=True,
                    ),
                    F("tag_ids", "_tags", "tags", create_missing=True),
                    F("x_ct_lead_source", "_lead_source"),
                    F("x_ct_action_plan", "_action_plan"),
                ),
            ),
            ObjectSpec(
                key="proposal",
                label="Proposals",
                model="sale.order",
                files=("proposals", "proposal list"),
                columns=(
                    C("proposal_id", ("Proposal ID", "Proposal Id"), required=True),
                    C("client_id", ("Client ID", "Contact ID"), required=True),
                    C("title", ("Title", "Proposal Name", "Name")),
                    C("status", ("Status",)),
                    C("total", ("Total", "Amount")),
                    C("proposal_url", ("Proposal URL", "URL", "url")),
                    C("start_date", ("Start Date",)),
                    C("end_date", ("End Date", "Expiration Date")),
                    C("assigned_user", ("Assigned User", "Owner")),
                    C("created", ("Created", "Date Created")),
                    C("last_modified_date", ("Last Modified",)),
                ),
                id_column="proposal_id",
                depends=("contact", "product"),
                created_column="created",
                fields=(
                    F("partner_id", "_client", "ref", ref="contact", required=True),
                    F("origin", "title"),
                    F("date_order", "created", "datetime"),
                    F("validity_date", "end_date", "date"),
                    F("user_id", "assigned_user", "user"),
                    F("state", None, "constant", default="draft"),
                    F("x_ct_status", "status"),
                    F("x_ct_total", "total", "money"),
                    F("x_ct_proposal_url", "proposal_url"),
                    F("x_ct_start_date", "start_date", "date"),
                ),
                lines=(
                    "order_line",
                    (
                        F("product_id", "product", "ref", ref="product", required=True),
                        F("name", "description"),
                        F("product_uom_qty", "quantity", "float"),
                        F("price_unit", "unit_price", "money"),
                    ),
                ),
            ),
            ObjectSpec(
                key="work_order",
                label="Work orders",
                model="project.task",
                files=("work orders", "work order list"),
                columns=(
                    C(
                        "work_order_id",
                        ("Work Order ID", "Work Order Id"),
                        required=True,
                    ),
                    C("client_id", ("Client ID", "Contact ID")),
                    C("proposal_id", ("Proposal ID",)),
                    C("title", ("Title", "Name")),
                    C("status", ("Status",)),
                    C("scheduled_date", ("Scheduled Date", "Date")),
                    C("assigned_user", ("Assigned User", "Assigned To", "Owner")),
                    C("created", ("Created",)),
                    C("last_modified_date", ("Last Modified",)),
                ),
                id_column="work_order_id",
                depends=("contact", "proposal"),
                prepare=_prepare_work_order,
                created_column="created",
                fields=(
                    F("name", "title", required=True),
                    F(
                        "project_id",
                        None,
                        "lookup",
                        lookup="name",
                        default=WORK_ORDER_PROJECT,
                        create_missing=True,
                    ),
                    F("partner_id", "_client", "ref", ref="contact"),
                    F("user_ids", "assigned_user", "user"),
                    F("date_deadline", "scheduled_date", "datetime"),
                    F(
                        "state",
                        "status",
                        "value_map",
                        value_map={
                            "scheduled": "01_in_progress",
                            "in progress": "01_in_progress",
                            "on hold": "04_waiting_normal",
                            "completed": "1_done",
                            "complete": "1_done",
                            "cancelled": "1_canceled",
                            "canceled": "1_canceled",
                        },
                    ),
                    F("x_ct_status", "status"),
                    F("x_ct_proposal", "_proposal_title"),
                ),
            ),
            ObjectSpec(
                key="note",
                label="History notes",
                model="mail.message",
                kind="message",
                files=("notes", "history notes"),
                columns=(
                    C("note_id", ("Note ID", "Note Id"), required=True),
                    C("client_id", ("Client ID", "Contact ID"), required=True),
                    C("note", ("Note", "Notes", "Text", "Body"), required=True),
                    C("note_type", ("Note Type", "Type")),
                    C("created", ("Created", "Date")),
                    C("created_by", ("Created By", "Author", "User")),
                ),
                id_column="note_id",
                depends=("contact", "lead"),
                attach_to=(("_client", "lead"), ("_client", "contact")),
                fields=(
                    F("body", "_body", required=True),
                    F("date", "created", "datetime"),
                    F("author_id", "created_by", "user"),
                ),
            ),
            ObjectSpec(
                key="call",
                label="Call logs",
                model="mail.message",
                kind="message",
                files=("call logs", "calls"),
                columns=(
                    C("call_id", ("Call ID", "Call Id"), required=True),
                    C("client_id", ("Client ID", "Contact ID"), required=True),
                    C("direction", ("Direction",)),
                    C("duration_seconds", ("Duration", "Duration (seconds)")),
                    C("disposition", ("Disposition", "Result")),
                    C("recording_url", ("Recording URL", "Recording")),
                    C("user_id", ("User", "Agent", "Caller")),
                    C("created", ("Created", "Date", "Call Date")),
                ),
                id_column="call_id",
                depends=("contact", "lead"),
                attach_to=(("_client", "lead"), ("_client", "contact")),
                fields=(
                    F("body", "_body", required=True),
                    F("date", "created", "datetime"),
                    F("author_id", "user_id", "user"),
                    F("message_type", None, "constant", default="notification"),
                    F(
                        "subtype_id",
                        None,
                        "lookup",
                        lookup="name",
                        default="Activities",
                    ),
                    F(
                        "mail_activity_type_id",
                        None,
                        "lookup",
                        lookup="name",
                        default="Call",
                    ),
                ),
            ),
        ),
    )
)
