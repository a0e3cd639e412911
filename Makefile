# Journeys: `make run` to serve the app with demo data, `make test` for every check.
SHELL := /bin/sh
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_CONCURRENCY ?= 4

.DEFAULT_GOAL := help
.PHONY: help venv compilemessages messages run dev test lint typecheck pytest prod migrate demo bench bench-quick clean lock screenshots

help:
	@echo "make run     set up .venv, migrate, load the demo and serve http://$(HOST):$(PORT) with gunicorn"
	@echo "make dev     the same with Django's runserver, which reloads on code changes"
	@echo "make test    ruff check, ruff format --check, djlint, mypy and pytest"
	@echo "make prod    gunicorn, Celery worker and beat against DATABASE_URL, CELERY_BROKER_URL and CACHE_URL"
	@echo "make bench   benchmarks against PostgreSQL and Redis, written to BENCHMARKS.md"
	@echo "make screenshots  the dashboards on the demo data, into docs/screenshots/ (Chromium)"
	@echo "make messages  add new words of the sources to locale/es/LC_MESSAGES/django.po (GNU gettext)"

# The virtualenv is rebuilt whenever the lock file changes.
$(BIN)/.installed: requirements/dev.txt pyproject.toml
	@set -e; python=$$(./scripts/find-python); \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
		echo "Creating $(VENV) with $$python"; rm -rf $(VENV); "$$python" -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt
	@touch $@

venv: $(BIN)/.installed compilemessages

# The Spanish catalog, compiled in pure Python (journeys/catalogs.py): no GNU gettext needed.
compilemessages: $(BIN)/.installed
	$(PY) -m journeys.catalogs compile

# After changing words in the sources: new msgids into the catalogs, then translate them there.
messages: $(BIN)/.installed
	$(PY) -m journeys.catalogs extract

migrate: venv
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) seed_demo --base-url http://$(HOST):$(PORT)

# gunicorn (a production server) over the embedded SQLite: it holds a staff meeting submitting the
# survey at once, which runserver does not (scripts/serve; tests/journeys/test_embedded_burst.py).
run: demo
	@echo ""
	@echo "Journeys is running at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	HOST=$(HOST) PORT=$(PORT) ./scripts/serve

# Django's runserver, which restarts when the code changes; for development, not for a crowd.
dev: demo
	@echo ""
	@echo "Journeys (runserver, reloads on code changes) at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	$(MANAGE) runserver $(HOST):$(PORT)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint

typecheck: venv
	$(BIN)/mypy .

# Tests run with DEBUG's embedded defaults (no SECRET_KEY needed, no HTTPS redirect) even against
# PostgreSQL; the production settings are tested in subprocesses with their own environment.
pytest: venv
	DEBUG=$${DEBUG:-true} $(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

# Production without Docker: the same three processes as docker-compose.yml.
prod: venv
	@test -n "$$DATABASE_URL" || { echo "make prod needs DATABASE_URL (postgres://...)"; exit 2; }
	@test -n "$$CELERY_BROKER_URL" || { echo "make prod needs CELERY_BROKER_URL (redis://...)"; exit 2; }
	@test -n "$$CACHE_URL" || { echo "make prod needs CACHE_URL (redis://...), a cache every process shares"; exit 2; }
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput --verbosity 0
	./scripts/prod-processes

# Not part of `make test`: it builds its own demo world and takes a couple of minutes.
screenshots: venv
	$(PY) scripts/screenshots.py

bench: venv
	$(PY) -m bench.run --size full

bench-quick: venv
	$(PY) -m bench.run --size quick

lock:
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.12 -o requirements/dev.txt -q
	@# The runtime lock takes the dev lock's versions: both are audited together and must agree.
	$(BIN)/uv pip compile pyproject.toml --python-version 3.12 -c requirements/dev.txt -o requirements/base.txt -q

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .mypy_cache .ruff_cache
