"""Counts per key and day, with nothing about who: missing URLs, the search log."""

import datetime

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from consultancy.batches import delete_in_batches


class DailyCountQuerySet(models.QuerySet):
    """
    Counts of something strangers do many times a day (ask for a missing
    address, search the glossary), one row per key and day, on a model with
    `day`, `count` and a unique (key, day). Nothing about who did it.
    """

    def add(self, key, *, new_per_day, count=1, today=None, **latest):
        """
        `count` more today for `key` ({field: value}), also setting the
        `latest` fields. A new key gets a row only while today has fewer than
        `new_per_day`: made-up keys cannot grow the table without bound.
        One UPDATE when the key was seen today already.
        """
        today = today or timezone.localdate()
        rows = self.filter(day=today, **key)
        if rows.update(count=models.F("count") + count, **latest):
            return
        # Counting stops at the cap: at most new_per_day index entries read.
        if self.filter(day=today)[:new_per_day].count() >= new_per_day:
            return
        try:
            with transaction.atomic():
                self.create(day=today, count=count, **key, **latest)
        except IntegrityError:
            # Another request counted it first, between our UPDATE and INSERT.
            rows.update(count=models.F("count") + count, **latest)

    def since(self, days):
        """The rows of the last `days` days, today included."""
        return self.filter(day__gt=timezone.localdate() - datetime.timedelta(days=days))

    def totals(self, key_field):
        """Per key, the counts added up (as `total`), most first."""
        return (
            self.values(key_field).annotate(total=models.Sum("count")).order_by("-total", key_field)
        )

    def purge(self, days, batch_size=1000):
        """
        Delete the rows older than `days` days, in batches (a short lock each,
        however many there are); returns how many went.
        """
        old = self.filter(day__lte=timezone.localdate() - datetime.timedelta(days=days))
        return delete_in_batches(old, batch_size)
