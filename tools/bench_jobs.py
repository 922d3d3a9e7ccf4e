#!/usr/bin/env python3
# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: a full run on the job queue (OCA queue_job), N workers, a real server.

    python3 tools/bench_jobs.py --config odoo.conf --database DB \\
        [--customers 10000] [--jobs 30000] [--workers 1 2]

For each worker count: a The Customer Factor export is generated (fixed seed,
tools/generate_tcf_export.py) and attached to a new project, mapped and queued as
the administrator's *Start* button does; then an Odoo server is started as one
would run it in production with the job queue: prefork workers, one cron worker,
``queue_job`` loaded server-wide, its runner on the channel
``root.flitstack_migration`` with N workers. The script waits for the run to
finish, prints the load's wall time (first job started to the totals job done),
records per second, each object's jobs, the workers' peak memory, then stops the
server and rolls the run back. Run it on a throwaway database: ``make bench-jobs``
makes one (the database needs flitstack_migration and queue_job installed).
"""

import argparse
import base64
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate_tcf_export import generate

#: seconds the run may take before the benchmark gives up
TIMEOUT = 3 * 3600


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def worker_peaks_mb(server_pid):
    """Peak resident memory (VmHWM) of each process of the server, in MB."""
    peaks = []
    pids = [server_pid]
    try:
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(server_pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        pids += [int(pid) for pid in children]
    except OSError:
        pass
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        peaks.append(int(line.split()[1]) / 1024)
        except OSError:
            continue
    return peaks


def queue_run(env, export, batch_size):
    """A project with the export attached, mapped, its full run queued."""
    with open(export, "rb") as handle:
        attachment = env["ir.attachment"].create(
            {"name": "tcf_export.zip", "datas": base64.b64encode(handle.read())}
        )
    project = env["migration.project"].create(
        {
            "name": f"Job queue benchmark {time.strftime('%H:%M:%S')}",
            "platform": "the_customer_factor",
            "batch_size": batch_size,
            "source_attachment_ids": [(6, 0, attachment.ids)],
        }
    )
    project.action_discover()
    project.action_confirm_mapping()
    action = project.action_start_run()
    return project, env["migration.run"].browse(action["res_id"])


def serve(args, workers):
    """Start the Odoo server with the job runner; returns the process."""
    port = free_port()
    env = dict(
        os.environ,
        ODOO_QUEUE_JOB_CHANNELS=f"root:{workers},root.flitstack_migration:{workers}",
        ODOO_QUEUE_JOB_PORT=str(port),
    )
    command = [
        sys.executable,
        str(REPO / "scripts" / "odoo"),
        "-c",
        args.config,
        "-d",
        args.database,
        f"--db-filter=^{args.database}$",
        f"--http-port={port}",
        f"--workers={workers + 1}",
        "--max-cron-threads=1",
        "--load=base,web,queue_job",
        "--limit-time-real=1800",
        "--limit-time-cpu=1800",
        "--limit-memory-soft=4294967296",
        "--limit-memory-hard=8589934592",
        f"--logfile={args.logfile}",
    ]
    return subprocess.Popen(command, env=env, start_new_session=True)


def wait(registry, run_id, server):
    """Poll the run until it is over; returns its state."""
    import odoo

    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the Odoo server stopped (exit code {server.returncode})")
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            run = env["migration.run"].browse(run_id)
            if run.state not in ("queued", "running"):
                return run.state
            failed = run.batch_ids._failed_jobs()
            if failed:
                raise SystemExit(f"a job failed: {failed[0].exc_info}")
        time.sleep(2)
    raise SystemExit("the run did not finish in time")


def report(env, run, peaks):
    """Print the load's time and speed, object by object."""
    env.cr.execute(
        """
        SELECT MIN(j.date_started), MAX(j.date_done)
          FROM queue_job j JOIN migration_run_batch b ON b.job_uuid = j.uuid
         WHERE b.run_id = %s
        """,
        (run.id,),
    )
    first, last = env.cr.fetchone()
    load = (last - first).total_seconds()
    done = run.records_done
    print(f"{'object':<34}{'jobs':>6}{'created':>9}{'failed':>8}{'wall s':>8}")
    for line in run.object_ids.sorted("sequence"):
        env.cr.execute(
            """
            SELECT COUNT(*), MIN(j.date_started), MAX(j.date_done)
              FROM queue_job j JOIN migration_run_batch b ON b.job_uuid = j.uuid
             WHERE b.run_id = %s AND b.object_key = %s
            """,
            (run.id, line.object_key),
        )
        jobs, start, end = env.cr.fetchone()
        wall = (end - start).total_seconds() if start and end else 0
        print(
            f"{line.name:<34}{jobs:>6}{line.created_count:>9}{line.failed_count:>8}"
            f"{wall:>8.1f}"
        )
    total = (run.date_end - run.date_start).total_seconds()
    print(
        f"\nLoad on the job queue: {done} records in {load:.1f} s = "
        f"{done / load:.0f} records/s (journal included; from the first job's "
        f"start to the totals job's end)"
    )
    print(f"Whole run (files, custom fields, load, field check, report): {total:.0f} s")
    if peaks:
        print(
            f"Peak memory of the server's processes: {max(peaks):.0f} MB "
            f"(of {len(peaks)} processes)"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--customers", type=int, default=10000)
    parser.add_argument("--jobs", type=int, default=30000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()

    import odoo
    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    args.logfile = str(Path(args.config).with_name("bench-jobs-server.log"))
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if "queue.job" not in env:
            raise SystemExit("queue_job is not installed in this database")
        env["ir.config_parameter"].set_param("flitstack_migration.job_queue", "always")
    with tempfile.TemporaryDirectory() as tmp:
        export = os.path.join(tmp, "tcf_export.zip")
        info = generate(export, customers=args.customers, jobs=args.jobs, seed=42)
        print(
            f"Generated {args.customers} customers, {args.jobs} jobs "
            f"({info['bytes'] / 1e6:.1f} MB)"
        )
        for workers in args.workers:
            with registry.cursor() as cr:
                env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
                project, run = queue_run(env, export, args.batch_size)
                run_id, project_id = run.id, project.id
            print(f"\n== {workers} queue_job worker(s) ==")
            server = serve(args, workers)
            try:
                state = wait(registry, run_id, server)
                peaks = worker_peaks_mb(server.pid)
            finally:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=120)
            with registry.cursor() as cr:
                env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
                run = env["migration.run"].browse(run_id)
                if state != "done":
                    raise SystemExit(f"the run ended {state}: {run.error_message}")
                report(env, run, peaks)
                started = time.monotonic()
                env["migration.project"].browse(project_id)._rollback()
                cr.commit()
                print(f"Rollback: {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
