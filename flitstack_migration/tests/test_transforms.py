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
