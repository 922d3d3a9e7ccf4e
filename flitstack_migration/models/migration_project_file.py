# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..presets import base as presets

#: The selection value of a file left aside (``file_assignments`` stores "").
ASIDE = "_aside"


class MigrationProjectFile(models.Model):
    """One file of a project's export and the source object it is read as.

    - filled by discovery from the reader's guess, with how sure it is;
    - the administrator changes the object to read a file otherwise (or leave it
      aside): the choice is kept in the project's ``file_assignments`` and the files
      are read again before the map is built.
    """

    _name = "migration.project.file"
    _description = "Data Migration File"
    _order = "project_id, sequence, id"

    project_id = fields.Many2one(
        "migration.project", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer()
    name = fields.Char("File", required=True, readonly=True)
    object_key = fields.Selection(
        selection="_selection_object_key",
        string="Read as",
        required=True,
        help="The object of the old system this file holds. Change it when the "
        "guess is wrong: the files are read again.",
    )
    confidence = fields.Float(digits=(3, 2), readonly=True)
    reason = fields.Selection(
        [
            ("assigned", "Chosen by you"),
            ("file_name", "File name"),
            ("columns", "Columns"),
            ("job_enriched", "Customer columns with job columns"),
            ("not_recognised", "Not recognised"),
        ],
        string="Because of",
        readonly=True,
    )
    detail = fields.Char(readonly=True, help="What the guess rests on.")

    @api.model
    def _selection_object_key(self):
        choices = {}
        for platform, _label in presets.platforms():
            for obj in presets.get_preset(platform).objects:
                if obj.files:
                    choices.setdefault(obj.key, obj.label)
        return [*choices.items(), (ASIDE, self.env._("Left aside"))]

    @api.model
    def _sync(self, project, guesses):
        """Lines of a project's files from discovery's :class:`FileGuess` list,
        updated in place (a line being edited is not deleted)."""
        lines = {line.name: line for line in project.file_ids}
        for sequence, guess in enumerate(guesses, start=1):
            vals = {
                "sequence": sequence,
                "object_key": guess.object or ASIDE,
                "confidence": guess.confidence,
                "reason": guess.reason,
                "detail": guess.detail or False,
            }
            line = lines.pop(guess.file, None)
            if line:
                line.with_context(flitstack_sync=True).write(vals)
            else:
                self.create(dict(vals, project_id=project.id, name=guess.file))
        for line in lines.values():
            line.unlink()

    def write(self, vals):
        if "object_key" not in vals or self.env.context.get("flitstack_sync"):
            return super().write(vals)
        previous = {line.id: line.object_key for line in self}
        result = super().write(vals)
        for project in self.project_id:
            lines = self.filtered(lambda line, p=project: line.project_id == p)
            project._assign_files(
                {line.name: line.object_key for line in lines},
                previous={previous[line.id] for line in lines},
            )
        return result
