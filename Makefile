# FlitStack Migration: developer entry points. See README.md.
#   make setup                          install what is missing (scripts/setup.sh)
#   make lint                           ruff, pylint-odoo, oca-checks-odoo-module, headers
#   make lint-optional                  pylint-odoo's optional checks (warnings only)
#   make format                         ruff --fix and ruff format
#   make test  [ARGS="-k reader -x"]    addon tests (pytest-odoo) on a fresh database
#   make test-odoo                      addon tests through Odoo's own test runner
#   make test-odoo-core                 Odoo's crm/sale/project/account tests with the addon
#   make wheel                          build dist/odoo_addon_flitstack_migration-*.whl
#   make wheel-check                    build it, install it in a scratch venv, check it
#   make readme                         README.rst + static/description/index.html
#   make screenshots                    the wizard's pictures in static/description/
#   make pot                            regenerate i18n/flitstack_migration.pot
#   make demo                           sample migration, then Odoo on :8069
#   make bench [ARGS="--customers 10000 --jobs 30000"]
#   make bench-jobs [ARGS="--workers 1 2"]  a run on queue_job workers, real server
#   make cron-run [ARGS="--kills 4"]    an export through a real server's cron (kills)
SHELL := /bin/bash
PYTHON ?= python3
export PYTHON
ARGS ?=
ADDON := flitstack_migration

.PHONY: help setup lint lint-optional format test test-odoo test-odoo-core wheel \
	wheel-check readme screenshots pot demo bench bench-jobs cron-run pg-start pg-stop pg-status clean

help:
	@sed -n 's/^#   //p' Makefile

setup:
	scripts/setup.sh

# Every check runs, the target fails if any did: see scripts/lint.sh. The
# tools come from requirements-dev.txt (make setup).
lint:
	scripts/lint.sh

lint-optional:
	$(PYTHON) -m pylint --rcfile=.pylintrc --output-format=text --exit-zero $(ADDON)

format:
	$(PYTHON) -m ruff check --fix .
	$(PYTHON) -m ruff format .

test:
	scripts/test.sh $(ARGS)

test-odoo:
	scripts/test_odoo_runner.sh

test-odoo-core:
	scripts/odoo_core_tests.sh $(ARGS)

wheel:
	scripts/build_wheel.sh

wheel-check:
	scripts/check_wheel.sh

readme:
	$(PYTHON) scripts/readme.py $(ADDON)

screenshots:
	scripts/screenshots.sh

pot:
	scripts/export_pot.sh

demo:
	scripts/demo.sh

bench:
	scripts/bench.sh $(ARGS)

bench-jobs:
	BENCH=tools/bench_jobs.py scripts/bench.sh $(ARGS)

cron-run:
	scripts/cron_run.sh $(ARGS)

pg-start:
	scripts/pg.sh start

pg-stop:
	scripts/pg.sh stop

pg-status:
	scripts/pg.sh status

# Stop the cluster and delete every local runtime file (databases included).
clean:
	scripts/pg.sh stop
	rm -rf .pgdata .odoo-data .pytest_cache .ruff_cache dist
