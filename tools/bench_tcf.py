#!/usr/bin/env python3
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

from generate_tcf_export import generate  # noqa: E402


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
    parser.add_argument("--keep", action="store_true", help="do not roll back at the end")
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
            print(f"{'object':<34}{'source':>8}{'created':>9}{'failed':>8}{'s':>8}{'rec/s':>8}")
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
            print(f"Peak memory: {peak_rss_mb():.0f} MB (before the run: {rss_before:.0f} MB)")
            if args.keep:
                return
            started = time.monotonic()
            project._rollback()
            cr.commit()
            print(f"Rollback: {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
