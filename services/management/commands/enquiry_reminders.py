"""
Queue the response clock's emails that are due: a reminder at 75% of
ENQUIRY_RESPONSE_HOURS and an escalation at 100%, each once per enquiry.

    python manage.py enquiry_reminders
    python manage.py enquiry_reminders --dry-run

Run it from cron every few minutes (deploy/crontab). Running it twice, or
while the worker still holds the first run's tasks, sends nothing twice.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from services import reminders


class Command(BaseCommand):
    help = "Queue the reminder and escalation emails of enquiries waiting for an answer."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say how many are due; queue nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            for kind in reminders.KINDS:
                count = reminders.due(kind).count()
                self.stdout.write(f"{count} {kind}(s) due.")
            return
        with transaction.atomic():
            counts = reminders.queue_due(site_url=settings.ENQUIRY_SITE_URL)
        for kind, count in counts.items():
            self.stdout.write(f"Queued {count} {kind}(s).")
