"""
Import terms, services and technologies (every registered kind) from a CSV
or JSON file as export_content writes it, matched by slug: created, updated
or left unchanged.

    python manage.py import_content content.csv --dry-run
    python manage.py import_content content.json --user ada

Each row is reported: created, updated (which fields), unchanged, or error
with the reasons. All rows or none: with any error nothing is written and the
command exits with status 1, also when the database refuses a row as it is
written (one line says so, not a traceback). --dry-run reports and writes
nothing. The revisions kept are attributed to --user, or to no one.
"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from consultancy import content_io, imports
from consultancy.cache import PageCacheUnavailable
from consultancy.progress import Progress


class Command(BaseCommand):
    help = "Import content from a CSV or JSON file (as export_content writes it)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .csv or .json file.")
        parser.add_argument("--dry-run", action="store_true", help="Report, write nothing.")
        parser.add_argument(
            "--format", choices=content_io.FORMATS, help="Default: from the file name."
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Whom the revisions of the import are attributed to. Default: no one.",
        )

    def handle(self, *args, file, dry_run, format, user, verbosity, **options):
        user = self.find_user(user) if user else None
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            rows = content_io.read(text, format or content_io.format_of(path.name))
        except content_io.UnreadableFile as error:
            raise CommandError(str(error)) from None

        enabled = verbosity > 0
        checking = Progress(self.stderr, "Checking rows", len(rows), enabled)
        plan = imports.plan(rows, progress=checking.advance)
        checking.finish()
        for row in plan.rows:
            self.stdout.write(str(row))
        self.stdout.write(plan.summary())
        if plan.has_errors:
            self.stderr.write("Nothing was written: correct the rows in error and import again.")
            sys.exit(1)
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
            return
        writing = Progress(
            self.stderr,
            "Saving",
            plan.count(imports.CREATED) + plan.count(imports.UPDATED),
            enabled,
        )
        try:
            imports.apply(plan, progress=writing.advance, user=user)
        except (DatabaseError, PageCacheUnavailable) as error:
            # apply() is one transaction: the rows written before this one are undone.
            raise CommandError(
                f"The import stopped while saving: {error}. Nothing was imported."
            ) from None
        finally:
            writing.finish()  # Ends the bar's line, before the error if there is one.
        self.stdout.write("Imported.")

    def find_user(self, username):
        User = get_user_model()
        try:
            return User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"There is no user {username!r}: nothing was imported.") from None
