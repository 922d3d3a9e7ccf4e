# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime, time

import pytest

from .. import parsers as T


def test_dates_in_us_export_format():
    assert T.parse_date("03/14/22") == date(2022, 3, 14)
    assert T.parse_date("3/4/2021") == date(2021, 3, 4)
    assert T.parse_date("2021-03-04") == date(2021, 3, 4)
    assert T.parse_date("  ") is None
    with pytest.raises(T.InvalidValue, match='"31/31/22" is not a date'):
        T.parse_date("31/31/22")


def test_datetime_with_am_pm():
    assert T.parse_datetime("03/14/22 9:05 AM") == datetime(2022, 3, 14, 9, 5)
    assert T.parse_datetime("03/14/22 12:30 PM") == datetime(2022, 3, 14, 12, 30)
    assert T.parse_datetime("03/14/22") == datetime(2022, 3, 14, 0, 0)
    assert T.parse_time("9:00 AM") == time(9, 0)


def test_money_strings():
    assert T.parse_money("$1,234.00") == 1234.0
    assert T.parse_money("$95.00") == 95.0
    assert T.parse_money("(12.50)") == -12.5
    assert T.parse_money("-$3.10") == -3.1
    assert T.parse_money("") is None
    with pytest.raises(T.InvalidValue, match='"TBD" is not an amount'):
        T.parse_money("TBD")


def test_booleans_and_numbers():
    assert T.parse_boolean("Yes") is True
    assert T.parse_boolean("no") is False
    assert T.parse_boolean("") is None
    with pytest.raises(T.InvalidValue):
        T.parse_boolean("maybe")
    assert T.parse_integer("3") == 3
    with pytest.raises(T.InvalidValue):
        T.parse_integer("2.5")
    assert T.parse_float("1,250.5") == 1250.5


def test_emails_are_trimmed_lowered_and_checked():
    assert T.parse_email("  John.Doe@Example.COM\t") == "john.doe@example.com"
    assert T.parse_email("Jane <jane@x.org>") == "jane@x.org"
    for bad in (
        "john@@example.com",
        "no email",
        "mary.smith@example",
        "bob at example.com",
    ):
        with pytest.raises(T.InvalidValue, match="not a valid email address"):
            T.parse_email(bad)


def test_phones_are_formatted_when_they_parse():
    assert T.parse_phone("(512) 555-0134") == "+1 512-555-0134"
    assert T.parse_phone("512.555.0134") == "+1 512-555-0134"
    assert T.parse_phone("ext. only") == "ext. only"
    assert T.parse_phone("") is None


def test_tags_split_on_commas_and_semicolons_once_each():
    assert T.split_tags("VIP, Referral;vip ; Pet  Owner") == [
        "VIP",
        "Referral",
        "Pet Owner",
    ]
    assert T.split_tags("") == []


def test_owner_parsing():
    assert T.parse_owner("Maria Delgado <Maria@X.example>") == (
        "Maria Delgado",
        "maria@x.example",
    )
    assert T.parse_owner("Crew A") == ("Crew A", None)
    assert T.parse_owner("") == (None, None)


def test_column_type_inference():
    def infer(values):
        stats = T.ColumnStats()
        for value in values:
            stats.add(value)
        return T.infer_type(stats)

    assert infer(["1", "2", "", "6"]) == "integer"
    assert infer(["Yes", "No", "no"]) == "boolean"
    assert infer(["#4821", "", "#12"]) == "char"
    assert infer(["03/14/22", "12/01/21"]) == "date"
    assert infer(["1.5", "2"]) == "float"
    assert infer(["$1,200.00", "$3.00"]) == "float"
    assert infer(["x" * 300]) == "text"
    assert infer(["Light", "Heavy"]) == "char"


# -- date order, time zones, decimal commas, empty tokens ---------------------------


@pytest.mark.parametrize(
    ("values", "order"),
    [
        (["03/04/2024", "25/12/2024", "", "01/02/2024"], "DMY"),
        (["03/04/2024", "12/25/2024", "01/02/2024"], "MDY"),
        (["2024-03-04", "2024/12/25"], "YMD"),
        (["2024-03-04", "25/12/2024", "04/01/2024"], "DMY"),
        (["25.12.2024", "1.2.2024"], "DMY"),
        (["03/04/2024", "01/02/2024"], None),  # every field could be either
        (["25/12/2024", "12/25/2024"], None),  # conflicting evidence
        ([], None),
        (["not a date", "n/a"], None),
    ],
)
def test_infer_date_order(values, order):
    assert T.infer_date_order(values) == order


def test_column_stats_keep_the_date_order_evidence():
    stats = T.ColumnStats()
    for value in ("03/04/2024", "25/12/2024", "01/02/2024", "hello"):
        stats.add(value)
    assert stats.date_orders == {"DMY": 1, "MDY": 0, "YMD": 0, "undecided": 2}
    assert stats.date_order() == "DMY"
    ambiguous = T.ColumnStats()
    for value in ("03/04/2024", "01/02/2024"):
        ambiguous.add(value)
    assert ambiguous.date_order() is None
    assert ambiguous.date_order_ambiguous


def test_day_first_column_is_a_date_column_when_read_day_first():
    stats = T.ColumnStats()
    for value in ("25/12/2024", "13/01/2024"):
        stats.add(value, "DMY")
    assert T.infer_type(stats) == "date"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01T10:00:00+02:00", datetime(2026, 3, 1, 8, 0)),
        ("2026-03-01T10:00:00Z", datetime(2026, 3, 1, 10, 0)),
        ("2026-03-01T23:30:00-05:00", datetime(2026, 3, 2, 4, 30)),
        ("2026-03-01 10:00:00.250+0100", datetime(2026, 3, 1, 9, 0, 0, 250000)),
        ("2026-03-01T10:00:00", datetime(2026, 3, 1, 10, 0)),
    ],
)
def test_iso_timestamps_with_offsets_become_naive_utc(text, expected):
    assert T.parse_datetime(text) == expected
    assert T.has_utc_offset(text) is (expected.hour != 10 or text.endswith("Z"))


def test_decimal_comma_numbers():
    assert T.parse_float("1,5", decimal_comma=True) == 1.5
    assert T.parse_float("1.234,56", decimal_comma=True) == 1234.56
    assert T.parse_float("-1.234.567,5", decimal_comma=True) == -1234567.5
    assert T.parse_float("1 234,56", decimal_comma=True) == 1234.56
    assert T.parse_integer("1.234", decimal_comma=True) == 1234
    assert T.parse_float("1,250.5") == 1250.5
    with pytest.raises(T.InvalidValue, match='"1,5" is not a number'):
        T.parse_float("1,5")  # a thousands comma takes three digits


def test_decimal_comma_money():
    assert T.parse_money("€ 1.234,56", decimal_comma=True) == 1234.56
    assert T.parse_money("1.234,56 €", decimal_comma=True) == 1234.56
    assert T.parse_money("-12,50 €", decimal_comma=True) == -12.5
    assert T.parse_money("€1,234.56") == 1234.56
    assert T.parse_money("€ 1.234,56") == 1234.56  # both marks: the last is decimal


def test_decimal_comma_column_is_a_float_column():
    stats = T.ColumnStats()
    for value in ("1,5", "1.234,56", "7"):
        stats.add(value, "DMY", decimal_comma=True)
    assert T.infer_type(stats) == "float"


@pytest.mark.parametrize(
    ("values", "nulls", "ttype"),
    [
        (["12", "-", "7", "NA"], {"-", "na"}, "integer"),
        (["1.5", "N/A", "2"], {"n/a"}, "float"),
        (["03/14/22", "null", "None"], {"null", "none"}, "date"),
        (["$5.00", "-", "$1.00"], {"-"}, "float"),
        (["Paid by check", "N/A", "cash"], set(), "char"),
        (["N/A", "-"], set(), "char"),
    ],
)
def test_null_tokens_are_empty_only_where_the_column_says_so(values, nulls, ttype):
    stats = T.ColumnStats()
    for value in values:
        stats.add(value)
    assert T.null_tokens(stats) == nulls
    assert T.infer_type(stats) == ttype


def test_null_tokens_of_a_text_column_stay_text():
    stats = T.ColumnStats()
    for value in ("Yes", "No", "N/A", "Yes", "No", "N/A", "Yes"):
        stats.add(value)
    assert T.null_tokens(stats) == set()
    assert T.infer_type(stats) == "selection"
    assert ("N/A", 2) in stats.selection_values()
    assert T.is_empty("N/A", T.null_tokens(stats)) is False
    assert T.is_empty("N/A") is True


def test_every_platform_says_what_to_export():
    """The import wizard's first step tells the admin what to export from the old
    system (or what key to paste): every platform has those words."""
    from .. import presets as _registered  # noqa: F401 - every preset registers
    from ..presets import base as presets

    for platform, _label in presets.platforms():
        preset = presets.get_preset(platform)
        assert len(preset.export_help) > 40, platform
        name = preset.label.split(" (")[0]  # "Fieldbook (test platform)"
        assert name in preset.export_help, platform
