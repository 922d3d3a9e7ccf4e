# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reader of The Customer Factor's CSV / XLSX exports (a ZIP of them, or single files).

What is particular to this platform (``source_apis.md`` §4):

- the job-enriched customer export has one row per job, so customers repeat and are
  deduplicated by ``Id``, preferring the row of a recurring job; it is recognised by
  its columns (customer columns with job columns), whatever its file name;
- a plain customer list can repeat a customer too: the last row wins, the others are
  reported (:meth:`~.base.FileReader.duplicates`);
- the customer list is the master of a customer's fields: when it and the
  job-enriched export both carry a customer, the list's row is read and the export's
  rows that disagree with it are reported (:meth:`disagreements`);
- jobs may come from ``jobs.csv`` or, when there is none, from the job-enriched export;
- employees are listed by name on jobs and notes: ``employees.csv`` gives their emails,
  so owners resolve to Odoo users by email;
- the job types become service products, named once each.
"""

import pickle
import tempfile
from collections import Counter
from typing import ClassVar

from ..parsers import InvalidValue, parse_datetime
from .base import Duplicate, FileGuess, FileReader, SourceRecord
from .tabular import normalize_header

RECURRING_WORDS = ("weekly", "monthly", "recurring", "bi-weekly", "biweekly")
ENRICHED_JOB_COLUMNS = ("Job Type", "Job Date", "Price")
#: Customer columns compared between the customer list and the job-enriched export
#: (the id aside).
_NOT_COMPARED = {"Id", *ENRICHED_JOB_COLUMNS}


def _same(value):
    return " ".join((value or "").split()).casefold()


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

    @staticmethod
    def _is_enriched(table):
        return {normalize_header(c) for c in ENRICHED_JOB_COLUMNS[:2]} <= {
            normalize_header(h) for h in table.headers
        }

    def _enriched_tables(self):
        """Customer tables that are the job-enriched export."""
        return [
            (table, mapping)
            for table, mapping in self.tables.get("customer", ())
            if self._is_enriched(table)
        ]

    def _classify_hint(self, table):
        """A table of customer columns with job columns, but no job id, is the
        job-enriched customer export, whatever its name (``jobs_enriched.csv``)."""
        if not self._is_enriched(table):
            return None
        customer, job = self.preset.get("customer"), self.preset.get("job")
        found = set(self._header_map(customer, table.headers).values())
        if "Job Id" in set(self._header_map(job, table.headers).values()):
            return None
        person = {"Customer Name", "First Name", "Last Name", "Company Name"}
        if not (found & person) or len(found) < 4:
            return None
        named = {"job", "jobs", "enriched", "customer", "customers"} & set(
            self._stem(table).split()
        )
        return FileGuess(
            table.name,
            "customer",
            0.95 if named else 0.9,
            "job_enriched",
            f"{len(found)} customer columns with job columns",
        )

    # ------------------------------------------------------------------
    def iter_records(self, object_key, after=None):
        method = getattr(self, f"_iter_{object_key}", None)
        records = method() if method else super().iter_records(object_key)
        for record in records:
            self._with_owners(record.data)
            yield record

    def _iter_customer(self):
        # the rows to skip are planned once (ids and hashes only in memory)
        yield from FileReader.iter_records(self, "customer")

    def _row_plan(self, object_key):
        if object_key != "customer":
            return super()._row_plan(object_key)
        if object_key not in self._row_plans:
            self._row_plans[object_key] = self._plan_customers()
        return self._row_plans[object_key][:2]

    def disagreements(self, object_key):
        if object_key != "customer":
            return []
        self._row_plan(object_key)
        return list(self._row_plans[object_key][2])

    def _plan_customers(self):
        """``(skipped, duplicates, disagreements)`` of the customer tables.

        The plain customer lists are the master: the last row of an id wins there,
        the earlier ones are duplicates. The job-enriched export gives the customers
        the lists do not have (a recurring job's row preferred); its rows of a
        customer the lists have are skipped, and reported when their customer
        columns disagree with the list's row (one report per customer).
        """
        tables = self.tables.get("customer", ())
        id_of = {
            index: next((h for h, c in mapping.items() if c == "Id"), None)
            for index, (_table, mapping) in enumerate(tables)
        }
        enriched = [i for i, (t, _m) in enumerate(tables) if self._is_enriched(t)]
        plain = [i for i in range(len(tables)) if i not in enriched]

        def compared(master, other):
            """``[(master header, other header, column)]`` both tables have."""
            theirs = {c: h for h, c in tables[other][1].items()}
            return [
                (h, theirs[c], c)
                for h, c in tables[master][1].items()
                if c in theirs and c not in _NOT_COMPARED
            ]

        columns = {(m, e): compared(m, e) for m in plain for e in enriched}

        def digest(row, pairs, side):
            return hash(tuple(_same(row.get(pair[side])) for pair in pairs))

        skipped, pairs, master = set(), [], {}
        for index in plain:
            id_header = id_of[index]
            if id_header is None:
                continue
            for line, row in tables[index][0].iter_rows():
                source_id = (row.get(id_header) or "").strip()
                if not source_id:
                    continue
                previous = master.get(source_id)
                if previous is not None:
                    pairs.append((source_id, previous[:2]))
                    skipped.add(previous[:2])
                hashes = {e: digest(row, columns[index, e], 0) for e in enriched}
                master[source_id] = (index, line, hashes)
        chosen, differing = {}, {}
        for index in enriched:
            id_header = id_of[index]
            if id_header is None:
                continue
            table, mapping = tables[index]
            type_header = next((h for h, c in mapping.items() if c == "Job Type"), None)
            for line, row in table.iter_rows():
                source_id = (row.get(id_header) or "").strip()
                if not source_id:
                    continue
                kept = master.get(source_id)
                if kept is not None:
                    skipped.add((index, line))
                    pairs_of = columns[kept[0], index]
                    if source_id not in differing and kept[2][index] != digest(
                        row, pairs_of, 1
                    ):
                        differing[source_id] = (
                            index,
                            line,
                            {c: row.get(h) or "" for _m, h, c in pairs_of},
                        )
                    continue
                recurring = bool(type_header) and any(
                    word in row.get(type_header, "").lower() for word in RECURRING_WORDS
                )
                previous = chosen.get(source_id)
                if previous is None or recurring or not previous[2]:
                    if previous is not None:
                        skipped.add(previous[:2])
                    chosen[source_id] = (index, line, recurring)
                else:
                    skipped.add((index, line))
        duplicates = [
            Duplicate(
                "customer",
                source_id,
                tables[index][0].name,
                line,
                tables[master[source_id][0]][0].name,
                master[source_id][1],
            )
            for source_id, (index, line) in pairs
        ]
        return skipped, duplicates, self._disagreements(tables, master, differing)

    @staticmethod
    def _disagreements(tables, master, differing):
        """One :class:`Duplicate` (``disagrees``) per customer whose row in the
        job-enriched export differs from the list's, with the columns that differ
        (one more pass over the lists, for those customers only)."""
        if not differing:
            return []
        wanted = {}
        for source_id in differing:
            index, line, _hashes = master[source_id]
            wanted.setdefault(index, {})[line] = source_id
        result = []
        for index, lines in wanted.items():
            table, mapping = tables[index]
            for line, row in table.iter_rows():
                source_id = lines.get(line)
                if source_id is None:
                    continue
                other_index, other_line, values = differing[source_id]
                ours = {c: row.get(h) or "" for h, c in mapping.items()}
                differs = {
                    column: (ours.get(column, ""), value)
                    for column, value in values.items()
                    if _same(ours.get(column)) != _same(value)
                }
                result.append(
                    Duplicate(
                        "customer",
                        source_id,
                        tables[other_index][0].name,
                        other_line,
                        table.name,
                        line,
                        kind="disagrees",
                        differs=differs,
                    )
                )
        result.sort(key=lambda d: (d.file, d.line))
        return result

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
        """Notes oldest first: Odoo's chatter orders history by creation.

        Sorted without holding the notes: each one goes to a temporary file as it
        is read, and only its date, line and place in that file are kept; the notes
        are then read back in order (a million-row export has some 190,000 notes:
        160 MB in memory, 30 MB of keys)."""
        order = self.preset.date_order

        def key(record):
            try:
                moment = parse_datetime(record.data.get("Date"), order)
            except (InvalidValue, ValueError):
                moment = None
            return (moment is None, moment or 0, record.line)

        with tempfile.TemporaryFile(prefix="flitstack-notes-") as spool:
            places = []
            for record in FileReader.iter_records(self, "note"):
                places.append((key(record), spool.tell()))
                pickle.dump(record, spool, protocol=pickle.HIGHEST_PROTOCOL)
            places.sort(key=lambda place: place[0])
            for _key, offset in places:
                spool.seek(offset)
                # our own file, written just above from the export's rows
                yield pickle.load(spool)
