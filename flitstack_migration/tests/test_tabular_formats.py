# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Tests of text encodings and Excel workbooks in the tabular reader."""

import io
import random
import zipfile
from unittest import mock

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference

from ..exceptions import SourceFileError
from ..readers import tabular

SEP = tabular.ARCHIVE_SEPARATOR


def _table(data, name="customers.csv"):
    tables = tabular.open_tables([(name, data)])
    assert len(tables) == 1
    return tables[0]


def _rows(table):
    return list(table.iter_rows())


def _save(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- encodings ----------------------------------------------------------------------

POLISH = (
    "Nazwa;Miasto;Ulica\n"
    "Jan Kowalski;Łódź;Piotrkowska 12\n"
    "Anna Wiśniewska;Gdańsk;Długa 5\n"
    "Piotr Żółć;Kraków;Świętej Anny 3\n"
    "Zofia Bąk;Zielona Góra;Źródlana 8\n"
)


@pytest.mark.parametrize("codec", ["cp1250", "iso8859_2"])
def test_csv_latin2(codec):
    table = _table(POLISH.encode(codec))
    assert table.encoding == codec
    rows = _rows(table)
    assert rows[0] == (
        2,
        {"Nazwa": "Jan Kowalski", "Miasto": "Łódź", "Ulica": "Piotrkowska 12"},
    )
    assert [row["Miasto"] for _line, row in rows] == [
        "Łódź",
        "Gdańsk",
        "Kraków",
        "Zielona Góra",
    ]
    assert rows[3][1]["Ulica"] == "Źródlana 8"


@pytest.mark.parametrize(
    "text",
    [
        "Name,City\nCafé Müller,Zürich\nJosé Nuñez,Cádiz\n",
        "Name,Notes\nAnn,“quoted” – it’s done\n",
        "Name,City\nFrançois Lefèvre,Besançon\nÀngel Martí,Lleida\n",
    ],
)
def test_csv_western_text_stays_windows_1252(text):
    table = _table(text.encode("cp1252"))
    assert table.encoding == "cp1252"
    assert [list(row.values()) for _l, row in _rows(table)] == [
        line.split(",") for line in text.splitlines()[1:]
    ]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_csv_utf16_with_bom(codec):
    data = "Name,City\nŁukasz,Łódź\nAnn,Paris\n".encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    table = _table(data)
    assert table.encoding == codec[:6]
    assert _rows(table) == [
        (2, {"Name": "Łukasz", "City": "Łódź"}),
        (3, {"Name": "Ann", "City": "Paris"}),
    ]


def test_binary_file_without_nul_bytes_is_refused():
    noise = random.Random(7)
    defined = [b for b in range(1, 256) if bytes([b]) not in tabular._CP1252_UNDEFINED]
    data = b"Name\n" + bytes(noise.choice(defined) for _ in range(20_000))
    with pytest.raises(SourceFileError) as info:
        _table(data, name="photo.csv").scan()
    assert str(info.value) == (
        "The file photo.csv is not text in an encoding we can recognise: it may be "
        'a binary file. Save it again as "CSV UTF-8" and upload that.'
    )
    assert info.value.file_name == "photo.csv"


def test_encoding_detected_from_a_bounded_sample():
    text = "Nazwa;Miasto\n" + "Jan Kowalski;Łódź\n" * 50_000
    seen = []
    real = tabular.charset_normalizer.from_bytes

    def spy(data, **kwargs):
        seen.append(len(data))
        return real(data, **kwargs)

    with mock.patch.object(tabular.charset_normalizer, "from_bytes", spy):
        table = _table(text.encode("cp1250"))
        assert table.encoding == "cp1250"
    assert seen
    assert max(seen) <= tabular.DETECTION_SAMPLE_SIZE


# -- workbooks ----------------------------------------------------------------------


def _two_sheets():
    workbook = openpyxl.Workbook(write_only=True)
    first = workbook.create_sheet("Jobs")
    first.append(["Job", "Total"])
    first.append(["J-1", 99.99])
    second = workbook.create_sheet("Customers")
    second.append(["Name"])
    second.append(["Ann"])
    return _save(workbook)


def test_xlsx_every_sheet_is_a_table():
    with tabular.open_source([("export.xlsx", _two_sheets())]) as bundle:
        assert [t.name for t in bundle.tables] == [
            "export.xlsx/Jobs",
            "export.xlsx/Customers",
        ]
        jobs, customers = bundle.tables
        assert (jobs.sheet, customers.sheet) == ("Jobs", "Customers")
        assert _rows(jobs) == [(2, {"Job": "J-1", "Total": "99.99"})]
        assert _rows(customers) == [(2, {"Name": "Ann"})]
        assert bundle.left_out == []


def test_xlsx_sheets_in_an_archive():
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("data/export.xlsx", _two_sheets())
    with tabular.open_source([("up.zip", data.getvalue())]) as bundle:
        assert [t.name for t in bundle.tables] == [
            f"up.zip{SEP}data/export.xlsx/Jobs",
            f"up.zip{SEP}data/export.xlsx/Customers",
        ]
        assert bundle.tables[1].scan() == 1


def test_xlsx_empty_and_chart_sheets_are_left_out_and_told():
    workbook = openpyxl.Workbook()
    data = workbook.active
    data.title = "Jobs"
    data.append(["Job", "Total"])
    data.append(["J-1", 5])
    workbook.create_sheet("Notes")
    chart_sheet = workbook.create_chartsheet("Chart")
    chart = BarChart()
    chart.add_data(Reference(data, min_col=2, min_row=1, max_row=2))
    chart_sheet.add_chart(chart)
    with tabular.open_source([("export.xlsx", _save(workbook))]) as bundle:
        (table,) = bundle.tables
        assert table.name == "export.xlsx"
        assert table.sheet == "Jobs"
        assert [(n.file, n.sheet, n.cell) for n in bundle.left_out] == [
            ("export.xlsx", "Notes", None),
            ("export.xlsx", "Chart", None),
        ]
        assert [n.message for n in bundle.left_out] == [
            'The sheet "Notes" of export.xlsx is empty: it was left out.',
            (
                'The sheet "Chart" of export.xlsx is a chart, not a table: it was '
                "left out."
            ),
        ]


def test_xlsx_formula_without_a_cached_value_is_reported():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Jobs"
    sheet.append(["Job", "Qty", "Price", "Total"])
    sheet.append(["J-1", 2, 5, "=B2*C2"])
    table = _table(_save(workbook), name="jobs.xlsx")
    assert _rows(table) == [
        (2, {"Job": "J-1", "Qty": "2", "Price": "5", "Total": ""}),
    ]
    assert [(w.file, w.sheet, w.cell) for w in table.warnings] == [
        ("jobs.xlsx", "Jobs", "D2")
    ]
    assert table.warnings[0].message == (
        'Cell D2 of sheet "Jobs" in jobs.xlsx holds a formula whose result was not '
        "saved with the file, so it reads as empty. Open the file in Excel, let it "
        "calculate, save it and upload it again."
    )


def test_xlsx_merged_cells_are_reported():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Jobs"
    sheet.append(["Job", "Crew"])
    sheet.append(["J-1", "North"])
    sheet.append(["J-2", None])
    sheet.merge_cells("B2:B3")
    with tabular.open_source([("jobs.xlsx", _save(workbook))]) as bundle:
        (table,) = bundle.tables
        assert table.scan() == 2
        assert [(w.file, w.sheet, w.cell) for w in bundle.warnings] == [
            ("jobs.xlsx", "Jobs", "B2:B3")
        ]
        assert bundle.warnings[0].message == (
            'Cells B2:B3 of sheet "Jobs" in jobs.xlsx are merged: only B2 holds the '
            "value, the other cells read as empty. Unmerge them in Excel if each row "
            "needs the value."
        )
        table.scan()
        assert len(bundle.warnings) == 1  # read again, told once


def test_xlsx_sheet_tables_keep_the_workbook_name():
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("data/export.xlsx", _two_sheets())
        workbook = openpyxl.Workbook()
        workbook.active.title = "Jobs"
        workbook.active.append(["Job", "Total"])
        workbook.active.append(["J-1", "=1+1"])
        archive.writestr("data/jobs.xlsx", _save(workbook))
    with tabular.open_source([("up.zip", data.getvalue())]) as bundle:
        _jobs, _customers, single = bundle.tables
        assert [t.basename for t in bundle.tables] == [
            "export.xlsx",
            "export.xlsx",
            "jobs.xlsx",
        ]
        assert single.name == f"up.zip{SEP}data/jobs.xlsx"
        assert single.scan() == 1
        assert [(w.file, w.sheet, w.cell) for w in bundle.warnings] == [
            (f"up.zip{SEP}data/jobs.xlsx", "Jobs", "B2")
        ]
