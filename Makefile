# manyi — two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test install lint format migrate messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# ECharts (the dashboard's charts) from package-lock.json; reinstalled when the lock changes.
node_modules/.installed: package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: apt-get install nodejs npm" >&2; exit 1; }
	npm ci --omit=dev --no-audit --no-fund
	touch $@

install: $(VENV)/.installed node_modules/.installed
	$(BIN)/python manage.py compile_catalogue --verbosity 0

## Serve the 2018 demo at http://127.0.0.1:$(PORT) (data is kept between runs).
run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --verbosity 0
	$(BIN)/python manage.py load_demo
	@# The task worker (campaign archive) runs beside the server and stops with it.
	$(BIN)/python manage.py db_worker --verbosity 0 & trap 'kill $$!' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## The whole suite, ruff, and the migrations check; DATABASE_URL selects PostgreSQL.
test: install lint
	mkdir -p var
	$(BIN)/python manage.py makemigrations --check --dry-run --verbosity 0
	$(BIN)/pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Re-extract interface strings into locale/zh_Hans (needs GNU gettext's xgettext).
messages: $(VENV)/.installed
	$(BIN)/python manage.py makemessages -l zh_Hans --no-location --ignore=.venv --ignore=var

## The benchmark suite on SQLite and PostgreSQL 15, writing bench/RESULTS.md (about 20 minutes
## on 2 cores; QUICK=1 for a smoke run of a few minutes). See bench/README.md.
$(VENV)/.bench-installed: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $@

bench: install $(VENV)/.bench-installed
	$(BIN)/python bench/run.py $(if $(QUICK),--quick)

clean:
	rm -rf $(VENV) var
