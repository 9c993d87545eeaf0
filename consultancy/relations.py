"""
Relations kept in the order editors give them.

A page lists what its editor related it to (a term's related terms, services
and technologies; a service's technologies) in the editor's order, not
alphabetically. Each such relation goes through a table of links with an
`order` column (OrderedLink) and is declared as an OrderedManyToManyField, so
that forms, revisions, imports and restores all read and write it as a list,
first item first.

Lists a page shows from the other side (the terms that name a service, on
that service's page) have no editor of their own there, so they keep their
natural order.
"""

from django import forms
from django.db import models, transaction
from django.db.models import Case, Prefetch, Value, When
from django.db.models.signals import m2m_changed

from consultancy import content_types
from consultancy.signals import content_changed, saving_in_batch


class OrderedLink(models.Model):
    """One row of an ordered relation: its place in its item's list."""

    order = models.PositiveSmallIntegerField(
        default=0, help_text="The place in the list: lower numbers first."
    )

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    def __str__(self):
        ends = (getattr(self, f.attname) for f in self._meta.fields if f.many_to_one)
        return " → ".join(str(pk) for pk in ends) + f" (#{self.order})"


class OrderedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A list of items in the order they were submitted (the order of the list)."""

    def clean(self, value):
        chosen = super().clean(value)
        if not chosen:
            return []
        key = self.to_field_name or "pk"
        by_key = {str(getattr(item, key)): item for item in chosen}
        return [by_key[str(v)] for v in dict.fromkeys(value) if str(v) in by_key]

    def has_changed(self, initial, data):
        # The parent compares sets: a new order alone would count as no change.
        initial_keys = [str(value) for value in self.prepare_value(initial or [])]
        return initial_keys != [str(value) for value in data or []]


class OrderedManyToManyField(models.ManyToManyField):
    """
    A many-to-many relation through an OrderedLink model, read and written
    as an ordered list (value_from_object, save_form_data).
    """

    def value_from_object(self, obj):
        return in_order(obj, self.name) if obj.pk is not None else []

    def save_form_data(self, instance, data):
        set_in_order(instance, self.name, data)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": OrderedModelMultipleChoiceField, **kwargs})


def is_ordered(field):
    return isinstance(field, OrderedManyToManyField)


def _ends(model, name):
    """The field, its link model, and the link's foreign keys to each side."""
    field = model._meta.get_field(name)
    return (
        field,
        field.remote_field.through,
        field.m2m_field_name(),
        field.m2m_reverse_field_name(),
    )


def links_accessor(model, name):
    """The name by which an item of `model` reaches its link rows for `name`."""
    _, through, source, _ = _ends(model, name)
    return through._meta.get_field(source).remote_field.get_accessor_name()


def prefetch_in_order(model, name, targets=None):
    """A Prefetch of the link rows behind `name`, with their targets (`targets`, a queryset)."""
    _, through, _, target = _ends(model, name)
    links = through.objects.order_by("order", "pk")
    if targets is None:
        links = links.select_related(target)
    else:
        links = links.prefetch_related(Prefetch(target, queryset=targets))
    return Prefetch(links_accessor(model, name), queryset=links)


def _title_key(model):
    return content_types.for_model(model).title_field


def in_order(item, name):
    """
    The items `item` is related to through `name`, in the editor's order.
    Items of the same place (rows from before there was an order, or added
    with the relation's plain add()) come by title, as on the page
    (consultancy.queries.page_relations), so that saving the form without
    touching the list keeps the page as it was.
    """
    _, _, _, target = _ends(type(item), name)
    accessor = links_accessor(type(item), name)
    if accessor in getattr(item, "_prefetched_objects_cache", {}):
        links = getattr(item, accessor).all()
    else:
        links = getattr(item, accessor).select_related(target)
    found = [(link.order, getattr(link, target)) for link in links]
    found.sort(key=lambda pair: (pair[0], str(pair[1]).casefold()))
    return [other for _, other in found]


def pks_in_order(item, name):
    """The primary keys of in_order(item, name), read without the whole items."""
    field, through, source, target = _ends(type(item), name)
    if item.pk is None:
        return []
    if links_accessor(type(item), name) in getattr(item, "_prefetched_objects_cache", {}):
        return [other.pk for other in in_order(item, name)]  # prefetch_in_order(): no query
    title = _title_key(field.related_model)
    rows = through.objects.filter(**{source: item.pk}).values_list(
        f"{target}_id", "order", f"{target}__{title}"
    )
    return [pk for pk, _, _ in sorted(rows, key=lambda row: (row[1], row[2].casefold()))]


def _add_in_order(item, field, through, source, target, pks):
    using = item._state.db
    announce = {
        "sender": through,
        "instance": item,
        "reverse": False,
        "model": field.related_model,
        "pk_set": set(pks),
        "using": using,
    }
    m2m_changed.send(action="pre_add", **announce)
    through.objects.using(using).bulk_create(
        through(**{f"{source}_id": item.pk, f"{target}_id": pk, "order": n})
        for n, pk in enumerate(pks)
    )
    m2m_changed.send(action="post_add", **announce)


def set_in_order(item, name, objects):
    """
    Relate `item` to `objects` (items or primary keys) in that order. Joining
    and leaving the list send m2m_changed as the relation manager does (the
    page cache, revisions, the self-relation guard see them); a new order
    alone is announced as content_changed.
    """
    field, through, source, target = _ends(type(item), name)
    wanted = list(dict.fromkeys(getattr(obj, "pk", obj) for obj in objects))
    current = pks_in_order(item, name)
    if current == wanted:
        return
    with transaction.atomic(using=item._state.db):
        if not current:
            # A first list (a new item: an import's usual case) is written in
            # one INSERT, in order, announced as the relation manager would.
            _add_in_order(item, field, through, source, target, wanted)
            return
        if set(current) != set(wanted):
            getattr(item, name).set(wanted)
        positions = [When(**{f"{target}_id": pk}, then=Value(n)) for n, pk in enumerate(wanted)]
        if positions:
            links = through.objects.filter(**{source: item.pk})
            links.update(order=Case(*positions, default=Value(0)))
        if not saving_in_batch():
            content_changed.send(sender=through, pks=[item.pk], using=item._state.db)
