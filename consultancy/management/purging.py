"""The shape of the commands that delete what is older than `--older-than DAYS`."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class OlderThanCommand(BaseCommand):
    """
    Deletes what `purge(before)` finds older than `--older-than DAYS` (required,
    positive) and says how many went, and from before when. A subclass names
    what it deletes: `one` and `many` ("admin log entry", "admin log
    entries") and `dated`, the verb for its date ("made", "queued").
    """

    one = "row"
    many = "rows"
    dated = "made"

    def purge(self, before):
        """Delete what is dated before `before`; return how many went."""
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            required=True,
            metavar="DAYS",
            help=f"Delete {self.many} {self.dated} more than this many days ago.",
        )

    def handle(self, *, older_than, **options):
        if older_than <= 0:
            raise CommandError("--older-than must be a positive number of days.")
        before = timezone.now() - timedelta(days=older_than)
        count = self.purge(before)
        self.stdout.write(
            f"Deleted {count} {self.one if count == 1 else self.many} {self.dated} before "
            f"{timezone.localtime(before):%Y-%m-%d %H:%M}."
        )
