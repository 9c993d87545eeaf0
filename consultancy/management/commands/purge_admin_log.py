"""
Delete the admin's log ("Recent actions") older than DAYS days, in batches:

    python manage.py purge_admin_log --older-than 730

deploy/crontab runs it every night. Content keeps its full history in its
revisions ("Revisions"); this log is only the admin's list of who did what.
"""

from datetime import timedelta

from django.contrib.admin.models import LogEntry
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from consultancy.batches import delete_in_batches


class Command(BaseCommand):
    help = "Delete the admin's log of actions older than DAYS days."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            required=True,
            metavar="DAYS",
            help="Delete entries made more than this many days ago.",
        )

    def handle(self, *, older_than, **options):
        if older_than <= 0:
            raise CommandError("--older-than must be a positive number of days.")
        before = timezone.now() - timedelta(days=older_than)
        count = delete_in_batches(LogEntry.objects.filter(action_time__lt=before))
        noun = "entry" if count == 1 else "entries"
        self.stdout.write(
            f"Deleted {count} admin log {noun} made before "
            f"{timezone.localtime(before):%Y-%m-%d %H:%M}."
        )
