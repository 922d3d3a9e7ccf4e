# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The automation inventory: what the old system automated, to rebuild in Odoo.

Automations never migrate: no platform exports them as data Odoo could run. A reader
lists what the export shows of them (``automation_inventory()``: name, kind, trigger,
steps, timing) and what the admin must look at by hand (``automation_checklist``);
this module turns both into inventory lines, each with the Odoo feature to rebuild it
with and the effort it takes. Pure Python: no ORM, no Odoo import.
"""

import re

#: Kinds of source automation, with their labels.
KINDS = [
    ("workflow", "Workflow"),
    ("automation", "Automation"),
    ("action_plan", "Action plan"),
    ("email_sequence", "Email sequence"),
    ("template", "Template"),
]
#: Odoo features an automation is rebuilt with.
FEATURES = [
    ("automated_action", "Automated action"),
    ("server_action", "Server action"),
    ("activity_plan", "Activity plan"),
    ("mail_template", "Mail template"),
]
EFFORTS = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
#: More steps than this make a rebuild a high effort.
HIGH_EFFORT_STEPS = 3

_MANUAL_TRIGGER = re.compile(
    r"\b(manual|manually|button|on demand|by hand)\b", re.IGNORECASE
)
_WAIT = re.compile(
    r"\b(wait|delay|after|before|later|days?|hours?|weeks?)\b", re.IGNORECASE
)
_SEND = re.compile(r"\b(send|e-?mail|sms|text|notify|notification)\b", re.IGNORECASE)
_TODO = re.compile(
    r"\b(task|follow[- ]?up|call|activity|to-?do|reminder for)\b", re.IGNORECASE
)


def normalize_kind(text):
    """A kind key of :data:`KINDS` from the export's wording ("Email Sequence",
    "Drip campaign", "Action Plan", "Workflow"...); ``automation`` by default."""
    word = (text or "").strip().lower()
    if word in dict(KINDS):
        return word
    if any(w in word for w in ("sequence", "drip", "campaign", "nurture")):
        return "email_sequence"
    if "template" in word:
        return "template"
    if "plan" in word:
        return "action_plan"
    if "workflow" in word or "flow" in word:
        return "workflow"
    return "automation"


def suggest_feature(kind, trigger, steps):
    """The Odoo feature to rebuild an automation with (a key of :data:`FEATURES`).

    - a template is a mail template; an action plan, an activity plan;
    - a sequence of timed e-mails is an automated action (time condition) sending
      mail templates;
    - what runs on demand (a button, "manual") is a server action;
    - steps that only plan follow-ups (tasks, calls) are an activity plan;
    - anything triggered by an event is an automated action.
    """
    if kind == "template":
        return "mail_template"
    if kind == "action_plan":
        return "activity_plan"
    if kind == "email_sequence":
        return "automated_action"
    if _MANUAL_TRIGGER.search(trigger or ""):
        return "server_action"
    real = [s for s in steps if not _WAIT.match(s.strip())]
    if real and all(_TODO.search(s) and not _SEND.search(s) for s in real):
        return "activity_plan"
    return "automated_action"


def effort(step_count, timing="", steps=()):
    """``high`` beyond :data:`HIGH_EFFORT_STEPS` steps, ``medium`` from two steps or
    with a delay to rebuild, else ``low``."""
    if step_count > HIGH_EFFORT_STEPS:
        return "high"
    delayed = any(_WAIT.match((s or "").strip()) for s in steps)
    if step_count >= 2 or delayed:
        return "medium"
    return "low"


def _steps(value):
    if isinstance(value, str):
        value = value.splitlines()
    return [" ".join(str(step).split()) for step in value or () if str(step).strip()]


def inventory_line(automation, origin="export"):
    """One inventory line from one reader dict.

    :param automation: ``{"name", "kind", "trigger", "steps", "timing"}`` (and
        optionally ``active``)
    :param origin: ``export`` (read from the export) or ``manual`` (to check by hand)
    :returns: ``{"name", "kind", "trigger", "steps", "step_count", "timing",
        "odoo_feature", "effort", "origin", "active"}``
    """
    steps = _steps(automation.get("steps"))
    kind = normalize_kind(automation.get("kind"))
    trigger = (automation.get("trigger") or "").strip()
    timing = (automation.get("timing") or "").strip()
    return {
        "name": (automation.get("name") or "").strip() or "Unnamed automation",
        "kind": kind,
        "trigger": trigger,
        "steps": steps,
        "step_count": len(steps),
        "timing": timing,
        "odoo_feature": suggest_feature(kind, trigger, steps),
        "effort": effort(len(steps), timing, steps),
        "origin": origin,
        "active": bool(automation.get("active", True)),
    }


def inventory_lines(automations, checklist=()):
    """Inventory lines: the automations the export shows, then the manual checks.

    :param automations: the reader's ``automation_inventory()``
    :param checklist: the reader's ``automation_checklist`` (what the export does
        not show and the admin checks by hand)
    :returns: a list of :func:`inventory_line` dicts; when the export shows no
        automation, the manual checks are all there is
    """
    lines = [inventory_line(item) for item in automations or ()]
    lines.extend(inventory_line(item, origin="manual") for item in checklist or ())
    return lines


def summary(lines):
    """``{"exposed": n, "manual": n, "high_effort": n, "none_exposed": bool}``."""
    exposed = sum(1 for line in lines if line["origin"] == "export")
    return {
        "exposed": exposed,
        "manual": len(lines) - exposed,
        "high_effort": sum(1 for line in lines if line["effort"] == "high"),
        "none_exposed": exposed == 0,
    }
