#!/usr/bin/env python3
# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: migrate a generated The Customer Factor export, print speed and memory.

    python3 tools/bench_tcf.py --config odoo.conf --database DB \\
        [--customers 10000] [--jobs 30000 | --rows 100000] [--profile out.pstats]
        [--baseline]

The export is generated with a fixed seed (tools/generate_tcf_export.py). The run goes
through the real engine, journal and rollback data included, in one transaction that
is committed (so the numbers include the commit), then rolled back from the journal,
which is timed too. Where the run's time goes is measured by timing the engine's
parts (Odoo's create, the transform, the journal, external ids, hashing, the field
check) as they are called. With ``--baseline``, Odoo's own ``load()`` then imports the
same export, object by object, and each object's speed is compared with ours. Run it
on a throwaway database: `make bench` makes one.
"""

import argparse
import contextlib
import cProfile
import multiprocessing
import os
import resource
import sys
import tempfile
import threading
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_tcf_export import generate, size_for_rows


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb():
    """The process's resident memory now (Linux), in MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class MemoryTrace:
    """Resident memory along the run, per part: sampled every half second by a
    thread, and at the start and end of each object the engine loads. With
    ``top``, also what Python allocated during each object and still holds at its
    end (tracemalloc, which slows the run down), by line of code: what makes memory
    grow with the record count, rather than a peak that passes."""

    def __init__(self, top=0):
        self.top = top
        self.label = "before the objects"
        self.rows = []  # [label, rss at start, peak while it ran, rss at end]
        self.growth = []  # (label, [(MB, where), ...])
        self._stop = threading.Event()
        self._undo = []
        self._snapshot = None
        self._current = [self.label, rss_mb(), rss_mb(), None]
        self.rows.append(self._current)
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while not self._stop.wait(0.5):
            current = self._current
            current[2] = max(current[2], rss_mb())

    def _begin(self, label):
        now = rss_mb()
        self._current[2] = max(self._current[2], now)
        self._current[3] = now
        if self.top and self._snapshot is not None:
            self._diff(self._current[0])
        self._current = [label, now, now, None]
        self.rows.append(self._current)
        if self.top:
            self._snapshot = tracemalloc.take_snapshot()

    def _diff(self, label):
        snapshot = tracemalloc.take_snapshot()
        stats = snapshot.compare_to(self._snapshot, "lineno")
        self.growth.append(
            (
                label,
                [
                    (stat.size_diff / 2**20, str(stat.traceback))
                    for stat in stats[: self.top]
                    if stat.size_diff > 0
                ],
            )
        )

    def start(self):
        from odoo.addons.flitstack_migration.engine import loader

        if self.top:
            tracemalloc.start()
            self._snapshot = tracemalloc.take_snapshot()
        original = loader.MigrationEngine._load_object
        trace = self

        def traced(engine, obj, *args, **kwargs):
            trace._begin(obj.label)
            try:
                return original(engine, obj, *args, **kwargs)
            finally:
                trace._begin(f"after {obj.label}")

        loader.MigrationEngine._load_object = traced
        self._undo.append((loader.MigrationEngine, "_load_object", original))
        self._thread.start()

    def stop(self, label="end of the run"):
        self._begin(label)
        self._current[3] = self._current[1]
        self._stop.set()
        for owner, name, original in self._undo:
            setattr(owner, name, original)
        if self.top:
            tracemalloc.stop()

    def print(self):
        print(f"\n{'memory (MB)':<44}{'start':>8}{'peak':>8}{'end':>8}")
        for label, start, peak, end in self.rows:
            if label.startswith("after ") and end is not None and peak - start < 1:
                continue  # nothing happened between two objects
            end = start if end is None else end
            print(f"{label:<44}{start:>8.0f}{peak:>8.0f}{end:>8.0f}")
        for label, lines in self.growth:
            if not lines or sum(mb for mb, _where in lines) < 1:
                continue
            print(f"\nheld at the end of {label}, grown during it:")
            for mb, where in lines:
                print(f"  {mb:>8.1f} MB  {where}")


def sampled(function):
    """Call ``function``; returns its result and the resident memory at its start,
    its peak (sampled every half second) and its end, in MB."""
    stop = threading.Event()
    start = rss_mb()
    peak = [start]

    def sample():
        while not stop.wait(0.5):
            peak[0] = max(peak[0], rss_mb())

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        result = function()
    finally:
        stop.set()
        thread.join()
    end = rss_mb()
    return result, (start, max(peak[0], end), end)


class PhaseTimer:
    """Seconds spent in named parts of the engine, measured by wrapping the
    functions that do each part. Exclusive: while a part runs inside another (the
    field check transforms records again), its time is its own, not the outer
    part's; a part calling itself (the loader's bisection of a failing batch) is
    timed once."""

    def __init__(self):
        self.seconds = {}
        #: {(label, object key): seconds}: each part's time per object of the run
        self.by_object = {}
        #: the object whose batch is being written (set by :meth:`track_object`)
        self.object_key = None
        self._undo = []
        self._stack = []  # [label, started] of the parts running, innermost last

    def wrap(self, label, owner, name):
        original = getattr(owner, name)
        self.seconds.setdefault(label, 0.0)
        timer = self

        def timed(*args, **kwargs):
            if timer._stack and timer._stack[-1][0] == label:
                return original(*args, **kwargs)
            now = time.perf_counter()
            if timer._stack:
                outer = timer._stack[-1]
                timer.seconds[outer[0]] += now - outer[1]
            timer._stack.append([label, now])
            try:
                return original(*args, **kwargs)
            finally:
                now = time.perf_counter()
                spent = now - timer._stack.pop()[1]
                timer.seconds[label] += spent
                key = (label, timer.object_key)
                timer.by_object[key] = timer.by_object.get(key, 0.0) + spent
                if timer._stack:
                    timer._stack[-1][1] = now

        setattr(owner, name, timed)
        self._undo.append((owner, name, original))

    def track_object(self, owner, name):
        """Remember, while ``owner.name(obj, ...)`` runs, whose batch it writes."""
        original = getattr(owner, name)
        timer = self

        def tracked(writer, obj, *args, **kwargs):
            timer.object_key = obj.key
            return original(writer, obj, *args, **kwargs)

        setattr(owner, name, tracked)
        self._undo.append((owner, name, original))

    def restore(self):
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)
        self._undo.clear()


def engine_phases():
    """A :class:`PhaseTimer` on the engine's parts (imported once Odoo is set up)."""
    from odoo.addons.base.models.ir_model import IrModelData
    from odoo.addons.flitstack_migration.engine import journal, loader, transform, write
    from odoo.addons.flitstack_migration.models.migration_run import MigrationRun

    timer = PhaseTimer()
    timer.wrap("Odoo's create (adapters included)", write.Writer, "_create_safe")
    timer.wrap("updates of existing records", write.Writer, "update_batch")
    timer.wrap("transform (values from the row)", transform.Transformer, "transform")
    timer.wrap("journal rows", journal.Journal, "log")
    timer.wrap("journal rows", journal.Journal, "flush")
    timer.wrap("external ids", IrModelData, "_update_xmlids")
    timer.wrap("hashing", loader, "content_hash")
    timer.wrap("field check (read back, compare)", MigrationRun, "_continue_check")
    timer.track_object(write.Writer, "create_batch")
    return timer


@contextlib.contextmanager
def rollback_timer():
    """``{model: [records, seconds, calls]}`` of the rollback's deletions, filled
    while the block runs: where the rollback's time goes."""
    from odoo.addons.flitstack_migration.engine import journal

    by_model = {}
    original = journal._unlink_what_can_go

    def timed(records, kept):
        started = time.perf_counter()
        try:
            return original(records, kept)
        finally:
            row = by_model.setdefault(records._name, [0, 0.0, 0])
            row[0] += len(records)
            row[1] += time.perf_counter() - started
            row[2] += 1

    journal._unlink_what_can_go = timed
    try:
        yield by_model
    finally:
        journal._unlink_what_can_go = original


#: the part of a run that is Odoo's own work, per object: the floor of our speed
CREATE = "Odoo's create (adapters included)"


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
    parser.add_argument(
        "--memory-top",
        type=int,
        default=0,
        metavar="N",
        help="per object, the N lines of code whose allocations grew the most and "
        "are still held at its end (tracemalloc: slows the run down)",
    )
    args = parser.parse_args()
    if args.rows:
        args.customers, args.jobs = size_for_rows(args.rows)

    import odoo
    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    with tempfile.TemporaryDirectory() as tmp:
        export = os.path.join(tmp, "tcf_export.zip")
        started = time.monotonic()
        # in a child process: what the generator holds is not this run's memory
        with ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context("fork")
        ) as pool:
            info = pool.submit(
                generate, export, customers=args.customers, jobs=args.jobs, seed=42
            ).result()
        print(
            f"Generated {args.customers} customers, {args.jobs} jobs: "
            f"{sum(info['counts'].values())} data rows in the files "
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
            phases = engine_phases()
            memory = MemoryTrace(top=args.memory_top)
            memory.start()
            started = time.monotonic()
            if profiler:
                profiler.enable()
            try:
                run = project.run_now("full", sources=sources)
                env.flush_all()
                committed = time.monotonic()
                cr.commit()
            finally:
                phases.restore()
                memory.stop()
            elapsed = time.monotonic() - started
            phases.seconds["commit"] = time.monotonic() - committed
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
            memory.print()
            print("\nWhere the run's time goes:")
            accounted = 0.0
            for label, seconds in sorted(phases.seconds.items(), key=lambda x: -x[1]):
                accounted += seconds
                print(
                    f"  {label:<40}{seconds:>8.1f} s {100 * seconds / elapsed:>5.1f} %"
                )
            rest = elapsed - accounted
            print(
                f"  {'the rest (reading, queries, bookkeeping)':<40}{rest:>8.1f} s "
                f"{100 * rest / elapsed:>5.1f} %"
            )
            if args.keep:
                return
            from odoo.addons.flitstack_migration.engine.rollback_check import (
                RollbackCheck,
            )

            started = time.monotonic()
            check, (start, peak, _end) = sampled(lambda: RollbackCheck(project.run_ids))
            found = {kind: len(items) for kind, items in check.findings.items()}
            print(
                f"\nCheck before the rollback: {time.monotonic() - started:.1f} s, "
                f"memory {start:.0f} MB, peak {peak:.0f} MB; findings {found}"
            )
            del check
            started = time.monotonic()
            with rollback_timer() as by_model:
                _done, (start, peak, end) = sampled(project._rollback)
                cr.commit()
            print(
                f"Rollback: {time.monotonic() - started:.1f} s, memory {start:.0f} MB, "
                f"peak {peak:.0f} MB, end {end:.0f} MB"
            )
            for model, (count, seconds, calls) in sorted(
                by_model.items(), key=lambda item: -item[1][1]
            ):
                print(
                    f"  {model:<30}{count:>8} records {seconds:>7.1f} s "
                    f"in {calls} unlink calls"
                )
            if args.baseline:
                ours = {
                    row["object"]: (row["created"], row["seconds"])
                    for row in report["objects"]
                }
                theirs = baseline(env, export, args.batch_size)
                floors = {
                    key: count / phases.by_object[(CREATE, key)]
                    for key, (count, _seconds) in ours.items()
                    if phases.by_object.get((CREATE, key))
                }
                compare(ours, theirs, floors)
                cr.rollback()


#: The objects of ours that load() imports too, as (ours, load()'s label).
COMPARED = (
    ("customer", "customers as contacts"),
    ("contact", "contacts under their company"),
    ("prospect", "prospects as leads"),
    ("job", "jobs as opportunities"),
    ("estimate", "estimates as quotations, one line each"),
    ("invoice", "invoices as draft invoices, one line each"),
    ("note", "notes as messages on their customer"),
)


def compare(ours, theirs, floors=None):
    """Records/s per object, ours against load()'s, and overall on the same objects;
    with ``floors`` ({object key: records/s of Odoo's create alone in our run}),
    how close our whole object comes to it."""
    floors = floors or {}
    print(
        f"\n{'object':<44}{'load() rec/s':>13}{'ours rec/s':>12}{'ratio':>8}"
        f"{'create alone':>14}{'ours/create':>13}"
    )
    totals = [0, 0.0, 0, 0.0]
    for key, label in COMPARED:
        if key not in ours or label not in theirs:
            continue
        count, seconds = ours[key]
        base_count, base_seconds = theirs[label]
        if not (seconds and base_seconds and count and base_count):
            continue
        rate, base_rate = count / seconds, base_count / base_seconds
        totals = [
            totals[0] + count,
            totals[1] + seconds,
            totals[2] + base_count,
            totals[3] + base_seconds,
        ]
        floor = floors.get(key)
        print(
            f"{label:<44}{base_rate:>13.0f}{rate:>12.0f}{rate / base_rate:>7.2f}x"
            + (f"{floor:>14.0f}{100 * rate / floor:>12.0f}%" if floor else "")
        )
    if totals[1] and totals[3]:
        rate, base_rate = totals[0] / totals[1], totals[2] / totals[3]
        print(
            f"{'all of these':<44}{base_rate:>13.0f}{rate:>12.0f}"
            f"{rate / base_rate:>7.2f}x"
        )


def baseline(env, export, batch_size):
    """Odoo's own import path, driven as well as a user can: ``load()`` in batches of
    each object it can take (customers as contacts, the people named at commercial
    customers as contacts under their company, prospects and jobs as leads and
    opportunities linked to them, estimates as quotations and invoices as draft
    invoices with a line each, notes as messages on their customer), with tracking
    off, external ids for the links, and the same cleaning a user would do beforehand
    (money as numbers, dates as ISO). Returns ``{label: (records, seconds)}``."""
    import csv
    import io
    import zipfile
    from datetime import datetime

    env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True))

    def table(name):
        raw = archive.read(name)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
        return list(csv.DictReader(io.StringIO(text)))

    with zipfile.ZipFile(export) as archive:
        customers = table("customers.csv")
        prospects = table("prospects.csv")
        jobs = table("jobs.csv")
        estimates = table("estimates.csv")
        invoices = table("invoices.csv")
        notes = table("notes.csv")

    def iso(text, fmt="%m/%d/%y"):
        try:
            return datetime.strptime(text.strip(), fmt).strftime("%Y-%m-%d")
        except ValueError:
            return ""

    def money(text):
        text = text.replace("$", "").replace(",", "").strip()
        return text if text.replace(".", "").isdigit() else "0"

    # the preset's own reading of a customer row: company or person, and the person
    # named at a company (who lands as a contact under it)
    from odoo.addons.flitstack_migration.presets.the_customer_factor import (
        _has_contact_person,
        _prepare_customer,
    )

    seen, partner_rows, contact_rows = set(), [], []
    for row in customers:
        if row["Id"] in seen:
            continue
        seen.add(row["Id"])
        prepared = _prepare_customer(dict(row))
        name = prepared["_name"] or row["Id"]
        partner_rows.append(
            [
                f"__baseline__.c{row['Id']}",
                name,
                "1" if prepared["_is_company"] == "yes" else "0",
                row["Email"].strip(),
                row["Home Phone"],
                row["Cell Phone"],
                row["Street Address"],
                row["City"],
                row["Zip Code"],
            ]
        )
        if _has_contact_person(prepared):
            contact_rows.append(
                [
                    f"__baseline__.k{row['Id']}",
                    prepared["_person"],
                    f"__baseline__.c{row['Id']}",
                    "contact",
                    row["Email"].strip(),
                    row["Cell Phone"],
                    row.get("Work Phone", ""),
                ]
            )
    product = env["product.product"].create({"name": "Baseline service"})
    env["ir.model.data"].create(
        {
            "module": "__baseline__",
            "name": "service",
            "model": "product.product",
            "res_id": product.id,
        }
    )
    objects = [
        (
            "customers as contacts",
            "res.partner",
            [
                "id",
                "name",
                "is_company",
                "email",
                "phone",
                "mobile",
                "street",
                "city",
                "zip",
            ],
            partner_rows,
        ),
        (
            "contacts under their company",
            "res.partner",
            ["id", "name", "parent_id/id", "type", "email", "mobile", "phone"],
            contact_rows,
        ),
        (
            "prospects as leads",
            "crm.lead",
            ["id", "name", "contact_name", "email_from", "phone", "type"],
            [
                [
                    f"__baseline__.p{row['Id']}",
                    row["Company Name"] or row["Customer Name"] or row["Id"],
                    row["Customer Name"],
                    row["Email"].strip(),
                    row["Cell Phone"] or row["Home Phone"],
                    "lead",
                ]
                for row in prospects
            ],
        ),
        (
            "jobs as opportunities",
            "crm.lead",
            [
                "id",
                "name",
                "partner_id/id",
                "expected_revenue",
                "date_deadline",
                "type",
            ],
            [
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
            ],
        ),
        (
            "estimates as quotations, one line each",
            "sale.order",
            [
                "id",
                "partner_id/id",
                "date_order",
                "order_line/product_id/id",
                "order_line/name",
                "order_line/price_unit",
            ],
            [
                [
                    f"__baseline__.e{row['Estimate Id']}",
                    f"__baseline__.c{row['Id']}",
                    iso(row["Date"]),
                    "__baseline__.service",
                    row["Job Type(s)"] or "Estimate",
                    money(row["Amount"]),
                ]
                for row in estimates
                if row["Id"] in seen
            ],
        ),
        (
            "invoices as draft invoices, one line each",
            "account.move",
            [
                "id",
                "move_type",
                "partner_id/id",
                "invoice_date",
                "invoice_line_ids/name",
                "invoice_line_ids/price_unit",
            ],
            [
                [
                    f"__baseline__.i{row['Invoice Id']}",
                    "out_invoice",
                    f"__baseline__.c{row['Id']}",
                    iso(row["Invoice Date"]),
                    f"Invoice {row['Invoice Id']}",
                    money(row["Amount"]),
                ]
                for row in invoices
                if row["Id"] in seen
            ],
        ),
    ]
    results = {}
    for label, model, fields_, rows in objects:
        results[label] = load_rows(env, model, fields_, rows, batch_size)
    # messages name their record by database id: looked up as a user's
    # spreadsheet would (one VLOOKUP), outside the timing
    partner_ids = {
        data.name[1:]: data.res_id
        for data in env["ir.model.data"].search(
            [("module", "=", "__baseline__"), ("model", "=", "res.partner")]
        )
    }
    note_rows = [
        [
            "res.partner",
            str(partner_ids[row["Id"]]),
            row["Note"],
            "comment",
            iso(row["Date"].split(" ")[0]) + " 00:00:00",
        ]
        for row in notes
        if row["Id"] in partner_ids
    ]
    results["notes as messages on their customer"] = load_rows(
        env,
        "mail.message",
        ["model", "res_id", "body", "message_type", "date"],
        note_rows,
        batch_size,
    )
    count = sum(records for records, _seconds in results.values())
    seconds = sum(seconds for _records, seconds in results.values())
    print(
        f"\nBaseline, Odoo's load(): {count} records in {seconds:.1f} s "
        f"= {count / seconds:.0f} records/s (no journal, no rollback)"
    )
    return results


def load_rows(env, model, fields_, rows, batch_size):
    """``load()`` ``rows`` in batches; returns ``(records landed, seconds)``."""
    started = time.monotonic()
    landed = 0
    for index in range(0, len(rows), batch_size):
        result = env[model].load(fields_, rows[index : index + batch_size])
        landed += len([i for i in result["ids"] or () if i])
        errors = [m for m in result["messages"] if m.get("type") == "error"]
        if errors:
            print(f"load() of {model} said:", errors[:2])
    env.flush_all()
    return landed, time.monotonic() - started


if __name__ == "__main__":
    main()
