# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pipelines: one sales team, its stages in source order, probabilities, won and
lost."""

from collections import Counter

from .common import MigrationCase, sample_table


class TestStages(MigrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project = MigrationCase._project(cls)
        cls.project.action_discover()

    def _stage_line(self, key):
        mapping = self.project.mapping_ids.filtered(lambda m: m.object_key == key)
        return mapping.field_ids.filtered(lambda f: f.transform == "stage")

    def test_value_maps_found_in_discovery(self):
        jobs = Counter(r["Status"] for r in sample_table("jobs.csv"))
        line = self._stage_line("job")
        self.assertEqual(line.pipeline, "The Customer Factor")
        values = {
            v.source_value: (v.count, v.odoo_value, v.outcome)
            for v in line.value_map_ids
        }
        self.assertEqual(values["Completed"], (jobs["Completed"], "Completed", "won"))
        self.assertEqual(values["Scheduled"], (jobs["Scheduled"], "Scheduled", "open"))
        self.assertEqual(values["Cancelled"], (jobs["Cancelled"], "Cancelled", "lost"))
        prospects = Counter(r["Prospect Status"] for r in sample_table("prospects.csv"))
        prospect_values = self._stage_line("prospect").value_map_ids
        self.assertEqual(
            prospect_values.sorted("sequence").mapped("source_value"),
            ["New", "Contacted", "Estimate Sent", "Lost"],
        )
        self.assertEqual(
            {v.source_value: v.count for v in prospect_values}, dict(prospects)
        )
        task_state = self.project.mapping_ids.filtered(
            lambda m: m.object_key == "job_task"
        ).field_ids.filtered(lambda f: f.target_field == "state")
        self.assertEqual(
            {v.source_value: v.odoo_value for v in task_state.value_map_ids if v.count},
            {
                "Scheduled": "01_in_progress",
                "Completed": "1_done",
                "Cancelled": "1_canceled",
            },
        )

    def test_stages_created_in_order_with_probabilities(self):
        # the admin edits the value map: a scheduled job is 50% likely
        scheduled = self._stage_line("job").value_map_ids.filtered(
            lambda v: v.source_value == "Scheduled"
        )
        scheduled.probability = 50
        run = self._run(self.project)
        team = self.env["crm.team"].search([("name", "=", "The Customer Factor")])
        self.assertEqual(len(team), 1)
        stages = self.env["crm.stage"].search(
            [("team_id", "=", team.id)], order="sequence, id"
        )
        self.assertEqual(
            stages.mapped("name"),
            ["New", "Contacted", "Estimate Sent", "Scheduled", "Completed"],
        )
        self.assertEqual(stages.mapped("is_won"), [False, False, False, False, True])
        jobs = sample_table("jobs.csv")
        row = next(
            r
            for r in jobs
            if r["Status"] == "Scheduled"
            and self._record(self.project, "job", r["Job Id"])
        )
        lead = self._record(self.project, "job", row["Job Id"])
        self.assertEqual(
            (lead.stage_id.name, lead.team_id, lead.probability),
            ("Scheduled", team, 50),
        )
        row = next(
            r
            for r in sample_table("prospects.csv")
            if r["Prospect Status"] == "Contacted"
        )
        lead = self._record(self.project, "prospect", row["Id"])
        self.assertEqual((lead.stage_id.name, lead.probability), ("Contacted", 20))
        row = next(
            r for r in sample_table("prospects.csv") if r["Prospect Status"] == "Lost"
        )
        lead = self._record(self.project, "prospect", row["Id"]).with_context(
            active_test=False
        )
        self.assertFalse(lead.active)
        self.assertEqual(lead.probability, 0)
        row = next(
            r
            for r in jobs
            if r["Status"] == "Completed"
            and self._record(self.project, "job", r["Job Id"])
        )
        self.assertTrue(
            self._record(self.project, "job", row["Job Id"]).stage_id.is_won
        )
        # a second run finds them: no stage twice
        self.project.run_now()
        self.assertEqual(
            self.env["crm.stage"].search_count([("team_id", "=", team.id)]), 5
        )
        # the rollback takes them away with the team
        self.project._rollback()
        self.assertFalse(team.exists())
        self.assertFalse(stages.exists())
        self.assertEqual(run.state, "rolled_back")
