"""The Customer Factor reader: layouts, renamed headers, job-enriched exports."""

import io
from collections import Counter

import openpyxl

from ..presets.the_customer_factor import PRESET
from ..readers.the_customer_factor import TheCustomerFactorReader
from .common import rezip, sample_bytes, sample_table, to_csv


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
