# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The manifest's ``external_dependencies`` are exactly what the addon imports.

Every ``.py`` file of the addon (its tests aside: pytest and the like are test
tooling, in requirements.txt) is parsed with ``ast``; the top-level names of
its absolute imports, less the standard library, ``odoo`` and the packages
Odoo itself runs on, must be the Python packages the manifest declares (as
distribution names: ``charset_normalizer`` is imported, ``charset-normalizer``
is installed), no more and no fewer.
"""

import ast
import importlib.metadata
import os
import re
import sys

from odoo.tests import BaseCase
from odoo.tools.misc import file_path

ADDON = "flitstack_migration"

#: Import name -> distribution name, where they differ. Looked up first;
#: then the installed distributions are asked, then the name is used as is.
DISTRIBUTIONS = {
    "charset_normalizer": "charset-normalizer",
    "dateutil": "python-dateutil",
    "PIL": "Pillow",
    "rapidfuzz": "RapidFuzz",
    "yaml": "PyYAML",
}

#: Packages that the Odoo server itself imports, so any Odoo 18 has them: an
#: addon does not declare them (requests and urllib3 are Odoo requirements
#: too, but this addon declares the HTTP client it uses).
ODOO_PROVIDED = {
    "babel",
    "dateutil",
    "decorator",
    "docutils",
    "jinja2",
    "lxml",
    "markupsafe",
    "passlib",
    "PIL",
    "polib",
    "psutil",
    "psycopg2",
    "pytz",
    "reportlab",
    "werkzeug",
}


def canonical(name):
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def distribution(import_name):
    if import_name in DISTRIBUTIONS:
        return DISTRIBUTIONS[import_name]
    found = importlib.metadata.packages_distributions().get(import_name)
    return found[0] if found else import_name


def third_party_imports(addon_dir):
    """{top-level import name: [files importing it]}, tests excluded."""
    found = {}
    for folder, dirs, files in os.walk(addon_dir):
        dirs[:] = sorted(d for d in dirs if d not in ("tests", "__pycache__"))
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8") as handle:
                tree = ast.parse(handle.read(), path)
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level:
                    names = [node.module]
                else:
                    continue
                for top in {n.split(".", 1)[0] for n in names}:
                    if top in sys.stdlib_module_names or top == "odoo":
                        continue
                    found.setdefault(top, []).append(os.path.relpath(path, addon_dir))
    return found


def declared(manifest_path):
    with open(manifest_path, encoding="utf-8") as handle:
        manifest = ast.literal_eval(handle.read())
    names = manifest.get("external_dependencies", {}).get("python", [])
    # "name>=1.0 ; marker" -> name
    return [re.split(r"[\s<>=!~;\[]", spec, maxsplit=1)[0] for spec in names]


class TestManifest(BaseCase):
    def test_external_dependencies_are_what_the_addon_imports(self):
        manifest_path = file_path(f"{ADDON}/__manifest__.py")
        addon_dir = os.path.dirname(manifest_path)
        imports = third_party_imports(addon_dir)
        self.assertIn("openpyxl", imports, "the scan found no third-party import")
        needed = {
            canonical(distribution(name)): f"{name} (imported by {files[0]})"
            for name, files in imports.items()
            if name not in ODOO_PROVIDED
        }
        listed = [canonical(name) for name in declared(manifest_path)]
        self.assertEqual(
            len(listed), len(set(listed)), "a package is listed twice in the manifest"
        )
        missing = sorted(needed[name] for name in set(needed) - set(listed))
        extra = sorted(set(listed) - set(needed))
        self.assertFalse(
            missing, f"imported but not in external_dependencies: {missing}"
        )
        self.assertFalse(
            extra, f"in external_dependencies but imported by no file: {extra}"
        )

    def test_declared_packages_are_installed(self):
        """What Odoo checks at install, with the same distribution names."""
        for name in declared(file_path(f"{ADDON}/__manifest__.py")):
            with self.subTest(name=name):
                importlib.metadata.version(name)

    def test_every_test_module_is_imported_by_the_package(self):
        """Odoo's runner only runs the test modules tests/__init__.py imports."""
        tests_dir = os.path.dirname(__file__)
        with open(os.path.join(tests_dir, "__init__.py"), encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
        imported = {
            alias.name
            for node in tree.body
            if isinstance(node, ast.ImportFrom) and node.level == 1 and not node.module
            for alias in node.names
        }
        files = {
            name[:-3]
            for name in os.listdir(tests_dir)
            if name.startswith("test_") and name.endswith(".py")
        }
        self.assertEqual(sorted(files - imported), [], "not in tests/__init__.py")
