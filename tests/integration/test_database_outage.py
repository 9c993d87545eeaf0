"""
The database stopped for real: a PostgreSQL cluster of the test's own under a
gunicorn server and the task worker, both in production mode. While it is
down, cached pages are served, other pages answer the branded 503 and a
contact-form POST gives the visitor their message back; after a restart no
request fails; when it returns the site and the worker carry on by themselves.

Run by `make test-outage` (in CI). Needs PostgreSQL's server binaries
(Debian's postgresql package), never the machine's own cluster.
"""

import http.cookiejar
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
import pytest

from tests.servers import PostgresServer, free_port, wait_until

pytestmark = pytest.mark.outage

PROJECT_DIR = Path(__file__).resolve().parents[2]
SALES = "sales@example.com"


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the redirect itself is the answer (302 after an enquiry)


class Visitor:
    """A browser without JavaScript: cookies, and every answer as it came."""

    def __init__(self, base_url):
        self.base_url = base_url
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), NoRedirects()
        )

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body)
        if data is not None:
            request.add_header("Referer", self.base_url + "/contact/")
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def contact_form(self):
        _status, _headers, html = self.request("/contact/")
        hidden = r'<input type="hidden" name="(\w+)" value="([^"]*)"'
        return dict(re.findall(hidden, html))


@pytest.fixture(scope="module")
def database():
    server = PostgresServer().start()
    with psycopg.connect(server.url(), autocommit=True) as connection:
        connection.execute("CREATE DATABASE site")
    yield server
    server.remove()


@pytest.fixture(scope="module")
def environment(database):
    cache_dir = tempfile.mkdtemp(prefix="test-outage-cache-")
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "consultancy.settings",
        "DJANGO_SECRET_KEY": "outage-test-secret-key-only-for-this-test-0123456789",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database.url("site"),
        # Production's default: a file cache, which outlives the database.
        "CACHE_URL": f"file://{cache_dir}",
        "TASKS_BACKEND": "database",
        "EMAIL_TO_CONSOLE": "1",
        "ENQUIRY_NOTIFY_EMAILS": SALES,
        "ENQUIRY_MIN_FILL_SECONDS": "0",
    }
    for command in (["migrate", "-v0"], ["load_demo"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=PROJECT_DIR,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return env


LOGS = Path(tempfile.mkdtemp(prefix="test-outage-logs-"))


def start(environment, *command):
    """A server process, its log in LOGS (printed by pytest when a test fails)."""
    log = open(LOGS / f"{Path(command[-1]).name}-{time.time_ns()}.log", "w")  # noqa: SIM115
    return subprocess.Popen(command, cwd=PROJECT_DIR, env=environment, stdout=log, stderr=log)


@pytest.fixture(scope="module")
def site(environment):
    port = free_port()
    server = start(
        environment, sys.executable, "-m", "gunicorn", "consultancy.wsgi", "--workers", "2",
        "--bind", f"127.0.0.1:{port}", "--timeout", "30", "--log-level", "warning",
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: _answers(url), "gunicorn", seconds=30)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def worker(environment):
    process = start(environment, sys.executable, "manage.py", "db_worker", "--interval", "0.2")
    yield process
    process.terminate()
    process.wait(timeout=10)


def _answers(url):
    try:
        urllib.request.urlopen(url + "/robots.txt", timeout=1)
        return True
    except OSError:
        return False


def notification_status(database, email):
    with psycopg.connect(database.url("site")) as connection:
        row = connection.execute(
            "SELECT notification_status FROM services_enquiry WHERE email = %s", [email]
        ).fetchone()
    return row[0] if row else None


def enquiry(visitor, email, message):
    """Send the contact form; (status, headers, page)."""
    return visitor.request(
        "/contact/",
        {**visitor.contact_form(), "name": "Ada", "email": email, "message": message,
         "consent": "on", "website": ""},
    )  # fmt: skip


def test_no_request_fails_after_the_database_restarts(site, database):
    visitor = Visitor(site)
    for n in range(8):
        assert visitor.request(f"/glossary/?q=model{n}")[0] == 200
    database.stop("fast")
    database.start()
    # Searches never asked before: each one needs the database.
    statuses = [visitor.request(f"/glossary/?q=agent{n}")[0] for n in range(16)]
    assert statuses == [200] * 16


def test_while_the_database_is_down_visitors_lose_nothing_and_it_recovers_alone(site, database):
    visitor = Visitor(site)
    cached_path = "/glossary/foundation-model/"
    visitor.request(cached_path)
    assert visitor.request(cached_path)[1]["X-Page-Cache"] == "hit"
    form = visitor.contact_form()

    database.stop("immediate")
    try:
        status, headers, html = visitor.request(cached_path)
        assert status == 200
        assert "Foundation Model" in html

        status, headers, html = visitor.request("/glossary/?q=never-asked-before")
        assert status == 503
        assert headers["Retry-After"]
        assert "back in a moment" in html.lower()

        status, headers, html = visitor.request(
            "/contact/",
            {**form, "name": "Grace Hopper", "email": "grace@example.com",
             "message": "Please call me about compilers.", "consent": "on", "website": ""},
        )  # fmt: skip
        assert status == 503
        assert "Please call me about compilers." in html
        assert 'value="grace@example.com"' in html
        assert SALES in html
    finally:
        database.start()

    wait_until(
        lambda: visitor.request("/glossary/?q=after-the-outage")[0] == 200,
        "the site after the database came back",
        seconds=15,
    )


def test_the_worker_waits_out_an_outage_and_sends_what_arrives_after_it(site, database, worker):
    visitor = Visitor(site)
    status, _headers, html = enquiry(visitor, "before@example.com", "Before the outage.")
    assert status == 302, re.findall(r'<li><a href="#[^"]*">([^<]*)', html)
    wait_until(lambda: notification_status(database, "before@example.com") == "sent", "email")

    database.stop("immediate")
    time.sleep(3)  # the worker polls the dead database several times meanwhile
    assert worker.poll() is None
    database.start()

    wait_until(
        lambda: enquiry(visitor, "after@example.com", "After the outage.")[0] == 302,
        "the contact form after the outage",
    )
    wait_until(
        lambda: notification_status(database, "after@example.com") == "sent",
        "the worker sending an enquiry after the outage",
        seconds=20,
    )
    assert worker.poll() is None
