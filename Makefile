# Two commands: `make run` solves the bundled example term, `make test` runs the tests.
# Both create the same .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLE ?= instances/small.xlsx

.PHONY: run test fuzz lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/scheduler solve $(EXAMPLE)

test: $(STAMP)
	$(BIN)/python -m pytest -q

# The whole hostile-input fuzz suite (tests/fuzz; a derandomised sample runs in `make test`).
fuzz: $(STAMP)
	$(BIN)/python -m pytest tests/fuzz -m fuzz -q

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info
