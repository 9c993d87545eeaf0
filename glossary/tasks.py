"""
Relinking many pages after a term changed, in the background (django.tasks:
`manage.py db_worker` in production, at once in tests and while debugging).
"""

from functools import partial

from django.db import transaction
from django.tasks import task

from glossary.linking import as_exclusion, described, mentioning, relink_items, relink_now

# More pages to relink than this, and the relinking goes through the queue.
RELINK_IN_REQUEST = 50


@task
def relink_pages(descriptions, exclude=None):
    """Relink the bodies that mention the terms described (all of them for None)."""
    return relink_now(descriptions, exclude)


def relink_mentions(terms, exclude=None):
    """
    Keep every body that mentions `terms` (or links to them) linked right,
    `exclude` aside (an item whose own save just linked it): at once when at
    most RELINK_IN_REQUEST pages need it, else queued to run once this
    transaction commits. None for `terms`: every body.
    """
    descriptions = None if terms is None else described(terms)
    if descriptions == []:
        return
    exclude = as_exclusion(exclude)
    found, pages = {}, 0
    for kind, items in mentioning(descriptions, exclude).items():
        found[kind] = list(items.values_list("pk", flat=True)[: RELINK_IN_REQUEST + 1])
        pages += len(found[kind])
        if pages > RELINK_IN_REQUEST:
            transaction.on_commit(partial(relink_pages.enqueue, descriptions, exclude), robust=True)
            return
    for kind, pks in found.items():
        if pks:
            relink_items(kind.model, pks)
