# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a run holds in the process's memory does not grow with its records: the
ids of what landed are fetched per batch and forgotten after it, no external id
stays in the registry, no record read back by the field check stays in the cache.
(The measure itself is the benchmark's: ``make bench`` prints memory along the
run; this checks the things that grew with every record.)"""

from unittest.mock import patch

from odoo.sql_db import Cursor

from ..engine import diff
from ..engine.resolve import Resolver
from ..engine.transform import Transformer
from .common import MigrationCase


class TestFlatMemory(MigrationCase):
    def test_the_registry_keeps_none_of_the_runs_external_ids(self):
        project = self._project()
        run = self._run(project)
        self.assertGreater(run.created_count, 2000)
        prefix = f"{project._xid_module()}."
        self.env.cr.execute(
            "SELECT count(*) FROM ir_model_data WHERE module = %s",
            [project._xid_module()],
        )
        self.assertGreater(self.env.cr.fetchone()[0], 2000, "the ids are written")
        kept = [x for x in self.registry.loaded_xmlids if x.startswith(prefix)]
        self.assertEqual(len(kept), 0, f"kept, among others: {kept[:3]}")
        # and they resolve as any external id does
        partner = self._record(project, "customer", "10231")
        xid = partner.get_external_id()[partner.id]
        self.assertTrue(xid.startswith(prefix))
        self.assertEqual(self.env.ref(xid), partner)

    def test_the_field_check_does_not_keep_what_it_read_back(self):
        project = self._project()
        run = self._run(project)
        customers = self._object_line(run, "customer")
        self.assertGreater(customers.diff_checked_count, 300, "every customer checked")
        self.env.cr.execute(
            "SELECT res_id FROM ir_model_data WHERE module = %s AND model = %s",
            [project._xid_module(), "res.partner"],
        )
        migrated = {res_id for (res_id,) in self.env.cr.fetchall()}
        Partner = self.env["res.partner"]
        cached = set(self.env.cache.get_records(Partner, Partner._fields["email"]).ids)
        self.assertLess(
            len(cached & migrated),
            50,
            "a batch or two at most of the migrated customers are still in the cache",
        )

    def test_ids_are_fetched_a_batch_at_a_time_and_forgotten_after_it(self):
        project = self._project()
        project.batch_size = 100
        held, lookups = [], []
        forget, execute = Resolver.forget, Cursor.execute

        def counting_forget(resolver):
            held.append(sum(len(ids) for ids in resolver._keys.values()))
            return forget(resolver)

        def counting_execute(cr, query, params=None, log_exceptions=True):
            if "FROM ir_model_data d" in str(query) and "d.name = ANY" in str(query):
                lookups.append(len(params[2]))
            return execute(cr, query, params, log_exceptions)

        with (
            patch.object(Resolver, "forget", counting_forget),
            patch.object(Cursor, "execute", counting_execute),
        ):
            run = self._run(project)
        landed = run.created_count
        self.assertGreater(landed, 2000)
        # a batch holds its own ids and those it refers to, never the export's
        self.assertGreater(max(held), 50)
        self.assertLessEqual(max(held), 3 * max(project.batch_size, diff.BATCH))
        # one query per batch and object referred to, not one per record: the
        # loader's batches and the field check's together
        self.assertLess(len(lookups), landed / 10)
        self.assertGreater(max(lookups), 90, "a batch's ids in one query")
        # and every reference still found its record: a job's customer
        job = self._record(project, "job", "100001")
        self.assertEqual(job.partner_id, self._record(project, "customer", "10232"))

    def test_a_delta_looks_up_only_what_changed(self):
        """A delta over the same export: every record that landed is unchanged, its
        hash is compared, and nothing it refers to is looked up (most of a delta)."""
        project = self._project()
        project.batch_size = 100
        first = self._run(project)
        asked = []
        prefetch = Transformer.prefetch

        def counting_prefetch(transformer, obj, specs, records):
            asked.append(len(records))
            return prefetch(transformer, obj, specs, records)

        with patch.object(Transformer, "prefetch", counting_prefetch):
            again = project.run_now("delta")
        self.assertEqual(again.created_count + again.updated_count, 0)
        self.assertGreater(again.skipped_count, 2000)
        self.assertTrue(asked, "the loader went through its batches")
        # only the rows that failed before are transformed again (and fail again)
        self.assertEqual(again.failed_count, first.failed_count)
        self.assertEqual(sum(asked), again.failed_count)
