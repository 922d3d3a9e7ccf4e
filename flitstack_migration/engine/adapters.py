# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the engine knows of a few Odoo models, to create them in bulk the way Odoo
would one by one, without Odoo's per-record work.

An adapter changes how values are passed, never what lands: every computed field is
still Odoo's own computation, only done once per distinct input instead of once per
record, and business methods (won / lost bookkeeping) run once per group of records.
Platforms know nothing of adapters; a model without one is created as it is.

Everything else the engine must know of a model beyond the ORM's defaults lives here
too, so that the engine has no branch for a model: the values a record may not lack
(:meth:`ModelAdapter.fallback_values`), how a record of the model is found by a
name or a code (:meth:`ModelAdapter.lookup_domain`), what Odoo must hold before any
record of the model can land (:meth:`ModelAdapter.missing_setup`, asked before
anything moves), and what must happen before its records can be deleted by a
rollback (:meth:`ModelAdapter.before_unlink`, :attr:`ModelAdapter.unlink_context`).
"""

import hashlib
import uuid
from collections import defaultdict
from typing import ClassVar

from odoo import Command, fields
from odoo.exceptions import UserError


class ModelAdapter:
    """Default: records are created with their values, as given."""

    #: computed fields whose value depends only on the listed fields: computed once per
    #: distinct combination with ``Model.new()`` (Odoo's own compute) and passed in
    cached_computes: ClassVar[dict] = {}

    #: fields whose default depends only on the environment (user, company, context),
    #: not on the record: ``default_get`` once per batch instead of once per record
    cached_defaults = ()

    def __init__(self):
        self._cache = {}

    def prepare(self, model, vals_list):
        """Adjust ``vals_list`` in place before ``create``; returns deferred state."""
        self._prepare_defaults(model, vals_list)
        self._prepare_computes(model, vals_list)

    def _prepare_defaults(self, model, vals_list):
        names = [
            n for n in self.cached_defaults if any(n not in vals for vals in vals_list)
        ]
        if not names:
            return
        # once per batch: the same call create() makes for each record, whose
        # answer for these fields does not depend on the record
        defaults = model.default_get(names)
        for vals in vals_list:
            for name in names:
                if name in defaults and name not in vals:
                    vals[name] = defaults[name]

    def _prepare_computes(self, model, vals_list):
        for name, inputs in self.cached_computes.items():
            for vals in vals_list:
                if name in vals:
                    continue
                key = (name, *(self._hashable(vals.get(i)) for i in inputs))
                if key not in self._cache:
                    probe = model.new({i: vals[i] for i in inputs if i in vals})
                    self._cache[key] = model._fields[name].convert_to_write(
                        probe[name], probe
                    )
                if self._cache[key]:
                    vals[name] = self._cache[key]

    def create_records(self, model, vals_list, deferred):
        """Create the records of the prepared ``vals_list``; returns them in the
        order of their values."""
        return model.create(vals_list)

    def after_create(self, records, deferred):
        """Finish what :meth:`prepare` deferred, on the created records."""

    #: why this model's records must land one job after another when a run is
    #: spread over the job queue (:mod:`.parallel`), or None: in parallel
    serial = None

    #: in a job of a run spread over the job queue, a list collecting what
    #: :meth:`after_create` would update that every job shares (statistics rows
    #: two jobs would both lock), done once the object's jobs are all done
    #: (:meth:`after_parallel`); None: done at once
    postponed = None

    def after_parallel(self, env, postponed):
        """Do what the jobs of a run spread over the job queue postponed (the
        items :meth:`after_create` collected in :attr:`postponed`, as JSON)."""

    def fallback_values(self, project):
        """Values a migrated record gets when the field map leaves them empty."""
        return {}

    def lookup_domain(self, model, field_name, value, project, preset):
        """Domain finding a record of this model from a source value, case-blind.

        The value is matched exactly: ``%`` and ``_`` in it are no wildcards.
        """
        domain = [(field_name, "=ilike", escape_like(value))]
        if self.company_scoped and "company_id" in model._fields:
            domain.append(("company_id", "in", [False, project.company_id.id]))
        return domain

    #: lookups see only the records of the project's company (and shared ones)
    company_scoped = False

    def before_unlink(self, records):
        """Put records back in a state where a rollback may delete them."""

    #: context of a rollback's unlink of the run's own records
    unlink_context: ClassVar[dict] = {}

    #: context of the creation of the run's records (on top of the object's own)
    create_context: ClassVar[dict] = {}

    def missing_setup(self, env, company):
        """Sentences saying what Odoo lacks for this model's records to land in
        ``company`` (a journal, a payment method...); asked before anything moves,
        when the export has records of the model. Empty when nothing lacks."""
        return []

    @staticmethod
    def _hashable(value):
        if isinstance(value, list):
            return repr(value)
        return value


class CrmLeadAdapter(ModelAdapter):
    """Leads: the sales team once per owner; the lead-scoring bookkeeping once per
    stage.

    ``crm.lead.create`` updates the lead-scoring statistics lead by lead
    (``_handle_won_lost``, several queries each) when its values name a stage or
    ``active``. The batch is created a group at a time instead, each group's stage
    and archived flag given as defaults (as Odoo's kanban view creates a lead in a
    column): the leads land with them, and every field computed from them is
    computed exactly as ``create`` computes it (the automated probability, which a
    later stage write would compute otherwise); then the statistics are updated
    once per group, with the values ``create`` would have given them.

    A close date (``date_closed``) is kept on a won or lost lead only: an open lead
    (a job reopened in the old CRM) has none.
    """

    cached_computes: ClassVar[dict] = {"team_id": ("user_id", "type")}

    #: values given as the group's defaults instead of in each lead's values
    GROUPED = ("stage_id", "active")

    def fallback_values(self, project):
        # no lead without an owner: the fallback owner when the source names none
        return (
            {"user_id": project.fallback_user_id.id} if project.fallback_user_id else {}
        )

    def prepare(self, model, vals_list):
        super().prepare(model, vals_list)
        for vals in vals_list:
            if "date_closed" in vals and not self._closed(model, vals):
                del vals["date_closed"]
        return [
            {name: vals.pop(name) for name in self.GROUPED if name in vals}
            for vals in vals_list
        ]

    def _closed(self, model, values):
        """Whether a lead of these values is won or lost."""
        if values.get("active") is False:
            return True
        key = ("_won", values.get("stage_id") or False)
        if key not in self._cache:
            stage = model.env["crm.stage"].browse(key[1])
            self._cache[key] = bool(stage.is_won)
        return self._cache[key]

    @staticmethod
    def _groups(deferred):
        groups = defaultdict(list)
        for index, grouped in enumerate(deferred):
            groups[tuple(sorted(grouped.items()))].append(index)
        return groups

    def create_records(self, model, vals_list, deferred):
        ids = [None] * len(vals_list)
        for key, indexes in self._groups(deferred).items():
            defaults = {f"default_{name}": value for name, value in key}
            leads = model.with_context(**defaults).create(
                [vals_list[index] for index in indexes]
            )
            for index, lead in zip(indexes, leads, strict=True):
                ids[index] = lead.id
        return model.browse(ids)

    def after_create(self, records, deferred):
        for key, indexes in self._groups(deferred).items():
            if not key:
                continue
            ids = [records[index].id for index in indexes]
            if self.postponed is not None:
                # the lead-scoring statistics rows are shared by every job
                self.postponed.append([[list(item) for item in key], ids])
            else:
                records.browse(ids)._handle_won_lost(dict(key))

    def after_parallel(self, env, postponed):
        for key, ids in postponed:
            # a batch that failed after collecting its leads was rolled back
            leads = env["crm.lead"].browse(ids).exists()
            if leads:
                leads._handle_won_lost(dict(tuple(item) for item in key))


class MailMessageAdapter(ModelAdapter):
    """History: no reply-to address to compute for a message of the past.

    ``create`` stores on each message the name of the record it is on
    (``record_name``), reading it one message at a time: a query per message. The
    names of a batch's records are read here at once, as Odoo reads them (the
    superuser's ``display_name``), and given to ``create``.
    """

    def prepare(self, model, vals_list):
        for vals in vals_list:
            vals.setdefault("reply_to", False)
            vals.setdefault("email_from", False)
        if "default_record_name" in model.env.context:
            return
        wanted = defaultdict(set)
        for vals in vals_list:
            model_name = vals.get("model")
            if "record_name" not in vals and vals.get("res_id") and model_name:
                wanted[model_name].add(vals["res_id"])
        names = {}
        for name, ids in wanted.items():
            if name not in model.env:
                continue
            # a record that is not there is left to create, which says so
            for record in model.env[name].sudo().browse(sorted(ids)).exists():
                names[(name, record.id)] = record.display_name
        for vals in vals_list:
            key = (vals.get("model"), vals.get("res_id"))
            if "record_name" not in vals and key in names:
                vals["record_name"] = names[key]


class AccountMoveAdapter(ModelAdapter):
    """Invoices: the sales journal once, not searched for each invoice.

    An entry whose values say ``state: posted`` is created in draft and posted
    afterwards, the batch's in one ``action_post`` (Odoo numbers and checks it as a
    user posting it would). Before a rollback deletes them, posted entries go back to
    draft (Odoo refuses to delete a posted entry; ``button_draft`` also undoes their
    reconciliation with payments); the run's own entries are deleted with
    ``force_delete`` (the whole run goes, newest first: no gap is left behind).
    """

    cached_computes: ClassVar[dict] = {"journal_id": ("move_type", "company_id")}
    unlink_context: ClassVar[dict] = {"force_delete": True}
    serial = "posting numbers a journal's entries in order"

    def prepare(self, model, vals_list):
        super().prepare(model, vals_list)
        return [vals.pop("state", None) == "posted" for vals in vals_list]

    def after_create(self, records, deferred):
        to_post = records.browse(
            [r.id for r, post in zip(records, deferred or (), strict=False) if post]
        )
        if to_post:
            to_post.action_post()

    def before_unlink(self, records):
        posted = records.filtered(lambda move: move.state in ("posted", "cancel"))
        if posted:
            posted.button_draft()


class AccountPaymentAdapter(ModelAdapter):
    """Payments: posted, and reconciled with the invoices they name
    (``invoice_ids``), as *Register payment* does; Odoo then computes the invoices'
    payment state and residual. A rollback resets them to draft (which undoes the
    reconciliation) before deleting them, their journal entries with them.
    """

    unlink_context: ClassVar[dict] = {"force_delete": True}
    serial = "posting numbers a journal's entries in order"

    def missing_setup(self, env, company):
        lines = env["account.payment.method.line"].search(
            [
                ("journal_id.type", "in", ("bank", "cash")),
                ("journal_id.company_id", "parent_of", company.id),
                ("journal_id.active", "=", True),
                ("payment_type", "=", "inbound"),
            ],
            limit=1,
        )
        if lines:
            return []
        return [
            env._(
                "The export has payments, and %(company)s has no bank or cash journal "
                "with an incoming payment method to record them in. Create one "
                "(Accounting > Configuration > Journals, type Bank or Cash, with a "
                "payment method under Incoming Payments), then run again.",
                company=company.name,
            )
        ]

    def after_create(self, records, deferred):
        records.action_post()
        # one reconciliation plan for the batch (Odoo reconciles its steps in
        # order, each after the one before, as one call per payment would)
        plan = []
        for payment in records:
            invoices = payment.invoice_ids.filtered(lambda m: m.state == "posted")
            if not invoices or not payment.move_id:
                continue
            account = payment.destination_account_id
            lines = (payment.move_id.line_ids | invoices.line_ids).filtered(
                lambda line, acc=account: (
                    line.account_id == acc
                    and not line.reconciled
                    and line.parent_state == "posted"
                )
            )
            if len(lines) > 1:
                plan.append(lines)
        if plan:
            records.env["account.move.line"]._reconcile_plan(plan)

    def before_unlink(self, records):
        done = records.filtered(lambda pay: pay.state != "draft")
        if done:
            done.action_draft()


class IrAttachmentAdapter(ModelAdapter):
    """Files: what landed is read back from Odoo's file store and compared with
    what was sent (SHA-1, Odoo's own checksum); a file that differs fails."""

    def prepare(self, model, vals_list):
        super().prepare(model, vals_list)
        return [
            hashlib.sha1(vals["raw"]).hexdigest()
            if isinstance(vals.get("raw"), bytes)
            else None
            for vals in vals_list
        ]

    def after_create(self, records, deferred):
        records.invalidate_recordset(["raw", "datas", "checksum"])
        for record, expected in zip(records, deferred or (), strict=False):
            if expected is None:
                continue
            landed = hashlib.sha1(record.raw or b"").hexdigest()
            if landed != expected or record.checksum != expected:
                raise UserError(
                    record.env._(
                        "The file %(name)s stored in Odoo differs from the export's "
                        "(checksum %(landed)s, expected %(expected)s).",
                        name=record.name,
                        landed=landed,
                        expected=expected,
                    )
                )


class SaleOrderAdapter(ModelAdapter):
    """Quotations: a line without a product (none matched the source's item) is a
    note line with its description, quantity and price in words (Odoo refuses a
    priced line without a product). A confirmed order is cancelled before a rollback
    deletes it (Odoo deletes only draft and cancelled orders).

    An order that was accepted in the old system lands confirmed with its lines.
    Odoo takes a product line made on a confirmed order for one added after the
    confirmation, and writes "Extra line with ..." in the order's chatter for each:
    here they are the order's own lines, so they are created with the key Odoo's own
    down-payment wizard passes for lines that are no extra (a message per line was
    also a third of the time of creating such orders).
    """

    create_context: ClassVar[dict] = {"sale_no_log_for_new_lines": True}

    def prepare(self, model, vals_list):
        deferred = super().prepare(model, vals_list)
        for vals in vals_list:
            if vals.get("order_line"):
                vals["order_line"] = [self._line(c) for c in vals["order_line"]]
        return deferred

    @staticmethod
    def _line(command):
        if not (
            isinstance(command, (list, tuple))
            and command[0] == Command.CREATE
            and not command[2].get("product_id")
            and not command[2].get("display_type")
        ):
            return command
        line = dict(command[2])  # the batch may be tried again: values stay as given
        qty = line.pop("product_uom_qty", None) or 1.0
        price = line.pop("price_unit", None) or 0.0
        line.pop("tax_id", None)
        line["display_type"] = "line_note"
        line["name"] = f"{line.get('name') or ''} ({qty:g} x {price:.2f})"
        return Command.create(line)

    def before_unlink(self, records):
        records.filtered(lambda o: o.state not in ("draft", "cancel")).write(
            {"state": "cancel"}
        )


class ResCountryAdapter(ModelAdapter):
    """Countries: a source names them by ISO code ("US") or by name."""

    def lookup_domain(self, model, field_name, value, project, preset):
        value = escape_like(value)
        return ["|", ("code", "=ilike", value), ("name", "=ilike", value)]


class ResCountryStateAdapter(ModelAdapter):
    """States: by code ("MA") or name, in the platform's country when it has one
    (codes repeat across countries)."""

    def lookup_domain(self, model, field_name, value, project, preset):
        value = escape_like(value)
        domain = ["|", ("code", "=ilike", value), ("name", "=ilike", value)]
        if not preset.default_country:
            return [(field_name, "=ilike", value)]
        country = model.env["res.country"].search(
            [("code", "=", preset.default_country)], limit=1
        )
        return [("country_id", "=", country.id), *domain]


class ResPartnerTitleAdapter(ModelAdapter):
    """Titles: by shortcut ("Mr.") or name ("Mister")."""

    def lookup_domain(self, model, field_name, value, project, preset):
        value = escape_like(value)
        return ["|", ("shortcut", "=ilike", value), ("name", "=ilike", value)]


class CompanyScopedAdapter(ModelAdapter):
    """Projects and sales teams found by name: the project's company's only."""

    company_scoped = True


class ResCompanyAdapter(ModelAdapter):
    """Companies (an account made an Odoo company, multi-company): created with
    ``chart_template_load`` in the context. Without it, Odoo 18 installs the
    localisation modules of a new company's country (``install_l10n_modules``: a
    module install, hence a registry reload, inside a run) and a branch loads its
    root's chart of accounts at commit; the admin sets up each company's
    accounting afterwards, as for any company created by hand. A rollback deletes
    the working hours Odoo created with each company (``resource``), which would
    otherwise be left behind, pointing at no company.
    """

    create_context: ClassVar[dict] = {"chart_template_load": True}

    def before_unlink(self, records):
        if "resource.calendar" not in records.env:
            return
        calendars = records.env["resource.calendar"].search(
            [("company_id", "in", records.ids)]
        )
        records.write({"resource_calendar_id": False})
        calendars.unlink()


class HrEmployeeAdapter(ModelAdapter):
    """Employees: ``hr.employee.create`` makes a work contact (a ``res.partner``)
    for each employee without a user. A rollback deletes that contact with its
    employee, which would otherwise leave it behind, a contact of nobody; a work
    contact that is a user's, or another employee's, stays.
    """

    def before_unlink(self, records):
        contacts = records.filtered(lambda emp: not emp.user_id).work_contact_id
        contacts = contacts.filtered(
            lambda partner: (
                not partner.user_ids and not (partner.employee_ids - records)
            )
        )
        if contacts:
            contacts.unlink()


class ResPartnerAdapter(ModelAdapter):
    """Partners: the invoice-template flag (a count of report actions) once per
    batch; each contact's sync with its company once per distinct company values.

    After creating the records, ``res.partner.create`` syncs them one by one with
    their company (``_fields_sync``): it writes the company's commercial fields (VAT,
    pricelist, payment terms, accounts) on the contact, then the company's address
    when the contact is of type *contact*, then the company's language, and gives a
    company without an address the one of its first contact: four ``write`` calls
    per contact, each with its own recomputations. Here the records are created
    without that sync (the context key Odoo's own data loading uses,
    ``_partners_skip_fields_sync``) and the same steps follow in the same order, with
    Odoo's own methods, once per group of contacts that get the same values. A new
    record has no children, so the sync downwards has nothing to do (it is still
    called for any that has).
    """

    cached_defaults = ("display_invoice_template_pdf_report_id",)

    def prepare(self, model, vals_list):
        deferred = super().prepare(model, vals_list)
        parent_ids = {vals["parent_id"] for vals in vals_list if vals.get("parent_id")}
        if parent_ids:
            parents = model.browse(sorted(parent_ids))
            for name in (*model._commercial_fields(), *model._address_fields()):
                parents.mapped(name)
        return deferred

    def create_records(self, model, vals_list, deferred):
        if model.env.context.get("_partners_skip_fields_sync"):
            return model.create(vals_list)
        # create() changes the values it is given (website, company name): keep
        # what the sync must see, as it sees them
        given = [dict(vals) for vals in vals_list]
        records = model.with_context(_partners_skip_fields_sync=True).create(vals_list)
        records = records.with_env(model.env)
        self._sync_from_companies(records, given)
        return records

    def _sync_from_companies(self, records, given):
        """What ``create`` does after ``super().create`` for each record, step by
        step for the whole batch (the steps of one record keep their order; a step
        never reads what the same step wrote on another record of the batch)."""
        pairs = list(zip(records, given, strict=True))
        upstream = [
            (partner, vals)
            for partner, vals in pairs
            if vals.get("parent_id") or vals.get("type") == "contact"
        ]
        self._sync_commercial(
            records, [partner for partner, vals in upstream if vals.get("parent_id")]
        )
        self._sync_address([partner for partner, _vals in upstream])
        # downwards: only a record with children has anything to sync
        for partner, vals in pairs:
            if partner.child_ids:
                partner._children_sync(vals)
        self._sync_language(pairs)
        # the first contact's address for a company that has none
        for partner in records:
            partner._handle_first_contact_creation()

    def _sync_commercial(self, records, partners):
        """The commercial fields of each one's commercial entity, as
        ``_commercial_sync_from_company`` writes them (as superuser, as Odoo does)."""
        names = records._commercial_fields()
        groups = {}
        by_entity = defaultdict(list)
        for partner in partners:
            partner = partner.sudo()
            entity = partner.commercial_partner_id
            if entity == partner:
                continue
            values = entity._update_fields_values(names)
            key = repr(sorted(values.items()))
            groups.setdefault(key, (values, []))[1].append(partner)
            by_entity[entity].append(partner)
        self._grouped_write(groups)
        if by_entity and records.env["res.company"].sudo().search_count([]) > 1:
            for group in by_entity.values():
                self._recordset(group)._company_dependent_commercial_sync()
        for group in by_entity.values():
            for partner in group:
                if partner.child_ids:
                    partner._commercial_sync_to_children()

    def _sync_address(self, partners):
        """The parent's address on each contact of type *contact*, as
        ``onchange_parent_id`` gives it: asked once per parent."""
        groups = {}
        for partner in partners:
            if not (partner.parent_id and partner.type == "contact"):
                continue
            parent = partner.parent_id
            if parent not in groups:
                onchange = partner.onchange_parent_id() or {}
                groups[parent] = (onchange.get("value", {}), [])
            groups[parent][1].append(partner)
        for values, group in groups.values():
            self._recordset(group).update_address(values)

    def _sync_language(self, pairs):
        """The parent's language on a record given none
        (``_onchange_parent_id_for_lang``)."""
        groups = {}
        for partner, vals in pairs:
            if "lang" in vals or not partner.parent_id:
                continue
            lang = (
                partner.parent_id.lang
                or partner.env.context.get("default_lang")
                or partner.env.lang
            )
            groups.setdefault(lang, ({"lang": lang}, []))[1].append(partner)
        self._grouped_write(groups)

    @staticmethod
    def _recordset(partners):
        return partners[0].browse([partner.id for partner in partners])

    def _grouped_write(self, groups):
        """``{key: (values, [partner, ...])}``: one ``write`` per group."""
        for values, partners in groups.values():
            self._recordset(partners).write(values)


class ProjectTaskAdapter(ModelAdapter):
    """Tasks: what ``project.task.create`` does record by record, passed in the values.

    - the default personal stage of the current user: searched once per batch;
    - the creator as follower: ``create`` subscribes the current user's partner to
      each task, one ``message_subscribe`` (and one ``mail.followers`` create) per
      task; the same follower row, with the subtypes ``message_subscribe`` would
      choose, is created with the task (one batched create);
    - the portal access token of a task in a portal project: a fresh ``uuid4`` per
      task, as ``_portal_ensure_token`` writes it afterwards one task at a time;
    - the working hours and days to assign / to close: ``_compute_elapsed`` asks the
      project's working calendar once per task; its inputs (calendar, creation
      time, assignment time, end date) are the same for most tasks of a batch, so
      the value is computed once per distinct input with ``Model.new()``. A task
      whose inputs turn out otherwise after ``create`` is recomputed by Odoo.
    """

    cached_defaults = ("personal_stage_type_id",)
    ELAPSED = (
        "working_hours_open",
        "working_hours_close",
        "working_days_open",
        "working_days_close",
    )

    def prepare(self, model, vals_list):
        if model.env.context.get("default_personal_stage_type_ids"):
            # create() puts that one in itself, before any default
            names, self.cached_defaults = self.cached_defaults, ()
            try:
                super().prepare(model, vals_list)
            finally:
                self.cached_defaults = names
        else:
            super().prepare(model, vals_list)
        self._prepare_followers(model, vals_list)
        self._prepare_tokens(model, vals_list)
        return self._prepare_elapsed(model, vals_list)

    # -- followers ---------------------------------------------------------
    def _prepare_followers(self, model, vals_list):
        env = model.env
        if not env.context.get("tracking_disable"):
            return  # mail.thread would subscribe people itself: leave it all to Odoo
        if not (env.su or env["mail.followers"].has_access("create")):
            return
        partner = env.user.partner_id
        for vals in vals_list:
            if (
                vals.get("parent_id")
                or vals.get("email_cc")
                or "message_follower_ids" in vals
                or "message_partner_ids" in vals
            ):
                continue
            subtypes = self._creator_subtypes(
                model, vals.get("project_id") or env.context.get("default_project_id")
            )
            vals["message_follower_ids"] = [
                Command.create(
                    {
                        "res_model": model._name,
                        "partner_id": partner.id,
                        "subtype_ids": [Command.set(subtypes)],
                    }
                )
            ]

    def _creator_subtypes(self, model, project_id):
        """Subtypes ``project.task.message_subscribe([current partner])`` gives."""
        key = ("_followers", project_id or False)
        if key not in self._cache:
            env = model.env
            partner = env.user.partner_id
            subtypes = None
            if project_id:
                project = env["project.project"].browse(project_id)
                for follower in project.sudo().message_follower_ids:
                    if follower.partner_id == partner:
                        project_subtypes = follower.subtype_ids
                        if project_subtypes:
                            subtypes = (
                                project_subtypes.mapped("parent_id")
                                | project_subtypes.filtered(
                                    lambda sub: sub.internal or sub.default
                                )
                            ).ids
            if subtypes is None:
                # the current user is never a "customer" here (customer_ids=[])
                default, _internal, _external = env[
                    "mail.message.subtype"
                ].default_subtypes(model._name)
                subtypes = default.ids
            self._cache[key] = subtypes
        return self._cache[key]

    # -- portal token -------------------------------------------------------
    def _prepare_tokens(self, model, vals_list):
        for vals in vals_list:
            project_id = vals.get("project_id") or model.env.context.get(
                "default_project_id"
            )
            if not project_id or vals.get("access_token"):
                continue
            key = ("_portal", project_id)
            if key not in self._cache:
                project = model.env["project.project"].browse(project_id)
                self._cache[key] = project.privacy_visibility == "portal"
            if self._cache[key]:
                vals["access_token"] = str(uuid.uuid4())

    # -- working hours ------------------------------------------------------
    def _prepare_elapsed(self, model, vals_list):
        if any(name not in model._fields for name in self.ELAPSED):
            return None
        env = model.env
        created = env.cr.now()
        assigned_now = fields.Datetime.now()
        expected = []
        for vals in vals_list:
            if any(name in vals for name in self.ELAPSED):
                expected.append(None)
                continue
            project_id = (
                vals.get("project_id") or env.context.get("default_project_id") or False
            )
            assigned = (
                assigned_now
                if vals.get("user_ids")
                else vals.get("date_assign") or False
            )
            ended = vals.get("date_end") or False
            inputs = (
                project_id,
                fields.Datetime.to_datetime(assigned) or False,
                fields.Datetime.to_datetime(ended) or False,
            )
            key = ("_elapsed", created, *inputs)
            if key not in self._cache:
                probe = model.new(
                    {
                        "project_id": project_id,
                        "create_date": created,
                        "date_assign": inputs[1],
                        "date_end": inputs[2],
                    }
                )
                self._cache[key] = {name: probe[name] for name in self.ELAPSED}
            vals.update(self._cache[key])
            expected.append((created, *inputs))
        return expected

    def after_create(self, records, deferred):
        if not deferred:
            return
        # These fields are read-only computed fields: create() stored the values
        # passed in, then marked them to compute like any other. The values were
        # computed for the inputs create() was expected to use (the assignment time
        # is create()'s own clock): a task whose inputs are those keeps its stored
        # value (marked as computed); any other is left to Odoo's compute.
        done = records.browse()
        for record, inputs in zip(records, deferred, strict=True):
            if inputs is None:
                continue
            actual = (
                record.create_date,
                record.project_id.id or False,
                record.date_assign or False,
                record.date_end or False,
            )
            if actual == inputs:
                done |= record
        if done:
            for name in self.ELAPSED:
                records.env.remove_to_compute(records._fields[name], done)


ADAPTERS = {
    "crm.lead": CrmLeadAdapter,
    "mail.message": MailMessageAdapter,
    "account.move": AccountMoveAdapter,
    "account.payment": AccountPaymentAdapter,
    "ir.attachment": IrAttachmentAdapter,
    "sale.order": SaleOrderAdapter,
    "project.task": ProjectTaskAdapter,
    "res.partner": ResPartnerAdapter,
    "hr.employee": HrEmployeeAdapter,
    "res.company": ResCompanyAdapter,
    "res.country": ResCountryAdapter,
    "res.country.state": ResCountryStateAdapter,
    "res.partner.title": ResPartnerTitleAdapter,
    "project.project": CompanyScopedAdapter,
    "crm.team": CompanyScopedAdapter,
}


def adapter_for(model_name):
    return ADAPTERS.get(model_name, ModelAdapter)()


def escape_like(value):
    """``value`` for an ``=ilike`` that matches it literally."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
