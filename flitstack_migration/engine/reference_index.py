# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Indexes a rollback makes for its own deletions, and drops again.

For every row deleted from a table, PostgreSQL looks for the rows of every other
table whose foreign key points at it (to refuse the deletion, set the key to null,
or delete them too): one query per deleted row and per key. Odoo leaves many of
those columns without an index (``project_task.sale_order_id`` and
``project_task.partner_id``, ``sale_order.opportunity_id``,
``account_move.commercial_partner_id``...), and each of those queries then reads
the whole referencing table: deleting n quotations from a database of m tasks
reads n × m rows. Measured on a benchmark of 99,869 migrated records (30,000
tasks), that made the rollback of 5,000 quotations take 44 s and of 11,463
customers 63 s.

So, before a rollback deletes many rows of a table, the keys into it (and into the
tables its deletions cascade to) that have no index get one, in the rollback's own
transaction; they are dropped at its end. Nothing of them stays: a rollback that
fails takes them away with the rest of its transaction. While they exist, other
transactions' writes to those tables wait (``CREATE INDEX`` locks the table against
writes): a rollback is an administrator's operation, best run while nobody works.
"""

import logging

from odoo.tools import SQL
from odoo.tools.sql import create_index, drop_index

_logger = logging.getLogger(__name__)

#: Rows deleted from a table from which the keys into it are worth an index: below
#: it, a few reads of the referencing tables cost less than building indexes.
MIN_ROWS = 200

#: Prefix of the indexes' names (one per foreign key: its constraint's oid).
PREFIX = "flitstack_rollback_fk_"


def _cascades(cr, tables):
    """``tables`` and every table their deletions cascade to, at any depth."""
    found = set(tables)
    todo = set(tables)
    while todo:
        cr.execute(
            SQL(
                """
                SELECT DISTINCT c.conrelid::regclass::text
                  FROM pg_constraint c
                 WHERE c.contype = 'f' AND c.confdeltype = 'c'
                   AND c.confrelid = ANY(%s::regclass[])
                """,
                sorted(todo),
            )
        )
        todo = {name.strip('"') for (name,) in cr.fetchall()} - found
        found |= todo
    return found


def unindexed_keys(cr, tables):
    """``[(constraint oid, referencing table, column)]`` of the single-column
    foreign keys into ``tables`` whose column starts no index."""
    if not tables:
        return []
    cr.execute(
        SQL(
            """
            SELECT c.oid, cl.relname, a.attname
              FROM pg_constraint c
              JOIN pg_class cl ON cl.oid = c.conrelid
              JOIN pg_attribute a ON a.attrelid = c.conrelid
                                 AND a.attnum = c.conkey[1]
             WHERE c.contype = 'f' AND array_length(c.conkey, 1) = 1
               AND c.confrelid = ANY(%s::regclass[])
               AND NOT EXISTS (
                    SELECT 1 FROM pg_index i
                     WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1]
               )
             ORDER BY c.oid
            """,
            sorted(tables),
        )
    )
    return cr.fetchall()


def index_references(cr, counts):
    """Index the keys into the tables a rollback deletes many rows from.

    :param counts: ``{table: rows to delete}``
    :returns: ``[(index name, table)]`` of the indexes made, for :func:`drop`
    """
    tables = _cascades(cr, {t for t, n in counts.items() if n >= MIN_ROWS})
    made = []
    for oid, table, column in unindexed_keys(cr, tables):
        name = f"{PREFIX}{oid}"
        create_index(cr, name, table, [SQL.identifier(column).code])
        made.append((name, table))
    if made:
        _logger.info(
            "Rollback: %d keys indexed for the time of the rollback", len(made)
        )
    return made


def drop(cr, made):
    """Drop the indexes :func:`index_references` made."""
    for name, table in made:
        drop_index(cr, name, table)
