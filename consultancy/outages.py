"""
When the database does not answer: the visitor gets the branded 503 page
with Retry-After instead of a 500 (pages in the page cache are still served:
it needs no database), and the outage is logged once a minute per process
rather than as a traceback per request.

Only connection failures count as an outage (OperationalError,
InterfaceError: refused, timed out, dropped). An IntegrityError is a bug and
stays a 500.
"""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from consultancy.outage_log import OncePerInterval

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
_log_error = OncePerInterval(logger, logging.ERROR)


def is_database_outage(error):
    return isinstance(error, (OperationalError, InterfaceError))


def log_outage(error):
    _log_error(
        "The database is not answering (%s: %s). Visitors get a 503 page; "
        "this is logged once a minute while it lasts.",
        type(error).__name__,
        error,
    )


def contact_email():
    """Where a visitor can write while the site cannot take their message."""
    return settings.CONTACT_EMAIL


def retry_later(response):
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    # Logged once a minute by log_outage, not once per request by Django
    # (whose log of a 5xx would also email DJANGO_ADMINS every time).
    response._has_been_logged = True
    return response


def service_unavailable(request, template="503.html", context=None):
    """The branded 503 page (or `template` with `context`), never cached."""
    context = {"contact_email": contact_email(), **(context or {})}
    return retry_later(render(request, template, context, status=503))


class DatabaseOutageMiddleware:
    """Turns a view's failure to reach the database into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_outage(exception):
            return None
        log_outage(exception)
        return service_unavailable(request)
