"""
Security of the admin and of production: the login throttle, where the admin
lives, how long staff sessions last, the deploy checks and the headers every
response carries.
"""

import importlib
import os
import subprocess
import sys
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.utils import get_random_secret_key
from django.db.models import F
from django.templatetags.static import static
from django.test import override_settings
from django.urls import clear_url_caches, reverse
from django.utils import timezone

import consultancy.urls
from tests.consultancy.test_settings import A_REAL_SECRET, PROJECT_DIR, read_setting
from tests.factories import make_term

pytestmark = pytest.mark.django_db

OFFICE = "203.0.113.10"
ELSEWHERE = "198.51.100.20"
WRONG = "not-the-password"


def log_in(client, username, password, ip=OFFICE, **extra):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=ip,
        **extra,
    )


def fail_five_times(client, username="editor", ip=OFFICE):
    return [log_in(client, username, WRONG, ip=ip) for _ in range(5)]


def is_logged_in(client):
    return "_auth_user_id" in client.session


def words(response):
    """The page's text with its line breaks and indentation folded to single spaces."""
    return " ".join(response.text.split())


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


# The login throttle (django-axes)


def test_five_failed_logins_lock_out_with_a_message_in_the_admins_look(client, editor):
    *first_four, fifth = fail_five_times(client)
    for response in first_four:
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.text
    assert fifth.status_code == 429
    assert "<h1>Too many failed logins</h1>" in fifth.text
    assert "Logging in with this username or from your network is paused for 15 minutes." in words(
        fifth
    )
    assert (
        "every attempt before then, even with the right password, starts the wait again"
        in words(fifth)
    )
    assert "Halyard AI content and enquiries" in fifth.text  # the admin's header
    assert fifth["Retry-After"] == "900"


def test_a_locked_out_login_is_refused_even_with_the_right_password(client, editor):
    fail_five_times(client)
    response = log_in(client, "editor", "pw")
    assert response.status_code == 429
    assert "Too many failed logins" in response.text
    assert not is_logged_in(client)


def test_the_lockout_ends_after_the_cool_off(client, editor):
    fail_five_times(client)
    # Sixteen minutes pass.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    response = log_in(client, "editor", "pw")
    assert response.status_code == 302
    assert is_logged_in(client)


def test_a_lockout_leaves_other_staff_elsewhere_and_the_public_site_alone(client, editor, sales):
    fail_five_times(client, "editor", ip=OFFICE)
    assert client.get(reverse("home"), REMOTE_ADDR=OFFICE).status_code == 200
    response = log_in(client, "sales", "pw", ip=ELSEWHERE)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert is_logged_in(client)


def test_the_admin_offers_lockouts_but_not_the_logs_that_stay_empty(client, admin_client, editor):
    fail_five_times(client, "editor")
    index = admin_client.get(reverse("admin:index")).text
    assert "Access attempts" in index
    assert "Access logs" not in index
    assert "Access failures" not in index
    attempts = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert attempts.status_code == 200
    assert "editor" in attempts.text


def test_guesses_at_one_username_from_many_addresses_lock_that_username(client, editor):
    for n in range(5):
        log_in(client, "editor", WRONG, ip=f"192.0.2.{n + 1}")
    assert log_in(client, "editor", "pw", ip=ELSEWHERE).status_code == 429


def test_guesses_at_many_usernames_from_one_address_lock_that_address(client, sales):
    for name in ("admin", "root", "editor", "staff", "test"):
        log_in(client, name, WRONG, ip=OFFICE)
    assert log_in(client, "sales", "pw", ip=OFFICE).status_code == 429
    assert log_in(client, "sales", "pw", ip=ELSEWHERE).status_code == 302


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(client, sales, settings):
    """The same rule as the enquiry rate limits: ENQUIRY_PROXY_COUNT, X-Forwarded-For."""
    settings.ENQUIRY_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for name in ("admin", "root", "editor", "staff", "test"):
        log_in(client, name, WRONG, ip=proxy, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {OFFICE}")
    assert log_in(client, "sales", "pw", ip=proxy, HTTP_X_FORWARDED_FOR=OFFICE).status_code == 429
    # Another visitor behind the same proxy is not locked out with them.
    response = log_in(client, "sales", "pw", ip=proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert response.status_code == 302


class CountingHasher(MD5PasswordHasher):
    """MD5 (fast, for tests) that counts every hash it computes (verify() calls encode())."""

    algorithm = "counting-md5"
    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.calls = 0
    return CountingHasher


@pytest.mark.parametrize("password", [WRONG, "pw"])
def test_a_locked_out_login_hashes_no_password(client, counting_hasher, password):
    """Hashing is what guessing costs the server: a locked-out attempt must cost none."""
    User.objects.create_user("editor", password="pw", is_staff=True)
    counting_hasher.calls = 0
    log_in(client, "editor", WRONG)
    assert counting_hasher.calls == 1  # an ordinary failure is hashed, once
    for _ in range(4):
        log_in(client, "editor", WRONG)
    counting_hasher.calls = 0
    assert log_in(client, "editor", password).status_code == 429
    assert counting_hasher.calls == 0


# Where the admin lives (DJANGO_ADMIN_URL)


def reload_urlconf():
    importlib.reload(consultancy.urls)
    clear_url_caches()


@contextmanager
def admin_at(url):
    """The URLconf as built with ADMIN_URL=url (it reads the setting once, on import)."""
    try:
        with override_settings(ADMIN_URL=url):
            reload_urlconf()
            yield
    finally:
        reload_urlconf()


def test_django_admin_url_moves_the_admin(client, editor):
    with admin_at("back-office-7hq2/"):
        assert client.get("/admin/").status_code == 404
        assert client.get("/admin/login/").status_code == 404
        assert reverse("admin:login") == "/back-office-7hq2/login/"
        login = client.get("/back-office-7hq2/login/")
        assert login.status_code == 200
        assert 'id="login-form"' in login.text
        response = log_in(client, "editor", "pw")
        assert response["Location"] == "/back-office-7hq2/"
        assert client.get(response["Location"]).status_code == 200


def test_the_page_cache_never_stores_pages_under_the_moved_admin():
    result = fresh_python(
        "-c",
        "import django; django.setup(); from consultancy import cache; "
        "print(cache.UNCACHEABLE_PATH_PREFIXES)",
        DJANGO_SECRET_KEY=A_REAL_SECRET,
        DJANGO_ADMIN_URL="/back-office-7hq2",
    )
    assert result.stdout.strip() == "('/back-office-7hq2/', '/contact/')", result.stderr


def test_an_admin_url_that_is_not_a_plain_path_is_refused():
    result = read_setting(
        "settings.ADMIN_URL", DJANGO_SECRET_KEY=A_REAL_SECRET, DJANGO_ADMIN_URL="<x>/"
    )
    assert result.returncode != 0
    assert "DJANGO_ADMIN_URL must be a path" in result.stderr


# Staff sessions


def test_a_staff_session_ends_with_the_browser(client, editor):
    response = log_in(client, "editor", "pw")
    cookie = response.cookies["sessionid"]
    assert cookie.value
    assert not cookie["expires"]
    assert not cookie["max-age"]


@pytest.mark.parametrize(("hours_later", "still_signed_in"), [(11.9, True), (12.1, False)])
def test_a_staff_session_ends_twelve_hours_after_the_login(
    client, editor, hours_later, still_signed_in
):
    log_in(client, "editor", "pw")
    later = timezone.now() + timedelta(hours=hours_later)
    with mock.patch("django.contrib.sessions.backends.db.timezone.now", return_value=later):
        response = client.get(reverse("admin:index"))
    assert (response.status_code == 200) is still_signed_in
    if not still_signed_in:
        assert response["Location"].startswith(reverse("admin:login"))


def test_staff_session_hours_come_from_the_environment():
    result = read_setting(
        "settings.SESSION_COOKIE_AGE, settings.SESSION_EXPIRE_AT_BROWSER_CLOSE",
        DJANGO_SECRET_KEY=A_REAL_SECRET,
        DJANGO_STAFF_SESSION_HOURS="3",
    )
    assert result.stdout.strip() == "10800 True", result.stderr


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


def test_the_lockout_page_has_the_headers(client, editor):
    *_, lockout = fail_five_times(client)
    assert lockout.status_code == 429
    assert_security_headers(lockout)


def test_the_500_page_has_the_headers(client):
    client.raise_request_exception = False
    with mock.patch("consultancy.views.HomeView.get", side_effect=RuntimeError("boom")):
        response = client.get(reverse("home"))
    assert response.status_code == 500
    assert_security_headers(response)


def test_static_files_have_the_headers(client, settings, tmp_path):
    """Served by WhiteNoise, below SecurityMiddleware and the Permissions-Policy."""
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", "--noinput", verbosity=0)
    response = client.get(static("css/site.css"))
    assert response.status_code == 200
    assert_security_headers(response, csp=False)
