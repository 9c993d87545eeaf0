"""The search log's table: a count per query and day, nothing about who searched."""

from django.db import models
from django.db.models import F
from django.utils import timezone

from consultancy.models import DailyCountQuerySet

# The search log (glossary/search_log.py records it). Queries are kept as the
# search reads them, cut to this length: the search reads no more
# (glossary.search.MAX_QUERY_LENGTH), and a made-up long query must not
# cost more room than a real one.
SEARCH_LOG_QUERY_MAX_LENGTH = 100
# New distinct queries a day; past it only queries already seen that day are
# counted. Anyone can make up searches: this bounds the table at about
# 90,000 rows (90 days kept) whatever a bot sends, far above what visitors type.
SEARCH_LOG_NEW_QUERIES_PER_DAY = 1000
# How long the log is kept (purge_search_log, run nightly by deploy/crontab).
SEARCH_LOG_DAYS = 90


class SearchLogQuerySet(DailyCountQuerySet):
    def record(self, query, results, today=None, count=1):
        """`count` more searches today for `query`, the latest of which found `results` terms."""
        self.add(
            {"query": query},
            new_per_day=SEARCH_LOG_NEW_QUERIES_PER_DAY,
            count=count,
            today=today,
            results=results,
        )

    def count_again(self, query, today=None, count=1):
        """
        More searches for a query already logged today, their results unknown
        (a browser revalidating the page it has: 304). Never adds a row.
        """
        today = today or timezone.localdate()
        self.filter(query=query, day=today).update(count=F("count") + count)

    def top(self, days=30, limit=50):
        """The most frequent queries of the last `days` days: (query, total) rows."""
        return self.since(days).totals("query").values_list("query", "total")[:limit]

    def top_not_found(self, days=30, limit=50):
        """The same, counting only the searches that found nothing."""
        return self.filter(results=0).top(days=days, limit=limit)


class SearchLogEntry(models.Model):
    """
    How often one glossary search was made on one day, and what it found.
    Nothing about who searched: no address, session, browser or user.
    """

    query = models.CharField(
        max_length=SEARCH_LOG_QUERY_MAX_LENGTH,
        help_text="What was searched for, as the search reads it: its words, lower-cased.",
    )
    day = models.DateField(help_text="The day of the searches (the site's time zone).")
    count = models.PositiveIntegerField(default=1, help_text="How many searches that day.")
    results = models.PositiveIntegerField(
        help_text="How many terms the day's latest search for it found (0: none)."
    )

    objects = SearchLogQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-count", "query"]
        verbose_name = "search log entry"
        verbose_name_plural = "search log"
        constraints = [
            # Day first: the same index serves one day's count (the cap), the
            # date ranges of top() and the purge, as well as the lookup.
            models.UniqueConstraint(fields=["day", "query"], name="glossary_search_once_a_day"),
        ]

    def __str__(self):
        return f"“{self.query}” ({self.count} on {self.day})"
