"""Deleting many rows a batch at a time: each batch a short lock, however many there are."""

from contextlib import nullcontext

from django.db import transaction


def delete_in_batches(queryset, batch_size=1000, then=None):
    """
    Delete the rows of `queryset`, `batch_size` at a time, and return how many
    went. `then(pks)`, when given, runs in each batch's transaction after its
    delete (to tidy what refers to those rows).
    """
    deleted = 0
    rows = queryset.model._default_manager.using(queryset.db)
    while batch := list(queryset.order_by("pk").values_list("pk", flat=True)[:batch_size]):
        # A delete is atomic by itself; with `then` the two are one transaction.
        with transaction.atomic(using=queryset.db) if then else nullcontext():
            rows.filter(pk__in=batch).delete()
            if then:
                then(batch)
        deleted += len(batch)
    return deleted
