# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reader of ClientTether's REST API 2.0 (``source_apis.md`` §2).

What is particular to this platform:

- one enterprise access token and one web key per account: a franchise headquarters
  reads its sub-accounts with several web keys. With several, every source id is
  prefixed with the ClientTether account it comes from (``<account id>-<id>``), so
  that two accounts' ids never collide; with one key, ids are ClientTether's own;
- the client list holds contacts and leads alike (``contact_type`` "1" is a
  prospect): every client becomes a contact, the prospects a lead as well;
- rows name sales cycles, lead sources, action plans and users by id: the reader
  reads those lists once per account and joins their names in (``_`` columns);
  owners are ``Name <email>`` so that they resolve to Odoo users by email;
- custom field values come as ``cf_*`` keys of the client rows; the (ASSUMED)
  ``read_custom_field_list`` gives their names, under which they are read;
- history notes are per client (one call per client); call logs, proposals, work
  orders, tags, accounts and email templates come from calls nothing public
  documents (the client's ``ASSUMED_CALLS``): an account that does not answer one
  of them (HTTP 404) simply has none of those records;
- there is no modified-since filter: a delta walks the lists and keeps the rows
  whose ``last_modified_date`` is after the last run (less a margin for
  ClientTether's local time), re-reads the notes of the clients that changed only,
  and knows every id still listed, so that the engine lists the ones gone.
"""

from collections import namedtuple
from datetime import timedelta

from ..clients.clienttether import ClientTetherClient
from ..clients.http import RequestError
from ..parsers import InvalidValue, parse_datetime
from ..presets.clienttether import PROPOSAL_PRODUCT, PROPOSAL_PRODUCT_ID, stage_outcome
from .api import ApiReader, ConnectionCheck, Credential, text
from .base import FileReader

#: One account read with one web key: ``index`` (its position, in resume tokens),
#: ``label`` (the client's name for its key), ``ident`` (its ClientTether account
#: id, else ``k<n>``), ``prefix`` of its source ids, ``name`` (for people).
Account = namedtuple("Account", "index label ident prefix name")

CLIENT_KEYS = (
    "client_id",
    "firstName",
    "lastName",
    "compName",
    "email",
    "phone",
    "address",
    "city",
    "state",
    "zip",
    "whiteboard",
    "deal_size",
    "contact_type",
    "assigned_user",
    "clients_sales_cycle",
    "clients_lead_source",
    "clients_action_plan",
    "campaign",
    "lead_score",
    "tags",
    "external_id",
    "smsok",
    "created",
    "last_modified_date",
)
PROSPECT = "1"


def _stamp(value):
    """A ClientTether ``YYYY-MM-DD HH:MM:SS`` (or ISO) stamp as a datetime, or None."""
    try:
        return parse_datetime(text(value) or None, "MDY")
    except (InvalidValue, ValueError):
        return None


def _duration(seconds):
    try:
        seconds = int(float(seconds))
    except (TypeError, ValueError):
        return ""
    minutes, seconds = divmod(max(seconds, 0), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


class ClientTetherReader(ApiReader):
    """Reads one or several ClientTether accounts as the preset's records."""

    platform = "clienttether"
    default_root = ClientTetherClient.default_root
    supports_delta = True
    credentials = (
        Credential(
            "access_token",
            "Access token",
            "CLIENTTETHER_ACCESS_TOKEN",
            help="On the enterprise account's Settings > API tab in ClientTether "
            "(franchise accounts do not see it: ask headquarters).",
        ),
        Credential(
            "web_key",
            "Web key",
            "CLIENTTETHER_WEB_KEY",
            multiple=True,
            help="On each account's Settings > API tab; one per line to read "
            "several accounts (a headquarters and its franchises).",
        ),
    )
    owner_columns = ("assigned_user", "created_by", "user_id")
    #: ClientTether stamps rows in its own (local) time; a delta re-reads what
    #: changed this long before the last run too (unchanged rows are skipped by
    #: their hash), which covers any time zone.
    DELTA_MARGIN = timedelta(hours=26)
    automation_checklist = (
        {
            "name": "Action plan steps",
            "kind": "action_plan",
            "trigger": "An action plan assigned to a contact (by hand, a lead source "
            "or a sales cycle)",
            "steps": [
                (
                    "The API lists action plans by name only: open each in "
                    "ClientTether and note its e-mails, texts, calls and tasks with "
                    "their delays"
                ),
            ],
        },
        {
            "name": "Tag and sales cycle triggers",
            "kind": "automation",
            "trigger": "A tag added or a sales cycle changed in ClientTether",
            "steps": [
                (
                    "List the automations each tag or sales cycle starts "
                    "(Settings > Automation in ClientTether)"
                ),
            ],
        },
        {
            "name": "Missed-call follow-ups",
            "kind": "automation",
            "trigger": "A missed inbound call",
            "steps": ["Note the follow-up task or text ClientTether creates"],
        },
    )

    def __init__(self, preset, source, options=None):
        super().__init__(preset, source, options)
        self._accounts_cache = None
        self._lookups = {}  # (account index, list) -> dict
        self._clients_index = {}  # account index -> {client id: row}
        self._present = {}  # object key -> every source id a delta's walk saw

    # ------------------------------------------------------------------ client
    def make_client(self):
        connection = self.source
        return ClientTetherClient(
            connection.credentials.get("access_token"),
            connection.values("web_key"),
            connection.root,
            **dict(connection.options or {}),
        )

    def check_connection(self):
        accounts = self._accounts()
        for account in accounts:
            self.client.call(
                "read_user_list",
                account=account.label,
                params={"limit": 1, "offset": 0},
            )
        names = ", ".join(account.name for account in accounts)
        return ConnectionCheck(
            True,
            f"Connected to ClientTether: {len(accounts)} account"
            f"{'s' if len(accounts) > 1 else ''} can be read ({names}).",
            account_name=names,
        )

    # ------------------------------------------------------------------ accounts
    def _accounts(self):
        """The :class:`Account` of every web key, in the order given."""
        if self._accounts_cache is None:
            labels = self.client.accounts
            several = len(labels) > 1
            accounts = []
            for index, label in enumerate(labels):
                own = self._own_account(self._account_rows(label))
                ident = text(own.get("account_id")) if own else f"k{index + 1}"
                name = text(own.get("account_name")) if own else ""
                accounts.append(
                    Account(
                        index,
                        label,
                        ident,
                        f"{ident}-" if several else "",
                        name or f"account {index + 1}",
                    )
                )
            self._accounts_cache = accounts
        return self._accounts_cache

    def _account_rows(self, label):
        return [row for row, _offset in self._optional("read_account_list", label)]

    @staticmethod
    def _own_account(rows):
        """The account a web key reads: the only one listed, else the root of the
        accounts listed (headquarters lists its franchises too)."""
        if len(rows) == 1:
            return rows[0]
        ids = {text(row.get("account_id")) for row in rows}
        roots = [row for row in rows if text(row.get("parent_account_id")) not in ids]
        return roots[0] if len(roots) == 1 else None

    def _optional(self, call, label, *path, start_offset=0):
        """``iter_list`` of a call public sources do not document: an account that
        does not know it (HTTP 404) has nothing of it."""
        try:
            yield from self.client.iter_list(
                call, *path, account=label, start_offset=start_offset
            )
        except RequestError as err:
            if err.status != 404:
                raise

    def _walk(self, call, after=None, optional=False):
        """``(account, row, offset, token)`` of a list call over every account, from
        the record after ``after`` (a token this method gave)."""
        first = after["account"] if after else 0
        for account in self._accounts()[first:]:
            start = after["offset"] + 1 if after and account.index == first else 0
            if optional:
                rows = self._optional(call, account.label, start_offset=start)
            else:
                rows = self.client.iter_list(
                    call, account=account.label, start_offset=start
                )
            for row, offset in rows:
                yield account, row, offset, {"account": account.index, "offset": offset}

    # ------------------------------------------------------------------ lookups
    def _lookup(self, account, call):
        """A lookup list of an account, read once: ``{id: row}``."""
        key = (account.index, call)
        if key not in self._lookups:
            id_key = {
                "read_sales_cycle_list": "sales_cycle_id",
                "read_lead_source_list": "lead_source_id",
                "read_user_list": "user_id",
                "read_custom_field_list": "field_key",
                "read_email_template_list": "template_id",
            }[call]
            rows = self._optional(call, account.label)
            self._lookups[key] = {text(row.get(id_key)): row for row, _o in rows}
        return self._lookups[key]

    def _action_plans(self, account):
        key = (account.index, "action_plans")
        if key not in self._lookups:
            try:
                plans = self.client.action_plans(account=account.label)
            except RequestError as err:
                if err.status != 404:
                    raise
                plans = []
            self._lookups[key] = {
                text(plan.get("action_plan_id")): text(plan.get("action_plan_name"))
                for plan in plans
            }
        return self._lookups[key]

    def _owner(self, account, user_id):
        """``Name <email>`` of a user id (the id itself when unknown)."""
        user_id = text(user_id)
        user = self._lookup(account, "read_user_list").get(user_id)
        if not user:
            return user_id
        name = " ".join(
            text(user.get(k)) for k in ("first_name", "last_name") if user.get(k)
        )
        email = text(user.get("email"))
        return f"{name} <{email}>" if email else name

    def _contact_types(self, account):
        return {
            text(row.get("contact_type")): text(row.get("contact_type_name"))
            for row in self._lookup(account, "read_sales_cycle_list").values()
        }

    def _pipeline_name(self, account, contact_type):
        name = self._contact_types(account).get(contact_type) or (
            f"Contact type {contact_type}"
        )
        if len(self._accounts()) > 1:
            return f"{account.name}: {name}"
        return name

    def _cycle(self, account, cycle_id, modified):
        """The pipeline columns of a row in a sales cycle: stage, pipeline,
        probability, lost, close date."""
        cycle = self._lookup(account, "read_sales_cycle_list").get(text(cycle_id))
        if not cycle:
            return {}
        name = text(cycle.get("sales_cycle_name"))
        likelihood = text(cycle.get("likelihood_to_close"))
        outcome = stage_outcome(name, likelihood)
        probability = {"won": "100", "lost": "0"}.get(outcome, likelihood)
        return {
            "_stage": account.prefix + text(cycle.get("sales_cycle_id")),
            "_stage_name": name,
            "_pipeline": account.prefix + text(cycle.get("contact_type")),
            "_probability": probability,
            "_active": "false" if outcome == "lost" else "true",
            "_closed": text(modified) if outcome != "open" else "",
        }

    def _custom_names(self, account):
        """``{cf_* key: field name}`` from the custom field list, when there is one."""
        return {
            key: text(row.get("field_name")) or key
            for key, row in self._lookup(account, "read_custom_field_list").items()
        }

    def _joined(self, account, row):
        """The columns every client-like row gets from the lookup lists."""
        plans = self._action_plans(account)
        sources = self._lookup(account, "read_lead_source_list")
        source_id = text(
            row.get("clients_lead_source") or row.get("contact_lead_source")
        )
        plan_id = text(row.get("clients_action_plan") or row.get("contact_action_plan"))
        source = sources.get(source_id)
        return {
            "_account": account.ident if not account.ident.startswith("k") else "",
            "_account_name": account.name,
            "_lead_source": text(source.get("lead_source_name")) if source else "",
            "_action_plan": plans.get(plan_id, ""),
        }

    # ------------------------------------------------------------------ reading
    def fetch(self, obj, after=None):
        return getattr(self, f"_fetch_{obj.key}")(obj, after)

    def _fetch_account(self, obj, after):
        for _account, row, offset, _token in self._walk(
            "read_account_list", optional=True
        ):
            data = {col.name: text(row.get(col.name)) for col in obj.columns}
            yield self.record(obj, data["account_id"], data, offset + 1)

    def _fetch_tag(self, obj, after):
        # a tag is its name, whatever the account: one vocabulary
        for _account, row, offset, _token in self._walk("read_tag_list", optional=True):
            name = " ".join(text(row.get("tag_name") or row.get("name")).split())
            if name:
                yield self.record(obj, name.lower(), {"tag_name": name}, offset + 1)

    def _fetch_pipeline(self, obj, after):
        position = 0
        for account in self._accounts():
            for contact_type, type_name in self._contact_types(account).items():
                position += 1
                data = {
                    "contact_type": contact_type,
                    "contact_type_name": type_name,
                    "_name": self._pipeline_name(account, contact_type),
                }
                yield self.record(obj, account.prefix + contact_type, data, position)

    def _fetch_stage(self, obj, after):
        position = 0
        for account in self._accounts():
            cycles = self._lookup(account, "read_sales_cycle_list")
            for cycle_id, row in cycles.items():
                position += 1
                data = {col.name: text(row.get(col.name)) for col in obj.columns}
                data["_pipeline"] = account.prefix + data["contact_type"]
                yield self.record(obj, account.prefix + cycle_id, data, position)

    def _fetch_product(self, obj, after):
        data = {"product_id": PROPOSAL_PRODUCT_ID, "product_name": PROPOSAL_PRODUCT}
        yield self.record(obj, PROPOSAL_PRODUCT_ID, data, 1)

    def _fetch_email_template(self, obj, after):
        several = len(self._accounts()) > 1
        for account, row, offset, token in self._walk(
            "read_email_template_list", after, optional=True
        ):
            data = {col.name: text(row.get(col.name)) for col in obj.columns}
            name = data["template_name"] or f"Template {data['template_id']}"
            data["_name"] = f"{name} ({account.name})" if several else name
            sid = account.prefix + data["template_id"]
            yield self.record(obj, sid, data, offset + 1, resume=token)

    def _client_data(self, account, row):
        data = {key: text(row.get(key)) for key in CLIENT_KEYS}
        data["assigned_user"] = self._owner(account, row.get("assigned_user"))
        names = self._custom_names(account)
        for key, value in row.items():
            if key not in data:  # custom fields and keys the preset does not know
                data[names.get(key, key)] = text(value)
        data.update(self._joined(account, row))
        data.update(
            self._cycle(
                account, row.get("clients_sales_cycle"), data["last_modified_date"]
            )
        )
        data["_client"] = account.prefix + data["client_id"]
        data["_contact_type"] = self._contact_types(account).get(
            data["contact_type"], data["contact_type"]
        )
        return data

    def _fetch_contact(self, obj, after):
        for account, row, offset, token in self._walk("read_client_list", after):
            data = self._client_data(account, row)
            yield self.record(obj, data["_client"], data, offset + 1, resume=token)

    def _fetch_lead(self, obj, after):
        for account, row, offset, token in self._walk("read_client_list", after):
            if text(row.get("contact_type")) != PROSPECT:
                continue
            data = self._client_data(account, row)
            yield self.record(obj, data["_client"], data, offset + 1, resume=token)

    def _clients(self, account):
        """``{client id: row}`` of an account (for what deals take from their
        client), read once."""
        if account.index not in self._clients_index:
            self._clients_index[account.index] = {
                text(row.get("client_id")): {
                    "tags": text(row.get("tags")),
                    "email": text(row.get("email")),
                    "phone": text(row.get("phone")),
                }
                for row, _o in self.client.iter_list(
                    "read_client_list", account=account.label
                )
            }
        return self._clients_index[account.index]

    def _fetch_deal(self, obj, after):
        for account, row, offset, token in self._walk("read_opportunity_list", after):
            data = {col.name: text(row.get(col.name)) for col in obj.columns}
            data["assigned_user"] = self._owner(account, row.get("assigned_user"))
            data.update(self._joined(account, row))
            data.update(
                self._cycle(
                    account, row.get("contact_sales_cycle"), data["last_modified_date"]
                )
            )
            client = self._clients(account).get(data["client_id"])
            data["_client"] = account.prefix + data["client_id"] if client else ""
            data["_tags"] = client["tags"] if client else ""
            data["_email"] = client["email"] if client else ""
            data["_phone"] = client["phone"] if client else ""
            sid = account.prefix + data["opportunity_id"]
            yield self.record(obj, sid, data, offset + 1, resume=token)

    def _fetch_proposal(self, obj, after):
        for account, row, offset, token in self._walk(
            "read_proposal_list", after, optional=True
        ):
            data = {col.name: text(row.get(col.name)) for col in obj.columns}
            data["assigned_user"] = (
                self._owner(account, row.get("assigned_user"))
                if row.get("assigned_user")
                else ""
            )
            data["_client"] = account.prefix + data["client_id"]
            data["_lines"] = [
                {
                    "product": PROPOSAL_PRODUCT_ID,
                    "description": text(line.get("description")),
                    "quantity": text(line.get("quantity")),
                    "unit_price": text(line.get("unit_price")),
                }
                for line in sorted(
                    row.get("lines") or (), key=lambda x: x.get("line_number") or 0
                )
            ]
            sid = account.prefix + data["proposal_id"]
            yield self.record(obj, sid, data, offset + 1, resume=token)

    def _fetch_work_order(self, obj, after):
        titles = {}
        for account, row, offset, token in self._walk(
            "read_work_order_list", after, optional=True
        ):
            data = {col.name: text(row.get(col.name)) for col in obj.columns}
            data["assigned_user"] = self._owner(account, row.get("assigned_user"))
            data["_client"] = account.prefix + data["client_id"]
            if account.index not in titles:
                titles[account.index] = {
                    text(p.get("proposal_id")): text(p.get("title"))
                    for p, _o in self._optional("read_proposal_list", account.label)
                }
            proposal = data["proposal_id"]
            data["_proposal_title"] = (
                f"{titles[account.index].get(proposal) or 'Proposal'} ({proposal})"
                if proposal
                else ""
            )
            sid = account.prefix + data["work_order_id"]
            yield self.record(obj, sid, data, offset + 1, resume=token)

    def _note_data(self, obj, account, note):
        data = {col.name: text(note.get(col.name)) for col in obj.columns}
        data["created_by"] = self._owner(account, note.get("created_by"))
        data["_client"] = account.prefix + data["client_id"]
        kind = data["note_type"]
        body = data["note"].strip()
        data["_body"] = f"{kind}: {body}" if kind and body else body
        return data

    def _fetch_note(self, obj, after):
        """Notes client by client; the token says which client (its offset in the
        client list) and which of its notes."""
        first = after["account"] if after else 0
        for account in self._accounts()[first:]:
            resuming = after and account.index == first
            start = after["offset"] if resuming else 0
            for client, client_offset in self.client.iter_list(
                "read_client_list", account=account.label, start_offset=start
            ):
                note_start = (
                    after["note"] + 1
                    if resuming and client_offset == after["offset"]
                    else 0
                )
                yield from self._client_notes(
                    obj, account, client, client_offset, note_start
                )

    def _client_notes(self, obj, account, client, client_offset, note_start=0):
        for note, offset in self.client.iter_client_notes(
            text(client.get("client_id")),
            account=account.label,
            start_offset=note_start,
        ):
            note.setdefault("client_id", client.get("client_id"))
            data = self._note_data(obj, account, note)
            token = {"account": account.index, "offset": client_offset, "note": offset}
            yield self.record(
                obj, account.prefix + data["note_id"], data, offset + 1, resume=token
            )

    def _fetch_call(self, obj, after):
        for account, row, offset, token in self._walk(
            "read_call_log_list", after, optional=True
        ):
            data = {col.name: text(row.get(col.name)) for col in obj.columns}
            data["user_id"] = self._owner(account, row.get("user_id"))
            data["_client"] = account.prefix + data["client_id"]
            data["_body"] = self._call_body(data)
            sid = account.prefix + data["call_id"]
            yield self.record(obj, sid, data, offset + 1, resume=token)

    @staticmethod
    def _call_body(data):
        """The logged call as Odoo's chatter shows a done "Call" activity."""
        direction = data["direction"].strip().lower()
        title = {"inbound": "Inbound call", "outbound": "Outbound call"}.get(
            direction, f"Call ({direction})" if direction else "Call"
        )
        details = [
            part
            for part in (
                _duration(data["duration_seconds"]),
                data["disposition"].strip(),
            )
            if part
        ]
        lines = [title + (": " + ", ".join(details) if details else "")]
        if data["recording_url"].strip():
            lines.append(f"Recording: {data['recording_url'].strip()}")
        return "\n".join(lines)

    # ------------------------------------------------------------------ delta
    def present(self, object_key):
        return self._present.get(object_key)

    def _changed(self, data):
        """Whether a row changed since the last run (rows without a stamp: maybe,
        their hash tells)."""
        stamp = _stamp(data.get("last_modified_date"))
        since = _stamp(self.since)
        if stamp is None or since is None:
            return True
        return stamp > since - self.DELTA_MARGIN

    def fetch_changes(self, obj):
        if obj.key == "note":
            yield from self._changed_notes(obj)
            return
        present = set()
        for record in self.fetch(obj):
            if record.source_id:
                present.add(record.source_id)
            if self._changed(record.data):
                yield record
        self._present[obj.key] = present

    def _changed_notes(self, obj):
        """The notes of the clients changed since the last run (one call each)."""
        for account in self._accounts():
            for client, client_offset in self.client.iter_list(
                "read_client_list", account=account.label
            ):
                if self._changed(
                    {"last_modified_date": client.get("last_modified_date")}
                ):
                    yield from self._client_notes(obj, account, client, client_offset)

    # ------------------------------------------------------------------ inventory
    def automation_inventory(self):
        """Action plans and email sequences of every account (not migrated)."""
        items = []
        several = len(self._accounts()) > 1
        for account in self._accounts():
            suffix = f" ({account.name})" if several else ""
            for name in self._action_plans(account).values():
                items.append(
                    {
                        "name": name + suffix,
                        "kind": "action_plan",
                        "trigger": "Assigned to a contact in ClientTether",
                        "steps": [],
                        "timing": "",
                    }
                )
            templates = self._lookup(account, "read_email_template_list")
            for row, _o in self._optional("read_email_sequence_list", account.label):
                steps, delays = [], []
                for step in row.get("steps") or ():
                    template = templates.get(text(step.get("template_id"))) or {}
                    label = text(template.get("template_name")) or text(
                        step.get("template_id")
                    )
                    delay = text(step.get("delay_days")) or "0"
                    delays.append(delay)
                    steps.append(f'Day {delay}: send the e-mail template "{label}"')
                items.append(
                    {
                        "name": (text(row.get("sequence_name")) or "Email sequence")
                        + suffix,
                        "kind": "email_sequence",
                        "trigger": "A contact is enrolled in the sequence",
                        "steps": steps,
                        "timing": "after " + ", ".join(f"{d} days" for d in delays)
                        if delays
                        else "",
                    }
                )
        return items


class ClientTetherFileReader(FileReader):
    """ClientTether's CSV / Excel exports, for accounts without API access: the
    preset's columns under the headers of its import/export template (aliases;
    ASSUMED: the vendor publishes no export layout). Not registered for the
    platform: the project uses it when files are uploaded instead of a connection
    (:attr:`ClientTetherReader.file_reader`).

    An export holds one account: ids are the export's own, a record refers to its
    client by the client id, and a deal's e-mail, phone and tags are its own
    columns. What only the API joins in (sales cycle and lead source names, an
    account's name, proposal lines, note and call texts from their parts) stays
    empty: the field map shows those lines as not found.
    """

    owner_columns = ClientTetherReader.owner_columns
    automation_checklist = ClientTetherReader.automation_checklist

    def iter_records(self, object_key, after=None):
        for record in super().iter_records(object_key, after):
            data = record.data
            client = (data.get("client_id") or "").strip()
            data.setdefault("_client", client)
            for column in ("email", "phone", "tags"):
                data.setdefault(f"_{column}", data.get(column) or "")
            yield record


ClientTetherReader.file_reader = ClientTetherFileReader

__all__ = ["ClientTetherFileReader", "ClientTetherReader"]
