# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Exports derived from the sample for the column, file and duplicate rules."""

from .common import rezip, sample_table, to_csv

ENRICHED = ("Job Type", "Job Date", "Price")


def renamed(rows, old, new):
    """Rows with column ``old`` renamed ``new`` (same order)."""
    return [{(new if k == old else k): v for k, v in row.items()} for row in rows]


def csv_of(rows):
    return to_csv(rows, list(rows[0]))


def enriched_rows(extra=None):
    """The job-enriched customer export: one row per job, customer columns first
    (the customer list's last row of each id), ``extra`` columns added."""
    customers = {row["Id"]: row for row in sample_table("customers.csv")}
    rows = []
    for job in sample_table("jobs.csv"):
        customer = customers.get(job["Id"])
        if customer:
            row = dict(customer, **{k: job[k] for k in ENRICHED})
            row.update(extra or {})
            rows.append(row)
    return rows


def renamed_export(customer_column="Cust ID", enriched_name="jobs_enriched.csv"):
    """The sample with prospects' ``Id`` headed ``Prospect ID``, the invoices'
    customer column headed ``customer_column``, and the jobs given only by the
    job-enriched export saved as ``enriched_name`` (with a ``Sales Rep`` column, so
    that its columns overlap the prospects' more than the customers')."""
    prospects = renamed(sample_table("prospects.csv"), "Id", "Prospect ID")
    invoices = renamed(sample_table("invoices.csv"), "Id", customer_column)
    enriched = enriched_rows({"Sales Rep": "Kevin Brooks"})
    return rezip(
        {
            "prospects.csv": csv_of(prospects),
            "invoices.csv": csv_of(invoices),
            enriched_name: csv_of(enriched),
        },
        drop={"jobs.csv"},
    )
