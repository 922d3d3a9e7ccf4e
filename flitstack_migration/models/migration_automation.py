# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import csv
import io

from odoo import api, fields, models

from ..engine import inventory


class MigrationAutomation(models.Model):
    """An automation of the old system, to rebuild by hand in Odoo.

    - one line per workflow, automation, action plan, e-mail sequence or template
      the export shows, plus the checks its platform needs by hand;
    - says which Odoo feature rebuilds it and how much work that is;
    - printable (PDF) and downloadable (CSV) as the admin's rebuild list.
    """

    _name = "migration.automation"
    _description = "Data Migration Automation to Rebuild"
    _order = "project_id, sequence, id"

    project_id = fields.Many2one(
        "migration.project", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="project_id.company_id", store=True, index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    source_kind = fields.Selection(
        inventory.KINDS, string="Kind in the old system", required=True
    )
    origin = fields.Selection(
        [("export", "Read from the export"), ("manual", "To check by hand")],
        required=True,
        default="export",
        help="Whether the export lists this automation, or the old system keeps it "
        "out of its exports and the administrator has to look for it there.",
    )
    trigger = fields.Char(help="What starts it in the old system.")
    steps = fields.Text(help="What it does, one step per line, in order.")
    step_count = fields.Integer("Steps (count)")
    timing = fields.Char(help="Delays and schedule, as the old system words them.")
    odoo_feature = fields.Selection(
        inventory.FEATURES,
        string="Rebuild in Odoo as",
        help="Automated action: runs on a record event or a time condition. Server "
        "action: runs on demand. Activity plan: a list of planned activities. Mail "
        "template: a reusable e-mail.",
    )
    effort = fields.Selection(
        inventory.EFFORTS,
        help="High when the automation has more than three steps.",
    )
    active_in_source = fields.Boolean("Active in the old system", default=True)

    # ------------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------------
    def action_download_csv(self):
        """The selected lines (or the whole project's list) as a CSV file."""
        records = self or self.search([])
        attachment = self.env["ir.attachment"].create(
            {
                "name": "automations-to-rebuild.csv",
                "raw": records._inventory_csv(),
                "mimetype": "text/csv",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_print(self):
        return self.env.ref(
            "flitstack_migration.action_report_migration_automation"
        ).report_action(self)

    # ------------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------------
    @api.model
    def _build_automation_inventory(self, project, reader):
        """Replace a project's inventory with what the reader exposes.

        :param reader: an open reader; ``automation_inventory()`` (export) and
            ``automation_checklist`` (manual checks) are read when it has them
        :returns: the new ``migration.automation`` records
        """
        lines = inventory.inventory_lines(
            reader.automation_inventory(), reader.automation_checklist
        )
        self.search([("project_id", "=", project.id)]).unlink()
        return self.create(
            [
                self._prepare_inventory_vals(project, line, sequence)
                for sequence, line in enumerate(lines, start=1)
            ]
        )

    @api.model
    def _prepare_inventory_vals(self, project, line, sequence):
        return {
            "project_id": project.id,
            "sequence": sequence,
            "name": line["name"],
            "source_kind": line["kind"],
            "origin": line["origin"],
            "trigger": line["trigger"],
            "steps": "\n".join(line["steps"]),
            "step_count": line["step_count"],
            "timing": line["timing"],
            "odoo_feature": line["odoo_feature"],
            "effort": line["effort"],
            "active_in_source": line["active"],
        }

    def _selection_label(self, field_name):
        return dict(self._fields[field_name]._description_selection(self.env)).get(
            self[field_name], ""
        )

    def _inventory_csv(self):
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(
            [
                "Project",
                "Automation",
                "Kind in the old system",
                "Where it comes from",
                "Active",
                "Trigger",
                "Steps",
                "Step count",
                "Timing",
                "Rebuild in Odoo as",
                "Effort",
            ]
        )
        for line in self:
            writer.writerow(
                [
                    line.project_id.name,
                    line.name,
                    line._selection_label("source_kind"),
                    line._selection_label("origin"),
                    "yes" if line.active_in_source else "no",
                    line.trigger or "",
                    " > ".join((line.steps or "").splitlines()),
                    line.step_count,
                    line.timing or "",
                    line._selection_label("odoo_feature"),
                    line._selection_label("effort"),
                ]
            )
        return out.getvalue().encode("utf-8-sig")

    def _report_projects(self):
        """``[(project, lines, none exposed)]`` for the printed inventory."""
        return [
            (
                project,
                self.filtered(lambda line, p=project: line.project_id == p),
                not self.filtered(
                    lambda line, p=project: (
                        line.project_id == p and line.origin == "export"
                    )
                ),
            )
            for project in self.project_id
        ]
