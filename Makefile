# One command each on a fresh machine: the venv is created and the package installed when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test install-check fuzz bench sample clean-venv

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dask]'
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/surveykit validate
	$(BIN)/surveykit report

test: $(STAMP)
	$(BIN)/python -m pytest -q
	PYTHON=$(BIN)/python bash .ci/install_check.sh

install-check: $(STAMP)
	PYTHON=$(BIN)/python bash .ci/install_check.sh

# The randomised tests (pytest marker "fuzz") at full strength: 3,000 mutated exports through the readers
# and 750 through the fast CSV path against the csv module (make test runs a smoke subset of each).
FUZZ_CASES ?= 3000
FUZZ_SEED ?= 13
fuzz: $(STAMP)
	FUZZ_CASES=$(FUZZ_CASES) FUZZ_SEED=$(FUZZ_SEED) $(BIN)/python -m pytest -q -m fuzz

bench: $(STAMP)
	$(BIN)/python bench/run.py

sample: $(STAMP)
	$(BIN)/surveykit sample --out responses/sample

clean-venv:
	rm -rf $(VENV)
