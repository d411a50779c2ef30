# One command each on a fresh machine: the venv is created and the package installed when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test install-check fuzz bench sample clean-venv

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dask,fast]'
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/surveykit validate
	$(BIN)/surveykit report

# The suite runs on every core (pytest-xdist). A file's tests stay on one worker, so its module fixtures
# run once; files go out in collection order, where tests/conftest.py puts the files of slow tests first.
# The wheel install check runs beside it in the background: its output is shown after the tests' and
# either failure fails the target. PYTEST_WORKERS=0 runs the suite in one process.
# Bytecode is cached for the run even where PYTHONDONTWRITEBYTECODE is set (in the git-ignored
# __pycache__ folders): src/ is compiled once up front instead of in every worker and every process a
# test starts, and pytest keeps its rewritten test modules instead of rewriting them in each worker.
# One BLAS/OpenMP thread per process (unless set already): the workers take every core, and a second
# BLAS thread only spins waiting for work on the small arrays tests use (that cost about 10% of the
# suite's CPU time and 20 s of its wall time on 2 cores).
# The install check runs niced: it is background work (about 10 s of CPU), so the tests get the cores
# first and the check takes what they leave while they wait on their child processes.
PYTEST_WORKERS ?= auto
test: $(STAMP)
	@export OPENBLAS_NUM_THREADS="$${OPENBLAS_NUM_THREADS:-1}" OMP_NUM_THREADS="$${OMP_NUM_THREADS:-1}"; \
	log="$$(mktemp)"; \
	PYTHON=$(BIN)/python nice -n 10 bash .ci/install_check.sh >"$$log" 2>&1 & check=$$!; \
	trap 'kill $$check 2>/dev/null; rm -f "$$log"' INT TERM; \
	$(BIN)/python -m compileall -q src; \
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder; tests=$$?; \
	wait $$check; installed=$$?; \
	echo "--- install check (.ci/install_check.sh, exit $$installed)"; cat "$$log"; rm -f "$$log"; \
	test $$tests -eq 0 && test $$installed -eq 0

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
