"""
Restore a backup made by backup_database into the configured database, which
must be empty (no tables at all): create a new database, point DATABASE_URL
at it, then

    python manage.py restore_database backups/consultancy-20261201T020000Z.dump

A PostgreSQL restore runs in one transaction: if it fails, nothing is left
half restored. Stop the website and the worker first when they use the
database being restored into, and run `migrate` afterwards when the code is
newer than the backup.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from consultancy import backups


class Command(BaseCommand):
    help = "Restore a backup_database file into an empty database."
    # No system checks: a backup or a restore must not wait for the rest of
    # the configuration to be right (say, ENQUIRY_NOTIFY_EMAILS in production).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup (.dump for PostgreSQL, .sqlite3 for SQLite).")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Which DATABASES entry (default: default)."
        )

    def handle(self, *, file, database, **options):
        connection = connections[database]
        try:
            backups.restore(connection, file)
        except backups.BackupError as error:
            raise CommandError(error) from error
        self.stdout.write(
            f"Restored {file} into {backups.database_name(connection)}. "
            "Run `manage.py migrate` if the code is newer than the backup."
        )
