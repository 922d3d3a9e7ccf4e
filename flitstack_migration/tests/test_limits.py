# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Tests of the limits on what an upload can cost (no database needed)."""

import csv
import dataclasses
import io
import tracemalloc
import zipfile

import pytest

from ..exceptions import SourceFileError
from ..readers import tabular

SEP = tabular.ARCHIVE_SEPARATOR
MB = 1 << 20


def _zip(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _refusal(sources, limits=None, scan=True):
    """Return the SourceFileError raised when opening (and scanning) ``sources``."""
    with (
        pytest.raises(SourceFileError) as info,
        tabular.open_source(sources, limits=limits) as bundle,
    ):
        if scan:
            for table in bundle.tables:
                table.scan()
    return info.value


@pytest.fixture
def odoo_csv_limit():
    """The huge csv field size limit the Odoo server sets when it starts."""
    previous = csv.field_size_limit(500 * MB)
    yield
    csv.field_size_limit(previous)


# -- the limits themselves ----------------------------------------------------------


def test_defaults_are_set_and_frozen():
    limits = tabular.ReadLimits()
    assert limits == tabular.DEFAULT_LIMITS
    assert limits.max_file_size == 1024 * MB
    assert limits.max_archive_size == 4096 * MB
    assert limits.max_compression_ratio == 200
    assert limits.max_line_length == 1_000_000
    assert limits.max_cell_length == 131_072
    assert limits.max_files == 50_000
    with pytest.raises(dataclasses.FrozenInstanceError):
        limits.max_files = 1
    assert set(tabular.LIMIT_LABELS) == {
        field.name for field in dataclasses.fields(tabular.ReadLimits)
    }


# -- upload size and number of files ------------------------------------------------


def test_file_larger_than_the_limit():
    error = _refusal(
        [("customers.csv", b"Name\n" + b"Ann\n" * 100)],
        tabular.ReadLimits(max_file_size=100),
    )
    assert str(error) == (
        "The file customers.csv is 405 bytes, more than the 100 bytes a file may "
        'hold. If the file is right, ask your administrator to raise "Largest '
        'file" in Settings > Data Migration, then upload it again.'
    )
    assert error.file_name == "customers.csv"
    assert error.limit == "max_file_size"


def test_file_on_disk_larger_than_the_limit_is_refused_unread(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"Name\n" + b"Ann\n" * 2 * MB)
    tracemalloc.start()
    try:
        error = _refusal([("big.csv", path)], tabular.ReadLimits(max_file_size=MB))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "The file big.csv is 8.0 MB, more than the 1.0 MB a file may" in str(error)
    assert peak < 200_000, peak


def test_archive_member_larger_than_the_limit():
    data = _zip({"customers.csv": "Name\n" + "Ann\n" * 1000})
    error = _refusal([("export.zip", data)], tabular.ReadLimits(max_file_size=1000))
    assert str(error).startswith(
        f"The file export.zip{SEP}customers.csv is 4,005 bytes, more than the "
        "1,000 bytes a file may hold."
    )


def test_too_many_files():
    members = {f"files/{i}.png": b"\x89PNG" for i in range(30)}
    members["customers.csv"] = "Name\nAnn\n"
    error = _refusal([("export.zip", _zip(members))], tabular.ReadLimits(max_files=20))
    assert str(error) == (
        "The archive export.zip holds 31 files, more than the 20 an upload may hold. "
        'If the upload is right, ask your administrator to raise "Most files in an '
        'upload" in Settings > Data Migration, then upload it again.'
    )
    assert error.limit == "max_files"


def test_too_many_uploaded_files():
    sources = [(f"t{i}.csv", b"Name\nAnn\n") for i in range(4)]
    error = _refusal(sources, tabular.ReadLimits(max_files=3), scan=False)
    assert "more than the 3 an upload may hold" in str(error)


def test_too_many_files_refused_from_the_end_record_before_the_listing(monkeypatch):
    members = {f"files/{i}.png": b"" for i in range(50)}
    members["customers.csv"] = "Name\nAnn\n"
    data = _zip(members)

    def no_listing(*args, **kwargs):
        raise AssertionError("the central directory was read")

    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", no_listing)
    error = _refusal([("export.zip", data)], tabular.ReadLimits(max_files=20))
    assert error.limit == "max_files"


# -- zip bombs ----------------------------------------------------------------------


def test_zip_bomb_member_refused_before_it_is_expanded(monkeypatch):
    data = _zip({"customers.csv": b"Name\n" + b"a" * 50 * MB})
    assert len(data) < 100_000

    def no_open(*args, **kwargs):
        raise AssertionError("a member was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_open)
    error = _refusal([("export.zip", data)], scan=False)
    assert str(error).startswith(f"The file export.zip{SEP}customers.csv expands from ")
    assert "times its compressed size, more than the 200 times a file may" in str(error)
    assert 'raise "Highest compression ratio" in Settings > Data Migration' in str(
        error
    )
    assert error.limit == "max_compression_ratio"


def test_small_members_may_compress_well():
    data = _zip({"customers.csv": b"Name\n" + b"aaaa\n" * 200_000})
    with tabular.open_source([("export.zip", data)]) as bundle:
        assert bundle.tables[0].scan() == 200_000


def test_archive_expanding_beyond_the_total_limit():
    data = _zip({f"t{i}.csv": b"Name\n" + b"Ann\n" * 1000 for i in range(3)})
    error = _refusal([("export.zip", data)], tabular.ReadLimits(max_archive_size=8000))
    assert str(error) == (
        "The archive export.zip expands to 12,015 bytes, more than the 8,000 bytes "
        "an archive may expand to. If the archive is right, ask your administrator "
        'to raise "Largest expanded archive" in Settings > Data Migration, then '
        "upload it again."
    )
    assert error.limit == "max_archive_size"


def test_workbook_parts_are_checked_like_an_archive():
    members = {
        "[Content_Types].xml": b"<Types/>",
        "xl/workbook.xml": b"<workbook/>",
        "xl/sharedStrings.xml": b"<sst>" + b" " * 50 * MB + b"</sst>",
    }
    error = _refusal([("customers.xlsx", _zip(members))], scan=False)
    assert error.limit == "max_compression_ratio"
    assert "customers.xlsx" in str(error)


def test_streamed_member_is_cut_at_its_limit():
    """Headers can lie: a member stream stops where the limit says."""
    stream = tabular._GuardedStream(
        io.BytesIO(b"x" * 5000),
        "export.zip",
        "files/a.bin",
        limit=1000,
        limit_name="max_file_size",
        limits=tabular.DEFAULT_LIMITS,
    )
    with pytest.raises(SourceFileError) as info:
        io.BufferedReader(stream, 256).read()
    assert info.value.limit == "max_file_size"
    assert f"export.zip{SEP}files/a.bin" in str(info.value)


# -- lines and cells ----------------------------------------------------------------


def test_line_longer_than_the_limit():
    data = b"Name,Notes\nAnn," + b"x" * 2000 + b"\nBob,ok\n"
    error = _refusal(
        [("customers.csv", data)], tabular.ReadLimits(max_line_length=1000)
    )
    assert str(error) == (
        "The file customers.csv has a line longer than 1,000 characters (line 2). "
        'If the file is right, ask your administrator to raise "Longest line" in '
        "Settings > Data Migration, then upload it again."
    )
    assert error.line == 2
    assert error.limit == "max_line_length"


def test_value_longer_than_the_cell_limit(odoo_csv_limit):
    data = b'Name,Notes\nAnn,ok\nBob,"' + b"x" * 300 + b'\ny"\n'
    error = _refusal([("customers.csv", data)], tabular.ReadLimits(max_cell_length=200))
    assert str(error) == (
        "The file customers.csv has a value longer than 200 characters in column "
        '"Notes" on line 3. If the file is right, ask your administrator to raise '
        '"Longest value" in Settings > Data Migration, then upload it again.'
    )
    assert error.limit == "max_cell_length"


def test_unclosed_quote_is_stopped_by_the_line_limit(odoo_csv_limit):
    rows = b"".join(b"%d,note\n" % i for i in range(5000))
    data = b'ID,Notes\n1,"oops\n' + rows
    error = _refusal(
        [("customers.csv", data)], tabular.ReadLimits(max_line_length=20_000)
    )
    assert error.line == 2
    assert "longer than 20,000 characters" in str(error)


def test_limits_within_bounds_read_normally():
    data = b"Name,Notes\nAnn," + b"x" * 900 + b"\n"
    limits = tabular.ReadLimits(max_line_length=1000, max_cell_length=1000)
    with tabular.open_source([("customers.csv", data)], limits=limits) as bundle:
        assert [len(row["Notes"]) for _l, row in bundle.tables[0].iter_rows()] == [900]


def _one_line_zip(path, megabytes):
    archive = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
    with archive, archive.open("line.csv", "w") as member:
        member.write(b"Name,Notes\nAnn,")
        block = b"x" * MB
        for _ in range(megabytes):
            member.write(block)
        member.write(b"\n")


def test_memory_stays_bounded_on_a_huge_line(tmp_path, odoo_csv_limit):
    """One 50 MB line inside a small ZIP is refused in bounded memory."""
    path = tmp_path / "line.zip"
    _one_line_zip(path, 50)
    assert path.stat().st_size < 300_000
    limits = tabular.ReadLimits(max_compression_ratio=1000)
    tracemalloc.start()
    try:
        error = _refusal([("line.zip", path)], limits)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.limit == "max_line_length"
    assert error.line == 2
    assert peak < 15 * MB, peak


# -- attachments --------------------------------------------------------------------


def test_attachment_is_streamed_in_chunks(tmp_path):
    path = tmp_path / "export.zip"
    archive = zipfile.ZipFile(path, "w", zipfile.ZIP_STORED)
    with archive, archive.open("files/video.bin", "w") as member:
        for index in range(20):
            member.write(bytes([index]) * MB)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("customers.csv", "Name\nAnn\n")
    tracemalloc.start()
    try:
        with tabular.open_source([("export.zip", path)]) as bundle:
            total = 0
            with bundle.open_file("files/video.bin") as stream:
                while chunk := stream.read(tabular.CHUNK_SIZE):
                    total += len(chunk)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == 20 * MB
    assert peak < 2 * MB, peak


def test_attachment_larger_than_the_limit_fails_when_opened():
    data = _zip({"customers.csv": "Name\nAnn\n", "files/a.bin": b"\x01" * 5000})
    limits = tabular.ReadLimits(max_file_size=1000)
    with tabular.open_source([("export.zip", data)], limits=limits) as bundle:
        assert bundle.tables[0].scan() == 1
        with pytest.raises(SourceFileError) as info:
            bundle.open_file("files/a.bin")
    assert info.value.limit == "max_file_size"
    assert str(info.value).startswith(
        f"The file export.zip{SEP}files/a.bin is 5,000 bytes, more than the 1,000 "
        "bytes a file may hold."
    )
