"""
URLs of the site's own pages, reversed once per process.

reverse() walks the URL resolver on every call: about 10 µs, more than it
takes to render a whole card. Every page repeats the same links (the header,
the footer, its breadcrumbs) and links to items by slug, so url_for() reverses
each pattern once and fills in the slug. Use it (or {% url_for %} in
templates) for public pages; the admin keeps Django's reverse().
"""

import re
from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse

from consultancy import content_types

# Values that need no quoting in a path and that the slug and str converters
# accept; anything else goes through reverse(), which checks and quotes it.
_PLAIN_VALUE = re.compile(r"[-a-zA-Z0-9_]+")
_PLACEHOLDER = "url-for-placeholder"


@lru_cache(maxsize=256)
def _pattern(name, argument, urlconf, script_prefix):
    kwargs = {argument: _PLACEHOLDER} if argument else None
    return reverse(name, kwargs=kwargs, urlconf=urlconf)


def url_for(name, **kwargs):
    """reverse(name, kwargs=kwargs), for URLs with no argument or one."""
    if not kwargs:
        return _pattern(name, None, get_urlconf(), get_script_prefix())
    if len(kwargs) > 1:
        return reverse(name, kwargs=kwargs)
    ((argument, value),) = kwargs.items()
    value = str(value)
    if not _PLAIN_VALUE.fullmatch(value):
        return reverse(name, kwargs=kwargs)
    return _pattern(name, argument, get_urlconf(), get_script_prefix()).replace(_PLACEHOLDER, value)


def detail_url(kind, slug):
    """The page of an item of a registered kind of content ("term", "service"…)."""
    return url_for(content_types.get(kind).detail_url_name, slug=slug)
