#!/usr/bin/env python3
# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Generate a realistic, messy export of The Customer Factor (TCF) as a zip.

TCF has no API: its users export CSV files. This tool writes a zip that looks
like such an export (customers, prospects, jobs, estimates, invoices, notes,
attachments, employees), with the mess real exports have: BOMs, CRLF,
Windows-1252, repeated rows, names missing, invalid e-mails, phones in every
format, money written "TBD", references to customers that no longer exist, a
file that the attachment list names but the zip does not hold. The layouts are
the ones in section 4 of the source reference (several are ASSUMED there).

Output is deterministic for a given seed and Faker version: the random streams
are derived from the seed, one per file, so that ``customers.csv`` does not
change when only ``--jobs`` changes, and the flags ``--job-enriched`` and
``--xlsx`` change nothing but the members they add or replace. The rows that
carry deliberate mess are picked from those random streams, never from Faker
output, so their ids depend on the seed and the counts only (except that a
ZIP code starting with 0, or a state written in full, also depends on the
state Faker picked). The summary lists them.

Rows are streamed into the zip one member at a time, so 10,000 customers with
30,000 jobs take a few seconds and little memory. Only compact per-customer
and per-job facts (ids, dates, one address string) are kept for references.

Usage::

    python3 tools/generate_tcf_export.py OUT.zip --customers 300 --seed 42
    python3 tools/generate_tcf_export.py OUT.zip --customers 10000 --jobs 30000
    python3 tools/generate_tcf_export.py OUT.zip --job-enriched --xlsx --summary

or, from Python, ``generate(out_path, customers=300, jobs=None, seed=42)``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import shutil
import struct
import sys
import tempfile
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TextIO

from faker import VERSION as faker_version
from faker import Faker

# The day the export was taken. Fixed (not "today") so that output is the same
# whenever it is generated; jobs after it are "Scheduled".
EXPORT_DATE = date(2026, 11, 2)
# Timestamp stored on every zip member, for byte-stable output.
ZIP_TIMESTAMP = (2026, 11, 2, 17, 45, 0)
MIN_CUSTOMERS = 20

CUSTOMER_COLUMNS = [
    "Id",
    "Customer Name",
    "Company Name",
    "First Name",
    "Last Name",
    "Salutation",
    "Email",
    "Cell Phone",
    "Home Phone",
    "Work Phone",
    "Street Address",
    "Address 2",
    "City",
    "State",
    "Zip Code",
    "Subdivision",
    "Customer Type",
    "Service Type",
    "Payment Method",
    "Marketing Method",
    "Tags",
    "Notes",
    "Date Added",
    "Date Canceled Service",
    "Send Preference: Text",
    "Preferred Communication",
    "Preferred Day",
    "Preferred Time",
    "Bedrooms",
    "Dog",
    "Gate Code",
    "Dirt Level",
    "Important to you!",
]
ENRICHED_JOB_COLUMNS = ["Job Type", "Job Date", "Price"]
PROSPECT_COLUMNS = [
    "Id",
    "Customer Name",
    "Company Name",
    "First Name",
    "Last Name",
    "Email",
    "Cell Phone",
    "Home Phone",
    "Street Address",
    "City",
    "State",
    "Zip Code",
    "Marketing Method",
    "Tags",
    "Notes",
    "Prospect Status",
    "Date Added",
    "Follow Up Date",
    "Estimate Id",
    "Sales Rep",
]
JOB_COLUMNS = [
    "Job Id",
    "Id",
    "Job Type",
    "Job Date",
    "Start Time",
    "End Time",
    "Duration",
    "Price",
    "Employee/Crew",
    "Recurring Frequency",
    "Job location",
    "Status",
    "Invoice Id",
    "Notes",
]
ESTIMATE_COLUMNS = [
    "Estimate Id",
    "Id",
    "Date",
    "Status",
    "Job Type(s)",
    "Amount",
    "Accepted Date",
    "Job location",
]
INVOICE_COLUMNS = [
    "Invoice Id",
    "Id",
    "Invoice Date",
    "Due Date",
    "Amount",
    "Tax",
    "Discount",
    "Paid",
    "Balance",
    "Payment Date",
    "Payment Method",
    "Status",
]
NOTE_COLUMNS = ["Note Id", "Id", "Job Id", "Date", "Author", "Note Type", "Note"]
ATTACHMENT_COLUMNS = [
    "Attachment Id",
    "Id",
    "Job Id",
    "File Name",
    "File Path",
    "Date Added",
]
EMPLOYEE_COLUMNS = ["Employee Id", "Name", "Email", "Role"]

# Fixed, so that tests can create Odoo users matching some of them.
EMPLOYEES = [
    (101, "Maria Delgado", "maria.delgado@sparkleclean.example", "Admin"),
    (102, "Kevin Brooks", "kevin.brooks@sparkleclean.example", "Sales Rep"),
    (103, "Ashley Turner", "ashley.turner@sparkleclean.example", "Sales Rep"),
    (104, "Renée Fontaine", "renee.fontaine@sparkleclean.example", "Technician"),
    (105, "Carlos Ramírez", "carlos.ramirez@sparkleclean.example", "Technician"),
    (106, "Tyler Johnson", "tyler.johnson@sparkleclean.example", "Technician"),
    (107, "Brittany Moore", "brittany.moore@sparkleclean.example", "Technician"),
    (108, "Luis Hernández", "luis.hernandez@sparkleclean.example", "Technician"),
]
ALL_STAFF = [e[1] for e in EMPLOYEES]
SALES_STAFF = [e[1] for e in EMPLOYEES if e[3] in ("Admin", "Sales Rep")]
TECHNICIANS = [e[1] for e in EMPLOYEES if e[3] == "Technician"]
CREWS = ["Crew A", "Crew B"]

RECURRING_TYPES = {
    "weekly": ("Weekly Cleaning Service", "Weekly", 7),
    "biweekly": ("Bi-Weekly Cleaning Service", "Bi-Weekly", 14),
    "monthly": ("Monthly (4 weeks) Cleaning Service", "Monthly", 28),
}
ONE_OFF_TYPES = ["Deep Clean", "Move Out Clean", "Window Washing", "Carpet Shampoo"]
JOB_TYPES = [t[0] for t in RECURRING_TYPES.values()] + ONE_OFF_TYPES
# Price range in whole dollars and typical duration in hours, per job type.
JOB_PRICING = {
    "Weekly Cleaning Service": (95, 180, 2.0),
    "Bi-Weekly Cleaning Service": (110, 210, 2.5),
    "Monthly (4 weeks) Cleaning Service": (140, 260, 3.0),
    "Deep Clean": (250, 600, 5.0),
    "Move Out Clean": (300, 900, 5.5),
    "Window Washing": (150, 450, 3.0),
    "Carpet Shampoo": (120, 400, 2.5),
}
# Plan of a customer: (plan, weight for a residential, weight for a commercial).
PLANS = [
    ("weekly", 10, 35),
    ("biweekly", 20, 15),
    ("monthly", 10, 20),
    ("oneoff", 45, 25),
    ("none", 15, 5),
]
# How many jobs a customer of each plan gets, relative to the others.
PLAN_JOB_WEIGHT = {
    "weekly": 6.0,
    "biweekly": 4.0,
    "monthly": 2.5,
    "oneoff": 1.0,
    "none": 0.0,
}

# Austin metro: where this fictional cleaning company works.
LOCAL_CITIES = [
    ("Austin", ["78701", "78704", "78723", "78731", "78745", "78749", "78759"]),
    ("Round Rock", ["78664", "78665", "78681"]),
    ("Cedar Park", ["78613"]),
    ("Pflugerville", ["78660"]),
    ("Georgetown", ["78626", "78628", "78633"]),
    ("Leander", ["78641"]),
    ("Kyle", ["78640"]),
    ("Buda", ["78610"]),
    ("Lakeway", ["78734"]),
    ("Hutto", ["78634"]),
]
LOCAL_AREA_CODES = ["512", "737"]
OTHER_AREA_CODES = ["210", "214", "281", "303", "312", "415", "617", "713", "830"]
SUBDIVISIONS = [
    "Avery Ranch",
    "Brushy Creek",
    "Circle C Ranch",
    "Falcon Pointe",
    "Mueller",
    "Steiner Ranch",
    "Teravista",
    "Travis Country",
]
# Out-of-area customers whose ZIP code starts with 0 (must stay a string).
LEADING_ZERO_PLACES = [
    ("Boston", "MA", "02134"),
    ("Hoboken", "NJ", "07030"),
    ("Hartford", "CT", "06103"),
    ("Portland", "ME", "04101"),
    ("Burlington", "VT", "05401"),
    ("Providence", "RI", "02903"),
]
STATE_NAMES = {
    "TX": "Texas",
    "CA": "California",
    "FL": "Florida",
    "NY": "New York",
    "MA": "Massachusetts",
    "CO": "Colorado",
    "NM": "New Mexico",
    "AZ": "Arizona",
    "GA": "Georgia",
    "WA": "Washington",
}
# Streets whose names are not ASCII (all encodable in Windows-1252).
ACCENTED_STREETS = [
    "Peña Ln",
    "Cañada Dr",
    "Château Ct",
    "Rue Élan",
    "Señorita Way",
    "Año Nuevo Trl",
]
ACCENTED_NAMES = [
    ("José", "García"),
    ("Zoë", "Müller"),
    ("Lars", "Ångström"),
    ("Thảo", "Nguyễn"),
    ("Renée", "Côté"),
    ("François", "Lefèvre"),
    ("Björn", "Sørensen"),
    ("Chloé", "Peña"),
    ("Maëlle", "Dubois"),
    ("Nguyễn", "Văn An"),
]
EMAIL_DOMAINS = ["example.com", "example.net", "example.org", "mail.example"]
INVALID_EMAILS = [
    "john@@example.com",
    "no email",
    "mary.smith@example",
    "bob at example.com",
]
TAG_VOCABULARY = [
    "VIP",
    "Referral",
    "Pet Owner",
    "Commercial",
    "Monthly",
    "Key Holder",
    "Spanish Speaking",
    "Do Not Text",
]
MARKETING_METHODS = [
    "Google",
    "Yelp",
    "Referral",
    "Door Hanger",
    "Facebook",
    "Nextdoor",
    "",
]
PAYMENT_METHODS = ["Cash", "Check", "Credit Card", "ACH"]
CUSTOMER_NOTES = [
    "Prefers eco-friendly products.",
    'Customer says "no bleach", uses her own products.',
    "Key under the mat, alarm code on file.",
    "Two cats, keep the laundry room door closed.",
    "Park on the street, not in the driveway.",
    "Call before arriving, baby naps 1-3pm.",
    "Do not clean the office, papers everywhere.",
    "Paid deposit of $50, apply to first clean.",
    "Wants the fridge cleaned every other visit, extra $25.",
    'Asked for "the same team as last time", Crew A.',
]
JOB_NOTES = [
    "Customer not home, used lockbox.",
    "Extra 30 min for the oven.",
    "Dog was loose, rescheduled.",
    'Left a "thank you" card.',
    "Rain delay, windows done next visit.",
    "Gate code did not work, called customer.",
    "Added baseboards, charged $20 extra.",
]
IMPORTANT_TO_YOU = [
    "Baseboards",
    "Kitchen floors, bathrooms",
    "Please don't move the plants",
    "Pet hair on the couch",
    "Streak-free mirrors!",
    "Ceiling fans, blinds",
]


def fmt_date(d: date) -> str:
    """Format a date the TCF way: MM/DD/YY."""
    return d.strftime("%m/%d/%y")


def fmt_time(minutes: int) -> str:
    """Format minutes after midnight as "9:05 AM"."""
    hour, minute = divmod(minutes, 60)
    suffix = "AM" if hour < 12 else "PM"
    return f"{(hour % 12) or 12}:{minute:02d} {suffix}"


def fmt_money(cents: int) -> str:
    """Format cents as "$1,234.00"."""
    return f"${cents // 100:,}.{cents % 100:02d}"


def ascii_fold(text: str) -> str:
    """Drop accents ("Ångström" -> "Angstrom") for building e-mail addresses."""
    text = text.replace("ø", "o").replace("Ø", "O").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def size_for_rows(rows: int) -> tuple[int, int]:
    """``(customers, jobs)`` of an export of about ``rows`` data rows in its files,
    three jobs a customer (the benchmarks' sizes: 10k, 100k, 1M rows)."""
    counts = default_counts(1000, 3000)
    # a customer's rows: its own (and the few repeated), and its share of the rest
    per_customer = 1.01 + sum(counts.values()) / 1000
    customers = max(1, round(rows / per_customer))
    return customers, 3 * customers


def default_counts(customers: int, jobs: int | None = None) -> dict[str, int]:
    """Row counts derived from the number of customers (jobs may be forced)."""
    return {
        "prospects": round(customers * 0.2),
        "jobs": round(customers * 1.8) if jobs is None else jobs,
        "estimates": round(customers * 0.5),
        "invoices": round(customers * 0.8),
        "notes": round(customers * 1.3),
        "attachments": max(2, round(customers * 0.07)),
    }


@dataclass(slots=True)
class Customer:
    """What later files need to know about a generated customer."""

    id: int
    location: str
    added: date
    canceled: date | None
    commercial: bool
    plan: str
    valid: bool


@dataclass(slots=True)
class JobRef:
    """A job of an existing customer, for notes and attachments."""

    job_id: int
    customer: int  # index into the customer list
    day: date


@dataclass
class _State:
    """Facts shared between the sections of one generation."""

    customers: list[Customer] = field(default_factory=list)
    gap_ids: list[int] = field(default_factory=list)
    accented_streets: list[int] = field(default_factory=list)
    job_refs: list[JobRef] = field(default_factory=list)
    # (invoice id, customer index, invoice date, amount in cents)
    linked_invoices: list[tuple[int, int, date, int]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    mess: dict[str, dict[str, Any]] = field(default_factory=dict)


def _member_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


@contextmanager
def _csv_member(
    zf: zipfile.ZipFile,
    name: str,
    columns: list[str],
    encoding: str = "utf-8",
    crlf: bool = False,
) -> Iterator[Any]:
    """Open a zip member for writing and yield a csv writer with the header out."""
    with zf.open(_member_info(name), "w") as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
        writer = csv.writer(text, lineterminator="\r\n" if crlf else "\n")
        writer.writerow(columns)
        yield writer
        text.flush()
        text.detach()


class _Generator:
    """One generation run: random streams, Faker, and the section writers."""

    def __init__(self, seed: int, customers: int, jobs: int | None) -> None:
        if customers < MIN_CUSTOMERS:
            raise ValueError(f"customers must be at least {MIN_CUSTOMERS}")
        if jobs is not None and jobs < 0:
            raise ValueError("jobs must not be negative")
        self.seed = seed
        self.n_customers = customers
        self.n = default_counts(customers, jobs)
        self.fake = Faker("en_US")
        self.rng = random.Random(seed)
        self.state = _State()

    # -- random helpers -------------------------------------------------

    def reseed(self, section: str) -> None:
        """Give a section its own random stream, derived from the seed."""
        self.rng = random.Random(f"{self.seed}:{section}")
        self.fake.seed_instance(f"{self.seed}:{section}:faker")

    def pick_date(self, start: date, end: date) -> date:
        """Return a random day in [start, end] (start if the range is empty)."""
        span = (end - start).days
        return start + timedelta(days=self.rng.randint(0, span)) if span > 0 else start

    def phone(self, local: bool = True) -> str:
        """Return a 555-01xx phone number in one of the formats people type."""
        rng = self.rng
        codes = LOCAL_AREA_CODES if local else OTHER_AREA_CODES
        area, line = rng.choice(codes), f"01{rng.randint(0, 99):02d}"
        fmt = rng.choices(range(6), weights=[40, 15, 10, 15, 15, 5])[0]
        return [
            f"({area}) 555-{line}",
            f"{area}.555.{line}",
            f"+1 {area} 555 {line}",
            f"{area}555{line}",
            f"{area}-555-{line}",
            f"1-{area}-555-{line}",
        ][fmt]

    def tags(self, commercial: bool) -> str:
        """Tags from the vocabulary, comma- or semicolon-separated, any case."""
        rng = self.rng
        count = rng.choices([0, 1, 2, 3], weights=[50, 30, 15, 5])[0]
        labels = rng.sample([t for t in TAG_VOCABULARY if t != "Commercial"], count)
        if commercial and rng.random() < 0.5:
            labels.insert(0, "Commercial")
        case = rng.random()
        if case < 0.1:
            labels = [t.lower() for t in labels]
        elif case < 0.15:
            labels = [t.upper() for t in labels]
        return rng.choice([", ", ",", "; ", ";"]).join(labels)

    def customer_note(self) -> str:
        """Return a free-text customer note, sometimes multi-line."""
        rng = self.rng
        lines = rng.sample(CUSTOMER_NOTES, rng.choice([1, 1, 1, 2, 3]))
        return ("\n" if rng.random() < 0.3 else " ").join(lines)

    def email(self, first: str, last: str) -> str:
        """Return an e-mail address built from a name (accents dropped)."""
        rng = self.rng
        first, last = ascii_fold(first).lower(), ascii_fold(last).lower()
        first, last = first.replace(" ", ""), last.replace(" ", "")
        local = rng.choice(
            [
                f"{first}.{last}",
                f"{first[:1]}{last}",
                f"{first}{last}{rng.randint(1, 99)}",
                f"{first}_{last}{rng.randint(60, 99)}",
            ]
        )
        return f"{local}@{rng.choice(EMAIL_DOMAINS)}"

    def plan_indices(self, total: int, sizes: dict[str, int]) -> dict[str, set[int]]:
        """Pick disjoint sets of row indices for each kind of deliberate mess."""
        picked = self.rng.sample(range(total), sum(sizes.values()))
        out, start = {}, 0
        for name, size in sizes.items():
            out[name] = set(picked[start : start + size])
            start += size
        return out

    # -- customers ------------------------------------------------------

    def customers(self, write_row: Callable[[list[str]], None]) -> None:  # noqa: C901
        """Generate customers, calling write_row for every row of the export.

        write_row also receives the repeated rows; the first occurrence of a
        customer is flagged with a trailing True so that the job-enriched copy
        can be built without them.
        """
        self.reseed("customers")
        rng, fake, n = self.rng, self.fake, self.n_customers
        first_f = [fake.first_name_female() for _ in range(300)]
        first_m = [fake.first_name_male() for _ in range(300)]
        lasts = [fake.last_name() for _ in range(500)]
        streets = [fake.street_name() for _ in range(400)]
        plan = self.plan_indices(
            n,
            {
                "no_name_no_email": 2,
                "nameless_with_email": max(1, round(n * 0.02)),
                "customer_name_only": max(1, round(n * 0.01)),
                "invalid_email": min(len(INVALID_EMAILS), max(2, n // 50)),
                "repeated": max(1, round(n * 0.01)),
                "accented_name": max(2, round(n * 0.03)),
                "accented_street": max(1, round(n * 0.01)),
                "leading_zero_zip": max(1, round(n * 0.01)),
            },
        )
        mess: dict[str, Any] = {k: [] for k in plan}
        mess.update(
            invalid_email={},
            repeated={},
            email_trailing_space=[],
            email_upper_case=[],
            state_full_name=[],
            state_lower_case=[],
            zip_plus4=[],
            multiline_notes=[],
            canceled=[],
            commercial=[],
            commercial_without_contact=[],
        )
        phone_formats: dict[str, int] = {}
        pending: dict[int, list[list[str]]] = {}
        cid = 10231
        rows = accented_count = 0
        for i in range(n):
            if i:
                step = 1 if rng.random() < 0.85 else rng.randint(2, 6)
                self.state.gap_ids.extend(range(cid + 1, cid + step))
                cid += step
            forced_residential = (
                i in plan["no_name_no_email"]
                or i in plan["nameless_with_email"]
                or i in plan["customer_name_only"]
            )
            commercial = not forced_residential and rng.random() < 0.2
            first = rng.choice(first_f if rng.random() < 0.5 else first_m)
            last = rng.choice(lasts)
            if i in plan["accented_name"]:
                first, last = rng.choice(ACCENTED_NAMES)
            company = fake.company() if commercial else ""
            email = self.email(first, last)
            if commercial:
                slug = ascii_fold(company.split()[0].split(",")[0]).lower()
                email = f"{rng.choice(['office', 'info', first.lower()])}@{slug}"
                email = ascii_fold(email) + ".example"
                mess["commercial"].append(cid)
                if rng.random() < 0.25:
                    first = last = ""
                    mess["commercial_without_contact"].append(cid)
            customer_name = f"{first} {last}".strip() or company
            if i in plan["customer_name_only"]:
                first = last = ""
            if i in plan["nameless_with_email"] or i in plan["no_name_no_email"]:
                first = last = customer_name = ""
            # e-mail
            if i in plan["no_name_no_email"]:
                email = ""
            elif i in plan["invalid_email"]:
                email = INVALID_EMAILS[len(mess["invalid_email"])]
                mess["invalid_email"][cid] = email
            elif i not in plan["nameless_with_email"] and rng.random() < 0.07:
                email = ""
            else:
                r = rng.random()
                if r < 0.03:
                    email += rng.choice([" ", "  ", "\t"])
                    mess["email_trailing_space"].append(cid)
                elif r < 0.06:
                    email = email.upper() if r < 0.045 else email.title()
                    mess["email_upper_case"].append(cid)
            # address
            local = rng.random() < 0.85
            street = f"{rng.randint(100, 19999)} {rng.choice(streets)}"
            if i in plan["accented_street"]:
                street_name = ACCENTED_STREETS[accented_count % len(ACCENTED_STREETS)]
                street = f"{rng.randint(10, 2999)} {street_name}"
                accented_count += 1
            if i in plan["leading_zero_zip"]:
                local = False
                city, state, zip_code = rng.choice(LEADING_ZERO_PLACES)
            elif local:
                city, zips = rng.choice(LOCAL_CITIES)
                state, zip_code = "TX", rng.choice(zips)
            else:
                state = fake.state_abbr(
                    include_territories=False,
                    include_freely_associated_states=False,
                )
                city, zip_code = fake.city(), fake.zipcode_in_state(state)
            r = rng.random()
            if r < 0.02 and state in STATE_NAMES:
                state = STATE_NAMES[state]
                mess["state_full_name"].append(cid)
            elif r < 0.03:
                state = state.lower()
                mess["state_lower_case"].append(cid)
            if rng.random() < 0.03:
                zip_code = f"{zip_code}-{rng.randint(0, 9999):04d}"
                mess["zip_plus4"].append(cid)
            if i in plan["leading_zero_zip"] or zip_code.startswith("0"):
                mess["leading_zero_zip"].append(cid)
            address2 = ""
            if rng.random() < (0.5 if commercial else 0.08):
                kind = (
                    "Suite" if commercial else rng.choice(["Apt", "Apt.", "Unit", "#"])
                )
                address2 = f"{kind} {rng.randint(1, 450)}"
            subdivision = (
                rng.choice(SUBDIVISIONS) if local and rng.random() < 0.35 else ""
            )
            # phones
            cell = self.phone(local) if rng.random() < 0.85 else ""
            home = self.phone(local) if not commercial and rng.random() < 0.35 else ""
            work = (
                self.phone(local) if rng.random() < (0.7 if commercial else 0.1) else ""
            )
            if i in plan["no_name_no_email"]:
                cell = cell or self.phone(local)
            for value in (cell, home, work):
                kind = _phone_kind(value)
                phone_formats[kind] = phone_formats.get(kind, 0) + 1
            # dates, classification, preferences
            added = EXPORT_DATE - timedelta(days=rng.randint(0, 6 * 365))
            canceled = None
            if rng.random() < 0.1 and (EXPORT_DATE - added).days > 30:
                canceled = self.pick_date(added + timedelta(days=30), EXPORT_DATE)
                mess["canceled"].append(cid)
            weights = [p[2] if commercial else p[1] for p in PLANS]
            plan_name = rng.choices([p[0] for p in PLANS], weights=weights)[0]
            if commercial:
                service = "Commercial Cleaning"
            else:
                service = rng.choice(
                    ["Residential Cleaning"] * 6 + ["Move In/Out", "Window Washing", ""]
                )
            notes = self.customer_note() if rng.random() < 0.25 else ""
            if "\n" in notes:
                mess["multiline_notes"].append(cid)
            bedrooms = ""
            if not commercial and rng.random() < 0.85:
                bedrooms = str(rng.randint(1, 6))
            row = [
                str(cid),
                customer_name,
                company,
                first,
                last,
                rng.choice(["", "", "", "Mr.", "Mrs.", "Ms.", "Dr."]) if first else "",
                email,
                cell,
                home,
                work,
                street,
                address2,
                city,
                state,
                zip_code,
                subdivision,
                "Commercial" if commercial else "Residential",
                service,
                rng.choice(PAYMENT_METHODS + ["Card on File", ""]),
                rng.choice(MARKETING_METHODS),
                self.tags(commercial),
                notes,
                fmt_date(added),
                fmt_date(canceled) if canceled else "",
                rng.choice(["Yes", "No", ""]),
                rng.choice(["Text", "Email", "Phone Call", ""]),
                rng.choice(
                    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", ""]
                ),
                rng.choice(["Morning", "Afternoon", "Anytime", ""]),
                bedrooms,
                "Yes" if rng.random() < 0.35 else "No",
                f"#{rng.randint(1000, 9999)}" if rng.random() < 0.15 else "",
                rng.choice(["Light", "Medium", "Medium", "Heavy"]),
                rng.choice(IMPORTANT_TO_YOU) if rng.random() < 0.2 else "",
            ]
            valid = i not in plan["no_name_no_email"]
            if i in plan["no_name_no_email"]:
                mess["no_name_no_email"].append(cid)
            if i in plan["nameless_with_email"]:
                mess["nameless_with_email"].append(cid)
            if i in plan["customer_name_only"]:
                mess["customer_name_only"].append(cid)
            if i in plan["accented_name"]:
                mess["accented_name"].append(cid)
            if i in plan["accented_street"]:
                mess["accented_street"].append(cid)
                self.state.accented_streets.append(i)
            location = f"{street}, {city}, {state} {zip_code}"
            self.state.customers.append(
                Customer(cid, location, added, canceled, commercial, plan_name, valid)
            )
            write_row(row + [True])
            rows += 1
            if i in plan["repeated"]:
                again = list(row)
                if rng.random() < 0.5:
                    again[CUSTOMER_COLUMNS.index("Cell Phone")] = self.phone(local)
                    mess["repeated"][cid] = "cell phone changed"
                else:
                    mess["repeated"][cid] = "identical"
                pending.setdefault(i + rng.randint(1, 15), []).append(again)
            for again in pending.pop(i, []):
                write_row(again + [False])
                rows += 1
        for key in sorted(pending):
            for again in pending[key]:
                write_row(again + [False])
                rows += 1
        mess["phone_formats"] = dict(sorted(phone_formats.items()))
        mess["distinct_ids"] = n
        for key in ("canceled", "commercial", "commercial_without_contact"):
            mess[key] = len(mess[key])
        self.state.mess["customers"] = mess
        self.state.counts["customers"] = rows

    # -- prospects ------------------------------------------------------

    def prospects(self, writer: Any) -> None:
        """Write prospects.csv rows (a separate id range, no references)."""
        self.reseed("prospects")
        rng, fake = self.rng, self.fake
        pid, estimate_id = 50001, 90001
        mess: dict[str, Any] = {"lost": [], "estimate_ids_not_in_estimates_csv": []}
        for i in range(self.n["prospects"]):
            if i:
                pid += 1 if rng.random() < 0.9 else rng.randint(2, 4)
            first, last = fake.first_name(), fake.last_name()
            if rng.random() < 0.03:
                first, last = rng.choice(ACCENTED_NAMES)
            company = fake.company() if rng.random() < 0.15 else ""
            city, zips = rng.choice(LOCAL_CITIES)
            status = rng.choices(
                ["New", "Contacted", "Estimate Sent", "Lost"], weights=[35, 30, 25, 10]
            )[0]
            added = EXPORT_DATE - timedelta(days=rng.randint(0, 365))
            follow_up = ""
            if status != "Lost" or rng.random() < 0.3:
                follow_up = fmt_date(added + timedelta(days=rng.randint(2, 30)))
            est = ""
            if status == "Estimate Sent" or (status == "Lost" and rng.random() < 0.5):
                est = str(estimate_id)
                mess["estimate_ids_not_in_estimates_csv"].append(estimate_id)
                estimate_id += 1
            if status == "Lost":
                mess["lost"].append(pid)
            writer.writerow(
                [
                    pid,
                    f"{first} {last}",
                    company,
                    first,
                    last,
                    self.email(first, last) if rng.random() < 0.9 else "",
                    self.phone() if rng.random() < 0.8 else "",
                    self.phone() if rng.random() < 0.2 else "",
                    f"{rng.randint(100, 19999)} {fake.street_name()}",
                    city,
                    "TX",
                    rng.choice(zips),
                    rng.choice(MARKETING_METHODS),
                    self.tags(bool(company)),
                    self.customer_note() if rng.random() < 0.2 else "",
                    status,
                    fmt_date(added),
                    follow_up,
                    est,
                    rng.choice(SALES_STAFF + [""]),
                ]
            )
        self.state.counts["prospects"] = self.n["prospects"]
        self.state.mess["prospects"] = mess

    # -- jobs -----------------------------------------------------------

    def _job_days(self, cust: Customer, count: int) -> list[tuple[date, str]]:
        """Return the days and plan kind of a customer's jobs, oldest first.

        A recurring customer gets a series at its interval ending on a past
        day, plus (half of the active ones) one visit already scheduled.
        """
        rng = self.rng
        start = cust.added
        out: list[tuple[date, str]] = []
        if cust.plan in RECURRING_TYPES and count:
            interval = RECURRING_TYPES[cust.plan][2]
            if cust.canceled is None and rng.random() < 0.5:
                ahead = timedelta(days=rng.randint(0, interval - 1))
                out.append((EXPORT_DATE + ahead, cust.plan))
            past_end = min(cust.canceled or EXPORT_DATE, EXPORT_DATE) - timedelta(1)
            anchor = self.pick_date(max(start, past_end - timedelta(400)), past_end)
            for k in range(count - len(out)):
                day = anchor - timedelta(days=k * interval)
                if day < start:
                    break
                out.append((day, cust.plan))
        last = min(cust.canceled or EXPORT_DATE, EXPORT_DATE) + timedelta(days=30)
        while len(out) < count:
            out.append((self.pick_date(start, last), "oneoff"))
        out.sort()
        return out

    def jobs(  # noqa: C901
        self,
        writer: Any,
        enriched_writer: Any | None = None,
        customer_rows: Iterator[list[str]] | None = None,
    ) -> None:
        """Write jobs.csv rows.

        With enriched_writer, also write the job-enriched export: each
        customer's row (read back from customer_rows, first occurrences in
        customers.csv order) once per job, followed by its job columns; a
        customer without jobs gets one row with empty job columns.
        """
        self.reseed("jobs")
        rng = self.rng
        customers = self.state.customers
        total = self.n["jobs"]
        orphans = min(total, max(1, round(total * 0.005))) if total else 0
        allocated = total - orphans
        weights = [
            PLAN_JOB_WEIGHT[c.plan] * (1.0 if c.valid else 0.0) for c in customers
        ]
        if not any(weights):
            weights = [1.0 if c.valid else 0.0 for c in customers]
        per_customer = [0] * len(customers)
        for index in rng.choices(range(len(customers)), weights=weights, k=allocated):
            per_customer[index] += 1
        orphan_after: dict[int, int] = {}
        for index in rng.choices(range(len(customers)), k=orphans):
            orphan_after[index] = orphan_after.get(index, 0) + 1
        tbd = set(rng.sample(range(allocated), min(2, allocated)))
        completed_share = 0.85
        invoice_target = self.n["invoices"]
        link_p = min(1.0, 0.9 * invoice_target / max(1.0, completed_share * allocated))
        existing = {c.id for c in customers}
        gap_ids = [g for g in self.state.gap_ids if g not in existing]
        mess: dict[str, Any] = {
            "price_tbd": [],
            "price_empty": [],
            "unknown_customer": {},
            "with_notes": 0,
        }
        job_id, invoice_id, seq = 100001, 30001, 0
        collected: list[tuple[str, str, str]] = []

        def emit(cust_id: int, kind: str, day: date, index: int | None) -> None:
            nonlocal job_id, invoice_id, seq
            cust = customers[index] if index is not None else None
            if kind in RECURRING_TYPES and rng.random() < 0.97:
                job_type, frequency, _ = RECURRING_TYPES[kind]
            else:
                job_type, frequency = rng.choice(ONE_OFF_TYPES), ""
            low, high, hours = JOB_PRICING[job_type]
            cents = rng.randint(low, high) * 100
            if cust and cust.commercial:
                cents *= rng.randint(2, 6)
            if rng.random() < 0.2:
                cents += rng.choice([50, 25, 75, 99])
            duration = max(1.0, hours + rng.choice([-1.0, -0.5, 0.0, 0.0, 0.5, 1.0]))
            start = rng.randrange(8 * 60, 14 * 60 + 1, 30)
            if day >= EXPORT_DATE:
                status = "Scheduled"
            else:
                status = "Completed" if rng.random() < 0.92 else "Cancelled"
            price = fmt_money(cents)
            if index is not None and seq in tbd:
                price = "TBD"
                mess["price_tbd"].append(job_id)
            elif rng.random() < 0.03:
                price = ""
                mess["price_empty"].append(job_id)
            invoice = ""
            if cust and status == "Completed" and rng.random() < link_p:
                invoice = str(invoice_id)
                self.state.linked_invoices.append((invoice_id, index, day, cents))
                invoice_id += 1
            crew = rng.choices(
                [rng.choice(TECHNICIANS), rng.choice(CREWS), ""], weights=[60, 30, 10]
            )[0]
            note = rng.choice(JOB_NOTES) if rng.random() < 0.08 else ""
            mess["with_notes"] += bool(note)
            if cust:
                location = cust.location
                self.state.job_refs.append(JobRef(job_id, index, day))
            else:
                location = f"{rng.randint(100, 9999)} Old Mill Rd, Austin, TX 78745"
            writer.writerow(
                [
                    job_id,
                    cust_id,
                    job_type,
                    fmt_date(day),
                    fmt_time(start),
                    fmt_time(start + int(duration * 60)),
                    f"{duration:g}",
                    price,
                    crew,
                    frequency,
                    location,
                    status,
                    invoice,
                    note,
                ]
            )
            if enriched_writer is not None and cust:
                collected.append((job_type, fmt_date(day), price))
            job_id += 1 if rng.random() < 0.95 else rng.randint(2, 5)
            if index is not None:
                seq += 1

        enriched_rows = 0
        for index, cust in enumerate(customers):
            collected.clear()
            for day, kind in self._job_days(cust, per_customer[index]):
                emit(cust.id, kind, day, index)
            if enriched_writer is not None and customer_rows is not None:
                base = next(customer_rows)
                for job in collected or [("", "", "")]:
                    enriched_writer.writerow(base + list(job))
                    enriched_rows += 1
            for _ in range(orphan_after.get(index, 0)):
                ghost = rng.choice(gap_ids) if gap_ids else customers[-1].id + 7
                day = self.pick_date(EXPORT_DATE - timedelta(days=900), EXPORT_DATE)
                mess["unknown_customer"][job_id] = ghost
                emit(ghost, rng.choice(["oneoff", "biweekly"]), day, None)
        if enriched_writer is not None:
            self.state.counts["customers_with_jobs"] = enriched_rows
        self.state.counts["jobs"] = total
        self.state.mess["jobs"] = mess

    # -- estimates and invoices -----------------------------------------

    def valid_customer(self) -> int:
        """Index of a random customer that passes validation."""
        customers = self.state.customers
        while True:
            index = self.rng.randrange(len(customers))
            if customers[index].valid:
                return index

    def estimates(self, writer: Any) -> None:
        """Write estimates.csv rows (Windows-1252 is handled by the caller)."""
        self.reseed("estimates")
        rng = self.rng
        estimate_id = 20001
        mess: dict[str, Any] = {"non_ascii_job_location": [], "multi_type": 0}
        # The first estimates go to customers whose street is not ASCII, so
        # that the file surely holds Windows-1252 bytes.
        accented = self.state.accented_streets[:2]
        for i in range(self.n["estimates"]):
            index = accented[i] if i < len(accented) else self.valid_customer()
            cust = self.state.customers[index]
            last = cust.canceled or EXPORT_DATE
            day = self.pick_date(cust.added, last)
            status = rng.choices(["Emailed", "Accepted", "Declined"], [40, 40, 20])[0]
            types = rng.sample(JOB_TYPES, rng.choices([1, 2, 3], [70, 22, 8])[0])
            separator = "; " if any("," in t for t in types) else ", "
            cents = sum(rng.randint(*JOB_PRICING[t][:2]) for t in types) * 100
            cents += rng.choice([0, 0, 0, 50, 99])
            accepted = ""
            if status == "Accepted":
                accepted = fmt_date(
                    min(EXPORT_DATE, day + timedelta(rng.randint(0, 14)))
                )
            if not cust.location.isascii():
                mess["non_ascii_job_location"].append(estimate_id)
            mess["multi_type"] += len(types) > 1
            writer.writerow(
                [
                    estimate_id,
                    cust.id,
                    fmt_date(day),
                    status,
                    separator.join(types),
                    fmt_money(cents),
                    accepted,
                    cust.location,
                ]
            )
            estimate_id += 1 if rng.random() < 0.9 else rng.randint(2, 3)
        self.state.counts["estimates"] = self.n["estimates"]
        self.state.mess["estimates"] = mess

    def invoices(self, writer: Any) -> None:
        """Write invoices.csv: the ones jobs point at, then stand-alone ones."""
        self.reseed("invoices")
        rng = self.rng
        rows = list(self.state.linked_invoices)
        next_id = (rows[-1][0] + 1) if rows else 30001
        for _ in range(max(0, self.n["invoices"] - len(rows))):
            index = self.valid_customer()
            cust = self.state.customers[index]
            day = self.pick_date(cust.added, cust.canceled or EXPORT_DATE)
            rows.append((next_id, index, day, rng.randint(80, 900) * 100))
            next_id += 1
        statuses: dict[str, int] = {}
        for invoice_id, index, day, cents in rows:
            tax = 0 if rng.random() < 0.7 else round(cents * 0.0825)
            discount = 0
            if rng.random() < 0.12:
                discount = rng.choice([1000, 2500, round(cents * 0.1)])
            total = cents + tax - discount
            recent = (EXPORT_DATE - day).days < 30
            status = rng.choices(
                ["Paid", "Unpaid", "Partial", "Void"],
                weights=[40, 45, 10, 5] if recent else [80, 8, 7, 5],
            )[0]
            paid = {"Paid": total, "Partial": round(total * rng.uniform(0.2, 0.8))}
            paid_cents = paid.get(status, 0)
            balance = 0 if status == "Void" else total - paid_cents
            pay_date, method = "", ""
            if paid_cents:
                pay_date = fmt_date(
                    min(EXPORT_DATE, day + timedelta(rng.randint(0, 20)))
                )
                method = rng.choice(PAYMENT_METHODS) if rng.random() < 0.95 else ""
            statuses[status] = statuses.get(status, 0) + 1
            writer.writerow(
                [
                    invoice_id,
                    self.state.customers[index].id,
                    fmt_date(day),
                    fmt_date(day + timedelta(days=rng.choice([0, 15, 30]))),
                    fmt_money(cents),
                    fmt_money(tax),
                    fmt_money(discount),
                    fmt_money(paid_cents),
                    fmt_money(balance),
                    pay_date,
                    method,
                    status,
                ]
            )
        self.state.counts["invoices"] = len(rows)
        self.state.mess["invoices"] = {
            "linked_to_jobs": len(self.state.linked_invoices),
            "statuses": dict(sorted(statuses.items())),
            "rule": "Balance = Amount + Tax - Discount - Paid; Void: Paid 0, Balance 0",
        }

    # -- notes, attachments, employees ----------------------------------

    def notes(self, writer: Any) -> None:
        """Write notes.csv: customer notes and job notes, some very long."""
        self.reseed("notes")
        rng, fake = self.rng, self.fake
        total = self.n["notes"]
        long_notes = set(rng.sample(range(total), max(1, round(total * 0.02))))
        sentences = [fake.sentence(nb_words=rng.randint(5, 14)) for _ in range(400)]
        refs = self.state.job_refs
        mess: dict[str, Any] = {"long": [], "multiline": [], "job_notes": 0}
        for i in range(total):
            note_id = 500001 + i
            if refs and rng.random() < 0.4:
                ref = rng.choice(refs)
                cust, job, day = self.state.customers[ref.customer], ref.job_id, ref.day
                mess["job_notes"] += 1
            else:
                cust = self.state.customers[self.valid_customer()]
                job, day = "", self.pick_date(cust.added, EXPORT_DATE)
            if i in long_notes:
                # A fixed number of draws, whatever Faker's sentence lengths.
                pool, target = rng.sample(sentences, 60), rng.randint(1100, 2500)
                parts: list[str] = []
                while sum(len(p) for p in parts) < target and pool:
                    parts.append(" ".join(pool[:6]))
                    del pool[:6]
                text = "\n\n".join(parts)
                mess["long"].append(note_id)
            else:
                text = " ".join(rng.sample(sentences, rng.randint(1, 3)))
                if rng.random() < 0.05:
                    text = text.replace(". ", ".\n", 1)
                if rng.random() < 0.1:
                    text += ' Customer said "call first", ok.'
            if "\n" in text:
                mess["multiline"].append(note_id)
            minutes = rng.randrange(7 * 60, 19 * 60)
            writer.writerow(
                [
                    note_id,
                    cust.id,
                    job,
                    f"{fmt_date(day)} {fmt_time(minutes)}",
                    rng.choice(ALL_STAFF),
                    rng.choices(
                        ["General", "Call", "Email", "Visit"], [50, 25, 15, 10]
                    )[0],
                    text,
                ]
            )
        self.state.counts["notes"] = total
        self.state.mess["notes"] = mess

    def attachment_plan(self) -> list[tuple[int, int, str, str, date, str, bool]]:
        """Attachments: (id, customer id, job id, file name, day, kind, present)."""
        self.reseed("attachments")
        rng = self.rng
        total = self.n["attachments"]
        missing = rng.randrange(total)
        seen: set[str] = set()
        out = []
        for i in range(total):
            refs = self.state.job_refs
            if refs and rng.random() < 0.5:
                ref = rng.choice(refs)
                cust, job, day = self.state.customers[ref.customer], ref.job_id, ref.day
            else:
                cust = self.state.customers[self.valid_customer()]
                job, day = "", self.pick_date(cust.added, EXPORT_DATE)
            kind = rng.choices(["png", "pdf", "txt"], weights=[50, 30, 20])[0]
            while True:
                number = rng.randint(1000, 9999)
                name = rng.choice(
                    {
                        "png": [f"IMG_{number}.png", f"before_kitchen_{number}.png"],
                        "pdf": [
                            f"service_agreement_{number}.pdf",
                            f"quote {number}.pdf",
                        ],
                        "txt": [f"access instructions {number}.txt"],
                    }[kind]
                )
                if f"{cust.id}/{name}" not in seen:
                    seen.add(f"{cust.id}/{name}")
                    break
            out.append((700001 + i, cust.id, str(job), name, day, kind, i != missing))
        return out

    def file_bytes(self, kind: str, title: str) -> bytes:
        """Return the bytes of a small valid PNG, PDF or text file (200 B-3 KB)."""
        rng = self.rng
        if kind == "png":
            return _png(rng.randint(8, 26), rng.randint(8, 26), rng)
        lines, target = [title], rng.randint(200, 1800)
        while sum(len(line) + 2 for line in lines) < target:
            lines.append(self.fake.sentence())
        if kind == "pdf":
            return _pdf(lines)
        return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _phone_kind(value: str) -> str:
    """Classify a phone string by format, for the summary."""
    if not value:
        return "empty"
    if value.startswith("("):
        return "(555) 555-0100"
    if value.startswith("+1"):
        return "+1 555 555 0100"
    if value.startswith("1-"):
        return "1-555-555-0100"
    if "." in value:
        return "555.555.0100"
    if "-" in value:
        return "555-555-0100"
    return "5555550100"


def _png(width: int, height: int, rng: random.Random) -> bytes:
    """Return a valid RGB PNG of random pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    raw = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _pdf(lines: list[str]) -> bytes:
    """Return a minimal valid one-page PDF showing the given lines."""

    def escape(text: str) -> str:
        text = text.encode("latin-1", "replace").decode("latin-1")
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    content = "BT /F1 11 Tf 14 TL 72 740 Td\n"
    content += "".join(f"({escape(line)}) '\n" for line in lines) + "ET\n"
    stream = content.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>"
        ),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _xlsx_cell(column: str, value: str) -> str | int | None:
    """Cell value for customers.xlsx: numbers for Id and Bedrooms, else text."""
    if value == "":
        return None
    if column in ("Id", "Bedrooms"):
        return int(value)
    return value


def generate(
    out_path: str | Path,
    customers: int = 300,
    jobs: int | None = None,
    seed: int = 42,
    job_enriched: bool = False,
    xlsx: bool = False,
) -> dict[str, Any]:
    """Write a TCF export zip to out_path and describe what it holds.

    Returns ``{"counts": {member: data rows}, "mess": {...}, ...}``: the counts
    per file (``files/`` counts the attachment files stored in the zip) and,
    per file, the deliberate mess with the ids it affects.
    """
    started = time.perf_counter()
    gen = _Generator(seed, customers, jobs)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(out_path, "w") as zf:
        first_rows_path = Path(tmp) / "customers_first.csv"
        with open(first_rows_path, "w", encoding="utf-8", newline="") as first_rows:
            first_writer = csv.writer(first_rows) if job_enriched else None

            def keep_first(row: list[Any]) -> None:
                if first_writer is not None and row[-1]:
                    first_writer.writerow(row[:-1])

            if xlsx:
                _write_customers_xlsx(zf, gen, keep_first, Path(tmp))
                counts["customers.xlsx"] = gen.state.counts["customers"]
            else:
                with _csv_member(
                    zf, "customers.csv", CUSTOMER_COLUMNS, "utf-8-sig", crlf=True
                ) as writer:

                    def write_customer(row: list[Any]) -> None:
                        writer.writerow(row[:-1])
                        keep_first(row)

                    gen.customers(write_customer)
                counts["customers.csv"] = gen.state.counts["customers"]

        with _csv_member(zf, "prospects.csv", PROSPECT_COLUMNS) as writer:
            gen.prospects(writer)
        counts["prospects.csv"] = gen.state.counts["prospects"]

        with _csv_member(zf, "employees.csv", EMPLOYEE_COLUMNS) as writer:
            writer.writerows(EMPLOYEES)
        counts["employees.csv"] = len(EMPLOYEES)

        enriched_path = Path(tmp) / "customers_with_jobs.csv"
        with (
            open(first_rows_path, encoding="utf-8", newline="") as first_rows,
            open(enriched_path, "w", encoding="utf-8-sig", newline="") as enriched,
            _csv_member(zf, "jobs.csv", JOB_COLUMNS) as writer,
        ):
            enriched_writer = None
            if job_enriched:
                enriched_writer = csv.writer(enriched, lineterminator="\r\n")
                enriched_writer.writerow(CUSTOMER_COLUMNS + ENRICHED_JOB_COLUMNS)
            gen.jobs(writer, enriched_writer, csv.reader(first_rows))
        counts["jobs.csv"] = gen.state.counts["jobs"]
        if job_enriched:
            with (
                open(enriched_path, "rb") as src,
                zf.open(_member_info("customers_with_jobs.csv"), "w") as dst,
            ):
                shutil.copyfileobj(src, dst)
            counts["customers_with_jobs.csv"] = gen.state.counts["customers_with_jobs"]

        with _csv_member(
            zf, "estimates.csv", ESTIMATE_COLUMNS, "cp1252", crlf=True
        ) as writer:
            gen.estimates(writer)
        counts["estimates.csv"] = gen.state.counts["estimates"]

        with _csv_member(zf, "invoices.csv", INVOICE_COLUMNS) as writer:
            gen.invoices(writer)
        counts["invoices.csv"] = gen.state.counts["invoices"]

        with _csv_member(zf, "notes.csv", NOTE_COLUMNS) as writer:
            gen.notes(writer)
        counts["notes.csv"] = gen.state.counts["notes"]

        plan = gen.attachment_plan()
        missing: dict[str, Any] = {}
        with _csv_member(zf, "attachments.csv", ATTACHMENT_COLUMNS) as writer:
            for att_id, cust_id, job_id, name, day, _kind, present in plan:
                path = f"files/{cust_id}/{name}"
                writer.writerow([att_id, cust_id, job_id, name, path, fmt_date(day)])
                if not present:
                    missing = {"attachment_id": att_id, "id": cust_id, "path": path}
        counts["attachments.csv"] = len(plan)
        stored = 0
        for _att, cust_id, _job, name, _day, kind, present in plan:
            if present:
                data = gen.file_bytes(kind, f"{name} (customer {cust_id})")
                zf.writestr(_member_info(f"files/{cust_id}/{name}"), data)
                stored += 1
        counts["files/"] = stored

    mess = gen.state.mess
    mess["attachments"] = {"missing_file": missing}
    return {
        "counts": counts,
        "mess": mess,
        "seed": seed,
        "faker": faker_version,
        "export_date": EXPORT_DATE.isoformat(),
        "bytes": out_path.stat().st_size,
        "seconds": round(time.perf_counter() - started, 2),
    }


def _write_customers_xlsx(
    zf: zipfile.ZipFile,
    gen: _Generator,
    keep_first: Callable[[list[Any]], None],
    tmp: Path,
) -> None:
    """Write customers.xlsx (write-only workbook) instead of customers.csv."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Customers")
    sheet.append(CUSTOMER_COLUMNS)

    def write_customer(row: list[Any]) -> None:
        sheet.append(
            [_xlsx_cell(c, v) for c, v in zip(CUSTOMER_COLUMNS, row[:-1], strict=True)]
        )
        keep_first(row)

    gen.customers(write_customer)
    path = tmp / "customers.xlsx"
    workbook.save(path)
    with open(path, "rb") as src, zf.open(_member_info("customers.xlsx"), "w") as dst:
        shutil.copyfileobj(src, dst)


def _print_short(result: dict[str, Any], out: TextIO) -> None:
    for name, count in result["counts"].items():
        print(f"{name:26} {count:>8}", file=out)
    print(
        f"{result['bytes']:,} bytes in {result['seconds']} s (seed {result['seed']})",
        file=out,
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="zip file to write")
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument(
        "--jobs", type=int, default=None, help="default 1.8 x customers"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--job-enriched",
        action="store_true",
        help="also write customers_with_jobs.csv (one row per job)",
    )
    parser.add_argument(
        "--xlsx", action="store_true", help="customers.xlsx instead of customers.csv"
    )
    parser.add_argument(
        "--summary",
        action="store_true",
        help="print counts and the deliberate mess (with ids) as JSON",
    )
    args = parser.parse_args(argv)
    try:
        result = generate(
            args.out,
            customers=args.customers,
            jobs=args.jobs,
            seed=args.seed,
            job_enriched=args.job_enriched,
            xlsx=args.xlsx,
        )
    except ValueError as exc:
        parser.error(str(exc))
    if args.summary:
        json.dump(result, sys.stdout, indent=1, ensure_ascii=False)
        print()
    else:
        _print_short(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
