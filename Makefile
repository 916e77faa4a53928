# Two commands set up everything on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Debian's Chromium for the real-browser tests (Playwright drives it; it downloads no browser).
CHROMIUM := /usr/bin/chromium

.PHONY: run test lint load bench-fanout bench-scoring bench-events bench-fans bench-console bench-write bench-leaderboards clean

$(STAMP): requirements/base.txt requirements/local.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/local.txt
	touch $(STAMP)

$(CHROMIUM):
	apt-get install -y -q chromium || (apt-get update -q && apt-get install -y -q chromium)

run: $(STAMP)
	$(PY) -m scorekeeper.runstack

test: $(STAMP) $(CHROMIUM)
	$(PY) -m pytest $(PYTEST_ARGS)

# A bounded matchday under Locust against TARGET (default: a local stack it starts and stops);
# reports and a summary in var/load/. See locustfiles/run.py for the knobs.
load: $(STAMP)
	$(PY) -m locustfiles.run

lint: $(STAMP)
	$(VENV)/bin/ruff check .

bench-fanout: $(STAMP)
	$(PY) -m bench.fanout

clean:
	rm -rf $(VENV) var

bench-scoring: $(STAMP)
	$(PY) -m bench.scoring

bench-events: $(STAMP)
	$(PY) -m bench.events --workers 2

bench-console: $(STAMP)
	$(PY) -m bench.console

bench-write: $(STAMP)
	$(PY) -m bench.write_path

bench-leaderboards: $(STAMP)
	$(PY) -m bench.leaderboards

bench-fans: $(STAMP)
	$(PY) -m bench.fans --fans 5000 --matches 10
