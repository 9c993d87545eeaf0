"""
The search log: what visitors search the glossary for, as a count per query
and day (glossary.models.SearchLogEntry), for the editors' content-health
report. Nothing about the visitor is kept, and it is bounded in size (the
SEARCH_LOG_* constants in glossary.models), kept 90 days (purge_search_log).

Cached search pages are counted too: SearchLogMiddleware sits outside the
page cache (consultancy.cache), and the search page says what it found in a
header, RESULTS_HEADER, that is stored with the cached page and taken off
before any response goes out. A browser revalidating a search page it keeps
(304, no header) counts once more for a query already logged that day.

Searches are counted in the process and written together, with the first
search once SEARCH_LOG_WRITE_SECONDS have passed since the last write
(sooner once WRITE_AT_QUERIES different searches wait), so that a search
answered from the page cache costs no query: one UPDATE then adds up every
search for the query since the last write. A process that is killed loses
those seconds of counts; one that stops normally writes them first.

Recording must never cost the visitor their page: a failed write is logged
once a minute, and for a minute after one no search is recorded, so that
while the database is down cached search pages do not each wait for it first.
"""

import atexit
import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from consultancy.outage_log import LOG_INTERVAL_SECONDS, OncePerInterval
from glossary.models import SEARCH_LOG_QUERY_MAX_LENGTH, SearchLogEntry
from glossary.search import clean_query

RESULTS_HEADER = "X-Glossary-Search-Results"

# Different searches waiting to be written, at most: a flood of made-up
# queries is written in chunks of this many, not held in memory.
WRITE_AT_QUERIES = 100

logger = logging.getLogger(__name__)
_log_error = OncePerInterval(logger, logging.ERROR)
_paused_until = 0.0
# {(day, query): [searches, latest results or None (unknown: only counted again)]}
_waiting = {}
_waiting_lock = threading.Lock()  # runserver serves requests in threads
_written_at = time.monotonic()


def logged_query(raw):
    """The query as the log keeps it: the words the search reads, lower-cased."""
    # Cut after lower(): lower-casing can lengthen a word ("İ" is two characters).
    return " ".join(clean_query(raw)).lower()[:SEARCH_LOG_QUERY_MAX_LENGTH]


def record(query, results):
    """
    One more search for `query` today, which found `results` terms (None:
    unknown, counted only if the query was logged today already), written
    with the others once it is time (write_if_due()).
    """
    if time.monotonic() < _paused_until:
        return
    with _waiting_lock:
        waiting = _waiting.setdefault((timezone.localdate(), query), [0, None])
        waiting[0] += 1
        if results is not None:
            waiting[1] = results
    write_if_due()


def write_if_due():
    """Write the waiting counts if SEARCH_LOG_WRITE_SECONDS have passed, or too many wait."""
    due = time.monotonic() - _written_at >= settings.SEARCH_LOG_WRITE_SECONDS
    if due or len(_waiting) >= WRITE_AT_QUERIES:
        write()


def write():
    """Write every waiting count: one UPDATE per query (and an INSERT for one new today)."""
    global _paused_until, _written_at
    with _waiting_lock:
        waiting = dict(_waiting)
        _waiting.clear()
        _written_at = time.monotonic()
    try:
        for (day, query), (searches, results) in waiting.items():
            if results is None:
                SearchLogEntry.objects.count_again(query, today=day, count=searches)
            else:
                SearchLogEntry.objects.record(query, results, today=day, count=searches)
    except DatabaseError as error:
        # The counts are dropped rather than kept for later: they are a
        # report's figures, and memory must not grow while the database is away.
        _paused_until = time.monotonic() + LOG_INTERVAL_SECONDS
        _log_error(
            "Searches are not being recorded: the search log could not be written "
            "(%s: %s). Searches still work; this is logged once a minute.",
            type(error).__name__,
            error,
        )


def _write_at_exit():
    if _waiting:
        write()


atexit.register(_write_at_exit)


def resume():
    """Record the next search whatever the pause, with nothing waiting (tests)."""
    global _paused_until, _written_at
    _paused_until = 0.0
    _log_error.reset()
    with _waiting_lock:
        _waiting.clear()
        _written_at = time.monotonic()


class SearchLogMiddleware:
    """
    Counts each glossary search, from the page cache or not (it must come
    before consultancy.cache.PageCacheMiddleware in MIDDLEWARE). Only the
    first page of results counts: paging through them is the same search.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        results = response.get(RESULTS_HEADER)
        if results is not None:
            del response[RESULTS_HEADER]
        if request.method != "GET" or "page" in request.GET:
            return response
        query = logged_query(request.GET.get("q", ""))
        if query and results is not None and response.status_code == 200:
            record(query, int(results))
        elif query and response.status_code == 304:
            record(query, None)
        return response
