# The two commands of README.md. Each creates or updates .venv from this
# repository's own files, so a fresh machine needs nothing else.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# The admin panel's CSS/JS (package.json + package-lock.json), served by the app itself.
NODE_STAMP := node_modules/.package-lock.json
# Debian's Chromium for the admin browser tests (Playwright never downloads a browser).
CHROMIUM := /usr/bin/chromium
# The load generator of bench/ (its smoke test runs in the suite).
WRK := /usr/bin/wrk

.PHONY: run test install lint

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $(NODE_STAMP)

$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

$(WRK):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk

install: $(STAMP) $(NODE_STAMP) $(CHROMIUM) $(WRK)

run: $(STAMP) $(NODE_STAMP)
	$(PY) -m dashboard run

test: $(STAMP) $(NODE_STAMP) $(CHROMIUM) $(WRK)
	$(PY) -m pytest $(PYTEST_ARGS)

# The static checks, configured in pyproject.toml; CI runs them before the tests.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
