# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Client of JobTread's Pave API (``source_apis.md`` §1).

Pave is one endpoint, ``POST <root>/pave``, taking a JSON query; the grant key goes
inside the body, under ``query.$.grantKey``. Lists are connections paged with
``size`` (100 at most), ``page`` (the opaque ``nextPage`` cursor of the previous
page) and a stable ``sortBy`` on ``createdAt``.

Entities have no ``updatedAt``: deltas come from the ``events`` connection, whose
types are ``<entity>Created|Updated|Deleted`` (plus ``documentSent``), re-fetching
the records named there by id. ASSUMED (no public description): an event links its
target under the entity's name (``job {id}``), also once the target is deleted.
Cost items raise no event of their own.
"""

import logging
import re
from dataclasses import dataclass, field

from .http import AccountAccessError, ApiClient, ApiError, InvalidKeyError

EVENT_TYPE = re.compile(
    r"^(?P<entity>[a-z][A-Za-z]*?)(?P<action>Created|Updated|Deleted|Sent)$"
)
EVENT_ENTITIES = (
    "account",
    "comment",
    "contact",
    "dailyLog",
    "document",
    "documentPayment",
    "file",
    "job",
    "location",
    "payment",
    "task",
    "timeEntry",
)


class OrganizationChoiceError(ApiError):
    """The key reaches several organizations and none was chosen.

    ``organizations`` lists them as ``{"id", "name"}`` dicts for the caller to offer.
    """

    def __init__(self, message, organizations):
        super().__init__(message)
        self.organizations = organizations


@dataclass
class Changes:
    """What the event feed says changed since a time.

    :param upserted: entity → ids created or updated (to re-fetch), in event order
    :param deleted: entity → ids deleted (and not re-created since)
    :param last_event_at: ``createdAt`` of the last event read (the next ``since``)
    :param events: number of events read
    """

    upserted: dict = field(default_factory=dict)
    deleted: dict = field(default_factory=dict)
    last_event_at: str = None
    events: int = 0


class JobTreadClient(ApiClient):
    """Reads one JobTread organization through Pave.

    :param grant_key: the grant key (Settings > Integrations > API > Grants)
    :param root: API root, ``https://api.jobtread.com`` by default
    :param organization_id: the organization to read; when empty and the key reaches
        exactly one organization, that one (see :meth:`organizations`)
    :param page_size: nodes per page, 100 at most
    :param options: :class:`~.http.ApiClient` options (timeout, retries, rate...)
    """

    platform = "JobTread"
    default_root = "https://api.jobtread.com"
    key_help = (
        "JobTread grant keys expire after 3 months without use and are shown once: "
        "create a new grant in JobTread (Settings > Integrations > API > Grants) and "
        "enter its key in the migration project."
    )
    max_page_size = 100
    sort_by = ({"field": "createdAt"},)

    def __init__(
        self, grant_key, root=None, *, organization_id=None, page_size=100, **options
    ):
        self._grant_key = (grant_key or "").strip()
        if not self._grant_key:
            raise InvalidKeyError(
                "No JobTread API key is set. Create a grant in JobTread (Settings > "
                "Integrations > API > Grants) and enter its key in the project."
            )
        super().__init__(root, **options)
        self.organization_id = organization_id
        self.page_size = max(1, min(page_size, self.max_page_size))

    # ------------------------------------------------------------------ hooks
    def _secret_values(self):
        return (self._grant_key,)

    def _http_error(self, response, text, context):
        status = response.status_code
        if status in (401, 403):
            return self._key_error(status, text, context)
        return super()._http_error(response, text, context)

    def _check_payload(self, payload, context):
        if not isinstance(payload, dict):
            raise self._rejected("the answer is not a JSON object")
        errors = payload.get("errors")
        if errors:
            text = "; ".join(
                str(e.get("message", e)) if isinstance(e, dict) else str(e)
                for e in errors
            )
            lowered = text.lower()
            if "grant" in lowered or "expired" in lowered or "unauthor" in lowered:
                raise self._key_error(401, text, context)
            raise self._rejected(text)
        return payload

    def _key_error(self, status, text, context):
        lowered = text.lower()
        if "expire" in lowered:
            return self._expired_key(text)
        if status == 403 or "organization" in lowered or "access" in lowered:
            return self._no_access(text, context)
        return self._invalid_key(text)

    def _no_access(self, detail, context):
        org = (context or {}).get("organization")
        return AccountAccessError(
            f"The JobTread API key has no access to the organization {org}. Use a key "
            "of a user who is a member of that organization."
            if org
            else "The JobTread API key has no access to this organization.",
            detail=self.redact(detail),
        )

    # ------------------------------------------------------------------ Pave
    def query(self, query, *, organization=None):
        """Run one Pave query and return its answer (the ``query`` keys, filled).

        :param query: the query without the key, e.g. ``{"currentGrant": {"id": {}}}``
        :param organization: organization id, only to word an access error
        """
        inputs = dict(query.get("$") or {})
        inputs["grantKey"] = self._grant_key
        body = {"query": {**query, "$": inputs}}
        return self._request(
            "POST", "pave", json_body=body, context={"organization": organization}
        )

    def organizations(self):
        """The organizations the key reaches, as ``[{"id", "name"}]``."""
        data = self.query(
            {
                "currentGrant": {
                    "id": {},
                    "user": {
                        "id": {},
                        "name": {},
                        "memberships": {
                            "$": {"size": self.max_page_size},
                            "nodes": {"organization": {"id": {}, "name": {}}},
                        },
                    },
                }
            }
        )
        grant = data.get("currentGrant") or {}
        memberships = ((grant.get("user") or {}).get("memberships") or {}).get(
            "nodes"
        ) or []
        found = {}
        for membership in memberships:
            org = (membership or {}).get("organization") or {}
            if org.get("id"):
                found.setdefault(org["id"], {"id": org["id"], "name": org.get("name")})
        return list(found.values())

    def _organization(self):
        """The organization id to read, chosen once (see ``organization_id``)."""
        if self.organization_id:
            return self.organization_id
        orgs = self.organizations()
        if not orgs:
            raise AccountAccessError(
                "The JobTread API key gives access to no organization. Use a key of "
                "a user who is a member of the organization to migrate."
            )
        if len(orgs) > 1:
            names = ", ".join(f"{o['name']} ({o['id']})" for o in orgs)
            raise OrganizationChoiceError(
                "The JobTread API key gives access to several organizations: "
                f"{names}. Choose the one to migrate.",
                orgs,
            )
        self.organization_id = orgs[0]["id"]
        return self.organization_id

    def iter_nodes(
        self,
        connection,
        fields,
        where=None,
        start_page=None,
        *,
        start_after=None,
        size=None,
    ):
        """Yield ``(node, page)`` for every node of an organization's connection.

        ``page`` is the cursor that fetched the node's page (``None`` for the first
        one). To resume an interrupted read, store the ``page`` and the id of the
        last node landed, and call again with ``start_page=page`` and
        ``start_after=id``: the page is fetched again and its nodes up to that id
        are skipped, so no node is yielded twice (if the id is no longer on the
        page, the whole page is yielded again rather than dropping any node).

        :param connection: the connection's name under ``organization``, e.g. ``jobs``
        :param fields: Pave selection of a node (``id`` is always added)
        :param where: Pave ``where`` condition, e.g. ``["createdAt", ">=", t]``
        """
        org = self._organization()
        fields = {"id": {}, **fields}
        page = start_page
        skip_to = start_after
        while True:
            args = {
                "size": size or self.page_size,
                "sortBy": [dict(s) for s in self.sort_by],
            }
            if page:
                args["page"] = page
            if where is not None:
                args["where"] = where
            data = self.query(
                {
                    "organization": {
                        "$": {"id": org},
                        connection: {"$": args, "nextPage": {}, "nodes": fields},
                    }
                },
                organization=org,
            )
            result = self._connection(data, connection)
            nodes = result["nodes"]
            if skip_to is not None:
                ids = [node.get("id") for node in nodes]
                if skip_to in ids:
                    nodes = nodes[ids.index(skip_to) + 1 :]
                skip_to = None
            for node in nodes:
                yield node, page
            next_page = result.get("nextPage")
            if not next_page:
                return
            if next_page == page:
                raise self._rejected(f"{connection}: the next page is this page")
            page = next_page

    def _connection(self, data, connection):
        result = ((data or {}).get("organization") or {}).get(connection)
        if not isinstance(result, dict) or not isinstance(result.get("nodes"), list):
            raise self._rejected(f"{connection}: the answer has no list of nodes")
        if "nextPage" not in result:
            raise self._rejected(f"{connection}: the answer has no nextPage")
        return result

    def get_nodes(self, connection, ids, fields):
        """The nodes of ``connection`` whose id is in ``ids`` (missing ones: gone)."""
        ids = list(dict.fromkeys(ids))
        found = []
        for start in range(0, len(ids), self.max_page_size):
            chunk = ids[start : start + self.max_page_size]
            found.extend(
                node
                for node, _page in self.iter_nodes(
                    connection, fields, where=["id", "in", chunk]
                )
            )
        return found

    # ------------------------------------------------------------------ deltas
    def iter_events(
        self, since=None, until=None, *, start_page=None, start_after=None, fields=None
    ):
        """Yield ``(event, page)`` for the events created in ``[since, until)``.

        :param since: ISO timestamp (inclusive); ``None`` for the whole feed
        :param until: ISO timestamp (exclusive), or ``None``
        """
        conditions = []
        if since:
            conditions.append(["createdAt", ">=", since])
        if until:
            conditions.append(["createdAt", "<", until])
        where = None
        if len(conditions) == 1:
            where = conditions[0]
        elif conditions:
            where = {"and": conditions}
        if fields is None:
            fields = {
                "type": {},
                "createdAt": {},
                "createdByUser": {"id": {}, "name": {}},
                **{entity: {"id": {}} for entity in EVENT_ENTITIES},
            }
        yield from self.iter_nodes(
            "events",
            fields,
            where=where,
            start_page=start_page,
            start_after=start_after,
        )

    def changes_since(self, since, until=None):
        """Sum up the event feed since ``since`` as a :class:`Changes`.

        A record created then deleted counts as deleted; deleted then created again
        (never, with JobTread's ids) as upserted: the last event wins.
        """
        changes = Changes()
        for event, _page in self.iter_events(since, until):
            changes.events += 1
            changes.last_event_at = event.get("createdAt") or changes.last_event_at
            match = EVENT_TYPE.match(event.get("type") or "")
            if not match:
                continue
            entity = match["entity"]
            target = event.get(entity) or {}
            target_id = target.get("id") if isinstance(target, dict) else None
            if not target_id:
                self._log(
                    logging.WARNING,
                    "JobTread event %s names no %s",
                    event.get("id"),
                    entity,
                )
                continue
            upserted = changes.upserted.setdefault(entity, {})
            deleted = changes.deleted.setdefault(entity, set())
            if match["action"] == "Deleted":
                upserted.pop(target_id, None)
                deleted.add(target_id)
            else:
                deleted.discard(target_id)
                upserted[target_id] = True
        changes.upserted = {k: list(v) for k, v in changes.upserted.items() if v}
        changes.deleted = {k: v for k, v in changes.deleted.items() if v}
        return changes
