# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The matcher, pure: names, values, one-to-one assignment, types; hierarchies."""

from .. import parsers as T
from ..engine import matching as M
from ..engine.schema import clean_name
from ..readers.base import check_hierarchy, hierarchy_depths


def _stats(values):
    stats = T.ColumnStats()
    for value in values:
        stats.add(value)
    return stats


def test_synonyms_abbreviations_plurals_and_punctuation():
    same = [
        ("Zip", "Postal Code", "Postcode", "ZIP code", "Post Code"),
        ("Cell", "Mobile", "Mobile #", "Cell Phone", "Mobile Phone Number"),
        ("Company", "Account", "Account Name", "Business Name"),
        ("Phone", "Tel", "Telephone", "Phone Number", "Phone No."),
        ("Email", "E-mail", "E-mail address", "Mail", "EMAIL_ADDRESS"),
        ("Street", "Address 1", "Street Address", "Address"),
        ("Notes", "Comments", "Description", "Note", "Remarks"),
        ("Street 2", "Address 2", "street2", "Suite"),
    ]
    for group in same:
        forms = {M.normalize(name) for name in group}
        assert len(forms) == 1, (group, forms)
    assert M.normalize("Ville de résidence") == "ville de residence"
    assert M.normalize("Customer Type") != M.normalize("Type")


def test_name_score_is_strict_enough():
    assert M.name_score("Mobile #", "Cell Phone") == 1.0
    # the false positive reported against base_import's matcher (0.2 distance)
    assert M.name_score("Allocation Type", "Allocation Mode") < M.NAME_THRESHOLD
    assert M.name_score("Customer Type", "Type") < M.NAME_THRESHOLD
    assert M.name_score("Gate Code", "Barcode") < M.NAME_THRESHOLD
    assert M.name_score("Work Phone Main", "Work Phone") >= M.NAME_THRESHOLD


def test_value_kinds():
    assert T.infer_kind(_stats(["a@b.example", "C@D.example "])) == "email"
    assert T.infer_kind(_stats(["(512) 555-0199", "+1 512 555 0100"])) == "phone"
    assert T.infer_kind(_stats(["$1,200.00", "$3.50"])) == "money"
    assert T.infer_kind(_stats(["03/14/22", "12/01/21"])) == "date"
    assert T.infer_kind(_stats(["Yes", "No"])) == "boolean"
    assert T.infer_kind(_stats(["#4821", "#12"])) == "char"
    assert T.infer_kind(_stats([])) == "empty"


def test_selection_is_a_few_repeated_short_values_in_constant_memory():
    dirt = _stats(["Light", "Heavy", "Medium", "Light", "Medium", "Heavy", "Medium"])
    assert T.infer_type(dirt) == "selection"
    assert dirt.selection_values() == [("Medium", 3), ("Heavy", 2), ("Light", 2)]
    assert T.infer_type(_stats(["Light", "Heavy"])) == "char"  # not repeated
    assert (
        T.infer_type(_stats(["1", "2", "1", "2", "1"])) == "integer"
    )  # numbers stay numbers
    many = _stats([f"code {i}" for i in range(500)])
    assert many.distinct is None  # capped: not kept beyond DISTINCT_CAP
    assert T.infer_type(many) == "char"


def test_values_confirm_or_contradict_a_name():
    dates = _stats(["03/14/22", "01/02/23"])
    emails = _stats(["a@b.example", "c@d.example"])
    email_col = M.Candidate("Email", ("Email",), "email", by_values=True)
    match = M.score("E-mail address", emails, email_col)
    assert (match.key, match.reason) == ("Email", "name")
    assert match.confidence > 0.9
    assert M.score("E-mail address", dates, email_col) is None  # dates are no email
    by_values = M.score("Primary contact", emails, email_col)
    assert by_values.reason == "values"
    assert M.MIN_CONFIDENCE <= by_values.confidence < 0.8


def test_assign_is_one_to_one_most_confident_first():
    phones = _stats(["512-555-0100", "512-555-0101"])
    candidates = [
        M.Candidate("Cell Phone", ("Cell Phone", "Mobile"), "phone", by_values=True),
        M.Candidate("Zip Code", ("Zip Code", "Zip"), "any"),
    ]
    result = M.assign(
        {
            "Postcode": _stats(["02139", "78701"]),
            "Mobile #": phones,
            "Other phone": phones,
        },
        candidates,
    )
    assert result["Mobile #"].key == "Cell Phone"
    assert result["Postcode"].key == "Zip Code"
    assert "Other phone" not in result  # Cell Phone is taken by the better match


def test_field_candidates_skip_dangerous_and_readonly_fields():
    infos = [
        {
            "name": "company_id",
            "string": "Company",
            "type": "many2one",
            "relation": "res.company",
        },
        {"name": "company_name", "string": "Company Name", "type": "char"},
        {"name": "email", "string": "Email", "type": "char"},
        {
            "name": "email_normalized",
            "string": "Normalized Email",
            "type": "char",
            "readonly": True,
        },
        {
            "name": "country_id",
            "string": "Country",
            "type": "many2one",
            "relation": "res.country",
        },
        {"name": "website", "string": "Website Link", "type": "char"},
    ]
    candidates = {c.key: c for c in M.field_candidates(infos, exclude={"email"})}
    assert set(candidates) == {"company_name", "country_id", "website"}
    result = M.assign({"Company": None, "Web site": None}, candidates.values())
    assert result["Company"].key == "company_name"  # never the multi-company field
    assert result["Web site"].key == "website"
    assert M.transform_for(infos[4], None) == "lookup"
    assert M.selection_map(
        [("Very High", 3), ("Odd", 1)], [("0", "Low"), ("3", "Very High")]
    ) == {
        "Very High": "3",
        "Odd": None,
    }


def test_hierarchy_depth_cycles_and_orphans():
    parents = {
        "1": None,
        "2": "1",
        "3": "2",
        "4": "3",
        "5": "4",
        "6": "7",
        "7": "6",
        "8": "6",
        "9": "404",
    }
    depths, cycles = hierarchy_depths(parents)
    assert [depths[i] for i in "12345"] == [1, 2, 3, 4, 5]
    assert depths["9"] == 1  # a parent not in the export: a root
    assert sorted(map(sorted, cycles)) == [["6", "7"]]
    assert "8" not in depths  # hangs below a cycle
    report = check_hierarchy(parents)
    assert report["max_depth"] == 5
    assert (report["too_deep_count"], report["too_deep"]) == (2, ["4", "5"])
    assert report["cycle_count"] == 1
    assert report["orphans"] == ["9"]


def test_names_are_cleaned_for_stages():
    assert clean_name("  Estimate\tSent \x00 ") == "Estimate Sent"
    long_name = clean_name(
        "Waiting for the customer to call back about the second estimate"
    )
    assert len(long_name) <= 50 and not long_name.endswith(" ")
    assert clean_name("<Won> | [final]") == "Won final"


PARTNER_FIELDS = [
    {
        "name": "state_id",
        "string": "State",
        "type": "many2one",
        "relation": "res.country.state",
    },
    {
        "name": "country_id",
        "string": "Country",
        "type": "many2one",
        "relation": "res.country",
    },
    {"name": "zip", "string": "Zip", "type": "char"},
    {"name": "street", "string": "Street", "type": "char"},
    {"name": "email", "string": "Email", "type": "char"},
    {"name": "phone", "string": "Phone", "type": "char"},
    {"name": "service_area_note", "string": "Service Areas Note", "type": "char"},
    {"name": "date_start", "string": "Start Date", "type": "date"},
    {"name": "price_total", "string": "Total", "type": "monetary"},
]


def test_place_values_are_recognised():
    assert T.infer_kind(_stats(["TX", "ca", "NM", "Ontario", "Texas"])) == "state"
    assert T.infer_kind(_stats(["US", "USA", "Canada", "Mexico"])) == "country"
    assert T.infer_kind(_stats(["02134", "78701-1234", "K1A 0B1"])) == "zip"
    assert (
        T.infer_kind(_stats(["14922 Rachel Shores", "12B Main St.", "PO Box 12"]))
        == "street"
    )
    assert T.infer_kind(_stats(["Heavy", "Light"])) != "state"


def test_value_evidence_wins_over_a_weak_name_and_a_new_field():
    candidates = M.field_candidates(PARTNER_FIELDS)
    states = _stats(["TX", "CA", "NM", "TX", "CO"])
    # the header, and a header that only looks like a note field
    assert M.assign({"Province/State": states}, candidates)["Province/State"].key == (
        "state_id"
    )
    match = M.assign({"Service Area": states}, candidates)["Service Area"]
    assert (match.key, match.reason) == ("state_id", "values")
    columns = {
        "Where": _stats(["US", "Canada", "US", "USA"]),
        "Line 1": _stats(["14922 Rachel Shores", "10107 Miller Unions"]),
        "Contact": _stats(["a@b.example", "c@d.example"]),
        "Reach at": _stats(["(512) 555-0199", "+1 512 555 0100"]),
        "Zip5": _stats(["02134", "78701"]),
        "Start": _stats(["03/14/22", "01/02/23"]),
        "Amt Total": _stats(["$1,200.00", "$3.50"]),
        "Customer number": _stats(["10231", "10232"]),  # zips by their looks
        "Visited": _stats(["03/14/22", "01/02/23"]),  # no date field by that name
    }
    result = {h: m.key for h, m in M.assign(columns, candidates).items()}
    assert result == {
        "Where": "country_id",
        "Line 1": "street",
        "Contact": "email",
        "Reach at": "phone",
        "Zip5": "zip",
        "Start": "date_start",
        "Amt Total": "price_total",
    }
    assert M.transform_for(PARTNER_FIELDS[0], states) == "lookup"


def test_renamed_invoice_and_estimate_columns():
    for header, column in (
        ("Inv Date", "Invoice Date"),
        ("Due", "Due Date"),
        ("Pay Method", "Payment Method"),
        ("Qty", "Quantity"),
        ("Pmt Type", "Payment Method"),
    ):
        assert M.normalize(header) == M.normalize(column), header
    dates = _stats(["03/14/26", "09/27/25"])
    candidates = [
        M.Candidate("Invoice Date", ("Invoice Date", "Date"), "date", by_values=True),
        M.Candidate("Due Date", ("Due Date", "Date Due"), "date", by_values=True),
        M.Candidate("Payment Method", ("Payment Method",)),
        M.Candidate("Quantity", ("Quantity",)),
    ]
    result = M.assign(
        {
            "Inv Date": dates,
            "Due": dates,
            "Pay Method": _stats(["ACH", "Check", "ACH"]),
            "Qty": _stats(["1", "2"]),
        },
        candidates,
    )
    assert {h: m.key for h, m in result.items()} == {
        "Inv Date": "Invoice Date",
        "Due": "Due Date",
        "Pay Method": "Payment Method",
        "Qty": "Quantity",
    }


def test_codes_with_leading_zeros_or_many_digits_are_text():
    assert T.infer_type(_stats(["02134", "78701", "10001"])) == "char"
    assert T.infer_type(_stats(["4155551234", "5125550100"])) == "char"
    assert T.infer_type(_stats(["0", "12", "7"])) == "integer"
    assert T.infer_type(_stats(["123456789", "5"])) == "integer"
    assert T.infer_kind(_stats(["4155551234", "5125550100"])) == "phone"
    assert T.infer_kind(_stats(["02134", "01801"])) == "zip"
