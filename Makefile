# Two commands set up everything on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Debian's Chromium for the real-browser tests (Playwright drives it; it downloads no browser).
CHROMIUM := /usr/bin/chromium
# Debian's HAProxy: the load balancer of `make cluster` (and of its test).
HAPROXY := /usr/sbin/haproxy
# Debian's Node.js: the pad's JavaScript model replayed against the engine's vectors, no browser.
NODE := /usr/bin/node

.PHONY: run cluster test lint load bench-fanout bench-scoring bench-events bench-fans bench-console bench-write bench-leaderboards clean

$(STAMP): requirements/base.txt requirements/local.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/local.txt
	touch $(STAMP)

$(CHROMIUM):
	apt-get install -y -q chromium || (apt-get update -q && apt-get install -y -q chromium)

$(HAPROXY):
	apt-get install -y -q haproxy || (apt-get update -q && apt-get install -y -q haproxy)

$(NODE):
	apt-get install -y -q nodejs || (apt-get update -q && apt-get install -y -q nodejs)

run: $(STAMP)
	$(PY) -m devtools.runstack

# A production-like topology on this machine: HAProxy on PORT (8080) in front of web and
# realtime processes, a PostgreSQL primary and hot standby, Redis, worker, beat, relay
# (docs/deploy.md). CLUSTER_ARGS="--web 3 --realtime 2" to change the counts.
cluster: $(STAMP) $(HAPROXY)
	$(PY) -m devtools.cluster $(CLUSTER_ARGS)

test: $(STAMP) $(CHROMIUM) $(HAPROXY) $(NODE)
	$(PY) -m pytest $(PYTEST_ARGS)

# A bounded matchday under Locust against TARGET (default: a local stack it starts and stops);
# reports and a summary in var/load/. See locustfiles/run.py for the knobs.
load: $(STAMP)
	$(PY) -m locustfiles.run

# Style (ruff) and the rooms' doors (import-linter: the contracts in pyproject.toml).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

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
