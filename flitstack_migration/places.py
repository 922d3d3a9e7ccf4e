# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Names and codes of places, to recognise a column of states, countries or zips.

Pure data (no ORM): the US states (with DC and the territories) and the Canadian
provinces, as Odoo's ``res.country.state`` codes them; countries from Babel's list
(ISO 3166 codes and English names), as ``res.country`` codes them.
"""

import re

from babel import Locale

#: US states, DC and territories, then Canadian provinces and territories.
REGIONS = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "AS": "American Samoa",
    "GU": "Guam",
    "MP": "Northern Mariana Islands",
    "PR": "Puerto Rico",
    "VI": "Virgin Islands",
    "AB": "Alberta",
    "BC": "British Columbia",
    "MB": "Manitoba",
    "NB": "New Brunswick",
    "NL": "Newfoundland and Labrador",
    "NS": "Nova Scotia",
    "NT": "Northwest Territories",
    "NU": "Nunavut",
    "ON": "Ontario",
    "PE": "Prince Edward Island",
    "QC": "Quebec",
    "SK": "Saskatchewan",
    "YT": "Yukon",
}
#: Spellings of a few countries that Babel's names and codes miss.
COUNTRY_ALIASES = {
    "usa",
    "u.s.",
    "u.s.a.",
    "united states of america",
    "america",
    "uk",
    "great britain",
    "england",
    "can",
    "mex",
}

_ZIP_RE = re.compile(r"^(\d{5}(-\d{4})?|[A-Z]\d[A-Z] ?\d[A-Z]\d)$", re.IGNORECASE)
_STREET_RE = re.compile(
    r"^(\d{1,6}[A-Za-z]?(-\d{1,4})?\s+\S*[^\W\d_]{2,}.*|p\.?\s?o\.?\s+box\s+\d+.*)$",
    re.IGNORECASE,
)


def _key(text):
    return " ".join((text or "").replace(".", " ").split()).lower()


_REGION_KEYS = {_key(code) for code in REGIONS} | {_key(n) for n in REGIONS.values()}


def _country_keys():
    territories = Locale("en").territories
    keys = set(COUNTRY_ALIASES)
    for code, name in territories.items():
        if code.isalpha():  # 001, 150...: continents, not countries
            keys.add(code.lower())
            keys.add(name.lower())
    return {_key(k) for k in keys}


_COUNTRY_KEYS = _country_keys()


def is_region(text):
    """A US state or Canadian province, by code (``TX``) or name (``Ontario``)."""
    return _key(text) in _REGION_KEYS


def is_country(text):
    """A country, by ISO code (``US``) or English name (``Canada``)."""
    return _key(text) in _COUNTRY_KEYS


def is_zip(text):
    """A US zip code (``02134``, ``02134-1234``) or a Canadian postal code."""
    return bool(_ZIP_RE.match((text or "").strip()))


def is_street(text):
    """A street address: a house number then a street name, or a PO box."""
    return bool(_STREET_RE.match((text or "").strip()))
