# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..readers.tabular import DEFAULT_LIMITS, ReadLimits

#: System parameter holding each limit on what an upload may cost.
PARAM = "flitstack_migration.{}"
MB = 1024 * 1024
#: setting → (limit of ReadLimits, factor from the setting's unit to the limit's)
SETTING_LIMITS = {
    "flitstack_max_file_size_mb": ("max_file_size", MB),
    "flitstack_max_archive_size_mb": ("max_archive_size", MB),
    "flitstack_max_compression_ratio": ("max_compression_ratio", 1),
    "flitstack_max_line_length": ("max_line_length", 1),
    "flitstack_max_cell_length": ("max_cell_length", 1),
    "flitstack_max_files": ("max_files", 1),
}


class ResConfigSettings(models.TransientModel):
    """Settings > Data Migration: the limits on what one upload may cost.

    Sizes are shown in megabytes; the readers take bytes (``ReadLimits``).
    """

    _inherit = "res.config.settings"

    flitstack_max_file_size_mb = fields.Integer(
        "Largest file (MB)",
        default=DEFAULT_LIMITS.max_file_size // MB,
        help="An uploaded file, or a file inside a ZIP once expanded.",
    )
    flitstack_max_archive_size_mb = fields.Integer(
        "Largest expanded archive (MB)",
        default=DEFAULT_LIMITS.max_archive_size // MB,
        help="All the files of one ZIP (or Excel workbook) once expanded.",
    )
    flitstack_max_compression_ratio = fields.Integer(
        "Highest compression ratio",
        default=DEFAULT_LIMITS.max_compression_ratio,
        help="How many times larger a file of a ZIP may be once expanded: a "
        "'zip bomb' is refused before it is expanded.",
    )
    flitstack_max_line_length = fields.Integer(
        "Longest line (characters)", default=DEFAULT_LIMITS.max_line_length
    )
    flitstack_max_cell_length = fields.Integer(
        "Longest value (characters)", default=DEFAULT_LIMITS.max_cell_length
    )
    flitstack_max_files = fields.Integer(
        "Most files in an upload", default=DEFAULT_LIMITS.max_files
    )
    flitstack_job_queue = fields.Selection(
        [
            ("auto", "Automatic"),
            ("always", "Always"),
            ("never", "Never"),
        ],
        "Load on the job queue",
        config_parameter="flitstack_migration.job_queue",
        default="auto",
        help="With the Job Queue module, a migration's records land in jobs that "
        "several Odoo workers take side by side (channel "
        "root.flitstack_migration). Automatic: when this server loads queue_job "
        "as a server-wide module (its runner). Always: a runner started apart "
        "works the queue. Never: runs load in the scheduler's background job.",
    )
    flitstack_job_queue_installed = fields.Boolean(
        default=lambda self: "queue.job" in self.env,
        help="Whether the Job Queue module is installed (a default, not a compute: "
        "the settings form computes no field without a dependency).",
    )

    @api.model
    def get_values(self):
        res = super().get_values()
        limits = self._flitstack_read_limits()
        for setting, (limit, factor) in SETTING_LIMITS.items():
            res[setting] = getattr(limits, limit) // factor
        return res

    def set_values(self):
        res = super().set_values()
        params = self.env["ir.config_parameter"].sudo()
        for setting, (limit, factor) in SETTING_LIMITS.items():
            value = self[setting]
            params.set_param(PARAM.format(limit), value * factor if value > 0 else "")
        return res

    @api.model
    def _flitstack_read_limits(self):
        """The limits in force: the system parameters, else the safe defaults."""
        params = self.env["ir.config_parameter"].sudo()
        values = {}
        for limit, _factor in SETTING_LIMITS.values():
            raw = params.get_param(PARAM.format(limit))
            if raw and str(raw).isdigit() and int(raw) > 0:
                values[limit] = int(raw)
        return ReadLimits(**values)
