# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Contractor+: the sample generator, the reader and the preset, on the bundled
sample (counted here with the csv module, not with the reader)."""

import tempfile
from collections import Counter
from pathlib import Path

from odoo.tests import TransactionCase, tagged

from ..presets.contractor_plus import PRESET
from ..readers.base import get_reader_class
from ..readers.contractor_plus import ContractorPlusReader
from .platform_samples import load_generator, rename_headers, sample_bytes, sample_rows

PLATFORM = "contractor_plus"
FILES = {
    "clients.csv": "client",
    "contacts.csv": "contact",
    "leads.csv": "lead",
    "jobs.csv": "job",
    "estimates.csv": "estimate",
    "invoices.csv": "invoice",
    "payments.csv": "payment",
    "calls.csv": "call",
    "meetings.csv": "meeting",
    "notes.csv": "note",
    "attachments.csv": "attachment",
}


def rows(member, encoding="utf-8-sig", data=None):
    return sample_rows(PLATFORM, member, encoding, data)


def reader(data=None, name="contractor_plus.zip"):
    return ContractorPlusReader(
        PRESET, [(name, data if data is not None else sample_bytes(PLATFORM))], {}
    )


def expected_counts(data=None):
    """Record counts of every object, from the files read with the csv module."""
    clients = rows("clients.csv", data=data)
    latest = {row["Client ID"]: row for row in clients}
    counts = {
        key: len(rows(member, "cp1252" if key == "estimate" else "utf-8-sig", data))
        for member, key in FILES.items()
    }
    counts["client"] = len(latest)
    counts["client_person"] = sum(
        1
        for row in latest.values()
        if row["Company Name"].strip() and (row["First Name"] or row["Last Name"])
    )
    return counts


@tagged("post_install", "-at_install")
class TestContractorPlus(TransactionCase):
    def test_generator_is_deterministic(self):
        """The bundled sample is what the generator writes with its defaults."""
        generator = load_generator(PLATFORM)
        if generator is None:
            self.skipTest("tools/ is not deployed with the addon")
        with tempfile.TemporaryDirectory() as tmp:
            first = generator.generate(Path(tmp) / "a.zip")
            generator.generate(Path(tmp) / "b.zip")
            again = (Path(tmp) / "b.zip").read_bytes()
            self.assertEqual((Path(tmp) / "a.zip").read_bytes(), again)
        self.assertEqual(again, sample_bytes(PLATFORM), "regenerate the sample")
        self.assertEqual(first["counts"]["clients.csv"], len(rows("clients.csv")))
        self.assertGreater(sum(first["counts"].values()), 300, "a few hundred rows")

    def test_reader_is_registered_with_the_common_contract(self):
        self.assertIs(get_reader_class(PLATFORM), ContractorPlusReader)
        with ContractorPlusReader(
            PRESET, [("x.zip", sample_bytes(PLATFORM))], {"k": 1}
        ) as source:
            self.assertEqual(source.options, {"k": 1})
            self.assertIs(source.preset, PRESET)

    def test_every_file_is_classified(self):
        with reader() as source:
            found = {
                table.basename: key
                for key, tables in source.tables.items()
                for table, _mapping in tables
            }
            self.assertEqual(found, FILES)
            self.assertEqual(
                set(source.auxiliary),
                {"staff", "automations", "estimate_items", "invoice_items"},
            )
            self.assertEqual(source.ignored, [])

    def test_discover_counts_what_the_generator_wrote(self):
        with reader() as source:
            discovery = source.discover()
        counts = {key: stats.count for key, stats in discovery.objects.items()}
        self.assertEqual(counts, expected_counts())
        # every object the preset declares is counted, and has records
        self.assertEqual(set(counts), {obj.key for obj in PRESET.objects})
        self.assertTrue(all(counts.values()), counts)
        # the account's custom columns become custom fields
        self.assertEqual(
            set(discovery.objects["client"].unknown),
            {"Gate Code", "Preferred Contact Time", "Property Type"},
        )
        # staff resolve to their emails
        self.assertIn(
            "Marcus Reyes <marcus.reyes@summitbuild.example>", discovery.owners
        )

    def test_items_are_joined_to_their_document(self):
        per_estimate = Counter(row["Estimate #"] for row in rows("estimate_items.csv"))
        per_invoice = Counter(row["Invoice #"] for row in rows("invoice_items.csv"))
        with reader() as source:
            estimates = {r.source_id: r for r in source.iter_records("estimate")}
            invoices = {r.source_id: r for r in source.iter_records("invoice")}
            orphans = source.orphan_lines()
        for number, record in estimates.items():
            self.assertEqual(len(record.data["_lines"]), per_estimate[number], number)
        for number, record in invoices.items():
            self.assertEqual(len(record.data["_lines"]), per_invoice[number], number)
            estimate = record.data["Estimate #"]
            for line in record.data["_lines"]:
                self.assertEqual(line["_estimate"], estimate)
        # an estimate names the job of the invoice it became
        jobs = {row["Invoice #"]: row["Job #"] for row in rows("invoices.csv")}
        billed = {r["Estimate #"]: r["Invoice #"] for r in rows("invoices.csv")}
        linked = [e for e in estimates.values() if e.data["_job"]]
        self.assertTrue(linked)
        for number, record in estimates.items():
            invoice = billed.get(number)
            self.assertEqual(record.data["_job"], jobs.get(invoice, ""), number)
        self.assertEqual(orphans, {"estimate_items": ["E-9999"]})

    def test_duplicates_orphans_and_encodings(self):
        clients = rows("clients.csv")
        ids = Counter(row["Client ID"] for row in clients)
        duplicated = [cid for cid, n in ids.items() if n > 1]
        self.assertEqual(len(duplicated), 1)
        with reader() as source:
            records = {r.source_id: r for r in source.iter_records("client")}
            payments = list(source.iter_records("payment"))
            estimates = list(source.iter_records("estimate"))
        # the duplicate reads once, as its later row
        later = [row for row in clients if row["Client ID"] == duplicated[0]][-1]
        self.assertEqual(records[duplicated[0]].data["Phone"], later["Phone"])
        # leading zeros kept, country names read as codes
        zeros = [r for r in records.values() if r.data["Zip"].startswith("0")]
        self.assertTrue(zeros)
        self.assertEqual({r.data["Country"] for r in records.values()}, {"US"})
        # payments get their invoice's client
        invoice_clients = {r["Invoice #"]: r["Client ID"] for r in rows("invoices.csv")}
        for payment in payments:
            self.assertEqual(
                payment.data["Client ID"], invoice_clients[payment.data["Invoice #"]]
            )
        # Windows-1252 estimates read with their accents
        names = {r.data["Client Name"] for r in estimates}
        expected = {row["Client Name"] for row in rows("estimates.csv", "cp1252")}
        self.assertEqual(names, expected)
        # a job and a contact of missing clients are read (the load refuses them)
        known = {row["Client ID"] for row in clients}
        self.assertTrue(any(r["Client ID"] not in known for r in rows("jobs.csv")))

    def test_renamed_headers_still_classify(self):
        data = rename_headers(
            PLATFORM,
            {
                "clients.csv": {
                    "Client ID": "Customer ID",
                    "Email": "E-mail",
                    "Zip/Postal Code": "Postal Code",
                    "Mobile Number": "Cell Phone",
                },
                "jobs.csv": {"Job #": "Job Number", "Status": "Job Status"},
                "estimate_items.csv": {"Item Name": "Product", "Unit Price": "Rate"},
                "payments.csv": {"Payment Date": "Date Paid"},
            },
            rename_files={"jobs.csv": "Jobs export (1).csv"},
        )
        with reader(data) as source:
            discovery = source.discover()
            found = {
                table.basename: key
                for key, tables in source.tables.items()
                for table, _mapping in tables
            }
            estimate = next(source.iter_records("estimate"))
        self.assertEqual(found.pop("Jobs export (1).csv"), "job")
        self.assertEqual(found, {k: v for k, v in FILES.items() if k != "jobs.csv"})
        counts = {key: stats.count for key, stats in discovery.objects.items()}
        self.assertEqual(counts, expected_counts())
        self.assertFalse(discovery.objects["client"].missing)
        self.assertIn("Unit Price", estimate.data["_lines"][0])

    def test_xlsx_export_reads_the_same(self):
        generator = load_generator(PLATFORM)
        if generator is None:
            self.skipTest("tools/ is not deployed with the addon")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "xlsx.zip"
            generator.generate(path, xlsx=True)
            data = path.read_bytes()
        with reader(data) as source:
            names = {
                t.basename for tables in source.tables.values() for t, _m in tables
            }
            counts = {k: s.count for k, s in source.discover().objects.items()}
            zips = {r.data["Zip"] for r in source.iter_records("client")}
        self.assertIn("clients.xlsx", names)
        self.assertIn("leads.xlsx", names)
        self.assertEqual(counts, expected_counts())
        self.assertTrue(any(z.startswith("0") for z in zips))
