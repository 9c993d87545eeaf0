"""
Liveness (/healthz) and readiness (/readyz), for process managers, load
balancers and monitoring.

/healthz says only that this process answers requests: it touches neither the
database nor the cache, so an outage of either never gets healthy web
workers restarted. /readyz says whether the site can do its work: the
database and the cache answer, and every check an app registered passes
(the services app's: enquiry notifications are going out).

Both answer JSON, never an HTML page, and send `Cache-Control: no-store`, so
neither the page cache nor a proxy keeps an answer that is stale a second
later. A check that raises is a failed check, named in the answer with the
type of its error; the details (host names, say) go to the log only, since
anyone may read /readyz.

Checks are registered the way kinds of content are (consultancy.content_types):
`register(name, check, needs=(...))` from an app's AppConfig.ready(), so this
module names no app. A check is a function of no arguments; it fails by
raising, and `NotReady` carries a reason that is safe to show.
"""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import JsonResponse
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# The longest the cache check waits for the cache server, in seconds: a cache
# that hangs must make /readyz fail within a prober's timeout (often 1 s),
# not after redis-py's default of 5 s per command.
CACHE_TIMEOUT_SECONDS = 0.5
CACHE_CHECK_KEY = "health:readiness-probe"
# What a failed /readyz asks the prober to wait before asking again.
RETRY_AFTER_SECONDS = 30


class NotReady(Exception):
    """A failed check, with a reason anyone may read (it is shown in /readyz)."""


_checks: dict[str, Callable[[], None]] = {}
# What each check needs: the names of checks that must pass before it runs.
_needs: dict[str, tuple[str, ...]] = {}


def register(name: str, check: Callable[[], None], needs: tuple[str, ...] = ()) -> None:
    """
    Add a readiness check. Registering a name twice is an error.

    `needs` names checks registered before it that it depends on: when one of
    them fails, this one fails without running. A check that reads the
    database would otherwise wait the whole pool timeout a second time, and
    /readyz would take twice as long to say the database is down.
    """
    if name in _checks:
        raise ValueError(f"The readiness check {name!r} is already registered.")
    unknown = [need for need in needs if need not in _checks]
    if unknown:
        raise ValueError(
            f"The readiness check {name!r} needs {', '.join(map(repr, unknown))}, "
            "which is not registered (yet)."
        )
    _checks[name] = check
    _needs[name] = tuple(needs)


def registered() -> list[str]:
    """The names of the readiness checks, in the order they run."""
    return list(_checks)


def check_database():
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")


# One probe client per cache configuration (tests change it), made once.
_cache_probes = {}


def cache_probe():
    """
    The default cache, as the cache check reaches it. A Redis server is asked
    through a client of the check's own: Django's plain RedisCache, whose
    errors raise (the site's backend fails soft, so that a page never fails
    with the cache, and would hide them), with socket timeouts no longer than
    CACHE_TIMEOUT_SECONDS (a Redis that accepts connections but never answers
    must fail the check quickly). Other caches are asked directly.
    """
    config = settings.CACHES[DEFAULT_CACHE_ALIAS]
    if not issubclass(import_string(config["BACKEND"]), RedisCache):
        return caches[DEFAULT_CACHE_ALIAS]
    key = repr(config)
    if key not in _cache_probes:
        options = dict(config.get("OPTIONS", {}))
        for name in ("socket_connect_timeout", "socket_timeout"):
            options[name] = min(options.get(name) or CACHE_TIMEOUT_SECONDS, CACHE_TIMEOUT_SECONDS)
        _cache_probes[key] = RedisCache(config["LOCATION"], {**config, "OPTIONS": options})
    return _cache_probes[key]


def check_cache():
    # A write as well as a read: a Redis out of memory (or a read-only
    # replica) still answers reads but refuses the page cache's writes.
    probe = cache_probe()
    probe.set(CACHE_CHECK_KEY, time.time(), timeout=60)
    probe.get(CACHE_CHECK_KEY)


register("database", check_database)
register("cache", check_cache)


def run_checks():
    """{name: {"status": "ok" or "fail", "ms": time taken[, "error": why]}} for every check."""
    results = {}
    for name, check in _checks.items():
        failed = [need for need in _needs.get(name, ()) if results[need]["status"] != "ok"]
        if failed:
            results[name] = {"status": "fail", "error": f"needs {', '.join(failed)}", "ms": 0.0}
            continue
        started = time.perf_counter()
        try:
            check()
        except NotReady as reason:
            result = {"status": "fail", "error": str(reason)}
        except Exception as error:
            # A warning, not an error: a probe every few seconds during an
            # outage must not send an error report (email, Sentry) each time.
            logger.warning("Readiness check %r failed: %r", name, error)
            result = {"status": "fail", "error": type(error).__name__}
        else:
            result = {"status": "ok"}
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = result
    return results


def answer(data, status):
    response = JsonResponse(data, status=status)
    add_never_cache_headers(response)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def liveness(request):
    """/healthz: this process answers. No database, no cache."""
    return answer({"status": "ok"}, 200)


def readiness(request):
    """/readyz: every check passes (200), or which do not (503)."""
    results = run_checks()
    ready = all(result["status"] == "ok" for result in results.values())
    return answer({"status": "ok" if ready else "fail", "checks": results}, 200 if ready else 503)


def answer_after_a_failure(request):
    """
    The answer to a health URL whose request failed before its view could
    answer (in a middleware, say): JSON still, with the checks' findings for
    /readyz. None for any other URL. The project's handler500 asks this first.
    """
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return None
    if view is readiness:
        return answer({"status": "fail", "checks": run_checks()}, 503)
    if view is liveness:
        return answer({"status": "fail"}, 503)
    return None
