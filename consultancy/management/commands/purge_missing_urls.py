"""
Delete the counts of missing addresses older than 30 days (--older-than to
change it); deploy/crontab runs it every night.
"""

from django.core.management.base import BaseCommand

from consultancy.models import MissingUrl


class Command(BaseCommand):
    help = "Delete the counts of missing addresses older than 30 days."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=30, metavar="DAYS")

    def handle(self, *args, older_than, **options):
        deleted = MissingUrl.objects.purge(days=older_than)
        self.stdout.write(f"Deleted {deleted} missing-URL counts older than {older_than} days.")
