# Two commands: `make run` solves the bundled example term, `make test` runs the tests.
# Both create the same .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLE ?= instances/small.xlsx
PYTEST := $(BIN)/python -m pytest -q

.PHONY: run test test-fast test-slow fuzz lint typecheck check bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/scheduler solve $(EXAMPLE)

# Every test: the fast ones first (a failure shows in seconds), then the slow ones.
test: test-fast test-slow

test-fast: $(STAMP)
	$(PYTEST) -m 'not slow and not fuzz'

test-slow: $(STAMP)
	$(PYTEST) -m 'slow and not fuzz'

# The whole hostile-input fuzz suite (tests/fuzz); a derandomised sample of it is slow tests.
fuzz: $(STAMP)
	$(PYTEST) tests/fuzz -m fuzz

# Format, lint (line length 100) and types, as CI runs them.
lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy scheduler

check: lint typecheck test

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info
