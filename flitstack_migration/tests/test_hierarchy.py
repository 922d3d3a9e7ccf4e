# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Self-referencing hierarchies: reported at discovery, parents read before children."""

from ..engine.loader import MigrationEngine
from ..engine.proposal import hierarchy_warning
from ..presets.base import Column as C
from ..presets.base import FieldSpec as F
from ..presets.base import ObjectSpec, Preset
from ..readers.base import FileReader
from .common import to_csv

PRESET = Preset(
    platform="synthetic_accounts",
    label="Synthetic CRM",
    objects=(
        ObjectSpec(
            key="account",
            label="Accounts",
            model="res.partner",
            files=("accounts",),
            columns=(C("Account Id", required=True), C("Name"), C("Parent Account")),
            id_column="Account Id",
            parent_column="Parent Account",
            fields=(
                F("name", "Name", required=True),
                F("parent_id", "Parent Account", "ref", ref="account"),
            ),
        ),
    ),
)


class SyntheticReader(FileReader):
    """A reader of the synthetic platform (not registered: no ``platform``)."""


def _reader(rows):
    data = to_csv(rows, ["Account Id", "Name", "Parent Account"])
    return SyntheticReader(PRESET, [("accounts.csv", data)])


ROWS = [
    # children first in the file: the reader must still give parents first
    {"Account Id": "D", "Name": "Unit", "Parent Account": "C"},
    {"Account Id": "E", "Name": "Sub-unit", "Parent Account": "D"},
    {"Account Id": "C", "Name": "Owner", "Parent Account": "B"},
    {"Account Id": "B", "Name": "Brand", "Parent Account": "A"},
    {"Account Id": "A", "Name": "Group", "Parent Account": ""},
    {"Account Id": "X", "Name": "Loop 1", "Parent Account": "Y"},
    {"Account Id": "Y", "Name": "Loop 2", "Parent Account": "X"},
    {"Account Id": "Z", "Name": "Orphan", "Parent Account": "404"},
]


def test_depth_and_cycles_are_reported_by_discovery():
    with _reader(ROWS) as reader:
        found = reader.discover()
    stats = found.objects["account"]
    assert stats.count == len(ROWS)
    report = stats.hierarchy
    assert report["max_depth"] == 5
    assert (report["too_deep_count"], report["too_deep"]) == (2, ["D", "E"])
    assert report["cycles"] == [["X", "Y"]]
    assert report["orphans"] == ["Z"]
    warning = hierarchy_warning(stats)
    assert (
        "2 records are more than 3 levels deep (deepest: 5 levels), e.g. D, E."
        in warning
    )
    assert "1 circles of parents (a record is its own ancestor): X → Y." in warning
    assert "name a parent that is not in the export, e.g. Z" in warning


def test_parents_come_before_children():
    with _reader(ROWS) as reader:
        records = list(reader.iter_records("account"))
    order = [r.source_id for r in records]
    assert (
        order.index("A")
        < order.index("B")
        < order.index("C")
        < order.index("D")
        < order.index("E")
    )
    assert order[-2:] == ["X", "Y"]  # a cycle comes last, with depth 0
    assert [r.data["_depth"] for r in records if r.source_id in "ABCDE"] == [
        "1",
        "2",
        "3",
        "4",
        "5",
    ]


def test_a_flat_object_is_not_checked():
    rows = [{"Account Id": "A", "Name": "Group", "Parent Account": ""}]
    with _reader(rows) as reader:
        stats = reader.discover().objects["account"]
    assert stats.hierarchy == {
        "max_depth": 1,
        "limit": 3,
        "too_deep_count": 0,
        "too_deep": [],
        "cycle_count": 0,
        "cycles": [],
        "orphan_count": 0,
        "orphans": [],
    }
    assert hierarchy_warning(stats) is False


def test_batches_end_where_the_level_changes_and_at_their_size():
    """The loader's batches (``MigrationEngine._batches``, shared by the scheduler's
    slices and the job queue's ranges): a level never shares a batch with the next
    one, a batch holds at most the size asked when it begins, and each comes with
    the position of its last record."""
    rows = [
        {"Account Id": f"P{i}", "Name": f"Parent {i}", "Parent Account": ""}
        for i in range(5)
    ] + [
        {"Account Id": f"C{i}", "Name": f"Child {i}", "Parent Account": f"P{i % 5}"}
        for i in range(4)
    ]
    with _reader(rows) as reader:
        records = list(enumerate(reader.iter_records("account"), 1))
    obj = PRESET.get("account")
    sizes = iter([2, 3, 10, 1])
    batches = list(MigrationEngine._batches(obj, records, lambda: next(sizes)))
    assert [([r.source_id for r in batch], last) for batch, last in batches] == [
        (["P0", "P1"], 2),
        (["P2", "P3", "P4"], 5),
        (["C0", "C1", "C2", "C3"], 9),  # a new level: a new batch, size 10
    ]
    # a slice that goes on from position 6 (positions are the stream's)
    sizes = iter([3, 3])
    batches = list(MigrationEngine._batches(obj, records[5:], lambda: next(sizes)))
    assert [last for _batch, last in batches] == [8, 9]
