# Balise: `make run` (demo web app on SQLite) and `make test` (everything). See README.md.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=
# Everything that touches the database runs again on PostgreSQL; the framework-free packages
# (balise.linkage, balise.disclosure: no database) and the browser tests run once, on SQLite.
PG_SCOPE := -m "not browser" --ignore=tests/linkage --ignore=tests/disclosure
DEMO_SITUATIONS ?= 1500
DEMO_ENV := BALISE_DEMO=1

.PHONY: install messages warm run demo lint typecheck test test-sqlite test-postgres test-js audit sbom clean

install: $(VENV)/.installed messages warm

$(VENV)/.installed: pyproject.toml requirements.lock scripts/system-deps.sh
	bash scripts/system-deps.sh
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Balise needs Python 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev,dp]"
	touch $@

messages: $(VENV)/.installed
	cd src/balise && ../../$(BIN)/django-admin compilemessages --ignore="__pycache__" >/dev/null

# Compile the linkage kernels into numba's cache now (about a minute when cold; seconds once
# cached) rather than in front of the first person who runs a dedupe or a linkage run.
warm: $(VENV)/.installed
	$(BIN)/python -m balise.linkage.warm

run: install
	mkdir -p "$${BALISE_VAR_DIR:-var}"
	$(DEMO_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEMO_ENV) $(BIN)/balise demo --at-least $(DEMO_SITUATIONS) --seed 1 --publish-release
	$(DEMO_ENV) $(BIN)/balise jobs work --once
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
	$(BIN)/python scripts/with_postgres.py -- $(BIN)/pytest -n 2 $(PG_SCOPE) $(PYTEST_ARGS)

test: install lint typecheck test-js test-sqlite test-postgres
	@echo "make test: all checks passed"

# Dependency audit: pip-audit checks every pin of requirements.lock against the OSV vulnerability
# database, and cyclonedx-py writes their SBOM. Both need network access (the tools' install and
# the vulnerability lookups), so they live in their own virtualenv and outside `make test`.
AUDIT_VENV := .venv-audit
AUDIT_TOOLS := pip-audit==2.10.1 cyclonedx-bom==7.5.0

$(AUDIT_VENV)/.installed: Makefile
	test -x $(AUDIT_VENV)/bin/python || $(PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/python -m pip install --quiet $(AUDIT_TOOLS)
	touch $@

sbom: $(AUDIT_VENV)/.installed
	$(AUDIT_VENV)/bin/cyclonedx-py requirements requirements.lock --output-reproducible \
		--of JSON -o docs/sbom.cdx.json

audit: sbom
	$(AUDIT_VENV)/bin/pip-audit --strict --no-deps --disable-pip \
		--vulnerability-service osv -r requirements.lock

clean:
	rm -rf $(VENV) $(AUDIT_VENV) var .mypy_cache .ruff_cache .pytest_cache
