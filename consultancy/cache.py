"""
The page cache: public pages, rendered once and served to anonymous visitors
from Django's cache until content changes.

Invalidation is exact and simple: every cached page is stored with the
*content version* current when it was rendered, and any change to an item of
a registered kind of content (consultancy.content_types), a tag or a relation
bumps that version (see `connect`). The
version lives in the same cache as the pages, so with a shared cache (Redis)
an edit on one app server is seen by every other on its very next request.
LocMem is per process: use Redis as soon as more than one process serves the
site.

Only what is the same for every visitor is stored: GET or HEAD, no session
cookie (a logged-in user or a visitor with a session is always served
fresh), only the query parameters listed in CACHEABLE_PARAMETERS (campaign
links go through), and only 200 responses that set no cookie, used no CSRF
token and did not ask not to be cached (drafts and forms use `never_cache`).
A cached page is revalidated by browsers and CDNs with its ETag or
Last-Modified date (conditional GETs get a 304).

When the cache fails (Redis down or restarting: consultancy/cache_backends.py)
pages are rendered from the database and served uncached. An edit that
cannot make the cached pages stale is refused instead (PageCacheUnavailable,
shown to the editor by consultancy/admin.py): never "saved, but the old page
is still served". The version is bumped before the edit commits (so that a
failure can still refuse it) and again after (so that a page rendered in
between, from the data before the commit, is not kept).

Search results are cached too: ranking a common word at 10,000 terms costs
more than anything else on the site. Anyone can make up new searches, so they
live SEARCH_PAGE_SECONDS at most, which bounds what a flood of them can store.
"""

import functools
import hashlib
import logging
import time
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe
from taggit.models import Tag, TaggedItem

from consultancy import content_types, context_processors
from consultancy.signals import content_changed, saving_in_batch

CONTENT_VERSION_KEY = "page-cache:content-version"
CACHEABLE_PARAMETERS = {"page", "tag", "q"}
SEARCH_PAGE_SECONDS = 300
UNCACHEABLE_PATH_PREFIXES = (f"/{settings.ADMIN_URL}", "/contact/")
PROBE_KEY = "page-cache:probe"

logger = logging.getLogger(__name__)


class PageCacheUnavailable(Exception):
    """Cached pages could not be made stale: the change that needed it must not be kept."""

    message = (
        "Not saved: the site's page cache is not answering, so visitors would go on "
        "seeing the old page. Nothing was changed. Please try again in a minute; if this "
        "goes on, tell whoever runs the site that the cache (Redis) is down."
    )


def _new_version():
    """
    Store a new content version and return it, or None if the cache did not
    answer. A clock value, not a counter from 1, so that a version lost from
    the cache (eviction, restart) can never be reused and match old pages.
    """
    version = time.time_ns()
    # Only the fail-soft Redis backend reports a failed write (False).
    if cache.set(CONTENT_VERSION_KEY, version, timeout=None) is False:
        return None
    return version


def bump_content_version(**kwargs):
    """
    Make every cached page stale (takes any signal's arguments). Raises
    PageCacheUnavailable when the cache does not answer.
    """
    version = _new_version()
    if version is None:
        raise PageCacheUnavailable(PageCacheUnavailable.message)
    return version


def _bump_after_commit():
    if _new_version() is None:
        logger.error(
            "Cached pages could not be made stale after a change was saved: pages "
            "rendered while it was being saved may be out of date for up to %s seconds.",
            settings.PAGE_CACHE_SECONDS,
        )


def content_changed_now_and_after_commit(**kwargs):
    """Bump before the change commits (a failure refuses it) and again once it has."""
    bump_content_version()
    transaction.on_commit(_bump_after_commit)


def can_make_pages_stale():
    """Whether the cache takes writes now: asked before an edit is accepted."""
    return cache.set(PROBE_KEY, 1, timeout=60) is not False


def seconds_until_next_publication(version):
    """
    Pages must not outlive the moment a scheduled item goes public, so they
    expire by then. Asked once per content version, not per page.
    """
    key = f"page-cache:next-publication:{version}"
    seconds = cache.get(key)
    if seconds is None:
        now = timezone.now()
        scheduled = [
            kind.model.objects.scheduled(now).order_by().values_list("published_at", flat=True)
            for kind in content_types.kinds()
        ]
        # One query for every kind; scheduled items are few.
        upcoming = scheduled and list(scheduled[0].union(*scheduled[1:], all=True).order_by())
        seconds = settings.PAGE_CACHE_SECONDS
        if upcoming:
            seconds = min(seconds, max(1, int((min(upcoming) - now).total_seconds())))
        cache.set(key, seconds, timeout=seconds)
    return seconds


def caching_enabled():
    """CACHE_URL=dummy:// turns caching off (the benchmark's cold runs)."""
    return not isinstance(caches["default"], DummyCache)


@functools.cache
def release():
    """
    What an upgrade or a change of settings alters on a page besides the
    content: the templates, the settings every template reads
    (consultancy.context_processors: the reply promise…) and the names of
    the static files. It is part of each page's key, so that processes
    restarted with new ones never serve a page rendered with the old (which
    would otherwise live PAGE_CACHE_SECONDS). Read once per process.
    """
    digest = hashlib.sha256(repr(sorted(context_processors.site(None).items())).encode())
    # ManifestStaticFilesStorage's list of hashed names (None before collectstatic).
    read_manifest = getattr(staticfiles_storage, "read_manifest", lambda: None)
    digest.update((read_manifest() or "").encode())
    for folder in (Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]):
        for template in sorted(folder.rglob("*.html")):
            digest.update(template.read_bytes())
    return digest.hexdigest()[:16]


def _new_release(**kwargs):
    release.cache_clear()


def page_key(request):
    query = sorted((name, request.GET.get(name)) for name in request.GET)
    digest = hashlib.sha256(f"{request.get_host()}{request.path}?{query}".encode()).hexdigest()
    return f"page-cache:page:{release()}:{digest}"


def is_cacheable_request(request):
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(UNCACHEABLE_PATH_PREFIXES)
        and set(request.GET) <= CACHEABLE_PARAMETERS
        and all(len(values) == 1 for _name, values in request.GET.lists())
    )


def is_cacheable_response(request, response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
        # A CSP nonce must be new for every response: such a page is never reused.
        and "nonce-" not in response.get("Content-Security-Policy", "")
    )


def revalidation_headers(response):
    """ETag and Last-Modified for conditional GETs; caches must revalidate."""
    response["ETag"] = f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
    response["Last-Modified"] = http_date()
    patch_cache_control(response, public=True, no_cache=True)


class PageCacheMiddleware:
    """Serve cached public pages before sessions, CSRF or auth are even looked at."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not caching_enabled() or not is_cacheable_request(request):
            return self.get_response(request)

        key = page_key(request)
        found = cache.get_many([CONTENT_VERSION_KEY, key])
        version = found.get(CONTENT_VERSION_KEY) or _new_version()
        if version is None:  # the cache is not answering: serve the page uncached
            return self.get_response(request)
        entry = found.get(key)
        if entry and entry[0] == version:
            _, status, headers, content = entry
            response = HttpResponse(content, status=status, headers=headers)
            response["X-Page-Cache"] = "hit"
            return self.conditional(request, response)

        response = self.get_response(request)
        if is_cacheable_response(request, response):
            revalidation_headers(response)
            headers = [(name, value) for name, value in response.items()]
            timeout = min(settings.PAGE_CACHE_SECONDS, seconds_until_next_publication(version))
            if "q" in request.GET:
                timeout = min(timeout, SEARCH_PAGE_SECONDS)
            cache.set(key, (version, response.status_code, headers, response.content), timeout)
            response["X-Page-Cache"] = "miss"
            return self.conditional(request, response)
        return response

    @staticmethod
    def conditional(request, response):
        return (
            get_conditional_response(
                request,
                etag=response.get("ETag"),
                last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
                response=response,
            )
            if request.method in ("GET", "HEAD")
            else response
        )


def shows_on_pages(model):
    """Whether a change to a row of `model` may show on a public page."""
    return model in (Tag, TaggedItem) or model in content_types.models()


def _bump_if_shown(sender, **kwargs):
    # In a batch of saves (an import) the caller's content_changed bumps once.
    if shows_on_pages(sender) and not saving_in_batch():
        content_changed_now_and_after_commit()


def connect():
    """
    Bump the content version on any change that a public page may show.
    Connected for every sender and filtered on the registry when a signal
    fires, so that kinds registered after this runs (apps that come later
    in INSTALLED_APPS) are covered too.
    """
    post_save.connect(_bump_if_shown, dispatch_uid="page-cache-save")
    post_delete.connect(_bump_if_shown, dispatch_uid="page-cache-delete")
    m2m_changed.connect(_bump_if_shown, dispatch_uid="page-cache-relation")
    content_changed.connect(
        content_changed_now_and_after_commit, dispatch_uid="page-cache-content-changed"
    )
    # Tests (override_settings) change settings without a restart.
    setting_changed.connect(_new_release, dispatch_uid="page-cache-release")
