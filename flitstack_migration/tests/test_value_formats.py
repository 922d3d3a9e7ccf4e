# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""How a column writes its values: day-first dates asked in the proposal and kept,
decimal commas and empty words read per column, in the load itself."""

import io
import zipfile
from datetime import date

from ..engine.proposal import apply_map, proposal_rows
from .common import MigrationCase, sample_table, to_csv

#: extra columns of the first four customers of the sample: a day-first export
EXTRA = {
    # a preset date column whose values tell: 31/01/2024 is day first
    "Date Canceled Service": ["31/01/2024", "03/04/2024", "", ""],
    # new columns
    "Last Visit": ["03/04/2024", "01/02/2024", "05/06/2023", ""],  # cannot tell
    "Hours": ["1,5", "1.234,56", "NA", "-"],  # decimal comma, empty words
    "Deposit": ["1.234", "2.500", "12", ""],  # cannot tell: the export's way
    "Referral": ["N/A", "Friend", "-", "Flyer"],  # text: N/A is text here
}


def day_first_export():
    """customers.csv alone: four customers of the sample with :data:`EXTRA`."""
    rows = sample_table("customers.csv")[:4]
    header = list(rows[0]) + [c for c in EXTRA if c not in rows[0]]
    for index, row in enumerate(rows):
        for column, values in EXTRA.items():
            row[column] = values[index]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("customers.csv", to_csv(rows, header, "utf-8-sig"))
    return out.getvalue(), [row["Id"] for row in rows]


class TestValueFormats(MigrationCase):
    def setUp(self):
        super().setUp()
        data, self.ids = day_first_export()
        self.project = self._project(data, name="day_first.zip")
        self.project.action_discover()

    def _line(self, column):
        mapping = self.project.mapping_ids.filtered(
            lambda m: m.object_key == "customer"
        )
        return mapping.field_ids.filtered(lambda f: f.source_column == column)

    def _customer(self, index):
        return self._record(self.project, "customer", self.ids[index])

    def test_ambiguous_date_column_is_asked_and_the_answer_kept(self):
        line = self._line("Last Visit")
        self.assertEqual(line.custom_type, "date")
        self.assertTrue(line.needs_look)
        self.assertFalse(line.date_order)
        self.assertEqual(
            line.date_question,
            "Are dates in column Last Visit day first (31/01/2024) or month first "
            "(01/31/2024)?",
        )
        self.assertIn(line, self.project.review_line_ids)
        wizard = self.env["migration.import.wizard"].create(
            {
                "project_id": self.project.id,
                "platform": "the_customer_factor",
                "step": "map",
            }
        )
        self.assertEqual(wizard.question_count, 1)
        self.assertIn(line, wizard.review_line_ids)
        # the admin answers on the map line
        line.date_order = "DMY"
        self.assertFalse(line.needs_look)
        wizard.invalidate_recordset()  # the wizard's next screen
        self.assertEqual(wizard.question_count, 0)
        # reading the files again keeps the answer
        self.project.action_discover()
        line = self._line("Last Visit")
        self.assertEqual((line.date_order, line.needs_look), ("DMY", False))
        self._run(self.project)
        self.assertEqual(self._customer(0).x_tcf_last_visit, date(2024, 4, 3))
        self.assertEqual(self._customer(1).x_tcf_last_visit, date(2024, 2, 1))
        self.assertEqual(self._customer(2).x_tcf_last_visit, date(2023, 6, 5))

    def test_month_first_answer_lands_month_first(self):
        self._line("Last Visit").date_order = "MDY"
        self._run(self.project)
        self.assertEqual(self._customer(0).x_tcf_last_visit, date(2024, 3, 4))
        self.assertEqual(self._customer(2).x_tcf_last_visit, date(2023, 5, 6))

    def test_unanswered_question_reads_as_the_platform_writes(self):
        self._run(self.project)
        # The Customer Factor writes month first
        self.assertEqual(self._customer(0).x_tcf_last_visit, date(2024, 3, 4))

    def test_a_column_whose_values_tell_needs_no_question(self):
        line = self._line("Date Canceled Service")
        self.assertEqual(line.target_field, "x_tcf_date_canceled_service")
        self.assertEqual(line.date_order, "DMY")
        self.assertFalse(line.date_question)
        self.assertFalse(line.needs_look)
        self._run(self.project)
        self.assertEqual(
            self._customer(0).x_tcf_date_canceled_service, date(2024, 1, 31)
        )
        self.assertEqual(
            self._customer(1).x_tcf_date_canceled_service, date(2024, 4, 3)
        )

    def test_decimal_comma_and_empty_words_per_column(self):
        hours, deposit = self._line("Hours"), self._line("Deposit")
        referral = self._line("Referral")
        self.assertEqual((hours.custom_type, hours.decimal_comma), ("float", True))
        self.assertEqual(hours.null_values, "-, na")
        # its values cannot tell (1.234 is a thousand either way): the export
        # writes day first, so the column has a decimal comma
        self.assertEqual((deposit.custom_type, deposit.decimal_comma), ("float", True))
        self.assertEqual((referral.custom_type, referral.null_values), ("char", False))
        run = self._run(self.project)
        customers = [self._customer(index) for index in range(4)]
        self.assertEqual([c.x_tcf_hours for c in customers], [1.5, 1234.56, 0.0, 0.0])
        self.assertEqual(
            [c.x_tcf_deposit for c in customers], [1234.0, 2500.0, 12.0, 0.0]
        )
        self.assertEqual(
            [c.x_tcf_referral for c in customers], ["N/A", "Friend", "-", "Flyer"]
        )
        warnings = run.log_ids.filtered(lambda log: log.operation == "create").mapped(
            "message"
        )
        self.assertFalse([w for w in warnings if w and "Hours" in w], warnings)

    def test_the_admin_can_say_the_column_has_a_decimal_point(self):
        self._line("Deposit").decimal_comma = False
        self._run(self.project)
        self.assertEqual(self._customer(0).x_tcf_deposit, 1.234)

    def test_command_line_map_carries_the_question_and_the_answer(self):
        rows = proposal_rows(self.project)
        row = next(r for r in rows if r["column"] == "Last Visit")
        self.assertEqual(
            (row["question"], row["date_order"]),
            (self._line("Last Visit").date_question, None),
        )
        hours = next(r for r in rows if r["column"] == "Hours")
        self.assertEqual(
            (hours["decimal_comma"], hours["null_values"]), (True, ["-", "na"])
        )
        row["date_order"] = "DMY"
        self.assertEqual(apply_map(self.project, rows), [])
        self.assertEqual(self._line("Last Visit").date_order, "DMY")
        row = next(
            r for r in proposal_rows(self.project) if r["column"] == "Last Visit"
        )
        self.assertEqual((row["question"], row["date_order"]), (None, "DMY"))
        row["date_order"] = "first"
        self.assertIn("DMY (day first)", apply_map(self.project, [row])[0])
        self._run(self.project)
        self.assertEqual(self._customer(0).x_tcf_last_visit, date(2024, 4, 3))
