"""
One URL per page: the query parameters the page cache keys on (page, q,
tag) are each either read by the page, in one canonical spelling, or
redirected away. The cache then stores one entry per page however many
variants are linked or made up (?page=001, ?q=anything on a page that has no
search); only canonical URLs ever answer 200.
"""

from functools import wraps
from urllib.parse import urlencode

from django.http import Http404, HttpResponsePermanentRedirect
from django.views.generic import TemplateView

from consultancy.cache import CACHEABLE_PARAMETERS


def canonical_page(value):
    """
    A page number as the site spells it: what Django's paginator reads as page
    2 ("02", " 2", "+2") is "2", and page 1 (or an empty value) has no
    parameter at all (None). What is no page number is not found.
    """
    if value == "":
        return None
    try:
        number = int(value)
    except ValueError:
        raise Http404("No such page.") from None
    if number < 1:
        raise Http404("No such page.")
    return None if number == 1 else str(number)


def left_out(value):
    """The canonical value of a parameter a page does not read: none."""
    return None


def canonical_query(query, rules):
    """
    The query string (from "?", or "" for none) that spells `query` canonically,
    or None when it already does. `rules` maps each parameter the page reads to
    a function giving its canonical value, None to leave it out; like Django,
    a repeated parameter counts by its last value. Other parameters (campaign
    links…) are kept as they are.
    """
    given = list(query.lists())
    canonical = []
    for name, values in given:
        if name not in rules:
            canonical.append((name, values))
        elif (value := rules[name](values[-1])) is not None:
            canonical.append((name, [value]))
    if canonical == given:
        return None
    return f"?{urlencode(canonical, doseq=True)}" if canonical else ""


def redirect_to_canonical(request, rules):
    """
    A 301 to the canonical spelling of this URL, or None when it is one. Each
    query parameter the page cache keys on is either read by the page (a rule
    in `rules`) or left out, so the cache stores one entry per page however
    many variants are linked or made up (?page=001, ?q=anything on a page
    that has no search).
    """
    rules = dict.fromkeys(CACHEABLE_PARAMETERS, left_out) | rules
    canonical = canonical_query(request.GET, rules)
    if canonical is None:
        return None
    return HttpResponsePermanentRedirect(f"{request.path}{canonical}")


class CanonicalURLMixin:
    """Only the canonical spelling of the page's URL answers 200: any other is redirected."""

    def canonical_parameters(self):
        """{name: canonical_value(value)} for each query parameter this page reads."""
        return {}

    def get(self, request, *args, **kwargs):
        redirect = redirect_to_canonical(request, self.canonical_parameters())
        return redirect or super().get(request, *args, **kwargs)


def canonical_url(view):
    """For a function view that reads none of the cached parameters (the sitemap)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return redirect_to_canonical(request, {}) or view(request, *args, **kwargs)

    return wrapped


class CanonicalTemplateView(CanonicalURLMixin, TemplateView):
    """A fixed page (privacy notice, robots.txt) that reads no query parameter."""
