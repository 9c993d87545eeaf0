"""
Delete the webhook delivery log older than DAYS days (README, "Webhooks"):

    python manage.py purge_webhook_deliveries --older-than 90

Run it daily from cron. An enquiry's deliveries also go when the enquiry is
purged; this bounds the log of the enquiries that are kept.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from services.webhooks import purge_deliveries


class Command(BaseCommand):
    help = "Delete webhook deliveries queued more than DAYS days ago."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            required=True,
            metavar="DAYS",
            help="Delete deliveries queued more than this many days ago.",
        )

    def handle(self, *, older_than, **options):
        if older_than <= 0:
            raise CommandError("--older-than must be a positive number of days.")
        before = timezone.now() - timedelta(days=older_than)
        count = purge_deliveries(before)
        noun = "delivery" if count == 1 else "deliveries"
        self.stdout.write(
            f"Deleted {count} webhook {noun} queued before "
            f"{timezone.localtime(before):%Y-%m-%d %H:%M}."
        )
