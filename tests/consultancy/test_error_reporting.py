"""
Server errors reach someone: each 500 is emailed to ADMINS and, with
SENTRY_DSN, sent to Sentry; the 500 page says "we have been told" only then.
"""

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import include, path

from consultancy import views
from tests.consultancy.test_settings import A_REAL_SECRET, read_setting

pytestmark = pytest.mark.django_db

TOLD = "We have been told about it"


def broken_view(request):
    raise RuntimeError("the view is broken")


# This module is the URLconf of the tests below: the site, plus a page that fails.
urlpatterns = [path("broken/", broken_view), path("", include("consultancy.urls"))]
handler500 = "consultancy.views.server_error"


@pytest.fixture
def visitor(settings):
    settings.ROOT_URLCONF = __name__
    settings.ADMINS = []
    settings.SENTRY_DSN = ""
    return Client(raise_request_exception=False)


def test_a_server_error_is_emailed_once_to_the_admins(visitor, settings):
    settings.ADMINS = ["Jane Ops <jane@example.com>", "ops@example.com"]
    response = visitor.get("/broken/")
    assert response.status_code == 500
    [email] = mail.outbox
    assert email.to == ["Jane Ops <jane@example.com>", "ops@example.com"]
    assert "Internal Server Error: /broken/" in email.subject
    assert "the view is broken" in email.body


def test_with_admins_the_500_page_says_we_have_been_told(visitor, settings):
    settings.ADMINS = ["ops@example.com"]
    assert TOLD in visitor.get("/broken/").content.decode()


def test_with_sentry_alone_the_500_page_says_we_have_been_told(visitor, settings):
    settings.SENTRY_DSN = "https://public@127.0.0.1/1"
    assert TOLD in visitor.get("/broken/").content.decode()


def test_with_nobody_to_tell_the_500_page_does_not_claim_we_were_told(visitor):
    page = visitor.get("/broken/").content.decode()
    assert "Something went wrong on our side" in page
    assert TOLD not in page
    assert "please let us know" in page
    assert not mail.outbox


def test_the_500_handler_needs_no_database(settings, django_assert_num_queries):
    settings.ADMINS = ["ops@example.com"]
    with django_assert_num_queries(0):
        response = views.server_error(RequestFactory().get("/glossary/"))
    assert response.status_code == 500
    assert TOLD in response.content.decode()


SENTRY_OPTIONS = (
    "(lambda c: (c.is_active(), c.options['environment'], c.options['release'],"
    " c.options['send_default_pii'], c.options['max_request_body_size']))"
    "(__import__('sentry_sdk').get_client())"
)


def test_sentry_is_started_when_a_dsn_is_set_without_personal_data():
    # The DSN points at this machine and nothing is sent: no error happens.
    result = read_setting(
        f"settings.SENTRY_DSN and {SENTRY_OPTIONS}",
        DJANGO_SECRET_KEY=A_REAL_SECRET,
        SENTRY_DSN="https://public@127.0.0.1/1",
        SENTRY_ENVIRONMENT="staging",
        SENTRY_RELEASE="2026.12.1",
    )
    assert result.stdout.strip() == "(True, 'staging', '2026.12.1', False, 'never')", result.stderr


def test_sentry_stays_off_without_a_dsn():
    # The settings are read first (they would start Sentry), then the client asked.
    result = read_setting(
        "repr(settings.SENTRY_DSN), __import__('sentry_sdk').get_client().is_active()",
        DJANGO_SECRET_KEY=A_REAL_SECRET,
    )
    assert result.stdout.strip() == "'' False", result.stderr


def test_an_address_that_is_not_one_is_refused_at_start():
    result = read_setting("settings.ADMINS", DJANGO_SECRET_KEY=A_REAL_SECRET, DJANGO_ADMINS="ops")
    assert result.returncode != 0
    assert "DJANGO_ADMINS: 'ops' is not an email address" in result.stderr


def test_admins_are_read_from_the_environment():
    result = read_setting(
        "settings.ADMINS",
        DJANGO_SECRET_KEY=A_REAL_SECRET,
        DJANGO_ADMINS="Jane <jane@example.com>,ops@example.com",
    )
    assert result.stdout.strip() == "['Jane <jane@example.com>', 'ops@example.com']", result.stderr
