# Two commands do all the set-up: `make reproduce` and `make test`.
# Both create (or reuse) the virtual environment in .venv from pyproject.toml.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# The stamp changes whenever the declared dependencies change, so the env is rebuilt then.
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
OUT ?= output
# Options for `jupyter lab`, e.g. make lab LAB_ARGS="--port=8899 --no-browser"; in a container
# whose port you publish, add --ip=0.0.0.0. As root (containers, cloud notebooks) Jupyter will
# not start without --allow-root, and there is no browser to open: LAB_ROOT_ARGS adds both then.
LAB_ARGS ?=
LAB_ROOT_ARGS ?= $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root --no-browser)

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

lab: env  ## JupyterLab in the project environment, opened on notebooks/ (LAB_ARGS: more options)
	$(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks $(LAB_ROOT_ARGS) $(LAB_ARGS)

benchmark: env  ## scale benchmarks on the presidential-speech corpus (installs it)
	$(BIN)/python benchmarks/run_all.py

.PHONY: screenshots
screenshots: env  ## the explorer page in headless Chromium with no Korean font, into docs/ (installs chromium as root)
	$(BIN)/python scripts/screenshot_explorer.py

clean:
	rm -rf $(OUT) .cache
