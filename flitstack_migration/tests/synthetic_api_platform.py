# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A platform read from an API, defined entirely here, to prove the API contract.

"Ledgerline" is fictional: its reader reads the accounts of the JobTread emulator
through the JobTread client, under its own credential names and environment
variables, into a preset of one object. Nothing in the engine, models, wizards or
CLI knows it: the connection form, "Test connection", the command line's
``--api-url``, resumable paging and partial deltas all come from
:class:`~..readers.api.ApiReader` and the registries.
"""

from ..clients.jobtread import JobTreadClient
from ..presets.base import Column, FieldSpec, ObjectSpec, Preset, register
from ..readers.api import ApiReader, ConnectionCheck, Credential, text

PLATFORM = "synthetic_ledgerline"
KEY_ENV = "LEDGERLINE_TEST_KEY"
ACCOUNT_ENV = "LEDGERLINE_TEST_ACCOUNT"
NODE_FIELDS = {"name": {}, "type": {}, "isTaxable": {}, "createdAt": {}}

PRESET = register(
    Preset(
        platform=PLATFORM,
        label="Ledgerline (test platform)",
        custom_prefix="x_ll_",
        export_help="Ledgerline is read from its API: paste an API key.",
        objects=(
            ObjectSpec(
                key="account",
                label="Accounts",
                model="res.partner",
                columns=(
                    Column("id", required=True),
                    Column("name", required=True),
                    Column("type"),
                    Column("isTaxable"),
                ),
                id_column="id",
                fields=(
                    FieldSpec("name", "name", required=True),
                    FieldSpec("comment", "type"),
                    FieldSpec("customer_rank", None, "constant", default=1),
                ),
            ),
        ),
    )
)


class LedgerlineReader(ApiReader):
    """Accounts of an organization, paged; deltas from the event feed."""

    platform = PLATFORM
    supports_delta = True
    default_root = "https://ledgerline.invalid"
    credentials = (
        Credential("api_key", "Ledgerline key", KEY_ENV, help="Ledgerline > API."),
    )
    account_label = "Ledger"
    account_env = ACCOUNT_ENV

    def make_client(self):
        source = self.source
        return JobTreadClient(
            source.credentials.get("api_key"),
            source.root,
            organization_id=source.account,
            page_size=int(source.options.get("page_size") or 5),
            rate=0,
            retries=int(source.options.get("retries", 4)),
            timeout=(2.0, 2.0),
            sleep=lambda _seconds: None,
        )

    def check_connection(self):
        orgs = self.client.organizations()
        chosen = [o for o in orgs if o["id"] == self.source.account]
        if len(orgs) > 1 and not chosen:
            return ConnectionCheck(
                False,
                "The key reaches several ledgers: choose the one to migrate.",
                accounts=orgs,
            )
        org = (chosen or orgs)[0]
        return ConnectionCheck(
            True, f"Connected to {org['name']}.", account_name=org["name"]
        )

    def _data(self, node):
        return {name: text(node.get(name)) for name in ("id", *NODE_FIELDS)}

    def fetch(self, obj, after=None):
        after = after or {}
        nodes = self.client.iter_nodes(
            "accounts",
            NODE_FIELDS,
            start_page=after.get("page"),
            start_after=after.get("id"),
        )
        for position, (node, page) in enumerate(nodes, start=1):
            yield self.record(
                obj,
                node["id"],
                self._data(node),
                position,
                resume={"page": page, "id": node["id"]},
            )

    def fetch_changes(self, obj):
        changes = self.client.changes_since(self.since)
        self._deleted[obj.key] = sorted(changes.deleted.get("account", ()))
        ids = changes.upserted.get("account", [])
        nodes = self.client.get_nodes("accounts", ids, NODE_FIELDS) if ids else []
        for position, node in enumerate(nodes, start=1):
            yield self.record(obj, node["id"], self._data(node), position)
