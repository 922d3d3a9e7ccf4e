# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The HTTP client base shared by every platform read over its API.

What it does for every call, so that a platform client only speaks its protocol:

- one ``requests.Session`` (connection reuse), a ``(connect, read)`` timeout on every
  request;
- a client-side pace: at least ``1 / rate`` seconds between two requests (3 per second
  by default, as public connectors do for platforms that publish no limit);
- retries with exponential backoff and jitter on 429 (``Retry-After`` honoured, in
  seconds or as an HTTP date), 5xx, timeouts, connection errors and answers cut off
  mid-way (``Content-Length`` not met, JSON that does not parse). A cut-off answer is
  retried, never read as a short page;
- errors raised as :class:`ApiError` subclasses whose message is a plain sentence for
  the Odoo administrator; the credentials never appear in a message, a log line or a
  ``repr`` (:func:`redact`).

Retries are an explicit loop rather than urllib3's ``Retry``: the loop also retries
bodies cut off after the headers (which urllib3 1.26 does not see), and it sleeps
through an injectable ``sleep`` so that tests do not wait.
"""

import email.utils
import json
import logging
import random
import threading
import time
from datetime import timezone
from urllib.parse import quote, quote_plus

import requests
from requests.adapters import HTTPAdapter

from ..exceptions import MigrationError

_logger = logging.getLogger(__name__)

REDACTED = "[redacted]"
DEFAULT_TIMEOUT = (10.0, 60.0)
DEFAULT_RATE = 3.0


def redact(text, secrets):
    """``text`` with every secret, raw or URL/JSON-escaped, replaced by a marker.

    :param text: any value; ``None`` stays ``None``, anything else becomes a string
    :param secrets: the strings that must not show (empty ones are ignored)
    """
    if text is None:
        return None
    text = str(text)
    forms = set()
    for secret in secrets:
        if secret:
            forms.update(
                {secret, quote(secret, safe=""), quote_plus(secret)}
                | {json.dumps(secret)[1:-1]}
            )
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, REDACTED)
    return text


class ApiError(MigrationError):
    """A platform's API cannot be read, for a reason the admin can act on.

    ``message`` is the sentence shown to the admin; ``detail`` is the technical
    reason (redacted), for the log; ``status`` the HTTP status, when there was one.
    """

    def __init__(self, message, *, detail=None, status=None):
        super().__init__(message)
        self.detail = detail
        self.status = status

    def __repr__(self):
        return f"{type(self).__name__}({self.message!r})"


class InvalidKeyError(ApiError):
    """The key (token, grant) was refused: wrong, revoked or missing."""


class ExpiredKeyError(ApiError):
    """The key was valid once and has expired."""


class AccountAccessError(ApiError):
    """The key is valid but gives no access to the account or organization asked."""


class UnreachableError(ApiError):
    """The platform could not be reached (refused, timed out), retries spent."""


class RateLimitError(ApiError):
    """The platform kept answering "too many requests", retries spent."""


class ServiceError(ApiError):
    """The platform kept failing (5xx, answers cut off or not JSON), retries spent."""


class RequestError(ApiError):
    """The platform refused a request as such (4xx): a bug, or the API changed."""


class RetryableError(Exception):
    """A failure worth retrying (internal: never leaves :meth:`ApiClient._request`).

    ``kind`` (rate, timeout, connection, server, incomplete) picks the
    :class:`ApiError` raised once the retries are spent.
    """

    def __init__(self, kind, detail, retry_after=None, status=None):
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.retry_after = retry_after
        self.status = status


class ApiClient:
    """Base of the platform clients: transport, pace, retries, plain errors.

    A subclass sets :attr:`platform` and :attr:`default_root`, gives its credentials
    to :meth:`_secret_values`, and may override :meth:`_http_error` (how the platform
    says "bad key") and :meth:`_check_payload` (errors inside a 200 answer).

    :param root: the API root URL (``default_root`` when empty)
    :param timeout: ``(connect, read)`` seconds, or one number for both
    :param retries: retries after the first attempt of one request
    :param backoff: first backoff in seconds, doubled at each retry (with jitter)
    :param max_backoff: cap of one backoff
    :param max_retry_after: cap of a wait asked by ``Retry-After``
    :param rate: at most this many requests per second (``0``/``None``: no pace)
    :param session: a ``requests.Session`` to use instead of a new one
    :param sleep: ``time.sleep`` replacement (tests)
    :param clock: monotonic clock for the pace (tests)
    :param wall_clock: epoch-seconds clock for HTTP-date ``Retry-After`` (tests)
    :param rng: ``random.Random`` for the jitter (tests)
    """

    platform = "the platform"
    default_root = ""
    #: where the admin finds a (new) key, ending the key errors' messages
    key_help = ""

    def __init__(
        self,
        root=None,
        *,
        timeout=DEFAULT_TIMEOUT,
        retries=5,
        backoff=1.0,
        max_backoff=60.0,
        max_retry_after=300.0,
        rate=DEFAULT_RATE,
        session=None,
        sleep=time.sleep,
        clock=time.monotonic,
        wall_clock=time.time,
        rng=None,
    ):
        self.root = (root or self.default_root).rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.min_interval = 1.0 / rate if rate else 0.0
        self.request_count = 0
        self._session = session or self._new_session()
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock
        self._rng = rng or random.Random()
        self._pace_lock = threading.Lock()
        self._next_slot = None

    def __repr__(self):
        return f"<{type(self).__name__} {self.root}>"

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        self._session.close()

    # ------------------------------------------------------------------ hooks
    def _secret_values(self):
        """The credentials to hide from messages and logs; override."""
        return ()

    def _http_error(self, response, text, context):
        """The exception for a 4xx answer (429 excepted); override for key errors."""
        if response.status_code == 401:
            return self._invalid_key(text)
        if response.status_code == 403:
            return self._no_access(text, context)
        return self._rejected(f"HTTP {response.status_code}: {text}", response)

    def _check_payload(self, payload, context):
        """Raise for an error carried by a 2xx answer; return what the caller gets."""
        return payload

    # ----------------------------------------------------------- messages
    def _invalid_key(self, detail):
        return InvalidKeyError(
            f"{self.platform} refused the API key. Check that it was copied in full "
            f"and that it has not been revoked. {self.key_help}",
            detail=self.redact(detail),
        )

    def _expired_key(self, detail):
        return ExpiredKeyError(
            f"The {self.platform} API key has expired. {self.key_help}",
            detail=self.redact(detail),
        )

    def _no_access(self, detail, context):
        return AccountAccessError(
            f"The {self.platform} API key has no access to this account. Use a key "
            "created in the account you want to migrate.",
            detail=self.redact(detail),
        )

    def _rejected(self, detail, response=None):
        detail = self.redact(detail)
        return RequestError(
            f"{self.platform} refused a request of the migration ({detail[:200]}). "
            "Its API may have changed: report this to the migration tool's "
            "maintainers.",
            detail=detail,
            status=response.status_code if response is not None else None,
        )

    def _give_up(self, err, attempts):
        """The plain error once a transient failure outlived every retry."""
        later = "try again later: the migration resumes where it stopped."
        detail = self.redact(err.detail)
        if err.kind == "rate":
            return RateLimitError(
                f"{self.platform} kept answering that too many requests were sent "
                f"({attempts} attempts). Wait a few minutes, then {later}",
                detail=detail,
                status=429,
            )
        if err.kind in ("timeout", "connection"):
            why = "timed out" if err.kind == "timeout" else "was refused"
            return UnreachableError(
                f"Could not reach {self.platform} at {self.root}: the connection "
                f"{why} ({attempts} attempts). Check this server's internet access, "
                f"or {later}",
                detail=detail,
            )
        if err.kind == "server":
            return ServiceError(
                f"{self.platform} kept failing with a server error ({detail}, "
                f"{attempts} attempts). This is on {self.platform}'s side: {later}",
                detail=detail,
                status=err.status,
            )
        return ServiceError(
            f"{self.platform}'s answers kept arriving incomplete ({attempts} "
            f"attempts). The connection may be unstable: {later}",
            detail=detail,
            status=err.status,
        )

    # ------------------------------------------------------------ helpers
    def redact(self, text):
        """``text`` without this client's credentials."""
        return redact(text, self._secret_values())

    def _log(self, level, msg, *args):
        _logger.log(level, "%s", self.redact(msg % args if args else msg))

    @staticmethod
    def _new_session():
        session = requests.Session()
        adapter = HTTPAdapter(max_retries=0)  # the retries are _request()'s loop
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        session.headers["User-Agent"] = "flitstack-migration"
        return session

    def _pace(self):
        if not self.min_interval:
            return
        with self._pace_lock:
            now = self._clock()
            if self._next_slot is not None and self._next_slot > now:
                self._sleep(self._next_slot - now)
                now = self._next_slot
            self._next_slot = now + self.min_interval

    def _retry_after(self, value):
        """Seconds asked by a ``Retry-After`` header (seconds or HTTP date), or None."""
        value = (value or "").strip()
        if not value:
            return None
        if value.isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        return max(0.0, when.timestamp() - self._wall_clock())

    def _wait(self, err, attempt):
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        if err.retry_after is not None:
            return min(err.retry_after, self.max_retry_after)
        delay = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        return delay / 2 + self._rng.uniform(0, delay / 2)

    # ------------------------------------------------------------ transport
    def _request(
        self,
        method,
        path,
        *,
        params=None,
        json_body=None,
        headers=None,
        context=None,
        raw=False,
    ):
        """One API call, retried; returns the decoded JSON answer.

        :param path: path under :attr:`root`, or an absolute URL (a file's)
        :param context: anything the hooks need to word their errors
        :param raw: return the answer's bytes, not its JSON (a file)
        :raises ApiError: a subclass, with a plain message
        """
        if path.startswith(("http://", "https://")):
            url = path
        else:
            url = f"{self.root}/{path.lstrip('/')}"
        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                return self._attempt(
                    method, url, params, json_body, headers, context, raw
                )
            except RetryableError as err:
                if attempt == attempts:
                    raise self._give_up(err, attempts) from None
                wait = self._wait(err, attempt)
                self._log(
                    logging.WARNING,
                    "%s %s: %s; retry %d of %d in %.2f s",
                    method,
                    path,
                    err.detail,
                    attempt,
                    self.retries,
                    wait,
                )
                self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def download(self, url):
        """The bytes of a file the API links to (its absolute URL), with the same
        pace, retries and cut-off checks as any call; no credential is added."""
        return self._request("GET", url, raw=True)

    def _attempt(self, method, url, params, json_body, headers, context, raw=False):
        self._pace()
        self.request_count += 1
        try:
            response = self._session.request(
                method,
                url,
                params=params,
                json=json_body,
                headers=headers,
                timeout=self.timeout,
            )
        except requests.Timeout:
            raise RetryableError("timeout", "the request timed out") from None
        except (
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ):
            raise RetryableError("incomplete", "the answer was cut off") from None
        except (
            requests.exceptions.InvalidURL,
            requests.exceptions.MissingSchema,
            requests.exceptions.InvalidSchema,
        ):
            raise UnreachableError(
                f'The {self.platform} address "{self.root}" is not a valid URL.'
            ) from None
        except requests.ConnectionError:
            raise RetryableError("connection", "the connection failed") from None
        return self._read(response, context, raw)

    def _read(self, response, context, raw=False):
        status = response.status_code
        if status == 429:
            raise RetryableError(
                "rate",
                "too many requests (HTTP 429)",
                retry_after=self._retry_after(response.headers.get("Retry-After")),
                status=429,
            )
        if status >= 500:
            raise RetryableError("server", f"HTTP {status}", status=status)
        self._check_complete(response)
        if raw and status < 400:
            return response.content
        text = response.content.decode("utf-8", "replace")
        if status >= 400:
            raise self._http_error(response, text.strip()[:500], context)
        try:
            payload = json.loads(text)
        except ValueError:
            raise RetryableError(
                "incomplete", "the answer is not complete JSON", status=status
            ) from None
        return self._check_payload(payload, context)

    @staticmethod
    def _check_complete(response):
        """Raise a transient failure when fewer bytes came than announced."""
        expected = response.headers.get("Content-Length", "")
        if not expected.strip().isdigit():
            return
        received = None
        tell = getattr(response.raw, "tell", None)
        if callable(tell):
            try:
                received = int(tell())
            except (TypeError, ValueError, OSError):
                received = None
        if received is None or (received == 0 and response.content):
            if response.headers.get("Content-Encoding", "identity") != "identity":
                return
            received = len(response.content)
        if received < int(expected):
            raise RetryableError(
                "incomplete",
                f"the answer was cut off ({received} of {expected} bytes)",
                status=response.status_code,
            )
