# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A run's load spread over the job queue (OCA ``queue_job``), one row per job.

Where the job queue is installed and its runner works (see
``migration.run._job_queue_ready``), a full run or a delta does not load its
records in the scheduler's slices: it plans jobs (:mod:`..engine.parallel`) that
any number of Odoo workers, on one server or several sharing the database, take
in parallel on the channel :data:`CHANNEL`:

1. one job creates what the records share (teams, stages, tags: see
   ``MigrationEngine.prepare_shared``), so that parallel jobs never create a parent
   twice;
2. one job per range of an object's records, an object's jobs starting once the
   objects it depends on are done (a job graph);
3. one job adds the jobs' counters up into the run's reconciliation lines, does
   what they postponed (the lead-scoring statistics every job would share), lists
   what the source no longer has, and hands the run back to the scheduler for the
   field check and the report.

Each job writes only its own row (its counters), never the run's: jobs running
side by side do not wait for each other's locks. A job that fails is rolled back
whole; run again (queue_job retries the transaction conflicts itself, the
administrator requeues a failure), it lands its range again, and what an earlier
attempt of it committed is found by external id and hash: nothing lands twice.
"""

import time
from collections import Counter

from odoo import api, fields, models

from ..engine import parallel
from ..engine.adapters import adapter_for
from ..engine.loader import MigrationEngine

#: queue_job channel of the migration's jobs: give it as many workers as the
#: database can take (``channels = root:4,root.flitstack_migration:3``)
CHANNEL = "root.flitstack_migration"

#: counters a job keeps, as ``ObjectCounter`` names them
COUNTERS = ("created", "updated", "skipped", "failed", "duplicate", "gone")


class MigrationRunBatch(models.Model):
    _name = "migration.run.batch"
    _inherit = "migration.run.counters"
    _description = "Data Migration Run Job"
    _order = "run_id, id"

    run_id = fields.Many2one(
        "migration.run", required=True, ondelete="cascade", index=True
    )
    kind = fields.Selection(
        [
            ("shared", "Shared records"),
            ("load", "Records"),
            ("finish", "Totals"),
        ],
        required=True,
    )
    name = fields.Char("Job", compute="_compute_name")
    object_key = fields.Char()
    object_label = fields.Char("Object")
    position_start = fields.Integer(
        "After record", help="Records of the object before this job's range."
    )
    position_end = fields.Integer(
        "Up to record", help="Last record of the job's range; 0: to the last."
    )
    serial_reason = fields.Char(
        "One after another",
        help="Why this object's jobs do not run side by side.",
    )
    closes_object = fields.Boolean(
        help="The job reads the object whole (an API source): it also lists what "
        "the source no longer has."
    )
    state = fields.Selection(
        [("waiting", "Waiting"), ("done", "Done")], default="waiting", required=True
    )
    job_uuid = fields.Char("Job UUID", readonly=True, index=True, copy=False)
    job_state = fields.Selection(
        [
            ("wait_dependencies", "Waiting for other jobs"),
            ("pending", "Pending"),
            ("enqueued", "Enqueued"),
            ("started", "Started"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
            ("failed", "Failed"),
        ],
        "Job queue state",
        compute="_compute_job_state",
    )
    records_count = fields.Integer("Records read")
    postponed = fields.Json(
        help="What the job's records leave to do once the object's jobs are all "
        "done (the lead-scoring statistics every job would share)."
    )
    unmatched_owners = fields.Json(help="Owners not found: owner → record count.")
    date_done = fields.Datetime("Done at")

    @api.depends("kind", "object_label", "position_start", "position_end")
    def _compute_name(self):
        for batch in self:
            if batch.kind == "shared":
                batch.name = self.env._("Teams, stages and tags")
            elif batch.kind == "finish":
                batch.name = self.env._("Totals and what the source no longer has")
            elif batch.position_end:
                batch.name = self.env._(
                    "%(object)s %(first)s to %(last)s",
                    object=batch.object_label,
                    first=batch.position_start + 1,
                    last=batch.position_end,
                )
            else:
                batch.name = self.env._(
                    "%(object)s from %(first)s",
                    object=batch.object_label,
                    first=batch.position_start + 1,
                )

    def _compute_job_state(self):
        jobs = {}
        if "queue.job" in self.env:
            uuids = [uuid for uuid in self.mapped("job_uuid") if uuid]
            jobs = {
                job.uuid: job
                for job in self.env["queue.job"].sudo().search([("uuid", "in", uuids)])
            }
        for batch in self:
            job = jobs.get(batch.job_uuid)
            batch.job_state = job.state if job else False

    def _failed_jobs(self):
        """The ``queue.job`` records of these jobs that failed."""
        if "queue.job" not in self.env:
            return []
        uuids = [uuid for uuid in self.mapped("job_uuid") if uuid]
        return (
            self.env["queue.job"]
            .sudo()
            .search([("uuid", "in", uuids), ("state", "=", "failed")])
        )

    # ------------------------------------------------------------------
    # Planning
    # ------------------------------------------------------------------
    @api.model
    def _enqueue_load(self, run, reader):
        """Plan the jobs of ``run``'s load and put them on the job queue."""
        preset = reader.preset
        size = max(parallel.RECORDS_PER_JOB, run.project_id.batch_size or 1)
        lines = run.object_ids.sorted("sequence")
        shared = self.create({"run_id": run.id, "kind": "shared"})
        by_key = {}
        for line in lines:
            obj = preset.get(line.object_key)
            reason = parallel.serial_reason(
                obj, adapter_for(obj.model), reader.resumable
            )
            count = max(line.source_count, line.discover_offset)
            by_key[obj.key] = self.create(
                [
                    {
                        "run_id": run.id,
                        "kind": "load",
                        "object_key": obj.key,
                        "object_label": line.name,
                        "position_start": chunk.start,
                        "position_end": chunk.end or 0,
                        "serial_reason": reason,
                        "closes_object": bool(reader.resumable),
                    }
                    for chunk in parallel.chunks(obj, count, size, reader.resumable)
                ]
            )
        finish = self.create({"run_id": run.id, "kind": "finish"})
        # only where the job queue is installed (migration.run._job_queue_ready)
        from odoo.addons.queue_job.delay import chain, group

        jobs = {batch: batch._delayable() for batch in shared | finish}
        nodes = {}
        for key, batches in by_key.items():
            delayables = [batch._delayable() for batch in batches]
            jobs.update(zip(batches, delayables, strict=True))
            together = chain if batches[:1].serial_reason else group
            nodes[key] = together(*delayables)
        waits = parallel.waits_for(preset, set(by_key))
        for key, node in nodes.items():
            if not waits[key]:
                jobs[shared].on_done(node)
            for other in waits[key]:
                nodes[other].on_done(node)
            node.on_done(jobs[finish])
        if not nodes:
            jobs[shared].on_done(jobs[finish])
        jobs[shared].delay()
        for batch, delayable in jobs.items():
            batch.job_uuid = delayable._generated_job.uuid
        return shared | finish | self.concat(*by_key.values())

    def _delayable(self):
        """This row's job, on the migration's channel, not yet delayed."""
        self.ensure_one()
        return self.delayable(
            channel=CHANNEL,
            description=self.env._(
                "Data migration %(run)s: %(job)s", run=self.run_id.name, job=self.name
            ),
            identity_key=f"flitstack_migration.batch.{self.id}",
        )._job_run()

    # ------------------------------------------------------------------
    # The jobs
    # ------------------------------------------------------------------
    def _job_run(self):
        """The job: its work, under the user who started the run, in the run's
        company (as the scheduler's slices work), in one transaction."""
        self.ensure_one()
        if self.state == "done":
            return "Done already: nothing landed again."
        if self.run_id.state not in ("queued", "running"):
            return "The run was cancelled: nothing landed."
        run = self.run_id._as_worker()
        batch = self.with_env(run.env)
        started = time.monotonic()
        with run.project_id._open_reader(None, since=run._since()) as reader:
            reader.preset = run._run_preset()
            vals = getattr(batch, f"_run_{self.kind}")(run, reader)
        batch.write(
            dict(
                vals or {},
                state="done",
                duration=time.monotonic() - started,
                date_done=fields.Datetime.now(),
            )
        )
        return self.env._("%(job)s: done.", job=self.name)

    def _run_shared(self, run, reader):
        MigrationEngine(run, reader).prepare_shared()

    def _run_load(self, run, reader):
        engine = MigrationEngine(run, reader)
        obj = reader.preset.get(self.object_key)
        adapter = engine.resolver.adapter(obj.model)
        adapter.postponed = []
        counter = engine.load_range(obj, self.position_start, self.position_end or None)
        if self.closes_object:
            engine.close_object(obj)
        done = sum(
            self.search(
                [("run_id", "=", run.id), ("kind", "=", "load"), ("state", "=", "done")]
            ).mapped("records_count")
        )
        run._push_progress(done + engine._done, run.records_total, self.object_label)
        return dict(
            {f"{name}_count": getattr(counter, name) for name in COUNTERS},
            records_count=engine._done,
            postponed=adapter.postponed or False,
            unmatched_owners=dict(engine.unmatched_owners) or False,
        )

    def _run_finish(self, run, reader):
        """Every job of the load is done: the run's totals, then the field check
        and the report in the scheduler's slices."""
        engine = MigrationEngine(run, reader)
        jobs = run.batch_ids.filtered(lambda batch: batch.kind == "load")
        owners = Counter(run._get_unmatched_owners())
        for line in run.object_ids.sorted("sequence"):
            obj = reader.preset.get(line.object_key)
            parts = jobs.filtered(lambda batch, key=obj.key: batch.object_key == key)
            counter = engine.counters[obj.key]
            for name in COUNTERS:
                setattr(counter, name, sum(parts.mapped(f"{name}_count")))
            postponed = [item for part in parts for item in part.postponed or ()]
            if postponed:
                engine.resolver.adapter(obj.model).after_parallel(engine.env, postponed)
            if not any(parts.mapped("closes_object")):
                engine.close_object(obj)
            for part in parts:
                owners.update(part.unmatched_owners or {})
            line.write(
                dict(
                    {f"{name}_count": getattr(counter, name) for name in COUNTERS},
                    state="done",
                    offset=sum(parts.mapped("records_count")),
                    duration=sum(parts.mapped("duration")),
                )
            )
        run._set_unmatched_owners(owners)
        run.write(
            {
                "records_done": sum(jobs.mapped("records_count")),
                "last_progress_date": fields.Datetime.now(),
                "stage": "check",
            }
        )
        run._start_check()
        run._notify_watchers()
        self.env.ref("flitstack_migration.ir_cron_migration_run").sudo()._trigger()
