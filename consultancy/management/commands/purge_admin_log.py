"""
Delete the admin's log ("Recent actions") older than DAYS days, in batches:

    python manage.py purge_admin_log --older-than 730

deploy/crontab runs it every night. Content keeps its full history in its
revisions ("Revisions"); this log is only the admin's list of who did what.
"""

from django.contrib.admin.models import LogEntry

from consultancy.batches import delete_in_batches
from consultancy.management.purging import OlderThanCommand


class Command(OlderThanCommand):
    help = "Delete the admin's log of actions older than DAYS days."
    one, many, dated = "admin log entry", "admin log entries", "made"

    def purge(self, before):
        return delete_in_batches(LogEntry.objects.filter(action_time__lt=before))
