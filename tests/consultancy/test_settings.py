"""Settings come from the environment; production refuses unsafe configuration."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
A_REAL_SECRET = "a-real-secret-for-this-test"


def read_setting(expression, **environ):
    """Evaluate `expression` on the settings in a fresh interpreter with only `environ`."""
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "consultancy.settings"}
    return subprocess.run(
        [sys.executable, "-c", f"from django.conf import settings; print({expression})"],
        cwd=PROJECT_DIR,
        env=env | environ,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = read_setting("settings.DEBUG")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_refuses_the_development_key():
    result = read_setting("settings.DEBUG", DJANGO_SECRET_KEY="django-insecure-development-x")
    assert result.returncode != 0
    assert "development placeholder" in result.stderr


def test_development_runs_without_a_secret_key():
    result = read_setting("settings.DEBUG", DJANGO_DEBUG="1")
    assert result.stdout.strip() == "True", result.stderr


def test_ssl_redirect_and_secure_cookies_are_on_by_default_in_production():
    result = read_setting(
        "settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE",
        DJANGO_SECRET_KEY=A_REAL_SECRET,
    )
    assert result.stdout.strip() == "True True", result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "expression", "expected"),
    [
        ("DJANGO_ALLOWED_HOSTS", "a.example,b.example", "settings.ALLOWED_HOSTS", "['a.example', 'b.example']"),
        ("DJANGO_SECURE_SSL_REDIRECT", "0", "settings.SECURE_SSL_REDIRECT", "False"),
        ("CACHE_URL", "dummy://", "settings.CACHES['default']['BACKEND']", "django.core.cache.backends.dummy.DummyCache"),
        ("DATABASE_URL", "postgres://u@db.example:5432/site", "settings.DATABASES['default']['OPTIONS']['pool']['max_size']", "10"),
        ("DATABASE_URL", "postgres://u@db.example:5432/site", "settings.DATABASES['default']['OPTIONS']['prepare_threshold']", "5"),
        ("CACHE_URL", "redis://127.0.0.1:6379/1?key_prefix=site", "settings.CACHES['default']['KEY_PREFIX']", "site"),
        ("CACHE_URL", "redis://127.0.0.1:6379/1?key_prefix=site", "settings.CACHES['default']['LOCATION']", "redis://127.0.0.1:6379/1"),
        ("CACHE_URL", "locmem://", "settings.CACHES['default']['OPTIONS']['MAX_ENTRIES']", "2000"),
        ("DATABASE_URL", "sqlite:////tmp/site.sqlite3", "settings.DATABASES['default']['NAME']", "/tmp/site.sqlite3"),
        ("PREPARED_READS", "0", "settings.PREPARED_READS", "False"),
        ("EMAIL_HOST", "smtp.example", "settings.MAILERS['default']['OPTIONS']['host']", "smtp.example"),
    ],
)  # fmt: skip
def test_configuration_comes_from_the_environment(variable, value, expression, expected):
    result = read_setting(expression, DJANGO_SECRET_KEY=A_REAL_SECRET, **{variable: value})
    assert result.stdout.strip() == expected, result.stderr


def test_prepared_statements_can_be_turned_off_for_a_pooler_that_cannot_keep_them():
    result = read_setting(
        "'prepare_threshold' in settings.DATABASES['default']['OPTIONS'],"
        " settings.DATABASES['default']['OPTIONS'].get('server_side_binding')",
        DJANGO_SECRET_KEY=A_REAL_SECRET,
        DATABASE_URL="postgres://u@db.example:5432/site",
        DATABASE_PREPARED_STATEMENTS="0",
    )
    assert result.stdout.strip() == "False None", result.stderr


def test_an_unknown_cache_scheme_is_refused_with_the_ones_we_know():
    result = read_setting(
        "settings.CACHES", DJANGO_SECRET_KEY=A_REAL_SECRET, CACHE_URL="memcache://127.0.0.1"
    )
    assert result.returncode != 0
    assert (
        "CACHE_URL must start with one of locmem://, file://, dummy://, redis://" in result.stderr
    )


def test_a_secret_starting_with_a_dollar_sign_is_used_as_it_is():
    """django-environ would read "$…" as the name of another variable."""
    result = read_setting(
        "settings.SECRET_KEY, settings.MAILERS['default']['OPTIONS']['password']",
        DJANGO_SECRET_KEY="$-a-real-secret-that-starts-with-a-dollar-sign",
        EMAIL_HOST_PASSWORD="$ecret",
    )
    assert result.stdout.strip() == "$-a-real-secret-that-starts-with-a-dollar-sign $ecret", (
        result.stderr
    )
