"""What the engine knows of a few Odoo models, to create them in bulk the way Odoo
would one by one, without Odoo's per-record work.

An adapter changes how values are passed, never what lands: every computed field is
still Odoo's own computation, only done once per distinct input instead of once per
record, and business methods (won / lost bookkeeping) run once per group of records.
Platforms know nothing of adapters; a model without one is created as it is.
"""

from collections import defaultdict


class ModelAdapter:
    """Default: records are created with their values, as given."""

    #: computed fields whose value depends only on the listed fields: computed once per
    #: distinct combination with ``Model.new()`` (Odoo's own compute) and passed in
    cached_computes = {}

    def __init__(self):
        self._cache = {}

    def prepare(self, model, vals_list):
        """Adjust ``vals_list`` in place before ``create``; returns deferred state."""
        for name, inputs in self.cached_computes.items():
            for vals in vals_list:
                if name in vals:
                    continue
                key = (name, *(self._hashable(vals.get(i)) for i in inputs))
                if key not in self._cache:
                    probe = model.new({i: vals[i] for i in inputs if i in vals})
                    self._cache[key] = model._fields[name].convert_to_write(probe[name], probe)
                if self._cache[key]:
                    vals[name] = self._cache[key]
        return None

    def after_create(self, records, deferred):
        """Finish what :meth:`prepare` deferred, on the created records."""

    @staticmethod
    def _hashable(value):
        if isinstance(value, list):
            return repr(value)
        return value


class CrmLeadAdapter(ModelAdapter):
    """Leads: the sales team once per owner; stages and lost flags set per group.

    ``crm.lead.create`` updates the lead-scoring statistics record by record when a
    stage or ``active`` is given; writing them afterwards, one write per stage, runs
    the same bookkeeping once per group.
    """

    cached_computes = {"team_id": ("user_id", "type")}

    def prepare(self, model, vals_list):
        super().prepare(model, vals_list)
        deferred = []
        for vals in vals_list:
            later = {}
            for name in ("stage_id", "active", "probability"):
                if name in vals:
                    later[name] = vals.pop(name)
            deferred.append(later)
        return deferred

    def after_create(self, records, deferred):
        groups = defaultdict(lambda: records.browse())
        for record, later in zip(records, deferred):
            if later:
                groups[tuple(sorted(later.items()))] |= record
        for items, group in groups.items():
            group.write(dict(items))


class MailMessageAdapter(ModelAdapter):
    """History: no reply-to address to compute for a message of the past."""

    def prepare(self, model, vals_list):
        for vals in vals_list:
            vals.setdefault("reply_to", False)
            vals.setdefault("email_from", False)
        return None


class AccountMoveAdapter(ModelAdapter):
    """Invoices: the sales journal once, not searched for each invoice."""

    cached_computes = {"journal_id": ("move_type", "company_id")}


ADAPTERS = {
    "crm.lead": CrmLeadAdapter,
    "mail.message": MailMessageAdapter,
    "account.move": AccountMoveAdapter,
}


def adapter_for(model_name):
    return ADAPTERS.get(model_name, ModelAdapter)()
