# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Service Program: the sample generator, the reader and the preset, on the
bundled sample (counted here with the csv module, not with the reader)."""

import tempfile
from collections import Counter
from pathlib import Path

from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged

from ..presets.the_service_program import PRESET, parse_frequency
from ..presets.the_service_program import _prepare_agreement as prepare_agreement
from ..readers.base import get_reader_class
from ..readers.the_service_program import TheServiceProgramReader
from .platform_samples import load_generator, rename_headers, sample_bytes, sample_rows

PLATFORM = "the_service_program"
FILES = {
    "customers.csv": "customer",
    "service_locations.csv": "service_location",
    "technicians.csv": "technician",
    "service_agreements.csv": "agreement",
    "work_orders.csv": "work_order",
    "work_order_lines.csv": "work_order_line",
    "notes.csv": "note",
    "invoices.csv": "invoice",
    "payments.csv": "payment",
    "equipment.csv": "equipment",
    "leads.csv": "lead",
}


def rows(member, encoding="utf-8-sig"):
    return sample_rows(PLATFORM, member, encoding)


def reader(data=None):
    return TheServiceProgramReader(
        PRESET, [("tsp.zip", data if data is not None else sample_bytes(PLATFORM))]
    )


def expected_counts():
    counts = {
        key: len(rows(member, "cp1252" if key == "customer" else "utf-8-sig"))
        for member, key in FILES.items()
    }
    latest = {row["TSP Customer ID"]: row for row in rows("customers.csv", "cp1252")}
    counts["customer"] = len(latest)
    counts["customer_person"] = sum(
        1
        for row in latest.values()
        if row["Company Name"].strip() and (row["First Name"] or row["Last Name"])
    )
    # equipment with a serial number, as Inventory lots (where it is installed)
    counts["equipment_lot"] = sum(1 for row in rows("equipment.csv") if row["Serial #"])
    return counts


@tagged("post_install", "-at_install")
class TestTheServiceProgram(TransactionCase):
    def test_generator_is_deterministic(self):
        generator = load_generator(PLATFORM)
        if generator is None:
            self.skipTest("tools/ is not deployed with the addon")
        with tempfile.TemporaryDirectory() as tmp:
            result = generator.generate(Path(tmp) / "a.zip")
            data = (Path(tmp) / "a.zip").read_bytes()
        self.assertEqual(data, sample_bytes(PLATFORM), "regenerate the sample")
        self.assertGreater(sum(result["counts"].values()), 300, "a few hundred rows")
        self.assertIn(
            "every 60 days", {r["Frequency"] for r in rows("service_agreements.csv")}
        )

    def test_every_file_is_classified(self):
        self.assertIs(get_reader_class(PLATFORM), TheServiceProgramReader)
        with reader() as source:
            found = {
                table.basename: key
                for key, tables in source.tables.items()
                for table, _mapping in tables
            }
            self.assertEqual(found, FILES)
            self.assertEqual(set(source.auxiliary), {"custom_fields", "invoice_lines"})
            self.assertEqual(source.ignored, [])
            self.assertEqual(source.options, {})

    def test_discover_counts_what_the_generator_wrote(self):
        with reader() as source:
            discovery = source.discover()
        counts = {key: stats.count for key, stats in discovery.objects.items()}
        self.assertEqual(counts, expected_counts())
        self.assertEqual(set(counts), {obj.key for obj in PRESET.objects})
        self.assertTrue(all(counts.values()), counts)
        # custom work-order fields are extra columns, defined in custom_fields.csv
        defined = {row["Field Name"] for row in rows("custom_fields.csv")}
        self.assertEqual(set(discovery.objects["work_order"].unknown), defined)
        # the QuickBooks job whose parent is gone is reported, not lost
        hierarchy = discovery.objects["customer"].hierarchy
        self.assertEqual(hierarchy["orphan_count"], 1)
        self.assertEqual(hierarchy["max_depth"], 2)
        self.assertIn("Ray Castillo <ray@greenshieldpest.example>", discovery.owners)

    def test_quickbooks_keys_and_lines(self):
        customers = rows("customers.csv", "cp1252")
        by_list_id = {row["QB ListID"]: row["TSP Customer ID"] for row in customers}
        per_txn = Counter(row["TxnID"] for row in rows("invoice_lines.csv"))
        with reader() as source:
            invoices = list(source.iter_records("invoice"))
            payments = list(source.iter_records("payment"))
            ordered = [r for r in source.iter_records("customer")]
            agreements = list(source.iter_records("agreement"))
            definitions = source.custom_field_definitions()
            self.assertEqual(source.orphan_lines(), {})
        for record in invoices:
            self.assertEqual(
                record.data["Customer ID"], by_list_id[record.data["Customer ListID"]]
            )
            self.assertEqual(len(record.data["_lines"]), per_txn[record.source_id])
        for record in payments:
            self.assertTrue(record.data["Customer ID"])
        # parents before their QuickBooks jobs; the duplicate once
        seen = set()
        for record in ordered:
            parent = record.data.get("Parent Customer ID")
            if parent and parent in by_list_id.values():
                self.assertIn(parent, seen)
            seen.add(record.source_id)
        self.assertEqual(len(ordered), len(set(seen)))
        # "every 45 days" is a recurrence of 45 days
        forty_five = [a for a in agreements if a.data["Frequency"] == "Every 45 Days"]
        self.assertTrue(forty_five)
        self.assertEqual(
            (forty_five[0].data["_interval"], forty_five[0].data["_unit"]),
            ("45", "day"),
        )
        self.assertEqual(parse_frequency("Bi-Weekly"), (2, "week"))
        self.assertEqual(parse_frequency("Quarterly"), (3, "month"))
        self.assertIsNone(parse_frequency("when needed"))
        self.assertEqual(definitions[0]["values"][:2], ["Ants", "Roaches"])

    @freeze_time("2026-06-15")
    def test_an_ended_agreement_no_longer_recurs(self):
        """Odoo repeats a task only until a date to come: an agreement whose end
        date has passed lands as a task that does not recur (its frequency kept)."""

        def recurs(**row):
            return prepare_agreement(dict({"Frequency": "Monthly"}, **row))[
                "_recurring"
            ]

        self.assertEqual(recurs(), "yes")
        self.assertEqual(recurs(**{"End Date": "12/31/2026"}), "yes")
        self.assertEqual(recurs(**{"End Date": "06/14/2026"}), "no")
        self.assertEqual(recurs(**{"End Date": "not a date"}), "yes")
        self.assertEqual(recurs(Active="N"), "no")
        self.assertEqual(recurs(Frequency="when needed"), "no")

    def test_renamed_headers_still_classify(self):
        data = rename_headers(
            PLATFORM,
            {
                "customers.csv": {
                    "TSP Customer ID": "Cust ID",
                    "E-mail": "Email Address",
                    "Bill To Zip": "Postal Code",
                },
                "work_orders.csv": {"Work Order #": "WO #", "Tech": "Technician"},
                "service_locations.csv": {"Gate/Access Notes": "Gate Code"},
                "invoices.csv": {"TxnID": "Txn ID", "Customer ListID": "ListID"},
            },
        )
        with reader(data) as source:
            discovery = source.discover()
            found = {
                table.basename: key
                for key, tables in source.tables.items()
                for table, _mapping in tables
            }
        self.assertEqual(found, FILES)
        counts = {key: stats.count for key, stats in discovery.objects.items()}
        self.assertEqual(counts, expected_counts())
        self.assertNotIn("Bill Zip", discovery.objects["customer"].missing)

    def test_no_automation_is_exposed(self):
        with reader() as source:
            self.assertEqual(source.automation_inventory(), [])
            self.assertGreaterEqual(len(source.automation_checklist), 5)
