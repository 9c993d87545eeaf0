"""
Reads that span the content models, and the two behind every detail page.

A detail page lists the published items related to its object (terms,
services, technologies) and its tags. Rather than one query per list, they
are read in a single UNION ALL of plain rows: a page costs two queries (the
object, then everything it lists) however many relations it has.

Both reads are PreparedReads (consultancy.prepared): compiled to SQL once,
not on every request.
"""

from dataclasses import dataclass
from functools import cache

from django.db import DEFAULT_DB_ALIAS
from django.db.models import F, SlugField, TextField, Value
from django.utils import timezone

from consultancy import content_types
from consultancy.links import detail_url
from consultancy.prepared import Param, PreparedRead, now_param


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


@cache
def _public_item(model):
    return PreparedRead(
        lambda: (
            model.objects.for_detail_page()
            .published(now=now_param())
            .filter(slug=Param("slug", SlugField()))
            .order_by()
        )
    )


def public_item(model, slug):
    """The published item of `model` with this slug, or None."""
    found = _public_item(model).instances(slug=slug, now=timezone.now())
    return found[0] if found else None


def _rows(queryset, kind, title, summary, order):
    return queryset.order_by().values_list(
        Value(kind, output_field=TextField()),
        "slug",
        F(title),
        summary if isinstance(summary, Value) else F(summary),
        order if isinstance(order, Value) else F(order),
    )


@cache
def _related_models(model):
    """{relation name: related model} of what a page of `model` lists, in order."""
    lists = content_types.for_model(model).lists
    return {name: model._meta.get_field(name).related_model for name in lists}


@cache
def _relations_read(model):
    """What a page of `model` lists, for the object whose pk is bound as "pk"."""

    def build():
        # An unsaved stand-in, so that the related managers build the same
        # filters as for a real object, with a Param in place of its pk.
        stand_in = model(pk=Param("pk", model._meta.pk))
        parts = []
        for name, related in _related_models(model).items():
            order = "order" if any(f.name == "order" for f in related._meta.fields) else Value(0)
            queryset = getattr(stand_in, name).published(now=now_param())
            kind = content_types.for_model(related)
            parts.append(_rows(queryset, kind.name, kind.title_field, kind.summary_field, order))
        no_summary = Value("", output_field=TextField())
        parts.append(_rows(stand_in.tags.all(), "tag", "name", no_summary, Value(0)))
        return parts[0].union(*parts[1:], all=True).order_by()

    return PreparedRead(build)


def page_relations(obj):
    """
    The published items `obj` lists and its tags, read in one query, as
    {"related_terms": [Card, …], "services": […], …, "tags": […]}.
    """
    model = type(obj)
    list_for = {related._meta.model_name: name for name, related in _related_models(model).items()}
    relations = {name: [] for name in content_types.for_model(model).lists} | {"tags": []}
    rows = _relations_read(model).rows(
        using=obj._state.db or DEFAULT_DB_ALIAS, pk=obj.pk, now=timezone.now()
    )
    for kind, slug, title, summary, _order in sorted(
        rows, key=lambda row: (row[4], row[2].casefold())
    ):
        relations[list_for.get(kind, "tags")].append(Card(kind, slug, title, summary))
    return relations
