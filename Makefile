# Grid-event case management — developer commands.
#
#   make run    virtualenv + install (when pyproject.toml changed) + migrate + demo street + static,
#               then web, Celery worker and beat under honcho (Ctrl-C stops all three).
#               Embedded defaults: SQLite in var/, kombu's filesystem:// broker in var/broker.
#               With DATABASE_URL / REDIS_URL set: PostgreSQL and Redis.
#   make test   the whole test suite (extra pytest arguments: PYTEST_ARGS="-k sweep -x").
#
# Everything else: `make help`.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed-stamp
RUN_HOST ?= 0.0.0.0
PORT ?= 8000
PYTEST_ARGS ?=
export DEMO_PASSWORD ?= demo12345

# Celery pool: SQLite allows one writer at a time, so the embedded default runs tasks one by one
# in the worker process; with a server database (DATABASE_URL) the usual prefork pool of two.
ifeq ($(strip $(DATABASE_URL)),)
export CELERY_WORKER_ARGS ?= --pool solo
else
export CELERY_WORKER_ARGS ?= --pool prefork --concurrency 2
endif

.PHONY: help install run test lint format migrate demo messages bench clean distclean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml is newer than the stamp (or the venv is new).
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the project with its dev tools (only when needed)

migrate: install ## apply database migrations
	$(MANAGE) migrate --noinput

demo: migrate ## load (or complete) the demo street; safe to run again
	$(MANAGE) load_demo --quiet-counts

run: demo ## everything, then web + worker + beat on http://127.0.0.1:8000/ (PORT=...)
	$(MANAGE) collectstatic --noinput --verbosity 0
	@echo
	@echo "  Grid-event case management is starting:  http://127.0.0.1:$(PORT)/"
	@echo "  database: $${DATABASE_URL:-SQLite var/db.sqlite3}   broker: $${REDIS_URL:-filesystem:// var/broker}" \
		| sed -E 's#://[^@/ ]*@#://***@#g'   # never print credentials
	@echo "  health:   http://127.0.0.1:$(PORT)/healthz    API docs: http://127.0.0.1:$(PORT)/api/docs/"
	@echo "  Demo logins are listed above (password: $(DEMO_PASSWORD)). Ctrl-C stops web, worker and beat."
	@echo
	PATH="$(CURDIR)/$(BIN):$$PATH" RUN_HOST=$(RUN_HOST) exec $(BIN)/honcho --procfile Procfile start --port $(PORT)

test: install ## run the whole test suite (PYTEST_ARGS passes extra arguments)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install ## ruff check + ruff format --check + the app layers (import-linter) + mypy against its baseline
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python .ci/mypy_check.py

format: install ## ruff format + the safe ruff fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install ## regenerate locale/en .po from the code and templates, compile both catalogues (zh_Hans: third-party words, by hand)
	$(MANAGE) makemessages --locale en --domain django --extension html,txt,py \
		--ignore 'var/*' --ignore 'static/*' --ignore 'tests/*' --ignore 'bench/*' --no-obsolete
	$(MANAGE) compilemessages --locale en --locale zh_Hans --ignore '.venv' --ignore 'var'

# Benchmarks need PostgreSQL: DATABASE_URL defaults to the local server (each script makes its own databases).
BENCH ?=
BENCH_ARGS ?=
bench: install ## run the scripts in bench/ (BENCH=sweep for one, BENCH_ARGS="..." passed on; PostgreSQL)
	@shopt -s nullglob; scripts=(bench/$(if $(BENCH),$(BENCH).py,*.py)); \
	if [ $${#scripts[@]} -eq 0 ]; then echo "no benchmark scripts in bench/"; exit 0; fi; \
	export DATABASE_URL="$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/gridcase}"; \
	for script in "$${scripts[@]}"; do \
		case "$$(basename $$script)" in _*|conftest.py) continue;; esac; \
		[ -f "$$script" ] || { echo "no such benchmark: $$script"; exit 1; }; \
		echo "== $$script"; $(BIN)/python "$$script" $(BENCH_ARGS); \
	done

clean: ## remove local state: var/ (SQLite database, broker, static files, media) and caches
	rm -rf var .pytest_cache .ruff_cache test-artifacts
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## clean, and remove the virtualenv too
	rm -rf $(VENV) *.egg-info
