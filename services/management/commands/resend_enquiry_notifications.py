"""
Send again every notification to sales that has not gone out: those that
failed, and those still pending after --stale-minutes (say, queued while the
worker was down, or lost with a crashed process).

    python manage.py resend_enquiry_notifications
    python manage.py resend_enquiry_notifications --dry-run

With the database task backend the emails are queued for `db_worker`; with the
immediate backend they are sent at once. Safe to run from cron: an email that
is sent meanwhile by a retry is not sent twice.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from services import enquiries


class Command(BaseCommand):
    help = "Resend the notification email for enquiries whose email failed or is stuck."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-minutes",
            type=int,
            default=60,
            help="Pending notifications older than this are resent too (default 60).",
        )
        parser.add_argument(
            "--site-url",
            default=settings.ENQUIRY_SITE_URL,
            help="Base URL for the admin link in the emails (default ENQUIRY_SITE_URL).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only count them.")

    def handle(self, *, stale_minutes, site_url, dry_run, **options):
        if stale_minutes < 0:
            raise CommandError("--stale-minutes cannot be negative.")
        undelivered = enquiries.undelivered(timedelta(minutes=stale_minutes))
        if dry_run:
            self.stdout.write(f"{undelivered.count()} notification(s) would be resent.")
            return
        count = enquiries.resend_notifications(undelivered, site_url=site_url)
        self.stdout.write(f"Resent {count} notification(s).")
