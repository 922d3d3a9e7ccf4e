# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pictures of a run: its graph and pivot views, the chart of the PDF report."""

from lxml import html as lxml_html

from .common import MigrationCase, report_server_out_of_reach

REPORT = "flitstack_migration.action_report_migration_run"
OUTCOMES = {
    "created": "created_count",
    "updated": "updated_count",
    "unchanged": "skipped_count",
    "failed": "failed_count",
}


class TestPictures(MigrationCase):
    """One full run of The Customer Factor's sample; then someone edits a few of
    the migrated records in Odoo and the fields are checked again: two emails
    differ, one city is emptied, one job is renamed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project = MigrationCase._project(cls)
        cls.project.action_discover()
        cls.project.action_confirm_mapping()
        cls.mig_run = cls.project.run_now()
        created = cls.mig_run.log_ids.filtered(lambda log: log.operation == "create")
        customers = created.filtered(lambda log: log.object_key == "customer")
        partners = cls.env["res.partner"].browse(customers[:3].mapped("res_id"))
        partners[0].email = "first.changed@example.com"
        partners[1].email = "second.changed@example.com"
        partners[2].city = False
        job = created.filtered(lambda log: log.object_key == "job")[:1]
        cls.env["crm.lead"].browse(job.res_id).name = "Renamed by hand"
        with cls.project._open_reader() as reader:
            cls.mig_run._check_fields(reader)

    def _label(self, object_key, field_name):
        line = self.mig_run.diff_line_ids.filtered(
            lambda l: (l.object_key, l.field_name) == (object_key, field_name)
        )[:1]
        self.assertTrue(line, f"{object_key}.{field_name} has a difference")
        return line.object_label, line.field_label

    # ------------------------------------------------------------------
    def test_graph_per_object_of_what_happened(self):
        run = self.mig_run
        outcomes = self.env["migration.run.outcome"].search([("run_id", "=", run.id)])
        self.assertEqual(len(outcomes), 4 * len(run.object_ids))
        self.assertEqual(set(outcomes.mapped("project_id")), {self.project})
        for line in run.object_ids:
            rows = outcomes.filtered(lambda o, line=line: o.object_id == line)
            self.assertEqual(
                {row.outcome: row.record_count for row in rows},
                {key: line[column] for key, column in OUTCOMES.items()},
                line.object_key,
            )
            self.assertEqual(set(rows.mapped("object_label")), {line.name})
        customers = self._object_line(run, "customer")
        # what the graph draws: records per object and outcome, summed
        groups = {
            (line, outcome): total
            for line, outcome, total in self.env["migration.run.outcome"]._read_group(
                [("run_id", "=", run.id)],
                ["object_id", "outcome"],
                ["record_count:sum"],
            )
        }
        self.assertEqual(groups[(customers, "created")], 298)
        self.assertEqual(groups[(customers, "failed")], 2)
        self.assertEqual(groups[(customers, "unchanged")], 0)
        self.assertEqual(
            sum(total for (_l, o), total in groups.items() if o == "created"),
            run.created_count,
        )
        self.assertEqual(
            sum(total for (_l, o), total in groups.items() if o == "failed"),
            run.failed_count,
        )
        # the graph groups by object, in the run's order, then by outcome
        ordered = self.env["migration.run.outcome"]._read_group(
            [("run_id", "=", run.id)], ["object_id"], ["record_count:sum"]
        )
        self.assertEqual(
            [line for line, _total in ordered], list(run.object_ids.sorted("sequence"))
        )
        # the run's button opens its graph and pivot, filtered to the run
        action = run.action_view_outcome_graph()
        self.assertEqual(action["res_model"], "migration.run.outcome")
        self.assertEqual(action["domain"], [("run_id", "=", run.id)])
        self.assertEqual(action["view_mode"].split(",")[:2], ["graph", "pivot"])
        self.assertIn(run.name, action["display_name"])
        views = self.env["migration.run.outcome"].get_views(
            [(False, "graph"), (False, "pivot"), (False, "search")]
        )["views"]
        graph = lxml_html.fromstring(views["graph"]["arch"])
        self.assertEqual(
            [f.get("name") for f in graph.iter("field") if f.get("type") != "measure"],
            ["object_id", "outcome"],
        )
        self.assertEqual(
            [f.get("name") for f in graph.iter("field") if f.get("type") == "measure"],
            ["record_count"],
        )
        pivot = lxml_html.fromstring(views["pivot"]["arch"])
        self.assertEqual(
            {f.get("name"): f.get("type") for f in pivot.iter("field")},
            {"object_id": "row", "outcome": "col", "record_count": "measure"},
        )
        form = run.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="action_view_outcome_graph"', form)
        self.assertIn('name="action_view_mismatch_graph"', form)

    def test_graph_of_mismatches_by_field(self):
        run = self.mig_run
        customer_email = self._label("customer", "email")
        customer_city = self._label("customer", "city")
        job_name = self._label("job", "name")
        action = run.action_view_mismatch_graph()
        self.assertEqual(action["res_model"], "migration.diff.line")
        self.assertEqual(action["domain"], [("run_id", "=", run.id)])
        self.assertEqual(action["view_mode"].split(",")[:2], ["graph", "pivot"])
        self.assertTrue(action["context"]["search_default_differences"])
        Line = self.env["migration.diff.line"]
        search = Line.get_views([(False, "search")])["views"]["search"]["arch"]
        differences = next(
            f
            for f in lxml_html.fromstring(search).iter("filter")
            if f.get("name") == "differences"
        )
        domain = action["domain"] + [("status", "in", ("mismatch", "missing"))]
        self.assertIn("mismatch", differences.get("domain"))
        self.assertIn("missing", differences.get("domain"))
        # what the graph draws: differences per field of an object, by status
        counts = {
            (field, status): count
            for field, status, count in Line._read_group(
                domain, ["check_field", "status"], ["__count"]
            )
        }
        self.assertEqual(
            counts,
            {
                (" / ".join(customer_email), "mismatch"): 2,
                (" / ".join(customer_city), "missing"): 1,
                (" / ".join(job_name), "mismatch"): 1,
            },
        )
        self.assertEqual(
            sum(counts.values()), run.diff_mismatch_count + run.diff_missing_count
        )
        graph = Line.get_views([(False, "graph")])["views"]["graph"]["arch"]
        self.assertEqual(
            [f.get("name") for f in lxml_html.fromstring(graph).iter("field")],
            ["check_field", "status"],
        )

    def test_report_chart_bars_carry_the_counts(self):
        run = self.mig_run
        html, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_html(REPORT, run.ids)
        )
        self.assertEqual(kind, "html")
        page = lxml_html.fromstring(html)
        [objects] = page.xpath("//table[@name='chart_objects']")
        largest = max(
            line[column] for line in run.object_ids for column in OUTCOMES.values()
        )
        for line in run.object_ids:
            bars = objects.xpath(
                ".//tr[@data-object=$key]//div[@data-outcome]", key=line.object_key
            )
            self.assertEqual(
                {bar.get("data-outcome"): int(bar.get("data-count")) for bar in bars},
                {key: line[column] for key, column in OUTCOMES.items()},
                line.object_key,
            )
            for bar in bars:
                count = int(bar.get("data-count"))
                width = float(
                    bar.get("style").split("width: ")[1].split("%")[0].strip()
                )
                if count:
                    self.assertAlmostEqual(width, 80 * count / largest, delta=0.6)
                else:
                    self.assertEqual(width, 0)
                # the count is written next to its bar
                self.assertEqual(
                    bar.getnext().text_content().strip(), str(count), line.object_key
                )
        customer_bars = objects.xpath(".//tr[@data-object='customer']//div")
        self.assertEqual(
            [(b.get("data-outcome"), b.get("data-count")) for b in customer_bars],
            [("created", "298"), ("updated", "0"), ("unchanged", "0"), ("failed", "2")],
        )
        # mismatches by field, the most first
        [fields] = page.xpath("//table[@name='chart_fields']")
        rows = fields.xpath(".//tr[@data-field]")
        drawn = {
            (row.get("data-object"), row.get("data-field")): {
                part.get("data-status"): int(part.get("data-count"))
                for part in row.xpath(".//div[@data-status]")
            }
            for row in rows
        }
        self.assertEqual(
            drawn,
            {
                self._label("customer", "email"): {"mismatch": 2, "missing": 0},
                self._label("customer", "city"): {"mismatch": 0, "missing": 1},
                self._label("job", "name"): {"mismatch": 1, "missing": 0},
            },
        )
        self.assertEqual(
            (rows[0].get("data-object"), rows[0].get("data-field")),
            self._label("customer", "email"),
        )
        self.assertEqual(rows[0].get("data-count"), "2")

    def test_report_prints_as_pdf(self):
        """wkhtmltopdf is part of the set-up (scripts/setup.sh installs it): the
        reconciliation prints, chart included, on any machine set up that way."""
        Report = self.env["ir.actions.report"]
        self.assertEqual(
            Report.get_wkhtmltopdf_state(),
            "ok",
            "wkhtmltopdf is missing: scripts/setup.sh installs it",
        )
        # under Odoo's own runner, wkhtmltopdf would wait for this very server
        with report_server_out_of_reach(self.env):
            pdf, kind = Report.with_context(
                force_report_rendering=True
            )._render_qweb_pdf(REPORT, self.mig_run.ids)
            # the command line's --pdf writes the same report
            cli_pdf = self.mig_run._reconciliation_pdf()
        self.assertEqual(kind, "pdf")
        self.assertTrue(cli_pdf.startswith(b"%PDF-"))
        self.assertTrue(pdf.startswith(b"%PDF-"))
        self.assertIn(b"%%EOF", pdf[-1024:])
        self.assertGreater(len(pdf), 5000)
