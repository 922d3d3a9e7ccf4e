# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Customer Factor reader: layouts, renamed headers, job-enriched exports."""

import io
from collections import Counter

import openpyxl

from ..presets.the_customer_factor import PRESET
from ..readers.the_customer_factor import TheCustomerFactorReader
from .common import rezip, sample_bytes, sample_table, to_csv
from .exports import csv_of, enriched_rows, renamed_export


def _reader(data, name="export.zip"):
    return TheCustomerFactorReader(PRESET, [(name, data)])


def test_sample_objects_and_counts():
    customers = sample_table("customers.csv")
    with _reader(sample_bytes()) as reader:
        found = reader.discover()
    assert found.count("customer") == len({row["Id"] for row in customers})
    commercial_with_person = {
        row["Id"]
        for row in customers
        if row["Customer Type"] == "Commercial"
        and row["Company Name"]
        and (row["First Name"] or row["Last Name"])
    }
    assert found.count("contact") == len(commercial_with_person)
    assert (
        found.count("job") == found.count("job_task") == len(sample_table("jobs.csv"))
    )
    services = {row["Job Type"] for row in sample_table("jobs.csv")}
    assert found.count("service") == len(services)
    assert sorted(found.objects["customer"].unknown) == [
        "Bedrooms",
        "Dirt Level",
        "Dog",
        "Gate Code",
        "Important to you!",
    ]
    assert found.ignored_files == []


def test_owners_are_named_with_their_email_from_employees_csv():
    with _reader(sample_bytes()) as reader:
        found = reader.discover()
        job = next(
            r
            for r in reader.iter_records("job")
            if r.data["Employee/Crew"].startswith("Carlos")
        )
    assert (
        job.data["Employee/Crew"]
        == "Carlos Ramírez <carlos.ramirez@sparkleclean.example>"
    )
    crews = Counter(row["Employee/Crew"] for row in sample_table("jobs.csv"))
    assert found.owners["Crew A"] == crews["Crew A"]


def test_renamed_reordered_headers_semicolons_and_windows_1252():
    rows = sample_table("customers.csv")
    renames = {
        "Id": "Customer ID",
        "Zip Code": "Postal Code",
        "Cell Phone": "Mobile",
        "Street Address": "Address",
        "Marketing Method": "Lead Source",
    }
    renamed = [{renames.get(k, k): v for k, v in row.items()} for row in rows]
    headers = sorted(renamed[0], key=lambda h: h[::-1])  # another column order
    out = io.StringIO(newline="")
    import csv

    writer = csv.DictWriter(out, headers, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(renamed)
    data = out.getvalue().encode("cp1252", errors="replace")
    with _reader(data, "Customers export.csv") as reader:
        records = {r.source_id: r for r in reader.iter_records("customer")}
    source = next(r for r in rows if r["Id"] == "10231")  # Renée Côté
    record = records["10231"]
    assert record.data["Zip Code"] == source["Zip Code"]
    assert record.data["Cell Phone"] == source["Cell Phone"]
    assert record.data["_name"] == source["Customer Name"] == "Renée Côté"


def test_job_enriched_export_dedupes_customers_and_yields_jobs():
    customers = sample_table("customers.csv")
    by_id = {row["Id"]: row for row in customers}
    jobs = sample_table("jobs.csv")
    enriched = []
    for job in jobs:
        customer = by_id.get(job["Id"])
        if customer:
            enriched.append(
                dict(
                    customer,
                    **{
                        "Job Type": job["Job Type"],
                        "Job Date": job["Job Date"],
                        "Price": job["Price"],
                    },
                )
            )
    data = rezip(
        {"customers_with_jobs.csv": to_csv(enriched, list(enriched[0]))},
        drop={"customers.csv", "jobs.csv"},
    )
    with _reader(data) as reader:
        found = reader.discover()
        picked = {r.source_id: r for r in reader.iter_records("customer")}
    assert found.count("customer") == len({row["Id"] for row in enriched})
    assert found.count("job") == len(enriched)
    with _reader(data) as reader:
        assert len({r.source_id for r in reader.iter_records("job")}) == len(enriched)
    assert "Job Type" not in found.objects["customer"].unknown
    # a customer with several jobs keeps the row of a recurring job
    counts = Counter(row["Id"] for row in enriched)
    repeated = next(
        i
        for i, n in counts.items()
        if n > 1
        and any(
            "weekly" in r["Job Type"].lower() or "monthly" in r["Job Type"].lower()
            for r in enriched
            if r["Id"] == i
        )
    )
    kind = picked[repeated].data["Job Type"].lower()
    assert "weekly" in kind or "monthly" in kind


def test_xlsx_customers():
    rows = sample_table("customers.csv")[:25]
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    headers = list(rows[0])
    sheet.append(headers)
    for row in rows:
        values = [row[h] for h in headers]
        values[0] = int(values[0])  # ids come out of Excel as numbers
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    with _reader(out.getvalue(), "customers.xlsx") as reader:
        records = list(reader.iter_records("customer"))
    assert [r.source_id for r in records][:3] == [row["Id"] for row in rows][:3]
    assert records[0].data["Email"] == rows[0]["Email"].strip()


def test_job_enriched_export_under_another_name_is_read_as_customers():
    """jobs_enriched.csv overlaps the prospect columns more than the customer ones
    (a Sales Rep column): its customer columns with job columns make it the
    job-enriched export all the same, and the guess says so."""
    data = renamed_export()
    with _reader(data) as reader:
        found = reader.discover()
        jobs = list(reader.iter_records("job"))
    guesses = {g.file.rsplit(" ", 1)[-1]: g for g in found.files}
    enriched = guesses["jobs_enriched.csv"]
    assert (enriched.object, enriched.reason) == ("customer", "job_enriched")
    assert enriched.confidence >= 0.9
    assert guesses["prospects.csv"].object == "prospect"
    assert len(jobs) == len(enriched_rows())
    assert found.count("prospect") == len(sample_table("prospects.csv"))
    assert not found.objects["prospect"].duplicate_count


def test_a_file_assigned_by_the_admin_is_read_as_told():
    data = renamed_export()
    options = {"files": {"jobs_enriched.csv": "", "prospects.csv": "customer"}}
    with TheCustomerFactorReader(PRESET, [("export.zip", data)], options) as reader:
        found = reader.discover()
    guesses = {g.file.rsplit(" ", 1)[-1]: g for g in found.files}
    assert (guesses["jobs_enriched.csv"].object, guesses["prospects.csv"].object) == (
        "",
        "customer",
    )
    assert guesses["prospects.csv"].reason == "assigned"
    assert found.count("job") == 0


def test_renamed_required_columns_are_read_and_reported_not_refused():
    """A prospects file headed ``Prospect ID``, an invoices file headed ``Cust ID``:
    read, with the column reported missing and the evidence the proposal needs."""
    with _reader(renamed_export()) as reader:
        found = reader.discover()
    prospect, invoice = found.objects["prospect"], found.objects["invoice"]
    assert list(prospect.required_missing.values()) == [["Id"]]
    assert list(invoice.required_missing.values()) == [["Id"]]
    assert prospect.samples["Prospect ID"].filled == prospect.count
    assert not prospect.samples["Prospect ID"].repeated
    refs = invoice.samples["Cust ID"].values
    assert len(refs & found.objects["customer"].keys) / len(refs) > 0.9
    with TheCustomerFactorReader(
        PRESET,
        [("export.zip", renamed_export())],
        {"renames": {"prospect": {"Prospect ID": "Id"}}},
    ) as reader:
        assert "prospect" not in reader.unresolved()
        ids = [r.source_id for r in reader.iter_records("prospect")]
    assert ids == [r["Id"] for r in sample_table("prospects.csv")]


def test_duplicate_ids_are_reported_with_their_rows_not_merged():
    rows = sample_table("prospects.csv")
    copy = dict(rows[4], City="Elsewhere")
    rows.append(copy)
    data = rezip({"prospects.csv": csv_of(rows)})
    with _reader(data) as reader:
        found = reader.discover()
        records = [r for r in reader.iter_records("prospect")]
        duplicates = reader.duplicates("prospect")
    stats = found.objects["prospect"]
    assert (stats.count, stats.duplicate_count) == (len(rows) - 1, 1)
    assert found.rows("prospect") == len(rows)
    (dup,) = duplicates
    assert (dup.source_id, dup.line) == (rows[4]["Id"], 6)
    assert dup.kept_line > dup.line
    assert dup.file.endswith("prospects.csv")
    kept = next(r for r in records if r.source_id == rows[4]["Id"])
    assert kept.data["City"] == "Elsewhere"  # the last row wins
    # the customer list's repeated ids too (the sample has three)
    assert found.objects["customer"].duplicate_count == 3


def test_the_customer_list_is_the_master_of_the_job_enriched_export():
    customers = sample_table("customers.csv")
    enriched = enriched_rows()
    changed = {}
    for row in customers:
        if row["Id"] in {e["Id"] for e in enriched} and len(changed) < 10:
            changed[row["Id"]] = row["City"] = f"New {row['City']}"
    data = rezip(
        {
            "customers.csv": csv_of(customers),
            "customers_with_jobs.csv": csv_of(enriched),
        }
    )
    with _reader(data) as reader:
        found = reader.discover()
        cities = {r.source_id: r.data["City"] for r in reader.iter_records("customer")}
        disagreements = reader.disagreements("customer")
    assert {i: cities[i] for i in changed} == changed
    assert found.objects["customer"].disagreement_count == len(changed)
    assert {d.source_id for d in disagreements} == set(changed)
    for dup in disagreements:
        assert dup.kind == "disagrees" and dup.file.endswith("customers_with_jobs.csv")
        assert dup.differs == {"City": (changed[dup.source_id], dup.differs["City"][1])}


def test_a_column_and_its_alias_are_both_kept():
    """``E-mail`` before ``Email``, ``Phone`` before ``Home Phone``: each column
    keeps its own values; the alias is an unknown column (its own field)."""
    rows = sample_table("customers.csv")[:20]
    out = []
    for index, row in enumerate(rows):
        new = {}
        for key, value in row.items():
            if key == "Email":
                new["E-mail"] = f"other{index}@example.com"
            if key == "Home Phone":
                new["Phone"] = f"555-01{index:02d}"
            new[key] = value
        out.append(new)
    with _reader(csv_of(out), "customers.csv") as reader:
        found = reader.discover()
        first = next(iter(reader.iter_records("customer")))
    assert first.data["Email"] == rows[0]["Email"]
    assert first.data["E-mail"] == "other0@example.com"
    assert first.data["Home Phone"] == rows[0]["Home Phone"]
    assert first.data["Phone"] == "555-0100"
    assert {"E-mail", "Phone"} <= set(found.objects["customer"].unknown)


def test_notes_come_oldest_first_as_read_without_being_held():
    """The notes are sorted by date through a temporary file, not in memory: what
    comes out is every note of the export, as read, oldest first (the undated ones
    last, in file order)."""
    from ..parsers import parse_datetime
    from ..readers.base import FileReader

    with _reader(sample_bytes()) as reader:
        as_read = list(FileReader.iter_records(reader, "note"))
        notes = list(reader.iter_records("note"))
    assert len(notes) == len(as_read) > 100

    def rows(records):
        return sorted((n.file, n.line, n.source_id, n.data["Note"]) for n in records)

    assert rows(notes) == rows(as_read)
    dates = []
    for note in notes:
        try:
            dates.append(parse_datetime(note.data.get("Date"), PRESET.date_order))
        except ValueError:
            dates.append(None)
    dated = [d for d in dates if d is not None]
    assert dated == sorted(dated)
    assert dates[: len(dated)] == dated, "the undated notes come last"
    assert notes != as_read, "the sample's notes are not in date order as read"
