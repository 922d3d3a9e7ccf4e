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

Messages are plain English sentences for an Odoo administrator; each names the file
(and the line where that helps). Translation happens where they are shown.
"""

import codecs
import contextlib
import csv
import datetime
import io
import itertools
import os
import re
import shutil
import tempfile
import unicodedata
import warnings
import zipfile
import zlib
from pathlib import PurePosixPath

import openpyxl

from ..exceptions import SourceFileError

__all__ = [
    "Bundle",
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
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
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
MSG_UTF16 = (
    "The file %(file)s is saved as %(encoding)s text, which cannot be read. Open it "
    'in Excel or LibreOffice, save it again as "CSV UTF-8", and upload that.'
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


def _fail(message, file_name, line=None, **params):
    """Build the :class:`SourceFileError` for ``message`` about ``file_name``."""
    params["file"] = file_name
    if line is not None:
        params["line"] = line
    return SourceFileError(message % params, file_name=file_name, line=line)


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
    for bom, encoding in _UNICODE_BOMS:
        if head.startswith(bom):
            raise _fail(MSG_UTF16, file_name, encoding=encoding)
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


def _open_member(archive, archive_name, info):
    """Open a ZIP member for reading, or raise a SourceFileError saying why not."""
    if info.flag_bits & 0x1:
        raise _fail(MSG_ENCRYPTED, archive_name, member=info.filename)
    try:
        return archive.open(info)
    except NotImplementedError as exc:
        raise _fail(MSG_ARCHIVE_METHOD, archive_name, member=info.filename) from exc
    except _ZIP_ERRORS as exc:
        raise _archive_damaged(archive_name, info.filename) from exc


def _is_junk(member_name):
    parts = PurePosixPath(member_name).parts
    return any(part.startswith((".", "__MACOSX")) for part in parts)


def _clean_member_path(path):
    path = str(path).replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path.lstrip("/")


class _GuardedStream(io.RawIOBase):
    """A ZIP member opened for reading, whose read errors become SourceFileError."""

    def __init__(self, stream, archive_name, member):
        super().__init__()
        self._stream = stream
        self._archive_name = archive_name
        self._member = member

    def readable(self):
        """Tell that the stream can be read (always)."""
        return True

    def readinto(self, buffer):
        """Read into ``buffer``, turning a damaged archive into SourceFileError."""
        try:
            data = self._stream.read(len(buffer))
        except _ZIP_ERRORS as exc:
            raise _archive_damaged(self._archive_name, self._member) from exc
        buffer[: len(data)] = data
        return len(data)

    def close(self):
        """Close the member stream."""
        if not self.closed:
            self._stream.close()
        return super().close()


# -- tables -------------------------------------------------------------------------


class Table:
    """One table of an upload: a CSV file, or the first sheet of an Excel workbook.

    ``name`` is the file name as the admin knows it: ``"customers.csv"``, or for a
    member of an archive ``"export.zip \u203a data/customers.csv"`` (archive name,
    ``ARCHIVE_SEPARATOR``, path in the archive), ``basename``
    the file name without archive or folders, ``kind`` ``"csv"`` or ``"xlsx"`` and
    ``archive`` the name of the ZIP file it came from (or ``None``). ``headers``,
    ``encoding`` and ``delimiter`` are read on first use. Rows that are entirely
    empty are skipped everywhere. Reading needs the :class:`Bundle` open.
    """

    kind = None
    _unit = "line"

    def __init__(self, name, opener, archive=None, member=None):
        self.name = name
        self.basename = PurePosixPath((member or name).replace("\\", "/")).name
        self.archive = archive
        self.member = member
        self.row_count = None
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
            for line_no, cells in records:
                if len(cells) > width:
                    self._check_extra_cells(line_no, cells)
                    cells = cells[:width]
                elif len(cells) < width:
                    cells = (*cells, *padding[len(cells) :])
                yield (
                    line_no,
                    {
                        header: cell.strip()
                        for header, cell in zip(headers, cells, strict=True)
                    },
                )
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

    def _set_header(self, record):
        if record is None:
            raise _fail(MSG_EMPTY, self.name)
        line_no, cells = record
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


class _CsvTable(Table):
    """A CSV file: detected encoding, sniffed delimiter, strict ``csv`` parsing."""

    kind = "csv"

    def __init__(self, name, opener, archive=None, member=None):
        super().__init__(name, opener, archive=archive, member=member)
        self._encoding = None
        self._has_bom = False
        self._ends_with_newline = False
        self._has_newline = False
        self._delimiter = None

    @property
    def encoding(self):
        """The text encoding: ``"utf-8"``, or ``"cp1252"`` if not valid UTF-8."""
        self._detect()
        return self._encoding

    @property
    def delimiter(self):
        """The delimiter sniffed from the header row: one of ``, ; tab |``."""
        if self._delimiter is None:
            self.headers  # noqa: B018 (sniffs the delimiter)
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
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        is_utf8 = True
        undefined_line = None
        has_text = False
        counter = _LineCounter()
        last = b""
        with self._guard(), self._opener() as raw:
            chunk = raw.read(CHUNK_SIZE)
            if chunk.startswith(_UTF8_BOM):
                self._has_bom = True
                chunk = chunk[len(_UTF8_BOM) :]
            while chunk:
                nul = chunk.find(b"\0")
                if nul >= 0:
                    raise _fail(MSG_NUL, self.name, counter.line_at(chunk, nul))
                if is_utf8:
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError:
                        is_utf8 = False
                if undefined_line is None:
                    found = [i for i in map(chunk.find, _CP1252_UNDEFINED) if i >= 0]
                    if found:
                        undefined_line = counter.line_at(chunk, min(found))
                has_text = has_text or bool(chunk.strip())
                self._has_newline = (
                    self._has_newline or b"\n" in chunk or b"\r" in chunk
                )
                counter.feed(chunk)
                last = chunk[-1:]
                chunk = raw.read(CHUNK_SIZE)
        if not has_text:
            raise _fail(MSG_EMPTY, self.name)
        if is_utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                raise _fail(
                    MSG_CUT_OFF, self.name, counter.line, reason=CUT_OFF_CHARACTER
                ) from None
        elif undefined_line is not None:
            raise _fail(MSG_ENCODING, self.name, undefined_line)
        self._ends_with_newline = last in (b"\n", b"\r")
        self._encoding = "utf-8" if is_utf8 else "cp1252"

    def _sniff(self, text):
        """Read up to the header row; return ``(delimiter, lines read)``.

        The lines are handed back to the parser, so nothing is read twice. An Excel
        ``sep=;`` first line sets the delimiter and is blanked out.
        """
        lines = []
        for line in text:
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
            line = next(text, None)
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
            try:
                yield from self._parse(text)
            finally:
                text.detach()

    def _parse(self, text):
        delimiter, lines = self._sniff(text)
        self._delimiter = delimiter
        reader = csv.reader(
            itertools.chain(lines, text), delimiter=delimiter, strict=True
        )
        start = 1
        pending = None
        last_blank = True
        header_seen = False
        try:
            for cells in reader:
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


class _XlsxTable(Table):
    """The first worksheet of an Excel workbook, read with openpyxl's read-only mode."""

    kind = "xlsx"
    _unit = "row"

    @contextlib.contextmanager
    def _guard(self):
        try:
            yield
        except _XLSX_ERRORS as exc:
            raise _fail(MSG_WORKBOOK_DAMAGED, self.name) from exc

    def _records(self):
        with self._guard():
            source = self._opener()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                workbook = openpyxl.load_workbook(
                    source, read_only=True, data_only=True
                )
            try:
                if not workbook.worksheets:
                    return
                sheet = workbook.worksheets[0]
                sheet.reset_dimensions()  # exporters often write a wrong size
                for row_no, row in enumerate(sheet.iter_rows(min_row=1), start=1):
                    cells = [_cell_text(cell) for cell in row]
                    if any(cells):
                        yield row_no, cells
            finally:
                workbook.close()

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
    archive order). :meth:`open_file` opens any other member of an uploaded ZIP
    (a photo, a PDF...) as a binary stream. Use it as a context manager, or call
    :meth:`close`, to release the files it keeps open.
    """

    def __init__(self):
        self.tables = []
        self._archives = []  # (archive name, ZipFile, {path: ZipInfo})
        self._closables = []

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

    def open_file(self, path):
        """Open the archive member at ``path`` (e.g. ``"files/123/photo.png"``).

        Returns a binary file object, or ``None`` if no uploaded archive holds that
        path. The path is matched exactly first, then without regard to case, then
        as the end of a single member's path (an archive wrapped in a folder).
        Reading a damaged member raises :class:`SourceFileError`.
        """
        found = self._find(_clean_member_path(path))
        if found is None:
            return None
        archive_name, archive, info = found
        stream = _open_member(archive, archive_name, info)
        return io.BufferedReader(
            _GuardedStream(stream, archive_name, info.filename), CHUNK_SIZE
        )

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

    def _add_source(self, file_name, data):
        if isinstance(data, bytes | bytearray | memoryview):
            data = bytes(data)

            def opener():
                return io.BytesIO(data)

            xlsx_source = opener
        else:
            path = os.fspath(data)

            def opener():
                return open(path, "rb")

            def xlsx_source():
                return path

        with opener() as stream:
            head = stream.read(512)
        if not head.startswith(_ZIP_MAGIC):
            _sniff_binary(head, file_name)
            self.tables.append(_CsvTable(file_name, opener))
            return
        try:
            archive = zipfile.ZipFile(opener() if isinstance(data, bytes) else path)
        except _ZIP_ERRORS as exc:
            if file_name.lower().endswith(".xlsx"):
                raise _fail(MSG_WORKBOOK_DAMAGED, file_name) from exc
            raise _archive_damaged(file_name) from exc
        self._closables.append(archive)
        if _zip_kind(archive, file_name) == "xlsx":
            self._closables.remove(archive)
            archive.close()
            self.tables.append(_XlsxTable(file_name, xlsx_source))
        else:
            self._add_archive(file_name, archive)

    def _add_archive(self, archive_name, archive):
        members = {}
        count = len(self.tables)
        for info in archive.infolist():
            if info.is_dir() or _is_junk(info.filename):
                continue
            members[info.filename] = info
            if info.filename.lower().endswith(TABLE_EXTENSIONS):
                self.tables.append(self._member_table(archive_name, archive, info))
        self._archives.append((archive_name, archive, members))
        if len(self.tables) == count:
            raise _fail(MSG_NO_TABLE_IN_ARCHIVE, archive_name)

    def _member_table(self, archive_name, archive, info):
        name = f"{archive_name}{ARCHIVE_SEPARATOR}{info.filename}"

        def opener():
            return archive.open(info)

        try:
            with _open_member(archive, archive_name, info) as stream:
                head = stream.read(512)
        except _ZIP_ERRORS as exc:
            raise _archive_damaged(archive_name, info.filename) from exc
        if not head.startswith(_ZIP_MAGIC):
            _sniff_binary(head, name)
            return _CsvTable(name, opener, archive=archive_name, member=info.filename)
        # A workbook inside an archive: openpyxl needs to seek, so copy it out once.
        copy = tempfile.TemporaryFile()  # noqa: SIM115 (closed with the bundle)
        self._closables.append(copy)
        try:
            with opener() as stream:
                shutil.copyfileobj(stream, copy, CHUNK_SIZE)
            copy.seek(0)
            with zipfile.ZipFile(copy) as workbook:
                kind = _zip_kind(workbook, name)
        except _ZIP_ERRORS as exc:
            raise _archive_damaged(archive_name, info.filename) from exc
        if kind != "xlsx":
            raise _fail(MSG_NOT_A_TABLE, name, what=" (it is another archive)")

        def copy_opener():
            copy.seek(0)
            return copy

        return _XlsxTable(name, copy_opener, archive=archive_name, member=info.filename)


def _split_source(source):
    if isinstance(source, tuple | list):
        file_name, data = source
    else:
        data = source
        file_name = os.path.basename(os.fspath(source))
    return str(file_name), data


def open_source(sources):
    """Open uploaded files; return a :class:`Bundle` of their tables and files.

    ``sources`` is a list of ``(file_name, data)`` pairs, ``data`` being the bytes
    of an uploaded file or the path (``str`` or ``Path``) of a file on disk. A bare
    path is accepted too. A ``.zip`` gives one table per ``.csv`` or ``.xlsx``
    member (folders, ``__MACOSX/`` and dot-files ignored); a CSV or Excel file gives
    one table. Types are told by content, not by name. Raises
    :class:`SourceFileError` for a file that is no table, a damaged archive, or an
    archive without tables; problems inside a table come from :meth:`Table.scan`.
    """
    bundle = Bundle()
    try:
        for source in sources:
            bundle._add_source(*_split_source(source))
    except BaseException:
        bundle.close()
        raise
    return bundle


def open_tables(sources):
    """Return the tables of ``sources`` (see :func:`open_source`).

    The archives stay open until the tables are garbage-collected; use
    :func:`open_source` as a context manager to close them at a known point.
    """
    return open_source(sources).tables
