# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Exceptions of the migration engine.

They carry a message written for the Odoo administrator running the migration. The
UI and the CLI turn them into a ``UserError`` or a clean error line; nothing catches
them to carry on with partial data.
"""


class MigrationError(Exception):
    """Base class: a migration cannot go on, for a reason the admin can act on."""

    def __init__(self, message, file_name=None, line=None):
        super().__init__(message)
        self.message = message
        self.file_name = file_name
        self.line = line

    def __str__(self):
        return self.message


class SourceFileError(MigrationError):
    """An uploaded export file cannot be read (empty, truncated, not a table...)."""


class SourceLimitError(SourceFileError):
    """An uploaded file goes beyond one of the limits on what an upload may cost.

    ``limit`` is the name of the limit (a field of ``ReadLimits``, e.g.
    ``"max_file_size"``) and ``reason`` the message without the sentence that says
    where to raise it, for a caller (the CLI) that names its own option instead.
    """

    def __init__(self, message, file_name=None, line=None, limit=None, reason=None):
        super().__init__(message, file_name=file_name, line=line)
        self.limit = limit
        self.reason = reason or message


class SourceStructureError(MigrationError):
    """A file reads, but misses what the platform's export must have (a column...)."""


class MappingError(MigrationError):
    """The field map cannot be used as it stands (unknown field, unconfirmed map...)."""
