"""
Two app servers sharing PostgreSQL and Redis: an edit made through one is
seen through the other on the very next request, though both cache pages.

Run by `make test-multiserver` (in CI) with DATABASE_URL on PostgreSQL and
CACHE_URL on Redis; the servers are real gunicorn processes on 127.0.0.1.
"""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
from django.conf import global_settings
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from tests.factories import make_term
from tests.integration.production import PROJECT_DIR, production_env
from tests.servers import free_port

pytestmark = [pytest.mark.multiserver, pytest.mark.django_db(transaction=True)]

STARTUP_SECONDS = 30


@pytest.fixture
def server_environment():
    if connection.vendor != "postgresql" or not os.environ.get("CACHE_URL", "").startswith(
        "redis://"
    ):
        pytest.fail(
            "Run with DATABASE_URL on PostgreSQL and CACHE_URL on Redis (make test-multiserver)."
        )
    settings_dict = connection.settings_dict
    database_url = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
        f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    )
    environment = production_env(
        database_url, CACHE_URL=os.environ["CACHE_URL"], TASKS_BACKEND="immediate"
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=PROJECT_DIR,
        env=environment,
        check=True,
    )
    return environment


@pytest.fixture
def two_servers(server_environment):
    servers, urls = [], []
    for _ in range(2):
        port = free_port()
        servers.append(
            subprocess.Popen(
                [
                    sys.executable, "-m", "gunicorn", "consultancy.wsgi",
                    "--workers", "1", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
                ],
                cwd=PROJECT_DIR,
                env=server_environment,
            )
        )  # fmt: skip
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            wait_until_serving(url)
        yield urls
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=10)


def wait_until_serving(url):
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/robots.txt", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not start within {STARTUP_SECONDS} s")


def get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers, response.read().decode()


class AdminSession:
    """A staff member's browser: cookies and CSRF tokens, over plain HTTP."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path):
        with self.opener.open(self.base_url + path, timeout=10) as response:
            return response.read().decode()

    def post(self, path, data):
        html = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True)
        request = urllib.request.Request(
            self.base_url + path,
            data=body.encode(),
            headers={"Referer": self.base_url + path},
        )
        with self.opener.open(request, timeout=10) as response:
            return response.geturl(), response.read().decode()


def test_an_edit_through_one_server_is_fresh_on_the_other(two_servers, settings):
    first, second = two_servers
    # The servers know only the real password hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    User.objects.create_superuser("admin", "admin@example.com", "a-long-test-password")
    term = make_term(name="Foundation Model", slug="foundation-model", short_definition="Old text.")
    page = "/glossary/foundation-model/"

    get(second + page)
    headers, html = get(second + page)
    assert headers["X-Page-Cache"] == "hit"
    assert "Old text." in html

    admin = AdminSession(first)
    admin.post(
        "/admin/login/",
        {"username": "admin", "password": "a-long-test-password", "next": "/admin/"},
    )
    final_url, _ = admin.post(
        f"/admin/glossary/term/{term.pk}/change/",
        {
            "name": "Foundation Model",
            "slug": "foundation-model",
            "short_definition": "New text, saved through the first server.",
            "body": term.body,
            "status": "published",
            "published_at_0": timezone.localtime(term.published_at).strftime("%Y-%m-%d"),
            "published_at_1": timezone.localtime(term.published_at).strftime("%H:%M:%S"),
            "auto_link": "on",
            "tags": "",
        },
    )
    assert final_url.endswith("/admin/glossary/term/"), "the admin did not accept the edit"

    _, html = get(second + page)
    assert "New text, saved through the first server." in html
