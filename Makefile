# Every habit has a target; CI runs the same ones (`.ci/run` calls `make test`).
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
VENV := .venv
XINXIAO := $(VENV)/bin/xinxiao
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help run test install install-dev assets migrate demo serve lint types contracts pytest bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv .tools && .tools/bin/pip install --quiet uv

install: $(UV) ## create .venv with the locked runtime dependencies
	$(UV) sync --frozen --no-dev --inexact

install-dev: $(UV) ## create .venv with runtime, Spark and development dependencies
	$(UV) sync --frozen --all-extras

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

assets: node_modules/.package-lock.json ## install front-end packages (ECharts, Swagger UI) from the npm registry

migrate: install ## migrate the embedded database under var/ and seed reference data
	$(XINXIAO) db upgrade

demo: migrate ## load the demo data set when the database has no users yet
	$(XINXIAO) demo load

run: install assets demo ## install, migrate, load the demo and serve at http://127.0.0.1:8000
	@echo "Xinxiao is starting at http://127.0.0.1:8000  (demo logins above; password xinxiao-demo)"
	$(XINXIAO) serve --host 127.0.0.1 --port 8000

lint: install-dev ## ruff lint and format check
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

types: install-dev ## mypy (strict) over the package
	$(VENV)/bin/mypy

contracts: install-dev ## import-linter contracts (layers and domain boundaries)
	$(VENV)/bin/lint-imports

pytest: install-dev assets ## the test suite (PostgreSQL too when XINXIAO_TEST_POSTGRES_URL is set)
	$(VENV)/bin/pytest

test: lint types contracts pytest ## lint, types, import contracts and the tests

bench: install-dev ## run the benchmarks (each prints one JSON line)
	$(VENV)/bin/python benchmarks/merchants_import.py
	$(VENV)/bin/python benchmarks/plans_parse.py
	$(VENV)/bin/python benchmarks/feed_ingest.py
	$(VENV)/bin/python benchmarks/indicator_api.py
	$(VENV)/bin/python benchmarks/indices_sa.py

clean: ## remove the virtual environment, assets and runtime data
	rm -rf $(VENV) .tools node_modules var .pytest_cache .mypy_cache .ruff_cache
