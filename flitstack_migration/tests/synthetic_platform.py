# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A third platform defined entirely here, to prove the reader + preset contract.

"Fieldbook" is fictional: its export has other file names, other headers and other
words than any real platform's. Nothing in the engine, models, wizards or CLI knows
it: it is found through the registries like any platform. The day someone adds a
platform branch to the engine, the test using it is where that shows.
"""

from ..presets.base import Column, FieldSpec, ObjectSpec, Preset, Stage, register
from ..readers.base import FileReader

PLATFORM = "synthetic_fieldbook"

PRESET = register(
    Preset(
        platform=PLATFORM,
        label="Fieldbook (test platform)",
        custom_prefix="x_fb_",
        export_help="Export the Fieldbook address book, visits and diary as CSV.",
        objects=(
            ObjectSpec(
                key="household",
                label="Households",
                model="res.partner",
                files=("address book", "households"),
                columns=(
                    Column("Household Ref", required=True),
                    Column("Household", required=True),
                    Column("Mail", ("E-mail",)),
                    Column("Town"),
                ),
                id_column="Household Ref",
                custom_fields=True,
                fields=(
                    FieldSpec("name", "Household", required=True),
                    FieldSpec("email", "Mail", "email"),
                    FieldSpec("city", "Town"),
                    FieldSpec("customer_rank", None, "constant", default=1),
                ),
            ),
            ObjectSpec(
                key="visit",
                label="Visits",
                model="crm.lead",
                files=("visits",),
                columns=(
                    Column("Visit Ref", required=True),
                    Column("Household Ref", required=True),
                    Column("Purpose"),
                    Column("Outcome"),
                    Column("Worth"),
                ),
                id_column="Visit Ref",
                depends=("household",),
                fields=(
                    FieldSpec("name", "Purpose", required=True),
                    FieldSpec("partner_id", "Household Ref", "ref", ref="household"),
                    FieldSpec("type", None, "constant", default="opportunity"),
                    FieldSpec("expected_revenue", "Worth", "money"),
                    FieldSpec(
                        "stage_id",
                        "Outcome",
                        "stage",
                        pipeline="Fieldbook",
                        stages=(
                            Stage("Booked", 20.0),
                            Stage("Visited", 60.0),
                            Stage("Signed", outcome="won"),
                            Stage("Declined", outcome="lost"),
                        ),
                    ),
                ),
            ),
            ObjectSpec(
                key="diary",
                label="Diary entries",
                model="mail.message",
                kind="message",
                files=("diary",),
                columns=(
                    Column("Entry Ref", required=True),
                    Column("Household Ref", required=True),
                    Column("Entry", required=True),
                ),
                id_column="Entry Ref",
                depends=("household",),
                attach_to=(("Household Ref", "household"),),
                fields=(FieldSpec("body", "Entry", required=True),),
            ),
        ),
    )
)


class FieldbookReader(FileReader):
    """The test platform's reader: the generic file reader, nothing particular."""

    platform = PLATFORM


def export(households=12, changed=None):
    """The Fieldbook export as ``[(file name, bytes)]``: households, visits, diary.

    :param changed: ``{household ref: town}`` towns changed since the first export
    """
    changed = changed or {}
    book = ["Household Ref,Household,E-mail,Town,Dog's name"]
    visits = ["Visit Ref,Household Ref,Purpose,Outcome,Worth"]
    diary = ["Entry Ref,Household Ref,Entry"]
    outcomes = ("Booked", "Visited", "Signed", "Declined")
    for number in range(1, households + 1):
        ref = f"H{number:03d}"
        town = changed.get(ref, f"Town {number % 4}")
        book.append(f"{ref},Household {number},h{number}@fieldbook.example,{town},Rex")
        visits.append(
            f"V{number:03d},{ref},Window check {number},"
            f'{outcomes[number % 4]},"${number * 100:,}.00"'
        )
        diary.append(f"D{number:03d},{ref},Spoke to the owner ({number})")
    return [
        ("Address Book.csv", "\r\n".join(book).encode()),
        ("visits.csv", "\r\n".join(visits).encode()),
        ("diary.csv", "\r\n".join(diary).encode()),
    ]
