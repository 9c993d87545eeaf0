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

.PHONY: help install run serve test lint format check bench clean

help:
	@echo "make run     set up, load the demo content and serve http://127.0.0.1:8000/"
	@echo "make test    set up and run the whole test suite (SQLite unless DATABASE_URL is set)"
	@echo "make lint    ruff check and ruff format --check"
	@echo "make format  format the code with ruff"
	@echo "make check   Django's system checks and the missing-migrations check"
	@echo "make serve   serve without reloading the demo content"
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

run: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py load_demo
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

serve: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "error: no test ran" >&2; exit 1; fi; exit $$status

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install
	$(TEST_ENV) $(PY) manage.py check
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-shm db.sqlite3-wal staticfiles
