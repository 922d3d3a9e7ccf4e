# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Stream the rows of uploaded export files: CSV, Excel (.xlsx) and ZIP archives.

Pure Python (standard library and openpyxl), no ORM. Nothing here holds a whole file
in memory: a CSV is decoded and parsed as a stream, an Excel sheet is read with
openpyxl's read-only mode, and a ZIP member is decompressed as it is read.

``open_source(sources)`` returns a :class:`Bundle`: its :class:`Table` objects (one
per CSV or Excel file, whether uploaded directly or found in a ZIP archive) and a way
to open the archives' other members (attachments). ``open_tables(sources)`` returns
just the tables.

A table's rows come as ``(line_no, {header: value})`` with every value a stripped
``str``. :meth:`Table.scan` reads a whole table and raises
:class:`~..exceptions.SourceFileError` on any structural problem, so that the caller
can check every file before writing anything; :meth:`Table.iter_rows` raises the same
errors as it meets them.

What an upload may cost is bounded by :class:`ReadLimits` (size of a file, of an
expanded archive, compression ratio, length of a line and of a value, number of
files). A file beyond a limit raises :class:`~..exceptions.SourceLimitError`, which
names the limit; a ZIP bomb is refused from the archive's directory, before anything
is expanded, and member streams are cut at their limit as they are read.

Messages are plain English sentences for an Odoo administrator; each names the file
(and the line where that helps). Translation happens where they are shown.
"""

import codecs
import contextlib
import csv
import dataclasses
import datetime
import io
import itertools
import os
import re
import shutil
import struct
import tempfile
import unicodedata
import warnings
import zipfile
import zlib
from pathlib import PurePosixPath

import charset_normalizer
import openpyxl
from openpyxl.chartsheet import Chartsheet
from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

from ..exceptions import SourceFileError, SourceLimitError

__all__ = [
    "DEFAULT_LIMITS",
    "LIMIT_LABELS",
    "Bundle",
    "ReadLimits",
    "ReadWarning",
    "Table",
    "normalize_header",
    "open_source",
    "open_tables",
]

CHUNK_SIZE = 1 << 16
DELIMITERS = (",", ";", "\t", "|")
TABLE_EXTENSIONS = (".csv", ".xlsx")
ARCHIVE_SEPARATOR = " \u203a "  # single right-pointing angle quotation mark

_UTF8_BOM = codecs.BOM_UTF8
_UNICODE_BOMS = (
    # Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Bytes that Windows-1252 leaves undefined (Python's codec refuses them too).
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY_MAGIC = (
    # Only signatures no CSV header can start with (binary ones have NULs anyway).
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a compressed (.gz) file"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"{\\rtf", "a Word (RTF) document"),
)
_MARKUP_PREFIXES = (b"<!doctype html", b"<html", b"<table", b"<?xml")
_DELIMITER_NAMES = {
    ",": "comma",
    ";": "semicolon",
    "\t": "tab",
    "|": "vertical bar (|)",
}
# Exceptions a damaged or truncated ZIP (or a ZIP-based .xlsx) raises on reading.
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError)
# ... and those openpyxl lets out of a workbook whose parts are missing or broken.
_XLSX_ERRORS = (*_ZIP_ERRORS, KeyError, IndexError, ValueError, TypeError, SyntaxError)

_NOT_ALNUM = re.compile(r"[\W_]+")
_SEP_LINE = re.compile(r"^sep=(.)\s*$", re.IGNORECASE)
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|\[(?![hms]+\])[^\]]*\]', re.IGNORECASE)

_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_NOT_C1 = bytes(b for b in range(256) if not 0x80 <= b <= 0x9F)
# 8-bit encodings told apart when a file is not UTF-8, most common first, with the
# bytes each leaves undefined (ISO-8859-2 maps 0x80-0x9F to control characters).
_LEGACY_ENCODINGS = (
    ("cp1252", frozenset(b[0] for b in _CP1252_UNDEFINED)),
    ("cp1250", frozenset((0x81, 0x83, 0x88, 0x90, 0x98))),
    ("iso8859_2", frozenset(range(0x80, 0xA0))),
)
#: Bytes of a non-UTF-8 file handed to the encoding detection, at most.
DETECTION_SAMPLE_SIZE = 1 << 16
#: Warnings kept per sheet and kind (formulas without result...), beyond: counted.
MAX_SHEET_WARNINGS = 20

# -- limits -------------------------------------------------------------------------

MB = 1 << 20
GB = 1 << 30
#: Members smaller than this may compress as well as they like (no bomb is small).
RATIO_FLOOR = MB


@dataclasses.dataclass(frozen=True)
class ReadLimits:
    """What one upload may cost. Each refusal names the field it ran into.

    The field names are those the settings and the CLI options use
    (``max_file_size`` is ``--max-file-size``); :data:`LIMIT_LABELS` gives the
    label an admin sees in Settings > Data Migration.
    """

    #: bytes of one uploaded file, or of one member of an archive once expanded
    max_file_size: int = 1 * GB
    #: bytes of all the members of one archive (ZIP or .xlsx) once expanded
    max_archive_size: int = 4 * GB
    #: expanded size / compressed size of an archive member over 1 MB
    max_compression_ratio: int = 200
    #: characters of one CSV line, or of a record spanning lines inside quotes
    max_line_length: int = 1_000_000
    #: characters of one value (a CSV field, an Excel cell)
    max_cell_length: int = 131_072
    #: files in one upload: uploaded files plus the members of their archives
    max_files: int = 50_000


DEFAULT_LIMITS = ReadLimits()
LIMIT_LABELS = {
    "max_file_size": "Largest file",
    "max_archive_size": "Largest expanded archive",
    "max_compression_ratio": "Highest compression ratio",
    "max_line_length": "Longest line",
    "max_cell_length": "Longest value",
    "max_files": "Most files in an upload",
}


@dataclasses.dataclass(frozen=True)
class ReadWarning:
    """Something an admin should know about a file that still reads.

    ``file`` is the file's name as in :attr:`Table.name` (for a sheet: the
    workbook's), ``sheet`` the sheet of a workbook (or None), ``cell`` an Excel
    reference such as ``"D2"`` or ``"B2:B3"`` (or None) and ``message`` the sentence
    to show.
    """

    file: str
    sheet: str | None
    cell: str | None
    message: str


def _format_size(size):
    if size < MB:
        return f"{size:,} bytes"
    if size < GB:
        return f"{size / MB:,.1f} MB"
    return f"{size / GB:,.1f} GB"


# -- messages -----------------------------------------------------------------------

MSG_EMPTY = "The file %(file)s is empty."
MSG_NO_HEADER = (
    "The file %(file)s has no header row: its first row (%(unit)s %(line)s) has no "
    "name in column %(column)s. Export the file again with the column names in its "
    "first row."
)
MSG_DUPLICATE_HEADER = (
    'The file %(file)s has two columns named "%(header)s" (columns %(first)s and '
    "%(second)s). Rename one of them and upload the file again."
)
MSG_TOO_MANY_VALUES = (
    "The file %(file)s has %(count)s values on line %(line)s, but its header row has "
    "%(columns)s columns. A %(delimiter)s inside a value is probably not enclosed in "
    "quotes; fix that line or export the file again."
)
MSG_UNNAMED_COLUMN = (
    "The file %(file)s has a value in column %(column)s of row %(line)s, but its "
    "header row names only %(columns)s columns. Give that column a name in the first "
    "row, or delete it, and upload the file again."
)
MSG_CUT_OFF = (
    "The file %(file)s seems cut off at line %(line)s: %(reason)s. Export it again "
    "and upload the complete file."
)
CUT_OFF_LAST_LINE = "its last line is incomplete"
CUT_OFF_QUOTE = 'a value that opens with a quote (") there never closes'
CUT_OFF_CHARACTER = "it ends in the middle of a character"
MSG_BAD_QUOTES = (
    'The file %(file)s has a badly quoted value on line %(line)s: a quote (") inside '
    'a quoted value must be written twice (""). Fix that line or export the file '
    "again."
)
MSG_FIELD_TOO_LONG = (
    "The file %(file)s has a value starting on line %(line)s that is longer than "
    '%(limit)s characters: usually a quote (") that opens a value is never closed. '
    "Fix that line or export the file again."
)
MSG_ENCODING = (
    "The file %(file)s is not in a text encoding we can read: line %(line)s has a "
    'character that is neither UTF-8 nor Windows-1252. Save it again as "CSV UTF-8" '
    "and upload that."
)
MSG_NUL = (
    "The file %(file)s contains NUL bytes (first on line %(line)s), so it is not a "
    "plain CSV text file. Open it in Excel or LibreOffice, save it again as "
    '"CSV UTF-8", and upload that.'
)
MSG_NOT_A_TABLE = (
    "The file %(file)s is not a CSV or Excel (.xlsx) file%(what)s. Export the data "
    "from your old system as CSV and upload that."
)
MSG_OLD_EXCEL = (
    "The file %(file)s is an old-format Excel (.xls) workbook or a password-protected "
    'one, which cannot be read. Open it in Excel, remove any password, save it as "CSV '
    'UTF-8" or "Excel Workbook (.xlsx)", and upload that.'
)
MSG_ODS = (
    "The file %(file)s is an OpenDocument (.ods) spreadsheet. Open it in LibreOffice "
    'Calc, save it as "Excel 2007-365 (.xlsx)" or as CSV, and upload that.'
)
MSG_ARCHIVE_DAMAGED = (
    "The archive %(file)s is damaged or incomplete%(member)s. Download or export it "
    "again and upload the complete file."
)
MSG_WORKBOOK_DAMAGED = (
    "The file %(file)s is damaged or incomplete: it cannot be read as an Excel "
    "workbook. Export it again and upload the complete file."
)
MSG_ARCHIVE_METHOD = (
    "The archive %(file)s uses a compression method that cannot be read (%(member)s). "
    "Make the archive again with ordinary ZIP compression, or upload the files it "
    "contains directly."
)
MSG_NO_TABLE_IN_ARCHIVE = "The archive %(file)s contains no CSV or Excel file."
MSG_ENCRYPTED = (
    "The archive %(file)s is protected by a password (%(member)s is encrypted). Make "
    "the archive again without a password, or upload the files it contains directly."
)

MSG_RAISE_LIMIT = (
    ' If the %(what)s is right, ask your administrator to raise "%(label)s" in '
    "Settings > Data Migration, then upload it again."
)
MSG_FILE_TOO_LARGE = (
    "The file %(file)s is %(size)s, more than the %(limit)s a file may hold."
)
MSG_ARCHIVE_TOO_LARGE = (
    "The archive %(file)s expands to %(size)s, more than the %(limit)s an archive "
    "may expand to."
)
MSG_RATIO = (
    "The file %(file)s expands from %(packed)s to %(size)s, %(ratio)s times its "
    "compressed size, more than the %(limit)s times a file may expand: archives "
    'built to exhaust a server ("zip bombs") look like this.'
)
MSG_STREAM_LIMIT = (
    "The file %(file)s expands to more than %(limit)s as it is read, more than its "
    "archive declares; the archive may be damaged or built to exhaust a server."
)
MSG_TOO_MANY_FILES = (
    "The archive %(file)s holds %(count)s files, more than the %(limit)s an upload "
    "may hold."
)
MSG_TOO_MANY_UPLOADS = (
    "The upload holds %(count)s files with %(file)s, more than the %(limit)s an "
    "upload may hold."
)
MSG_LINE_TOO_LONG = (
    "The file %(file)s has a line longer than %(limit)s characters (line %(line)s)."
)
MSG_RECORD_TOO_LONG = (
    "The file %(file)s has a value starting on line %(line)s that is longer than "
    '%(limit)s characters: usually a quote (") that opens a value is never closed. '
    "Fix that line or export the file again."
)
MSG_CELL_TOO_LONG = (
    "The file %(file)s has a value longer than %(limit)s characters in column "
    '"%(column)s" on %(unit)s %(line)s.'
)
MSG_UNDETECTED = (
    "The file %(file)s is not text in an encoding we can recognise: it may be a "
    'binary file. Save it again as "CSV UTF-8" and upload that.'
)
MSG_BAD_CHARACTER = (
    "The file %(file)s is saved as %(encoding)s text, but line %(line)s has bytes "
    'that are not valid %(encoding)s. Save it again as "CSV UTF-8" and upload that.'
)
MSG_SHEET_EMPTY = 'The sheet "%(sheet)s" of %(file)s is empty: it was left out.'
MSG_SHEET_CHART = (
    'The sheet "%(sheet)s" of %(file)s is a chart, not a table: it was left out.'
)
MSG_FORMULA_UNCACHED = (
    'Cell %(cell)s of sheet "%(sheet)s" in %(file)s holds a formula whose result was '
    "not saved with the file, so it reads as empty. Open the file in Excel, let it "
    "calculate, save it and upload it again."
)
MSG_FORMULA_MORE = (
    'Sheet "%(sheet)s" in %(file)s has %(count)s more formulas whose result was not '
    "saved with the file; they read as empty too."
)
MSG_MERGED = (
    'Cells %(cell)s of sheet "%(sheet)s" in %(file)s are merged: only %(first)s '
    "holds the value, the other cells read as empty. Unmerge them in Excel if each "
    "row needs the value."
)
MSG_MERGED_MORE = (
    'Sheet "%(sheet)s" in %(file)s has %(count)s more merged cell ranges; only their '
    "first cell holds a value."
)


def _fail(message, file_name, line=None, **params):
    """Build the :class:`SourceFileError` for ``message`` about ``file_name``."""
    params["file"] = file_name
    if line is not None:
        params["line"] = line
    return SourceFileError(message % params, file_name=file_name, line=line)


def _limit_fail(
    message, file_name, limit_name, limits, line=None, what="file", **params
):
    """Build the :class:`SourceLimitError` for going beyond the limit ``limit_name``.

    ``params["limit"]`` defaults to the limit's value, formatted as a number.
    """
    params["file"] = file_name
    params.setdefault("limit", f"{getattr(limits, limit_name):,}")
    if line is not None:
        params["line"] = line
    reason = message % params
    hint = MSG_RAISE_LIMIT % {"what": what, "label": LIMIT_LABELS[limit_name]}
    return SourceLimitError(
        reason + hint,
        file_name=file_name,
        line=line,
        limit=limit_name,
        reason=reason,
    )


# -- helpers ------------------------------------------------------------------------


def normalize_header(text):
    """Return ``text`` as a key for matching headers loosely.

    Lowercase, accents removed, every run of characters other than letters and
    digits turned into one space, trimmed: ``"Job Type(s)"`` gives ``"job type s"``
    and ``"Employee/Crew"`` gives ``"employee crew"``.
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_ALNUM.sub(" ", bare.lower()).strip()


def _is_blank(cells):
    return not any(cell.strip() for cell in cells)


class _LineCounter:
    """Count physical lines (LF, CRLF or CR endings) over a stream of byte chunks."""

    def __init__(self):
        self.line = 1
        self._pending_cr = False

    def _breaks(self, data, pending_cr):
        count = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
        if pending_cr and data[:1] == b"\n":
            count -= 1
        return count

    def line_at(self, chunk, index):
        """Return the line number of byte ``index`` of ``chunk``, the next chunk."""
        return self.line + self._breaks(chunk[:index], self._pending_cr)

    def feed(self, chunk):
        """Count the line breaks of ``chunk``."""
        if chunk:
            self.line += self._breaks(chunk, self._pending_cr)
            self._pending_cr = chunk[-1:] == b"\r"


def _sniff_binary(head, file_name):
    """Raise if ``head`` (first bytes of a file) shows a type that is not a table."""
    if head.startswith(_OLE2_MAGIC):
        raise _fail(MSG_OLD_EXCEL, file_name)
    for magic, what in _BINARY_MAGIC:
        if head.startswith(magic):
            raise _fail(MSG_NOT_A_TABLE, file_name, what=f" (it looks like {what})")
    text = head.removeprefix(_UTF8_BOM).lstrip().lower()
    if text.startswith(_MARKUP_PREFIXES):
        raise _fail(MSG_NOT_A_TABLE, file_name, what=" (it looks like a web page)")


def _zip_kind(archive, file_name):
    """Tell what a ZIP file holds: ``"xlsx"`` or ``"zip"``; raise if another format."""
    names = set(archive.namelist())
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "mimetype" in names:
        try:
            mimetype = archive.read("mimetype")[:100]
        except _ZIP_ERRORS:
            mimetype = b""
        if b"opendocument.spreadsheet" in mimetype:
            raise _fail(MSG_ODS, file_name)
        if mimetype:
            raise _fail(MSG_NOT_A_TABLE, file_name, what=" (it is a document)")
    if "[Content_Types].xml" in names:
        raise _fail(MSG_NOT_A_TABLE, file_name, what=" (it is an Office document)")
    return "zip"


def _archive_damaged(archive_name, member=None):
    detail = f" ({member} cannot be read)" if member else ""
    return _fail(MSG_ARCHIVE_DAMAGED, archive_name, member=detail)


def _open_member(archive, archive_name, info, limits=None):
    """Open a ZIP member as a buffered stream read in chunks, cut at its limits.

    Raises a SourceFileError saying why it cannot be opened (encrypted, unknown
    compression method, damaged).
    """
    if info.flag_bits & 0x1:
        raise _fail(MSG_ENCRYPTED, archive_name, member=info.filename)
    try:
        stream = archive.open(info)
    except NotImplementedError as exc:
        raise _fail(MSG_ARCHIVE_METHOD, archive_name, member=info.filename) from exc
    except _ZIP_ERRORS as exc:
        raise _archive_damaged(archive_name, info.filename) from exc
    limits = limits or DEFAULT_LIMITS
    budget, limit_name = _member_budget(info, limits)
    guarded = _GuardedStream(
        stream, archive_name, info.filename, budget, limit_name, limits
    )
    return io.BufferedReader(guarded, CHUNK_SIZE)


def _is_junk(member_name):
    parts = PurePosixPath(member_name).parts
    return any(part.startswith((".", "__MACOSX")) for part in parts)


def _clean_member_path(path):
    path = str(path).replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path.lstrip("/")


def _member_name(archive_name, member):
    return f"{archive_name}{ARCHIVE_SEPARATOR}{member}"


def _member_budget(info, limits):
    """``(bytes, limit name)``: how much a member may expand to as it is read."""
    budgets = [
        (limits.max_file_size, "max_file_size"),
        (limits.max_archive_size, "max_archive_size"),
    ]
    if limits.max_compression_ratio:
        ratio_cap = max(info.compress_size * limits.max_compression_ratio, RATIO_FLOOR)
        budgets.append((ratio_cap, "max_compression_ratio"))
    return min(budgets)


def _check_member(archive_name, info, limits, size_too=True):
    """Refuse a member its directory entry shows too big or too compressed."""
    name = _member_name(archive_name, info.filename)
    if size_too and info.file_size > limits.max_file_size:
        raise _limit_fail(
            MSG_FILE_TOO_LARGE,
            name,
            "max_file_size",
            limits,
            size=_format_size(info.file_size),
            limit=_format_size(limits.max_file_size),
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_FLOOR and ratio > limits.max_compression_ratio:
        raise _limit_fail(
            MSG_RATIO,
            name,
            "max_compression_ratio",
            limits,
            packed=_format_size(info.compress_size),
            size=_format_size(info.file_size),
            ratio=f"{ratio:,.0f}",
        )


def _check_archive(archive, archive_name, limits):
    """Refuse an archive whose directory shows a bomb, before expanding anything."""
    total = 0
    for info in archive.infolist():
        _check_member(archive_name, info, limits, size_too=False)
        total += info.file_size
    if total > limits.max_archive_size:
        raise _limit_fail(
            MSG_ARCHIVE_TOO_LARGE,
            archive_name,
            "max_archive_size",
            limits,
            what="archive",
            size=_format_size(total),
            limit=_format_size(limits.max_archive_size),
        )


def _zip_entry_count(stream):
    """Entries the end record of a ZIP declares, or None (not found, or ZIP64)."""
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    tail_size = min(size, 22 + 0xFFFF)
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or len(tail) < end + 22:
        return None
    (count,) = struct.unpack("<H", tail[end + 10 : end + 12])
    return None if count == 0xFFFF else count


class _GuardedStream(io.RawIOBase):
    """A ZIP member opened for reading, whose read errors become SourceFileError.

    It stops at ``limit`` bytes (named ``limit_name``): a member cannot expand to
    more than its limits allow, whatever the archive's headers say.
    """

    def __init__(
        self, stream, archive_name, member, limit=None, limit_name=None, limits=None
    ):
        super().__init__()
        self._stream = stream
        self._archive_name = archive_name
        self._member = member
        self._left = limit
        self._limit = limit
        self._limit_name = limit_name
        self._limits = limits or DEFAULT_LIMITS

    def readable(self):
        """Tell that the stream can be read (always)."""
        return True

    def readinto(self, buffer):
        """Read into ``buffer``, turning a damaged archive into SourceFileError."""
        size = len(buffer)
        if self._left is not None:
            size = min(size, self._left + 1)
        try:
            data = self._stream.read(size)
        except _ZIP_ERRORS as exc:
            raise _archive_damaged(self._archive_name, self._member) from exc
        if self._left is not None:
            self._left -= len(data)
            if self._left < 0:
                raise _limit_fail(
                    MSG_STREAM_LIMIT,
                    _member_name(self._archive_name, self._member),
                    self._limit_name,
                    self._limits,
                    limit=_format_size(self._limit),
                )
        buffer[: len(data)] = data
        return len(data)

    def close(self):
        """Close the member stream."""
        if not self.closed:
            self._stream.close()
        return super().close()


# -- tables -------------------------------------------------------------------------


class Table:
    """One table of an upload: a CSV file, or a sheet of an Excel workbook.

    ``name`` is the file name as the admin knows it: ``"customers.csv"``, or for a
    member of an archive ``"export.zip \u203a data/customers.csv"`` (archive name,
    ``ARCHIVE_SEPARATOR``, path in the archive), followed by ``"/Sheet"`` for one
    sheet of a workbook that has several; ``basename`` the file name without
    archive or folders (the workbook's, for a sheet), ``kind`` ``"csv"`` or
    ``"xlsx"``, ``sheet`` the sheet's title (or ``None``) and ``archive`` the name
    of the ZIP file it came from (or ``None``). ``headers``, ``encoding`` and
    ``delimiter`` are read on first use. Rows that are entirely empty are skipped
    everywhere. Reading needs the :class:`Bundle` open. ``limits`` is the
    :class:`ReadLimits` it is read under; ``warnings`` what its last complete read
    has to tell (:class:`ReadWarning` objects).
    """

    kind = None
    sheet = None
    _unit = "line"

    def __init__(self, name, opener, archive=None, member=None, limits=None):
        self.name = name
        self.basename = PurePosixPath((member or name).replace("\\", "/")).name
        self.archive = archive
        self.member = member
        self.row_count = None
        self.limits = limits or DEFAULT_LIMITS
        #: :class:`ReadWarning` objects of the last complete read (see ``scan``)
        self.warnings = []
        self._opener = opener
        self._headers = None
        self._width = None
        self._raw_width = None

    def __repr__(self):
        return f"<{type(self).__name__} {self.name!r}>"

    @property
    def headers(self):
        """The column names of the header row, stripped, as found in the file."""
        if self._headers is None:
            records = self._records()
            try:
                self._set_header(next(records, None))
            finally:
                records.close()
        return list(self._headers)

    @property
    def encoding(self):
        """The text encoding of a CSV file (``"utf-8"`` or ``"cp1252"``)."""
        return None

    @property
    def delimiter(self):
        """The field delimiter of a CSV file."""
        return None

    def iter_rows(self):
        """Yield ``(line_no, row)`` for each data row, ``row`` mapping header to text.

        ``line_no`` is the 1-based line where the record starts in a CSV file, the
        row number in a workbook. Values are stripped strings; missing trailing
        cells give ``""``. Raises :class:`SourceFileError` on a structural problem.
        """
        records = self._records()
        try:
            self._set_header(next(records, None))
            headers = self._headers
            width = self._width
            padding = ("",) * width
            cell_limit = self.limits.max_cell_length
            for line_no, cells in records:
                if cells and max(map(len, cells)) > cell_limit:
                    self._cell_too_long(line_no, cells)
                if len(cells) > width:
                    self._check_extra_cells(line_no, cells)
                    cells = cells[:width]
                elif len(cells) < width:
                    cells = (*cells, *padding[len(cells) :])
                # (headers are unique and as many as the cells now)
                yield line_no, dict(zip(headers, map(str.strip, cells), strict=True))
        finally:
            records.close()

    def scan(self):
        """Read the whole table; return its number of data rows.

        Raises :class:`SourceFileError` on any structural problem (the same errors
        as :meth:`iter_rows`). A file with a header row and no data gives 0.
        """
        count = 0
        for _row in self.iter_rows():
            count += 1
        self.row_count = count
        return count

    # internals

    def _records(self):
        """Yield ``(line_no, cells)`` for every non-empty record, header first."""
        raise NotImplementedError

    def _cell_too_long(self, line_no, cells):
        limit = self.limits.max_cell_length
        column = next(i for i, cell in enumerate(cells) if len(cell) > limit)
        if self._headers and column < len(self._headers):
            label = self._headers[column]
        else:
            label = f"number {column + 1}"
        raise _limit_fail(
            MSG_CELL_TOO_LONG,
            self.name,
            "max_cell_length",
            self.limits,
            line_no,
            column=label,
            unit=self._unit,
        )

    def _set_header(self, record):
        if record is None:
            raise _fail(MSG_EMPTY, self.name)
        line_no, cells = record
        if cells and max(map(len, cells)) > self.limits.max_cell_length:
            self._cell_too_long(line_no, cells)
        headers = [cell.replace("\ufeff", "").strip() for cell in cells]
        raw_width = len(headers)
        while headers and not headers[-1]:
            headers.pop()
        seen = {}
        for index, header in enumerate(headers, start=1):
            if not header:
                raise _fail(
                    MSG_NO_HEADER, self.name, line_no, unit=self._unit, column=index
                )
            if header in seen:
                raise _fail(
                    MSG_DUPLICATE_HEADER,
                    self.name,
                    line_no,
                    header=header,
                    first=seen[header],
                    second=index,
                )
            seen[header] = index
        self._headers = headers
        self._width = len(headers)
        self._raw_width = raw_width

    def _check_extra_cells(self, line_no, cells):
        """Raise if a row has values beyond the named columns."""
        raise NotImplementedError


class _ByteScan:
    """What one pass over the bytes of a CSV file (no Unicode mark) tells.

    Whether they are UTF-8, which of the bytes 0x80-0x9F occur (each 8-bit encoding
    leaves some undefined), the first line with a byte Windows-1252 leaves
    undefined, and a bounded sample of the lines holding non-ASCII bytes for the
    encoding detection.
    """

    def __init__(self):
        self.is_utf8 = True
        self.c1_bytes = set()
        self.undefined_line = None
        self.sample = bytearray()
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")

    def feed(self, chunk, counter):
        if self.is_utf8:
            try:
                self._decoder.decode(chunk)
            except UnicodeDecodeError:
                self.is_utf8 = False
        if chunk.isascii():
            return
        c1 = chunk.translate(None, _NOT_C1)
        if c1:
            self.c1_bytes.update(c1)
            if self.undefined_line is None:
                found = [i for i in map(chunk.find, _CP1252_UNDEFINED) if i >= 0]
                if found:
                    self.undefined_line = counter.line_at(chunk, min(found))
        self._collect(chunk)

    def finish_utf8(self):
        """Return whether the bytes were UTF-8 to their end."""
        if self.is_utf8:
            self._decoder.decode(b"", final=True)  # raises if cut off
        return self.is_utf8

    def _collect(self, chunk):
        """Add the lines of ``chunk`` that hold non-ASCII bytes to the sample."""
        position = 0
        while len(self.sample) < DETECTION_SAMPLE_SIZE:
            match = _HIGH_BYTE.search(chunk, position)
            if match is None:
                return
            start = max(chunk.rfind(b"\n", 0, match.start()), 0)
            end = chunk.find(b"\n", match.end())
            end = len(chunk) if end < 0 else end
            room = DETECTION_SAMPLE_SIZE - len(self.sample)
            self.sample += chunk[start:end][:room]
            position = end + 1

    def guess_encoding(self):
        """The likeliest 8-bit encoding of the sample, or None if none fits."""
        candidates = [
            name
            for name, undefined in _LEGACY_ENCODINGS
            if not undefined & self.c1_bytes
        ]
        sample = bytes(self.sample[:DETECTION_SAMPLE_SIZE])
        if not candidates or not sample:
            return candidates[0] if candidates else None
        if (
            charset_normalizer.from_bytes(sample, cp_isolation=candidates).best()
            is None
        ):
            return None
        scores = []
        for rank, name in enumerate(candidates):
            try:
                text = sample.decode(name)
            except UnicodeDecodeError:
                continue
            scores.append((_oddity(text), rank, name))
        return min(scores)[2] if scores else None


def _odd_symbol(char):
    """A non-ASCII symbol, digit, mark or control: odd when glued to a letter."""
    if char.isascii():
        return False
    category = unicodedata.category(char)
    return category[0] in "SNPC" or category == "Lm"


def _oddity(text):
    """Count characters that look misread: a symbol glued to a letter, ``dŸ``...

    Reading Polish Windows-1250 as Windows-1252 turns ``Łódź`` into ``£ódŸ``; the
    right 8-bit encoding is the one whose reading has the fewest such characters.
    """
    count = 0
    previous = " "
    for char in text:
        if (
            (_odd_symbol(char) and previous.isalpha())
            or (char.isalpha() and _odd_symbol(previous))
            or (char.isupper() and not char.isascii() and previous.islower())
        ):
            count += 1
        previous = char
    return count


class _LineFeeder:
    """Hand a CSV text stream to ``csv.reader`` one line at a time, never more.

    A line is read with a bounded ``readline``, so a file that is one huge line is
    refused after ``max_line_length`` characters instead of being read whole; a
    record that spans lines (a quoted value with line breaks) is bounded the same
    way. The parser calls :meth:`record_done` after each record.
    """

    def __init__(self, text, table):
        self._text = text
        self._table = table
        self._limit = table.limits.max_line_length
        self.line = 0
        self._record_start = 1
        self._record_size = 0

    def __iter__(self):
        return self

    def __next__(self):
        line = self._text.readline(self._limit + 1)
        if not line:
            raise StopIteration
        self.line += 1
        if len(line) > self._limit and line[-1] not in "\r\n":
            raise self._too_long(MSG_LINE_TOO_LONG, self.line)
        self._record_size += len(line)
        if self._record_size > self._limit:
            raise self._too_long(MSG_RECORD_TOO_LONG, self._record_start)
        return line

    def record_done(self):
        self._record_start = self.line + 1
        self._record_size = 0

    def _too_long(self, message, line):
        table = self._table
        return _limit_fail(message, table.name, "max_line_length", table.limits, line)


class _CsvTable(Table):
    """A CSV file: detected encoding, sniffed delimiter, strict ``csv`` parsing."""

    kind = "csv"

    def __init__(self, name, opener, archive=None, member=None, limits=None):
        super().__init__(name, opener, archive=archive, member=member, limits=limits)
        self._encoding = None
        self._has_bom = False
        self._ends_with_newline = False
        self._has_newline = False
        self._delimiter = None

    @property
    def encoding(self):
        """The text encoding, as a Python codec name.

        ``"utf-8"``; ``"utf-16"`` or ``"utf-32"`` for a file that starts with their
        byte order mark; else the 8-bit encoding detected from a bounded sample:
        ``"cp1252"`` (Western Windows), ``"cp1250"`` (Central European Windows) or
        ``"iso8859_2"`` (Latin-2).
        """
        self._detect()
        return self._encoding

    @property
    def delimiter(self):
        """The delimiter sniffed from the header row: one of ``, ; tab |``."""
        if self._delimiter is None:
            _headers = self.headers  # reading the header row sniffs the delimiter
        return self._delimiter

    @contextlib.contextmanager
    def _guard(self):
        try:
            yield
        except _ZIP_ERRORS as exc:
            raise _archive_damaged(self.archive or self.name, self.member) from exc

    def _detect(self):
        """Decide the encoding in one pass over the bytes, checking them on the way."""
        if self._encoding is not None:
            return
        scan = _ByteScan()
        has_text = False
        counter = _LineCounter()
        last = b""
        with self._guard(), self._opener() as raw:
            chunk = raw.read(CHUNK_SIZE)
            for bom, encoding in _UNICODE_BOMS:
                if chunk.startswith(bom):
                    self._detect_unicode(raw, chunk, encoding)
                    return
            if chunk.startswith(_UTF8_BOM):
                self._has_bom = True
                chunk = chunk[len(_UTF8_BOM) :]
            while chunk:
                nul = chunk.find(b"\0")
                if nul >= 0:
                    raise _fail(MSG_NUL, self.name, counter.line_at(chunk, nul))
                scan.feed(chunk, counter)
                has_text = has_text or bool(chunk.strip())
                self._has_newline = (
                    self._has_newline or b"\n" in chunk or b"\r" in chunk
                )
                counter.feed(chunk)
                last = chunk[-1:]
                chunk = raw.read(CHUNK_SIZE)
        if not has_text:
            raise _fail(MSG_EMPTY, self.name)
        try:
            is_utf8 = scan.finish_utf8()
        except UnicodeDecodeError:
            raise _fail(
                MSG_CUT_OFF, self.name, counter.line, reason=CUT_OFF_CHARACTER
            ) from None
        self._ends_with_newline = last in (b"\n", b"\r")
        self._encoding = "utf-8" if is_utf8 else self._legacy_encoding(scan)

    def _legacy_encoding(self, scan):
        encoding = scan.guess_encoding()
        if encoding is not None:
            return encoding
        if scan.undefined_line is not None:
            raise _fail(MSG_ENCODING, self.name, scan.undefined_line)
        raise _fail(MSG_UNDETECTED, self.name)

    def _detect_unicode(self, raw, chunk, encoding):
        """Check a UTF-16 or UTF-32 file (told by its byte order mark) decodes."""
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        line = 1
        has_text = False
        text = ""
        try:
            while chunk:
                text = decoder.decode(chunk)
                has_text = has_text or bool(text.strip())
                self._has_newline = self._has_newline or "\n" in text or "\r" in text
                line += text.count("\n")
                chunk = raw.read(CHUNK_SIZE)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise _fail(
                MSG_BAD_CHARACTER, self.name, line, encoding=encoding.upper()
            ) from None
        if not has_text:
            raise _fail(MSG_EMPTY, self.name)
        self._ends_with_newline = text[-1:] in ("\n", "\r")
        self._encoding = encoding

    def _sniff(self, lines_in):
        """Read up to the header row; return ``(delimiter, lines read)``.

        The lines are handed back to the parser, so nothing is read twice. An Excel
        ``sep=;`` first line sets the delimiter and is blanked out.
        """
        lines = []
        for line in lines_in:
            lines.append(line)
            if line.strip():
                break
        if lines:
            match = _SEP_LINE.match(lines[-1])
            if match:
                lines[-1] = "\n"
                return match.group(1), lines
        header = lines[-1] if lines else ""
        # A quoted header name may hold a line break: read on until quotes balance.
        while header.count('"') % 2 and len(lines) < 100:
            line = next(lines_in, None)
            if line is None:
                break
            lines.append(line)
            header += line
        counts = dict.fromkeys(DELIMITERS, 0)
        quoted = False
        for char in header:
            if char == '"':
                quoted = not quoted
            elif not quoted and char in counts:
                counts[char] += 1
        best = max(DELIMITERS, key=counts.__getitem__)
        return (best if counts[best] else ","), lines

    def _records(self):
        self._detect()
        with self._guard(), self._opener() as raw:
            if self._has_bom:
                raw.read(len(_UTF8_BOM))
            text = io.TextIOWrapper(raw, encoding=self._encoding, newline="")
            feeder = _LineFeeder(text, self)
            try:
                yield from self._parse(feeder)
            except UnicodeDecodeError as exc:  # the detection pass should see it
                encoding = self._encoding.upper()
                raise _fail(
                    MSG_BAD_CHARACTER, self.name, feeder.line + 1, encoding=encoding
                ) from exc
            finally:
                text.detach()

    def _parse(self, feeder):
        delimiter, lines = self._sniff(feeder)
        self._delimiter = delimiter
        reader = csv.reader(
            itertools.chain(lines, feeder), delimiter=delimiter, strict=True
        )
        start = 1
        pending = None
        last_blank = True
        header_seen = False
        try:
            for cells in reader:
                feeder.record_done()
                line_no, start = start, reader.line_num + 1
                if pending is not None:
                    yield pending
                    pending = None
                    header_seen = True
                last_blank = _is_blank(cells)
                if not last_blank:
                    pending = (line_no, cells)
        except csv.Error as exc:
            raise self._csv_error(exc, start, reader.line_num) from None
        if pending is None:
            return
        line_no, cells = pending
        if (
            header_seen
            and not last_blank
            and self._has_newline
            and not self._ends_with_newline
            and len(cells) < self._width
        ):
            raise _fail(MSG_CUT_OFF, self.name, line_no, reason=CUT_OFF_LAST_LINE)
        yield pending

    def _csv_error(self, exc, start, current):
        reason = str(exc)
        if "unexpected end of data" in reason:
            return _fail(MSG_CUT_OFF, self.name, start, reason=CUT_OFF_QUOTE)
        if "field larger than field limit" in reason:
            limit = f"{csv.field_size_limit():,}"
            return _fail(MSG_FIELD_TOO_LONG, self.name, start, limit=limit)
        return _fail(MSG_BAD_QUOTES, self.name, current)

    def _check_extra_cells(self, line_no, cells):
        if len(cells) > self._raw_width or not _is_blank(cells[self._width :]):
            raise _fail(
                MSG_TOO_MANY_VALUES,
                self.name,
                line_no,
                count=len(cells),
                columns=self._width,
                delimiter=_DELIMITER_NAMES[self._delimiter],
            )


def _format_has_time(number_format):
    bare = _FORMAT_NOISE.sub("", number_format or "").lower()
    return "h" in bare or "s" in bare


def _cell_text(cell):
    """Render an openpyxl read-only cell as text, as the admin sees it in Excel."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = f"{value:.15g}"  # Excel shows 15 significant digits
        return str(value) if "e" in text else text
    if isinstance(value, datetime.datetime):
        value = value.replace(tzinfo=None)
        if value.microsecond:
            value += datetime.timedelta(microseconds=500_000)
            value = value.replace(microsecond=0)
        if value.time() == datetime.time() and not _format_has_time(
            getattr(cell, "number_format", None)
        ):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.replace(microsecond=0, tzinfo=None).isoformat()
    if isinstance(value, datetime.timedelta):
        seconds = round(value.total_seconds())
        sign = "-" if seconds < 0 else ""
        hours, rest = divmod(abs(seconds), 3600)
        return f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return str(value).strip()


class _SheetParser(WorkSheetParser):
    """openpyxl's sheet parser, noting formulas saved without their result."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.uncached = []
        self.uncached_count = 0

    def parse_cell(self, element):
        cell = super().parse_cell(element)
        if (
            cell["value"] is None
            and element.find(FORMULA_TAG) is not None
            and element.get("t") != "str"  # a result saved as an empty text
            and not element.findtext(VALUE_TAG)
        ):
            self.uncached_count += 1
            if len(self.uncached) < MAX_SHEET_WARNINGS:
                self.uncached.append((cell["row"], cell["column"]))
        return cell


def _load_workbook(source):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(source, read_only=True, data_only=True)


def _sheet_parser(sheet):
    """A :class:`_SheetParser` of a read-only worksheet, as its ``iter_rows`` makes."""
    workbook = sheet.parent
    return _SheetParser(
        sheet._get_source(),
        sheet._shared_strings,
        data_only=True,
        epoch=workbook.epoch,
        date_formats=workbook._date_formats,
    )


def _sheet_rows(sheet, parser):
    """Yield ``(row number, cells)`` of a read-only sheet, whatever size it declares.

    The same parsing as openpyxl's ``iter_rows``, through ``parser`` (a
    :class:`_SheetParser`) so that the caller can tell which formulas had no saved
    result and which cells are merged once the rows are read.
    """
    try:
        for row_no, row in parser.parse():
            yield row_no, sheet._get_row(row)
    finally:
        parser.source.close()


def _has_data(sheet):
    """Return whether a worksheet has a non-empty row (reads up to the first)."""
    with contextlib.closing(_sheet_rows(sheet, _sheet_parser(sheet))) as rows:
        return any(any(_cell_text(cell) for cell in row) for _row_no, row in rows)


class _XlsxTable(Table):
    """One worksheet of an Excel workbook, read with openpyxl's read-only mode.

    ``sheet`` is the worksheet's title. A workbook with one readable sheet gives one
    table named after the file; with several, one table per sheet named
    ``"file.xlsx/Sheet"``.
    """

    kind = "xlsx"
    _unit = "row"

    def __init__(
        self,
        name,
        opener,
        archive=None,
        member=None,
        limits=None,
        sheet=None,
        workbook_name=None,
    ):
        super().__init__(name, opener, archive=archive, member=member, limits=limits)
        self.sheet = sheet
        self.workbook_name = workbook_name or name
        self.basename = PurePosixPath(
            (member or self.workbook_name).replace("\\", "/")
        ).name

    @contextlib.contextmanager
    def _guard(self):
        try:
            yield
        except _XLSX_ERRORS as exc:
            raise _fail(MSG_WORKBOOK_DAMAGED, self.name) from exc

    def _records(self):
        with self._guard():
            workbook = _load_workbook(self._opener())
            try:
                if self.sheet is None or self.sheet not in workbook.sheetnames:
                    return
                sheet = workbook[self.sheet]
                parser = _sheet_parser(sheet)
                for row_no, row in _sheet_rows(sheet, parser):
                    cells = [_cell_text(cell) for cell in row]
                    if any(cells):
                        yield row_no, cells
                self.warnings = self._sheet_warnings(parser)
            finally:
                workbook.close()

    def _sheet_warnings(self, parser):
        """The :class:`ReadWarning` list of a sheet read to its end."""
        params = {"file": self.workbook_name, "sheet": self.sheet}
        found = []
        for row, column in parser.uncached:
            cell = f"{openpyxl.utils.get_column_letter(column)}{row}"
            found.append((cell, MSG_FORMULA_UNCACHED % dict(params, cell=cell)))
        more = parser.uncached_count - len(parser.uncached)
        if more:
            found.append((None, MSG_FORMULA_MORE % dict(params, count=more)))
        merged = parser.merged_cells.mergeCell if parser.merged_cells else []
        for merge in merged[:MAX_SHEET_WARNINGS]:
            first = merge.ref.split(":")[0]
            message = MSG_MERGED % dict(params, cell=merge.ref, first=first)
            found.append((merge.ref, message))
        if len(merged) > MAX_SHEET_WARNINGS:
            count = len(merged) - MAX_SHEET_WARNINGS
            found.append((None, MSG_MERGED_MORE % dict(params, count=count)))
        return [
            ReadWarning(self.workbook_name, self.sheet, cell, message)
            for cell, message in found
        ]

    def _check_extra_cells(self, line_no, cells):
        for column, cell in enumerate(cells[self._width :], start=self._width + 1):
            if cell:
                raise _fail(
                    MSG_UNNAMED_COLUMN,
                    self.name,
                    line_no,
                    column=column,
                    columns=self._width,
                )


# -- sources and bundles ------------------------------------------------------------


class Bundle:
    """What an upload holds: its tables, and the other files of its archives.

    ``tables`` lists the :class:`Table` objects in upload order (archive members in
    archive order; the sheets of a workbook in workbook order). ``left_out`` lists
    the sheets of workbooks that give no table (empty, or a chart), and
    ``warnings`` what the tables read so far have to tell (formulas without a
    saved result, merged cells), both as :class:`ReadWarning` objects.
    :meth:`open_file` opens any other member of an uploaded ZIP (a photo, a
    PDF...) as a binary stream read in chunks. Use it as a context manager, or
    call :meth:`close`, to release the files it keeps open.
    """

    def __init__(self, limits=None):
        self.limits = limits or DEFAULT_LIMITS
        self.tables = []
        self.left_out = []
        self._archives = []  # (archive name, ZipFile, {path: ZipInfo})
        self._closables = []
        self._file_count = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        """Close the archives and temporary files held for reading the tables."""
        while self._closables:
            self._closables.pop().close()
        self._archives = []

    @property
    def files(self):
        """Paths of the archive members that are not tables, in archive order."""
        tables = {(t.archive, t.member) for t in self.tables}
        return [
            path
            for archive_name, _zip, members in self._archives
            for path in members
            if (archive_name, path) not in tables
        ]

    @property
    def warnings(self):
        """:class:`ReadWarning` objects of the tables, from their last full read."""
        return [warning for table in self.tables for warning in table.warnings]

    def open_file(self, path):
        """Open the archive member at ``path`` (e.g. ``"files/123/photo.png"``).

        Returns a binary file object read in chunks (copy it to its destination
        with ``shutil.copyfileobj``), or ``None`` if no uploaded archive holds that
        path. The path is matched exactly first, then without regard to case, then
        as the end of a single member's path (an archive wrapped in a folder).
        Raises :class:`SourceFileError` for a member that is damaged or beyond the
        limits (:class:`ReadLimits`), as it is opened or read.
        """
        found = self._find(_clean_member_path(path))
        if found is None:
            return None
        archive_name, archive, info = found
        _check_member(archive_name, info, self.limits)
        return _open_member(archive, archive_name, info, self.limits)

    def _find(self, path):
        if not path:
            return None
        for archive_name, archive, members in self._archives:
            if path in members:
                return archive_name, archive, members[path]
        lowered = path.lower()
        suffix = "/" + lowered
        for test in (lowered.__eq__, lambda name: name.endswith(suffix)):
            matches = [
                (archive_name, archive, info)
                for archive_name, archive, members in self._archives
                for name, info in members.items()
                if test(name.lower())
            ]
            if len(matches) == 1:
                return matches[0]
            if matches:
                return None
        return None

    # building

    def _count_files(self, count, file_name, archive=False):
        self._file_count += count
        if self._file_count > self.limits.max_files:
            message = MSG_TOO_MANY_FILES if archive else MSG_TOO_MANY_UPLOADS
            raise _limit_fail(
                message,
                file_name,
                "max_files",
                self.limits,
                what="upload",
                count=f"{self._file_count:,}",
            )

    def _check_size(self, file_name, size):
        if size > self.limits.max_file_size:
            raise _limit_fail(
                MSG_FILE_TOO_LARGE,
                file_name,
                "max_file_size",
                self.limits,
                size=_format_size(size),
                limit=_format_size(self.limits.max_file_size),
            )

    def _add_source(self, file_name, data):
        if isinstance(data, bytes | bytearray | memoryview):
            data = bytes(data)
            self._check_size(file_name, len(data))

            def opener():
                return io.BytesIO(data)

            xlsx_source = opener
        else:
            path = os.fspath(data)
            self._check_size(file_name, os.stat(path).st_size)

            def opener():
                return open(path, "rb")

            def xlsx_source():
                return path

        with opener() as stream:
            head = stream.read(512)
            entries = _zip_entry_count(stream) if head.startswith(_ZIP_MAGIC) else None
        if not head.startswith(_ZIP_MAGIC):
            self._count_files(1, file_name)
            _sniff_binary(head, file_name)
            self.tables.append(_CsvTable(file_name, opener, limits=self.limits))
            return
        if entries is not None and entries > 2 * self.limits.max_files:
            # Even counting a macOS copy of each file (__MACOSX/): refuse unlisted.
            self._count_files(entries, file_name, archive=True)
        try:
            archive = zipfile.ZipFile(opener() if isinstance(data, bytes) else path)
        except _ZIP_ERRORS as exc:
            if file_name.lower().endswith(".xlsx"):
                raise _fail(MSG_WORKBOOK_DAMAGED, file_name) from exc
            raise _archive_damaged(file_name) from exc
        self._closables.append(archive)
        _check_archive(archive, file_name, self.limits)
        if _zip_kind(archive, file_name) == "xlsx":
            self._closables.remove(archive)
            archive.close()
            self._count_files(1, file_name)
            self._add_workbook(file_name, xlsx_source)
        else:
            self._add_archive(file_name, archive)

    def _add_archive(self, archive_name, archive):
        members = {}
        count = len(self.tables)
        for info in archive.infolist():
            if info.is_dir() or _is_junk(info.filename):
                continue
            members[info.filename] = info
        self._count_files(len(members), archive_name, archive=True)
        for info in members.values():
            if info.filename.lower().endswith(TABLE_EXTENSIONS):
                self._add_member_table(archive_name, archive, info)
        self._archives.append((archive_name, archive, members))
        if len(self.tables) == count:
            raise _fail(MSG_NO_TABLE_IN_ARCHIVE, archive_name)

    def _add_member_table(self, archive_name, archive, info):
        name = _member_name(archive_name, info.filename)
        _check_member(archive_name, info, self.limits)

        def opener():
            return _open_member(archive, archive_name, info, self.limits)

        with opener() as stream:
            head = stream.read(512)
        if not head.startswith(_ZIP_MAGIC):
            _sniff_binary(head, name)
            self.tables.append(
                _CsvTable(
                    name,
                    opener,
                    archive=archive_name,
                    member=info.filename,
                    limits=self.limits,
                )
            )
            return
        # A workbook inside an archive: openpyxl needs to seek, so copy it out once.
        copy = tempfile.TemporaryFile()  # noqa: SIM115 (closed with the bundle)
        self._closables.append(copy)
        try:
            with opener() as stream:
                shutil.copyfileobj(stream, copy, CHUNK_SIZE)
            copy.seek(0)
            with zipfile.ZipFile(copy) as workbook:
                _check_archive(workbook, name, self.limits)
                kind = _zip_kind(workbook, name)
        except _ZIP_ERRORS as exc:
            raise _archive_damaged(archive_name, info.filename) from exc
        if kind != "xlsx":
            raise _fail(MSG_NOT_A_TABLE, name, what=" (it is another archive)")

        def copy_opener():
            copy.seek(0)
            return copy

        self._add_workbook(name, copy_opener, archive_name, info.filename)

    def _add_workbook(self, name, opener, archive=None, member=None):
        """Add one table per worksheet with data; tell the sheets left out."""
        try:
            workbook = _load_workbook(opener())
            try:
                readable, left_out = self._workbook_sheets(name, workbook)
            finally:
                workbook.close()
        except _XLSX_ERRORS as exc:
            raise _fail(MSG_WORKBOOK_DAMAGED, name) from exc
        if not readable:
            # No sheet with data: the first empty one is the table, whose reading
            # says the file is empty (None: no worksheet at all).
            empty = [sheet for sheet, chart, _message in left_out if not chart]
            readable = empty[:1] or [None]
        self.left_out.extend(
            ReadWarning(name, sheet, None, message)
            for sheet, _chart, message in left_out
            if sheet not in readable
        )
        for sheet in readable:
            self.tables.append(
                _XlsxTable(
                    name if len(readable) == 1 else f"{name}/{sheet}",
                    opener,
                    archive=archive,
                    member=member,
                    limits=self.limits,
                    sheet=sheet,
                    workbook_name=name,
                )
            )

    @staticmethod
    def _workbook_sheets(name, workbook):
        """``([sheet with data], [(sheet, is a chart, why it is left out)])``."""
        readable, left_out = [], []
        for title in workbook.sheetnames:
            sheet = workbook[title]
            params = {"file": name, "sheet": title}
            if isinstance(sheet, Chartsheet):
                left_out.append((title, True, MSG_SHEET_CHART % params))
            elif _has_data(sheet):
                readable.append(title)
            else:
                left_out.append((title, False, MSG_SHEET_EMPTY % params))
        return readable, left_out


def _split_source(source):
    if isinstance(source, tuple | list):
        file_name, data = source
    else:
        data = source
        file_name = os.path.basename(os.fspath(source))
    return str(file_name), data


def open_source(sources, limits=None):
    """Open uploaded files; return a :class:`Bundle` of their tables and files.

    ``sources`` is a list of ``(file_name, data)`` pairs, ``data`` being the bytes
    of an uploaded file or the path (``str`` or ``Path``) of a file on disk. A bare
    path is accepted too. A ``.zip`` gives one table per ``.csv`` or ``.xlsx``
    member (folders, ``__MACOSX/`` and dot-files ignored); a CSV file gives one
    table, an Excel file one per sheet with data. Types are told by content, not
    by name. ``limits`` (a :class:`ReadLimits`, :data:`DEFAULT_LIMITS` if None)
    bounds what reading may cost. Raises :class:`SourceFileError` for a file that
    is no table, a damaged archive, an archive without tables, or a file beyond
    the limits (:class:`~..exceptions.SourceLimitError`); problems inside a table
    come from :meth:`Table.scan`.
    """
    bundle = Bundle(limits)
    try:
        for source in sources:
            bundle._add_source(*_split_source(source))
    except BaseException:
        bundle.close()
        raise
    return bundle


def open_tables(sources, limits=None):
    """Return the tables of ``sources`` (see :func:`open_source`).

    The archives stay open until the tables are garbage-collected; use
    :func:`open_source` as a context manager to close them at a known point.
    """
    return open_source(sources, limits).tables
