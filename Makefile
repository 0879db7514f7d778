# crmlab — every target installs what it needs into .venv first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

export PYTHONHASHSEED := 0
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
export SOURCE_DATE_EPOCH := 0

.PHONY: run test lab refresh bench clean

$(STAMP): pyproject.toml requirements/lock.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements/lock.txt -e ".[dev]"
	@touch $(STAMP)

## run: execute every notebook on the bundled data and build the course site in _build/site/
run: $(STAMP)
	$(PY) -m crmlab.cli build --output _build/site

## test: unit tests and nbval (strict) over every notebook
test: $(STAMP)
	$(PY) -m pytest

## lab: JupyterLab on notebooks/
lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/

## refresh: re-execute the notebooks in place so nbval's stored outputs are regenerated
refresh: $(STAMP)
	$(PY) -m crmlab.cli refresh $(NB)

## bench: crmlab against lifetimes, ratios printed in one run
bench: $(STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf _build .pytest_cache
