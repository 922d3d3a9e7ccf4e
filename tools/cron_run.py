#!/usr/bin/env python3
# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Run a generated export through a real Odoo server's cron; optionally kill it.

    python3 tools/cron_run.py --config odoo.conf --database DB \\
        [--customers 10000] [--jobs 30000] [--batch-size 500] [--workers 2] \\
        [--kills 0] [--seed 42] [--timeout 7200]

Made to be run by ``scripts/cron_run.sh``, which makes a throwaway database.

1. A The Customer Factor export is generated (tools/generate_tcf_export.py, fixed
   seed), uploaded to a new project, discovered, its map confirmed, and its full
   run queued, as the admin does in the web client.
2. ``odoo-bin`` is started as a production server runs it: in multi-process mode
   (``--workers``, without its HTTP workers, which the cron does not need) with
   one cron worker, ``limit_time_real`` and ``limit_time_cpu`` left at
   Odoo's defaults (120 s and 60 s), the addon's own slices (60 s at most, half of
   ``limit_time_real`` shared by the cron's ten calls in a row). The run goes
   through the cron to the end; the script prints its slices, time and rows/s.
3. With ``--kills N``, the server is killed (SIGKILL, the whole process group) N
   times, each at a random batch (after a random number of new journal rows),
   and started again. At the end the script checks that the run finished with 0
   records lost (every object's rows are created, failed or repeated rows), 0
   created twice, and a journal that matches the database exactly: every record
   the journal says was created exists, under its external id, and no external
   id of the project lacks its journal row. Exit code 1 when a check fails.
"""

import argparse
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate_tcf_export import generate


def queue_run(registry, export, batch_size):
    """A project on the export, discovered and confirmed, its full run queued."""
    import odoo

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        attachment = env["ir.attachment"].create(
            {"name": export.name, "raw": export.read_bytes()}
        )
        project = env["migration.project"].create(
            {
                "name": f"Cron run {time.strftime('%H:%M:%S')}",
                "platform": "the_customer_factor",
                "batch_size": batch_size,
                "source_attachment_ids": [(6, 0, attachment.ids)],
                "fallback_user_id": env.ref("base.user_admin").id,
            }
        )
        project.action_discover()
        project.action_confirm_mapping()
        run = env["migration.run"].browse(project.action_start_run()["res_id"])
        return project.id, run.id


def run_state(registry, run_id):
    import odoo

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        cr.execute("SELECT count(*) FROM migration_log WHERE run_id = %s", [run_id])
        journal = cr.fetchone()[0]
        run = env["migration.run"].browse(run_id)
        return {
            "state": run.state,
            "stage": run.stage,
            "done": run.records_done,
            "total": run.records_total,
            "slices": run.slice_count,
            "attempts": run.attempt_count,
            "error": run.error_message,
            "journal": journal,
        }


class Server:
    """``odoo-bin`` in multi-process mode with a cron worker, in a process group of
    its own."""

    def __init__(self, args, logfile):
        self.args = args
        self.logfile = logfile
        self.process = None

    def start(self):
        command = [
            sys.executable,
            str(REPO / "scripts" / "odoo"),
            "-c",
            self.args.config,
            "-d",
            self.args.database,
            f"--db-filter=^{self.args.database}$",
            # multi-process mode, as a production server; the cron worker alone
            # (no HTTP workers, nor the long-polling process they would spawn)
            f"--workers={self.args.workers}",
            "--max-cron-threads=1",
            "--no-http",
            f"--logfile={self.logfile}",
            "--log-level=info",
        ]
        self.process = subprocess.Popen(command, start_new_session=True)

    def rss_mb(self):
        """The largest resident memory of the server's processes (MB)."""
        largest = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            # fields[2] is the process group, fields[21] the resident pages
            if self.process and int(fields[2]) == self.process.pid:
                largest = max(largest, int(fields[21]) * os.sysconf("SC_PAGE_SIZE"))
        return largest / 2**20

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


def check(registry, project_id, run_id):
    """The end checks; returns the list of what is wrong (empty: all good)."""
    import odoo

    from odoo.addons.flitstack_migration.engine.loader import xid_name

    problems = []
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        run = env["migration.run"].browse(run_id)
        project = env["migration.project"].browse(project_id)
        if run.state != "done":
            problems.append(f"the run is {run.state} ({run.error_message})")
        for line in run.object_ids:
            landed = line.created_count + line.failed_count + line.duplicate_count
            if landed != line.source_count:
                problems.append(
                    f"{line.object_key}: {line.source_count} rows, but {landed} "
                    "created, failed or repeated"
                )
        cr.execute(
            """
            SELECT object_key, source_id, model, res_id FROM migration_log
             WHERE run_id = %s AND operation = 'create' AND object_key NOT LIKE '\\_%%'
            """,
            [run_id],
        )
        creates = cr.fetchall()
        twice = [
            k for k, n in Counter((o, s) for o, s, _m, _r in creates).items() if n > 1
        ]
        if twice:
            problems.append(f"{len(twice)} records created twice, e.g. {twice[:3]}")
        xids = {
            (xid.name, xid.model): xid.res_id
            for xid in env["ir.model.data"].search(
                [("module", "=", project._xid_module())]
            )
        }
        journal = set()
        for object_key, source_id, model, res_id in creates:
            key = (xid_name(object_key, source_id), model)
            journal.add(key)
            if not env[model].browse(res_id).exists():
                problems.append(f"{model} {res_id} of the journal does not exist")
            elif xids.get(key) != res_id:
                problems.append(f"{model} {res_id} has no external id {key[0]}")
        extra = set(xids) - journal
        if extra:
            problems.append(
                f"{len(extra)} external ids without a journal row, e.g. "
                f"{sorted(extra)[:3]}"
            )
        print(
            f"Checked: {len(creates)} records created, each once, each with its "
            f"external id; {len(xids)} external ids of the project"
        )
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--customers", type=int, default=10000)
    parser.add_argument("--jobs", type=int, default=30000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kills", type=int, default=0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--timeout", type=int, default=7200)
    args = parser.parse_args()

    import odoo
    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    chance = random.Random(args.seed)
    logfile = Path(config["logfile"] or "odoo.log").with_name("cron-run-server.log")
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "tcf_export.zip"
        started = time.monotonic()
        info = generate(export, customers=args.customers, jobs=args.jobs, seed=42)
        rows = sum(n for name, n in info["counts"].items() if name.endswith(".csv"))
        print(
            f"Generated {rows} rows ({args.customers} customers, {args.jobs} jobs; "
            f"{info['bytes'] / 1e6:.1f} MB) in {time.monotonic() - started:.0f} s"
        )
        started = time.monotonic()
        project_id, run_id = queue_run(registry, export, args.batch_size)
        print(f"Uploaded, discovered and queued in {time.monotonic() - started:.0f} s")
    server = Server(args, logfile)
    kills = []
    started = time.monotonic()
    server.start()
    next_kill = None
    peak_rss = 0.0
    try:
        last = None
        while time.monotonic() - started < args.timeout:
            time.sleep(2)
            peak_rss = max(peak_rss, server.rss_mb())
            state = run_state(registry, run_id)
            if state["state"] not in ("queued", "running"):
                break
            if state["attempts"] >= 3:
                print("The run is stalled:", state["error"])
                break
            seen = (state["stage"], state["done"], state["slices"])
            if seen != last:
                print(
                    f"{time.monotonic() - started:7.0f} s  {state['stage']:<8} "
                    f"{state['done']:>7}/{state['total']:<7} records, "
                    f"{state['slices']} slices"
                )
                last = seen
            if len(kills) >= args.kills:
                continue
            if next_kill is None:
                next_kill = state["journal"] + chance.randint(1, 3 * args.batch_size)
            if state["stage"] == "load" and state["journal"] >= next_kill:
                server.kill()
                kills.append(state["journal"])
                print(
                    f"Killed the server (SIGKILL) with {state['journal']} journal rows"
                )
                next_kill = None
                server.start()
    finally:
        server.stop()
    elapsed = time.monotonic() - started
    state = run_state(registry, run_id)
    print(
        f"\nRun {state['state']} after {elapsed:.0f} s: {state['done']} records in "
        f"{state['slices']} slices, {state['done'] / elapsed:.1f} records/s "
        f"(server start{'s' if kills else ''} and {len(kills)} kills included)"
    )
    print(
        f"Peak memory of one server process (the cron worker's, sampled every 2 s): "
        f"{peak_rss:.0f} MB; of this script: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    print(f"The server's log: {logfile}")
    problems = check(registry, project_id, run_id)
    for problem in problems:
        print("FAILED:", problem)
    if not problems:
        print("OK: 0 records lost, 0 duplicated, the journal matches the database")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
