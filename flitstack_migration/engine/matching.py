# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Match the columns of an export to known columns or Odoo fields, with a confidence.

Pure Python (no ORM): the callers hand in candidates and column statistics.

The approach, for one unknown column:

1. its header is normalised (:func:`normalize`): case, accents and punctuation go,
   ``#`` reads "number", digits split from letters, common abbreviations are expanded,
   plurals made singular, filler words dropped, and synonyms ("Zip", "Postal Code",
   "Postcode") brought to one canonical word;
2. it is compared with each candidate's labels (a known column's name and aliases, or
   an Odoo field's technical name and label), normalised the same way, with rapidfuzz
   (:func:`name_score`);
3. its values (:class:`~..parsers.ColumnStats`) confirm or contradict: emails fit an
   email field, dates a date field, text never a number field (:func:`kind_fit`);
4. the confidence (0..1) combines both; below :data:`NAME_THRESHOLD` a column is
   matched on its values: alone when they are unmistakable (emails, phones, states,
   countries, street addresses: :data:`VALUE_KINDS`), with at least a weak name
   likeness when they are not (zips, dates, amounts: :data:`WEAK_VALUE_KINDS`).

:func:`assign` matches several columns to several candidates one-to-one, most
confident pairs first; a weak name match (values saying nothing) comes after any
match its values confirm.
"""

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..parsers import infer_kind, infer_type

#: Lowest name similarity (0..1) that proposes a match by name.
NAME_THRESHOLD = 0.85
#: Lowest confidence of any proposed match.
MIN_CONFIDENCE = 0.55

#: Abbreviations and spelling variants of one word (token → word).
ABBREVIATIONS = {
    "no": "number",
    "nr": "number",
    "nbr": "number",
    "num": "number",
    "tel": "phone",
    "ph": "phone",
    "telephone": "phone",
    "mob": "mobile",
    "cellphone": "mobile",
    "addr": "address",
    "amt": "amount",
    "qty": "quantity",
    "inv": "invoice",
    "pay": "payment",
    "pmt": "payment",
    "desc": "description",
    "dt": "date",
    "cust": "customer",
    "emp": "employee",
    "apt": "apartment",
    "zipcode": "zip",
    "postcode": "zip",
    "firstname": "first name",
    "fname": "first name",
    "lastname": "last name",
    "lname": "last name",
    "surname": "last name",
    "website": "website",
    "url": "website",
    "e": "e",
}

#: Words that say nothing about the content ("Mobile #", "Your Email").
FILLER = {"the", "of", "a", "an", "your", "my", "number", "field"}

#: Canonical phrase → the phrases meaning the same (after the steps above).
SYNONYMS = {
    "email": (
        "e mail",
        "email address",
        "e mail address",
        "mail",
        "mail address",
        "email 1",
        "primary email",
    ),
    "mobile": ("cell", "cell phone", "mobile phone", "cell phone", "portable", "gsm"),
    "phone": ("phone", "phone 1", "landline"),
    "zip": (
        "zip code",
        "postal code",
        "post code",
        "postal",
        "zip postal code",
        "postal zip code",
    ),
    "company": (
        "company name",
        "account",
        "account name",
        "business",
        "business name",
        "organization",
        "organisation",
        "organization name",
        "employer",
        "firm",
    ),
    "street": (
        "street address",
        "address",
        "address 1",
        "address line 1",
        "street 1",
        "street line 1",
    ),
    "street 2": ("address 2", "address line 2", "street line 2", "apartment", "suite"),
    "note": ("comment", "description", "remark", "memo", "detail", "internal note"),
    "state": (
        "province",
        "region",
        "state province",
        "province state",
        "state region",
        "state code",
        "province code",
    ),
    "country": ("nation", "country name", "country code"),
    "due date": ("due", "date due", "payment due", "due on"),
    "invoice date": ("date invoiced", "invoice dated", "bill date", "billing date"),
    "payment method": ("payment type", "payment mode", "paid by", "paid with"),
    "city": ("town", "locality"),
    "website": ("web site", "website url", "web", "homepage", "web address"),
    "job position": ("job title", "position", "role"),
    "tag": ("label", "category"),
    "salesperson": (
        "owner",
        "sales rep",
        "rep",
        "account owner",
        "deal owner",
        "assigned to",
        "lead owner",
    ),
    "expected revenue": ("amount", "deal amount", "deal value", "revenue", "value"),
    "expected closing": ("close date", "closing date", "expected close date"),
    "source": ("lead source", "marketing source", "origin"),
}
_PHRASES = sorted(
    (
        (variant, canonical)
        for canonical, variants in SYNONYMS.items()
        for variant in variants
    ),
    key=lambda item: -len(item[0]),
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_DIGIT_EDGE = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")

#: Value kinds (:func:`~.transforms.infer_kind`) each expected kind accepts.
_FITS = {
    "email": {"email"},
    "phone": {"phone", "integer"},
    "date": {"date", "datetime"},
    "datetime": {"datetime", "date"},
    "money": {"money", "float", "integer"},
    "float": {"float", "integer", "money"},
    "integer": {"integer"},
    "boolean": {"boolean"},
    "selection": {"selection", "boolean", "char"},
    "zip": {"zip"},
    "state": {"state"},
    "country": {"country"},
    "street": {"street"},
}
#: Value kinds a column is matched on by its values alone.
VALUE_KINDS = {"email", "phone", "state", "country", "street"}
#: Value kinds a column is matched on by its values with a weak name likeness (a
#: five-digit id reads as a zip, and a model has several dates and amounts).
WEAK_VALUE_KINDS = {"zip", "date", "datetime", "money"}
#: Name likeness (0..1) a column needs to be matched on values of those kinds.
WEAK_NAME = 0.5
#: Below this likeness, a name match whose values say nothing is a weak one.
STRONG_NAME = 0.92
#: Kinds whose lists (US and Canadian regions, house numbers) cannot say a column is
#: not one: their values confirm a match, never contradict it.
CONFIRM_ONLY = {"zip", "state", "country", "street"}
#: Value kinds that contradict a text target (a number column is no name).
_SPECIFIC = {"email", "phone", "date", "datetime", "money", "float", "boolean"}


def _singular(token):
    if len(token) <= 3 or token.endswith(("ss", "us", "is")):
        return token
    if token.endswith("ies"):
        return token[:-3] + "y"
    if token.endswith("s"):
        return token[:-1]
    return token


def normalize(text):
    """A header or label as comparable words: ``"E-mail Address"`` → ``"email"``."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", (text or "").replace("#", " number "))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    bare = bare.replace("_", " ")
    tokens = []
    for token in _DIGIT_EDGE.sub(" ", _NOT_ALNUM.sub(" ", bare)).split():
        token = ABBREVIATIONS.get(token, token)
        tokens.extend(_singular(part) for part in token.split())
    kept = [t for t in tokens if t not in FILLER] or tokens
    phrase = " ".join(kept)
    for variant, canonical in _PHRASES:
        if " " not in variant:
            if phrase == variant:  # one word alone: only the whole header
                return canonical
            continue
        phrase = re.sub(rf"(?<![a-z0-9]){variant}(?![a-z0-9])", canonical, phrase)
    return phrase


def name_score(header, label):
    """Similarity 0..1 of two names once normalised (1.0: the same words)."""
    a, b = normalize(header), normalize(label)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    score = fuzz.token_sort_ratio(a, b) / 100.0
    short, long_ = sorted((set(a.split()), set(b.split())), key=len)
    if len(short) >= 2 and short <= long_:  # "work phone" in "work phone main"
        score = max(score, 0.9)
    return min(score, 0.97)


def kind_fit(value_kind, expected):
    """+1 the values confirm the target, 0 neutral, -1 they contradict it."""
    if value_kind in ("empty", None) or expected in ("any", None):
        return 0
    if expected in ("char", "text"):
        return -1 if value_kind in ("date", "datetime", "boolean") else 0
    accepted = _FITS.get(expected, set())
    if value_kind in accepted:
        return 1
    if value_kind in _SPECIFIC or expected in _SPECIFIC | {"integer"}:
        return -1
    return 0


#: Share of the filled cells that must read as the expected kind to confirm a match
#: (exports are messy: a few bad emails do not make an email column text).
CONFIRM_SHARE = 0.8
#: At most this share reading as the expected kind contradicts the match.
CONTRADICT_SHARE = 0.2


def values_fit(stats, expected):
    """+1 the column's values confirm the expected kind, 0 neutral, -1 they contradict.

    For specific kinds (email, phone, dates, numbers, yes/no) the share of cells that
    read as that kind decides; for text targets, the column's overall kind does.
    """
    if stats is None or not stats.filled or expected in ("any", None):
        return 0
    accepted = _FITS.get(expected, set()) - {"char", "selection"}
    if expected in ("char", "text", "selection") or not accepted:
        return kind_fit(infer_kind(stats), expected)
    share = max(stats.counts.get(kind, 0) for kind in accepted) / stats.filled
    if expected == "country" and stats.counts.get("state", 0) >= share * stats.filled:
        return 0  # TX, CA, MD: states before countries
    if share >= CONFIRM_SHARE:
        return 1
    if share <= CONTRADICT_SHARE and expected not in CONFIRM_ONLY:
        return -1
    return 0


def own_share(stats, kind):
    """Share of the filled cells that read as ``kind`` itself (a column of numbers
    is no phone column, though a phone column may hold bare digits)."""
    if stats is None or not stats.filled:
        return 0.0
    kinds = ("date", "datetime") if kind in ("date", "datetime") else (kind,)
    return sum(stats.counts.get(k, 0) for k in kinds) / stats.filled


@dataclass(frozen=True)
class Candidate:
    """Something a column may map to.

    :param key: what the caller identifies it by (a preset column, a field name)
    :param labels: the names it is known by
    :param kind: the value kind it expects (``any``, ``char``, ``email``, ``phone``,
        ``date``, ``datetime``, ``money``, ``float``, ``integer``, ``boolean``,
        ``selection``)
    :param by_values: it may be matched on its values (a column of emails to the
        one email field, of US states to the state): see :data:`VALUE_KINDS`
    """

    key: str
    labels: tuple
    kind: str = "any"
    by_values: bool = False


@dataclass(frozen=True)
class Match:
    """A proposed match: ``reason`` is ``name`` or ``values``; ``weak``: a name
    match its values do not confirm, below :data:`STRONG_NAME`."""

    header: str
    key: str
    confidence: float
    reason: str
    weak: bool = False


def score(header, stats, candidate):
    """The :class:`Match` of a column with one candidate, or None when too weak."""
    similarity = max(
        (name_score(header, label) for label in candidate.labels), default=0
    )
    fit = values_fit(stats, candidate.kind)
    if similarity >= NAME_THRESHOLD and fit >= 0:
        confidence = 0.9 * similarity + 0.08 * fit
        weak = fit == 0 and similarity < STRONG_NAME
        return Match(
            header, candidate.key, round(min(confidence, 0.98), 2), "name", weak
        )
    if (
        candidate.by_values
        and fit > 0
        and own_share(stats, candidate.kind) >= CONFIRM_SHARE
        and (
            candidate.kind in VALUE_KINDS
            or (candidate.kind in WEAK_VALUE_KINDS and similarity >= WEAK_NAME)
        )
    ):
        confidence = 0.55 + 0.2 * similarity
        return Match(header, candidate.key, round(confidence, 2), "values")
    return None


def assign(columns, candidates, min_confidence=MIN_CONFIDENCE):
    """Match columns to candidates one-to-one, most confident pairs first.

    :param columns: ``{header: ColumnStats or None}``
    :param candidates: iterable of :class:`Candidate`
    :returns: ``{header: Match}`` for the columns that found a candidate
    """
    candidates = list(candidates)
    pairs = []
    for order, (header, stats) in enumerate(columns.items()):
        for rank, candidate in enumerate(candidates):
            match = score(header, stats, candidate)
            if match and match.confidence >= min_confidence:
                pairs.append((match.weak, -match.confidence, order, rank, match))
    pairs.sort(key=lambda pair: pair[:4])
    taken_headers, taken_keys, result = set(), set(), {}
    for *_key, match in pairs:
        if match.header in taken_headers or match.key in taken_keys:
            continue
        taken_headers.add(match.header)
        taken_keys.add(match.key)
        result[match.header] = match
    return result


# ----------------------------------------------------------------------
# Odoo fields as candidates (described by plain dicts: no ORM here)
# ----------------------------------------------------------------------
#: Field types a column can fill directly, with the value kind each expects.
FIELD_KINDS = {
    "char": "char",
    "text": "char",
    "html": "char",
    "integer": "integer",
    "float": "float",
    "monetary": "money",
    "date": "date",
    "datetime": "datetime",
    "boolean": "boolean",
    "selection": "selection",
    "many2one": "char",
}
#: Many2one fields a column can fill by the related record's name.
LOOKUP_MODELS = {
    "res.country",
    "res.country.state",
    "res.partner.title",
    "res.partner.industry",
    "utm.source",
    "utm.medium",
    "utm.campaign",
    "crm.lost.reason",
}
#: Fields never proposed: multi-company, technical, or dangerous to fill from a column.
EXCLUDED_FIELDS = {
    "id",
    "company_id",
    "currency_id",
    "active",
    "sequence",
    "color",
    "display_name",
    "create_date",
    "create_uid",
    "write_date",
    "write_uid",
    "message_main_attachment_id",
}


#: Value kind of the address fields, by name or related model.
PLACE_KINDS = {
    "zip": "zip",
    "street": "street",
    "res.country.state": "state",
    "res.country": "country",
}


def field_kind(info):
    """Value kind a field expects, refined by its name (``email``, ``phone``,
    ``zip``, ``street``) or related model (``state``, ``country``)."""
    name = info["name"]
    kind = FIELD_KINDS.get(info["type"], "any")
    if info["type"] == "many2one":
        return PLACE_KINDS.get(info.get("relation"), kind)
    if kind == "char" and "email" in name:
        return "email"
    if kind == "char" and ("phone" in name or "mobile" in name):
        return "phone"
    if kind == "char" and name in PLACE_KINDS:
        return PLACE_KINDS[name]
    return kind


def field_candidates(field_infos, exclude=()):
    """Candidates for the stored, writable fields of a model.

    :param field_infos: dicts with ``name``, ``string``, ``type``, ``relation``,
        ``store``, ``readonly``
    :param exclude: field names already filled by the map
    """
    result = []
    for info in field_infos:
        name = info["name"]
        if (
            name in EXCLUDED_FIELDS
            or name in exclude
            or name.startswith(("x_", "message_", "activity_", "website_message"))
            or not info.get("store", True)
            or info.get("readonly")
            or info["type"] not in FIELD_KINDS
            or (
                info["type"] == "many2one" and info.get("relation") not in LOOKUP_MODELS
            )
        ):
            continue
        kind = field_kind(info)
        result.append(
            Candidate(
                key=name,
                labels=(name, info.get("string") or name),
                kind=kind,
                by_values=kind in VALUE_KINDS | WEAK_VALUE_KINDS,
            )
        )
    return result


def transform_for(info, stats):
    """The transform that fills a field of this type from this column."""
    ttype = info["type"]
    kind = field_kind(info)
    if kind in ("email", "phone"):
        return kind
    if kind in ("zip", "street"):
        return "copy"
    if ttype == "many2one":
        return "lookup"
    if ttype == "selection":
        return "value_map"
    if ttype == "monetary" or (
        ttype == "float" and stats is not None and infer_kind(stats) == "money"
    ):
        return "money"
    return {
        "date": "date",
        "datetime": "datetime",
        "integer": "integer",
        "float": "float",
        "boolean": "boolean",
    }.get(ttype, "copy")


def selection_map(values, selection):
    """``{source value: selection key}`` matching values to keys or labels by name.

    :param values: ``[(value, count)]``
    :param selection: ``[(key, label)]``
    """
    result = {}
    for value, _count in values:
        best, best_score = None, 0.0
        for key, label in selection:
            similarity = max(name_score(value, str(key)), name_score(value, label))
            if similarity > best_score:
                best, best_score = key, similarity
        result[value] = best if best_score >= NAME_THRESHOLD else None
    return result


def custom_type(stats):
    """Type of the new custom field a column becomes."""
    return infer_type(stats)
