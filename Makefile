# Hearth. `make` alone lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The first Python 3.11+ on PATH (override: make run PYTHON=/path/to/python3.12).
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Local runs are the embedded default in DEBUG; production sets its own environment.
# `make run` shows pages as members see them (Hearth's 404/403/500); DEV=1 keeps Django's
# debug pages with tracebacks. PORT picks the port: make run PORT=8010.
PORT ?= 8000
DEV ?=
LOCAL := DEBUG=$${DEBUG:-true} DEBUG_PAGES=$(if $(filter 1 true yes,$(DEV)),true,false) \
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}
PYTEST_ARGS ?=
CONTRACT_ARGS ?=

.PHONY: help runtime venv install run serve worker beat migrate migrations-check demo collectstatic bench \
	format lint typecheck arch test test-fast coverage contract check clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  \033[1m%-18s\033[0m %s\n", $$1, $$2}'

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Hearth needs Python 3.11 or newer on PATH."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-runtime: $(BIN)/python requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-runtime requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

runtime: $(VENV)/.installed-runtime

venv: $(VENV)/.installed-dev ## create .venv and install runtime + test and lint tools

install: venv ## venv, plus the git pre-commit hooks
	@if [ -d .git ]; then $(BIN)/pre-commit install; fi

migrate: runtime ## apply database migrations
	$(LOCAL) $(MANAGE) migrate --no-input

migrations-check: venv ## fail if models changed without a migration
	$(LOCAL) $(MANAGE) makemigrations --check --dry-run

demo: migrate ## load the demo community (idempotent)
	$(LOCAL) $(MANAGE) seed_demo

run: runtime ## serve http://127.0.0.1:8000 with demo data, a worker and beat (PORT=8010: another port; DEV=1: tracebacks)
	@$(LOCAL) $(MANAGE) runhearth 127.0.0.1:$(PORT) --check-port
	@$(MAKE) --no-print-directory demo
	$(LOCAL) $(MANAGE) runhearth 127.0.0.1:$(PORT)

serve: migrate ## the web server only, no worker (PORT=8010)
	$(LOCAL) $(MANAGE) runserver 127.0.0.1:$(PORT)

worker: runtime ## a Celery worker with beat
	$(LOCAL) $(BIN)/celery -A config worker --beat --pool=solo --loglevel=INFO

beat: runtime ## Celery beat alone (when workers run elsewhere)
	$(LOCAL) $(BIN)/celery -A config beat --loglevel=INFO

collectstatic: runtime ## gather static files for whitenoise
	$(LOCAL) $(MANAGE) collectstatic --no-input --verbosity 0

format: venv ## fix formatting and lint findings that ruff can fix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lint: venv ## ruff, djlint on the templates, then mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint --lint templates
	$(LOCAL) $(BIN)/mypy .

typecheck: venv ## mypy alone
	$(LOCAL) $(BIN)/mypy .

arch: venv ## the import-layer contract (events -> community -> members -> core)
	$(BIN)/lint-imports

test: venv ## the whole test suite
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

test-fast: venv ## the suite without slow tests (browser, real worker, subprocesses)
	$(BIN)/pytest -n auto -m "not slow" $(PYTEST_ARGS)

coverage: venv ## the suite with branch coverage
	$(BIN)/pytest -n auto --cov --cov-report=term $(PYTEST_ARGS)

contract: venv ## the API contract run: schemathesis against a live server (tests/contract/run.py)
	$(BIN)/python -m tests.contract.run $(CONTRACT_ARGS)

bench: venv ## the benchmark on a generated community (see bench/README.md); exit 1 on a missed target
	$(BIN)/python -m bench.generate
	@status=0; \
	$(BIN)/python -m bench.run || status=1; \
	$(BIN)/python -m bench.speed || status=1; \
	$(BIN)/python -m bench.fanout || status=1; \
	$(BIN)/python -m bench.reminders || status=1; \
	$(BIN)/python -m bench.loyalty || status=1; \
	if [ -n "$$REDIS_URL" ]; then $(BIN)/python -m bench.fanout --redis-url "$$REDIS_URL" || status=1; fi; \
	exit $$status

check: lint arch migrations-check coverage contract ## everything CI cares about

clean: ## remove the virtualenv, local data and caches
	rm -rf $(VENV) var staticfiles .pytest_cache .mypy_cache .ruff_cache
