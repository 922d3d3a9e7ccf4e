# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The reconciliation of a run, as a dict (the JSON report), CSV and HTML.

Built from the run's reconciliation lines and journal, outside the run model: the
model's buttons, the CLI and the PDF call these functions.

CSV cells that a spreadsheet would read as a formula (beginning with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) are written with a leading apostrophe.
"""

import csv
import io

from markupsafe import Markup

from .resolve import xid_name

#: Columns of the diff CSV (the run's button and the CLI's ``--diff``).
DIFF_CSV_FIELDS = (
    "object_label",
    "source_id",
    "model",
    "res_id",
    "field_label",
    "field_name",
    "source_value",
    "expected_value",
    "found_value",
    "status",
)
DIFF_CSV_HEADER = (
    "Object",
    "Id in the old system",
    "Odoo model",
    "Odoo record id",
    "Field",
    "Field (technical)",
    "In the old system",
    "Expected in Odoo",
    "Found in Odoo",
    "Status",
)

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` whose cells are :func:`safe_cell`."""

    def __init__(self, out):
        self._writer = csv.writer(out, lineterminator="\r\n")

    def writerow(self, row):
        self._writer.writerow([safe_cell(cell) for cell in row])


def failures(run):
    """Each failure: object, source id, reason, file, line and the action taken."""
    rows = run.env["migration.log"].search_read(
        [("run_id", "=", run.id), ("operation", "=", "fail")],
        ["object_key", "source_id", "message", "file_name", "line"],
        order="id",
    )
    names = {
        (row["object_key"], row["source_id"]): xid_name(
            row["object_key"], row["source_id"]
        )
        for row in rows
        if row["source_id"]
    }
    existing = set()
    if names:
        run.env.cr.execute(
            "SELECT name FROM ir_model_data WHERE module = %s AND name IN %s",
            (run.project_id._xid_module(), tuple(set(names.values()))),
        )
        existing = {name for (name,) in run.env.cr.fetchall()}
    failures = []
    for row in rows:
        key = (row["object_key"], row["source_id"])
        if names.get(key) in existing:
            action = run.env._("Not updated: Odoo keeps the values of the earlier run.")
        else:
            action = run.env._(
                "Not migrated: correct it in the old system, then run again."
            )
        failures.append(
            {
                "object": row["object_key"],
                "source_id": row["source_id"],
                "reason": row["message"],
                "action": action,
                "file": row["file_name"],
                "line": row["line"],
            }
        )
    return failures


def warnings(run):
    """Records that landed with something to check: a value left empty, a tax rate
    Odoo has no tax for, a file whose checksum differs from the export's..."""
    rows = run.env["migration.log"].search_read(
        [
            ("run_id", "=", run.id),
            ("operation", "in", ("create", "update")),
            ("message", "!=", False),
        ],
        ["object_key", "source_id", "message", "file_name", "line"],
        order="id",
    )
    return [
        {
            "object": row["object_key"],
            "source_id": row["source_id"],
            "warning": row["message"],
            "file": row["file_name"],
            "line": row["line"],
        }
        for row in rows
        if not row["object_key"].startswith("_")  # custom fields, stages made
    ]


def delta_counts(run):
    """``{object key: {unchanged, changed, new, deleted}}`` of this run's journal.

    Changed: the row's content differs from what the last run saw (updated, or
    read again with no field to change); unchanged: skipped without a look (a
    journal row per batch, their ids in it).
    """
    run.env.flush_all()
    run.env.cr.execute(
        """
        SELECT object_key,
               coalesce(sum(json_array_length(unchanged_ids::json))
                            FILTER (WHERE unchanged_ids IS NOT NULL), 0),
               count(*) FILTER (WHERE operation = 'update'
                                   OR (operation = 'skip'
                                       AND unchanged_ids IS NULL)),
               count(*) FILTER (WHERE operation = 'create'),
               count(*) FILTER (WHERE operation = 'gone')
          FROM migration_log WHERE run_id = %s GROUP BY object_key
        """,
        (run.id,),
    )
    return {
        key: {"unchanged": u, "changed": c, "new": n, "deleted": d}
        for key, u, c, n, d in run.env.cr.fetchall()
    }


def build_report(run):
    """The reconciliation as a dict: per object, then failures, then speed."""
    processed = run.created_count + run.updated_count + run.skipped_count
    delta = delta_counts(run) if run.mode == "delta" else {}
    objects = []
    for line in run.object_ids.sorted("sequence"):
        row = {
            "object": line.object_key,
            "label": line.name,
            "target_model": line.model,
            "source_count": line.source_count,
            "created": line.created_count,
            "updated": line.updated_count,
            "skipped": line.skipped_count,
            "unchanged": line.skipped_count,
            "failed": line.failed_count,
            "duplicates": line.duplicate_count,
            "deleted_in_source": line.gone_count,
            "seconds": round(line.duration, 2),
            "diff": {
                "fields_checked": line.diff_checked_count,
                "matches": line.diff_match_count,
                "mismatches": line.diff_mismatch_count,
                "missing": line.diff_missing_count,
                "not_migrated": line.diff_not_migrated_count,
            },
            "owners": {
                "with_owner": line.owner_count,
                "matched": line.owner_matched_count,
            },
        }
        if run.mode == "delta":
            row["delta"] = delta.get(
                line.object_key,
                {"unchanged": 0, "changed": 0, "new": 0, "deleted": 0},
            )
        objects.append(row)
    report = {
        "project": run.project_id.name,
        "project_id": run.project_id.id,
        "platform": run.project_id.platform,
        "run": run.id,
        "mode": run.mode,
        "state": run.state,
        "objects": objects,
        "failures": failures(run),
        "warnings": warnings(run),
        "unmatched_owners": run._get_unmatched_owners(),
        "owner_resolution": {
            "records_with_owner": run.owner_count,
            "matched": run.owner_matched_count,
            "rate": round(run.owner_rate, 1),
        },
        "diff": {
            "fields_checked": run.diff_checked_count,
            "matches": run.diff_match_count,
            "mismatches": run.diff_mismatch_count,
            "missing": run.diff_missing_count,
        },
        "duration_seconds": round(run.duration, 2),
        "records_per_second": round(processed / run.duration, 1) if run.duration else 0,
    }
    if run.mode == "delta":
        report["delta"] = {
            name: sum(counts[name] for counts in delta.values())
            for name in ("unchanged", "changed", "new", "deleted")
        }
    if run.mode == "sample":
        report["sample_size"] = sum(len(ids) for ids in run._get_sample().values())
    if run.rollback_summary:
        report["rollback"] = run._rollback_rows()
    return report


def reconciliation_csv(run):
    report = build_report(run)
    out = io.StringIO(newline="")
    writer = SafeWriter(out)
    writer.writerow(
        [
            "Object",
            "Odoo model",
            "In source",
            "Created",
            "Updated",
            "Unchanged",
            "Failed",
            "Repeated rows",
            "Deleted in the old system",
            "Fields checked",
            "Matches",
            "Mismatches",
            "Missing",
            "Records with an owner",
            "Owners matched",
        ]
    )
    for row in report["objects"]:
        writer.writerow(
            [
                row["label"],
                row["target_model"],
                row["source_count"],
                row["created"],
                row["updated"],
                row["unchanged"],
                row["failed"],
                row["duplicates"],
                row["deleted_in_source"],
                row["diff"]["fields_checked"],
                row["diff"]["matches"],
                row["diff"]["mismatches"],
                row["diff"]["missing"],
                row["owners"]["with_owner"],
                row["owners"]["matched"],
            ]
        )
    if report["failures"]:
        writer.writerow([])
        writer.writerow(
            [
                "Failure: object",
                "Id in the old system",
                "Reason",
                "Action taken",
                "File",
                "Line",
            ]
        )
        for failure in report["failures"]:
            writer.writerow(
                [
                    failure["object"],
                    failure["source_id"] or "",
                    failure["reason"],
                    failure["action"],
                    failure["file"] or "",
                    failure["line"] or "",
                ]
            )
    if report.get("rollback"):
        writer.writerow([])
        writer.writerow(["Rolled back: Odoo model", "Deleted", "Restored"])
        for row in report["rollback"]:
            writer.writerow([row["model"], row["deleted"], row["restored"]])
    return out.getvalue().encode("utf-8-sig")


def diff_csv(run):
    out = io.StringIO(newline="")
    writer = SafeWriter(out)
    writer.writerow(DIFF_CSV_HEADER)
    for line in run.diff_line_ids.sorted("id"):
        writer.writerow([line[name] or "" for name in DIFF_CSV_FIELDS])
    return out.getvalue().encode("utf-8-sig")


def summary_html(run):
    rows = Markup("").join(
        Markup("<li>%s</li>")
        % run.env._(
            "%(object)s: %(in_source)s in the source, %(created)s created, "
            "%(updated)s updated, %(unchanged)s unchanged, %(failed)s failed",
            object=line.name,
            in_source=line.source_count,
            created=line.created_count,
            updated=line.updated_count,
            unchanged=line.skipped_count,
            failed=line.failed_count,
        )
        for line in run.object_ids.sorted("sequence")
    )
    checks = Markup("")
    if run.diff_checked_count:
        checks = Markup("<p>%s</p>") % run.env._(
            "%(checked)s fields read back from Odoo: %(mismatches)s mismatches, "
            "%(missing)s missing.",
            checked=run.diff_checked_count,
            mismatches=run.diff_mismatch_count,
            missing=run.diff_missing_count,
        )
    modes = dict(run._fields["mode"].selection)
    title = run.env._(
        "%(mode)s run finished in %(seconds)s s.",
        mode=modes[run.mode],
        seconds=round(run.duration, 1),
    )
    if run.mode == "full":
        title = run.env._(
            "Migration finished in %(seconds)s s.", seconds=round(run.duration, 1)
        )
    return Markup("%s<ul>%s</ul>%s") % (title, rows, checks)


#: Bars of an object in the report's chart, in order: key, counter, colour.
CHART_OUTCOMES = (
    ("created", "created_count", "#2e7d32"),
    ("updated", "updated_count", "#1565c0"),
    ("unchanged", "skipped_count", "#9e9e9e"),
    ("failed", "failed_count", "#c62828"),
)
#: Parts of a field's bar in the mismatches chart: status, colour.
CHART_CHECKS = (
    ("mismatch", "#ef6c00"),
    ("missing", "#c62828"),
)
#: Widest bar, in percent of its cell: room is left for the count after it.
CHART_WIDTH = 80.0
#: Fields the mismatches chart shows at most (the most mismatched first).
CHART_FIELDS = 30


def _width(count, largest):
    """Width of a bar in percent of its cell, a sliver for any count above zero."""
    if not count or not largest:
        return 0
    return max(0.5, round(CHART_WIDTH * count / largest, 1))


def chart(run):
    """The pictures of the PDF report, computed here and drawn as plain HTML bars.

    ``objects``: per object, one bar per outcome (created, updated, unchanged,
    failed) with its count; ``fields``: per field of an object with differences,
    its mismatches and missing values, the most first. Widths are percentages of
    the largest count of each chart.
    """
    env = run.env
    labels = {
        "created": env._("Created"),
        "updated": env._("Updated"),
        "unchanged": env._("Unchanged"),
        "failed": env._("Failed"),
        "mismatch": env._("Different from the old system"),
        "missing": env._("Empty in Odoo"),
    }
    lines = run.object_ids.sorted("sequence")
    largest = max(
        (line[column] for line in lines for _key, column, _colour in CHART_OUTCOMES),
        default=0,
    )
    objects = [
        {
            "key": line.object_key,
            "label": line.name,
            "bars": [
                {
                    "key": key,
                    "label": labels[key],
                    "count": line[column],
                    "colour": colour,
                    "width": _width(line[column], largest),
                }
                for key, column, colour in CHART_OUTCOMES
            ],
        }
        for line in lines
    ]
    counts = {}
    for object_label, field_label, status, count in env[
        "migration.diff.line"
    ]._read_group(
        [("run_id", "=", run.id), ("status", "in", [s for s, _c in CHART_CHECKS])],
        ["object_label", "field_label", "status"],
        ["__count"],
    ):
        key = (object_label or "", field_label or "")
        counts.setdefault(key, dict.fromkeys((s for s, _c in CHART_CHECKS), 0))
        counts[key][status] = count
    ranked = sorted(counts.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    widest = max((sum(c.values()) for _k, c in ranked), default=0)
    fields = [
        {
            "object": object_label,
            "field": field_label,
            "total": sum(by_status.values()),
            "parts": [
                {
                    "key": status,
                    "label": labels[status],
                    "count": by_status[status],
                    "colour": colour,
                    "width": _width(by_status[status], widest),
                }
                for status, colour in CHART_CHECKS
            ],
        }
        for (object_label, field_label), by_status in ranked[:CHART_FIELDS]
    ]
    return {
        "legend": [
            {"label": labels[key], "colour": colour}
            for key, _column, colour in CHART_OUTCOMES
        ],
        "check_legend": [
            {"label": labels[status], "colour": colour}
            for status, colour in CHART_CHECKS
        ],
        "objects": objects,
        "fields": fields,
        "fields_left_out": max(0, len(ranked) - CHART_FIELDS),
    }
