#!/usr/bin/env python3
# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: migrate a generated The Customer Factor export, print speed and memory.

    python3 tools/bench_tcf.py --config odoo.conf --database DB \\
        [--customers 10000] [--jobs 30000] [--profile out.pstats]

The export is generated with a fixed seed (tools/generate_tcf_export.py). The run goes
through the real engine, journal and rollback data included, in one transaction that
is committed (so the numbers include the commit), then rolled back from the journal,
which is timed too. Run it on a throwaway database: `make bench` makes one.
"""

import argparse
import cProfile
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_tcf_export import generate


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--customers", type=int, default=10000)
    parser.add_argument("--jobs", type=int, default=30000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--profile", help="write cProfile stats of the run here")
    parser.add_argument(
        "--keep", action="store_true", help="do not roll back at the end"
    )
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="also time Odoo's own import (load()) of the same customers and jobs",
    )
    args = parser.parse_args()

    import odoo
    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    with tempfile.TemporaryDirectory() as tmp:
        export = os.path.join(tmp, "tcf_export.zip")
        started = time.monotonic()
        info = generate(export, customers=args.customers, jobs=args.jobs, seed=42)
        print(
            f"Generated {args.customers} customers, {args.jobs} jobs "
            f"({info['bytes'] / 1e6:.1f} MB) in {time.monotonic() - started:.1f} s"
        )
        rss_before = peak_rss_mb()
        registry = odoo.modules.registry.Registry(args.database)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            project = env["migration.project"].create(
                {
                    "name": f"Benchmark {time.strftime('%H:%M:%S')}",
                    "platform": "the_customer_factor",
                    "batch_size": args.batch_size,
                }
            )
            sources = [("tcf_export.zip", export)]
            project._confirm_mapping(sources)
            profiler = cProfile.Profile() if args.profile else None
            started = time.monotonic()
            if profiler:
                profiler.enable()
            run = project.run_now("full", sources=sources)
            env.flush_all()
            cr.commit()
            elapsed = time.monotonic() - started
            if profiler:
                profiler.disable()
                profiler.dump_stats(args.profile)
            report = run._report()
            landed = run.created_count + run.updated_count + run.skipped_count
            same = [r for r in report["objects"] if r["object"] in ("customer", "job")]
            same_count = sum(r["created"] for r in same)
            same_seconds = sum(r["seconds"] for r in same)
            print(
                f"{'object':<34}{'source':>8}{'created':>9}{'failed':>8}{'s':>8}{'rec/s':>8}"
            )
            for row in report["objects"]:
                rate = row["created"] / row["seconds"] if row["seconds"] else 0
                print(
                    f"{row['label']:<34}{row['source_count']:>8}{row['created']:>9}"
                    f"{row['failed']:>8}{row['seconds']:>8.1f}{rate:>8.0f}"
                )
            print(
                f"\nFull run: {landed} records in {elapsed:.1f} s = "
                f"{landed / elapsed:.0f} records/s (journal and commit included)"
            )
            print(
                f"Customers and jobs alone: {same_count} records in "
                f"{same_seconds:.1f} s = {same_count / same_seconds:.0f} records/s"
            )
            print(
                f"Peak memory: {peak_rss_mb():.0f} MB "
                f"(before the run: {rss_before:.0f} MB)"
            )
            if args.keep:
                return
            started = time.monotonic()
            project._rollback()
            cr.commit()
            print(f"Rollback: {time.monotonic() - started:.1f} s")
            if args.baseline:
                baseline(env, export, args.batch_size)
                cr.rollback()


def baseline(env, export, batch_size):
    """Odoo's own import path, driven as well as a user can: ``load()`` in batches of
    the customers (as contacts) then the jobs (as opportunities linked to them), with
    tracking off, external ids for the links, and the same cleaning a user would do
    beforehand (money as numbers, dates as ISO)."""
    import csv
    import io
    import zipfile
    from datetime import datetime

    env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True))
    with zipfile.ZipFile(export) as archive:
        customers = list(
            csv.DictReader(
                io.StringIO(archive.read("customers.csv").decode("utf-8-sig"))
            )
        )
        jobs = list(
            csv.DictReader(io.StringIO(archive.read("jobs.csv").decode("utf-8")))
        )

    def iso(text):
        try:
            return datetime.strptime(text, "%m/%d/%y").strftime("%Y-%m-%d")
        except ValueError:
            return ""

    def money(text):
        text = text.replace("$", "").replace(",", "")
        return text if text.replace(".", "").isdigit() else ""

    seen, partner_rows = set(), []
    for row in customers:
        if row["Id"] in seen:
            continue
        seen.add(row["Id"])
        name = row["Company Name"] or row["Customer Name"] or row["Email"] or row["Id"]
        partner_rows.append(
            [
                f"__baseline__.c{row['Id']}",
                name,
                row["Email"].strip(),
                row["Home Phone"],
                row["Cell Phone"],
                row["Street Address"],
                row["City"],
                row["Zip Code"],
            ]
        )
    lead_rows = [
        [
            f"__baseline__.j{row['Job Id']}",
            f"{row['Job Type']} ({row['Job Date']})",
            f"__baseline__.c{row['Id']}",
            money(row["Price"]),
            iso(row["Job Date"]),
            "opportunity",
        ]
        for row in jobs
        if row["Id"] in seen
    ]
    started = time.monotonic()
    partner_fields = ["id", "name", "email", "phone", "mobile", "street", "city", "zip"]
    for index in range(0, len(partner_rows), batch_size):
        env["res.partner"].load(
            partner_fields, partner_rows[index : index + batch_size]
        )
    lead_fields = [
        "id",
        "name",
        "partner_id/id",
        "expected_revenue",
        "date_deadline",
        "type",
    ]
    for index in range(0, len(lead_rows), batch_size):
        result = env["crm.lead"].load(
            lead_fields, lead_rows[index : index + batch_size]
        )
        if result["messages"]:
            print("load() said:", result["messages"][:2])
    elapsed = time.monotonic() - started
    count = len(partner_rows) + len(lead_rows)
    print(
        f"Baseline, Odoo's load(): {count} customers and jobs in {elapsed:.1f} s "
        f"= {count / elapsed:.0f} records/s (no journal, no rollback)"
    )


if __name__ == "__main__":
    main()
