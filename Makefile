# The single entry point. `make run` serves the demo site; `make test` runs the suite.
# Both create .venv and install the pinned requirements first, nothing else needed.

VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# Tests run in production mode (debug off), so they need some secret key.
TEST_ENV := DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-test-only-not-a-real-secret}

# The first Python 3.12 or newer on PATH (pyenv shims that cannot run are skipped).
FIND_PYTHON := for p in $${PYTHON:-} python3.13 python3.14 python3.12 python3 python; do \
	if command -v $$p >/dev/null 2>&1 && \
	   $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	   echo $$p; break; fi; done

# The port of `make run` and `make serve`: PORT=9000 make serve (or make serve PORT=9000).
PORT ?= 8000
# `make serve` and `make worker`: production mode (debug off) on this machine.
# It is plain HTTP on 127.0.0.1, so the HTTPS redirect is off unless asked for;
# production requires an address to notify of enquiries (consultancy.E001).
SERVE_ENV := DJANGO_DEBUG=0 \
	DJANGO_SECURE_SSL_REDIRECT=$${DJANGO_SECURE_SSL_REDIRECT:-0} \
	DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost} \
	ENQUIRY_NOTIFY_EMAILS=$${ENQUIRY_NOTIFY_EMAILS:-sales@example.com}
# Backups and restores sign nothing: any secret key lets the settings load.
MAINTENANCE_ENV := DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-maintenance-only-not-a-real-secret}

# pytest exits 5 when it ran no test: for us that is a failure.
define run_pytest
	$(TEST_ENV) $(PY) -m pytest $(1) $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "error: no test ran" >&2; exit 1; fi; exit $$status
endef

.PHONY: help install run serve worker backup restore require-secret-key test test-browser \
	test-multiserver test-outage test-clock lint format check bench bench-import clean

help:
	@echo "make run     set up, load the demo content into an empty site, serve http://127.0.0.1:8000/"
	@echo "make test    set up and run the whole test suite (SQLite unless DATABASE_URL is set)"
	@echo "make test-browser  end-to-end tests in headless Chromium: axe-core, Nu HTML checker, CSP"
	@echo "make test-clock  the suite at moments that catch tests leaning on the wall clock (faketime)"
	@echo "make test-multiserver  two app servers on PostgreSQL and Redis (needs DATABASE_URL, CACHE_URL)"
	@echo "make lint    ruff check and ruff format --check"
	@echo "make format  format the code with ruff"
	@echo "make check   Django's system checks and the missing-migrations check"
	@echo "make serve   production mode under gunicorn on 127.0.0.1:\$$PORT (needs DJANGO_SECRET_KEY)"
	@echo "make worker  the task worker that sends enquiry emails, beside make serve"
	@echo "make backup  a dump of the database into backups/"
	@echo "make restore FILE=backups/...  restore a dump into an empty database"
	@echo "make bench   benchmark the site under gunicorn with 10,000 terms (bench/README.md)"
	@echo "make bench-import  time import_content on 5,000 new terms (ROWS=…)"
	@echo "make outage  stop a PostgreSQL and a Redis of its own under the site: what visitors see"
	@echo "make load-enquiries  500 enquiries from 50 clients, then the worker emails each once"
	@echo "make clean   remove .venv, the SQLite database and collected static files"

$(PY):
	@python=$$($(FIND_PYTHON)); \
	if [ -z "$$python" ]; then \
		echo "error: Python 3.12 or newer is required, and none was found on PATH." >&2; \
		echo "       Install it (or set PYTHON=/path/to/python3.12) and run make again." >&2; \
		exit 1; \
	fi; \
	echo "Creating $(VENV) with $$python ($$($$python --version))"; \
	$$python -m venv $(VENV)

$(INSTALLED): $(PY) requirements.txt requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

install: $(INSTALLED)

# The demo content goes only into an empty site: reloading it every time
# would undo an editor's changes to the demo items.
run: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py load_demo --if-empty
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Checked before anything is installed or started.
require-secret-key:
	@if [ -z "$${DJANGO_SECRET_KEY:-}" ]; then \
		echo "error: make $(MAKECMDGOALS) runs in production mode and needs DJANGO_SECRET_KEY." >&2; \
		echo "       Generate one with:" >&2; \
		echo "         python -c \"import secrets; print(secrets.token_urlsafe(50))\"" >&2; \
		echo "       then: DJANGO_SECRET_KEY='<that key>' make $(MAKECMDGOALS)" >&2; \
		exit 1; \
	fi

# As in production (README, "Deployment"), but on 127.0.0.1 over plain HTTP.
serve: require-secret-key install
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(SERVE_ENV) $(PY) manage.py migrate --noinput
	$(SERVE_ENV) PORT=$(PORT) exec $(PY) -m gunicorn --config gunicorn.conf.py consultancy.wsgi

# Sends what make serve queues (the emails to sales); make run sends them at once.
worker: require-secret-key install
	$(SERVE_ENV) exec $(PY) manage.py db_worker

backup: install
	$(MAINTENANCE_ENV) $(PY) manage.py backup_database

restore: install
	@if [ -z "$(FILE)" ]; then echo "usage: make restore FILE=backups/<file>" >&2; exit 1; fi
	$(MAINTENANCE_ENV) $(PY) manage.py restore_database "$(FILE)"

# With a coverage summary, for reading (no threshold: the figure is not the goal).
test: install
	$(call run_pytest,--cov --cov-report=term)

# Browser tests drive Debian's Chromium (never one that Playwright downloads) and
# run axe-core and the Nu HTML checker from tests/browser/node_modules (npm).
BROWSER_INSTALLED := $(VENV)/.installed-browser
CHROMIUM := /usr/bin/chromium
NODE_MODULES := tests/browser/node_modules
# npm writes this file on every install: it is newer than the lock file when up to date.
NODE_INSTALLED := $(NODE_MODULES)/.package-lock.json

$(BROWSER_INSTALLED): $(INSTALLED) requirements-browser.txt
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(PY) -m pip install --quiet --disable-pip-version-check \
		-r requirements-browser.txt
	@touch $@

# --ignore-scripts: vnu-jar's install script would try to download a Java runtime;
# the machine's own java runs vnu.jar.
$(NODE_INSTALLED): $(wildcard tests/browser/package.json tests/browser/package-lock.json)
	@if [ -f tests/browser/package-lock.json ]; then \
		npm ci --prefix tests/browser --ignore-scripts --no-audit --no-fund --loglevel=error; \
	else \
		npm install --prefix tests/browser --ignore-scripts --no-audit --no-fund --loglevel=error; \
	fi
	@touch $@

test-browser: install $(BROWSER_INSTALLED) $(NODE_INSTALLED)
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "error: $(CHROMIUM) is missing: install Debian's chromium package: apt-get install -y chromium" >&2; \
		exit 1; \
	fi
	@command -v java >/dev/null 2>&1 || { \
		echo "error: java is missing; the Nu HTML checker needs it: apt-get install -y default-jre-headless" >&2; \
		exit 1; }
	$(call run_pytest,tests/browser -m browser)

# The suite with the clock moved, by Debian's faketime, on SQLite (whose clock
# moves with it; a PostgreSQL server would keep its own). A test that leans on
# the wall clock passes at 11:00 on a Tuesday and fails at 17:25 on a Friday:
# the whole suite runs as London's clocks go forward on a weekend night, the
# enquiry tests (business hours, the response clock, the reports) at closing
# time on a Friday and at the turn of a year. Each clock starts there and runs.
CLOCK_SUITE := TZ=UTC env -u DATABASE_URL -u CACHE_URL $(TEST_ENV) faketime
test-clock: install
	@command -v faketime >/dev/null 2>&1 || { \
		echo "error: faketime is missing: apt-get install -y faketime" >&2; exit 1; }
	$(CLOCK_SUITE) "2027-03-28 00:58:00" $(PY) -m pytest -q $(PYTEST_ARGS)
	$(CLOCK_SUITE) "2026-12-04 17:25:00" $(PY) -m pytest -q tests/services $(PYTEST_ARGS)
	$(CLOCK_SUITE) "2026-12-31 23:58:00" $(PY) -m pytest -q tests/services $(PYTEST_ARGS)

# Two gunicorn servers sharing PostgreSQL and Redis (set DATABASE_URL and CACHE_URL).
test-multiserver: install
	$(call run_pytest,tests/integration -m multiserver)

# The database and the mail server stopped for real under gunicorn and the
# worker (PostgreSQL's server binaries needed; the tests run their own cluster
# and SMTP server).
test-outage: install
	$(call run_pytest,tests/integration -m outage)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Production mode, so it needs an address to notify (consultancy.E001).
CHECK_ENV := $(TEST_ENV) ENQUIRY_NOTIFY_EMAILS=$${ENQUIRY_NOTIFY_EMAILS:-sales@example.com}
check: install
	$(CHECK_ENV) $(PY) manage.py check
	$(CHECK_ENV) $(PY) manage.py makemigrations --check --dry-run

# A few minutes: a fresh PostgreSQL database, 10,000 generated terms, gunicorn under wrk.
bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

# How long import_content takes for a large file (ROWS=5000), on SQLite.
ROWS ?= 5000
bench-import: install
	$(PY) bench/import_content.py --rows $(ROWS)

# About half a minute each, on servers of their own (PostgreSQL, Redis, SMTP):
# the dependencies stopped under gunicorn and the worker, and 500 enquiries
# through the contact form then the worker (bench/README.md).
.PHONY: outage load-enquiries
outage: install
	$(PY) bench/outage.py

load-enquiries: install
	$(PY) bench/load_enquiries.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-shm db.sqlite3-wal staticfiles
