"""
Write a restorable backup of the database into backups/ (or --directory),
named with the time in UTC: consultancy-20261201T020000Z.dump for
PostgreSQL (pg_dump's custom format), .sqlite3 for SQLite (an online copy).
The site may keep running meanwhile.

    python manage.py backup_database [--directory /srv/backups] [--database default]

Put it back with restore_database. The file holds everything, enquiries
included: it is readable by its owner only; keep it as safe as the database.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from consultancy import backups


class Command(BaseCommand):
    help = "Back up the database into a timestamped file that restore_database can restore."
    # No system checks: a backup or a restore must not wait for the rest of
    # the configuration to be right (say, ENQUIRY_NOTIFY_EMAILS in production).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            default=settings.BASE_DIR / "backups",
            help="Where to write it (default: backups/ in the project folder).",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Which DATABASES entry (default: default)."
        )

    def handle(self, *, directory, database, **options):
        try:
            path = backups.backup(connections[database], directory)
        except backups.BackupError as error:
            raise CommandError(error) from error
        size = path.stat().st_size
        self.stdout.write(f"Backed up the database to {path} ({size / 1e6:.1f} MB).")
