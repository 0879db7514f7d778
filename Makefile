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

.PHONY: run test lab refresh bench clean browser fonts

$(STAMP): pyproject.toml requirements/lock.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements/lock.txt -e ".[dev]"
	@touch $(STAMP)

## run: execute every notebook on the bundled data and build the course site, English in _build/site/ and Chinese in _build/site/zh/
run: $(STAMP) fonts
	$(PY) -m crmlab.cli build --output _build/site

## test: unit tests, nbval (strict) over every notebook, and the course site in a real browser
test: $(STAMP) browser fonts
	$(PY) -m pytest

# Chromium and its driver for the browser test of the site: Debian's packages when we may install them;
# elsewhere the test is skipped and says how to enable it.
browser:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing chromium and chromium-driver (Debian) for the browser test"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	    || echo "could not install chromium: the browser test will be skipped"; \
	else echo "chromium not found: the browser test will be skipped (apt-get install chromium chromium-driver)"; fi

# A CJK font for the Chinese edition's figures (Debian's fonts-noto-cjk) when we may install it; elsewhere
# the Chinese figures keep English labels and say so.
fonts:
	@if fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing fonts-noto-cjk (Debian) for the Chinese figures"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null) \
	    || echo "could not install fonts-noto-cjk: Chinese figures will keep English labels"; \
	else echo "fonts-noto-cjk not found: Chinese figures will keep English labels (apt-get install fonts-noto-cjk)"; fi

## lab: JupyterLab on notebooks/ (token authentication on; --allow-root only when run as root)
lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/ $$(if [ "$$(id -u)" = 0 ]; then echo --allow-root; fi)

## refresh: re-execute the notebooks in place so nbval's stored outputs are regenerated
refresh: $(STAMP)
	$(PY) -m crmlab.cli refresh $(NB)

## bench: crmlab against lifetimes, ratios printed in one run
bench: $(STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf _build .pytest_cache
