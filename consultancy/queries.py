"""
Reads that span the content models.

A detail page lists the published items related to its object (terms,
services, technologies) and its tags. Rather than one query per list, they
are read in a single UNION ALL of plain rows: a page costs two queries (the
object, then everything it lists) however many relations it has.
"""

from dataclasses import dataclass
from functools import cache

from django.db.models import F, TextField, Value
from django.urls import get_urlconf, reverse

DETAIL_URL_NAMES = {
    "term": "glossary:term_detail",
    "service": "services:service_detail",
    "technology": "services:technology_detail",
}
SLUG_PLACEHOLDER = "slug-placeholder"


@cache
def _detail_url_pattern(kind, urlconf):
    return reverse(DETAIL_URL_NAMES[kind], kwargs={"slug": SLUG_PLACEHOLDER}, urlconf=urlconf)


def detail_url(kind, slug):
    """The page of a term, service or technology, without a full reverse() per item."""
    return _detail_url_pattern(kind, get_urlconf()).replace(SLUG_PLACEHOLDER, slug)


@dataclass(frozen=True, slots=True)
class Card:
    """One item in a related list: a link with its one-line text."""

    kind: str
    slug: str
    title: str
    summary: str

    def __str__(self):
        return self.title

    @property
    def summary_text(self):
        return self.summary

    def get_absolute_url(self):
        return detail_url(self.kind, self.slug)


def _rows(queryset, kind, title, summary, order):
    return queryset.order_by().values_list(
        Value(kind, output_field=TextField()),
        "slug",
        F(title),
        summary if isinstance(summary, Value) else F(summary),
        order if isinstance(order, Value) else F(order),
    )


def page_relations(obj):
    """
    The published items `obj` lists and its tags, read in one query, as
    {"related_terms": [Card, …], "services": […], …, "tags": […]}.
    """
    parts, kinds = [], {}
    for name in obj.page_relations:
        manager = getattr(obj, name)
        model = manager.model
        kind = model._meta.model_name
        kinds[kind] = name
        order = "order" if any(f.name == "order" for f in model._meta.fields) else Value(0)
        parts.append(
            _rows(manager.published(), kind, model.title_field, model.summary_field, order)
        )
    parts.append(
        _rows(obj.tags.all(), "tag", "name", Value("", output_field=TextField()), Value(0))
    )
    relations = {name: [] for name in obj.page_relations} | {"tags": []}
    rows = parts[0].union(*parts[1:], all=True).order_by()
    for kind, slug, title, summary, _order in sorted(
        rows, key=lambda row: (row[4], row[2].casefold())
    ):
        relations[kinds.get(kind, "tags")].append(Card(kind, slug, title, summary))
    return relations
