"""/healthz and /readyz: JSON for machines, never cached, honest about what failed."""

import socket
import threading
import time

import pytest
from django.test import Client

from consultancy import health

pytestmark = pytest.mark.django_db

# The site's own Redis backend (it fails soft), where nothing listens:
# connections to port 1 are refused at once.
CLOSED_PORT_REDIS = {
    "default": {
        "BACKEND": "consultancy.cache_backends.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


def assert_never_cached_json(response):
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert b"<html" not in response.content.lower()


def test_healthz_answers_ok_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert_never_cached_json(response)


def test_readyz_reports_each_check_with_its_time_when_all_is_well(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "notifications"}
    for result in body["checks"].values():
        assert result["status"] == "ok"
        assert result["ms"] >= 0
    assert_never_cached_json(response)


def test_health_answers_are_never_stored_by_the_page_cache(client):
    for path in ("/healthz", "/readyz"):
        client.get(path)
        assert "X-Page-Cache" not in client.get(path)


def test_readyz_is_503_naming_the_cache_when_redis_is_down(client, settings):
    settings.CACHES = CLOSED_PORT_REDIS
    started = time.monotonic()
    response = client.get("/readyz")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert_never_cached_json(response)
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["cache"]["status"] == "fail"
    assert body["checks"]["cache"]["error"] == "ConnectionError"
    assert body["checks"]["database"]["status"] == "ok"
    assert response["Retry-After"]
    # A refused connection fails at once; this is far from any timeout.
    assert elapsed < 10


def test_the_cache_check_gives_up_quickly_on_a_redis_that_never_answers(settings):
    """
    A server that accepts connections and then says nothing (a hung Redis),
    with no timeout configured for the site: the check fails after its own
    CACHE_TIMEOUT_SECONDS, not after redis-py's default of 5 s per command.
    """
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
            }
        }
        outcome = []

        def probe():
            try:
                health.check_cache()
            except Exception as error:
                outcome.append(error)
            else:
                outcome.append(None)

        # In a thread, so that a check that hangs fails this test instead of hanging it.
        thread = threading.Thread(target=probe, daemon=True)
        thread.start()
        thread.join(timeout=5 * health.CACHE_TIMEOUT_SECONDS)
        assert not thread.is_alive(), "the cache check waited as long as the site's client would"
    [error] = outcome
    assert type(error).__name__ == "TimeoutError"


def test_a_failing_check_is_a_503_naming_it_not_a_500_page(client, monkeypatch):
    def broken():
        raise RuntimeError("secret-host.internal:5432 refused")

    monkeypatch.setitem(health._checks, "database", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert_never_cached_json(response)
    body = response.json()
    assert body["checks"]["database"] == {
        "status": "fail",
        "error": "RuntimeError",
        "ms": body["checks"]["database"]["ms"],
    }
    # What the exception said (hosts, say) is for the log, not for anyone reading /readyz.
    assert b"secret-host" not in response.content


def test_a_check_that_needs_a_failed_one_fails_without_running(client, monkeypatch):
    ran = []

    def broken():
        raise ConnectionError("database down")

    monkeypatch.setitem(health._checks, "database", broken)
    monkeypatch.setitem(health._checks, "notifications", lambda: ran.append("notifications"))
    checks = client.get("/readyz").json()["checks"]
    assert checks["database"]["error"] == "ConnectionError"
    # Not a second wait for the database's timeout.
    assert checks["notifications"] == {"status": "fail", "error": "needs database", "ms": 0.0}
    assert ran == []
    # The cache needs nothing else, and still runs.
    assert checks["cache"]["status"] == "ok"


def test_a_check_can_only_need_one_registered_before_it(monkeypatch):
    monkeypatch.setattr(health, "_checks", dict(health._checks))
    with pytest.raises(ValueError, match="needs 'search'"):
        health.register("index", lambda: None, needs=("database", "search"))
    assert "index" not in health.registered()


def test_registering_a_check_twice_is_an_error():
    with pytest.raises(ValueError, match="already registered"):
        health.register("database", health.check_database)


class BrokenMiddleware:
    """Fails every request before any view runs, as a middleware whose server is down would."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise ConnectionError("down")


@pytest.fixture
def broken_middleware(settings):
    settings.MIDDLEWARE = ["tests.consultancy.test_health.BrokenMiddleware", *settings.MIDDLEWARE]
    return Client(raise_request_exception=False)


def test_health_urls_answer_json_even_when_the_request_fails_before_the_view(broken_middleware):
    healthz = broken_middleware.get("/healthz")
    readyz = broken_middleware.get("/readyz")
    assert (healthz.status_code, healthz.json()) == (503, {"status": "fail"})
    assert readyz.status_code == 503
    assert set(readyz.json()["checks"]) == {"database", "cache", "notifications"}
    assert_never_cached_json(healthz)
    assert_never_cached_json(readyz)


def test_other_pages_still_get_the_html_500_page_then(broken_middleware):
    response = broken_middleware.get("/glossary/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
