"""
The site as production runs it, on servers of the tests' own: its
environment (production settings over a PostgreSQL cluster of the test
module's own, migrated, demo loaded, static files collected), starting
gunicorn and the task worker, and reading an enquiry's notification state.
The fixtures built on them are in conftest.py.
"""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
SALES = "sales@example.com"


def production_env(database_url, **settings):
    """What gunicorn and the worker run with: production mode on plain HTTP, and `settings`."""
    return {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "consultancy.settings",
        "DJANGO_SECRET_KEY": "integration-test-secret-key-only-for-these-tests-0123456789",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "ENQUIRY_NOTIFY_EMAILS": SALES,
        **settings,
    }


def site_environment(database, folder, **settings):
    """
    production_env() on the module's own `database` with the task worker's
    queue and a file cache in `folder`, plus `settings`; the database
    migrated, the demo content loaded and the static files collected.
    """
    defaults = {
        # Production's default: a file cache, which outlives the database.
        "CACHE_URL": f"file://{folder / 'cache'}",
        "TASKS_BACKEND": "database",
        "EMAIL_TO_CONSOLE": "1",
        "ENQUIRY_MIN_FILL_SECONDS": "0",
    }
    env = production_env(database.url("site"), **{**defaults, **settings})
    for command in (["migrate", "-v0"], ["load_demo"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=PROJECT_DIR,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return env


def start(folder, environment, *command):
    """A server process, its log in `folder`."""
    log = open(folder / f"{Path(command[-1]).name}-{time.time_ns()}.log", "w")  # noqa: SIM115
    return subprocess.Popen(command, cwd=PROJECT_DIR, env=environment, stdout=log, stderr=log)


def answers(url):
    try:
        urllib.request.urlopen(url + "/robots.txt", timeout=1)
        return True
    except OSError:
        return False


def notification(database, email):
    """The enquiry from `email`'s notification state, as a dict; None if none is stored."""
    rows = database.query(
        "SELECT notification_status, notification_attempts, notification_last_error"
        " FROM services_enquiry WHERE email = %s",
        [email],
    )
    if not rows:
        return None
    status, attempts, last_error = rows[0]
    return {"status": status, "attempts": attempts, "last_error": last_error}
