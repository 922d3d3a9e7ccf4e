# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A pytest plugin of scripts/test.sh (``-p pytest_worker_filestore``), for
its test processes.

With pytest-xdist (``scripts/test.sh`` runs two processes), pytest-odoo gives each
worker its own copy of the database (``createdb -T``) but points every copy at the
original database's file store. Odoo's file store is shared by content: two
databases that hold the same file (an uploaded sample) share its path, and when a
test of one worker rolls back, Odoo's garbage collection of the file store deletes
the file the other worker's database still holds ("The file sample.zip is empty").
A database snapshot (``migration.snapshot``) would also copy a file store into
itself. So each worker gets a file store of its own: hard links to the original's
files (Odoo never rewrites a stored file, it writes a new one), removed afterwards.
"""

import os
import shutil
from unittest import mock

import pytest

import odoo


@pytest.fixture(scope="session", autouse=True)
def own_filestore_per_worker(load_registry):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    config = odoo.tools.config
    if not worker or not isinstance(config.filestore, mock.Mock):
        yield
        return
    root = os.path.join(config["data_dir"], "filestore")
    database = config["db_name"]
    original = os.path.join(root, database.removesuffix(f"-{worker}"))
    own = os.path.join(root, database)
    shutil.rmtree(own, ignore_errors=True)
    if os.path.isdir(original):
        shutil.copytree(original, own, copy_function=os.link)
    config.filestore.side_effect = lambda name: os.path.join(root, name)
    try:
        yield
    finally:
        config.filestore.side_effect = None
        shutil.rmtree(own, ignore_errors=True)
