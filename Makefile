# Balise: `make run` (demo web app on SQLite) and `make test` (everything). See README.md.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=
DEMO_SITUATIONS ?= 1500
DEMO_ENV := BALISE_DEMO=1 BALISE_REQUIRE_MFA=0

.PHONY: install messages run demo lint typecheck test test-sqlite test-postgres test-js clean

install: $(VENV)/.installed messages

$(VENV)/.installed: pyproject.toml requirements.lock scripts/system-deps.sh
	bash scripts/system-deps.sh
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Balise needs Python 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev,dp]"
	touch $@

messages: $(VENV)/.installed
	cd src/balise && ../../$(BIN)/django-admin compilemessages --ignore="__pycache__" >/dev/null

run: install
	mkdir -p "$${BALISE_VAR_DIR:-var}"
	$(DEMO_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEMO_ENV) $(BIN)/balise demo --at-least $(DEMO_SITUATIONS) --seed 1
	$(DEMO_ENV) $(BIN)/balise linkage run
	@echo "Balise is starting at http://127.0.0.1:$(PORT) (demo settings; Ctrl-C stops it)"
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT) --noreload

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed
	$(BIN)/mypy src tests

test-js: $(VENV)/.installed
	node --test tests/js/

test-sqlite: install
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

test-postgres: install
	$(BIN)/python scripts/with_postgres.py -- $(BIN)/pytest -n 2 $(PYTEST_ARGS)

test: install lint typecheck test-js test-sqlite test-postgres
	@echo "make test: all checks passed"

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
