# The documented commands. `make run` and `make test` each set up from nothing.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
STAMP := .venv/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# The local site: DEBUG on, SQLite and eager tasks unless DATABASE_URL / REDIS_URL are set.
RUN_ENV := DEBUG=$${DEBUG:-true}
# `make run DEMO=0` starts without the synthetic demo pack.
DEMO ?= 1

.PHONY: help run test lint format admin worker serve bench migrations messages clean

help:
	@echo "make run     set up and serve the site with the program data (and the demo pack; DEMO=0: without) on http://$(HOST):$(PORT)"
	@echo "make test    set up and run the whole test suite"
	@echo "make lint    ruff check and format check"
	@echo "make admin   create an evaluator account"
	@echo "make worker  a Celery worker with beat against REDIS_URL"
	@echo "make serve   gunicorn + worker with DEBUG off against DATABASE_URL and REDIS_URL"
	@echo "make bench   print the benchmarks' figures"

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || python3.11 -m venv .venv || python3 -m venv .venv
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(RUN_ENV) $(PY) manage.py migrate --no-input
	$(RUN_ENV) $(PY) manage.py load_program
	@if [ "$(DEMO)" = "0" ]; then echo "Synthetic demo pack not loaded (DEMO=0)."; \
	else $(RUN_ENV) $(PY) manage.py load_demo; fi
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(PY) tests/browser/ensure_chromium.py
	$(PY) -m pytest

lint: $(STAMP)
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: $(STAMP)
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

migrations: $(STAMP)
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

messages: $(STAMP)
	DEBUG=true $(PY) manage.py makemessages -l ko --ignore=.venv --ignore=node_modules --ignore=tests
	DEBUG=true $(PY) manage.py compilemessages -l ko --ignore=.venv

admin: $(STAMP)
	$(RUN_ENV) $(PY) manage.py migrate --no-input
	$(RUN_ENV) $(PY) manage.py create_evaluator

worker: $(STAMP)
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL (and DATABASE_URL) first: a worker needs a broker."; exit 1; }
	.venv/bin/celery -A kai_site worker -B -Q default,scoring --loglevel=INFO --concurrency=$${CONCURRENCY:-2}

serve: $(STAMP)
	deploy/serve.sh

bench: $(STAMP)
	for f in tests/bench/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf .venv db.sqlite3 staticfiles var
