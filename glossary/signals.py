"""
Derived data that depends on other terms: stored auto-links and (on
PostgreSQL) the search vector. Kept right on every save, delete, publish and
unpublish, whichever way it happens (admin, shell, commands), so that page
views only ever read stored HTML.
"""

from contextlib import contextmanager

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from consultancy.signals import content_changed
from glossary.autolink import mentions_of, relink
from glossary.models import Term


@receiver(post_save, sender=Term, dispatch_uid="glossary_term_saved")
def term_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: fixtures carry their own derived fields
        return
    Term.objects.filter(pk=instance.pk).refresh_search_vectors()
    rendered = relink(
        Term.objects.filter(pk=instance.pk) | Term.objects.filter(mentions_of([instance]))
    )
    instance.body_html = rendered.get(instance.pk, instance.body_html)


@receiver(post_delete, sender=Term, dispatch_uid="glossary_term_deleted")
def term_deleted(sender, instance, **kwargs):
    relink(Term.objects.filter(mentions_of([instance])))


@contextmanager
def deletions_not_relinked():
    """
    Deleting a term relinks the terms that mention it, one deletion at a time.
    A bulk delete of thousands of terms would rebuild the link index thousands
    of times: inside this block it does not, and the caller relinks once after.
    """
    post_delete.disconnect(term_deleted, sender=Term, dispatch_uid="glossary_term_deleted")
    try:
        yield
    finally:
        post_delete.connect(term_deleted, sender=Term, dispatch_uid="glossary_term_deleted")


@receiver(content_changed, sender=Term, dispatch_uid="glossary_terms_changed")
def terms_changed(sender, pks, **kwargs):
    changed = list(Term.objects.filter(pk__in=pks).only("pk", "name", "abbreviation"))
    if changed:
        relink(Term.objects.filter(mentions_of(changed)))
