# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Names an admin knows things by, not their technical names."""


def model_label(env, model):
    """The name of a model in the admin's words ("Contact", "Lead/Opportunity")."""
    if not model:
        return False
    labels = {
        "ir.model.fields": env._("New fields added by the migration"),
        "ir.ui.view": env._("Form pages showing the new fields"),
    }
    if model in labels:
        return labels[model]
    return env["ir.model"].sudo()._get(model).name or model
