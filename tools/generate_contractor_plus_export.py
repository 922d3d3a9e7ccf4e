#!/usr/bin/env python3
# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Generate a realistic, messy export of Contractor+ as a zip of CSV files.

Contractor+ has no public bulk API: each module (Clients, Leads, Estimates,
Invoices, Jobs...) has an Export button that writes CSV or Excel. This tool
writes a zip that looks like those exports put together, in the layouts that
section 3.2 of the source reference ASSUMES, with the drift real exports have:
renamed headers ("Client #", "Mobile Number", "Zip/Postal Code", "Job Title"),
extra custom columns, a client exported twice, contacts and jobs of clients
that are gone, estimate items of an estimate that is gone, invalid e-mails,
ZIP codes with a leading zero, ``estimates.csv`` in Windows-1252, rich-text
(HTML) notes, an attachment listed but not in the zip and one whose checksum
does not match its file.

Files: clients, contacts, leads, jobs, estimates + estimate_items, invoices +
invoice_items + payments, calls, meetings, notes, attachments (with the files
under ``files/``), staff and automations.

Output is deterministic for one seed and one Faker version: each file has its
own random stream derived from the seed, and every zip member carries a fixed
timestamp. ``--xlsx`` writes ``clients.xlsx`` and ``leads.xlsx`` instead of
their CSV files (an .xlsx carries its own save time, so it is not byte-stable).

Usage::

    python3 tools/generate_contractor_plus_export.py OUT.zip --clients 40 --seed 7
    python3 tools/generate_contractor_plus_export.py OUT.zip --xlsx --summary

or, from Python, ``generate(out_path, clients=40, seed=7)``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import random
import struct
import sys
import zipfile
import zlib
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from faker import VERSION as faker_version
from faker import Faker

EXPORT_DATE = date(2026, 10, 15)
ZIP_TIMESTAMP = (2026, 10, 15, 9, 30, 0)
MIN_CLIENTS = 12

# Headers as this export writes them. Several differ from the assumed layout
# (source reference §3.2): the preset's aliases must absorb them.
CLIENT_COLUMNS = [
    "Client ID",
    "Client #",
    "First Name",
    "Last Name",
    "Company Name",
    "Email",
    "Phone",
    "Mobile Number",
    "Address Line 1",
    "Address Line 2",
    "City",
    "State",
    "Zip/Postal Code",
    "Country",
    "Lead Source",
    "Tags",
    "Notes",
    "Status",
    "Contractor+ Tier",
    "Trade",
    "License #",
    "License Expiry",
    "Insurance Provider",
    "Insurance Policy #",
    "Insurance Expiry",
    "Crew Size",
    "Portal Access",
    "Portal Invite Date",
    "Portal Last Login",
    "Created Date",
    "Updated Date",
    # custom fields of this account
    "Gate Code",
    "Preferred Contact Time",
    "Property Type",
]
CONTACT_COLUMNS = [
    "Contact ID",
    "Client ID",
    "First Name",
    "Last Name",
    "Job Title",
    "Email",
    "Phone",
    "Mobile",
    "Primary Contact",
    "Created Date",
]
LEAD_COLUMNS = [
    "Lead ID",
    "First Name",
    "Last Name",
    "Company Name",
    "Email",
    "Phone",
    "Address",
    "City",
    "State",
    "Zip",
    "Lead Source",
    "Service Requested",
    "Status",
    "Assigned To",
    "Estimated Value",
    "Created Date",
    "Converted Client ID",
    "Notes",
]
JOB_STAGES = ["New", "In Progress", "On Hold", "Completed", "Cancelled"]
JOB_COLUMNS = [
    "Job #",
    "Invoice #",
    "Client ID",
    "Job Title",
    "Job Address",
    "City",
    "State",
    "Zip",
    "Status",
    "Scheduled Start",
    "Scheduled End",
    "Assigned Staff",
    "Job Total",
    *(f"Stage Date: {stage}" for stage in JOB_STAGES),
    "Notes",
    "Created Date",
    "Updated Date",
    "Permit Required",
]
ESTIMATE_COLUMNS = [
    "Estimate #",
    "Client ID",
    "Client Name",
    "Title",
    "Status",
    "Issue Date",
    "Expiration Date",
    "Subtotal",
    "Discount",
    "Tax",
    "Markup",
    "Total",
    "Deposit",
    "Invoice #",
    "Created Date",
]
ITEM_COLUMNS = [
    "Line #",
    "Item Name",
    "Item Code",
    "Description",
    "Quantity",
    "Unit",
    "Unit Price",
    "Material Cost",
    "Markup %",
    "Taxable",
    "Tax Rate",
    "Line Total",
]
INVOICE_COLUMNS = [
    "Invoice #",
    "Estimate #",
    "Job #",
    "Client ID",
    "Issue Date",
    "Due Date",
    "Status",
    "Subtotal",
    "Tax",
    "Discount",
    "Total",
    "Amount Paid",
    "Balance",
    "Payment Mode",
]
PAYMENT_COLUMNS = [
    "Payment ID",
    "Invoice #",
    "Payment Date",
    "Amount",
    "Payment Mode",
    "Reference",
    "Notes",
]
CALL_COLUMNS = [
    "Call ID",
    "Client ID",
    "Job #",
    "Date",
    "Duration (min)",
    "Direction",
    "Staff",
    "Outcome",
    "Notes",
]
MEETING_COLUMNS = [
    "Meeting ID",
    "Client ID",
    "Job #",
    "Title",
    "Start",
    "End",
    "Location",
    "Staff",
    "Attendees",
    "Notes",
]
NOTE_COLUMNS = ["Note ID", "Client ID", "Job #", "Created Date", "Created By", "Note"]
ATTACHMENT_COLUMNS = [
    "Attachment ID",
    "Client ID",
    "Job #",
    "File Name",
    "File Path",
    "Mime Type",
    "Size (bytes)",
    "Checksum (SHA-256)",
    "Uploaded By",
    "Uploaded Date",
]
STAFF_COLUMNS = ["Staff ID", "Name", "Email", "Role"]
AUTOMATION_COLUMNS = [
    "Automation ID",
    "Name",
    "Type",
    "Trigger",
    "Steps",
    "Delay",
    "Status",
    "Created Date",
]

STAFF = [
    (11, "Dana Whitfield", "dana@summitbuild.example", "Owner"),
    (12, "Marcus Reyes", "marcus.reyes@summitbuild.example", "Estimator"),
    (13, "Priya Natarajan", "priya@summitbuild.example", "Office Manager"),
    (14, "Jake Kowalski", "jake.k@summitbuild.example", "Crew Lead"),
    (15, "Tomás Ibáñez", "tomas.ibanez@summitbuild.example", "Crew Lead"),
    (16, "Hannah Lee", "hannah.lee@summitbuild.example", "Technician"),
]
STAFF_NAMES = [s[1] for s in STAFF]
CREW_LEADS = [s[1] for s in STAFF if s[3] in ("Crew Lead", "Technician")]
SALES = [s[1] for s in STAFF if s[3] in ("Owner", "Estimator")]

# The account's automations, as its Automations page lists them. Steps are
# separated by " > " in the export, the way the page shows a sequence.
AUTOMATIONS = [
    (
        "Estimate follow-up",
        "Automation",
        "Estimate sent and not approved",
        [
            "Wait 3 days",
            "Send email: Just checking in",
            "Wait 4 days",
            "Send SMS reminder",
            "Create task for assigned estimator",
        ],
        "3 days after sending, then 4 days",
        "Active",
    ),
    (
        "Thank-you after job",
        "Automation",
        "Job status changes to Completed",
        ["Send email: Thank you", "Request a review"],
        "Immediately",
        "Active",
    ),
    (
        "Overdue invoice reminder",
        "Workflow",
        "Invoice past due date",
        [
            "Send email reminder",
            "Wait 7 days",
            "Send second reminder",
            "Notify office manager",
        ],
        "Checked daily; 7 days between reminders",
        "Active",
    ),
    (
        "New lead welcome",
        "Email Sequence",
        "Lead created",
        [
            "Send welcome email",
            "Wait 2 days",
            "Send portfolio email",
            "Wait 5 days",
            "Send 10% off offer",
        ],
        "Day 0, day 2, day 7",
        "Active",
    ),
    (
        "Appointment reminder",
        "Automation",
        "24 hours before Scheduled Start",
        ["Send SMS to client"],
        "24 hours before",
        "Active",
    ),
    (
        "On Hold alert",
        "Workflow",
        "Job status changes to On Hold",
        ["Notify assigned staff", "Create follow-up task in 3 days"],
        "Immediately",
        "Paused",
    ),
    (
        "Approved estimate to job",
        "Workflow",
        "Estimate approved",
        ["Convert estimate to invoice", "Create job", "Assign crew lead"],
        "Immediately",
        "Active",
    ),
    (
        "Estimate cover letter",
        "Template",
        "Manual",
        ["Email body with estimate link and signature"],
        "",
        "Active",
    ),
]


def round_half_up(amount: Decimal) -> int:
    """Whole cents, halves away from zero."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


TRADES = [
    ("Roofing", ["Roof Inspection", "Shingle Replacement", "Gutter Install"]),
    ("Plumbing", ["Water Heater Install", "Leak Repair", "Repipe"]),
    ("Electrical", ["Panel Upgrade", "EV Charger Install", "Lighting Retrofit"]),
    ("Remodeling", ["Kitchen Remodel", "Bathroom Remodel", "Deck Build"]),
    ("HVAC", ["AC Tune-Up", "Furnace Replacement", "Duct Cleaning"]),
]
# (code, name, unit, unit price in cents, material, tax rate %)
CATALOG = [
    ("LAB-HR", "Labor (hourly)", "hr", 8500, False, 0.0),
    ("SHG-ARCH", "Architectural shingles", "sq", 12900, True, 8.25),
    ("GUT-5K", "5in K-style gutter", "ft", 950, True, 8.25),
    ("WH-50G", "50 gal water heater", "ea", 89900, True, 8.25),
    ("PEX-34", "3/4in PEX pipe", "ft", 210, True, 8.25),
    ("PNL-200A", "200A electrical panel", "ea", 64500, True, 8.25),
    ("EVSE-L2", "Level 2 EV charger", "ea", 52900, True, 8.25),
    ("LED-6", "6in LED recessed light", "ea", 3900, True, 8.25),
    ("DECK-CMP", "Composite decking board", "ea", 4700, True, 8.25),
    ("TILE-PRC", "Porcelain tile", "sqft", 650, True, 8.25),
    ("PERMIT", "Permit fee", "ea", 15000, False, 0.0),
    ("DISP", "Debris disposal", "load", 27500, False, 6.0),
]
LEADING_ZERO_PLACES = [
    ("Newark", "NJ", "07102"),
    ("Cambridge", "MA", "02139"),
    ("Stamford", "CT", "06901"),
    ("Bangor", "ME", "04401"),
]
LOCAL_PLACES = [
    ("Denver", "CO", "80205"),
    ("Aurora", "CO", "80012"),
    ("Lakewood", "CO", "80226"),
    ("Boulder", "CO", "80302"),
    ("Littleton", "CO", "80120"),
]
ACCENTED = [("José", "Muñoz"), ("Zoë", "Brontë"), ("Renée", "Côté"), ("Ñico", "Peña")]
INVALID_EMAILS = ["jane@@example.com", "n/a", "bob.example.com", "mike@example"]
TIERS = ["Freedom", "Pro", "Pro Team"]
INSURERS = ["Hiscox", "Next Insurance", "State Farm", "The Hartford", ""]
LEAD_SOURCES = ["Google", "Angi", "Referral", "Facebook", "Yard Sign", "HomeAdvisor"]
TAGS = ["VIP", "Repeat", "Commercial", "Warranty", "Slow Payer", "Referral Partner"]
PAYMENT_MODES = ["Credit Card", "Check", "ACH", "Cash", "Financing"]
HTML_SNIPPETS = [
    "<p>Client wants <b>matching</b> trim on the <i>north side</i>.</p>",
    (
        "<p>Walkthrough notes:</p><ul><li>Attic access in hall closet</li>"
        "<li>Dog in backyard</li></ul>"
    ),
    '<p>Spec sheet: <a href="https://example.com/spec.pdf">spec.pdf</a></p>',
    "<p><b>Warranty:</b> 10 years workmanship, see contract.</p>",
    "<p>Client asked for <i>weekend</i> work only &amp; quiet hours.</p>",
]


def fmt_date(d: date | None) -> str:
    return d.strftime("%m/%d/%Y") if d else ""


def fmt_dt(d: datetime | None) -> str:
    return d.strftime("%m/%d/%Y %I:%M %p") if d else ""


def fmt_money(cents: int) -> str:
    return f"${cents / 100:,.2f}"


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


def png_bytes(rng: random.Random) -> bytes:
    """A small valid PNG of random pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    width, height = rng.randint(8, 20), rng.randint(8, 20)
    raw = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


class _Generator:
    """One generation: random streams, Faker, and the rows of every file."""

    def __init__(self, seed: int, clients: int) -> None:
        if clients < MIN_CLIENTS:
            raise ValueError(f"clients must be at least {MIN_CLIENTS}")
        self.seed = seed
        self.n_clients = clients
        self.fake = Faker("en_US")
        self.rng = random.Random(seed)
        self.mess: dict[str, Any] = {}
        self.clients: list[dict[str, Any]] = []
        self.jobs: list[dict[str, Any]] = []
        self.estimates: list[dict[str, Any]] = []
        self.invoices: list[dict[str, Any]] = []

    def reseed(self, section: str) -> None:
        self.rng = random.Random(f"{self.seed}:{section}")
        self.fake.seed_instance(f"{self.seed}:{section}:faker")

    def day(self, start: date, end: date) -> date:
        span = (end - start).days
        return start + timedelta(days=self.rng.randint(0, span)) if span > 0 else start

    def moment(self, d: date) -> datetime:
        minutes = self.rng.randrange(7 * 60, 18 * 60, 15)
        return datetime(d.year, d.month, d.day) + timedelta(minutes=minutes)

    def phone(self) -> str:
        area, line = self.rng.choice(["303", "720"]), self.rng.randint(100, 199)
        return self.rng.choice(
            [f"({area}) 555-0{line}", f"{area}-555-0{line}", f"{area}5550{line}"]
        )

    def email(self, first: str, last: str, index: int) -> str:
        local = f"{first}.{last}".lower().replace(" ", "")
        local = local.encode("ascii", "ignore").decode() or "client"
        return f"{local}{index}@example.{self.rng.choice(['com', 'net', 'org'])}"

    def place(self) -> tuple[str, str, str]:
        return self.rng.choice(LOCAL_PLACES)

    def sample_ids(self, total: int, share: float, minimum: int = 1) -> set[int]:
        count = min(total, max(minimum, round(total * share)))
        return set(self.rng.sample(range(total), count))

    # -- clients, contacts, leads ------------------------------------------

    def make_clients(self) -> list[list[Any]]:
        self.reseed("clients")
        rng, fake, n = self.rng, self.fake, self.n_clients
        companies = self.sample_ids(n, 0.35)
        bad_email = self.sample_ids(n, 0.08)
        leading_zero = self.sample_ids(n, 0.1, 2)
        accented = self.sample_ids(n, 0.08)
        portal = self.sample_ids(n, 0.4)
        no_email = self.sample_ids(n, 0.05) - bad_email
        rows = []
        for i in range(n):
            client_id = 2001 + i
            first, last = (
                rng.choice(ACCENTED) if i in accented else (fake.first_name(), "")
            )
            last = last or fake.last_name()
            company = fake.company() if i in companies else ""
            city, state, zip_code = (
                rng.choice(LEADING_ZERO_PLACES) if i in leading_zero else self.place()
            )
            created = self.day(date(2021, 1, 1), date(2025, 12, 31))
            updated = self.day(created, EXPORT_DATE)
            email = self.email(first, last, i)
            if i in bad_email:
                email = rng.choice(INVALID_EMAILS)
            elif i in no_email:
                email = ""
            trade, _services = rng.choice(TRADES)
            is_sub = i in companies and rng.random() < 0.6
            invite = self.day(created, EXPORT_DATE) if i in portal else None
            login = (
                self.moment(self.day(invite, EXPORT_DATE))
                if invite and rng.random() < 0.7
                else None
            )
            row = {
                "id": client_id,
                "name": company or f"{first} {last}",
                "created": created,
                "place": (city, state, zip_code),
                "trade": trade,
            }
            self.clients.append(row)
            rows.append(
                [
                    client_id,
                    f"C-{1000 + i}",
                    first,
                    last,
                    company,
                    email,
                    self.phone(),
                    self.phone() if rng.random() < 0.6 else "",
                    fake.street_address(),
                    fake.secondary_address() if rng.random() < 0.2 else "",
                    city,
                    state,
                    zip_code,
                    "US" if rng.random() < 0.7 else "United States",
                    rng.choice(LEAD_SOURCES),
                    ", ".join(rng.sample(TAGS, rng.choice([0, 0, 1, 2]))),
                    rng.choice(["", "", "Prefers text messages.", "Pays by check."]),
                    rng.choice(["Active", "Active", "Active", "Inactive"]),
                    rng.choice(TIERS) if is_sub else "",
                    trade if is_sub else "",
                    f"{state}-{rng.randint(100000, 999999)}" if is_sub else "",
                    fmt_date(self.day(EXPORT_DATE, date(2028, 12, 31)))
                    if is_sub
                    else "",
                    rng.choice(INSURERS) if is_sub else "",
                    f"POL-{rng.randint(10000, 99999)}" if is_sub else "",
                    fmt_date(self.day(date(2026, 1, 1), date(2027, 12, 31)))
                    if is_sub
                    else "",
                    rng.randint(2, 25) if is_sub else "",
                    "Yes" if i in portal else "No",
                    fmt_date(invite),
                    fmt_dt(login),
                    fmt_dt(self.moment(created)),
                    fmt_dt(self.moment(updated)),
                    f"#{rng.randint(1000, 9999)}" if rng.random() < 0.3 else "",
                    rng.choice(["", "Morning", "Afternoon", "Evening"]),
                    rng.choice(["Residential", "Residential", "Commercial", "HOA"]),
                ]
            )
        # A client exported twice (the second row was edited later): phone changed.
        dup = rng.randrange(n)
        again = list(rows[dup])
        again[6] = self.phone()
        again[30] = fmt_dt(self.moment(EXPORT_DATE))
        rows.insert(dup + 1, again)
        self.mess["clients"] = {
            "duplicate_ids": [rows[dup][0]],
            "invalid_emails": sorted(2001 + i for i in bad_email),
            "leading_zero_zip": sorted(2001 + i for i in leading_zero),
            "companies": sorted(2001 + i for i in companies),
            "portal_access": len(portal),
        }
        return rows

    def make_contacts(self) -> list[list[Any]]:
        self.reseed("contacts")
        rng, fake = self.rng, self.fake
        companies = self.mess["clients"]["companies"]
        rows = []
        for client_id in companies:
            for k in range(rng.choice([1, 1, 2])):
                first, last = fake.first_name(), fake.last_name()
                rows.append(
                    [
                        3001 + len(rows),
                        client_id,
                        first,
                        last,
                        rng.choice(["Owner", "Property Manager", "Office", "AP"]),
                        self.email(first, last, len(rows)),
                        self.phone(),
                        self.phone() if rng.random() < 0.5 else "",
                        "Yes" if k == 0 else "No",
                        fmt_date(self.day(date(2022, 1, 1), EXPORT_DATE)),
                    ]
                )
        # A contact of a client deleted before the export.
        rows.append(
            [3001 + len(rows), 9999, "Ghost", "Contact", "Owner", "", "", "", "Yes", ""]
        )
        self.mess["contacts"] = {"missing_client": [rows[-1][0]]}
        return rows

    def make_leads(self, total: int) -> list[list[Any]]:
        self.reseed("leads")
        rng, fake = self.rng, self.fake
        statuses = ["New", "Contacted", "Qualified", "Converted", "Lost"]
        rows = []
        for i in range(total):
            first, last = fake.first_name(), fake.last_name()
            city, state, zip_code = self.place()
            status = rng.choice(statuses)
            converted = rng.choice(self.clients)["id"] if status == "Converted" else ""
            _trade, services = rng.choice(TRADES)
            rows.append(
                [
                    4001 + i,
                    first,
                    last,
                    fake.company() if rng.random() < 0.2 else "",
                    self.email(first, last, i) if rng.random() < 0.9 else "n/a",
                    self.phone(),
                    fake.street_address(),
                    city,
                    state,
                    zip_code,
                    rng.choice(LEAD_SOURCES),
                    rng.choice(services),
                    status,
                    rng.choice(SALES),
                    fmt_money(rng.randrange(50000, 2500000, 500)),
                    fmt_dt(self.moment(self.day(date(2025, 1, 1), EXPORT_DATE))),
                    converted,
                    rng.choice(["", "Wants a quote before spring.", "Call after 5"]),
                ]
            )
        return rows

    # -- jobs ------------------------------------------------------------

    def make_jobs(self, total: int) -> list[list[Any]]:
        self.reseed("jobs")
        rng = self.rng
        weights = [15, 30, 10, 35, 10]
        orphan = rng.randrange(total)
        rows = []
        for i in range(total):
            client = rng.choice(self.clients)
            client_id = 9998 if i == orphan else client["id"]
            status = rng.choices(JOB_STAGES, weights)[0]
            created = self.day(client["created"], EXPORT_DATE - timedelta(days=20))
            start = self.day(created, created + timedelta(days=45))
            end = start + timedelta(days=rng.randint(0, 10))
            _trade, services = next(t for t in TRADES if t[0] == client["trade"])
            path = {
                "New": ["New"],
                "In Progress": ["New", "In Progress"],
                "On Hold": ["New", "In Progress", "On Hold"],
                "Completed": ["New", "In Progress", "Completed"],
                "Cancelled": ["New", "Cancelled"],
            }[status]
            entered, moment = {}, self.moment(created)
            for stage in path:
                entered[stage] = moment
                moment += timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 6))
            city, state, zip_code = client["place"]
            job = {"id": f"J-{5001 + i}", "client": client_id, "start": start}
            self.jobs.append(job)
            rows.append(
                [
                    job["id"],
                    "",  # the invoice number, filled in by make_invoices
                    client_id,
                    f"{rng.choice(services)} - {client['name']}",
                    self.fake.street_address(),
                    city,
                    state,
                    zip_code,
                    status,
                    fmt_dt(self.moment(start)),
                    fmt_dt(self.moment(end)),
                    rng.choice(CREW_LEADS + ["Crew B"]),
                    fmt_money(rng.randrange(30000, 4000000, 100)),
                    *(fmt_dt(entered.get(stage)) for stage in JOB_STAGES),
                    rng.choice(["", "", "Materials on site.", "HOA approval needed"]),
                    fmt_dt(self.moment(created)),
                    fmt_dt(self.moment(self.day(created, EXPORT_DATE))),
                    rng.choice(["Yes", "No", "No"]),
                ]
            )
        self.mess["jobs"] = {
            "missing_client": [rows[orphan][0]],
            "statuses": {s: sum(r[8] == s for r in rows) for s in JOB_STAGES},
        }
        return rows

    # -- estimates, invoices, payments --------------------------------------

    def items(self, number: str, count: int) -> tuple[list[list[Any]], int, int]:
        """Item rows of one document, and its subtotal and tax in cents."""
        rng = self.rng
        rows, subtotal, tax = [], 0, 0
        for line, (code, name, unit, price, material, rate) in enumerate(
            rng.sample(CATALOG, count), start=1
        ):
            qty = rng.choice([1, 1, 2, 4, 8, 12.5, 20])
            total = round(price * qty)
            cost = round(price * 0.6) if material else 0
            taxable = rate > 0
            subtotal += total
            # per line, half up: as invoicing software (and Odoo) rounds it
            tax += round_half_up(total * Decimal(str(rate)) / 100) if taxable else 0
            rows.append(
                [
                    number,
                    line,
                    name if rng.random() > 0.08 else name.upper(),
                    code if rng.random() > 0.1 else "",  # some lines name only
                    rng.choice(["", f"{name} as specified", "Per walkthrough"]),
                    f"{qty:g}",
                    unit,
                    fmt_money(price),
                    fmt_money(cost) if cost else "",
                    "40%" if material else "",
                    "Yes" if taxable else "No",
                    f"{rate:g}%" if taxable else "0%",
                    fmt_money(total),
                ]
            )
        return rows, subtotal, tax

    def make_estimates(self, total: int) -> tuple[list[list[Any]], list[list[Any]]]:
        self.reseed("estimates")
        rng = self.rng
        headers, items = [], []
        statuses = ["Draft", "Sent", "Approved", "Declined"]
        for i in range(total):
            client = rng.choice(self.clients)
            number = f"E-{6001 + i}"
            lines, subtotal, tax = self.items(number, rng.randint(1, 4))
            items.extend(lines)
            discount = rng.choice([0, 0, 0, 2500, 10000])
            issued = self.day(client["created"], EXPORT_DATE)
            status = rng.choice(statuses)
            self.estimates.append(
                {"id": number, "client": client["id"], "status": status}
            )
            headers.append(
                [
                    number,
                    client["id"],
                    client["name"],
                    f"Estimate for {client['name']}",
                    status,
                    fmt_date(issued),
                    fmt_date(issued + timedelta(days=30)),
                    fmt_money(subtotal),
                    fmt_money(discount),
                    fmt_money(tax),
                    fmt_money(0),
                    fmt_money(subtotal - discount + tax),
                    fmt_money(round((subtotal - discount + tax) * 0.3))
                    if status == "Approved"
                    else "",
                    "",
                    fmt_dt(self.moment(issued)),
                ]
            )
        # Items of an estimate deleted before the export.
        orphans, _s, _t = self.items("E-9999", 2)
        items.extend(orphans)
        self.mess["estimate_items"] = {"missing_estimate": ["E-9999"]}
        return headers, items

    def make_invoices(
        self, total: int, job_rows: list[list[Any]], estimate_rows: list[list[Any]]
    ) -> tuple[list[list[Any]], list[list[Any]], list[list[Any]]]:
        self.reseed("invoices")
        rng = self.rng
        headers, items, payments = [], [], []
        approved = [e for e in self.estimates if e["status"] == "Approved"]
        states: dict[str, list[str]] = {"Paid": [], "Partially Paid": [], "Unpaid": []}
        billable = [row for row in job_rows if row[2] != 9998]
        for i in range(total):
            number = f"INV-{7001 + i}"
            job_row = billable[i % len(billable)]
            estimate = approved[i] if i < len(approved) else None
            client_id = estimate["client"] if estimate else job_row[2]
            if estimate:
                row = next(r for r in estimate_rows if r[0] == estimate["id"])
                row[13] = number
            job_row[1] = number
            lines, subtotal, tax = self.items(number, rng.randint(1, 3))
            items.extend(lines)
            total_cents = subtotal + tax
            state = rng.choices(list(states), [50, 20, 30])[0]
            issued = self.day(date(2025, 1, 1), EXPORT_DATE - timedelta(days=5))
            paid = 0
            if state != "Unpaid":
                parts = 1 if state == "Paid" else rng.randint(1, 2)
                share = 1.0 if state == "Paid" else rng.choice([0.25, 0.5])
                remaining = round(total_cents * share)
                for p in range(parts):
                    amount = remaining if p == parts - 1 else remaining // 2
                    remaining -= amount
                    paid += amount
                    mode = rng.choice(PAYMENT_MODES)
                    payments.append(
                        [
                            f"P-{8001 + len(payments)}",
                            number,
                            fmt_date(self.day(issued, EXPORT_DATE)),
                            fmt_money(amount),
                            mode,
                            f"CHK {rng.randint(1000, 9999)}" if mode == "Check" else "",
                            "",
                        ]
                    )
            states[state].append(number)
            due = issued + timedelta(days=30)
            shown = state
            if state == "Unpaid" and due < EXPORT_DATE:
                shown = "Overdue"
            headers.append(
                [
                    number,
                    estimate["id"] if estimate else "",
                    job_row[0],
                    client_id,
                    fmt_date(issued),
                    fmt_date(due),
                    shown,
                    fmt_money(subtotal),
                    fmt_money(tax),
                    fmt_money(0),
                    fmt_money(total_cents),
                    fmt_money(paid),
                    fmt_money(total_cents - paid),
                    rng.choice(PAYMENT_MODES) if paid else "",
                ]
            )
        self.mess["invoices"] = {k: v for k, v in states.items()}
        return headers, items, payments

    # -- activities, notes, attachments -------------------------------------

    def target(self) -> tuple[int, str, date]:
        """A client (and maybe one of its jobs) an activity is about."""
        if self.rng.random() < 0.5:
            job = self.rng.choice(self.jobs)
            if job["client"] != 9998:
                return job["client"], job["id"], job["start"]
        client = self.rng.choice(self.clients)
        return client["id"], "", self.day(client["created"], EXPORT_DATE)

    def make_calls(self, total: int) -> list[list[Any]]:
        self.reseed("calls")
        rng = self.rng
        rows = []
        for i in range(total):
            client_id, job, day = self.target()
            rows.append(
                [
                    f"CL-{10001 + i}",
                    client_id,
                    job,
                    fmt_dt(self.moment(day)),
                    rng.randint(1, 45),
                    rng.choice(["Inbound", "Outbound"]),
                    rng.choice(STAFF_NAMES),
                    rng.choice(["Reached", "Left voicemail", "No answer"]),
                    rng.choice(["", "Confirmed start date.", "Discussed change order"]),
                ]
            )
        return rows

    def make_meetings(self, total: int) -> list[list[Any]]:
        self.reseed("meetings")
        rng = self.rng
        rows = []
        for i in range(total):
            client_id, job, day = self.target()
            start = self.moment(day)
            rows.append(
                [
                    f"M-{11001 + i}",
                    client_id,
                    job,
                    rng.choice(["Site walkthrough", "Estimate review", "Final walk"]),
                    fmt_dt(start),
                    fmt_dt(start + timedelta(minutes=rng.choice([30, 60, 90]))),
                    self.fake.street_address(),
                    rng.choice(SALES + CREW_LEADS),
                    "; ".join(rng.sample(STAFF_NAMES, rng.randint(1, 2))),
                    "",
                ]
            )
        return rows

    def make_notes(self, total: int) -> list[list[Any]]:
        self.reseed("notes")
        rng = self.rng
        rows = []
        html = 0
        for i in range(total):
            client_id, job, day = self.target()
            if rng.random() < 0.6:
                text = rng.choice(HTML_SNIPPETS)
                html += 1
            else:
                text = self.fake.sentence(nb_words=rng.randint(5, 14))
            rows.append(
                [
                    f"N-{12001 + i}",
                    client_id,
                    job,
                    fmt_dt(self.moment(day)),
                    rng.choice(STAFF_NAMES),
                    text,
                ]
            )
        self.mess["notes"] = {"html": html}
        return rows

    def make_attachments(
        self, total: int
    ) -> tuple[list[list[Any]], dict[str, bytes], dict[str, Any]]:
        self.reseed("attachments")
        rng = self.rng
        missing, corrupt = rng.sample(range(total), 2)
        rows, files = [], {}
        for i in range(total):
            client_id, job, day = self.target()
            kind = rng.choice(["png", "txt", "png"])
            name = (
                f"photo_{i + 1:03d}.png" if kind == "png" else f"scope_{i + 1:03d}.txt"
            )
            path = f"files/{client_id}/{name}"
            if kind == "png":
                data, mime = png_bytes(rng), "image/png"
            else:
                data = f"Scope of work {i + 1}\n{self.fake.paragraph()}\n".encode()
                mime = "text/plain"
            checksum = hashlib.sha256(data).hexdigest()
            if i == corrupt:
                checksum = hashlib.sha256(data + b"x").hexdigest()
            if i != missing:
                files[path] = data
            rows.append(
                [
                    f"A-{13001 + i}",
                    client_id,
                    job,
                    name,
                    path,
                    mime,
                    len(data),
                    checksum,
                    rng.choice(STAFF_NAMES),
                    fmt_dt(self.moment(day)),
                ]
            )
        mess = {
            "missing_file": rows[missing][0],
            "checksum_mismatch": rows[corrupt][0],
        }
        return rows, files, mess


def default_counts(clients: int) -> dict[str, int]:
    """Row counts of the other files, scaled from the number of clients."""
    return {
        "leads": max(4, round(clients * 0.35)),
        "jobs": max(6, round(clients * 1.2)),
        "estimates": max(4, round(clients * 0.7)),
        "invoices": max(4, round(clients * 0.7)),
        "calls": max(4, round(clients * 0.6)),
        "meetings": max(3, round(clients * 0.3)),
        "notes": max(4, round(clients * 0.8)),
        "attachments": max(3, round(clients * 0.2)),
    }


def generate(
    out_path: str | Path, clients: int = 40, seed: int = 7, xlsx: bool = False
) -> dict[str, Any]:
    """Write a Contractor+ export zip and describe it.

    :returns: ``{"counts": {member: data rows}, "mess": {...}, "seed", "faker"}``
    """
    gen = _Generator(seed, clients)
    n = default_counts(clients)
    client_rows = gen.make_clients()
    contact_rows = gen.make_contacts()
    lead_rows = gen.make_leads(n["leads"])
    job_rows = gen.make_jobs(n["jobs"])
    estimate_rows, estimate_items = gen.make_estimates(n["estimates"])
    invoice_rows, invoice_items, payment_rows = gen.make_invoices(
        n["invoices"], job_rows, estimate_rows
    )
    call_rows = gen.make_calls(n["calls"])
    meeting_rows = gen.make_meetings(n["meetings"])
    note_rows = gen.make_notes(n["notes"])
    attachment_rows, files, attachment_mess = gen.make_attachments(n["attachments"])
    gen.mess["attachments"] = attachment_mess
    automation_rows = [
        [
            f"AU-{i}",
            name,
            kind,
            trigger,
            " > ".join(steps),
            delay,
            status,
            fmt_date(date(2024, 1, 1) + timedelta(days=40 * i)),
        ]
        for i, (name, kind, trigger, steps, delay, status) in enumerate(
            AUTOMATIONS, start=1
        )
    ]

    members: list[tuple[str, bytes, int]] = []

    def table(name, columns, rows, encoding="utf-8", crlf=False, as_xlsx=False):
        if as_xlsx:
            data = xlsx_bytes(columns, rows, name.title())
            members.append((f"{name}.xlsx", data, len(rows)))
        else:
            data = csv_bytes(columns, rows, encoding, crlf)
            members.append((f"{name}.csv", data, len(rows)))

    table("clients", CLIENT_COLUMNS, client_rows, "utf-8-sig", True, xlsx)
    table("contacts", CONTACT_COLUMNS, contact_rows)
    table("leads", LEAD_COLUMNS, lead_rows, as_xlsx=xlsx)
    table("jobs", JOB_COLUMNS, job_rows)
    table("estimates", ESTIMATE_COLUMNS, estimate_rows, "cp1252", True)
    table("estimate_items", ["Estimate #", *ITEM_COLUMNS], estimate_items)
    table("invoices", INVOICE_COLUMNS, invoice_rows)
    table("invoice_items", ["Invoice #", *ITEM_COLUMNS], invoice_items)
    table("payments", PAYMENT_COLUMNS, payment_rows)
    table("calls", CALL_COLUMNS, call_rows)
    table("meetings", MEETING_COLUMNS, meeting_rows)
    table("notes", NOTE_COLUMNS, note_rows)
    table("attachments", ATTACHMENT_COLUMNS, attachment_rows)
    table("staff", STAFF_COLUMNS, [list(s) for s in STAFF])
    table("automations", AUTOMATION_COLUMNS, automation_rows)

    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out_path, "w") as archive:
        for name, data, _rows in members:
            archive.writestr(member_info(name), data)
        for path in sorted(files):
            archive.writestr(member_info(path), files[path])
    counts = {name: rows for name, _data, rows in members}
    counts["files/"] = len(files)
    return {
        "counts": counts,
        "mess": gen.mess,
        "seed": seed,
        "faker": faker_version,
        "export_date": EXPORT_DATE.isoformat(),
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="zip file to write")
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--xlsx",
        action="store_true",
        help="clients.xlsx and leads.xlsx instead of their CSV files",
    )
    parser.add_argument(
        "--summary", action="store_true", help="print counts and mess as JSON"
    )
    args = parser.parse_args(argv)
    try:
        result = generate(
            args.out, clients=args.clients, seed=args.seed, xlsx=args.xlsx
        )
    except ValueError as exc:
        parser.error(str(exc))
    if args.summary:
        json.dump(result, sys.stdout, indent=1, ensure_ascii=False)
        print()
    else:
        for name, count in result["counts"].items():
            print(f"{name:22} {count:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
