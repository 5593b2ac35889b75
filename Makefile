# sealkeeper — every target sets itself up: a fresh machine needs only python3 (3.11+) and make.
SHELL := /bin/bash
PYTHON ?= python3
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
export UV_PYTHON := $(shell command -v $(PYTHON))
export UV_LINK_MODE := copy

PEOPLE ?= 20000
SEED ?= 2026
AS_OF ?= 2026-06-30
PORT ?= 8631
SEALKEEPER_HOME ?= $(CURDIR)/.sealkeeper-home

.PHONY: run test lint unit bench setup services clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Bytecode is compiled here, once: where PYTHONDONTWRITEBYTECODE is set (as on the machines here) Python never
# writes it, and every process (each command, server worker and test subprocess) compiled every module again.
$(BIN)/sealkeeper: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet --compile-bytecode
	@touch $@

setup: $(BIN)/sealkeeper
	@$(BIN)/python -m compileall -q -j 0 src

## make run: synthesise a population, keep it in the protected store (SQLite in $(SEALKEEPER_HOME);
## identities encrypted, every decision in the ledger), print the sealing scan, then serve the web pages and the
## API on 127.0.0.1:$(PORT) with demo accounts for every role (made once, with the home; printed every time).
run: setup
	$(BIN)/sealkeeper synth --people $(PEOPLE) --seed $(SEED) --as-of $(AS_OF) --identities --out $(CURDIR)/.population.jsonl
	@test ! -f $(SEALKEEPER_HOME)/sealkeeper.toml || SEALKEEPER_HOME=$(SEALKEEPER_HOME) $(BIN)/sealkeeper migrate
	@test -f $(SEALKEEPER_HOME)/demo-accounts.txt || SEALKEEPER_HOME=$(SEALKEEPER_HOME) $(BIN)/sealkeeper demo --source $(CURDIR)/.population.jsonl --as-of $(AS_OF) >/dev/null
	SEALKEEPER_HOME=$(SEALKEEPER_HOME) $(BIN)/sealkeeper import $(CURDIR)/.population.jsonl --as-of $(AS_OF)
	$(BIN)/sealkeeper scan $(CURDIR)/.population.jsonl --as-of $(AS_OF)
	@cat $(SEALKEEPER_HOME)/demo-accounts.txt
	@echo "sealkeeper is at http://127.0.0.1:$(PORT)/  (API /api/v1, OpenAPI /openapi.json; Ctrl-C stops it)"
	@SEALKEEPER_HOME=$(SEALKEEPER_HOME) $(BIN)/sealkeeper serve --host 127.0.0.1 --port $(PORT)

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

services:
	scripts/test-services.sh
	scripts/test-browser.sh

unit: setup services
	$(BIN)/pytest -q -n 2 --dist loadfile  # two workers (CI has 2 cores); a test file stays on one worker

## make test: lint, then the whole test suite.
test: lint unit

bench: setup
	$(BIN)/python bench/bench_scan.py
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_ledger.py
	$(BIN)/python bench/bench_certificates.py

clean:
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache .pytest_cache .hypothesis
