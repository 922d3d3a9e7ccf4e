#!/usr/bin/env python3
# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Check, or add, the copyright and licence header of every source file.

The header is the one the addon's manifest declares: its ``author`` and its
``license``, in the OCA form::

    # Copyright 2026 FlitStack
    # License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

as ``#`` comments in Python and shell files, as one ``<!-- ... -->`` comment in
XML files and as one ``/* ... */`` comment in JavaScript files. It goes first
in the file, after what must stay first: a shebang line and a Python encoding
line, an XML declaration, a JavaScript ``@odoo-module`` annotation.

A file passes when, near its top, it has a ``Copyright <year> <author>`` line
(any year or year range) and the exact licence line. ``--fix`` writes the
header, with the current year, into the files that have neither, and the
missing line into the files that have only one of them.

Files: ``*.py``, ``*.xml``, ``*.js``, ``*.sh`` and extension-less scripts with
a shebang, under the addon, ``tools/`` and ``scripts/`` (or the paths given).

Usage:
    license_headers.py [--check] [PATH ...]   exit 1 and list the files without it
    license_headers.py --fix [PATH ...]       add it where it is missing
"""

import argparse
import ast
import datetime
import os
import re
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDON = "flitstack_migration"
DEFAULT_ROOTS = (ADDON, "tools", "scripts")
SKIP_DIRS = {"__pycache__", "node_modules", "lib", ".git", "build", "dist"}

#: The licence line of each manifest ``license``, as OCA writes it.
LICENSE_TEXT = {
    "LGPL-3": "LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).",
    "AGPL-3": "AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).",
    "GPL-3": "GPL-3.0 or later (https://www.gnu.org/licenses/gpl).",
    "OPL-1": "OPL-1 (https://www.odoo.com/documentation/master/legal/licenses.html).",
}

#: Lines looked at for an existing header, from the top of the file.
HEAD_LINES = 12

PY_ENCODING = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
ODOO_MODULE = re.compile(r"^\s*/\*\*?\s*@odoo-module\b.*\*/\s*$")


def manifest_header(addon_dir):
    """(author, licence line) from the addon's ``__manifest__.py``."""
    path = os.path.join(addon_dir, "__manifest__.py")
    with open(path, encoding="utf-8") as handle:
        manifest = ast.literal_eval(handle.read())
    author = manifest.get("author", "").strip()
    licence = manifest.get("license", "LGPL-3")
    if not author:
        sys.exit(f"{path}: no author, so no copyright holder for the header")
    if licence not in LICENSE_TEXT:
        sys.exit(f"{path}: licence {licence!r} has no header text in this script")
    return author, LICENSE_TEXT[licence]


def kind_of(path):
    """'hash', 'xml', 'js', or None when the file is not a source file."""
    name = os.path.basename(path)
    ext = os.path.splitext(name)[1]
    if ext in (".py", ".sh"):
        return "hash"
    if ext == ".xml":
        return "xml"
    if ext == ".js":
        return "js"
    if not ext:
        try:
            with open(path, "rb") as handle:
                first = handle.readline(200)
        except OSError:
            return None
        if first.startswith(b"#!"):
            return "hash"
    return None


def source_files(paths):
    for top in paths:
        if os.path.isfile(top):
            if kind_of(top):
                yield top
            continue
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
            for name in sorted(files):
                path = os.path.join(folder, name)
                if kind_of(path):
                    yield path


def header_lines(kind, author, licence, year):
    copyright_text = f"Copyright {year} {author}"
    licence_text = f"License {licence}"
    if kind == "hash":
        return [f"# {copyright_text}\n", f"# {licence_text}\n"]
    if kind == "xml":
        return [f"<!-- {copyright_text}\n", f"     {licence_text} -->\n"]
    return [f"/* {copyright_text}\n", f" * {licence_text} */\n"]


def preamble_length(kind, lines):
    """How many lines at the top must stay above the header."""
    count = 0
    if kind == "hash":
        if lines and lines[0].startswith("#!"):
            count = 1
        if len(lines) > count and PY_ENCODING.match(lines[count]):
            count += 1
    elif kind == "xml":
        if lines and XML_DECLARATION.match(lines[0]):
            count = 1
    elif kind == "js" and lines and ODOO_MODULE.match(lines[0]):
        count = 1
    return count


def check_text(lines, author, licence):
    """(has the copyright line, has the licence line) near the top."""
    head = "".join(lines[:HEAD_LINES])
    copyright_re = re.compile(
        r"Copyright\s+(\(C\)\s+)?\d{4}(\s*-\s*\d{4})?,?\s+" + re.escape(author)
    )
    return bool(copyright_re.search(head)), f"License {licence}" in head


def fix_lines(kind, lines, author, licence, year, has_copyright, has_licence):
    header = header_lines(kind, author, licence, year)
    if not has_copyright and not has_licence:
        at = preamble_length(kind, lines)
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        return lines[:at] + header + lines[at:]
    # One of the two is there: add the other next to it, as its own comment.
    if kind == "hash":
        single = header[1] if has_copyright else header[0]
    elif kind == "xml":
        text = f"License {licence}" if has_copyright else f"Copyright {year} {author}"
        single = f"<!-- {text} -->\n"
    else:
        text = f"License {licence}" if has_copyright else f"Copyright {year} {author}"
        single = f"/* {text} */\n"
    present = "Copyright" if has_copyright else "License"
    for index, line in enumerate(lines[:HEAD_LINES]):
        if present in line:
            end = index
            # A multi-line comment: insert after its end.
            closer = {"xml": "-->", "js": "*/"}.get(kind)
            while closer and closer not in lines[end] and end + 1 < len(lines):
                end += 1
            if has_copyright:
                return lines[: end + 1] + [single] + lines[end + 1 :]
            return lines[:index] + [single] + lines[index:]
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="report only (default)")
    mode.add_argument("--fix", action="store_true", help="add missing headers")
    parser.add_argument("--year", type=int, default=datetime.date.today().year)
    parser.add_argument(
        "paths",
        nargs="*",
        help=f"files or folders (default: {', '.join(DEFAULT_ROOTS)})",
    )
    args = parser.parse_args()

    author, licence = manifest_header(os.path.join(REPO_ROOT, ADDON))
    if args.paths:
        paths = args.paths
    else:
        paths = [os.path.join(REPO_ROOT, root) for root in DEFAULT_ROOTS]
    missing = []
    for path in source_files(paths):
        with open(path, encoding="utf-8") as handle:
            lines = handle.readlines()
        has_copyright, has_licence = check_text(lines, author, licence)
        if has_copyright and has_licence:
            continue
        shown = os.path.relpath(path, os.getcwd())
        missing.append(shown)
        if args.fix:
            new = fix_lines(
                kind_of(path),
                lines,
                author,
                licence,
                args.year,
                has_copyright,
                has_licence,
            )
            with open(path, "w", encoding="utf-8") as handle:
                handle.writelines(new)
            print(f"header added: {shown}")
    if args.fix or not missing:
        return 0
    for shown in missing:
        print(
            f"{shown}: no copyright/licence header (Copyright <year> {author} /"
            f" License {licence})"
        )
    print(
        f"{len(missing)} file(s) without the header; "
        f"`python3 scripts/license_headers.py --fix` adds it",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
