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

Recording must never cost the visitor their page: a failed write is logged
once a minute, and for a minute after one no search is recorded, so that
while the database is down cached search pages do not each wait for it first.
"""

import logging
import time

from django.db import DatabaseError

from consultancy.outage_log import LOG_INTERVAL_SECONDS, OncePerInterval
from glossary.models import SEARCH_LOG_QUERY_MAX_LENGTH, SearchLogEntry
from glossary.search import clean_query

RESULTS_HEADER = "X-Glossary-Search-Results"

logger = logging.getLogger(__name__)
_log_error = OncePerInterval(logger, logging.ERROR)
_paused_until = 0.0


def logged_query(raw):
    """The query as the log keeps it: the words the search reads, lower-cased."""
    # Cut after lower(): lower-casing can lengthen a word ("İ" is two characters).
    return " ".join(clean_query(raw)).lower()[:SEARCH_LOG_QUERY_MAX_LENGTH]


def record(query, results):
    """
    One more search for `query` today, which found `results` terms (None:
    unknown, counted only if the query was logged today already).
    """
    global _paused_until
    if time.monotonic() < _paused_until:
        return
    try:
        if results is None:
            SearchLogEntry.objects.count_again(query)
        else:
            SearchLogEntry.objects.record(query, results)
    except DatabaseError as error:
        _paused_until = time.monotonic() + LOG_INTERVAL_SECONDS
        _log_error(
            "Searches are not being recorded: the search log could not be written "
            "(%s: %s). Searches still work; this is logged once a minute.",
            type(error).__name__,
            error,
        )


def resume():
    """Record the next search whatever the pause (tests)."""
    global _paused_until
    _paused_until = 0.0
    _log_error.reset()


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
