# Kompas Assistent: `make run` installs and starts the product, `make test` installs and runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-postgresql install install-test system-test-deps ingest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

# Debian's chromium drives the browser tests; Playwright never downloads a browser of its own.
system-test-deps:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

ingest: install
	$(BIN)/kompas ingest

run: ingest
	$(BIN)/kompas serve

test: install-test system-test-deps
	$(BIN)/python -m pytest

# The same suite against a throw-away local PostgreSQL server (installed from Debian when missing).
test-postgresql: install-test system-test-deps
	bash tests/with-postgresql.sh $(BIN)/python -m pytest
