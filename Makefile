# FlitStack Migration: developer entry points. See README.md.
#   make test  [ARGS="-k reader -x"]    addon tests on a fresh throwaway database
#   make demo                           sample migration, then Odoo on :8069
#   make bench [ARGS="--customers 10000 --jobs 30000"]
SHELL := /bin/bash
PYTHON ?= python3
export PYTHON
ARGS ?=

.PHONY: help setup test demo bench pg-start pg-stop pg-status lint format clean

help:
	@sed -n 's/^#   //p' Makefile

setup:
	scripts/setup.sh

test:
	scripts/test.sh $(ARGS)

demo:
	scripts/demo.sh

bench:
	scripts/bench.sh $(ARGS)

pg-start:
	scripts/pg.sh start

pg-stop:
	scripts/pg.sh stop

pg-status:
	scripts/pg.sh status

# ruff is not a project dependency: pip install ruff to use these.
lint:
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

format:
	$(PYTHON) -m ruff check --fix .
	$(PYTHON) -m ruff format .

# Stop the cluster and delete every local runtime file (databases included).
clean:
	scripts/pg.sh stop
	rm -rf .pgdata .odoo-data .pytest_cache .ruff_cache
