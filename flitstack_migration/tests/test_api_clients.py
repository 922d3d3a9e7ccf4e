# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""API clients against the emulators: request contracts, faults, resume, plain errors.

No database: plain functions. The emulators live in ``tools/emulators`` at the root
of the repository, put on ``sys.path`` here. Sleeps go through a fake clock, so
retries cost no time; the hang case uses a 0.2 s read timeout.
"""

import importlib
import logging
import random
import socket
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import replace
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from ..clients import http
from ..clients.clienttether import ClientTetherClient
from ..clients.jobtread import JobTreadClient, OrganizationChoiceError

REPO_ROOT = Path(__file__).resolve().parents[2]


def _import_emulators():
    """``tools.emulators``, from the root of the repository."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    return importlib.import_module("tools.emulators")


emulators = _import_emulators()
ClientTetherEmulator = emulators.ClientTetherEmulator
JobTreadEmulator = emulators.JobTreadEmulator
Fault = emulators.Fault

JOB_FIELDS = {"name": {}, "createdAt": {}}
HTTP_DATE = "Wed, 21 Oct 2026 07:28:00 GMT"
HTTP_DATE_EPOCH = parsedate_to_datetime(HTTP_DATE).timestamp()

# (fault, seconds a retry must have waited: None for "any backoff")
FAULTS = {
    "429": (Fault("429", at=2, times=2), None),
    "429 Retry-After seconds": (Fault("429", at=2, retry_after=7), 7.0),
    "429 Retry-After date": (Fault("429", at=3, retry_after=HTTP_DATE), 4.0),
    "500": (Fault("500", at=2, times=3), None),
    "hang past the timeout": (Fault("hang", at=2, hang=1.0), None),
    "body cut off": (Fault("cut", at=2), None),
    "connection dropped": (Fault("drop", at=3), None),
}


class FakeTime:
    """Records sleeps and advances a monotonic clock by them, without waiting."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds

    def monotonic(self):
        return self.now


def _options(clock, **options):
    defaults = {
        "sleep": clock.sleep,
        "clock": clock.monotonic,
        "wall_clock": lambda: HTTP_DATE_EPOCH - 4,
        "rng": random.Random(0),
        "rate": 0,
        "timeout": (2.0, 0.2),
    }
    return {**defaults, **options}


def jt_client(emu, clock=None, key=None, **options):
    return JobTreadClient(
        key or emu.grant_key, emu.url, **_options(clock or FakeTime(), **options)
    )


def ct_client(emu, clock=None, web_keys=None, token=None, **options):
    return ClientTetherClient(
        token or emu.access_token,
        web_keys or emu.web_keys,
        emu.url,
        **_options(clock or FakeTime(), **options),
    )


def emulator_jobs(emu):
    return {r["id"] for r in emu.records["job"].values()}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ============================================================== JobTread
def test_jobtread_request_contract_and_paging():
    with JobTreadEmulator(seed=1) as emu:
        client = jt_client(emu, page_size=15)
        assert client.organizations() == [
            {
                "id": emu.organization_ids[0],
                "name": emu.records["organization"][emu.organization_ids[0]]["name"],
            }
        ]
        read = list(client.iter_nodes("jobs", JOB_FIELDS))
    ids = [node["id"] for node, _page in read]
    assert sorted(ids) == sorted(emulator_jobs(emu)) and len(ids) == 40
    created = [node["createdAt"] for node, _page in read]
    assert created == sorted(created)
    pages = [r for r in emu.requests if "organization" in r.json["query"]]
    assert len(pages) == 3
    sent = []
    for request in pages:
        assert request.method == "POST" and request.path == "/pave"
        assert request.headers["Content-Type"] == "application/json"
        assert emu.grant_key not in str(request.headers) + str(request.query)
        query = request.json["query"]
        assert query["$"] == {"grantKey": emu.grant_key}
        org = query["organization"]
        assert org["$"] == {"id": emu.organization_ids[0]}
        args = org["jobs"]["$"]
        assert args["size"] == 15
        assert args["sortBy"] == [{"field": "createdAt"}]
        assert org["jobs"]["nextPage"] == {}
        assert org["jobs"]["nodes"] == {"id": {}, **JOB_FIELDS}
        sent.append(args.get("page"))
    # the first page is asked without a cursor, the next ones with nextPage's
    assert sent[0] is None and all(sent[1:]) and len(set(sent)) == 3
    # each node comes with the cursor of its page
    assert [page for _node, page in read][::15] == sent


def test_jobtread_several_organizations_let_the_caller_choose():
    with JobTreadEmulator(seed=2, organizations=2) as emu:
        client = jt_client(emu)
        with pytest.raises(OrganizationChoiceError) as err:
            next(client.iter_nodes("jobs", JOB_FIELDS))
        found = sorted(o["id"] for o in err.value.organizations)
        assert found == sorted(emu.organization_ids)
        assert "several organizations" in err.value.message
        second = emu.organization_ids[1]
        client.organization_id = second
        jobs = [node["id"] for node, _page in client.iter_nodes("jobs", JOB_FIELDS)]
        assert {emu.records["job"][i]["organizationId"] for i in jobs} == {second}
        client.organization_id = "22NNOTMINE000"
        with pytest.raises(http.AccountAccessError, match="22NNOTMINE000"):
            next(client.iter_nodes("jobs", JOB_FIELDS))


def test_jobtread_contacts_custom_fields_and_document_lines():
    values = {"nodes": {"value": {}, "customField": {"name": {}, "type": {}}}}
    with JobTreadEmulator(seed=3) as emu:
        client = jt_client(emu, page_size=100)
        contacts = [
            node
            for node, _page in client.iter_nodes(
                "contacts", {"name": {}, "customFieldValues": values}
            )
        ]
        jobs = [
            node
            for node, _page in client.iter_nodes("jobs", {"customFieldValues": values})
        ]
        documents = [
            node
            for node, _page in client.iter_nodes(
                "documents",
                {"type": {}, "price": {}, "costItems": {"nodes": {"price": {}}}},
                where=["type", "in", ["customerOrder", "customerInvoice"]],
            )
        ]
    assert len(contacts) == len(emu.records["contact"])
    for contact in contacts:
        names = {
            v["customField"]["name"] for v in contact["customFieldValues"]["nodes"]
        }
        assert {"Email", "Phone"} <= names
    services = [
        [
            v["value"]
            for v in job["customFieldValues"]["nodes"]
            if v["customField"]["name"] == "Services"
        ]
        for job in jobs
    ]
    assert any(len(chosen) > 1 for chosen in services)  # one row per option
    assert documents and {d["type"] for d in documents} <= {
        "customerOrder",
        "customerInvoice",
    }
    for document in documents:
        lines = document["costItems"]["nodes"]
        assert (
            lines
            and round(sum(line["price"] for line in lines), 2) == document["price"]
        )


@pytest.mark.parametrize("name", list(FAULTS))
def test_jobtread_every_record_once_under_fault(name):
    fault, waited = replace(FAULTS[name][0]), FAULTS[name][1]
    clock = FakeTime()
    with JobTreadEmulator(seed=4, faults=[fault]) as emu:
        client = jt_client(emu, clock, page_size=10, organization_id=None)
        ids = [node["id"] for node, _page in client.iter_nodes("jobs", JOB_FIELDS)]
    assert len(ids) == len(set(ids)) == 40
    assert set(ids) == emulator_jobs(emu)
    assert any(r.fault for r in emu.requests), "the fault did not hit"
    assert clock.sleeps, "no retry waited"
    if waited is not None:
        assert waited in clock.sleeps
    assert not emu.errors


def test_jobtread_resume_from_stored_cursor_after_interruption():
    clock = FakeTime()
    with JobTreadEmulator(seed=5) as emu:
        landed, stored = [], None
        client = jt_client(emu, clock, page_size=10, retries=1)
        emu.add_fault("500", at=4, times=10)  # page 3 (after currentGrant) fails
        with pytest.raises(http.ServiceError, match="server error"):
            for node, page in client.iter_nodes("jobs", JOB_FIELDS):
                landed.append(node["id"])
                stored = (page, node["id"])
        assert len(landed) == 20
        emu.clear_faults()
        resumed = jt_client(
            emu, clock, page_size=10, organization_id=client.organization_id
        )
        landed += [
            node["id"]
            for node, _page in resumed.iter_nodes(
                "jobs", JOB_FIELDS, start_page=stored[0], start_after=stored[1]
            )
        ]
        # interrupted in the middle of a page: resume from its cursor too
        partial = []
        for node, page in jt_client(emu, clock, page_size=10).iter_nodes(
            "jobs", JOB_FIELDS
        ):
            partial.append(node["id"])
            if len(partial) == 14:
                stored = (page, node["id"])
                break
        partial += [
            node["id"]
            for node, _page in jt_client(emu, clock, page_size=10).iter_nodes(
                "jobs", JOB_FIELDS, start_page=stored[0], start_after=stored[1]
            )
        ]
    assert len(landed) == len(set(landed)) == 40
    assert sorted(partial) == sorted(landed)
    assert len(partial) == 40


def test_jobtread_expired_key_half_way_stops_with_plain_message():
    clock = FakeTime()
    with JobTreadEmulator(seed=6, faults=[Fault("expired", at=3)]) as emu:
        client = jt_client(emu, clock, page_size=10)
        landed = []
        with pytest.raises(http.ExpiredKeyError) as err:
            for node, _page in client.iter_nodes("jobs", JOB_FIELDS):
                landed.append(node["id"])
    assert len(landed) == 10
    assert len(emu.requests) == 3  # not retried
    assert err.value.message.startswith("The JobTread API key has expired.")
    assert "Settings > Integrations > API > Grants" in err.value.message
    assert not clock.sleeps


def test_jobtread_bad_key_and_unreachable():
    with JobTreadEmulator(seed=7) as emu:
        with pytest.raises(http.InvalidKeyError, match="JobTread refused the API key"):
            jt_client(emu, key="22-not-the-key").organizations()
        assert len(emu.requests) == 1
    with pytest.raises(http.InvalidKeyError, match="No JobTread API key is set"):
        JobTreadClient("  ")
    clock = FakeTime()
    client = JobTreadClient(
        "22whatever", f"http://127.0.0.1:{free_port()}", **_options(clock, retries=2)
    )
    with pytest.raises(http.UnreachableError) as err:
        client.organizations()
    assert "Could not reach JobTread at http://127.0.0.1:" in err.value.message
    assert "(3 attempts)" in err.value.message
    assert len(clock.sleeps) == 2


def test_jobtread_too_many_requests_after_retries():
    clock = FakeTime()
    with (
        JobTreadEmulator(seed=8, faults=[Fault("429", times=100)]) as emu,
        pytest.raises(http.RateLimitError) as err,
    ):
        jt_client(emu, clock, retries=3).organizations()
    assert len(emu.requests) == 4
    assert "too many requests" in err.value.message
    assert "resumes where it stopped" in err.value.message
    # exponential backoff with jitter: each wait within [d/2, d], d = 1, 2, 4
    for wait, ceiling in zip(clock.sleeps, (1, 2, 4), strict=True):
        assert ceiling / 2 <= wait <= ceiling


def test_jobtread_event_feed_gives_the_delta():
    with JobTreadEmulator(seed=9) as emu:
        client = jt_client(emu, page_size=50)
        assert len(list(client.iter_events())) == len(emu.records["event"])
        since = emu.now()
        job_id = min(emulator_jobs(emu))
        contact_id = min(emu.records["contact"])
        location_id = min(emu.records["location"])
        emu.update("job", job_id, name="Kitchen remodel, phase 2")
        emu.set_custom_field("contact", contact_id, "Email", "new@example.com")
        new_id = emu.create("comment", message="Called the customer", jobId=job_id)
        emu.delete("location", location_id)
        changes = client.changes_since(since)
        assert changes.events == 4
        assert changes.upserted == {
            "job": [job_id],
            "contact": [contact_id],
            "comment": [new_id],
        }
        assert changes.deleted == {"location": {location_id}}
        assert changes.last_event_at == emu.events()[-1]["createdAt"]
        again = client.get_nodes("locations", [location_id], {"name": {}})
        assert again == []
        jobs = client.get_nodes("jobs", [job_id], {"name": {}})
        assert jobs == [{"id": job_id, "name": "Kitchen remodel, phase 2"}]
        request = emu.requests[-1].json["query"]["organization"]["jobs"]["$"]
        assert request["where"] == ["id", "in", [job_id]]
        assert client.changes_since(emu.now()).events == 0


def test_pace_keeps_requests_apart():
    clock = FakeTime()
    with JobTreadEmulator(seed=10) as emu:
        client = jt_client(emu, clock, rate=4, page_size=10)
        list(client.iter_nodes("jobs", JOB_FIELDS))
    assert len(emu.requests) == 5
    assert clock.sleeps == pytest.approx([0.25] * 4)


def test_emulator_is_deterministic_and_runs_by_hand():
    assert JobTreadEmulator(seed=11).records == JobTreadEmulator(seed=11).records
    first, second = ClientTetherEmulator(seed=11), ClientTetherEmulator(seed=11)
    assert first.tables == second.tables and first.web_keys == second.web_keys
    script = REPO_ROOT / "tools" / "emulators" / "jobtread.py"
    process = subprocess.Popen(
        [sys.executable, str(script), "--port", "0", "--seed", "1", "--size", "small"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url_line, key_line = process.stdout.readline(), process.stdout.readline()
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert url_line.startswith("JobTread emulator on http://127.0.0.1:")
    assert key_line.strip() == f"grant key: {JobTreadEmulator(seed=1).grant_key}"


# ============================================================== ClientTether
def test_clienttether_request_contract_and_paging():
    with ClientTetherEmulator(seed=1) as emu:
        client = ct_client(emu, page_size=10)
        read = list(client.iter_clients())
    rows = emu.rows("client")
    assert [row for row, _offset in read] == rows
    assert [offset for _row, offset in read] == list(range(len(rows)))
    requests = emu.requests_to("read_client_list")
    assert [r.query for r in requests] == [
        {"limit": "10", "offset": "0"},
        {"limit": "10", "offset": "10"},
        {"limit": "10", "offset": "20"},
    ]
    for request in requests:
        assert request.method == "GET" and request.path == "/v2/api/read_client_list"
        assert request.headers["X-Access-Token"] == emu.access_token
        assert request.headers["X-Web-Key"] == emu.web_keys["HQ"]
        assert emu.access_token not in request.path + str(request.query)


def test_clienttether_franchise_accounts_each_with_its_web_key():
    with ClientTetherEmulator(seed=2, franchises=2) as emu:
        client = ct_client(emu)
        assert client.accounts == ["HQ", "Franchise 1", "Franchise 2"]
        read = list(client.iter_all_accounts("read_client_list"))
        hierarchy = [row for row, _o in client.iter_list("read_account_list")]
    for label in client.accounts:
        mine = [row["client_id"] for account, row, _o in read if account == label]
        assert mine == [row["client_id"] for row in emu.rows("client", label)]
    used = {r.headers["X-Web-Key"] for r in emu.requests_to("read_client_list")}
    assert used == set(emu.web_keys.values())
    hq = emu.accounts["HQ"]["account_id"]
    assert [a["parent_account_id"] for a in hierarchy] == [None, hq, hq]


def test_clienttether_short_pages_are_not_the_end():
    with ClientTetherEmulator(seed=3, max_limit=7) as emu:
        read = list(ct_client(emu, page_size=10).iter_clients("Franchise 1"))
    assert [row for row, _o in read] == emu.rows("client", "Franchise 1")
    assert [r.query["offset"] for r in emu.requests] == ["0", "7", "14", "21"]


@pytest.mark.parametrize("name", list(FAULTS))
def test_clienttether_every_record_once_under_fault(name):
    fault, waited = replace(FAULTS[name][0]), FAULTS[name][1]
    clock = FakeTime()
    with ClientTetherEmulator(seed=4, faults=[fault]) as emu:
        read = list(ct_client(emu, clock, page_size=5).iter_clients())
    ids = [row["client_id"] for row, _offset in read]
    assert ids == [row["client_id"] for row in emu.rows("client")]
    assert len(set(ids)) == len(ids) == 25
    assert any(r.fault for r in emu.requests), "the fault did not hit"
    if waited is not None:
        assert waited in clock.sleeps
    assert not emu.errors


def test_clienttether_resume_from_stored_offset():
    clock = FakeTime()
    with ClientTetherEmulator(seed=5, faults=[Fault("500", at=3, times=10)]) as emu:
        landed, resume_at = [], 0
        with pytest.raises(http.ServiceError):
            for row, offset in ct_client(
                emu, clock, page_size=10, retries=1
            ).iter_clients():
                landed.append(row["client_id"])
                resume_at = offset + 1
        assert len(landed) == 20
        emu.clear_faults()
        landed += [
            row["client_id"]
            for row, _o in ct_client(emu, clock, page_size=10).iter_clients(
                start_offset=resume_at
            )
        ]
    assert landed == [row["client_id"] for row in emu.rows("client")]


def test_clienttether_key_errors_are_plain():
    clock = FakeTime()
    with ClientTetherEmulator(seed=6, faults=[Fault("expired", at=2)]) as emu:
        landed = []
        with pytest.raises(http.ExpiredKeyError) as err:
            for row, _o in ct_client(emu, clock, page_size=10).iter_clients():
                landed.append(row)
        assert len(landed) == 10 and len(emu.requests) == 2
        assert "The ClientTether API key has expired." in err.value.message
        assert "Settings > API" in err.value.message
        emu.clear_faults()
        with pytest.raises(http.InvalidKeyError, match="ClientTether refused"):
            ct_client(emu, token="eyJwrong").call("read_user_list")
        foreign = ct_client(emu, web_keys={"Boise": emu.foreign_web_key})
        with pytest.raises(http.AccountAccessError, match='account "Boise"'):
            foreign.call("read_user_list")
        with pytest.raises(http.RequestError, match="unknown call"):
            ct_client(emu).call("read_nothing_list")
    with pytest.raises(http.InvalidKeyError, match="web key is missing"):
        ClientTetherClient("token", {"HQ": ""})
    assert not clock.sleeps


def test_clienttether_objects_notes_and_delta():
    with ClientTetherEmulator(seed=7) as emu:
        client = ct_client(emu)
        some = emu.rows("client")[0]
        assert client.client(some["client_id"]) == some
        assert client.client("999999") is None
        notes = [n for n, _o in client.iter_client_notes(some["client_id"])]
        assert notes == [
            n for n in emu.rows("note") if n["client_id"] == some["client_id"]
        ]
        proposals = [p for p, _o in client.iter_list("read_proposal_list")]
        assert proposals and all(p["lines"] for p in proposals)
        assert len(client.action_plans()) == 4
        stages = [s for s, _o in client.iter_sales_cycles()]
        assert {s["contact_type_name"] for s in stages} == {"Prospect", "Client"}
        assert {
            f["field_key"] for f, _o in client.iter_list("read_custom_field_list")
        } <= set(some)
        since = emu.now()
        changed = emu.rows("client")[5]["client_id"]
        emu.update("client", changed, whiteboard="Wants a metal roof")
        new = emu.create("client", firstName="Ann", lastName="Lee")
        emu.delete("client", emu.rows("client")[9]["client_id"])
        modified = [
            r["client_id"]
            for r, _o in client.iter_modified_since("read_client_list", since)
        ]
        assert modified == [changed, new]


# ============================================================== secrets
@contextmanager
def capture_logs():
    records = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = records.append
    loggers = [logging.getLogger(), logging.getLogger(http.__name__)]
    previous = [(lg, lg.level) for lg in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    try:
        yield records
    finally:
        for logger, level in previous:
            logger.removeHandler(handler)
            logger.setLevel(level)


def test_credentials_never_in_messages_logs_or_repr():
    texts = []

    def fail(call):
        with pytest.raises(http.ApiError) as err:
            call()
        error = err.value
        texts.extend([str(error), repr(error), str(error.detail), str(error.args)])

    with capture_logs() as records:
        with JobTreadEmulator(seed=12) as emu:
            key = emu.grant_key
            client = jt_client(emu, retries=1)
            texts.append(repr(client))
            emu.add_fault("429", times=2)
            fail(client.organizations)
            emu.clear_faults()
            emu.add_fault("cut", times=2)
            fail(client.organizations)
            emu.clear_faults()
            fail(jt_client(emu, key=key[:-2]).organizations)  # a prefix of the key
            texts.append(str(client._rejected(f"the server echoed {key}")))
            emu.add_fault("expired")
            fail(client.organizations)
            secrets = [key]
        with ClientTetherEmulator(seed=12) as emu:
            client = ct_client(emu, retries=1)
            texts.append(repr(client))
            emu.add_fault("500", times=2)
            fail(client.iter_users().__next__)
            emu.clear_faults()
            fail(
                ct_client(emu, web_keys={"X": emu.foreign_web_key})
                .iter_users()
                .__next__
            )
            emu.add_fault("expired")
            fail(client.iter_users().__next__)
            secrets += [emu.access_token, emu.foreign_web_key, *emu.web_keys.values()]
        fail(
            lambda: JobTreadClient(
                key,
                f"http://127.0.0.1:{free_port()}",
                **_options(FakeTime(), retries=1),
            ).organizations()
        )
    texts += [record.getMessage() for record in records]
    assert any("retry 1 of 1" in text for text in texts)  # the logs were caught
    assert any("the answer was cut off" in text for text in texts)
    for secret in secrets:
        leaks = [text for text in texts if secret in text or secret[4:-4] in text]
        assert not leaks, leaks


def test_redact_hides_escaped_forms():
    secret = "ab/c+d=e&f"
    text = (
        f"raw {secret} url ab%2Fc%2Bd%3De%26f plus ab%2Fc%2Bd%3De%26f json ab/c+d=e&f"
    )
    assert secret not in http.redact(text, [secret])
    assert "%2F" not in http.redact(text, [secret])
    assert http.redact(None, [secret]) is None
    assert http.redact("nothing", ["", None]) == "nothing"
