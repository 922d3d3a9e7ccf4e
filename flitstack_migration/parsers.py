"""Pure value transforms: source text in, Odoo value out.

Each parser takes the raw text of a cell and returns the typed value, ``None`` for an
empty cell, or raises :class:`InvalidValue` with a sentence the admin understands.
"""

import contextlib
import re
from datetime import datetime, time
from email.utils import parseaddr

import phonenumbers

from . import places

EMPTY = {"", "n/a", "na", "none", "null", "-", "--"}

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
        "%d-%m-%Y",
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%d %b %Y",
    ),
}
_TIME_FORMATS = ("%I:%M %p", "%I:%M:%S %p", "%H:%M", "%H:%M:%S", "%I %p", "%I:%M%p")
_TRUE = {"yes", "y", "true", "t", "1", "x", "on", "checked"}
_FALSE = {"no", "n", "false", "f", "0", "off", "unchecked"}
_EMAIL_RE = re.compile(r"^[^@\s,;<>()]+@[^@\s,;<>()]+\.[a-z]{2,}$", re.IGNORECASE)
_MONEY_RE = re.compile(r"^\(?-?\s*[$€£]?\s*-?[\d,]*\.?\d+\s*\)?$")


class InvalidValue(ValueError):
    """A cell cannot be read as the expected type."""


def is_empty(value):
    return value is None or (isinstance(value, str) and value.strip().lower() in EMPTY)


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


def parse_datetime(value, order="MDY"):
    """Parse a date with an optional time (``03/14/22 9:05 AM``, ISO...)."""
    if is_empty(value):
        return None
    text = value.strip()
    with contextlib.suppress(ValueError):  # ISO first, as XLSX cells come
        return datetime.fromisoformat(text).replace(tzinfo=None)
    parts = text.split(" ", 1)
    day = parse_date(parts[0], order)
    moment = time()
    if len(parts) == 2 and parts[1].strip():
        moment = parse_time(parts[1])
    return datetime.combine(day, moment)


def parse_money(value):
    """``"$1,234.00"`` → 1234.0; ``"(12.50)"`` → -12.5; empty → None."""
    if is_empty(value):
        return None
    text = value.strip().replace(" ", "")
    if not _MONEY_RE.match(text):
        raise InvalidValue(f'"{value.strip()}" is not an amount')
    negative = text.startswith("(") or "-" in text
    digits = re.sub(r"[^\d.]", "", text)
    amount = float(digits)
    return -amount if negative else amount


def parse_float(value):
    if is_empty(value):
        return None
    text = value.strip().replace(",", "")
    try:
        return float(text)
    except ValueError:
        raise InvalidValue(f'"{value.strip()}" is not a number') from None


def parse_integer(value):
    number = parse_float(value)
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
        if stats.counts.get(ttype, 0) == stats.filled:
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
        if stats.counts.get(kind, 0) == stats.filled:
            if kind == "money" and stats.counts.get("float", 0) == stats.filled:
                return "float"
            return kind
    return infer_type(stats) if infer_type(stats) in ("text", "selection") else "char"


class ColumnStats:
    """What a streaming pass learns about a column, in constant memory.

    - how many cells are filled, the longest, whether one spans lines;
    - how many cells read as each kind (boolean, number, money, date, email, phone,
      zip, state, country, street; digits kept as typed count as ``code``);
    - its distinct values with their counts, up to :data:`DISTINCT_CAP` (``distinct``
      becomes None beyond: the column is not a dropdown).
    """

    __slots__ = ("counts", "distinct", "filled", "max_length", "multiline", "samples")

    def __init__(self):
        self.filled = 0
        self.max_length = 0
        self.multiline = False
        self.counts = {}
        self.samples = []
        self.distinct = {}

    def add(self, value, order="MDY"):
        if is_empty(value):
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
        for ttype, parser in _SNIFFERS:
            try:
                parser(value, order)
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


def _email_like(value, _order):
    return parse_email(value)


def _phone_like(value, _order):
    text = value.strip()
    digits = re.sub(r"\D", "", text.split("x")[0])
    if not _PHONE_RE.match(text) or not 7 <= len(digits) <= 15:
        raise InvalidValue(value)
    return text


def _digits_only(value, _order):
    if not re.fullmatch(r"-?\d+", value.strip()):
        raise InvalidValue(value)
    return parse_integer(value)


def _plain_float(value, _order):
    if not re.fullmatch(r"-?[\d,]*\.?\d+", value.strip()):
        raise InvalidValue(value)
    return parse_float(value)


def _bool_word(value, _order):
    if value.strip().lower() not in {"yes", "no", "true", "false", "y", "n"}:
        raise InvalidValue(value)
    return parse_boolean(value)


def _date_only(value, order):
    if " " in value.strip() or not re.search(r"[/-]", value):
        raise InvalidValue(value)
    return parse_date(value, order)


def _date_time(value, order):
    if " " not in value.strip():
        raise InvalidValue(value)
    return parse_datetime(value, order)


#: A number of more digits than this is an id or a phone number, not a quantity
#: (PostgreSQL's integer ends at 2147483647).
CODE_DIGITS = 9


def _code(value, _order):
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
    def sniff(value, _order):
        if not check(value):
            raise InvalidValue(value)
        return value.strip()

    return sniff


_SNIFFERS = (
    ("boolean", _bool_word),
    ("integer", _digits_only),
    ("float", _plain_float),
    ("money", lambda value, _order: parse_money(value)),
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
