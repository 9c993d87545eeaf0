"""
Old addresses keep working: a page that would be a 404 is looked up among the
redirects (consultancy.models.Redirect) and answers 301, 302 or 410 Gone;
what is still missing is counted for editors (MissingUrl).

RedirectMiddleware only looks at responses that are already 404s, so a page
that exists costs nothing, and it sits inside the page cache, so cached pages
(always 200s) never reach it. Renames record their redirects in
PublishableContent.save(); deletes record a 410 here, on post_delete, the one
hook every delete path (the admin's bulk delete too) goes through.
"""

import logging

from django.db import DatabaseError
from django.db.models.signals import post_delete
from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from consultancy import content_types
from consultancy.links import detail_url
from consultancy.models import MissingUrl, PublishableContent, Redirect, RedirectSource

logger = logging.getLogger(__name__)

# Bounds what strangers asking for made-up addresses can store.
MISSING_PATH_MAX_LENGTH = 300
MISSING_NEW_PATHS_PER_DAY = 1000


class RedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        try:
            return self.answer(request) or response
        except DatabaseError:
            # The database is what failed: the visitor still gets the 404.
            logger.exception("Redirects could not be looked up for %s", request.path)
            return response

    def answer(self, request):
        redirect = Redirect.objects.filter(from_path=request.path).only("to", "permanent").first()
        if redirect is None:
            if request.method in ("GET", "HEAD"):
                count_missing(request.path)
            return None
        if not redirect.to:
            return render(request, "410.html", status=410)
        target = redirect.to
        if request.META.get("QUERY_STRING"):
            target += ("&" if "?" in target else "?") + request.META["QUERY_STRING"]
        response = (HttpResponsePermanentRedirect if redirect.permanent else HttpResponseRedirect)(
            target
        )
        # Browsers keep a 301 for good unless told otherwise. A redirect here
        # can change (a page renamed back, a restored revision): browsers ask
        # again each time, or one that kept a → b would loop once b → a.
        # Search engines still treat the 301 as permanent.
        patch_cache_control(response, no_cache=True)
        return response


def count_missing(path, today=None):
    """One more request for a missing path today (at most so many new paths a day)."""
    if len(path) > MISSING_PATH_MAX_LENGTH:
        return
    MissingUrl.objects.add({"path": path}, new_per_day=MISSING_NEW_PATHS_PER_DAY, today=today)


def record_deleted(sender, instance, using, **kwargs):
    """A deleted item that had been public answers 410 Gone at its address."""
    if not isinstance(instance, PublishableContent):
        return
    if not instance.has_been_public:
        return
    url = detail_url(content_types.for_model(sender).name, instance.slug)
    Redirect.objects.using(using).move(url, "", source=RedirectSource.DELETE)


def connect():
    # Every sender: the apps register their kinds after this app is ready.
    post_delete.connect(record_deleted, dispatch_uid="consultancy-redirects-gone")
