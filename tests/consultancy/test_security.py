"""
Security of production: the deploy checks and the headers every response carries.
"""

import os
import subprocess
import sys
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.utils import get_random_secret_key
from django.templatetags.static import static
from django.urls import reverse

from tests.consultancy.test_settings import PROJECT_DIR
from tests.factories import make_term

pytestmark = pytest.mark.django_db


def fresh_python(*args, **environ):
    """`python *args` in the project folder, in a fresh interpreter with only `environ`."""
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "consultancy.settings"}
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT_DIR,
        env=env | environ,
        capture_output=True,
        text=True,
        check=False,
    )


def manage(*args, **environ):
    return fresh_python("manage.py", *args, **environ)


# Production configuration: the deploy checks


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_ALLOWED_HOSTS": "example.com",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "DJANGO_SECURE_HSTS_PRELOAD": "1",
    "ENQUIRY_NOTIFY_EMAILS": "sales@example.com",
    # A shared cache, as production has (locmem:// would rightly warn, W001).
    "CACHE_URL": "redis://127.0.0.1:6379/0",
}


def test_the_deploy_check_passes_on_production_settings_with_nothing_silenced():
    secret_key = get_random_secret_key()
    assert len(secret_key) == 50
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", DJANGO_SECRET_KEY=secret_key, **PRODUCTION
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "(0 silenced)" in result.stdout


def test_production_refuses_to_start_without_enquiry_recipients():
    environ = {**PRODUCTION, "DJANGO_SECRET_KEY": get_random_secret_key()}
    del environ["ENQUIRY_NOTIFY_EMAILS"]
    result = manage("check", **environ)
    assert result.returncode != 0
    assert "ERRORS:" in result.stderr
    assert "(consultancy.E001) ENQUIRY_NOTIFY_EMAILS is not set" in result.stderr


def test_development_needs_no_enquiry_recipients():
    result = manage("check", DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr


# Headers on every response

SECURITY_HEADERS = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Content-Type-Options": "nosniff",
}
DENIED_FEATURES = ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()")


def assert_security_headers(response, csp=True):
    for name, value in SECURITY_HEADERS.items():
        assert response.get(name) == value, name
    policy = response.get("Permissions-Policy", "")
    assert all(feature in policy.split(", ") for feature in DENIED_FEATURES), policy
    if csp:
        assert "default-src 'self'" in response.get("Content-Security-Policy", "")


def test_a_public_page_has_the_headers_when_rendered_and_when_cached(client):
    make_term(slug="foundation-model")
    miss = client.get("/glossary/foundation-model/")
    hit = client.get("/glossary/foundation-model/")
    assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    assert_security_headers(miss)
    assert_security_headers(hit)


@pytest.mark.parametrize(
    ("name", "path", "status"),
    [
        ("the 404 page", "/no-such-page/", 404),
        ("the contact form", "/contact/", 200),
        ("the admin login", "/admin/login/", 200),
    ],
)
def test_every_kind_of_page_has_the_headers(client, name, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert_security_headers(response)


def test_the_500_page_has_the_headers(client):
    client.raise_request_exception = False
    with mock.patch("consultancy.views.HomeView.get", side_effect=RuntimeError("boom")):
        response = client.get(reverse("home"))
    assert response.status_code == 500
    assert_security_headers(response, csp=False)


def test_static_files_have_the_headers(client, settings, tmp_path):
    """Served by WhiteNoise, below SecurityMiddleware and the Permissions-Policy."""
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", "--noinput", verbosity=0)
    response = client.get(static("css/site.css"))
    assert response.status_code == 200
    assert_security_headers(response, csp=False)
