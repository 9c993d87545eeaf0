"""A side-by-side comparison of two revisions of an item, as editors read it."""

from dataclasses import dataclass

from django.contrib.admin.utils import display_for_field
from taggit.managers import TaggableManager

from consultancy.people import user_label
from consultancy.relations import is_ordered

EMPTY = "—"


@dataclass(frozen=True)
class Row:
    label: str
    old: str
    new: str

    @property
    def changed(self):
        return self.old != self.new


def stored_state(version):
    """The item as the revision keeps it, and its relations (pks, tag names)."""
    # reversion's own deserialised copy: field_dict drops the tag names.
    state = version._object_version
    return state.object, {**(state.m2m_data or {}), **getattr(state, "tag_names", {})}


def compared_fields(model):
    """What an editor filled in: editable fields, relations and tags."""
    return [
        field
        for field in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if field.editable and not field.primary_key
    ]


def _name(item):
    """A person by their full name (their username without one), anything else by its str."""
    if hasattr(item, "get_full_name"):
        return user_label(item)
    return str(item)


def _names_of(model, pks):
    """One query for the lot (none for no pks): {pk: name}."""
    pks = {pk for pk in pks if pk is not None}
    if not pks:
        return {}
    return {item.pk: _name(item) for item in model._default_manager.filter(pk__in=pks)}


def _deleted(pk):
    return f"(deleted, #{pk})"


def _names_by_pk(field, states):
    """One query per relation, whatever the number of items related."""
    return _names_of(
        field.related_model, (pk for _, m2m in states for pk in m2m.get(field.name, ()))
    )


def _relation_value(field, m2m, names):
    """The related items' names as one line: in their order, or sorted if they have none."""
    values = m2m.get(field.name, ())
    if not isinstance(field, TaggableManager):
        values = [names.get(pk, _deleted(pk)) for pk in values]
    if not is_ordered(field):
        values = sorted(values, key=str.lower)
    return ", ".join(values) or EMPTY


def compare(model, old_version, new_version):
    """Every compared field with its two values; Row.changed says which differ."""
    states = [stored_state(old_version), stored_state(new_version)]
    rows = []
    for field in compared_fields(model):
        if field.many_to_many:
            names = {} if isinstance(field, TaggableManager) else _names_by_pk(field, states)
            old, new = (_relation_value(field, m2m, names) for _, m2m in states)
        elif field.many_to_one:
            # The related item by name, not its id: one query for both revisions.
            pks = [getattr(obj, field.attname) for obj, _ in states]
            names = _names_of(field.related_model, pks)
            old, new = (EMPTY if pk is None else names.get(pk, _deleted(pk)) for pk in pks)
        else:
            old, new = (
                str(display_for_field(getattr(obj, field.attname), field, EMPTY))
                for obj, _ in states
            )
        rows.append(Row(str(field.verbose_name), old, new))
    return rows
