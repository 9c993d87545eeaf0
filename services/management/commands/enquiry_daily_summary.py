"""
Email sales one summary a day of the enquiries the filters kept from them:
how many were held for review and how many filed as spam (README, "Held for
review"):

    python manage.py enquiry_daily_summary               # yesterday
    python manage.py enquiry_daily_summary --day 2026-03-02

Safe to run more than once (cron may retry): each day's summary is sent once.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from services.summary import send_daily_summary


class Command(BaseCommand):
    help = "Email ENQUIRY_NOTIFY_EMAILS the day's counts of held and spam enquiries (once a day)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--day",
            type=date.fromisoformat,
            metavar="YYYY-MM-DD",
            help="The day to summarise (default: yesterday, in the site's time zone).",
        )

    def handle(self, *, day, **options):
        if not settings.ENQUIRY_NOTIFY_EMAILS:
            raise CommandError("ENQUIRY_NOTIFY_EMAILS is empty: nobody to send the summary to.")
        day = day or timezone.localdate() - timedelta(days=1)
        try:
            sent = send_daily_summary(day)
        except Exception as error:
            raise CommandError(
                f"Summary for {day} not sent (a next run retries): {error}"
            ) from error
        if sent is None:
            self.stdout.write(f"The summary for {day} was sent already.")
        else:
            self.stdout.write(f"Sent the summary for {day}: {sent.held} held, {sent.spam} spam.")
