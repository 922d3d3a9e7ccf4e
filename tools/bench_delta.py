#!/usr/bin/env python3
# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: a full run of a generated export, then a delta with 1% of rows changed.

    python3 tools/bench_delta.py --config odoo.conf --database DB \\
        [--customers 10000] [--jobs 30000 | --rows 100000] [--changed 0.01]

The export is generated with a fixed seed (tools/generate_tcf_export.py). The full run
goes through the real engine (the field check that reads every record back included)
and is committed; then one row in a hundred of customers.csv and jobs.csv changes (a
customer's city, a job's price) and a delta run picks the changes up. Both times are
printed, then both runs are rolled back from the journal (unless --keep). Run it on a
throwaway database with the addon installed.
"""

import argparse
import cProfile
import csv
import io
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_tcf_export import generate, size_for_rows


def change_rows(src, dst, share):
    """Copy the export, changing ``share`` of the customers' and jobs' rows."""
    step = max(1, round(1 / share))
    changed = {}
    edits = {"customers.csv": ("City", "Delta City"), "jobs.csv": ("Price", "$999.00")}
    with (
        zipfile.ZipFile(src) as zin,
        zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename in edits:
                column, value = edits[info.filename]
                encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
                rows = list(
                    csv.DictReader(io.StringIO(data.decode(encoding), newline=""))
                )
                for index, row in enumerate(rows):
                    if index % step == step - 1:
                        row[column] = value
                changed[info.filename] = len(rows[step - 1 :: step])
                out = io.StringIO(newline="")
                writer = csv.DictWriter(
                    out, fieldnames=list(rows[0]), lineterminator="\r\n"
                )
                writer.writeheader()
                writer.writerows(rows)
                data = out.getvalue().encode(encoding)
            zout.writestr(info, data)
    return changed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--customers", type=int, default=10000)
    parser.add_argument("--jobs", type=int, default=30000)
    parser.add_argument(
        "--rows",
        type=int,
        help="size the export by its data rows instead (10000, 100000, 1000000): "
        "customers and three jobs each, with the rest in proportion",
    )
    parser.add_argument(
        "--changed", type=float, default=0.01, help="share of rows changed"
    )
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument(
        "--keep", action="store_true", help="do not roll back at the end"
    )
    parser.add_argument("--profile", help="write cProfile stats of the delta run here")
    args = parser.parse_args()
    if args.rows:
        args.customers, args.jobs = size_for_rows(args.rows)

    import odoo
    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    with tempfile.TemporaryDirectory() as tmp:
        export = os.path.join(tmp, "tcf_export.zip")
        newer = os.path.join(tmp, "tcf_export_newer.zip")
        info = generate(export, customers=args.customers, jobs=args.jobs, seed=42)
        changed = change_rows(export, newer, args.changed)
        print(
            f"Generated {args.customers} customers, {args.jobs} jobs "
            f"({sum(info['counts'].values())} data rows in the files); "
            f"the newer export changes {changed}"
        )
        registry = odoo.modules.registry.Registry(args.database)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            project = env["migration.project"].create(
                {
                    "name": f"Delta benchmark {time.strftime('%H:%M:%S')}",
                    "platform": "the_customer_factor",
                    "batch_size": args.batch_size,
                }
            )
            sources = [("tcf_export.zip", export)]
            project._confirm_mapping(sources)
            started = time.monotonic()
            full = project.run_now("full", sources=sources)
            env.flush_all()
            cr.commit()
            full_time = time.monotonic() - started
            landed = full.created_count + full.updated_count + full.skipped_count
            print(
                f"Full run: {landed} records in {full_time:.1f} s "
                f"({full.diff_checked_count} fields checked)"
            )
            profiler = cProfile.Profile() if args.profile else None
            started = time.monotonic()
            if profiler:
                profiler.enable()
            delta = project.run_now("delta", sources=[("tcf_export_newer.zip", newer)])
            env.flush_all()
            cr.commit()
            delta_time = time.monotonic() - started
            if profiler:
                profiler.disable()
                profiler.dump_stats(args.profile)
            report = delta._report()
            print(
                f"Delta run: {report['delta']} in {delta_time:.1f} s "
                f"({delta.diff_checked_count} fields checked)"
            )
            print(
                f"Delta / full: {100 * delta_time / full_time:.1f}% of the full "
                "run's time"
            )
            if args.keep:
                return
            # as the administrator rolls the project back: both runs, newest first,
            # in one transaction
            started = time.monotonic()
            project._rollback()
            cr.commit()
            print(f"Rollback of both: {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
