# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Emulators of the source platforms' APIs, for tests and trying the clients by hand.

Small HTTP servers on 127.0.0.1 over seeded generated data, with fault injection
(see ``faults``). They are written from the public facts in the source reference,
not from the vendors' servers: where a fact is missing, the module says ASSUMED.
"""

from .faults import EmulatorServer, Fault
from .jobtread import JobTreadEmulator
from .clienttether import ClientTetherEmulator
