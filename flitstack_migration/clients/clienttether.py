# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Client of ClientTether's REST API 2.0 (``source_apis.md`` §2).

Calls are RPC-style names under ``<root>/v2/api/<call>`` (``read_client_list``,
``read_client_by_id/<id>``...). Two headers go with every call: ``X-Access-Token``
(enterprise level, the same for every account) and ``X-Web-Key`` (which account is
read). A franchise HQ reads its sub-accounts with one web key each: the client takes
several, by label, and every call names the account it reads.

Answers are ``{ResultCode, Message, TotalRecord, data}``; lists page with ``limit``
and ``offset`` (a record offset). ``CT200``/``CT_200`` is success and ``CT515`` "no
record" (an empty list). There is no modified-since filter: a delta is a full scan
compared on ``last_modified_date`` (:meth:`ClientTetherClient.iter_modified_since`).

Calls found in public code: read_client_list, read_client_by_id, read_client_exist,
read_opportunity_list, read_sales_cycle_list, read_lead_source_list,
read_action_plan_list, read_user_list, read_client_history_notes, read_all_events.
ASSUMED (nothing public; the emulator serves them, check them against the vendor's
Postman collection before relying on them): :data:`ASSUMED_CALLS`.
"""

import json
from collections.abc import Mapping
from urllib.parse import quote

from .http import AccountAccessError, ApiClient, InvalidKeyError, RetryableError

ASSUMED_CALLS = (
    "read_account_list",
    "read_proposal_list",
    "read_work_order_list",
    "read_tag_list",
    "read_call_log_list",
    "read_custom_field_list",
    "read_email_template_list",
    "read_email_sequence_list",
)
KEY_CODES = {"CT401", "CT501"}
NO_ACCESS_CODES = {"CT403"}


def result_code(payload):
    """``CT_200`` and ``CT200`` both as ``CT200`` (``""`` when absent)."""
    return str((payload or {}).get("ResultCode") or "").replace("_", "").upper()


class ClientTetherClient(ApiClient):
    """Reads one or several ClientTether accounts.

    :param access_token: the enterprise ``X-Access-Token``
    :param web_keys: the ``X-Web-Key`` of each account to read: one key, or a mapping
        label → key (e.g. ``{"HQ": ..., "Denver": ...}``); labels name the accounts in
        calls and messages (keys never do)
    :param root: API root, ``https://api.clienttether.com`` by default
    :param page_size: ``limit`` of a list call
    :param options: :class:`~.http.ApiClient` options (timeout, retries, rate...)
    """

    platform = "ClientTether"
    default_root = "https://api.clienttether.com"
    api_path = "v2/api"
    key_help = (
        "The access token is on the enterprise account's Settings > API tab (it "
        "changes when that user's name, level or password changes); each account's "
        "web key is on its own Settings > API tab."
    )

    def __init__(self, access_token, web_keys, root=None, *, page_size=100, **options):
        self._access_token = (access_token or "").strip()
        if isinstance(web_keys, str):
            web_keys = {"main": web_keys}
        elif not isinstance(web_keys, Mapping):
            web_keys = {f"account {n}": key for n, key in enumerate(web_keys, 1)}
        self._web_keys = {
            str(label): (key or "").strip() for label, key in web_keys.items()
        }
        if not (self._access_token and self._web_keys and all(self._web_keys.values())):
            raise InvalidKeyError(
                "The ClientTether access token or a web key is missing. "
                + self.key_help
            )
        super().__init__(root, **options)
        self.page_size = max(1, page_size)

    @property
    def accounts(self):
        """The labels of the accounts this client reads, HQ first as given."""
        return list(self._web_keys)

    # ------------------------------------------------------------------ hooks
    def _secret_values(self):
        return (self._access_token, *self._web_keys.values())

    def _http_error(self, response, text, context):
        payload = _json_or_none(text)
        code = result_code(payload)
        message = (payload or {}).get("Message") or text
        if response.status_code in (401, 403) or code in KEY_CODES | NO_ACCESS_CODES:
            return self._key_error(response.status_code, code, message, context)
        if response.status_code == 404:
            return self._rejected(f"unknown call ({message})", response)
        return self._rejected(
            f"HTTP {response.status_code} {code}: {message}", response
        )

    def _check_payload(self, payload, context):
        if not isinstance(payload, dict):
            raise self._rejected("the answer is not a JSON object")
        code = result_code(payload)
        message = payload.get("Message") or ""
        if code in ("CT200", "CT515", ""):
            return payload
        if code in KEY_CODES | NO_ACCESS_CODES:
            raise self._key_error(200, code, message, context)
        if code == "CT500":
            raise RetryableError("server", f"{code}: {message}")
        raise self._rejected(f"{code}: {message}")

    def _key_error(self, status, code, message, context):
        if "expire" in message.lower():
            return self._expired_key(f"{code} {message}")
        if status == 403 or code in NO_ACCESS_CODES:
            return self._no_access(f"{code} {message}", context)
        return self._invalid_key(f"{code} {message}")

    def _no_access(self, detail, context):
        account = (context or {}).get("account")
        return AccountAccessError(
            f'The ClientTether access token has no access to the account "{account}". '
            "Check that this account's web key belongs to an account under the "
            "enterprise account that gave the access token.",
            detail=self.redact(detail),
        )

    # ------------------------------------------------------------------ calls
    def call(self, name, *path_args, account=None, params=None, method="GET"):
        """One API call on an account; returns the whole answer (a dict).

        :param name: the call, e.g. ``read_client_list``
        :param path_args: appended to the path (``read_client_by_id/<id>``)
        :param account: the label of the account (the first one when empty)
        """
        label = account if account is not None else self.accounts[0]
        if label not in self._web_keys:
            raise KeyError(f"no web key for the ClientTether account {label!r}")
        headers = {
            "X-Access-Token": self._access_token,
            "X-Web-Key": self._web_keys[label],
        }
        path = "/".join(
            [self.api_path, name, *(quote(str(arg), safe="") for arg in path_args)]
        )
        return self._request(
            method, path, params=params, headers=headers, context={"account": label}
        )

    def iter_list(
        self, name, *path_args, account=None, params=None, start_offset=0, limit=None
    ):
        """Yield ``(record, offset)`` for every record of a list call.

        ``offset`` is the record's position in the list: to resume after the last
        record landed, call again with ``start_offset=offset + 1``.

        Pages are asked with ``limit``/``offset``. The list ends on an empty page, once
        ``TotalRecord`` records are read, or (no ``TotalRecord``) on a short page. A
        page shorter than ``limit`` while ``TotalRecord`` says more remain is not the
        end: the next page starts right after it, so no record is lost.
        """
        limit = limit or self.page_size
        offset = start_offset
        while True:
            payload = self.call(
                name,
                *path_args,
                account=account,
                params={**(params or {}), "limit": limit, "offset": offset},
            )
            rows = [] if result_code(payload) == "CT515" else payload.get("data") or []
            if not isinstance(rows, list):
                raise self._rejected(f"{name}: data is not a list")
            total = _int_or_none(payload.get("TotalRecord"))
            for position, row in enumerate(rows, offset):
                yield row, position
            offset += len(rows)
            if not rows:
                return
            if total is not None and offset >= total:
                return
            if total is None and len(rows) < limit:
                return

    def iter_all_accounts(self, name, *, params=None):
        """Yield ``(account, record, offset)`` for a list call on every account."""
        for label in self.accounts:
            for row, offset in self.iter_list(name, account=label, params=params):
                yield label, row, offset

    def iter_modified_since(self, name, since, *, account=None, field=None):
        """Yield ``(record, offset)`` of a list modified after ``since``.

        ClientTether has no server-side filter: the whole list is read and each row's
        ``last_modified_date`` (``YYYY-MM-DD HH:MM:SS``) compared to ``since``.
        """
        field = field or "last_modified_date"
        for row, offset in self.iter_list(name, account=account):
            stamp = row.get(field) or row.get("created") or ""
            if not since or str(stamp) > str(since):
                yield row, offset

    # ------------------------------------------------------------ shortcuts
    def iter_clients(self, account=None, start_offset=0):
        """Contacts and leads (``contact_type``), ``read_client_list``."""
        return self.iter_list(
            "read_client_list", account=account, start_offset=start_offset
        )

    def iter_opportunities(self, account=None, start_offset=0):
        """Deals, ``read_opportunity_list``."""
        return self.iter_list(
            "read_opportunity_list", account=account, start_offset=start_offset
        )

    def iter_sales_cycles(self, account=None):
        """Stages, grouped in pipelines by ``contact_type``."""
        return self.iter_list("read_sales_cycle_list", account=account)

    def iter_lead_sources(self, account=None):
        return self.iter_list("read_lead_source_list", account=account)

    def iter_users(self, account=None):
        return self.iter_list("read_user_list", account=account)

    def action_plans(self, account=None):
        """Action plans (automations), flattened out of their groups."""
        plans = []
        for row, _offset in self.iter_list("read_action_plan_list", account=account):
            plans.extend(_flatten_plans(row))
        return plans

    def client(self, client_id, account=None):
        """One client by id, or ``None`` when ClientTether has no such record."""
        payload = self.call("read_client_by_id", client_id, account=account)
        data = payload.get("data")
        if result_code(payload) == "CT515" or not data:
            return None
        return data[0] if isinstance(data, list) else data

    def iter_client_notes(self, client_id, account=None, start_offset=0):
        """Yield ``(note, offset)`` of one client's history notes."""
        return self.iter_list(
            "read_client_history_notes",
            client_id,
            account=account,
            start_offset=start_offset,
        )


def _flatten_plans(row):
    if isinstance(row, list):
        return [plan for item in row for plan in _flatten_plans(item)]
    if not isinstance(row, dict):
        return []
    if "action_plan_id" in row:
        return [row]
    return [plan for value in row.values() for plan in _flatten_plans(value)]


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _json_or_none(text):
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
