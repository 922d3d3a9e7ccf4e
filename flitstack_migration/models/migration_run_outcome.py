# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL


class MigrationRunOutcome(models.Model):
    """What happened to the records of each object of a run, one row per outcome.

    A read-only view of the run's reconciliation lines (``migration.run.object``):
    one row per object and outcome (created, updated, unchanged, failed) with its
    number of records, the shape Odoo's graph and pivot views need to draw the four
    outcomes of every object side by side.
    """

    _name = "migration.run.outcome"
    _description = "Data Migration Run Outcome"
    _auto = False
    _order = "run_id, sequence, outcome_sequence"
    _rec_name = "object_label"

    run_id = fields.Many2one("migration.run", readonly=True)
    project_id = fields.Many2one("migration.project", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    object_id = fields.Many2one(
        "migration.run.object", string="Kind of record", readonly=True
    )
    object_label = fields.Char("Object", readonly=True)
    sequence = fields.Integer(readonly=True)
    outcome = fields.Selection(
        [
            ("created", "Created"),
            ("updated", "Updated"),
            ("unchanged", "Unchanged"),
            ("failed", "Failed"),
        ],
        string="What happened",
        readonly=True,
    )
    outcome_sequence = fields.Integer(readonly=True)
    record_count = fields.Integer("Records", readonly=True, aggregator="sum")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                    SELECT o.id * 4 + k.position AS id,
                           o.run_id,
                           r.project_id,
                           r.company_id,
                           o.id AS object_id,
                           o.name AS object_label,
                           o.sequence,
                           k.outcome,
                           k.position AS outcome_sequence,
                           k.record_count
                      FROM migration_run_object o
                      JOIN migration_run r ON r.id = o.run_id
                     CROSS JOIN LATERAL (
                         VALUES (0, 'created', o.created_count),
                                (1, 'updated', o.updated_count),
                                (2, 'unchanged', o.skipped_count),
                                (3, 'failed', o.failed_count)
                     ) AS k(position, outcome, record_count)
                )
                """,
                SQL.identifier(self._table),
            )
        )
