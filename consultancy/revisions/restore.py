"""Bringing an item back to a revision: itself a new revision, by the restorer."""

from contextlib import nullcontext

import reversion
from django.db import transaction
from django.utils.formats import date_format
from django.utils.timezone import localtime
from taggit.managers import TaggableManager

from consultancy.relations import is_ordered, set_in_order
from consultancy.revisions.compare import compared_fields, stored_state
from consultancy.revisions.recording import kept_as_one_revision


def restore_comment(version):
    when = date_format(localtime(version.revision.date_created), "DATETIME_FORMAT")
    return f"Restored from revision of {when}"


def restore(item, version, user):
    """
    Copy the revision's fields, relations and tags onto the item and save():
    unlike reversion's revert (a raw save), save() derives the rendered body
    and links, and the page cache's receivers make its pages stale.
    """
    stored, m2m = stored_state(version)
    # Kept as one revision at the end, serialised once: in a reversion block
    # every save and every relation set would serialise the item again.
    with transaction.atomic(), kept_as_one_revision(restore_comment(version), user):
        for field in compared_fields(type(item)):
            if not field.many_to_many:
                setattr(item, field.attname, getattr(stored, field.attname))
        item.save()
        for field in compared_fields(type(item)):
            if field.many_to_many and field.name in m2m:
                values = m2m[field.name]
                if isinstance(field, TaggableManager):
                    getattr(item, field.name).set(values)
                    continue
                # Items deleted since cannot come back as relations.
                related = field.related_model._default_manager.filter(pk__in=values)
                still_there = set(related.values_list("pk", flat=True))
                values = [pk for pk in values if pk in still_there]
                if is_ordered(field):
                    set_in_order(item, field.name, values)
                else:
                    getattr(item, field.name).set(values)
    return item


def restore_tags(item, version):
    """The revision's tags on the item (a recovered one: the raw revert skips them)."""
    _, m2m = stored_state(version)
    for field in compared_fields(type(item)):
        if isinstance(field, TaggableManager) and field.name in m2m:
            getattr(item, field.name).set(m2m[field.name])


def record(items, comment):
    """
    Add items changed without save() (bulk publish) to the request's revision:
    one version each, in one revision, attributed to whoever is editing.
    """
    with nullcontext() if reversion.is_active() else reversion.create_revision():
        for item in items:
            reversion.add_to_revision(item)
        reversion.set_comment(comment)
