# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Owners: listed with their record counts before the run, matched, mapped, fallback."""

from collections import Counter

from .common import MigrationCase, sample_table


class TestOwners(MigrationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.jobs = sample_table("jobs.csv")
        cls.prospects = sample_table("prospects.csv")
        cls.notes = sample_table("notes.csv")

    def _owner(self, project, name):
        return project.owner_ids.filtered(lambda o: o.name == name)

    def _expected_counts(self):
        counts = Counter(r["Employee/Crew"] for r in self.jobs)
        counts.update(r["Sales Rep"] for r in self.prospects)
        counts.update(r["Author"] for r in self.notes)
        counts.pop("", None)
        return counts

    def test_unmatched_owners_with_their_counts_before_the_run(self):
        project = self._project()
        project.action_discover()
        expected = self._expected_counts()
        self.assertEqual(len(project.owner_ids), len(expected))  # 8 employees + 2 crews
        self.assertEqual(len(expected), 10)
        for owner in project.owner_ids:
            self.assertEqual(owner.record_count, expected[owner.name], owner.name)
        carlos = self._owner(project, "Carlos Ramírez")
        self.assertEqual((carlos.user_id, carlos.match), (self.carlos, "email"))
        self.assertEqual(carlos.email, "carlos.ramirez@sparkleclean.example")
        self.assertEqual(self._owner(project, "Kevin Brooks").user_id, self.kevin)
        unmatched = project.unmatched_owner_ids
        self.assertEqual(len(unmatched), 8)
        self.assertEqual(project.unmatched_owner_count, 8)
        self.assertEqual(
            sorted(unmatched.mapped("name")),
            sorted(set(expected) - {"Carlos Ramírez", "Kevin Brooks"}),
        )
        self.assertEqual(
            project.unmatched_record_count,
            sum(
                count
                for name, count in expected.items()
                if name not in ("Carlos Ramírez", "Kevin Brooks")
            ),
        )
        self.assertEqual(
            self._owner(project, "Crew A").record_count,
            Counter(r["Employee/Crew"] for r in self.jobs)["Crew A"],
        )
        self.assertFalse(self._owner(project, "Crew A").email)

    def test_employee_work_email_then_hand_mapping_then_fallback(self):
        ashley = self.env["res.users"].create(
            {"name": "A. Turner", "login": "aturner", "email": "at@elsewhere.example"}
        )
        employee = self.env["hr.employee"].create(
            {"name": "Ashley Turner", "user_id": ashley.id}
        )
        # hr keeps the user's and the employee's emails in step: set it apart in SQL
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE hr_employee SET work_email = %s WHERE id = %s",
            (" Ashley.Turner@SparkleClean.example ", employee.id),
        )
        self.env.invalidate_all()
        self.assertNotIn("ashley.turner", (ashley.email or "") + ashley.login)
        project = self._project()
        project.action_discover()
        owner = self._owner(project, "Ashley Turner")
        self.assertEqual((owner.user_id, owner.match), (ashley, "employee"))
        # Maria has no user: the admin maps her to Kevin by hand
        maria = self._owner(project, "Maria Delgado")
        self.assertFalse(maria.user_id)
        maria.user_id = self.kevin
        self.assertEqual(maria.match, "manual")
        action = self._owner(project, "Tyler Johnson").action_invite()
        self.assertEqual(
            action["context"]["default_login"], "tyler.johnson@sparkleclean.example"
        )
        run = self._run(project)
        maria_row = next(r for r in self.prospects if r["Sales Rep"] == "Maria Delgado")
        self.assertEqual(
            self._record(project, "prospect", maria_row["Id"]).user_id, self.kevin
        )
        ashley_row = next(
            r for r in self.prospects if r["Sales Rep"] == "Ashley Turner"
        )
        self.assertEqual(
            self._record(project, "prospect", ashley_row["Id"]).user_id, ashley
        )
        # crews and people without a user: the fallback owner, and counted per run
        crew = next(
            r
            for r in self.jobs
            if r["Employee/Crew"] == "Crew B"
            and self._record(project, "job", r["Job Id"])
        )
        self.assertEqual(
            self._record(project, "job", crew["Job Id"]).user_id, self.fallback
        )
        self.assertNotIn(
            "Maria Delgado <maria.delgado@sparkleclean.example>",
            run._get_unmatched_owners(),
        )
        self.assertIn("Crew B", run._get_unmatched_owners())
        # no lead or opportunity lands without a user, owner column empty included
        leads = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .browse(
                run.log_ids.filtered(
                    lambda lg: lg.model == "crm.lead" and lg.operation == "create"
                ).mapped("res_id")
            )
        )
        self.assertTrue(leads)
        self.assertFalse(leads.filtered(lambda lead: not lead.user_id))
        nobody = next(r for r in self.prospects if not r["Sales Rep"])
        self.assertEqual(
            self._record(project, "prospect", nobody["Id"]).user_id, self.fallback
        )

    def test_no_lead_without_user_even_when_the_owner_line_is_skipped(self):
        project = self._project()
        project.action_discover()
        project.mapping_ids.field_ids.filtered(
            lambda f: f.target_field == "user_id" and f.model == "crm.lead"
        ).skip = True
        run = self._run(project)
        leads = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .browse(
                run.log_ids.filtered(
                    lambda lg: lg.model == "crm.lead" and lg.operation == "create"
                ).mapped("res_id")
            )
        )
        self.assertEqual(set(leads.mapped("user_id")), {self.fallback})
