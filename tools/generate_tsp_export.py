#!/usr/bin/env python3
# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Generate a realistic, messy export of The Service Program (TSP) as a zip.

TSP is a Windows desktop program tied to QuickBooks, with no public API: its
data leaves through its report writer (CSV / Excel) and QuickBooks' own
exports. This tool writes a zip that looks like such an extraction, in the
layouts that section 5.2 of the source reference ASSUMES, with QuickBooks keys
(``ListID`` on list records, ``TxnID`` on transactions, full names written
``Customer:Job``) and the drift real exports have: renamed headers ("E-mail",
"Cust Type", "Bill To Zip", "Tech"), extra custom columns on work orders (and
their definitions in ``custom_fields.csv``), a customer exported twice,
sub-customers (QuickBooks jobs) one of which has lost its parent, service
locations and work-order lines whose parent is gone, an agreement and a work order
at a site deleted since, invalid e-mails, ZIP
codes with a leading zero, ``customers.csv`` in Windows-1252 with CRLF (as
QuickBooks Desktop writes it), agreements "every 45 days", equipment with a
serial number entered twice, a "Semi-Monthly" agreement (no exact Odoo
recurrence), invoices taxed line by line at their customer's sales tax item's
rate (four rates), and invoices and payments that name customers by their
QuickBooks ListID only.

Files: customers, service_locations, technicians, service_agreements,
work_orders + work_order_lines, custom_fields, notes, invoices +
invoice_lines, payments, equipment and leads.

Output is deterministic for one seed and one Faker version. ``--xlsx`` writes
``service_locations.xlsx`` and ``equipment.xlsx`` instead of their CSV files
(an .xlsx carries its own save time, so it is not byte-stable).

Usage::

    python3 tools/generate_tsp_export.py OUT.zip --customers 40 --seed 11
    python3 tools/generate_tsp_export.py OUT.zip --xlsx --summary

or, from Python, ``generate(out_path, customers=40, seed=11)``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
import zipfile
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from faker import VERSION as faker_version
from faker import Faker

EXPORT_DATE = date(2026, 9, 30)
ZIP_TIMESTAMP = (2026, 9, 30, 18, 5, 0)
MIN_CUSTOMERS = 12

CUSTOMER_COLUMNS = [
    "TSP Customer ID",
    "QB ListID",
    "QB Full Name",
    "Parent Customer ID",
    "Company Name",
    "First Name",
    "Last Name",
    "Bill Address 1",
    "Bill Address 2",
    "Bill City",
    "Bill State",
    "Bill To Zip",
    "Phone",
    "Alt Phone",
    "Mobile",
    "E-mail",
    "Cust Type",
    "Sales Rep",
    "Terms",
    "Tax Code",
    "Balance",
    "Active",
    "Portal Account Email",
    "Created Date",
    "Modified Date",
    "Notes",
    # custom columns of this business
    "Pets On Property",
    "Preferred Tech",
]
LOCATION_COLUMNS = [
    "Location ID",
    "Customer ID",
    "Location Name",
    "Address 1",
    "Address 2",
    "City",
    "State",
    "Zip",
    "Gate/Access Notes",
    "Route/Zone",
    "Latitude",
    "Longitude",
    "Site Contact",
    "Site Phone",
]
TECH_COLUMNS = [
    "Tech ID",
    "Name",
    "Email",
    "Phone",
    "QB Employee ListID",
    "Certifications",
    "License #",
    "Active",
]
AGREEMENT_COLUMNS = [
    "Agreement ID",
    "Customer ID",
    "Location ID",
    "Service Item",
    "Frequency",
    "Start Date",
    "End Date",
    "Next Due Date",
    "Price",
    "Technician",
    "Route",
    "Active",
]
CUSTOM_FIELDS = [
    ("Target Pest", "Pest Control", "List", "Ants;Roaches;Termites;Rodents;Spiders"),
    ("Wind Speed (mph)", "Lawn Care", "Number", ""),
    ("Temperature (F)", "Lawn Care", "Number", ""),
    ("Areas Treated", "All", "Text", ""),
]
WORK_ORDER_COLUMNS = [
    "Work Order #",
    "Customer ID",
    "Location ID",
    "Agreement ID",
    "Work Order Type",
    "Request Date",
    "Scheduled Date",
    "Time In",
    "Time Out",
    "Tech",
    "Status",
    "Problem Description",
    "Work Performed",
    "Invoice #",
    "QB TxnID",
    "Total",
    "Created Date",
    "Completed Date",
    *(name for name, _kind, _type, _values in CUSTOM_FIELDS),
]
WORK_ORDER_LINE_COLUMNS = [
    "Work Order #",
    "Line #",
    "QB Item Name",
    "Description",
    "Qty",
    "Rate",
    "Amount",
    "Taxable",
    "Technician",
    "Chemical/Product",
    "Amount Applied",
    "EPA Reg #",
    "Status",
]
NOTE_COLUMNS = [
    "Note ID",
    "Work Order #",
    "Customer ID",
    "Date",
    "Entered By",
    "Note",
]
INVOICE_COLUMNS = [
    "TxnID",
    "Ref Number",
    "Customer ListID",
    "Customer Full Name",
    "Work Order #",
    "Txn Date",
    "Due Date",
    "Terms",
    "Subtotal",
    "Sales Tax Item",
    "Tax Rate",
    "Sales Tax",
    "Total",
    "Balance Due",
    "Memo",
]
INVOICE_LINE_COLUMNS = [
    "TxnID",
    "Line #",
    "Item",
    "Description",
    "Qty",
    "Rate",
    "Amount",
    "Sales Tax Code",
]
PAYMENT_COLUMNS = [
    "TxnID",
    "Customer ListID",
    "Applied To TxnID",
    "Txn Date",
    "Amount",
    "Payment Method",
    "Check #",
    "Memo",
]
EQUIPMENT_COLUMNS = [
    "Equipment ID",
    "Customer ID",
    "Location ID",
    "Type",
    "Make",
    "Model",
    "Serial #",
    "Install Date",
    "Warranty Expires",
    "Notes",
]
LEAD_COLUMNS = [
    "Lead ID",
    "Name",
    "Company",
    "Email",
    "Phone",
    "Address",
    "City",
    "State",
    "Zip",
    "Source",
    "Requested Service",
    "Status",
    "Created Date",
    "Notes",
]

TECHNICIANS = [
    ("T01", "Ray Castillo", "ray@greenshieldpest.example", "Certified Applicator"),
    ("T02", "Beth Okafor", "beth.okafor@greenshieldpest.example", "QualityPro"),
    ("T03", "Sam Lindqvist", "sam@greenshieldpest.example", "Certified Applicator"),
    ("T04", "Andrés Gómez", "andres.gomez@greenshieldpest.example", ""),
    ("T05", "Kim Tran", "kim.tran@greenshieldpest.example", "Irrigation Tech"),
    ("T06", "Office", "office@greenshieldpest.example", ""),
]
TECH_NAMES = [t[1] for t in TECHNICIANS if t[1] != "Office"]
SALES_REPS = ["Linda Park", "Ray Castillo", ""]
# (QB item, work order type, rate in cents, chemical, EPA reg #)
SERVICE_ITEMS = [
    ("Pest:General Pest", "Pest Control", 8900, "Bifen I/T", "279-3206"),
    ("Pest:Termite Inspection", "Pest Control", 12500, "", ""),
    ("Pest:Rodent Bait", "Pest Control", 6500, "Contrac Blox", "12455-79"),
    ("Lawn:Fertilization", "Lawn Care", 5500, "Lesco 24-0-11", ""),
    ("Lawn:Weed Control", "Lawn Care", 6000, "Celsius WG", "432-1507"),
    ("Irrigation:Startup", "Irrigation", 9500, "", ""),
    ("Irrigation:Winterize", "Irrigation", 8500, "", ""),
]
FREQUENCIES = [
    "Weekly",
    "Bi-Weekly",
    "Monthly",
    "Quarterly",
    "Annual",
    "Every 45 Days",
    "every 60 days",
    "Semi-Monthly",
]
WO_STATUSES = ["Open", "Scheduled", "Dispatched", "Completed", "Invoiced", "Cancelled"]
ROUTES = ["North", "South", "East", "West", "Route 5"]
PLACES = [
    ("Raleigh", "NC", "27601", 35.78, -78.64),
    ("Cary", "NC", "27513", 35.79, -78.78),
    ("Durham", "NC", "27701", 35.99, -78.90),
    ("Apex", "NC", "27502", 35.73, -78.85),
]
LEADING_ZERO_PLACES = [
    ("Hanover", "NH", "03755", 43.70, -72.29),
    ("Trenton", "NJ", "08608", 40.22, -74.76),
    ("Springfield", "MA", "01103", 42.10, -72.59),
]
#: QuickBooks sales tax item of a customer's city (else of its state): name, rate
TAX_ITEMS = {
    "Durham": ("Durham County", "7.5"),
    "NC": ("Wake County", "7.25"),
    "NJ": ("New Jersey", "6.625"),
    "MA": ("Massachusetts", "6.25"),
    "NH": ("Out of state", "0"),
}
ACCENTED = [("José", "Peña"), ("Chloé", "Dubois"), ("Søren", "Åberg")]
INVALID_EMAILS = ["none", "joe@@example.com", "sue.example.com"]
EQUIPMENT = [
    ("Irrigation Controller", "Rain Bird", "ESP-TM2"),
    ("Backflow Preventer", "Watts", "LF009"),
    ("Bait Station", "Bell Labs", "Protecta"),
    ("Termite Monitor", "Sentricon", "Always Active"),
    ("Pool Pump", "Pentair", "SuperFlo VS"),
]


def fmt_date(d: date | None) -> str:
    return d.strftime("%m/%d/%Y") if d else ""


def fmt_dt(d: datetime | None) -> str:
    return d.strftime("%m/%d/%Y %H:%M") if d else ""


def fmt_amount(cents: int) -> str:
    return f"{cents / 100:.2f}"


def tax_cents(cents: int, rate: str) -> int:
    """Sales tax of a line, rounded half up to the cent (QuickBooks and Odoo round
    each line's tax)."""
    exact = Decimal(cents) * Decimal(rate) / 100
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def member_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def csv_bytes(
    columns: list[str], rows: list[list[Any]], encoding="utf-8", crlf=False
) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(columns: list[str], rows: list[list[Any]], title: str) -> bytes:
    """An .xlsx of the rows: every cell text (ZIP codes keep their zeros)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append(columns)
    for row in rows:
        sheet.append([None if value == "" else str(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def list_id(rng: random.Random, prefix: str) -> str:
    """A QuickBooks ListID / TxnID: ``80000012-1620000000``."""
    return f"{prefix}{rng.randint(0, 0xFFFF):04X}-{rng.randint(1500000000, 1790000000)}"


class _Generator:
    def __init__(self, seed: int, customers: int) -> None:
        if customers < MIN_CUSTOMERS:
            raise ValueError(f"customers must be at least {MIN_CUSTOMERS}")
        self.seed = seed
        self.n_customers = customers
        self.fake = Faker("en_US")
        self.rng = random.Random(seed)
        self.mess: dict[str, Any] = {}
        self.customers: list[dict[str, Any]] = []
        self.locations: list[dict[str, Any]] = []
        self.agreements: list[dict[str, Any]] = []
        self.work_orders: list[dict[str, Any]] = []

    def reseed(self, section: str) -> None:
        self.rng = random.Random(f"{self.seed}:{section}")
        self.fake.seed_instance(f"{self.seed}:{section}:faker")

    def day(self, start: date, end: date) -> date:
        span = (end - start).days
        return start + timedelta(days=self.rng.randint(0, span)) if span > 0 else start

    def phone(self) -> str:
        area, line = self.rng.choice(["919", "984"]), self.rng.randint(100, 199)
        return self.rng.choice([f"({area}) 555-0{line}", f"{area}.555.0{line}"])

    def sample_ids(self, total: int, share: float, minimum: int = 1) -> set[int]:
        count = min(total, max(minimum, round(total * share)))
        return set(self.rng.sample(range(total), count))

    # -- customers and their sites ------------------------------------------

    def make_customers(self) -> list[list[Any]]:
        self.reseed("customers")
        rng, fake, n = self.rng, self.fake, self.n_customers
        companies = self.sample_ids(n, 0.3)
        bad_email = self.sample_ids(n, 0.08)
        leading_zero = self.sample_ids(n, 0.1, 2)
        accented = self.sample_ids(n, 0.08)
        rows = []
        for i in range(n):
            cid = str(1001 + i)
            first, last = rng.choice(ACCENTED) if i in accented else ("", "")
            first, last = first or fake.first_name(), last or fake.last_name()
            company = fake.company() if i in companies else ""
            city, state, zip_code, _lat, _lon = (
                rng.choice(LEADING_ZERO_PLACES)
                if i in leading_zero
                else rng.choice(PLACES)
            )
            full = company or f"{last}, {first}"
            created = self.day(date(2015, 1, 1), date(2025, 6, 30))
            email = f"{first}.{last}{i}@example.com".lower()
            email = email.encode("ascii", "ignore").decode()
            if i in bad_email:
                email = rng.choice(INVALID_EMAILS)
            self.customers.append(
                {
                    "id": cid,
                    "list_id": list_id(rng, "8000"),
                    "full": full,
                    "created": created,
                    "place": (city, state, zip_code),
                }
            )
            rows.append(
                [
                    cid,
                    self.customers[-1]["list_id"],
                    full,
                    "",
                    company,
                    first,
                    last,
                    fake.street_address(),
                    "",
                    city,
                    state,
                    zip_code,
                    self.phone(),
                    self.phone() if rng.random() < 0.3 else "",
                    self.phone() if rng.random() < 0.5 else "",
                    email,
                    "Commercial" if company else "Residential",
                    rng.choice(SALES_REPS),
                    rng.choice(["Net 30", "Due on receipt", "Net 15"]),
                    rng.choice(["Tax", "Non"]),
                    fmt_amount(rng.choice([0, 0, 0, rng.randrange(2000, 60000)])),
                    "N" if rng.random() < 0.1 else "Y",
                    email if rng.random() < 0.3 and "@" in email else "",
                    fmt_dt(datetime.combine(created, datetime.min.time())),
                    fmt_dt(
                        datetime.combine(
                            self.day(created, EXPORT_DATE), datetime.min.time()
                        )
                    ),
                    rng.choice(["", "", "Side gate sticks.", "Call before arriving"]),
                    rng.choice(["", "Dog", "Cat", "Dog, Cat"]),
                    rng.choice(TECH_NAMES + ["", ""]),
                ]
            )
        # QuickBooks jobs (sub-customers): "Customer:Job", billed to the parent.
        parents = [c for i, c in enumerate(self.customers) if i in companies][:3]
        for k, parent in enumerate(parents):
            cid = str(1001 + n + k)
            job_name = rng.choice(["Building B", "Warehouse", "Clubhouse"])
            city, state, zip_code = parent["place"]
            self.customers.append(
                {
                    "id": cid,
                    "list_id": list_id(rng, "8000"),
                    "full": f"{parent['full']}:{job_name}",
                    "created": parent["created"],
                    "place": parent["place"],
                }
            )
            rows.append(
                [
                    cid,
                    self.customers[-1]["list_id"],
                    self.customers[-1]["full"],
                    parent["id"],
                    job_name,
                    "",
                    "",
                    fake.street_address(),
                    "",
                    city,
                    state,
                    zip_code,
                    self.phone(),
                    "",
                    "",
                    "",
                    "Commercial",
                    "",
                    "Net 30",
                    "Tax",
                    "0.00",
                    "Y",
                    "",
                    fmt_dt(datetime.combine(parent["created"], datetime.min.time())),
                    "",
                    "",
                    "",
                    "",
                ]
            )
        # A sub-customer whose parent was deleted in QuickBooks.
        orphan_id = str(1001 + n + len(parents))
        rows.append(
            [
                orphan_id,
                list_id(rng, "8000"),
                "Old Customer:Annex",
                "999",
                "Annex",
                "",
                "",
                fake.street_address(),
                "",
                "Raleigh",
                "NC",
                "27601",
                self.phone(),
                "",
                "",
                "",
                "Commercial",
                "",
                "Net 30",
                "Tax",
                "0.00",
                "Y",
                "",
                "",
                "",
                "",
                "",
                "",
            ]
        )
        # A customer exported twice (re-run of the report after an edit).
        dup = rng.randrange(n)
        again = list(rows[dup])
        again[12] = self.phone()
        again[24] = fmt_dt(datetime.combine(EXPORT_DATE, datetime.min.time()))
        rows.insert(dup + 1, again)
        self.mess["customers"] = {
            "duplicate_ids": [rows[dup][0]],
            "invalid_emails": sorted(str(1001 + i) for i in bad_email),
            "leading_zero_zip": sorted(str(1001 + i) for i in leading_zero),
            "sub_customers": [c["id"] for c in self.customers[n:]],
            "missing_parent": [orphan_id],
        }
        return rows

    def make_locations(self) -> list[list[Any]]:
        self.reseed("locations")
        rng, fake = self.rng, self.fake
        rows = []
        for customer in self.customers:
            for k in range(rng.choice([1, 1, 1, 2])):
                city, state, zip_code = customer["place"]
                lat, lon = next(
                    (p[3], p[4]) for p in PLACES + LEADING_ZERO_PLACES if p[0] == city
                )
                loc_id = f"L{2001 + len(rows)}"
                self.locations.append({"id": loc_id, "customer": customer["id"]})
                rows.append(
                    [
                        loc_id,
                        customer["id"],
                        "Main" if k == 0 else rng.choice(["Rental", "Lake House"]),
                        fake.street_address(),
                        "",
                        city,
                        state,
                        zip_code,
                        rng.choice(
                            [
                                "",
                                "Gate code 4512#",
                                "Key in lockbox 2291",
                                "Beware of dog; use side gate",
                                "Call on arrival",
                            ]
                        ),
                        rng.choice(ROUTES),
                        f"{lat + rng.uniform(-0.05, 0.05):.6f}",
                        f"{lon + rng.uniform(-0.05, 0.05):.6f}",
                        fake.name() if rng.random() < 0.3 else "",
                        self.phone() if rng.random() < 0.3 else "",
                    ]
                )
        rows.append(
            [
                f"L{2001 + len(rows)}",
                "998",
                "Main",
                fake.street_address(),
                "",
                "Raleigh",
                "NC",
                "27601",
                "",
                "North",
                "",
                "",
                "",
                "",
            ]
        )
        self.mess["service_locations"] = {"missing_customer": [rows[-1][0]]}
        return rows

    def make_agreements(self, total: int) -> list[list[Any]]:
        self.reseed("agreements")
        rng = self.rng
        rows = []
        for i in range(total):
            location = rng.choice(self.locations)
            item = rng.choice(SERVICE_ITEMS)
            frequency = FREQUENCIES[i % len(FREQUENCIES)]
            start = self.day(date(2022, 1, 1), date(2025, 12, 31))
            active = rng.random() < 0.85
            agreement = {"id": f"A{3001 + i}", "location": location, "item": item}
            self.agreements.append(agreement)
            rows.append(
                [
                    agreement["id"],
                    location["customer"],
                    location["id"],
                    item[0],
                    frequency,
                    fmt_date(start),
                    "" if active else fmt_date(self.day(start, EXPORT_DATE)),
                    fmt_date(self.day(EXPORT_DATE, EXPORT_DATE + timedelta(days=60)))
                    if active
                    else "",
                    fmt_amount(item[2]),
                    rng.choice(TECH_NAMES),
                    rng.choice(ROUTES),
                    "Y" if active else "N",
                ]
            )
        # An agreement at a site deleted from TSP since (its customer is there).
        held = f"A{3001 + total}"
        rows.append(
            [
                held,
                self.customers[1]["id"],
                "L1999",
                SERVICE_ITEMS[0][0],
                "Monthly",
                fmt_date(date(2024, 3, 1)),
                "",
                fmt_date(EXPORT_DATE + timedelta(days=20)),
                fmt_amount(SERVICE_ITEMS[0][2]),
                TECH_NAMES[0],
                ROUTES[0],
                "Y",
            ]
        )
        self.mess["agreements"] = {"missing_location": [held]}
        return rows

    # -- work orders ---------------------------------------------------------

    def make_work_orders(self, total: int) -> tuple[list[list[Any]], list[list[Any]]]:
        self.reseed("work_orders")
        rng = self.rng
        headers, lines = [], []
        for i in range(total):
            agreement = rng.choice(self.agreements) if rng.random() < 0.6 else None
            location = (
                agreement["location"] if agreement else rng.choice(self.locations)
            )
            item = agreement["item"] if agreement else rng.choice(SERVICE_ITEMS)
            status = rng.choices(WO_STATUSES, [10, 15, 5, 25, 40, 5])[0]
            requested = self.day(date(2024, 1, 1), EXPORT_DATE - timedelta(days=3))
            scheduled = requested + timedelta(days=rng.randint(0, 14))
            time_in = rng.randrange(7 * 60, 16 * 60, 5)
            time_out = time_in + rng.choice([20, 30, 45, 60, 90])
            tech = rng.choice(TECH_NAMES)
            number = f"{40001 + i}"
            wo_lines, total_cents = [], 0
            extra = rng.sample(
                [s for s in SERVICE_ITEMS if s != item], rng.choice([0, 0, 1, 2])
            )
            for line_no, (name, _kind, rate, chemical, epa) in enumerate(
                [item, *extra], start=1
            ):
                qty = rng.choice([1, 1, 1, 2])
                total_cents += rate * qty
                wo_lines.append(
                    [
                        number,
                        line_no,
                        name,
                        f"{name.split(':')[1]} service",
                        qty,
                        fmt_amount(rate),
                        fmt_amount(rate * qty),
                        rng.choice(["Y", "N"]),
                        tech if rng.random() < 0.8 else rng.choice(TECH_NAMES),
                        chemical,
                        f"{rng.randint(1, 40) / 2:g} oz" if chemical else "",
                        epa,
                        "Done" if status in ("Completed", "Invoiced") else "Open",
                    ]
                )
            lines.extend(wo_lines)
            done = status in ("Completed", "Invoiced")
            txn = list_id(rng, "1A") if status == "Invoiced" else ""
            self.work_orders.append(
                {
                    "id": number,
                    "customer": location["customer"],
                    "status": status,
                    "txn": txn,
                    "total": total_cents,
                    "day": scheduled,
                    "lines": wo_lines,
                }
            )
            kind = item[1]
            headers.append(
                [
                    number,
                    location["customer"],
                    location["id"],
                    agreement["id"] if agreement else "",
                    kind,
                    fmt_date(requested),
                    fmt_date(scheduled),
                    f"{time_in // 60:02d}:{time_in % 60:02d}" if done else "",
                    f"{time_out // 60:02d}:{time_out % 60:02d}" if done else "",
                    tech,
                    status,
                    rng.choice(
                        [
                            "",
                            "Ants in kitchen",
                            "Brown patches in lawn",
                            "Quarterly service",
                            "Sprinkler zone 3 leaking",
                        ]
                    ),
                    rng.choice(
                        ["", "Treated perimeter", "Applied granular", "Replaced head"]
                    )
                    if done
                    else "",
                    f"{50001 + i}" if txn else "",
                    txn,
                    fmt_amount(total_cents),
                    fmt_dt(datetime.combine(requested, datetime.min.time())),
                    fmt_date(scheduled) if done else "",
                    rng.choice(["Ants", "Roaches", "Spiders"])
                    if kind == "Pest Control"
                    else "",
                    str(rng.randint(0, 12)) if kind == "Lawn Care" else "",
                    str(rng.randint(55, 95)) if kind == "Lawn Care" else "",
                    rng.choice(["", "Perimeter", "Front yard, back yard"]),
                ]
            )
        # A work order at a site deleted from TSP since, with its line.
        held = f"{40001 + total}"
        headers.append(
            [
                held,
                self.customers[2]["id"],
                "L1998",
                "",
                SERVICE_ITEMS[1][1],
                fmt_date(date(2025, 5, 2)),
                fmt_date(date(2025, 5, 9)),
                "",
                "",
                TECH_NAMES[1],
                "Scheduled",
                "Termite inspection",
                "",
                "",
                "",
                fmt_amount(SERVICE_ITEMS[1][2]),
                fmt_dt(datetime(2025, 5, 2)),
                "",
                "",
                "",
                "",
                "",
            ]
        )
        lines.append(
            [
                held,
                1,
                SERVICE_ITEMS[1][0],
                "Termite Inspection service",
                1,
                fmt_amount(SERVICE_ITEMS[1][2]),
                fmt_amount(SERVICE_ITEMS[1][2]),
                "N",
                TECH_NAMES[1],
                "",
                "",
                "",
                "Open",
            ]
        )
        lines.append(
            [
                "49999",
                1,
                "Pest:General Pest",
                "General service",
                1,
                "89.00",
                "89.00",
                "Y",
                TECH_NAMES[0],
                "",
                "",
                "",
                "Open",
            ]
        )
        self.mess["work_order_lines"] = {
            "missing_work_order": ["49999"],
            "work_order_held": [held],
        }
        self.mess["work_orders"] = {
            "statuses": {s: sum(h[10] == s for h in headers) for s in WO_STATUSES},
            "missing_location": [held],
        }
        return headers, lines

    def make_notes(self, total: int) -> list[list[Any]]:
        self.reseed("notes")
        rng = self.rng
        rows = []
        for i in range(total):
            wo = rng.choice(self.work_orders)
            rows.append(
                [
                    f"N{60001 + i}",
                    wo["id"] if rng.random() < 0.8 else "",
                    wo["customer"],
                    fmt_dt(
                        datetime.combine(wo["day"], datetime.min.time())
                        + timedelta(minutes=rng.randrange(420, 1080))
                    ),
                    rng.choice(TECH_NAMES + ["Office"]),
                    self.fake.sentence(nb_words=rng.randint(5, 14)),
                ]
            )
        return rows

    # -- QuickBooks transactions ----------------------------------------------

    def make_invoices(self) -> tuple[list[list[Any]], list[list[Any]], list[list[Any]]]:
        self.reseed("invoices")
        rng = self.rng
        by_id = {c["id"]: c for c in self.customers}
        invoices, lines, payments = [], [], []
        states: dict[str, list[str]] = {"paid": [], "partial": [], "open": []}
        for wo in self.work_orders:
            if not wo["txn"]:
                continue
            customer = by_id[wo["customer"]]
            city, state_code, _zip = customer["place"]
            tax_item, tax_rate = TAX_ITEMS.get(city) or TAX_ITEMS[state_code]
            # only the taxable lines are taxed, each line's tax rounded
            tax = sum(
                tax_cents(round(float(line[6]) * 100), tax_rate)
                for line in wo["lines"]
                if line[7] == "Y"
            )
            total = wo["total"] + tax
            state = rng.choices(list(states), [55, 15, 30])[0]
            paid = {"paid": total, "partial": total // 2, "open": 0}[state]
            states[state].append(wo["txn"])
            txn_date = wo["day"] + timedelta(days=1)
            invoices.append(
                [
                    wo["txn"],
                    str(50001 + len(invoices)),
                    customer["list_id"],
                    customer["full"],
                    wo["id"],
                    fmt_date(txn_date),
                    fmt_date(txn_date + timedelta(days=30)),
                    "Net 30",
                    fmt_amount(wo["total"]),
                    tax_item,
                    f"{tax_rate}%",
                    fmt_amount(tax),
                    fmt_amount(total),
                    fmt_amount(total - paid),
                    "",
                ]
            )
            for line in wo["lines"]:
                lines.append(
                    [
                        wo["txn"],
                        line[1],
                        line[2],
                        line[3],
                        line[4],
                        line[5],
                        line[6],
                        "Tax" if line[7] == "Y" else "Non",
                    ]
                )
            if paid:
                method = rng.choice(["Check", "Visa", "Cash", "ACH"])
                payments.append(
                    [
                        list_id(rng, "2B"),
                        customer["list_id"],
                        wo["txn"],
                        fmt_date(self.day(txn_date, EXPORT_DATE)),
                        fmt_amount(paid),
                        method,
                        str(rng.randint(1000, 9999)) if method == "Check" else "",
                        "",
                    ]
                )
        self.mess["invoices"] = states
        return invoices, lines, payments

    def make_equipment(self, total: int) -> list[list[Any]]:
        self.reseed("equipment")
        rng = self.rng
        rows = []
        for i in range(total):
            location = rng.choice(self.locations)
            kind, make, model = rng.choice(EQUIPMENT)
            installed = self.day(date(2012, 1, 1), date(2025, 12, 31))
            rows.append(
                [
                    f"EQ{70001 + i}",
                    location["customer"],
                    location["id"],
                    kind,
                    make,
                    model,
                    f"{make[:2].upper()}{rng.randint(100000, 999999)}",
                    fmt_date(installed),
                    fmt_date(installed + timedelta(days=365 * rng.choice([1, 2, 5]))),
                    "",
                ]
            )
        # The same unit entered twice, on two visits.
        rows[-1][4:7] = rows[0][4:7]
        self.mess["equipment"] = {"duplicate_serial": [rows[0][0], rows[-1][0]]}
        return rows

    def make_leads(self, total: int) -> list[list[Any]]:
        self.reseed("leads")
        rng, fake = self.rng, self.fake
        rows = []
        for i in range(total):
            city, state, zip_code, _lat, _lon = rng.choice(PLACES)
            name = fake.name()
            rows.append(
                [
                    f"LD{80001 + i}",
                    name,
                    fake.company() if rng.random() < 0.25 else "",
                    f"{name.split()[0].lower()}{i}@example.net"
                    if rng.random() < 0.9
                    else "none",
                    self.phone(),
                    fake.street_address(),
                    city,
                    state,
                    zip_code,
                    rng.choice(["Website", "Referral", "Yard Sign", "Google"]),
                    rng.choice([s[0] for s in SERVICE_ITEMS]),
                    rng.choice(["New", "Contacted", "Estimate Sent", "Lost"]),
                    fmt_dt(
                        datetime.combine(
                            self.day(date(2025, 6, 1), EXPORT_DATE), datetime.min.time()
                        )
                    ),
                    "",
                ]
            )
        return rows


def default_counts(customers: int) -> dict[str, int]:
    return {
        "agreements": max(7, round(customers * 0.6)),
        "work_orders": max(8, round(customers * 1.4)),
        "notes": max(4, round(customers * 0.7)),
        "equipment": max(4, round(customers * 0.6)),
        "leads": max(4, round(customers * 0.3)),
    }


def generate(
    out_path: str | Path, customers: int = 40, seed: int = 11, xlsx: bool = False
) -> dict[str, Any]:
    """Write a TSP export zip and describe it.

    :returns: ``{"counts": {member: data rows}, "mess": {...}, "seed", "faker"}``
    """
    gen = _Generator(seed, customers)
    n = default_counts(customers)
    customer_rows = gen.make_customers()
    location_rows = gen.make_locations()
    agreement_rows = gen.make_agreements(n["agreements"])
    wo_rows, wo_lines = gen.make_work_orders(n["work_orders"])
    note_rows = gen.make_notes(n["notes"])
    invoice_rows, invoice_lines, payment_rows = gen.make_invoices()
    equipment_rows = gen.make_equipment(n["equipment"])
    lead_rows = gen.make_leads(n["leads"])
    tech_rows = [
        [
            tid,
            name,
            email,
            gen.phone(),
            f"8000{k:04X}-1600000000",
            certs,
            f"NC-{k:05d}" if certs else "",
            "N" if name == "Office" else "Y",
        ]
        for k, (tid, name, email, certs) in enumerate(TECHNICIANS, start=1)
    ]

    members: list[tuple[str, bytes, int]] = []

    def table(name, columns, rows, encoding="utf-8", crlf=False, as_xlsx=False):
        if as_xlsx:
            members.append(
                (f"{name}.xlsx", xlsx_bytes(columns, rows, name.title()), len(rows))
            )
        else:
            members.append(
                (f"{name}.csv", csv_bytes(columns, rows, encoding, crlf), len(rows))
            )

    table("customers", CUSTOMER_COLUMNS, customer_rows, "cp1252", True)
    table("service_locations", LOCATION_COLUMNS, location_rows, as_xlsx=xlsx)
    table("technicians", TECH_COLUMNS, tech_rows)
    table("service_agreements", AGREEMENT_COLUMNS, agreement_rows)
    table("work_orders", WORK_ORDER_COLUMNS, wo_rows)
    table("work_order_lines", WORK_ORDER_LINE_COLUMNS, wo_lines)
    table(
        "custom_fields",
        ["Field Name", "Applies To", "Field Type", "List Values"],
        [list(c) for c in CUSTOM_FIELDS],
    )
    table("notes", NOTE_COLUMNS, note_rows)
    table("invoices", INVOICE_COLUMNS, invoice_rows)
    table("invoice_lines", INVOICE_LINE_COLUMNS, invoice_lines)
    table("payments", PAYMENT_COLUMNS, payment_rows)
    table("equipment", EQUIPMENT_COLUMNS, equipment_rows, as_xlsx=xlsx)
    table("leads", LEAD_COLUMNS, lead_rows)

    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out_path, "w") as archive:
        for name, data, _rows in members:
            archive.writestr(member_info(name), data)
    return {
        "counts": {name: rows for name, _data, rows in members},
        "mess": gen.mess,
        "seed": seed,
        "faker": faker_version,
        "export_date": EXPORT_DATE.isoformat(),
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="zip file to write")
    parser.add_argument("--customers", type=int, default=40)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--xlsx",
        action="store_true",
        help="service_locations.xlsx and equipment.xlsx instead of their CSV files",
    )
    parser.add_argument(
        "--summary", action="store_true", help="print counts and mess as JSON"
    )
    args = parser.parse_args(argv)
    try:
        result = generate(
            args.out, customers=args.customers, seed=args.seed, xlsx=args.xlsx
        )
    except ValueError as exc:
        parser.error(str(exc))
    if args.summary:
        json.dump(result, sys.stdout, indent=1, ensure_ascii=False)
        print()
    else:
        for name, count in result["counts"].items():
            print(f"{name:24} {count:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
