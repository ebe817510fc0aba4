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

install: $(VENV)/.installed
	$(BIN)/python manage.py compile_catalogue --verbosity 0

## Serve the 2018 demo at http://127.0.0.1:$(PORT) (data is kept between runs).
run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --verbosity 0
	$(BIN)/python manage.py load_demo
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

clean:
	rm -rf $(VENV) var
