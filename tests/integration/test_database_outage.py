"""
The database stopped for real: a PostgreSQL cluster of the test's own under a
gunicorn server and the task worker, both in production mode. While it is
down, cached pages are served, other pages answer the branded 503 and a
contact-form POST gives the visitor their message back; after a restart no
request fails; when it returns the site and the worker carry on by themselves.

Run by `make test-outage` (in CI). Needs PostgreSQL's server binaries
(Debian's postgresql package), never the machine's own cluster.
"""

import json
import re
import time

import pytest

from tests.integration.production import SALES, notification, site_environment
from tests.servers import Visitor, wait_until

pytestmark = pytest.mark.outage


@pytest.fixture(scope="module")
def environment(database, folder):
    return site_environment(database, folder)


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

        status, headers, html = visitor.request("/glossary/?q=neverasked")
        assert status == 503
        assert headers["Retry-After"]
        assert "back in a moment" in html.lower()

        status, headers, html = visitor.send_enquiry(
            "grace@example.com", "Please call me about compilers.", name="Grace Hopper", form=form
        )
        assert status == 503
        assert "Please call me about compilers." in html
        assert 'value="grace@example.com"' in html
        assert SALES in html

        # The database's timeout is waited once, not once per check that reads it.
        status, _, body = visitor.request("/readyz")
        assert status == 503
        checks = json.loads(body)["checks"]
        assert checks["database"]["status"] == "fail"
        assert checks["notifications"] == {"status": "fail", "error": "needs database", "ms": 0.0}
    finally:
        database.start()

    wait_until(
        lambda: visitor.request("/glossary/?q=aftertheoutage")[0] == 200,
        "the site after the database came back",
        seconds=15,
    )


def test_the_worker_waits_out_an_outage_and_sends_what_arrives_after_it(site, database, worker):
    visitor = Visitor(site)
    status, _headers, html = visitor.send_enquiry("before@example.com", "Before the outage.")
    assert status == 302, re.findall(r'<li><a href="#[^"]*">([^<]*)', html)
    wait_until(lambda: notification(database, "before@example.com")["status"] == "sent", "email")

    database.stop("immediate")
    time.sleep(3)  # the worker polls the dead database several times meanwhile
    assert worker.poll() is None
    database.start()

    wait_until(
        lambda: visitor.send_enquiry("after@example.com", "After the outage.")[0] == 302,
        "the contact form after the outage",
    )
    wait_until(
        lambda: notification(database, "after@example.com")["status"] == "sent",
        "the worker sending an enquiry after the outage",
        seconds=20,
    )
    assert worker.poll() is None
