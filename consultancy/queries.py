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
from consultancy.relations import is_ordered


@dataclass(frozen=True, slots=True)
class Card:
    """One item in a related list: a link with its one-line text."""

    kind: str
    slug: str
    title: str
    summary: str
    # A short form shown after the title, "Large Language Model (LLM)".
    short_form: str = ""

    def __str__(self):
        return f"{self.title} ({self.short_form})" if self.short_form else self.title

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


NOTHING = Value("", output_field=TextField())


def _rows(list_name, queryset, kind, title, summary, order, short_form=""):
    return queryset.order_by().values_list(
        Value(list_name, output_field=TextField()),
        Value(kind, output_field=TextField()),
        "slug",
        F(title),
        summary if isinstance(summary, Value) else F(summary),
        order,
        F(short_form) if short_form else NOTHING,
    )


@dataclass(frozen=True)
class _List:
    """How a page of one model reads one of its lists (a name in its kind's `lists`)."""

    related: type
    # From the related model to the link rows, and the link's key to the page's item.
    links: str
    item_key: str
    # What orders the list: the editor's order for a relation the page's own
    # editor chose; otherwise the related model's own `order`, if it has one.
    order: object


def _list_of(model, name):
    field = model._meta.get_field(name)
    if field.many_to_many and not field.auto_created:
        # A relation this model declares (forward): its editor chose it.
        through, item_key = field.remote_field.through, field.m2m_field_name()
        related_key = field.m2m_reverse_field_name()
        own_order = is_ordered(field)
    else:
        # The other side's relation, seen from here (a service's terms).
        declared = field.remote_field
        through, item_key = declared.remote_field.through, declared.m2m_reverse_field_name()
        related_key = declared.m2m_field_name()
        own_order = False
    related = field.related_model
    links = through._meta.get_field(related_key).related_query_name()
    if own_order:
        order = F(f"{links}__order")
    elif any(f.name == "order" for f in related._meta.fields):
        order = F("order")
    else:
        order = Value(0)
    return _List(related, links, item_key, order)


@cache
def _lists(model):
    """{list name: _List} of what a page of `model` lists, in order."""
    return {name: _list_of(model, name) for name in content_types.for_model(model).lists}


@cache
def _item_rows(name, queryset, order):
    """_rows() for a queryset of any registered kind, with that kind's fields."""
    kind = content_types.for_model(queryset.model)
    return _rows(
        name,
        queryset,
        kind.name,
        kind.title_field,
        kind.summary_field,
        order,
        kind.short_form_field,
    )


def _relations_read(model):
    """What a page of `model` lists, for the object whose pk is bound as "pk"."""

    def build():
        item = Param("pk", model._meta.pk)
        parts = []
        for name, one in _lists(model).items():
            # One join to the link rows, which both filters and orders.
            queryset = one.related.objects.published(now=now_param()).filter(
                **{f"{one.links}__{one.item_key}": item}
            )
            parts.append(_item_rows(name, queryset, one.order))
        # A stand-in with a Param for its pk, so that the tag manager builds
        # the same filter as for a real object.
        stand_in = model(pk=item)
        parts.append(_rows("tags", stand_in.tags.all(), "tag", "name", NOTHING, Value(0)))
        # Lists the kind's app computes (the terms' "Mentioned in"): querysets
        # of published items of any kind, listed by title.
        for name, items_for in content_types.for_model(model).computed_lists:
            for queryset in items_for(item, now_param()):
                parts.append(_item_rows(name, queryset, Value(0)))
        return parts[0].union(*parts[1:], all=True).order_by()

    return PreparedRead(build)


def page_relations(obj):
    """
    The published items `obj` lists, its tags and the lists its kind
    computes, read in one query, as {"related_terms": [Card, …],
    "services": […], …, "tags": […], "mentioned_in": […]}.
    """
    model = type(obj)
    registered = content_types.for_model(model)
    names = [*registered.lists, "tags", *(name for name, _ in registered.computed_lists)]
    relations = {name: [] for name in names}
    rows = _relations_read(model).rows(
        using=obj._state.db or DEFAULT_DB_ALIAS, pk=obj.pk, now=timezone.now()
    )
    for name, kind, slug, title, summary, _order, short_form in sorted(
        rows, key=lambda row: (row[5], row[3].casefold())
    ):
        relations[name].append(Card(kind, slug, title, summary, short_form))
    return relations


def chosen_cards(model, pks):
    """Cards of the published items of `model` among `pks`, in the order of `pks`."""
    kind = content_types.for_model(model)
    found = {item.pk: item for item in model.objects.cards().filter(pk__in=pks)}
    return [
        Card(
            kind.name,
            item.slug,
            getattr(item, kind.title_field),
            item.summary_text,
            getattr(item, kind.short_form_field) if kind.short_form_field else "",
        )
        for item in (found[pk] for pk in pks if pk in found)
    ]
