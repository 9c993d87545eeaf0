"""
Delete enquiries older than the retention period (README, "Enquiries"):

    python manage.py purge_enquiries --older-than 730
    python manage.py purge_enquiries --older-than 30 --spam-only
    python manage.py purge_enquiries --older-than 730 --dry-run
    python manage.py purge_enquiries --email jane@example.com

The last is an erasure request: every enquiry from that address (any case) and
its contact. A retention purge also deletes the contacts it leaves with no
enquiry, so that nothing is kept about a person whose last enquiry has gone.

Run it daily from cron or a scheduler. Deletes in batches, so that a large
backlog never holds a long lock on the table.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.utils import timezone

from services.retention import erase_person, purge


class Command(BaseCommand):
    help = "Delete enquiries received more than DAYS days ago (retention policy)."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument(
            "--older-than",
            type=int,
            metavar="DAYS",
            help="Delete enquiries received more than this many days ago.",
        )
        which.add_argument(
            "--email",
            metavar="ADDRESS",
            help="Delete everything held about this person (erasure request), any case.",
        )
        parser.add_argument(
            "--spam-only", action="store_true", help="Delete only enquiries marked as spam."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be deleted; delete nothing."
        )
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Rows deleted per query (default 500)."
        )

    def handle(self, *, older_than, email, spam_only, dry_run, batch_size, **options):
        if email is not None:
            return self.erase(email.strip(), dry_run=dry_run)
        if older_than <= 0:
            raise CommandError("--older-than must be a positive number of days.")
        if batch_size <= 0:
            raise CommandError("--batch-size must be a positive number.")
        before = timezone.now() - timedelta(days=older_than)
        count = purge(before, spam_only=spam_only, batch_size=batch_size, dry_run=dry_run)
        kind = "spam enquiries" if spam_only else "enquiries"
        if count == 1:
            kind = kind.replace("enquiries", "enquiry")
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {count} {kind} received before {timezone.localtime(before):%Y-%m-%d %H:%M}."
        )

    def erase(self, email, *, dry_run):
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email!r} is not an email address.") from error
        if dry_run:
            raise CommandError("--dry-run counts a retention purge; use export_enquiries first.")
        count = erase_person(email)
        self.stdout.write(
            f"Deleted {count} enquir{'y' if count == 1 else 'ies'} and the contact for {email}."
        )
