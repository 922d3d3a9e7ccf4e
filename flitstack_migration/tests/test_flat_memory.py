# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a run leaves in the process's memory does not grow with its records: no
external id in the registry, no record read back by the field check in the
cache. (The measure itself is the benchmark's: ``make bench`` prints memory along
the run; this checks the two things that grew with every record.)"""

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
