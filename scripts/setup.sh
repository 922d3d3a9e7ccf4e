#!/usr/bin/env bash
# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Install what the project needs and is missing, and nothing that is present.
# On a machine that is already set up this does no network work at all.
#
#   1. PostgreSQL server binaries: the Debian package `postgresql` (apt-get),
#      only when no initdb is found in /usr/lib/postgresql/*/bin (or on PATH).
#   2. Odoo 18, only when `import odoo` does not give an Odoo 18: a shallow
#      clone of the upstream 18.0 branch into a cache folder outside the
#      repository (FLITSTACK_ODOO_SRC, default ~/.cache/flitstack/odoo-18.0),
#      the build headers its requirements need, its requirements, and an
#      editable pip install of the checkout.
#   3. The Python dependencies of requirements.txt and requirements-dev.txt
#      (pip), only when one of them is missing or older than the lower bound
#      given there.
#   4. Chromium (Debian package `chromium`), for Odoo's browser tests (tours),
#      only when none of the browsers Odoo 18 looks for is on PATH
#      (google-chrome, chromium, chromium-browser, google-chrome-stable).
#   5. wkhtmltopdf (Debian package `wkhtmltopdf`), which Odoo uses to render
#      PDF reports (the reconciliation report), only when it is not on PATH.
#   6. The OCA addons of requirements-oca.txt (queue_job, odoo-addon-<name> on
#      PyPI), only when missing: pip install --no-deps --target into a cache
#      folder outside the repository (FLITSTACK_OCA_ADDONS, default
#      ~/.cache/flitstack/oca-addons), whose odoo/addons folder
#      scripts/odoo_conf.py puts on the addons path. Not into the interpreter:
#      an odoo/addons folder in site-packages would make `odoo` a namespace
#      package there and hide the editable Odoo checkout.
#
# apt-get update runs at most once, and only when something is installed.
# Environment: PYTHON (default python3), FLITSTACK_ODOO_SRC.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

APT_UPDATED=0
apt_install() {
    local SUDO=()
    command -v apt-get >/dev/null \
        || die "apt-get not found: install these yourself: $*"
    if [[ "$(id -u)" != 0 ]]; then
        command -v sudo >/dev/null \
            || die "not root and no sudo: cannot apt-get install $*"
        SUDO=(sudo)
    fi
    if [[ "$APT_UPDATED" == 0 ]]; then
        "${SUDO[@]}" apt-get update -qq
        APT_UPDATED=1
    fi
    log "apt-get install $*"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "$@"
}

pip_install() {
    local marker
    # A Debian-managed interpreter (PEP 668) refuses pip installs outside a
    # virtualenv: say so instead of forcing it.
    marker="$("$PYTHON" -c 'import sys, sysconfig, os
if sys.prefix == sys.base_prefix:
    path = os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")
    print(path if os.path.exists(path) else "")')"
    if [[ -n "$marker" && -z "${PIP_BREAK_SYSTEM_PACKAGES:-}" ]]; then
        die "$PYTHON is managed by the OS ($marker): use a virtualenv" \
            "(PYTHON=/path/to/venv/bin/python) or set PIP_BREAK_SYSTEM_PACKAGES=1"
    fi
    log "pip install $*"
    "$PYTHON" -m pip install --disable-pip-version-check "$@"
}

# --- 1. PostgreSQL -----------------------------------------------------------
setup_postgresql() {
    if [[ -n "$(pg_bindir)" ]]; then
        log "PostgreSQL: found in $(pg_bindir)"
        return 0
    fi
    apt_install postgresql
    [[ -n "$(pg_bindir)" ]] || die "PostgreSQL installed but initdb still not found"
    # The Debian package may create and start its own "main" cluster; the
    # project does not use it (scripts/pg.sh runs a private one).
    log "PostgreSQL: installed in $(pg_bindir)"
}

# --- 2. Odoo 18 --------------------------------------------------------------
odoo18_importable() {
    "$PYTHON" -c "import odoo, odoo.release as r; assert r.version_info[0] == 18" \
        >/dev/null 2>&1
}

setup_odoo() {
    if odoo18_importable; then
        log "Odoo: $("$PYTHON" -c 'import odoo.release as r; print(r.version)') is importable"
        return 0
    fi
    # Only reached on a machine without Odoo 18: this part downloads.
    local src="${FLITSTACK_ODOO_SRC:-${XDG_CACHE_HOME:-$HOME/.cache}/flitstack/odoo-18.0}"
    case "$src/" in
        "$REPO_ROOT"/*) die "FLITSTACK_ODOO_SRC must be outside the repository" ;;
    esac
    log "Odoo 18 is not importable by $PYTHON: installing it from upstream into $src"
    command -v git >/dev/null || apt_install git
    if [[ ! -f "$src/odoo/release.py" ]]; then
        rm -rf "$src"
        mkdir -p "$(dirname "$src")"
        git clone --depth 1 --branch 18.0 https://github.com/odoo/odoo.git "$src"
    fi
    # Headers to build python-ldap and psycopg2 from source, a C compiler.
    local pkgs=(libldap2-dev libsasl2-dev libpq-dev)
    command -v cc >/dev/null || pkgs+=(build-essential)
    apt_install "${pkgs[@]}"
    # Odoo's requirements pin cbor2 5.4.2 for Python < 3.12, which no longer
    # builds; use the newer pin the same file gives for Python >= 3.12.
    local reqs
    reqs="$(mktemp)"
    sed 's/^cbor2==5.4.2.*/cbor2==5.6.2/' "$src/requirements.txt" >"$reqs"
    pip_install -r "$reqs"
    rm -f "$reqs"
    pip_install -e "$src"
    odoo18_importable || die "Odoo 18 still not importable after installing it"
    log "Odoo: installed from $src"
}

# --- 3. Python dependencies --------------------------------------------------
# missing_requirements FILE: print the requirements of FILE that are missing
# or too old.
missing_requirements() {
    "$PYTHON" - "$1" <<'EOF'
import importlib.metadata as metadata
import re
import sys

try:
    from packaging.requirements import Requirement
except ImportError:  # no packaging: only check that each one is installed
    Requirement = None

for line in open(sys.argv[1], encoding="utf-8"):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    if Requirement is not None:
        req = Requirement(line)
        name, spec = req.name, req.specifier
    else:
        name, spec = re.split(r"[<>=!~;\[ ]", line, maxsplit=1)[0], None
    try:
        version = metadata.version(name)
    except metadata.PackageNotFoundError:
        print(line)
        continue
    if spec is not None and not spec.contains(version, prereleases=True):
        print(line)
EOF
}

setup_python_deps() {
    local req missing
    # requirements.txt: the addon and its tests; requirements-dev.txt: lint
    # and packaging tools (make lint, make wheel, make readme).
    for req in requirements.txt requirements-dev.txt; do
        missing="$(missing_requirements "$REPO_ROOT/$req")"
        if [[ -z "$missing" ]]; then
            log "Python dependencies: all present ($req)"
            continue
        fi
        log "Python dependencies missing or too old ($req):" $missing
        pip_install -r "$REPO_ROOT/$req"
        missing="$(missing_requirements "$REPO_ROOT/$req")"
        [[ -z "$missing" ]] || die "still missing after pip install: $missing"
    done
}

# --- 4. Chromium, for browser tests (tours) -----------------------------------
# The names Odoo 18 tries, in its order (odoo/tests/common.py, ChromeBrowser).
find_browser() {
    local name
    for name in google-chrome chromium chromium-browser google-chrome-stable; do
        if command -v "$name" >/dev/null; then
            command -v "$name"
            return 0
        fi
    done
    return 1
}

setup_browser() {
    if find_browser >/dev/null; then
        log "Browser for tours: $(find_browser)"
        return 0
    fi
    apt_install chromium
    find_browser >/dev/null || die "chromium installed but not found on PATH"
    log "Browser for tours: installed $(find_browser)"
}

# --- 5. wkhtmltopdf, for PDF reports -----------------------------------------
setup_wkhtmltopdf() {
    if command -v wkhtmltopdf >/dev/null; then
        log "wkhtmltopdf: $(command -v wkhtmltopdf)"
        return 0
    fi
    # Debian's build (unpatched Qt): Odoo renders reports with it and logs
    # that headers and footers need the patched build from wkhtmltopdf.org.
    apt_install wkhtmltopdf
    command -v wkhtmltopdf >/dev/null || die "wkhtmltopdf installed but not found on PATH"
    log "wkhtmltopdf: installed $(command -v wkhtmltopdf)"
}

# --- Odoo's multi-process server: the gevent worker -------------------------
# With workers > 0 Odoo starts a gevent process (websocket, live progress);
# gevent loads its plugins through pkg_resources, which (setuptools < 69) does
# not find zope.interface >= 7 and zope.event >= 5.1 (their metadata folders
# are named zope_interface-*, zope_event-*): the process dies at start and
# Odoo starts it again every second, eating a core. Older releases of both,
# which gevent accepts, have the names pkg_resources looks for.
setup_gevent_plugins() {
    if "$PYTHON" -c 'import pkg_resources; pkg_resources.require("gevent")' \
        >/dev/null 2>&1; then
        return 0
    fi
    pip_install "zope.interface<7" "zope.event<5.1"
}

# --- 6. OCA addons ------------------------------------------------------------
setup_oca_addons() {
    local missing=() line name
    while read -r line; do
        line="${line%%#*}"
        line="${line//[[:space:]]/}"
        [[ "$line" =~ ^odoo-addon-([A-Za-z0-9_]+) ]] || continue
        name="${BASH_REMATCH[1]}"
        [[ -f "$FLITSTACK_OCA_ADDONS/odoo/addons/$name/__manifest__.py" ]] \
            || missing+=("$line")
    done <"$REPO_ROOT/requirements-oca.txt"
    if [[ ${#missing[@]} -eq 0 ]]; then
        log "OCA addons: all present"
        return 0
    fi
    log "OCA addons missing: ${missing[*]}"
    pip_install --no-deps --upgrade --target "$FLITSTACK_OCA_ADDONS" "${missing[@]}"
    log "OCA addons: installed ${missing[*]}"
}

setup_postgresql
setup_odoo
setup_python_deps
setup_browser
setup_wkhtmltopdf
setup_gevent_plugins
setup_oca_addons
log "set-up complete"
