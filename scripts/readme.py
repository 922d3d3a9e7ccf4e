#!/usr/bin/env python3
# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Generate an addon's README.rst and static/description/index.html the OCA way.

The structure is that of OCA's ``oca-gen-addon-readme`` (maintainer-tools,
``gen_addon_readme.rst.jinja``), which is not published on PyPI: a title from
the manifest's ``name``, the badges (maturity, licence, repository), the
DESCRIPTION fragment, the alpha warning, a table of contents, then the other
fragments of ``readme/`` under their usual titles, the bug tracker, and the
credits (authors from the manifest, CONTRIBUTORS, CREDITS, maintainers).
``index.html`` is README.rst rendered by docutils with the same settings.

The fragments are Markdown (``readme/*.md``, the 18.0 default); they are
converted to reStructuredText here, for the subset the fragments use:
paragraphs, ``-`` and ``1.`` lists, ``#`` headings, fenced code blocks,
``*emphasis*``, ``**strong**``, ```code``` and ``[links](url)``, and images
alone on their line, ``![alt](static/description/picture.png)``: the path is
the addon's (right for README.rst); index.html, which is in static/description/
and whose relative images Odoo's Apps page resolves from that folder, gets the
bare file name.

Usage:
    readme.py ADDON_DIR            write README.rst and static/description/index.html
    readme.py --check ADDON_DIR    exit 1 when they are not what the fragments give
"""

import argparse
import ast
import hashlib
import os
import re
import sys

from docutils.core import publish_string

FRAGMENTS = (
    "DESCRIPTION",
    "CONTEXT",
    "INSTALL",
    "CONFIGURE",
    "USAGE",
    "DEVELOP",
    "ROADMAP",
    "HISTORY",
    "CONTRIBUTORS",
    "CREDITS",
)
SECTIONS = (
    ("CONTEXT", "Use Cases / Context"),
    ("INSTALL", "Installation"),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("DEVELOP", "Development"),
    ("ROADMAP", "Known issues / Roadmap"),
    ("HISTORY", "Changelog"),
)
LICENSE_BADGES = {
    "AGPL-3": ("AGPL--3", "http://www.gnu.org/licenses/agpl-3.0-standalone.html"),
    "LGPL-3": ("LGPL--3", "http://www.gnu.org/licenses/lgpl-3.0-standalone.html"),
    "GPL-3": ("GPL--3", "http://www.gnu.org/licenses/gpl-3.0-standalone.html"),
}
MATURITY_BADGES = {
    "alpha": ("Alpha-red", "Alpha"),
    "beta": ("Beta-yellow", "Beta"),
    "production/stable": ("Production%2FStable-green", "Production/Stable"),
    "mature": ("Mature-brightgreen", "Mature"),
}
DEVELOPMENT_STATUS_URL = "https://odoo-community.org/page/development-status"
# From OCA's generator (itself from pypa/readme_renderer).
RST2HTML_SETTINGS = {
    "file_insertion_enabled": False,
    "halt_level": 2,
    "math_output": "MathJax",
    "raw_enabled": False,
    "smart_quotes": True,
    "syntax_highlight": "short",
    "embed_stylesheet": True,
    "report_level": 2,
}
ALPHA_WARNING = (
    ".. IMPORTANT::\n"
    "   This is an alpha version, the data model and design can change at any time"
    " without warning.\n"
    "   Only for development or testing purpose, do not use in production.\n"
    f"   `More details on development status <{DEVELOPMENT_STATUS_URL}>`_\n"
)
# Section underlines for headings inside a fragment (the fragment's own
# title uses "=").
SUB_UNDERLINES = "-~^"

# --- Markdown fragment -> reStructuredText -----------------------------------
_CODE = re.compile(r"`([^`]+)`")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_TRAILING_UNDERSCORE = re.compile(r"(?<=\w)_(?=\W|$)")
_BULLET = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+(.*)$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^(\s*)(```|~~~)\s*([\w+-]*)\s*$")
_IMAGE = re.compile(r"^(\s*)!\[([^\]]*)\]\(([^)\s]+)\)\s*$")
DESCRIPTION_DIR = "static/description/"


def inline(text):
    """Markdown inline markup of one line of text -> reStructuredText."""
    # Code spans first: nothing inside them is markup.
    parts = []
    last = 0
    for match in _CODE.finditer(text):
        parts.append(("text", text[last : match.start()]))
        parts.append(("code", match.group(1)))
        last = match.end()
    parts.append(("text", text[last:]))
    out = ""
    for index, (kind, chunk) in enumerate(parts):
        if kind == "code":
            prev = out[-1:] if out else ""
            nxt = parts[index + 1][1][:1] if index + 1 < len(parts) else ""
            lead = "\\ " if prev.isalnum() else ""
            trail = "\\ " if nxt.isalnum() else ""
            out += f"{lead}``{chunk}``{trail}"
            continue
        chunk = _TRAILING_UNDERSCORE.sub(r"\\_", chunk)
        chunk = _LINK.sub(lambda m: f"`{m.group(1)} <{m.group(2)}>`__", chunk)
        out += chunk
    return out


def md_to_rst(markdown):
    lines = markdown.splitlines()
    out = []
    levels = sorted({len(m.group(1)) for m in map(_HEADING.match, lines) if m})
    index = 0
    item_indent = None  # body indent of the list item being continued
    while index < len(lines):
        line = lines[index].rstrip()
        fence = _FENCE.match(line)
        if fence:
            language = fence.group(3)
            if out and out[-1]:
                out.append("")
            out.append(f".. code:: {language}" if language else "::")
            out.append("")
            index += 1
            while index < len(lines) and not _FENCE.match(lines[index].rstrip()):
                code = lines[index].rstrip()
                out.append(f"   {code}" if code else "")
                index += 1
            out.append("")
            index += 1
            item_indent = None
            continue
        image = _IMAGE.match(line)
        if image:
            indent, alt, path = image.groups()
            if item_indent is not None:
                indent = item_indent
            if out and out[-1]:
                out.append("")
            out.append(f"{indent}.. image:: {path}")
            if alt:
                out.append(f"{indent}   :alt: {alt}")
            out.append("")
            index += 1
            continue
        heading = _HEADING.match(line)
        if heading:
            title = inline(heading.group(2))
            level = levels.index(len(heading.group(1)))
            underline = SUB_UNDERLINES[min(level, len(SUB_UNDERLINES) - 1)]
            if out and out[-1]:
                out.append("")
            out.extend([title, underline * len(title), ""])
            index += 1
            item_indent = None
            continue
        bullet = _BULLET.match(line)
        if bullet and not bullet.group(1):
            marker = bullet.group(2)
            if marker in "*+":
                marker = "-"
            if out and out[-1] and item_indent is None:
                out.append("")
            out.append(f"{marker} {inline(bullet.group(3))}")
            item_indent = " " * (len(marker) + 1)
            index += 1
            continue
        if not line:
            out.append("")
            item_indent = None
            index += 1
            continue
        if item_indent is not None:
            out.append(item_indent + inline(line.strip()))
        else:
            out.append(inline(line))
        index += 1
    text = "\n".join(out).strip("\n")
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text + "\n"


# --- README.rst ----------------------------------------------------------------
def read_manifest(addon_dir):
    with open(os.path.join(addon_dir, "__manifest__.py"), encoding="utf-8") as handle:
        return ast.literal_eval(handle.read())


def read_fragments(addon_dir):
    fragments = {}
    folder = os.path.join(addon_dir, "readme")
    for name in FRAGMENTS:
        for ext, convert in ((".md", md_to_rst), (".rst", lambda text: text)):
            path = os.path.join(folder, name + ext)
            if os.path.exists(path):
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
                if text.strip():
                    fragments[name] = convert(text).rstrip("\n") + "\n"
                break
    return fragments


def source_digest(addon_dir):
    """sha256 of the manifest and the fragments, as OCA's generator writes it."""
    digest = hashlib.sha256()
    paths = [os.path.join(addon_dir, "__manifest__.py")]
    folder = os.path.join(addon_dir, "readme")
    if os.path.isdir(folder):
        paths += [os.path.join(folder, n) for n in sorted(os.listdir(folder))]
    for path in paths:
        if os.path.isfile(path):
            digest.update(os.path.relpath(path, addon_dir).encode())
            with open(path, "rb") as handle:
                digest.update(handle.read())
    return "sha256:" + digest.hexdigest()


def repository(manifest):
    """(org, repo) from a GitHub ``website``, else ("", "")."""
    match = re.match(
        r"https?://github\.com/([^/]+)/([^/#?]+)", manifest.get("website", "")
    )
    return (match.group(1), match.group(2)) if match else ("", "")


def section(title, body, underline="="):
    return f"{title}\n{underline * len(title)}\n\n{body}\n"


def badges_of(manifest, addon_name, branch, org, repo):
    badges = []
    status = manifest.get("development_status", "Beta").lower()
    if status in MATURITY_BADGES:
        image, alt = MATURITY_BADGES[status]
        image = f"https://img.shields.io/badge/maturity-{image}.png"
        badges.append((image, DEVELOPMENT_STATUS_URL, alt))
    licence = manifest.get("license")
    if licence in LICENSE_BADGES:
        image, target = LICENSE_BADGES[licence]
        image = f"https://img.shields.io/badge/license-{image}-blue.png"
        badges.append((image, target, f"License: {licence}"))
    if org:
        badge_repo = repo.replace("-", "--")
        image = (
            f"https://img.shields.io/badge/github-{org}%2F{badge_repo}"
            "-lightgray.png?logo=github"
        )
        target = f"https://github.com/{org}/{repo}/tree/{branch}/{addon_name}"
        badges.append((image, target, f"{org}/{repo}"))
    if not badges:
        return []
    defs = ""
    for number, (image, target, alt) in enumerate(badges, 1):
        defs += f".. |badge{number}| image:: {image}\n"
        defs += f"    :target: {target}\n    :alt: {alt}\n"
    refs = " ".join(f"|badge{n}|" for n in range(1, len(badges) + 1))
    return [defs, refs + "\n"]


def bug_tracker(addon_name, branch, org, repo):
    issues = f"https://github.com/{org}/{repo}/issues"
    body = (
        "%0A%0A**Steps%20to%20reproduce**%0A-%20...%0A%0A**Current%20behavior**"
        "%0A%0A**Expected%20behavior**"
    )
    feedback = f"{issues}/new?body=module:%20{addon_name}%0Aversion:%20{branch}{body}"
    text = f"""\
Bugs are tracked on `GitHub Issues <{issues}>`_.
In case of trouble, please check there if your issue has already been reported.
If you spotted it first, help us to smash it by providing a detailed and welcomed
`feedback <{feedback}>`_.

Do not contact contributors directly about support or help with technical issues."""
    return section("Bug Tracker", text)


def credits_of(manifest, fragments, addon_name, branch, org, repo):
    credits = []
    authors = [a.strip() for a in manifest.get("author", "").split(",") if a.strip()]
    if authors:
        credits.append(section("Authors", "\n".join(f"* {a}" for a in authors), "-"))
    if "CONTRIBUTORS" in fragments:
        credits.append(section("Contributors", fragments["CONTRIBUTORS"].rstrip(), "-"))
    if "CREDITS" in fragments:
        credits.append(section("Other credits", fragments["CREDITS"].rstrip(), "-"))
    maintainers = manifest.get("maintainers") or []
    body = ""
    if maintainers:
        for login in maintainers:
            body += f".. |maintainer-{login}| image:: https://github.com/{login}.png"
            body += f"?size=40px\n    :target: https://github.com/{login}\n"
            body += f"    :alt: {login}\n"
        plural = "s" if len(maintainers) > 1 else ""
        body += f"\nCurrent maintainer{plural}:\n\n"
        body += " ".join(f"|maintainer-{login}|" for login in maintainers) + "\n\n"
    if org:
        url = f"https://github.com/{org}/{repo}/tree/{branch}/{addon_name}"
        body += f"This module is part of the `{org}/{repo} <{url}>`_ project on GitHub."
        body += "\n\n"
    body += "You are welcome to contribute."
    credits.append(section("Maintainers", body, "-"))
    return section("Credits", "\n".join(credits).rstrip("\n"))


def render_readme(addon_dir):
    addon_name = os.path.basename(os.path.abspath(addon_dir))
    manifest = read_manifest(addon_dir)
    fragments = read_fragments(addon_dir)
    branch = ".".join(manifest["version"].split(".")[:2])
    org, repo = repository(manifest)
    name = manifest["name"]
    banner = (
        "..\n"
        "   !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        "   !! This file is generated by scripts/readme.py    !!\n"
        "   !! (after oca-gen-addon-readme) from readme/*.md: !!\n"
        "   !! changes will be overwritten.                   !!\n"
        "   !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        f"   !! source digest: {source_digest(addon_dir)}\n"
        "   !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    )
    parts = [f"{'=' * len(name)}\n{name}\n{'=' * len(name)}\n", banner]
    parts += badges_of(manifest, addon_name, branch, org, repo)
    if "DESCRIPTION" in fragments:
        parts.append(fragments["DESCRIPTION"])
    if manifest.get("development_status", "Beta").lower() == "alpha":
        parts.append(ALPHA_WARNING)
    parts.append("**Table of contents**\n\n.. contents::\n   :local:\n")
    for key, title in SECTIONS:
        if key in fragments:
            parts.append(section(title, fragments[key].rstrip("\n")))
    if org:
        parts.append(bug_tracker(addon_name, branch, org, repo))
    parts.append(credits_of(manifest, fragments, addon_name, branch, org, repo))
    return "\n".join(parts).rstrip("\n") + "\n"


def render_index(readme_text, source_path):
    html = publish_string(
        readme_text,
        source_path=source_path,
        writer_name="html4css1",
        settings_overrides=RST2HTML_SETTINGS,
    ).decode("utf-8")
    # Odoo 17+ warns about an XML declaration in a module description.
    if html.startswith("<?xml"):
        html = html.split("\n", 1)[1]
    # index.html is in static/description/ itself (see the module docstring)
    html = html.replace(f'src="{DESCRIPTION_DIR}', 'src="')
    # The marker OCA's generator looks for before overwriting an index.html.
    return html.replace(
        "<head>",
        "<head>\n<!-- generated by scripts/readme.py (oca-gen-addon-readme) -->",
        1,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("addon_dir")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    addon_dir = args.addon_dir
    readme_path = os.path.join(addon_dir, "README.rst")
    index_path = os.path.join(addon_dir, "static", "description", "index.html")
    readme = render_readme(addon_dir)
    index = render_index(readme, readme_path)  # also fails on rst errors
    stale = []
    for path, text in ((readme_path, readme), (index_path, index)):
        current = None
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                current = handle.read()
        if current == text:
            continue
        stale.append(path)
        if not args.check:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
            sys.stdout.write(f"written: {path}\n")
    if args.check and stale:
        sys.stderr.write(
            "out of date with readme/ and the manifest: "
            + ", ".join(stale)
            + "\n(run `make readme`)\n"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
