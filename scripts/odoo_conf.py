#!/usr/bin/env python3
# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Write an Odoo configuration file for the project-local set-up.

The addons path is computed at run time from wherever the ``odoo`` package is
installed (nothing of this machine is written into the repository):

* the ``odoo/addons`` folder of the odoo package (a pip-installed Odoo keeps
  every addon there);
* the ``addons/`` folder next to the odoo package, when it exists (a git
  checkout of Odoo keeps most addons there);
* the OCA addons ``scripts/setup.sh`` installed (``requirements-oca.txt``), in
  the ``odoo/addons`` folder of ``FLITSTACK_OCA_ADDONS`` (default
  ``~/.cache/flitstack/oca-addons``), when it exists;
* the root of this repository, which holds ``flitstack_migration/``.

Usage:
    odoo_conf.py --print-addons-path
    odoo_conf.py --output .odoo-data/test.conf --port 54321 [key=value ...]
"""

import argparse
import importlib.util
import os
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def addons_path():
    # find_spec does not execute odoo/__init__.py, which keeps this fast.
    spec = importlib.util.find_spec("odoo")
    if spec is None or not spec.origin:
        sys.exit("odoo_conf.py: Odoo is not importable; run scripts/setup.sh")
    package_dir = os.path.dirname(os.path.abspath(spec.origin))
    paths = [os.path.join(package_dir, "addons")]
    sibling = os.path.join(os.path.dirname(package_dir), "addons")
    if os.path.isdir(sibling):
        paths.append(sibling)
    oca = os.path.join(
        os.environ.get("FLITSTACK_OCA_ADDONS")
        or os.path.expanduser("~/.cache/flitstack/oca-addons"),
        "odoo",
        "addons",
    )
    if os.path.isdir(oca):
        paths.append(oca)
    paths.append(REPO_ROOT)
    return ",".join(paths)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print-addons-path", action="store_true")
    parser.add_argument("--output", help="configuration file to write")
    parser.add_argument("--port", type=int, help="PostgreSQL port")
    parser.add_argument(
        "options", nargs="*", metavar="key=value", help="extra [options] entries"
    )
    args = parser.parse_args()
    if args.print_addons_path:
        print(addons_path())
        return
    if not args.output or not args.port:
        parser.error("--output and --port are required")

    data_dir = os.path.join(REPO_ROOT, ".odoo-data", "data")
    options = {
        "addons_path": addons_path(),
        "data_dir": data_dir,
        "db_host": "127.0.0.1",
        "db_port": str(args.port),
        "db_user": "flitstack",
        "db_password": "False",
        "without_demo": "all",
        "list_db": "True",
        "workers": "0",
        "http_interface": "127.0.0.1",
        "http_port": "8069",
    }
    for item in args.options:
        key, sep, value = item.partition("=")
        if not sep or not key:
            parser.error(f"expected key=value, got {item!r}")
        options[key.strip()] = value.strip()

    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    os.makedirs(data_dir, exist_ok=True)
    lines = ["[options]"] + [f"{key} = {value}" for key, value in options.items()]
    with open(args.output, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    print(args.output)


if __name__ == "__main__":
    main()
