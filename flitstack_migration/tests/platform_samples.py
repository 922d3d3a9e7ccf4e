# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Helpers of the Contractor+ and The Service Program tests: the bundled samples,
their files read with the csv module (not our reader), and the generators."""

import csv
import importlib.util
import io
import zipfile
from pathlib import Path

from odoo.tools.misc import file_path

SAMPLES = {
    "contractor_plus": "flitstack_migration/static/samples/contractor_plus_sample.zip",
    "the_service_program": (
        "flitstack_migration/static/samples/the_service_program_sample.zip"
    ),
}
GENERATORS = {
    "contractor_plus": "generate_contractor_plus_export.py",
    "the_service_program": "generate_tsp_export.py",
}


def sample_bytes(platform):
    with open(file_path(SAMPLES[platform]), "rb") as handle:
        return handle.read()


def sample_rows(platform, member, encoding="utf-8-sig", data=None):
    """Rows of one CSV file of a sample, as dicts, read with the csv module."""
    raw = data if data is not None else sample_bytes(platform)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        text = archive.read(member).decode(encoding)
    return list(csv.DictReader(io.StringIO(text, newline="")))


def rename_headers(platform, renames, rename_files=None):
    """The sample with some headers (``{member: {old: new}}``) and file names
    (``{member: new name}``) changed."""
    rename_files = rename_files or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(sample_bytes(platform))) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info)
            if info.filename in renames:
                try:
                    text, encoding = data.decode("utf-8-sig"), "utf-8-sig"
                except UnicodeDecodeError:
                    text, encoding = data.decode("cp1252"), "cp1252"
                header, rest = text.split("\n", 1)
                for old, new in renames[info.filename].items():
                    header = header.replace(old, new, 1)
                data = (header + "\n" + rest).encode(encoding)
            dst.writestr(rename_files.get(info.filename, info.filename), data)
    return out.getvalue()


def load_generator(platform):
    """The generator module from the repository's tools/, or None when the addon
    is deployed without it."""
    path = Path(__file__).resolve().parents[2] / "tools" / GENERATORS[platform]
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"_gen_{platform}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
