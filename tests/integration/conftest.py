"""
Fixtures for the tests that run the site as production does (production.py):
a PostgreSQL cluster of the module's own, gunicorn and the task worker. Each
test module defines `environment` (with `site_environment()`) for what it
changes; `site` and `worker` run on it.
"""

import sys

import psycopg
import pytest

from tests.integration.production import answers, start
from tests.servers import PostgresServer, free_port, wait_until


@pytest.fixture(scope="module")
def database():
    server = PostgresServer()
    try:
        server.start()
        with psycopg.connect(server.url(), autocommit=True) as connection:
            connection.execute("CREATE DATABASE site")
        yield server
    finally:
        server.remove()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """The module's logs and file cache (pytest keeps those of its last three runs)."""
    return tmp_path_factory.mktemp("site")


@pytest.fixture(scope="module")
def site(folder, environment):
    port = free_port()
    server = start(
        folder, environment, sys.executable, "-m", "gunicorn", "consultancy.wsgi", "--workers", "2",
        "--bind", f"127.0.0.1:{port}", "--timeout", "30", "--log-level", "warning",
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: answers(url), "gunicorn", seconds=30)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def worker(folder, environment):
    process = start(
        folder, environment, sys.executable, "manage.py", "db_worker", "--interval", "0.2"
    )
    yield process
    process.terminate()
    process.wait(timeout=10)
