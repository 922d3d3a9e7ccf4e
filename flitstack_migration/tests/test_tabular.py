# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Tests of the CSV / XLSX / ZIP streaming reader (no database needed)."""

import csv
import datetime
import io
import tracemalloc
import zipfile

import openpyxl
import pytest
from openpyxl.cell import WriteOnlyCell

from ..exceptions import SourceFileError
from ..readers import tabular

SEP = tabular.ARCHIVE_SEPARATOR


# -- helpers ------------------------------------------------------------------------


def _table(data, name="customers.csv"):
    tables = tabular.open_tables([(name, data)])
    assert len(tables) == 1
    return tables[0]


def _rows(table):
    return list(table.iter_rows())


def _error(data, name="customers.csv"):
    """Return the SourceFileError raised when opening and scanning ``data``."""
    with pytest.raises(SourceFileError) as info:
        _table(data, name).scan()
    return info.value


def _xlsx(rows, sheet="Customers"):
    workbook = openpyxl.Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _zip(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CUSTOMERS = (
    "Customer ID,First Name,Last Name,Email\n"
    "1,Ann,Smith,ann@example.com\n"
    "2,Bob,Jones,bob@example.com\n"
)


# -- header normalisation -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zip Code ", "zip code"),
        ("Employee/Crew", "employee crew"),
        ("Job Type(s)", "job type s"),
        ("Send Preference: Text", "send preference text"),
        ("Important to you!", "important to you"),
        ("  Téléphone  Portable", "telephone portable"),
        ("Año_de__Alta", "ano de alta"),
        ("\ufeffCustomer ID", "customer id"),
        ("", ""),
    ],
)
def test_normalize_header(text, expected):
    assert tabular.normalize_header(text) == expected


# -- CSV: encodings -----------------------------------------------------------------


def test_csv_utf8_without_bom():
    table = _table(CUSTOMERS.encode())
    assert table.kind == "csv"
    assert table.name == table.basename == "customers.csv"
    assert table.archive is None
    assert table.encoding == "utf-8"
    assert table.delimiter == ","
    assert table.headers == ["Customer ID", "First Name", "Last Name", "Email"]
    assert _rows(table) == [
        (
            2,
            {
                "Customer ID": "1",
                "First Name": "Ann",
                "Last Name": "Smith",
                "Email": "ann@example.com",
            },
        ),
        (
            3,
            {
                "Customer ID": "2",
                "First Name": "Bob",
                "Last Name": "Jones",
                "Email": "bob@example.com",
            },
        ),
    ]
    assert table.scan() == 2
    assert table.row_count == 2


def test_csv_utf8_with_bom():
    table = _table(b"\xef\xbb\xbf" + "Name,City\nZoë,Zürich\n".encode())
    assert table.encoding == "utf-8"
    assert table.headers == ["Name", "City"]
    assert _rows(table) == [(2, {"Name": "Zoë", "City": "Zürich"})]


def test_csv_cp1252_accents_and_smart_quotes():
    text = "Name,City,Note\r\nJosé,Muñoz,“smart” quotes \u2013 ü\r\n"
    table = _table(text.encode("cp1252"))
    assert table.encoding == "cp1252"
    assert _rows(table) == [
        (2, {"Name": "José", "City": "Muñoz", "Note": "“smart” quotes \u2013 ü"})
    ]


def test_csv_cp1252_decided_once_for_the_whole_file():
    # Valid UTF-8 for a long stretch, then one Windows-1252 byte near the end: the
    # whole file is read as Windows-1252, including the first rows.
    lines = ["Name,Note"] + [f"row{i},plain" for i in range(20000)]
    data = ("\n".join(lines) + "\n").encode() + "Ann,café\n".encode("cp1252")
    table = _table(data)
    assert table.encoding == "cp1252"
    rows = _rows(table)
    assert len(rows) == 20001
    assert rows[-1] == (20002, {"Name": "Ann", "Note": "café"})


def test_csv_utf8_bom_then_cp1252_bytes_drops_the_bom():
    data = b"\xef\xbb\xbfName\n" + "Renée\n".encode("cp1252")
    table = _table(data)
    assert table.encoding == "cp1252"
    assert table.headers == ["Name"]
    assert _rows(table) == [(2, {"Name": "Renée"})]


def test_csv_utf8_multibyte_across_chunk_boundary():
    filler = "x" * (tabular.CHUNK_SIZE - len("Name\n") - 1)
    data = f"Name\n{filler}é\n".encode()
    assert data[tabular.CHUNK_SIZE - 1 : tabular.CHUNK_SIZE + 1] == "é".encode()
    table = _table(data)
    assert table.encoding == "utf-8"
    assert _rows(table) == [(2, {"Name": filler + "é"})]


# -- CSV: structure -----------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_csv_line_endings(newline):
    text = newline.join(["Name,Notes", "Ann,one", '"Bob","two', 'lines"', "Cy,x"])
    table = _table((text + newline).encode())
    assert _rows(table) == [
        (2, {"Name": "Ann", "Notes": "one"}),
        (3, {"Name": "Bob", "Notes": f"two{newline}lines"}),
        (5, {"Name": "Cy", "Notes": "x"}),
    ]
    assert table.scan() == 3


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [
        ("Name;Email;Phone", ";"),
        ("Name\tEmail\tPhone", "\t"),
        ("Name|Email|Phone", "|"),
        ("Name,Email,Phone", ","),
        ('"Last, First";"Email, work";Phone', ";"),
        ("Name", ","),
    ],
)
def test_csv_delimiter_sniffed_from_header(header, delimiter):
    width = header.count(delimiter) + 1
    row = delimiter.join(["v"] * width)
    table = _table(f"{header}\n{row}\n".encode())
    assert table.delimiter == delimiter
    assert len(table.headers) == width
    assert _rows(table)[0][1] == dict.fromkeys(table.headers, "v")


def test_csv_semicolon_with_commas_in_values():
    table = _table(b"Name;Amount\nSmith, Ann;1,50\n")
    assert table.delimiter == ";"
    assert _rows(table) == [(2, {"Name": "Smith, Ann", "Amount": "1,50"})]


def test_csv_excel_sep_line():
    table = _table(b"sep=;\r\nName;City\r\nAnn;Paris\r\n")
    assert table.delimiter == ";"
    assert table.headers == ["Name", "City"]
    assert _rows(table) == [(3, {"Name": "Ann", "City": "Paris"})]


def test_csv_quoted_fields_embedded_newlines_and_doubled_quotes():
    data = (
        b'ID,Notes,Phone\n1,"He said ""hi""\nthen left\n\nfor good",555\n2,"a, b",556\n'
    )
    table = _table(data)
    assert _rows(table) == [
        (
            2,
            {"ID": "1", "Notes": 'He said "hi"\nthen left\n\nfor good', "Phone": "555"},
        ),
        (6, {"ID": "2", "Notes": "a, b", "Phone": "556"}),
    ]


def test_csv_quoted_header_with_newline():
    table = _table(b'"Job\nType";Name\nA;B\n')
    assert table.delimiter == ";"
    assert table.headers == ["Job\nType", "Name"]
    assert _rows(table) == [(3, {"Job\nType": "A", "Name": "B"})]


def test_csv_blank_rows_skipped_and_values_stripped():
    data = b"\n\n  Name , Email \n\n,\n  Ann  ,  a@x.org\n , \n\nBob,\n"
    table = _table(data)
    assert table.headers == ["Name", "Email"]
    assert _rows(table) == [
        (6, {"Name": "Ann", "Email": "a@x.org"}),
        (9, {"Name": "Bob", "Email": ""}),
    ]
    assert table.scan() == 2


def test_csv_missing_trailing_cells_are_empty():
    table = _table(b"A,B,C\n1\n2,3\n4,5,6\n")
    assert [row for _line, row in _rows(table)] == [
        {"A": "1", "B": "", "C": ""},
        {"A": "2", "B": "3", "C": ""},
        {"A": "4", "B": "5", "C": "6"},
    ]


def test_csv_trailing_unnamed_header_columns_tolerated_when_empty():
    table = _table(b"A,B,,\n1,2,,\n3,4\n")
    assert table.headers == ["A", "B"]
    assert _rows(table) == [(2, {"A": "1", "B": "2"}), (3, {"A": "3", "B": "4"})]


def test_csv_header_only_is_not_an_error():
    assert _table(b"Name,Email\n").scan() == 0
    table = _table(b"Name,Email")
    assert table.headers == ["Name", "Email"]
    assert table.scan() == 0
    assert _rows(table) == []


def test_csv_without_final_newline_is_complete_when_the_row_is_full():
    table = _table(b"A,B\r\n1,2\r\n3,4")
    assert _rows(table) == [(2, {"A": "1", "B": "2"}), (3, {"A": "3", "B": "4"})]


def test_csv_unicode_headers_kept_as_found():
    table = _table("Prénom,Téléphone\nAnn,1\n".encode())
    assert table.headers == ["Prénom", "Téléphone"]


def test_csv_text_named_xlsx_is_read_as_csv():
    table = _table(CUSTOMERS.encode(), name="customers.xlsx")
    assert table.kind == "csv"
    assert table.scan() == 2


def test_csv_from_path(tmp_path):
    path = tmp_path / "clients.csv"
    path.write_bytes(CUSTOMERS.encode())
    table = _table(path, name="clients.csv")
    assert table.scan() == 2
    (bare,) = tabular.open_tables([str(path)])
    assert bare.name == "clients.csv"
    assert bare.headers[0] == "Customer ID"


def test_iter_rows_can_run_twice():
    table = _table(CUSTOMERS.encode())
    assert _rows(table) == _rows(table)
    assert table.scan() == table.scan() == 2


# -- CSV: errors --------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \r\n\t\n", b"\xef\xbb\xbf", b",,\n,\n"])
def test_csv_empty(data):
    error = _error(data)
    assert str(error) == "The file customers.csv is empty."
    assert error.file_name == "customers.csv"
    assert error.line is None
    with pytest.raises(SourceFileError, match="is empty"):
        _table(data).headers  # noqa: B018


def test_csv_no_header_row():
    error = _error(b"\nAnn,,ann@example.com\nBob,,bob@example.com\n")
    assert str(error) == (
        "The file customers.csv has no header row: its first row (line 2) has no "
        "name in column 2. Export the file again with the column names in its first "
        "row."
    )
    assert error.line == 2


def test_csv_duplicate_header():
    header = "ID,Name,Phone,City,Email,Zip,State,Notes,Email"
    error = _error(f"{header}\n1,2,3,4,5,6,7,8,9\n".encode())
    assert str(error) == (
        'The file customers.csv has two columns named "Email" (columns 5 and 9). '
        "Rename one of them and upload the file again."
    )
    assert error.line == 1


def test_csv_too_many_values():
    header = ",".join(f"C{i}" for i in range(1, 13))
    good = ",".join(["v"] * 12)
    rows = [good] * 55 + [",".join(["v"] * 14)] + [good]
    error = _error(("\n".join([header, *rows]) + "\n").encode())
    assert str(error) == (
        "The file customers.csv has 14 values on line 57, but its header row has 12 "
        "columns. A comma inside a value is probably not enclosed in quotes; fix "
        "that line or export the file again."
    )
    assert error.line == 57
    assert error.file_name == "customers.csv"


def test_csv_too_many_values_names_the_delimiter():
    error = _error(b"A;B\n1;2;3\n")
    assert "has 3 values on line 2" in str(error)
    assert "A semicolon inside a value" in str(error)


def test_csv_extra_value_under_unnamed_trailing_column():
    error = _error(b"A,B,\n1,2,3\n")
    assert str(error).startswith("The file customers.csv has 3 values on line 2, ")


def test_iter_rows_raises_like_scan():
    table = _table(b"A,B\n1,2\n3,4\n5,6,7\n8,9\n")
    rows = table.iter_rows()
    assert next(rows) == (2, {"A": "1", "B": "2"})
    assert next(rows) == (3, {"A": "3", "B": "4"})
    with pytest.raises(SourceFileError) as info:
        next(rows)
    with pytest.raises(SourceFileError) as scanned:
        table.scan()
    assert str(info.value) == str(scanned.value)
    assert info.value.line == scanned.value.line == 4


def test_csv_cut_off_inside_quotes():
    error = _error(b'ID,Notes\n1,"fine"\n2,"this note was cut')
    assert str(error) == (
        "The file customers.csv seems cut off at line 3: a value that opens with a "
        'quote (") there never closes. Export it again and upload the complete file.'
    )
    assert error.line == 3


def test_csv_cut_off_last_line():
    error = _error(b"ID,Name,Email\r\n1,Ann,a@x.org\r\n2,Bo")
    assert str(error) == (
        "The file customers.csv seems cut off at line 3: its last line is "
        "incomplete. Export it again and upload the complete file."
    )
    assert error.line == 3


def test_csv_cut_off_is_raised_before_the_last_row_is_yielded():
    rows = _table(b"ID,Name\n1,Ann\n2").iter_rows()
    assert next(rows) == (2, {"ID": "1", "Name": "Ann"})
    with pytest.raises(SourceFileError, match="cut off at line 3"):
        next(rows)


def test_csv_cut_off_in_the_middle_of_a_character():
    error = _error("Name\nJosé\nRené".encode()[:-1])
    assert str(error) == (
        "The file customers.csv seems cut off at line 3: it ends in the middle of a "
        "character. Export it again and upload the complete file."
    )


def test_csv_badly_quoted_value():
    error = _error(b'ID,Notes\n1,ok\n2,"say "hi" now"\n')
    assert str(error) == (
        'The file customers.csv has a badly quoted value on line 3: a quote (") '
        'inside a quoted value must be written twice (""). Fix that line or export '
        "the file again."
    )
    assert error.line == 3


@pytest.fixture
def python_csv_limit():
    """The csv module's own field size limit (131,072 characters), which odoo-bin
    raises to 500 MB when it starts (Odoo's own test runner runs under it)."""
    previous = csv.field_size_limit(131072)
    yield
    csv.field_size_limit(previous)


def test_csv_unclosed_quote_in_a_long_file(python_csv_limit):
    rows = "".join(f"{i},note {i}\n" for i in range(20000))
    error = _error(f'ID,Notes\n1,"oops\n{rows}'.encode())
    assert error.line == 2
    assert "starting on line 2 that is longer than 131,072 characters" in str(error)


def test_csv_nul_bytes():
    error = _error(b"Name,City\nAnn,Paris\nB\x00ob,Rome\n")
    assert str(error) == (
        "The file customers.csv contains NUL bytes (first on line 3), so it is not a "
        "plain CSV text file. Open it in Excel or LibreOffice, save it again as "
        '"CSV UTF-8", and upload that.'
    )
    assert error.line == 3


@pytest.mark.parametrize(
    ("bom", "codec", "encoding"),
    [
        (b"\xff\xfe", "utf-16-le", "utf-16"),
        (b"\xfe\xff", "utf-16-be", "utf-16"),
        (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32"),
    ],
)
def test_csv_utf16_and_utf32(bom, codec, encoding):
    data = bom + "Name,City\nAnn,Paris\n".encode(codec)
    table = _table(data)
    assert table.encoding == encoding
    assert _rows(table) == [(2, {"Name": "Ann", "City": "Paris"})]


def test_csv_utf16_without_bom_fails_on_nul_bytes():
    error = _error("Name,City\nAnn,Paris\n".encode("utf-16-le"))
    assert "contains NUL bytes" in str(error)


def test_csv_byte_undefined_in_cp1252():
    error = _error(b"Name\nAnn\nB\x81ob\n")
    assert str(error) == (
        "The file customers.csv is not in a text encoding we can read: line 3 has a "
        'character that is neither UTF-8 nor Windows-1252. Save it again as "CSV '
        'UTF-8" and upload that.'
    )
    assert error.line == 3


def test_csv_byte_undefined_in_cp1252_line_counted_with_cr_endings():
    error = _error(b"Name\rAnn\r\r\nB\x81ob\r")
    assert error.line == 4


# -- not a table --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"GIF89a\x01\x00\x01\x00", "a GIF image"),
        (b"<!DOCTYPE html><html><table><tr><td>1</td></tr></table>", "a web page"),
    ],
)
def test_binary_files_are_refused(data, what):
    with pytest.raises(SourceFileError) as info:
        tabular.open_tables([("customers.csv", data)])
    assert str(info.value) == (
        f"The file customers.csv is not a CSV or Excel (.xlsx) file (it looks like "
        f"{what}). Export the data from your old system as CSV and upload that."
    )
    assert info.value.file_name == "customers.csv"


def test_old_excel_is_refused():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    with pytest.raises(SourceFileError) as info:
        tabular.open_tables([("customers.xls", data)])
    assert str(info.value) == (
        "The file customers.xls is an old-format Excel (.xls) workbook or a "
        "password-protected one, which cannot be read. Open it in Excel, remove any "
        'password, save it as "CSV UTF-8" or "Excel Workbook (.xlsx)", and upload '
        "that."
    )


def test_ods_is_refused():
    data = _zip(
        {
            "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": "<office:document-content/>",
        },
        compression=zipfile.ZIP_STORED,
    )
    with pytest.raises(SourceFileError) as info:
        tabular.open_tables([("customers.ods", data)])
    assert str(info.value) == (
        "The file customers.ods is an OpenDocument (.ods) spreadsheet. Open it in "
        'LibreOffice Calc, save it as "Excel 2007-365 (.xlsx)" or as CSV, and upload '
        "that."
    )


def test_word_document_is_refused():
    data = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"})
    with pytest.raises(SourceFileError, match=r"not a CSV or Excel \(\.xlsx\) file"):
        tabular.open_tables([("customers.docx", data)])


# -- XLSX ---------------------------------------------------------------------------


def _sample_workbook():
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Customers")
    sheet.append(["Name ", "Since", "Visit", "Count", "Amount", "Empty", "Active"])
    sheet.append(
        [
            "  Ann ",
            datetime.date(2024, 3, 1),
            datetime.datetime(2024, 3, 1, 10, 30),
            12,
            12.0,
            None,
            True,
        ]
    )
    sheet.append([])
    sheet.append(["Bob", datetime.date(2023, 12, 31), None, 3, 0.1 + 0.2, "", False])
    midnight = WriteOnlyCell(sheet, value=datetime.datetime(2024, 1, 1))
    midnight.number_format = "yyyy-mm-dd hh:mm"
    sheet.append(["Cy", None, midnight, -7, 1234.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


SAMPLE_ROWS = [
    (
        2,
        {
            "Name": "Ann",
            "Since": "2024-03-01",
            "Visit": "2024-03-01 10:30:00",
            "Count": "12",
            "Amount": "12",
            "Empty": "",
            "Active": "TRUE",
        },
    ),
    (
        4,
        {
            "Name": "Bob",
            "Since": "2023-12-31",
            "Visit": "",
            "Count": "3",
            "Amount": "0.3",
            "Empty": "",
            "Active": "FALSE",
        },
    ),
    (
        5,
        {
            "Name": "Cy",
            "Since": "",
            "Visit": "2024-01-01 00:00:00",
            "Count": "-7",
            "Amount": "1234.5",
            "Empty": "",
            "Active": "",
        },
    ),
]


def test_xlsx_values():
    table = _table(_sample_workbook(), name="customers.xlsx")
    assert table.kind == "xlsx"
    assert table.encoding is None
    assert table.delimiter is None
    assert table.headers == [
        "Name",
        "Since",
        "Visit",
        "Count",
        "Amount",
        "Empty",
        "Active",
    ]
    assert _rows(table) == SAMPLE_ROWS
    assert table.scan() == 3


def test_xlsx_disguised_as_csv():
    table = _table(_sample_workbook(), name="customers.csv")
    assert table.kind == "xlsx"
    assert _rows(table) == SAMPLE_ROWS


def test_xlsx_from_path(tmp_path):
    path = tmp_path / "export.xlsx"
    path.write_bytes(_sample_workbook())
    table = _table(path, name="export.xlsx")
    assert table.kind == "xlsx"
    assert _rows(table) == SAMPLE_ROWS


def test_xlsx_header_on_a_later_row_and_every_sheet():
    workbook = openpyxl.Workbook(write_only=True)
    first = workbook.create_sheet("Jobs")
    first.append([])
    first.append([None, None])
    first.append(["Job", "Total"])
    first.append(["J-1", 99.99])
    second = workbook.create_sheet("Other")
    second.append(["Ignored"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    jobs, other = tabular.open_tables([("jobs.xlsx", buffer.getvalue())])
    assert (jobs.name, other.name) == ("jobs.xlsx/Jobs", "jobs.xlsx/Other")
    assert jobs.headers == ["Job", "Total"]
    assert _rows(jobs) == [(4, {"Job": "J-1", "Total": "99.99"})]
    assert other.headers == ["Ignored"]


def test_xlsx_with_a_wrong_declared_size_is_read_whole():
    workbook = openpyxl.Workbook()
    for row in (["A", "B"], [1, 2], [3, 4]):
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    members = {name: source.read(name) for name in source.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    assert b'<dimension ref="A1:B3"/>' in sheet
    members["xl/worksheets/sheet1.xml"] = sheet.replace(b"A1:B3", b"A1")
    table = _table(_zip(members), name="c.xlsx")
    assert _rows(table) == [(2, {"A": "1", "B": "2"}), (3, {"A": "3", "B": "4"})]


def test_xlsx_header_only():
    assert _table(_xlsx([["Name", "Email"]]), name="x.xlsx").scan() == 0


def test_xlsx_empty():
    error = _error(_xlsx([]), name="customers.xlsx")
    assert str(error) == "The file customers.xlsx is empty."


def test_xlsx_no_header_row():
    error = _error(_xlsx([["Name", None, "Email"], ["Ann", 1, "a@x"]]), "c.xlsx")
    assert str(error) == (
        "The file c.xlsx has no header row: its first row (row 1) has no name in "
        "column 2. Export the file again with the column names in its first row."
    )


def test_xlsx_duplicate_header():
    error = _error(_xlsx([["Email", "Name", "Email "]]), "c.xlsx")
    assert str(error) == (
        'The file c.xlsx has two columns named "Email" (columns 1 and 3). Rename one '
        "of them and upload the file again."
    )


def test_xlsx_value_in_unnamed_column():
    data = _xlsx([["Name", "Email"], ["Ann", "a@x", None], ["Bob", "b@x", None, "?"]])
    error = _error(data, "c.xlsx")
    assert str(error) == (
        "The file c.xlsx has a value in column 4 of row 3, but its header row names "
        "only 2 columns. Give that column a name in the first row, or delete it, and "
        "upload the file again."
    )
    assert error.line == 3


def test_xlsx_truncated():
    data = _sample_workbook()
    error = _error(data[: len(data) * 2 // 3], name="customers.xlsx")
    assert str(error) == (
        "The file customers.xlsx is damaged or incomplete: it cannot be read as an "
        "Excel workbook. Export it again and upload the complete file."
    )


# -- ZIP ----------------------------------------------------------------------------


def _export_zip():
    return _zip(
        {
            "export/": "",
            "export/Customers.CSV": CUSTOMERS,
            "export/jobs.xlsx": _xlsx([["Job", "Customer ID"], ["J-1", 1]]),
            "export/notes.txt": "not a table",
            "export/files/123/photo.png": b"\x89PNG\r\n\x1a\nfake image",
            "export/files/123/report.pdf": b"%PDF-1.4 fake",
            "export/.DS_Store": b"\x00\x00junk",
            "__MACOSX/export/._Customers.CSV": b"\x00\x05\x16\x07junk",
            "invoices.csv": "Invoice,Total\nI-1,10.50\n",
        }
    )


def test_zip_tables_and_files():
    with tabular.open_source([("export.zip", _export_zip())]) as bundle:
        names = [table.name for table in bundle.tables]
        assert names == [
            f"export.zip{SEP}export/Customers.CSV",
            f"export.zip{SEP}export/jobs.xlsx",
            f"export.zip{SEP}invoices.csv",
        ]
        assert SEP == " \u203a "
        customers, jobs, invoices = bundle.tables
        assert [t.basename for t in bundle.tables] == [
            "Customers.CSV",
            "jobs.xlsx",
            "invoices.csv",
        ]
        assert customers.archive == "export.zip"
        assert customers.member == "export/Customers.CSV"
        assert (customers.kind, jobs.kind, invoices.kind) == ("csv", "xlsx", "csv")
        assert customers.scan() == 2
        assert _rows(jobs) == [(2, {"Job": "J-1", "Customer ID": "1"})]
        assert _rows(invoices) == [(2, {"Invoice": "I-1", "Total": "10.50"})]
        assert bundle.files == [
            "export/notes.txt",
            "export/files/123/photo.png",
            "export/files/123/report.pdf",
        ]
        with bundle.open_file("export/files/123/photo.png") as stream:
            assert stream.read() == b"\x89PNG\r\n\x1a\nfake image"
        with bundle.open_file("files/123/photo.png") as stream:  # inside a folder
            assert stream.read(4) == b"\x89PNG"
        with bundle.open_file("EXPORT\\files\\123\\REPORT.pdf") as stream:
            assert stream.read() == b"%PDF-1.4 fake"
        assert bundle.open_file("files/999/missing.png") is None
        assert bundle.open_file("") is None
        assert bundle.open_file(".DS_Store") is None
    assert bundle.open_file("export/notes.txt") is None  # closed


def test_zip_from_path_and_several_sources(tmp_path):
    path = tmp_path / "export.zip"
    path.write_bytes(_export_zip())
    sources = [("export.zip", path), ("extra.csv", b"A\n1\n")]
    with tabular.open_source(sources) as bundle:
        assert [t.name for t in bundle.tables][-1] == "extra.csv"
        assert sum(table.scan() for table in bundle.tables) == 2 + 1 + 1 + 1
        with bundle.open_file("files/123/report.pdf") as stream:
            assert stream.read() == b"%PDF-1.4 fake"


def test_zip_member_csv_is_sniffed_by_content():
    data = _zip({"customers.csv": _xlsx([["Name"], ["Ann"]])})
    (table,) = tabular.open_tables([("export.zip", data)])
    assert table.kind == "xlsx"
    assert _rows(table) == [(2, {"Name": "Ann"})]


def test_zip_member_errors_name_the_member():
    data = _zip({"data/customers.csv": b"Name,Email\nAnn\x00\n"})
    (table,) = tabular.open_tables([("export.zip", data)])
    with pytest.raises(SourceFileError) as info:
        table.scan()
    name = f"export.zip{SEP}data/customers.csv"
    assert info.value.file_name == name
    assert str(info.value).startswith(f"The file {name} contains NUL bytes")


def test_zip_member_not_a_table():
    data = _zip({"customers.csv": b"%PDF-1.4 ..."})
    with pytest.raises(SourceFileError) as info:
        tabular.open_tables([("export.zip", data)])
    assert str(info.value).startswith(
        f"The file export.zip{SEP}customers.csv is not a CSV or Excel (.xlsx) file"
    )


def test_zip_without_tables():
    data = _zip({"photo.png": b"\x89PNG", "__MACOSX/._a.csv": b"junk"})
    with pytest.raises(SourceFileError) as info:
        tabular.open_tables([("export.zip", data)])
    assert str(info.value) == "The archive export.zip contains no CSV or Excel file."
    assert info.value.file_name == "export.zip"


def test_zip_truncated():
    data = _export_zip()
    with pytest.raises(SourceFileError) as info:
        tabular.open_tables([("export.zip", data[: len(data) // 2])])
    assert str(info.value) == (
        "The archive export.zip is damaged or incomplete. Download or export it "
        "again and upload the complete file."
    )


def test_zip_member_with_bad_crc():
    body = "".join(f"{i},name {i}\n" for i in range(5000))
    data = bytearray(_zip({"c.csv": "ID,Name\n" + body}, zipfile.ZIP_STORED))
    position = data.index(b"name 4000")
    data[position] = ord("N")  # corrupt the stored bytes, CRC no longer matches
    (table,) = tabular.open_tables([("export.zip", bytes(data))])
    with pytest.raises(SourceFileError) as info:
        table.scan()
    assert str(info.value) == (
        "The archive export.zip is damaged or incomplete (c.csv cannot be read). "
        "Download or export it again and upload the complete file."
    )


def _encrypt_flag(data, member):
    """Set the 'encrypted' flag of ``member`` in a ZIP's headers."""
    data = bytearray(data)
    name = member.encode()
    for signature, flag_offset, name_offset in (
        (b"PK\x03\x04", 6, 30),
        (b"PK\x01\x02", 8, 46),
    ):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            if data[start + name_offset : start + name_offset + len(name)] == name:
                data[start + flag_offset] |= 0x1
            start += 4
    return bytes(data)


def test_zip_encrypted_member():
    data = _encrypt_flag(_zip({"customers.csv": CUSTOMERS}), "customers.csv")
    with pytest.raises(SourceFileError) as info:
        tabular.open_tables([("export.zip", data)])
    assert str(info.value) == (
        "The archive export.zip is protected by a password (customers.csv is "
        "encrypted). Make the archive again without a password, or upload the files "
        "it contains directly."
    )


def test_zip_encrypted_attachment_only_fails_when_opened():
    data = _zip({"customers.csv": CUSTOMERS, "files/a.png": b"\x89PNG"})
    data = _encrypt_flag(data, "files/a.png")
    with tabular.open_source([("export.zip", data)]) as bundle:
        assert bundle.tables[0].scan() == 2
        with pytest.raises(SourceFileError, match="protected by a password"):
            bundle.open_file("files/a.png")


# -- memory -------------------------------------------------------------------------


def _write_big_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("Customer ID,First Name,Last Name,Email,City,Notes\r\n")
        handle.writelines(
            f"{i},Fïrst{i},Last{i},user{i}@example.com,Town {i % 97},"
            f'"note {i}, with a comma"\r\n'
            for i in range(rows)
        )


def test_memory_stays_constant_on_a_large_csv(tmp_path):
    path = tmp_path / "big.csv"
    _write_big_csv(path, 300_000)
    size = path.stat().st_size
    assert size > 20_000_000
    tracemalloc.start()
    try:
        table = _table(path, name="big.csv")
        assert table.encoding == "utf-8"
        assert table.scan() == 300_000
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000, peak
    assert peak < size / 10


def test_memory_stays_constant_on_a_large_zip_member(tmp_path):
    csv_path = tmp_path / "big.csv"
    _write_big_csv(csv_path, 100_000)
    zip_path = tmp_path / "big.zip"
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(csv_path, "export/customers.csv")
    tracemalloc.start()
    try:
        with tabular.open_source([("big.zip", zip_path)]) as bundle:
            (table,) = bundle.tables
            last = None
            for row in table.iter_rows():
                last = row
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert last[0] == 100_001
    assert last[1]["Notes"] == "note 99999, with a comma"
    assert peak < 2_000_000, peak
