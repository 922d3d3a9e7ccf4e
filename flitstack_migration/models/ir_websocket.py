# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import models

#: ``flitstack_migration.run_<id>`` / ``flitstack_migration.project_<id>``: the
#: channel a run or project form listens to while it is open
CHANNEL = re.compile(r"^flitstack_migration\.(run|project)_(\d+)$")


class IrWebsocket(models.AbstractModel):
    _inherit = "ir.websocket"

    def _build_bus_channel_list(self, channels):
        """A run or project form asks for its record's channel by name: it gets the
        record's own bus channel, for the runs and projects the user may read."""
        channels = list(channels)
        wanted = {"run": [], "project": []}
        for channel in list(channels):
            match = isinstance(channel, str) and CHANNEL.match(channel)
            if match:
                channels.remove(channel)
                wanted[match[1]].append(int(match[2]))
        if self.env.uid:
            for kind, ids in wanted.items():
                model = self.env[f"migration.{kind}"]
                if ids and model.has_access("read"):
                    channels.extend(model.search([("id", "in", ids)]))
        return super()._build_bus_channel_list(channels)
