#!/usr/bin/env python3
# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A ClientTether API 2.0 emulator, from the public facts (``source_apis.md`` §2).

Calls are ``GET /v2/api/<call>[/<id>]`` with the ``X-Access-Token`` (enterprise) and
``X-Web-Key`` (account) headers; answers are ``{ResultCode, Message, TotalRecord,
data}``, lists paged by ``limit``/``offset``; ``CT515`` when nothing is found.

One enterprise: an HQ account and franchise sub-accounts, each with its own web key
and its own data, generated with Faker from a seed: clients (contacts; leads are
``contact_type`` "1", prospects), opportunities (deals), sales cycles (stages, in
pipelines by contact type), lead sources, action plans (automations, in groups),
users, history notes per client, appointments (``read_all_events``) and, through
ASSUMED calls (nothing public names them): ``read_account_list`` (the franchise
hierarchy, all accounts from HQ's key), ``read_proposal_list`` (with lines),
``read_work_order_list``, ``read_tag_list``, ``read_call_log_list``,
``read_custom_field_list`` (client rows carry their values under ``cf_*`` keys),
``read_email_template_list`` and ``read_email_sequence_list``.

ASSUMED answers to key errors: a missing header is ``CT501`` (HTTP 200); a wrong
token or web key HTTP 401 ``CT401``; an expired token HTTP 401 ``CT401`` "Access token
expired"; a web key of another enterprise HTTP 403 ``CT403``. An unknown call is a
plain HTTP 404.

Tests change the data with :meth:`ClientTetherEmulator.create`, :meth:`update` and
:meth:`delete` (which bump ``last_modified_date``). By hand::

    python3 tools/emulators/clienttether.py --port 0 --seed 1 --size small
"""

import argparse
import json
import random
import string
import sys
from datetime import datetime, timedelta, timezone

from faker import Faker

try:
    from .faults import EmulatorServer, Fault, json_answer, text_answer
except ImportError:  # run as a script
    from faults import EmulatorServer, Fault, json_answer, text_answer

SIZES = {"small": 1, "medium": 10, "large": 50}
EPOCH = datetime(2023, 1, 2, 8, 0)
MUTATION_EPOCH = datetime(2026, 1, 1, 0, 0)
STAMP = "%Y-%m-%d %H:%M:%S"

# call → (table, id key); a table is a list per account
LIST_CALLS = {
    "read_client_list": ("client", "client_id"),
    "read_opportunity_list": ("opportunity", "opportunity_id"),
    "read_sales_cycle_list": ("sales_cycle", "sales_cycle_id"),
    "read_lead_source_list": ("lead_source", "lead_source_id"),
    "read_action_plan_list": ("action_plan_group", "group_id"),
    "read_user_list": ("user", "user_id"),
    "read_all_events": ("event", "event_id"),
    "read_proposal_list": ("proposal", "proposal_id"),
    "read_work_order_list": ("work_order", "work_order_id"),
    "read_tag_list": ("tag", "tag_id"),
    "read_call_log_list": ("call_log", "call_id"),
    "read_custom_field_list": ("custom_field", "field_id"),
    "read_email_template_list": ("email_template", "template_id"),
    "read_email_sequence_list": ("email_sequence", "sequence_id"),
}
ID_KEYS = {table: key for table, key in LIST_CALLS.values()} | {"note": "note_id"}
PIPELINES = {
    "1": ("Prospect", ["New Lead", "Contacted", "Appointment Set", "Proposal Sent"]),
    "2": ("Client", ["Sold", "In Production", "Completed", "Lost"]),
}
LEAD_SOURCES = ("Google", "Facebook", "Referral", "Home Show", "Yard Sign", "Website")
TAGS = ("VIP", "Repeat", "Roofing", "Windows", "Financing", "Do Not Call")
CUSTOM_FIELDS = (
    ("cf_roof_type", "Roof Type", "dropdown", ["Asphalt", "Metal", "Tile", "Slate"]),
    ("cf_home_built", "Year Home Built", "number", []),
    ("cf_interests", "Interests", "multiselect", ["Roof", "Gutters", "Siding"]),
    ("cf_hoa", "HOA Name", "text", []),
)


def stamp(moment):
    return moment.strftime(STAMP)


class ClientTetherEmulator(EmulatorServer):
    """ClientTether's API 2.0 on 127.0.0.1, over generated data.

    :param seed: the data's seed (same seed and size, same data and keys)
    :param size: ``small``, ``medium`` or ``large`` (×1, ×10, ×50 records)
    :param franchises: sub-accounts under HQ
    :param max_limit: cap of a page whatever ``limit`` asks (``None``: no cap)

    ``access_token``, ``web_keys`` (label → key; ``HQ`` first), ``foreign_web_key``
    (valid, of another enterprise), ``accounts`` (label → account row) and
    ``tables`` (label → table → list of rows).
    """

    def __init__(
        self, seed=1, size="small", franchises=2, max_limit=None, port=0, faults=()
    ):
        super().__init__(port=port, faults=faults)
        self.rng = random.Random(seed)
        self.fake = Faker("en_US")
        self.fake.seed_instance(seed)
        self.scale = SIZES[size]
        self.max_limit = max_limit
        self.access_token = "eyJ" + self._token(60, string.ascii_letters + "-_")
        self.foreign_web_key = "CT_" + self._token(32)
        self.web_keys = {}
        self.accounts = {}
        self.tables = {}
        self._next_id = 1000
        self._mutations = 0
        self._last_mutation = MUTATION_EPOCH
        labels = ["HQ"] + [f"Franchise {n}" for n in range(1, franchises + 1)]
        for label in labels:
            self.web_keys[label] = "CT_" + self._token(32)
            self.accounts[label] = {
                "account_id": self._id(),
                "account_name": label
                if label == "HQ"
                else self.fake.city() + " Roofing",
                "parent_account_id": None,
                "account_type": "Brand" if label == "HQ" else "Franchisee",
                "city": self.fake.city(),
                "state": self.fake.state_abbr(),
                "created": stamp(EPOCH),
            }
            if label != "HQ":
                self.accounts[label]["parent_account_id"] = self.accounts["HQ"][
                    "account_id"
                ]
            self.tables[label] = _AccountData(self, label).make()

    def _token(self, length, alphabet=string.ascii_letters + string.digits):
        return "".join(self.rng.choice(alphabet) for _ in range(length))

    def _id(self):
        self._next_id += 1
        return str(self._next_id)

    # ============================================================ mutations
    def now(self):
        """The next mutation time: the real time in UTC (a delta compares it with
        the client's clock), never before the generated data, one second apart at
        least."""
        self._mutations += 1
        floor = MUTATION_EPOCH + timedelta(seconds=self._mutations)
        real = datetime.now(timezone.utc).replace(tzinfo=None)
        moment = max(real, floor, self._last_mutation)
        self._last_mutation = moment + timedelta(seconds=1)
        return stamp(moment)

    def rows(self, table, account="HQ"):
        return self.tables[account][table]

    def find(self, table, record_id, account="HQ"):
        key = ID_KEYS[table]
        return next(r for r in self.rows(table, account) if r[key] == str(record_id))

    def create(self, table, account="HQ", **values):
        """Add a row to ``table`` (``client``, ``opportunity``...); returns its id."""
        with self._lock:
            moment = self.now()
            row = {ID_KEYS[table]: self._id(), "created": moment, **values}
            row["last_modified_date"] = moment
            self.rows(table, account).append(row)
            return row[ID_KEYS[table]]

    def update(self, table, record_id, account="HQ", **values):
        """Change a row; bumps its ``last_modified_date``."""
        with self._lock:
            row = self.find(table, record_id, account)
            row.update(values)
            row["last_modified_date"] = self.now()

    def delete(self, table, record_id, account="HQ"):
        """Remove a row (ClientTether archives it; it leaves the lists)."""
        with self._lock:
            row = self.find(table, record_id, account)
            self.rows(table, account).remove(row)

    # ============================================================ protocol
    def expired(self, request):
        return json_answer(401, _result("CT401", "Access token expired"))

    def handle(self, request):
        parts = [p for p in request.path.split("/") if p]
        if parts[:2] != ["v2", "api"] or len(parts) < 3:
            return text_answer(404, "Not Found")
        call, args = parts[2], parts[3:]
        token = request.headers.get("X-Access-Token")
        web_key = request.headers.get("X-Web-Key")
        if not token or not web_key:
            return json_answer(200, _result("CT501", "Missing access token or web key"))
        if token != self.access_token:
            return json_answer(401, _result("CT401", "Invalid access token"))
        if web_key == self.foreign_web_key:
            return json_answer(
                403, _result("CT403", "Web key not allowed for this access token")
            )
        label = next((k for k, v in self.web_keys.items() if v == web_key), None)
        if label is None:
            return json_answer(401, _result("CT401", "Invalid web key"))
        if request.method != "GET":
            return text_answer(405, "Method Not Allowed")
        return self._read(call, args, label, request.query)

    def _read(self, call, args, label, query):
        tables = self.tables[label]
        if call == "read_client_by_id" and args:
            rows = [r for r in tables["client"] if r["client_id"] == args[0]]
            return self._list(rows, {"limit": 1})
        if call == "read_client_exist":
            email, phone = query.get("email"), query.get("phone")
            rows = [
                r
                for r in tables["client"]
                if (email and r["email"] == email) or (phone and r["phone"] == phone)
            ]
            return self._list(rows, {"limit": 1})
        if call == "read_client_history_notes" and args:
            rows = [n for n in tables["note"] if n["client_id"] == args[0]]
            return self._list(rows, query)
        if call == "read_account_list":
            if label == "HQ":
                return self._list(list(self.accounts.values()), query)
            return self._list([self.accounts[label]], query)
        if call in LIST_CALLS:
            return self._list(tables[LIST_CALLS[call][0]], query)
        return text_answer(404, "Not Found")

    def _list(self, rows, query):
        try:
            limit = int(query.get("limit", 100))
            offset = int(query.get("offset", 0))
        except ValueError:
            return json_answer(200, _result("CT400", "limit and offset are numbers"))
        if self.max_limit:
            limit = min(limit, self.max_limit)
        page = rows[offset : offset + limit]
        if not rows:
            return json_answer(200, _result("CT515", "No record found", 0, []))
        return json_answer(200, _result("CT200", "Success", len(rows), page))


def _result(code, message, total=None, data=None):
    payload = {"ResultCode": code, "Message": message}
    if total is not None:
        payload["TotalRecord"] = total
    if data is not None:
        payload["data"] = data
    return payload


class _AccountData:
    """Generates one account's tables (``scale`` × small)."""

    def __init__(self, emulator, label):
        self.emu = emulator
        self.rng = emulator.rng
        self.fake = emulator.fake
        self.n = emulator.scale
        self.t = {table: [] for table in ID_KEYS}

    def add(self, table, **values):
        row = {ID_KEYS[table]: self.emu._id(), **values}
        self.t[table].append(row)
        return row

    def moment(self, days):
        return EPOCH + timedelta(minutes=self.rng.randint(0, days * 24 * 60))

    def make(self):
        self._setup()
        for _ in range(25 * self.n):
            self._client()
        for client in self.rng.sample(self.t["client"], 12 * self.n):
            self._opportunity(client)
        for client in self.rng.sample(self.t["client"], 8 * self.n):
            self._proposal(client)
        self._automations()
        return self.t

    def _setup(self):
        fake = self.fake
        for level in ("Admin", "Sales", "Sales", "Production"):
            first, last = fake.first_name(), fake.last_name()
            self.add(
                "user",
                first_name=first,
                last_name=last,
                email=f"{first}.{last}@{fake.domain_name()}".lower(),
                phone=fake.numerify("##########"),
                user_level=level,
                active="1",
            )
        for name in LEAD_SOURCES:
            self.add("lead_source", lead_source_name=name)
        for contact_type, (type_name, stages) in PIPELINES.items():
            for order, name in enumerate(stages, 1):
                self.add(
                    "sales_cycle",
                    sales_cycle_name=name,
                    sales_cycle_active_status="1",
                    sales_cycle_order=str(order),
                    likelihood_to_close=str(min(100, order * 25)),
                    contact_type=contact_type,
                    contact_type_name=type_name,
                )
        for name in TAGS:
            self.add("tag", tag_name=name)
        for key, name, ftype, options in CUSTOM_FIELDS:
            self.add(
                "custom_field",
                field_key=key,
                field_name=name,
                field_type=ftype,
                options=options,
                applies_to="client",
            )
        self.users = [u["user_id"] for u in self.t["user"]]
        self.sources = [s["lead_source_id"] for s in self.t["lead_source"]]

    def _client(self):
        fake, rng = self.fake, self.rng
        contact_type = rng.choice(["1", "1", "2", "2", "2"])
        cycles = [
            c["sales_cycle_id"]
            for c in self.t["sales_cycle"]
            if c["contact_type"] == contact_type
        ]
        created = self.moment(700)
        first, last = fake.first_name(), fake.last_name()
        client = self.add(
            "client",
            firstName=first,
            lastName=last,
            compName=fake.company() if rng.random() < 0.2 else "",
            address=fake.street_address(),
            city=fake.city(),
            state=fake.state_abbr(),
            zip=fake.zipcode(),
            email=f"{first}.{last}@{fake.free_email_domain()}".lower(),
            phone=fake.numerify("##########"),
            whiteboard=fake.sentence() if rng.random() < 0.4 else "",
            deal_size=str(rng.choice([0, 4500, 8200, 12500, 23000])),
            clients_action_plan="",
            clients_sales_cycle=rng.choice(cycles),
            clients_lead_source=rng.choice(self.sources),
            created=stamp(created),
            last_modified_date=stamp(created + timedelta(days=rng.randint(0, 90))),
            contact_type=contact_type,
            assigned_user=rng.choice(self.users),
            external_id="",
            tags=", ".join(rng.sample(TAGS, rng.randint(0, 2))),
            cf_roof_type=rng.choice(CUSTOM_FIELDS[0][3]),
            cf_home_built=str(rng.randint(1950, 2020)),
            cf_interests=",".join(rng.sample(CUSTOM_FIELDS[2][3], rng.randint(1, 2))),
            cf_hoa=fake.last_name() + " HOA" if rng.random() < 0.2 else "",
        )
        for _ in range(rng.randint(0, 4)):
            self.add(
                "note",
                client_id=client["client_id"],
                note=fake.paragraph(nb_sentences=2),
                note_type=rng.choice(["Note", "Email", "SMS", "Call"]),
                created=stamp(created + timedelta(days=rng.randint(1, 60))),
                created_by=rng.choice(self.users),
            )
        if rng.random() < 0.5:
            self.add(
                "call_log",
                client_id=client["client_id"],
                direction=rng.choice(["inbound", "outbound"]),
                duration_seconds=str(rng.randint(0, 900)),
                disposition=rng.choice(["Answered", "Voicemail", "No Answer"]),
                recording_url="",
                user_id=rng.choice(self.users),
                created=stamp(created + timedelta(hours=rng.randint(1, 48))),
            )
        if rng.random() < 0.3:
            start = created + timedelta(days=rng.randint(2, 20))
            self.add(
                "event",
                client_id=client["client_id"],
                event_type="appt",
                title="Estimate appointment",
                start=stamp(start),
                end=stamp(start + timedelta(hours=1)),
                user_id=rng.choice(self.users),
            )

    def _opportunity(self, client):
        rng = self.rng
        created = datetime.strptime(client["created"], STAMP) + timedelta(days=3)
        self.add(
            "opportunity",
            client_id=client["client_id"],
            firstName=client["firstName"],
            lastName=client["lastName"],
            compName=client["compName"],
            contact_sales_cycle=client["clients_sales_cycle"],
            deal_size=str(rng.choice([3500, 7800, 15000, 27000])),
            created=stamp(created),
            last_modified_date=stamp(created + timedelta(days=rng.randint(0, 60))),
            contact_lead_source=client["clients_lead_source"],
            contact_action_plan="",
            contact_type=client["contact_type"],
            assigned_user=client["assigned_user"],
            expected_close_date=(created + timedelta(days=45)).date().isoformat(),
        )

    def _proposal(self, client):
        rng, fake = self.rng, self.fake
        created = datetime.strptime(client["created"], STAMP) + timedelta(days=5)
        lines = []
        for number in range(1, rng.randint(2, 5)):
            quantity = rng.choice([1, 10, 25])
            price = round(rng.uniform(20, 900), 2)
            lines.append(
                {
                    "line_id": self.emu._id(),
                    "line_number": number,
                    "description": fake.sentence(nb_words=5),
                    "quantity": quantity,
                    "unit_price": price,
                    "total": round(quantity * price, 2),
                }
            )
        proposal = self.add(
            "proposal",
            client_id=client["client_id"],
            title=f"Proposal for {client['firstName']} {client['lastName']}",
            status=rng.choice(["Draft", "Sent", "Accepted", "Declined"]),
            total=round(sum(line["total"] for line in lines), 2),
            created=stamp(created),
            last_modified_date=stamp(created + timedelta(days=2)),
            lines=lines,
        )
        if proposal["status"] == "Accepted":
            self.add(
                "work_order",
                client_id=client["client_id"],
                proposal_id=proposal["proposal_id"],
                title=f"Install - {client['address']}",
                status=rng.choice(["Scheduled", "In Progress", "Completed"]),
                scheduled_date=(created + timedelta(days=20)).date().isoformat(),
                assigned_user=rng.choice(self.users),
                created=stamp(created + timedelta(days=3)),
                last_modified_date=stamp(created + timedelta(days=4)),
            )

    def _automations(self):
        fake = self.fake
        for number in range(3):
            self.add(
                "email_template",
                template_name=f"Follow-up {number + 1}",
                subject=fake.sentence(nb_words=5),
                body=fake.paragraph(),
            )
        templates = [t["template_id"] for t in self.t["email_template"]]
        self.add(
            "email_sequence",
            sequence_name="New lead nurture",
            steps=[
                {"step": n + 1, "delay_days": n * 3, "template_id": template}
                for n, template in enumerate(templates)
            ],
        )
        for group in ("Lead nurture", "Post-sale"):
            self.add(
                "action_plan_group",
                group_name=group,
                action_plans=[
                    {
                        "action_plan_id": self.emu._id(),
                        "action_plan_name": f"{group} {n}",
                    }
                    for n in (1, 2)
                ],
            )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--franchises", type=int, default=2)
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="KIND[:AT[:TIMES]]",
        help="inject a fault, e.g. 429:3:2 or expired:10",
    )
    args = parser.parse_args(argv)
    faults = [
        Fault(kind, *(int(x) for x in rest))
        for kind, *rest in (spec.split(":") for spec in args.fault)
    ]
    emulator = ClientTetherEmulator(
        args.seed, args.size, args.franchises, port=args.port, faults=faults
    )
    emulator.start()
    print(f"ClientTether emulator on {emulator.url}  (GET {emulator.url}/v2/api/...)")
    print(f"X-Access-Token: {emulator.access_token}")
    for label, key in emulator.web_keys.items():
        print(f"X-Web-Key ({label}): {key}")
    counts = {t: len(rows) for t, rows in emulator.tables["HQ"].items()}
    print(f"records per account: {json.dumps(counts)}")
    print("Ctrl-C to stop.", flush=True)
    emulator.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
