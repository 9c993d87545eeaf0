"""
How a lost database is answered: the branded 503 with Retry-After, logged
once a minute and never emailed per request. (That the site really survives
one is tests/integration/test_database_outage.py, on a server stopped
mid-test.)
"""

import logging

import pytest
from django.core import mail
from django.db import OperationalError

from consultancy import outages

pytestmark = pytest.mark.urls("tests.consultancy.outage_urls")


@pytest.fixture
def reported_errors(settings):
    settings.ADMINS = ["ops@example.com"]
    settings.CONTACT_EMAIL = "hello@example.com"
    outages._log_error.reset()


@pytest.fixture
def server_errors_answered(client):
    client.raise_request_exception = False
    return client


def test_a_view_that_loses_the_database_answers_the_branded_503(
    server_errors_answered, reported_errors
):
    response = server_errors_answered.get("/gone/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(outages.RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    content = response.content.decode()
    assert "We’ll be back in a moment" in content
    assert "hello@example.com" in content


def test_an_outage_is_logged_once_a_minute_and_never_emailed_per_request(
    server_errors_answered, reported_errors, caplog
):
    with caplog.at_level(logging.ERROR):
        for _ in range(3):
            assert server_errors_answered.get("/gone/").status_code == 503
    logged = [r for r in caplog.records if r.name == "consultancy.outages"]
    assert len(logged) == 1
    assert "not answering" in logged[0].getMessage()
    assert mail.outbox == []


def test_a_database_error_that_is_a_bug_stays_a_reported_500(
    server_errors_answered, reported_errors
):
    response = server_errors_answered.get("/bug/")
    assert response.status_code == 500
    assert len(mail.outbox) == 1


def test_a_database_lost_before_any_view_runs_is_a_503_too(
    server_errors_answered, reported_errors, settings
):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.consultancy.test_outages.LosesTheDatabase"]
    response = server_errors_answered.get("/")
    assert response.status_code == 503
    assert "We’ll be back in a moment" in response.content.decode()
    assert mail.outbox == []


class LosesTheDatabase:
    """A middleware whose database read fails, as sessions and auth do in an outage."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise OperationalError("couldn't get a connection after 1.50 sec")
