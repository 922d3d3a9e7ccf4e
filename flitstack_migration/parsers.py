# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure value transforms: source text in, Odoo value out.

Each parser takes the raw text of a cell and returns the typed value, ``None`` for an
empty cell, or raises :class:`InvalidValue` with a sentence the admin understands.

What a column's values say about the whole column is gathered by
:class:`ColumnStats`: its type, the order of its dates (:func:`infer_date_order`)
and whether words such as ``N/A`` mean "empty" there (:func:`null_tokens`).
"""

import contextlib
import re
from datetime import datetime, time, timedelta
from email.utils import parseaddr

import phonenumbers

from . import places

#: Words an export writes for "no value" (lowercase). Whether they are empty in a
#: column is for the column's other values to say (:func:`null_tokens`): among
#: numbers or dates they are; in a text column they are text.
NULL_TOKENS = frozenset({"n/a", "na", "none", "null", "-", "--"})
EMPTY = {"", *NULL_TOKENS}

_DATE_FORMATS = {
    "MDY": (
        "%m/%d/%y",
        "%m/%d/%Y",
        "%m-%d-%y",
        "%m-%d-%Y",
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%b %d, %Y",
        "%B %d, %Y",
    ),
    "DMY": (
        "%d/%m/%y",
        "%d/%m/%Y",
        "%d.%m.%Y",
        "%d.%m.%y",
        "%d-%m-%Y",
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%d %b %Y",
    ),
    "YMD": ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"),
}
DATE_ORDERS = ("DMY", "MDY", "YMD")
_TIME_FORMATS = ("%I:%M %p", "%I:%M:%S %p", "%H:%M", "%H:%M:%S", "%I %p", "%I:%M%p")
_TRUE = {"yes", "y", "true", "t", "1", "x", "on", "checked"}
_FALSE = {"no", "n", "false", "f", "0", "off", "unchecked"}
_EMAIL_RE = re.compile(r"^[^@\s,;<>()]+@[^@\s,;<>()]+\.[a-z]{2,}$", re.IGNORECASE)
_MONEY_RE = re.compile(
    r"^\(?-?\s*[$€£]?\s*-?\s*[\d.,\s\u00a0\u202f]*\d\s*[$€£]?\s*\)?$"
)
_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_NUMBER_CHARS = re.compile(r"[\d.,]*\d[\d.,]*")
_EXPONENT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+")
_ISO_DATETIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:[.,](\d{1,9}))?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?$",
    re.IGNORECASE,
)
_NUMERIC_DATE = re.compile(r"^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})(?:[ T].*)?$")


class InvalidValue(ValueError):
    """A cell cannot be read as the expected type."""


def is_blank(value):
    """``None``, or text with nothing but white space."""
    return value is None or (isinstance(value, str) and not value.strip())


def is_empty(value, nulls=NULL_TOKENS):
    """Blank, or one of the words ``nulls`` (lowercase): every null token unless
    the column says otherwise (pass :func:`null_tokens` of its stats)."""
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    text = value.strip().lower()
    return not text or text in nulls


def parse_date(value, order="MDY"):
    """Parse a date in the source's formats (``MM/DD/YY`` first for US exports)."""
    if is_empty(value):
        return None
    text = value.strip()
    # a date-time cell also gives its date
    head = text.split(" ")[0] if re.match(r"^\d", text) else text
    for fmt in _DATE_FORMATS[order]:
        for candidate in (text, head):
            try:
                return datetime.strptime(candidate, fmt).date()
            except ValueError:
                continue
    raise InvalidValue(f'"{text}" is not a date')


def parse_time(value):
    if is_empty(value):
        return None
    text = value.strip().upper().replace(".", "")
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(text, fmt).time()
        except ValueError:
            continue
    raise InvalidValue(f'"{value.strip()}" is not a time of day')


def _parse_iso(text):
    """An ISO 8601 timestamp as a naive datetime, in UTC if it has an offset."""
    match = _ISO_DATETIME.match(text)
    if not match:
        return None
    day, moment, fraction, offset = match.groups()
    try:
        value = datetime.fromisoformat(f"{day}T{moment}")
    except ValueError:
        return None
    if fraction:
        value += timedelta(microseconds=round(int(fraction.ljust(9, "0")) / 1000))
    if offset and offset.upper() != "Z":
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        shift = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
        value -= sign * shift
    return value


def has_utc_offset(value):
    """Whether ``value`` is an ISO timestamp with its own offset (``Z``, ``+02:00``).

    :func:`parse_datetime` turns such a value into UTC already: it must not be
    localised again in the export's time zone.
    """
    match = isinstance(value, str) and _ISO_DATETIME.match(value.strip())
    return bool(match and match.group(4))


def parse_datetime(value, order="MDY"):
    """Parse a date with an optional time (``03/14/22 9:05 AM``, ISO...).

    An ISO timestamp with an offset (``2026-03-01T10:00:00+02:00``, ``...Z``) gives
    the naive datetime in UTC (see :func:`has_utc_offset`); other values are
    returned as written, in the export's time zone.
    """
    if is_empty(value):
        return None
    text = value.strip()
    iso = _parse_iso(text)
    if iso is not None:
        return iso
    with contextlib.suppress(ValueError):  # ISO first, as XLSX cells come
        return datetime.fromisoformat(text).replace(tzinfo=None)
    parts = text.split(" ", 1)
    day = parse_date(parts[0], order)
    moment = time()
    if len(parts) == 2 and parts[1].strip():
        moment = parse_time(parts[1])
    return datetime.combine(day, moment)


def _number_text(text, decimal_comma=False):
    """Rewrite a number as written (``1,234.5``, ``1.234,5``) for ``float()``.

    The decimal mark is the last of ``.`` and ``,`` when both occur; when one
    occurs once, ``decimal_comma`` says which mark is the decimal one (a single
    ``.`` that cannot separate thousands is decimal anyway). Thousands marks must
    group three digits. Returns None if the text is no such number.
    """
    text = _SPACES.sub("", text)
    sign = ""
    if text[:1] in "+-":
        sign, text = text[0].replace("+", ""), text[1:]
    if not _NUMBER_CHARS.fullmatch(text):
        return None
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
    elif text.count(",") == 1 and decimal_comma:
        decimal = ","
    elif text.count(".") == 1 and (
        not decimal_comma or not re.fullmatch(r"\d{1,3}\.\d{3}", text)
    ):
        decimal = "."
    else:
        decimal = None
    whole, fraction = text.rsplit(decimal, 1) if decimal else (text, "")
    if decimal and not fraction.isdigit() and fraction:
        return None
    thousands = {",": ".", ".": ","}.get(decimal) or ("." if "." in text else ",")
    groups = whole.split(thousands)
    if any(not group.isdigit() for group in groups if group or len(groups) > 1):
        return None
    if len(groups) > 1 and (
        len(groups[0]) > 3 or any(len(group) != 3 for group in groups[1:])
    ):
        return None
    return f"{sign}{''.join(groups) or '0'}.{fraction or '0'}"


def parse_money(value, decimal_comma=False):
    """``"$1,234.00"`` → 1234.0; ``"(12.50)"`` → -12.5; empty → None.

    ``€ 1.234,56`` reads 1234.56 (when both marks occur, the last is decimal); set
    ``decimal_comma`` for an export that writes ``12,50`` for twelve and a half.
    """
    if is_empty(value):
        return None
    text = value.strip()
    if not _MONEY_RE.match(text):
        raise InvalidValue(f'"{text}" is not an amount')
    negative = (text.startswith("(") and text.endswith(")")) or "-" in text
    number = _number_text(re.sub(r"[()$€£-]", "", text), decimal_comma)
    if number is None:
        raise InvalidValue(f'"{text}" is not an amount')
    amount = float(number)
    return -amount if negative else amount


def parse_float(value, decimal_comma=False):
    """``"1,250.5"`` → 1250.5; with ``decimal_comma``, ``"1.234,56"`` → 1234.56."""
    if is_empty(value):
        return None
    text = value.strip()
    number = _number_text(text, decimal_comma)
    if number is None and _EXPONENT.fullmatch(text):
        number = text
    if number is None:
        raise InvalidValue(f'"{text}" is not a number')
    return float(number)


def parse_integer(value, decimal_comma=False):
    number = parse_float(value, decimal_comma)
    if number is None:
        return None
    if number != int(number):
        raise InvalidValue(f'"{value.strip()}" is not a whole number')
    return int(number)


def parse_boolean(value):
    if is_empty(value):
        return None
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InvalidValue(f'"{value.strip()}" is not yes or no')


def parse_email(value):
    """Trim and lower-case an address; reject what cannot be one."""
    if is_empty(value):
        return None
    text = value.strip()
    address = parseaddr(text)[1] if "<" in text else text
    address = address.strip().lower()
    if not _EMAIL_RE.match(address):
        raise InvalidValue(f'"{text}" is not a valid email address')
    return address


def parse_phone(value, region="US"):
    """Format a phone number internationally when it parses, else keep it as typed."""
    if is_empty(value):
        return None
    text = value.strip()
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_possible_number(number):
        return text
    return phonenumbers.format_number(
        number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )


def split_tags(value):
    """Labels separated by commas or semicolons, trimmed, first spelling kept."""
    if is_empty(value):
        return []
    seen, labels = set(), []
    for label in re.split(r"[;,]", value):
        label = " ".join(label.split())
        if label and label.lower() not in seen:
            seen.add(label.lower())
            labels.append(label)
    return labels


def parse_owner(value):
    """``"Jane Doe <jane@x.com>"``, ``"jane@x.com"`` or ``"Jane Doe"`` → (name,
    email)."""
    if is_empty(value):
        return None, None
    name, address = parseaddr(value.strip())
    if address and "@" in address:
        return name.strip() or None, address.strip().lower()
    return value.strip(), None


#: Distinct values a column keeps while it is read (beyond: not a dropdown).
DISTINCT_CAP = 20
#: A column is a dropdown (selection) with at most this many values...
SELECTION_MAX = 12
#: ... each used this many times on average, none longer than SELECTION_LENGTH.
SELECTION_REPEAT = 2
SELECTION_LENGTH = 60


def is_selection(stats):
    """A few short values, each repeated: a dropdown of the old system."""
    if stats.distinct is None or stats.multiline or stats.max_length > SELECTION_LENGTH:
        return False
    count = len(stats.distinct)
    return 2 <= count <= SELECTION_MAX and stats.filled >= SELECTION_REPEAT * count + 1


#: Kinds of column where the null tokens (``N/A``, ``-``...) are empty cells.
NULLABLE_KINDS = ("integer", "float", "money", "date", "datetime")


def _fits(stats, kind):
    """Whether every value of the column reads as ``kind`` (null tokens aside
    for the kinds of :data:`NULLABLE_KINDS`)."""
    count = stats.counts.get(kind, 0)
    if count == stats.filled:
        return True
    return kind in NULLABLE_KINDS and count > 0 and count == stats.typed


def null_tokens(stats):
    """The null tokens (lowercase) that are empty cells in the column of ``stats``.

    They are when every other value of the column is a number, an amount or a
    date: ``["12", "-", "NA"]`` gives ``{"-", "na"}``. In any other column (text,
    a dropdown with an ``N/A`` choice, nothing but tokens) they are text: set().
    Pass the result to :func:`is_empty`.
    """
    if not stats.nulls or not stats.typed:
        return set()
    if any(stats.counts.get(kind, 0) == stats.typed for kind in NULLABLE_KINDS):
        return set(stats.nulls)
    return set()


def infer_date_order(values):
    """The order of the dates of a column: ``"DMY"``, ``"MDY"``, ``"YMD"`` or None.

    Told from the values themselves: a first field over 12 (``25/12/2024``) means
    day first, a second field over 12 (``12/25/2024``) month first. None when the
    column says both, or nothing (every date like ``03/04/2024``): the admin must
    say. Values that are not numeric dates are ignored.
    """
    evidence = dict.fromkeys((*DATE_ORDERS, "undecided"), 0)
    for value in values:
        found = _date_evidence(value)
        if found:
            evidence[found] += 1
    return _order_from(evidence)


def _date_evidence(value):
    """What one value says of the date order: an order, ``"undecided"`` or None."""
    match = isinstance(value, str) and _NUMERIC_DATE.match(value.strip())
    if not match:
        return None
    first, second, third = match.groups()
    if len(first) == 4:
        return "YMD" if 1 <= int(second) <= 12 and 1 <= int(third) <= 31 else None
    if len(third) not in (2, 4):
        return None
    first, second = int(first), int(second)
    if not (1 <= first <= 31 and 1 <= second <= 31) or min(first, second) > 12:
        return None
    if first > 12:
        return "DMY"
    if second > 12:
        return "MDY"
    return "undecided"


#: What a number says of its decimal mark (see :func:`_decimal_evidence`).
DECIMAL_MARKS = ("comma", "point", "undecided")
_DECIMAL_NUMBER = re.compile(
    r"^\(?[+-]?\s*[$€£]?\s*-?\s*(\d[\d.,\s\u00a0\u202f']*\d|\d)"
)


def _decimal_evidence(value):
    """What one value says of the column's decimal mark: ``"comma"`` (``1,5``,
    ``1.234,56``, ``1.234.567``), ``"point"`` (``1.5``, ``1,234.56``,
    ``1,234,567``), ``"undecided"`` (``1,234`` or ``1.234``: thousands either way)
    or None (no number with a mark)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    match = _DECIMAL_NUMBER.match(text)
    if not match or _NUMERIC_DATE.match(text) or not _MONEY_RE.match(text):
        return None
    number = _SPACES.sub("", match.group(1))
    commas, points = number.count(","), number.count(".")
    if commas and points:
        return "comma" if number.rfind(",") > number.rfind(".") else "point"
    if not commas and not points:
        return None
    mark = "," if commas else "."
    groups = number.split(mark)
    thousands = 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
    if len(groups) > 2:  # 1,234,567: the mark groups thousands
        if not thousands:
            return None  # 1.2.3: no number
        return "point" if mark == "," else "comma"
    if thousands:
        return "undecided"
    return "comma" if mark == "," else "point"


def _order_from(evidence):
    day_first, month_first = evidence["DMY"], evidence["MDY"]
    if day_first and month_first:
        return None
    if day_first:
        return "DMY"
    if month_first:
        return "MDY"
    if evidence["YMD"] and not evidence["undecided"]:
        return "YMD"
    return None


def infer_type(stats):
    """Guess a custom field type from :class:`ColumnStats` gathered over a column.

    A column of digits with a leading zero or more than :data:`CODE_DIGITS` digits
    (zips, gate codes, phone numbers, ids) is text: a number would lose the zero, or
    overflow PostgreSQL's integer.

    :returns: an ``ir.model.fields`` type: char, text, boolean, integer, float, date,
        datetime or selection (see :meth:`ColumnStats.selection_values`)
    """
    if not stats.filled:
        return "char"
    if stats.max_length > 255 or stats.multiline:
        return "text"
    numeric = ("integer", "float", "money")
    for ttype in ("boolean", *numeric, "date", "datetime"):
        if ttype in numeric and is_code(stats):
            continue  # 02134, 4155551234: a code kept as typed, not a number
        if _fits(stats, ttype):
            return {"money": "float"}.get(ttype, ttype)
    if is_selection(stats):
        return "selection"
    return "char"


def infer_kind(stats):
    """What a column's values are, finer than a field type (for matching).

    :returns: ``empty``, ``boolean``, ``integer``, ``float``, ``money``, ``date``,
        ``datetime``, ``email``, ``phone``, ``zip``, ``state``, ``country``,
        ``street``, ``selection``, ``text`` or ``char``
    """
    if not stats.filled:
        return "empty"
    numeric = ("integer", "float", "money")
    for kind in (
        "email",
        "boolean",
        *numeric,
        "date",
        "datetime",
        "phone",
        "zip",
        "state",
        "country",
        "street",
    ):
        if kind in numeric and is_code(stats):
            continue
        if _fits(stats, kind):
            if kind == "money" and _fits(stats, "float"):
                return "float"
            return kind
    return infer_type(stats) if infer_type(stats) in ("text", "selection") else "char"


class ColumnStats:
    """What a streaming pass learns about a column, in constant memory.

    - how many cells are filled, the longest, whether one spans lines;
    - how many cells read as each kind (boolean, number, money, date, email, phone,
      zip, state, country, street; digits kept as typed count as ``code``);
    - its distinct values with their counts, up to :data:`DISTINCT_CAP` (``distinct``
      becomes None beyond: the column is not a dropdown);
    - how often each null token (``N/A``, ``-``...) occurs (``nulls``): they count
      as filled text cells, not as values of a type (see :func:`null_tokens`);
    - what its values say of the date order (``date_orders``: how many are day
      first, month first, year first or ``undecided``; see :meth:`date_order`).
    """

    __slots__ = (
        "counts",
        "date_orders",
        "decimal_marks",
        "distinct",
        "filled",
        "max_length",
        "multiline",
        "nulls",
        "samples",
    )

    def __init__(self):
        self.filled = 0
        self.max_length = 0
        self.multiline = False
        self.counts = {}
        self.samples = []
        self.distinct = {}
        self.nulls = {}
        self.date_orders = dict.fromkeys((*DATE_ORDERS, "undecided"), 0)
        self.decimal_marks = dict.fromkeys(DECIMAL_MARKS, 0)

    @property
    def typed(self):
        """Filled cells that are not null tokens."""
        return self.filled - sum(self.nulls.values())

    def date_order(self):
        """The date order the values show (as :func:`infer_date_order`), or None."""
        return _order_from(self.date_orders)

    @property
    def date_order_ambiguous(self):
        """Whether the column holds dates whose order the admin must say."""
        orders = self.date_orders
        conflict = orders["DMY"] and orders["MDY"]
        unknown = orders["undecided"] and not (orders["DMY"] or orders["MDY"])
        return bool(conflict or unknown)

    def decimal_comma(self):
        """Whether the column's numbers have a decimal comma (``1,5``,
        ``1.234,56``): True or False when its values say so, None when they cannot
        tell (``1,234`` only) or say both."""
        comma, point = self.decimal_marks["comma"], self.decimal_marks["point"]
        if comma and not point:
            return True
        if point and not comma:
            return False
        return None

    def add(self, value, order="MDY", decimal_comma=False):
        """Count one cell; ``order`` and ``decimal_comma`` as the export writes.

        A value that says its own date order (``25/12/2024``) or decimal mark
        (``1,5``) is read that way, so that the column's kind does not depend on
        what the export is assumed to write.
        """
        if is_blank(value):
            return
        self.filled += 1
        self.max_length = max(self.max_length, len(value))
        self.multiline = self.multiline or "\n" in value
        if len(self.samples) < 5 and value not in self.samples:
            self.samples.append(value)
        if self.distinct is not None:
            key = " ".join(value.split())
            self.distinct[key] = self.distinct.get(key, 0) + 1
            if len(self.distinct) > DISTINCT_CAP:
                self.distinct = None
        token = value.strip().lower()
        if token in NULL_TOKENS:
            self.nulls[token] = self.nulls.get(token, 0) + 1
            return
        evidence = _date_evidence(value)
        if evidence:
            self.date_orders[evidence] += 1
            if evidence in ("DMY", "MDY"):
                order = evidence
        mark = _decimal_evidence(value)
        if mark:
            self.decimal_marks[mark] += 1
            if mark != "undecided":
                decimal_comma = mark == "comma"
        for ttype, parser in _SNIFFERS:
            try:
                parser(value, order, decimal_comma)
            except (InvalidValue, ValueError):
                continue
            self.counts[ttype] = self.counts.get(ttype, 0) + 1

    def selection_values(self):
        """``[(value, count)]`` most used first (ties by value), or [] if not a
        dropdown."""
        if not self.distinct:
            return []
        return sorted(
            self.distinct.items(), key=lambda item: (-item[1], item[0].lower())
        )


_PHONE_RE = re.compile(
    r"^\+?[\d\s().\-/]{7,22}(\s*(x|ext\.?)\s*\d{1,5})?$", re.IGNORECASE
)


def _email_like(value, _order, _decimal_comma):
    return parse_email(value)


def _phone_like(value, _order, _decimal_comma):
    text = value.strip()
    digits = re.sub(r"\D", "", text.split("x")[0])
    if not _PHONE_RE.match(text) or not 7 <= len(digits) <= 15:
        raise InvalidValue(value)
    return text


def _digits_only(value, _order, _decimal_comma):
    if not re.fullmatch(r"-?\d+", value.strip()):
        raise InvalidValue(value)
    return parse_integer(value)


def _plain_float(value, _order, decimal_comma):
    if not re.fullmatch(r"-?[\d.,]*\d", value.strip()):
        raise InvalidValue(value)
    return parse_float(value, decimal_comma)


def _bool_word(value, _order, _decimal_comma):
    if value.strip().lower() not in {"yes", "no", "true", "false", "y", "n"}:
        raise InvalidValue(value)
    return parse_boolean(value)


def _date_only(value, order, _decimal_comma):
    text = value.strip()
    if not _NUMERIC_DATE.match(text) or " " in text or "T" in text:
        raise InvalidValue(value)
    return parse_date(value, order)


def _date_time(value, order, _decimal_comma):
    if " " not in value.strip() and not _ISO_DATETIME.match(value.strip()):
        raise InvalidValue(value)
    return parse_datetime(value, order)


#: A number of more digits than this is an id or a phone number, not a quantity
#: (PostgreSQL's integer ends at 2147483647).
CODE_DIGITS = 9


def _code(value, _order=None, _decimal_comma=False):
    """Digits that are no number: a leading zero, or too many of them."""
    text = value.strip()
    if not text.isdigit() or not (
        (len(text) > 1 and text[0] == "0") or len(text) > CODE_DIGITS
    ):
        raise InvalidValue(value)
    return text


def is_code_text(text):
    """``02134``, ``4155551234``: digits kept as typed, not a number."""
    try:
        _code(text or "", None)
    except InvalidValue:
        return False
    return True


def is_code(stats):
    """Some cells of the column are digits kept as typed (see :func:`_code`)."""
    return bool(stats.counts.get("code"))


def _place(check):
    def sniff(value, _order, _decimal_comma):
        if not check(value):
            raise InvalidValue(value)
        return value.strip()

    return sniff


_SNIFFERS = (
    ("boolean", _bool_word),
    ("integer", _digits_only),
    ("float", _plain_float),
    ("money", lambda value, _order, decimal_comma: parse_money(value, decimal_comma)),
    ("date", _date_only),
    ("datetime", _date_time),
    ("email", _email_like),
    ("phone", _phone_like),
    ("code", _code),
    ("zip", _place(places.is_zip)),
    ("state", _place(places.is_region)),
    ("country", _place(places.is_country)),
    ("street", _place(places.is_street)),
)
