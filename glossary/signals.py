"""
Links to terms kept right whichever way content changes (admin, shell,
commands). An item's own body is linked when it is saved (render_body);
these receivers relink the *other* bodies a change of a term affects, of
every kind: those that mention the term, or already link to it
(glossary.tasks.relink_mentions, through the queue when they are many).
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from consultancy.signals import content_changed, saving_in_batch
from glossary.linking import relink_items
from glossary.models import Term
from glossary.tasks import relink_mentions

# More changed terms than this, and every term is relinked.
MANY_CHANGED = 200

# Set by deletions_not_relinked() for its caller alone (this thread or task),
# never process-wide: deletions elsewhere meanwhile still relink.
_deletions_not_relinked = ContextVar("deletions_not_relinked", default=False)


@receiver(post_save, sender=Term, dispatch_uid="glossary_term_saved")
def term_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: fixtures carry their own derived fields
        return
    if saving_in_batch():  # an import: relinked once at the end (terms_changed)
        return
    relink_mentions([instance], exclude=instance)


@receiver(post_delete, sender=Term, dispatch_uid="glossary_term_deleted")
def term_deleted(sender, instance, **kwargs):
    if not _deletions_not_relinked.get():
        relink_mentions([instance])


@contextmanager
def deletions_not_relinked():
    """
    Deleting a term relinks the terms that mention it, one deletion at a time.
    A bulk delete of thousands of terms would rebuild the link index thousands
    of times: inside this block it does not, and the caller relinks once after.
    """
    token = _deletions_not_relinked.set(True)
    try:
        yield
    finally:
        _deletions_not_relinked.reset(token)


@receiver(content_changed, dispatch_uid="glossary_batch_saved")
def batch_saved(sender, pks, bodies_unlinked=False, **kwargs):
    """An import saved these items' bodies without links (link_body): link them now."""
    if bodies_unlinked:
        relink_items(sender, pks)


@receiver(content_changed, sender=Term, dispatch_uid="glossary_terms_changed")
def terms_changed(sender, pks, **kwargs):
    if len(pks) > MANY_CHANGED:
        # One condition per changed name would make a query too large to run.
        relink_mentions(None)
        return
    changed = list(Term.objects.filter(pk__in=pks).only("pk", "name", "abbreviation", "aliases"))
    relink_mentions(changed)
