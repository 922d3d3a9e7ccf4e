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


class SourceStructureError(MigrationError):
    """A file reads, but misses what the platform's export must have (a column...)."""


class MappingError(MigrationError):
    """The field map cannot be used as it stands (unknown field, unconfirmed map...)."""
