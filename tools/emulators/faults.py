# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The HTTP server every emulator runs on, with its request log and fault injection.

An emulator subclasses :class:`EmulatorServer` and answers :meth:`handle`. The server
binds 127.0.0.1 only (port 0: a free one), runs in a thread, and is a context
manager::

    with JobTreadEmulator(seed=1, faults=[Fault("429", at=2)]) as emu:
        ...  # emu.url, emu.requests

Faults (:class:`Fault`) hit the requests whose path contains ``path`` (all when
empty), counted from 1 per fault: the ones numbered ``at`` to ``at + times - 1``.

- ``429``: Too Many Requests, with ``Retry-After: <retry_after>`` when it is set (a
  number of seconds, or any string, e.g. an HTTP date);
- ``500``: Internal Server Error;
- ``hang``: waits ``hang`` seconds before answering (past the client's timeout);
- ``cut``: announces the whole body, sends half of it, closes the connection;
- ``drop``: closes the connection without answering;
- ``expired``: from request ``at`` on, the key is expired for good (``times``
  ignored); the platform decides how it says so (:meth:`EmulatorServer.expired`).
"""

import json
import logging
import threading
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

_logger = logging.getLogger(__name__)

FAULT_KINDS = ("429", "500", "hang", "cut", "drop", "expired")


@dataclass
class Fault:
    """One fault to inject (see the module docstring)."""

    kind: str
    at: int = 1
    times: int = 1
    path: str = None
    retry_after: object = None
    hang: float = 2.0
    seen: int = field(default=0, init=False, repr=False)

    def __post_init__(self):
        self.kind = str(self.kind)
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {self.kind!r}; one of {FAULT_KINDS}")

    def hits(self, path):
        """Count this request if it matches; whether the fault hits it."""
        if self.path and self.path not in path:
            return False
        self.seen += 1
        if self.kind == "expired":
            return self.seen >= self.at
        return self.at <= self.seen < self.at + self.times


@dataclass
class Recorded:
    """One request the emulator received, as it came."""

    method: str
    path: str
    query: dict
    headers: dict
    body: bytes
    fault: str = None

    @property
    def json(self):
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None


class EmulatorServer:
    """A platform emulator: a threaded HTTP server on 127.0.0.1.

    :param port: the port (``0``: a free one, see :attr:`url` once started)
    :param faults: :class:`Fault` objects to inject (more with :meth:`add_fault`)
    """

    def __init__(self, port=0, faults=()):
        self.port = port
        self.faults = list(faults)
        self.requests = []
        self.errors = []
        self.expired_key = False
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._server = None
        self._thread = None

    # ------------------------------------------------------------ lifecycle
    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        handler = type("Handler", (_Handler,), {"emulator": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{type(self).__name__}:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self):
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def wait(self):
        """Serve in the foreground until Ctrl-C, then stop (the command line)."""
        try:
            self._thread.join()
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    # ------------------------------------------------------------ faults
    def add_fault(self, kind, **options):
        """Add a :class:`Fault`; returns it."""
        fault = Fault(kind, **options)
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self):
        with self._lock:
            self.faults.clear()
            self.expired_key = False

    def requests_to(self, path_part):
        """The recorded requests whose path contains ``path_part``."""
        return [r for r in self.requests if path_part in r.path]

    # ------------------------------------------------------------ platform
    def handle(self, request):
        """Answer a request: ``(status, headers, body bytes)``; override."""
        raise NotImplementedError

    def expired(self, request):
        """The answer to a request made with an expired key; override."""
        return 401, {"Content-Type": "text/plain"}, b"Key expired"

    # ------------------------------------------------------------ internals
    def _answer(self, request):
        with self._lock:
            hit = [f for f in self.faults if f.hits(request.path)]
            for fault in hit:
                if fault.kind == "expired":
                    self.expired_key = True
            request.fault = ",".join(f.kind for f in hit) or None
            self.requests.append(request)
            expired = self.expired_key
        kinds = {f.kind: f for f in hit}
        if "hang" in kinds:
            self._stopping.wait(kinds["hang"].hang)
        if "drop" in kinds:
            return None, kinds
        if "429" in kinds:
            headers = {"Content-Type": "text/plain"}
            if kinds["429"].retry_after is not None:
                headers["Retry-After"] = str(kinds["429"].retry_after)
            return (429, headers, b"Too Many Requests"), kinds
        if "500" in kinds:
            return (
                500,
                {"Content-Type": "text/plain"},
                b"Internal Server Error",
            ), kinds
        if expired and not request.path.startswith("/files/"):
            return self.expired(request), kinds
        try:
            with self._lock:
                return self.handle(request), kinds
        except Exception:  # an emulator bug: answer 500, keep it for the tests
            self.errors.append(traceback.format_exc())
            _logger.exception("emulator error")
            return (500, {"Content-Type": "text/plain"}, b"emulator error"), kinds


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    emulator = None

    def log_message(self, fmt, *args):
        _logger.debug("%s %s", self.address_string(), fmt % args)

    def do_GET(self):
        self._serve()

    do_POST = do_DELETE = do_PUT = do_GET

    def _serve(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        query = {
            k: v[0] if len(v) == 1 else v
            for k, v in parse_qs(parts.query, keep_blank_values=True).items()
        }
        request = Recorded(
            self.command, parts.path, query, dict(self.headers.items()), body
        )
        answer, kinds = self.emulator._answer(request)
        try:
            if answer is None:
                self.close_connection = True
                return
            status, headers, payload = answer
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            if "cut" in kinds:
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(payload[: len(payload) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up
            self.close_connection = True


def json_answer(status, payload):
    """``(status, headers, body)`` for a JSON payload."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    return status, {"Content-Type": "application/json"}, body


def text_answer(status, text):
    return status, {"Content-Type": "text/plain; charset=utf-8"}, text.encode()
