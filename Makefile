# Two commands do all the set-up: `make reproduce` and `make test`.
# Both create (or reuse) the virtual environment in .venv from pyproject.toml.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# The stamp changes whenever the declared dependencies change, so the env is rebuilt then.
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
OUT ?= output

.PHONY: env reproduce test test-all lab benchmark clean

env: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,lab,cluster,model]"
	@rm -f $(VENV)/.installed-*
	@touch $@

reproduce: env  ## rerun every stage and notebook on data/raw into $(OUT)/
	$(BIN)/python -m analysis reproduce --corpus data/raw --manifest data/raw/manifest.csv --out $(OUT)

test: env  ## the default test run (slow tests excluded)
	$(BIN)/python -m pytest

test-all: env  ## every test, slow ones included
	$(BIN)/python -m pytest -m ""

lab: env  ## JupyterLab in the project environment
	$(BIN)/jupyter lab notebooks/

benchmark: env  ## scale benchmarks on the presidential-speech corpus (installs it)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(OUT) .cache
