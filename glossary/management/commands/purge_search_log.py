"""
Delete the search log's counts older than 90 days (--days to change it), in
batches; deploy/crontab runs it every night.
"""

from django.core.management.base import BaseCommand

from glossary.models import SEARCH_LOG_DAYS, SearchLogEntry


class Command(BaseCommand):
    help = f"Delete the search log's counts older than {SEARCH_LOG_DAYS} days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=SEARCH_LOG_DAYS, metavar="DAYS")

    def handle(self, *args, days, **options):
        deleted = SearchLogEntry.objects.purge(days)
        self.stdout.write(f"Deleted {deleted} search log counts older than {days} days.")
