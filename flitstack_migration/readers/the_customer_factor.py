"""Reader of The Customer Factor's CSV / XLSX exports (a ZIP of them, or single files).

What is particular to this platform (``source_apis.md`` §4):

- the job-enriched customer export has one row per job, so customers repeat and are
  deduplicated by ``Id``, preferring the row of a recurring job;
- a plain customer list can repeat a customer too: the last row wins;
- jobs may come from ``jobs.csv`` or, when there is none, from the job-enriched export;
- employees are listed by name on jobs and notes: ``employees.csv`` gives their emails,
  so owners resolve to Odoo users by email;
- the job types become service products, named once each.
"""

from collections import Counter
from typing import ClassVar

from ..parsers import InvalidValue, parse_datetime
from .base import FileReader, SourceRecord
from .tabular import normalize_header

RECURRING_WORDS = ("weekly", "monthly", "recurring", "bi-weekly", "biweekly")
ENRICHED_JOB_COLUMNS = ("Job Type", "Job Date", "Price")


class TheCustomerFactorReader(FileReader):
    """Streams The Customer Factor's exports as preset records."""

    platform = "the_customer_factor"
    auxiliary_files: ClassVar[dict] = {
        "employees": {
            "employees",
            "employee list",
            "staff",
            "users",
            "technicians",
            "crew",
        }
    }
    owner_columns = ("Employee/Crew", "Sales Rep", "Author")

    def __init__(self, preset, source, options=None):
        super().__init__(preset, source, options)
        self.employees = self._read_employees()

    # ------------------------------------------------------------------
    def _read_employees(self):
        table = self.auxiliary.get("employees")
        if table is None:
            return {}
        names = {normalize_header(h): h for h in table.headers}
        name_col = (
            names.get("name") or names.get("employee name") or names.get("employee")
        )
        email_col = (
            names.get("email") or names.get("email address") or names.get("e mail")
        )
        if not (name_col and email_col):
            return {}
        employees = {}
        for _line, row in table.iter_rows():
            name, email = row.get(name_col, "").strip(), row.get(email_col, "").strip()
            if name and email:
                employees[name.lower()] = f"{name} <{email}>"
        return employees

    def _with_owners(self, data):
        """Replace an employee's name by ``Name <email>`` where employees.csv knows
        it."""
        for column in self.owner_columns:
            value = (data.get(column) or "").strip()
            if value and "@" not in value:
                data[column] = self.employees.get(value.lower(), value)
        return data

    def known_columns(self, obj):
        known = super().known_columns(obj)
        if obj.key == "customer":
            known |= set(ENRICHED_JOB_COLUMNS)
        return known

    def _enriched_tables(self):
        """Customer tables that are the job-enriched export."""
        return [
            (table, mapping)
            for table, mapping in self.tables.get("customer", ())
            if {normalize_header(c) for c in ENRICHED_JOB_COLUMNS[:2]}
            <= {normalize_header(h) for h in table.headers}
        ]

    # ------------------------------------------------------------------
    def iter_records(self, object_key):
        method = getattr(self, f"_iter_{object_key}", None)
        records = method() if method else super().iter_records(object_key)
        for record in records:
            self._with_owners(record.data)
            yield record

    def _iter_customer(self):
        # First pass: which row of each customer to keep (ids only in memory).
        chosen = {}
        for index, (table, mapping) in enumerate(self.tables.get("customer", ())):
            id_header = next(h for h, c in mapping.items() if c == "Id")
            type_header = next((h for h, c in mapping.items() if c == "Job Type"), None)
            for line, row in table.iter_rows():
                source_id = row.get(id_header, "").strip()
                if not source_id:
                    continue
                recurring = bool(type_header) and any(
                    word in row.get(type_header, "").lower() for word in RECURRING_WORDS
                )
                previous = chosen.get(source_id)
                if previous is None or recurring or not previous[2]:
                    chosen[source_id] = (index, line, recurring)
        keep = {(index, line) for index, line, _recurring in chosen.values()}
        # Second pass: stream the chosen rows (and rows without an id, which fail).
        for index, (table, mapping) in enumerate(self.tables.get("customer", ())):
            for line, row in table.iter_rows():
                data = {mapping.get(h, h): v for h, v in row.items()}
                source_id = (data.get("Id") or "").strip() or None
                if source_id and (index, line) not in keep:
                    continue
                data = self.preset.get("customer").prepare(data)
                yield SourceRecord("customer", source_id, data, line, table.name)

    def _iter_job(self):
        if self.tables.get("job"):
            yield from FileReader.iter_records(self, "job")
            return
        obj = self.preset.get("job")
        seen = Counter()
        for table, mapping in self._enriched_tables():
            for line, row in table.iter_rows():
                data = {mapping.get(h, h): v for h, v in row.items()}
                customer = (data.get("Id") or "").strip()
                if not customer or not (data.get("Job Type") or data.get("Job Date")):
                    continue
                job_id = "-".join(
                    [customer, data.get("Job Date", ""), data.get("Job Type", "")]
                )
                seen[job_id] += 1
                if seen[job_id] > 1:  # the same job twice on one day: two visits
                    job_id = f"{job_id}-{seen[job_id]}"
                data = {k: data.get(k, "") for k in ("Id", *ENRICHED_JOB_COLUMNS)}
                data["Job Id"] = job_id
                yield SourceRecord("job", job_id, obj.prepare(data), line, table.name)

    def _iter_service(self):
        seen = set()
        for record in self._iter_job():
            label = " ".join((record.data.get("Job Type") or "").split())
            if label and label not in seen:
                seen.add(label)
                yield SourceRecord(
                    "service", label, {"Job Type": label}, record.line, record.file
                )
        for record in FileReader.iter_records(self, "estimate"):
            for line in record.data.get("_lines", ()):
                label = " ".join(line["service"].split())
                if label and label not in seen:
                    seen.add(label)
                    yield SourceRecord(
                        "service", label, {"Job Type": label}, record.line, record.file
                    )

    def _iter_note(self):
        """Notes oldest first: Odoo's chatter orders history by creation."""
        order = self.preset.date_order
        records = list(FileReader.iter_records(self, "note"))

        def key(record):
            try:
                moment = parse_datetime(record.data.get("Date"), order)
            except (InvalidValue, ValueError):
                moment = None
            return (moment is None, moment or 0, record.line)

        records.sort(key=key)
        yield from records
