# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The engine's transform: a source record to the values of its Odoo record."""

from datetime import datetime

from ..engine.journal import Journal
from ..engine.resolve import Resolver
from ..engine.transform import Transformer
from ..presets.base import FieldSpec, ObjectSpec
from ..readers.base import SourceRecord
from .common import MigrationCase

VISIT = ObjectSpec(
    key="visit",
    label="Visits",
    model="crm.lead",
    id_column="Ref",
    created_column="Created",
    fields=(FieldSpec("name", "Title", required=True),),
)


class TestTransform(MigrationCase):
    def _transformer(self):
        project = self._project()  # its time zone: America/Chicago
        run = self.env["migration.run"].create({"project_id": project.id})
        journal = Journal(run)
        resolver = Resolver(self.env, project, project._preset(), journal)
        return Transformer(self.env, project, project._preset(), resolver, None)

    def _created(self, transformer, text):
        record = SourceRecord(
            "visit", "V1", {"Ref": "V1", "Title": "A", "Created": text}
        )
        vals, _warnings = transformer.transform(VISIT, VISIT.fields, record)
        return vals["x_source_created"]

    def test_times_with_an_offset_are_not_shifted_twice(self):
        transformer = self._transformer()
        # written in the old system's time zone (CST, UTC-6): six hours later in UTC
        self.assertEqual(
            self._created(transformer, "03/01/2026 10:00"), datetime(2026, 3, 1, 16, 0)
        )
        # the source gave its offset: that instant, in UTC
        self.assertEqual(
            self._created(transformer, "2026-03-01T10:00:00+02:00"),
            datetime(2026, 3, 1, 8, 0),
        )
        self.assertEqual(
            self._created(transformer, "2026-03-01T10:00:00Z"),
            datetime(2026, 3, 1, 10, 0),
        )

    def test_a_lead_without_owner_gets_the_fallback_owner(self):
        transformer = self._transformer()
        record = SourceRecord("visit", "V1", {"Ref": "V1", "Title": "A"})
        vals, _warnings = transformer.transform(VISIT, VISIT.fields, record)
        self.assertEqual(vals["user_id"], self.fallback.id)
        self.assertEqual(vals["x_source_id"], "V1")
