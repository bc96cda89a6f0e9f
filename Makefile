# gdanim: `make lecture` renders the default lecture, `make test` runs the checks.
# Both start with `make setup`, which is idempotent and prepares a fresh Debian machine.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup system lecture test check check-wheel lint typecheck gallery bench clean

setup: system $(STAMP)

system:
	@bash scripts/setup-system.sh

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,voice]'
	@touch $(STAMP)

lecture: setup
	$(BIN)/gdanim lecture --quality high --narrate --voice joe -o media/lecture

lint: setup
	$(BIN)/ruff check gdanim scripts tests scenes
	$(BIN)/ruff format --check gdanim scripts tests scenes

typecheck: setup
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m pytest -q -n auto --dist worksteal
	PYTHON=$(PYTHON) bash scripts/check-wheel.sh

# The fast half, for the edit loop: no renders, no LaTeX, no layout builds.
check: lint typecheck
	$(BIN)/python -m pytest -q -m "not render and not slow"

# A plain `pip install` of the wheel, no extras, lowest versions: every scene renders there.
check-wheel:
	PYTHON=$(PYTHON) bash scripts/check-wheel.sh

gallery: setup
	$(BIN)/python scripts/gallery.py

bench: setup
	$(BIN)/python scripts/bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
