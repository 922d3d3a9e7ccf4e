# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""HTTP clients of the source platforms' APIs (pure Python, no ORM).

``http`` holds the shared base (timeouts, retries, pacing, plain errors, redaction);
one module per platform speaks its protocol on top of it.
"""

from . import http
from . import jobtread
from . import clienttether
