# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The indexes a rollback makes on the keys into the tables it deletes from, and
drops again (``engine/reference_index.py``)."""

from unittest.mock import patch

from odoo.tests.common import TransactionCase

from ..engine import reference_index
from .common import MigrationCase


def indexes_of(cr, table):
    """``{index name: definition}`` of a table."""
    cr.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table]
    )
    return dict(cr.fetchall())


class TestReferenceIndex(TransactionCase):
    """On tables of the test's own: a parent, a child pointing at it without an
    index (set to null on delete), a child with one, and a grandchild of the
    unindexed child through a cascade, itself unindexed."""

    def setUp(self):
        super().setUp()
        self.cr = self.env.cr
        self.cr.execute(
            """
            CREATE TABLE flitstack_t_parent (id serial PRIMARY KEY);
            CREATE TABLE flitstack_t_child (
                id serial PRIMARY KEY,
                parent_id int REFERENCES flitstack_t_parent ON DELETE CASCADE,
                other_id int REFERENCES flitstack_t_parent ON DELETE SET NULL
            );
            CREATE TABLE flitstack_t_indexed (
                id serial PRIMARY KEY,
                parent_id int REFERENCES flitstack_t_parent ON DELETE SET NULL
            );
            CREATE INDEX flitstack_t_indexed_parent ON flitstack_t_indexed (parent_id);
            CREATE TABLE flitstack_t_grandchild (
                id serial PRIMARY KEY,
                child_id int REFERENCES flitstack_t_child ON DELETE RESTRICT
            );
            """
        )

    def test_keys_without_index_are_found_with_their_column(self):
        keys = reference_index.unindexed_keys(self.cr, {"flitstack_t_parent"})
        self.assertEqual(
            sorted((table, column) for _oid, table, column in keys),
            [("flitstack_t_child", "other_id"), ("flitstack_t_child", "parent_id")],
        )

    def test_many_deletions_index_the_keys_and_those_of_cascaded_tables(self):
        made = reference_index.index_references(
            self.cr, {"flitstack_t_parent": reference_index.MIN_ROWS}
        )
        self.assertEqual(
            sorted(table for _name, table in made),
            ["flitstack_t_child", "flitstack_t_child", "flitstack_t_grandchild"],
        )
        child = indexes_of(self.cr, "flitstack_t_child")
        self.assertEqual(
            sorted(
                d.split("(")[-1]
                for n, d in child.items()
                if n != "flitstack_t_child_pkey"
            ),
            ["other_id)", "parent_id)"],
        )
        self.assertEqual(
            len(indexes_of(self.cr, "flitstack_t_grandchild")),
            2,
            "its key and the pkey",
        )
        self.assertEqual(
            list(indexes_of(self.cr, "flitstack_t_indexed")),
            ["flitstack_t_indexed_pkey", "flitstack_t_indexed_parent"],
            "a key with its own index gets no other",
        )
        # once indexed, nothing is missing any more
        self.assertFalse(
            reference_index.unindexed_keys(self.cr, {"flitstack_t_parent"})
        )
        reference_index.drop(self.cr, made)
        self.assertEqual(
            list(indexes_of(self.cr, "flitstack_t_child")), ["flitstack_t_child_pkey"]
        )
        self.assertEqual(
            list(indexes_of(self.cr, "flitstack_t_grandchild")),
            ["flitstack_t_grandchild_pkey"],
        )

    def test_few_deletions_make_no_index(self):
        made = reference_index.index_references(
            self.cr, {"flitstack_t_parent": reference_index.MIN_ROWS - 1}
        )
        self.assertEqual(made, [])
        self.assertEqual(
            list(indexes_of(self.cr, "flitstack_t_child")), ["flitstack_t_child_pkey"]
        )


class TestRollbackIndexes(MigrationCase):
    def test_rollback_indexes_the_keys_into_what_it_deletes_then_drops_them(self):
        project = self._project()
        before = self._table_counts()
        run = self._run(project)
        partners = self._object_line(run, "customer").created_count
        self.assertGreaterEqual(partners, reference_index.MIN_ROWS)
        seen = []
        drop = reference_index.drop

        def spy(cr, made):
            # while the rollback is still on: the indexes are there
            cr.execute(
                "SELECT indexname, tablename, indexdef FROM pg_indexes "
                "WHERE indexname LIKE %s",
                [reference_index.PREFIX + "%"],
            )
            seen.extend(cr.fetchall())
            return drop(cr, made)

        with patch.object(reference_index, "drop", spy):
            project._rollback()
        self.assertEqual(self._table_counts(), before)
        # Odoo leaves the customer of a task without an index: the rollback made one
        self.assertIn(
            ("project_task", "partner_id"),
            {(table, d.split("(")[-1].strip('")')) for _n, table, d in seen},
        )
        self.cr.execute(
            "SELECT count(*) FROM pg_indexes WHERE indexname LIKE %s",
            [reference_index.PREFIX + "%"],
        )
        self.assertEqual(self.cr.fetchone()[0], 0, "none of them stays")
