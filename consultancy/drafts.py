"""
Drafts of live content. An editor changes a published item without changing
its page ("Save as draft"), previews the change exactly as visitors would see
it, then publishes it (an ordinary save of the change form, which the draft
fills in) or discards it.

A draft holds the change form's cleaned values as JSON (related items by
primary key, in their order; tags by name), not a second row of the item:
the live row, its address, its links and its revisions stay exactly as they
were until the change is published, and nothing else on the site (lists,
search, sitemaps, the link index) can ever see a draft.
"""

import copy
import json

from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.text import slugify
from taggit.managers import TaggableManager
from taggit.models import Tag
from taggit.utils import edit_string_for_tags

from consultancy import content_types
from consultancy.models import Draft
from consultancy.queries import Card, chosen_cards, page_relations


def draft_of(item):
    """The item's unpublished changes, or None."""
    return Draft.objects.for_item(item).select_related("updated_by").first()


def _stored(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, models.QuerySet)):
        return [_stored(one) for one in value]
    return value


def save_draft(item, form, user):
    """Keep the valid change `form` of `item` as its draft (replacing an earlier one)."""
    values = {name: _stored(value) for name, value in form.cleaned_data.items()}
    # Dates and times as ISO text, which the form's fields read back.
    data = json.loads(json.dumps(values, cls=DjangoJSONEncoder))
    draft = draft_of(item)
    if draft is None:
        draft = Draft(item=item)
    draft.data, draft.updated_by = data, user
    draft.save()
    return draft


def discard(item):
    """Forget the item's unpublished changes (after publishing them, or instead)."""
    return Draft.objects.for_item(item).delete()[0] > 0


def form_initial(draft, model):
    """The draft as initial values of the model's change form."""
    initial = {}
    for name, value in draft.data.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            initial[name] = value
            continue
        if isinstance(field, TaggableManager):
            initial[name] = edit_string_for_tags([Tag(name=tag) for tag in value or ()])
        elif field.many_to_many:
            initial[name] = value
        else:
            initial[name] = field.to_python(value)
    return initial


def previewed(item, draft):
    """A copy of `item` with the draft's values and what save() derives from them, unsaved."""
    preview = copy.copy(item)
    preview._state = copy.copy(item._state)
    for field in item._meta.concrete_fields:
        if field.editable and field.name in draft.data:
            setattr(preview, field.attname, field.to_python(draft.data[field.name]))
    preview.derive_fields()
    return preview


def preview_relations(item, draft):
    """What the item's page lists with the draft's related items and tags (page_relations)."""
    relations = page_relations(item)
    for name in content_types.for_model(item).lists:
        field = item._meta.get_field(name)
        if field.many_to_many and not field.auto_created and name in draft.data:
            relations[name] = chosen_cards(field.related_model, draft.data[name] or [])
    if "tags" in draft.data:
        names = draft.data["tags"] or []
        known = {tag.name: tag.slug for tag in Tag.objects.filter(name__in=names)}
        relations["tags"] = [
            Card("tag", known.get(name) or slugify(name), name, "")
            for name in sorted(names, key=str.casefold)
        ]
    return relations
