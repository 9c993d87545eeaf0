"""
Load redirects from a CSV file with the columns from_path,to,permanent (a
header row; permanent is yes/no, true/false, 1/0, 301/302, blank for yes).

Each row follows the admin's rules (consultancy.redirect_forms), against the
redirects already stored and the rows before it. It is all or nothing: one
transaction, and any bad row is reported with its line number, nothing is
imported and the command exits with status 1. --dry-run checks the file
and reports without importing.
"""

import csv

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from consultancy.models import Redirect
from consultancy.redirect_forms import RedirectForm

COLUMNS = ["from_path", "to", "permanent"]
YES = {"", "yes", "y", "true", "1", "301", "permanent"}
NO = {"no", "n", "false", "0", "302", "temporary"}


class RolledBack(Exception):
    pass


def parse_permanent(value):
    value = (value or "").strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    raise ValueError(f"permanent must be yes or no, not {value!r}")


class Command(BaseCommand):
    help = "Load redirects from a CSV file (from_path,to,permanent), all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row, import nothing."
        )

    def handle(self, *args, file, dry_run, **options):
        try:
            with open(file, newline="", encoding="utf-8-sig") as handle:
                rows = list(csv.DictReader(handle))
                fields = rows and list(rows[0].keys())
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        if rows and sorted(f for f in fields if f) != sorted(COLUMNS):
            raise CommandError(f"The columns must be {','.join(COLUMNS)}.")
        errors, imported = [], 0
        try:
            with transaction.atomic():
                for line, row in enumerate(rows, start=2):
                    problem = self.import_row(row)
                    if problem:
                        errors.append(f"Line {line}: {problem}")
                    else:
                        imported += 1
                if errors or dry_run:
                    raise RolledBack
        except RolledBack:
            pass
        for error in errors:
            self.stderr.write(error)
        if errors:
            self.stderr.write(f"Nothing imported: {len(errors)} bad row(s).")
            raise SystemExit(1)
        if dry_run:
            self.stdout.write(f"Dry run: {imported} redirect(s) would be imported.")
        else:
            self.stdout.write(f"Imported {imported} redirect(s).")

    def import_row(self, row):
        """Save one row; the problem with it, or None."""
        try:
            permanent = parse_permanent(row.get("permanent"))
        except ValueError as error:
            return str(error)
        from_path = (row.get("from_path") or "").strip()
        data = {"from_path": from_path, "to": row.get("to") or "", "permanent": permanent}
        form = RedirectForm(data, instance=Redirect.objects.filter(from_path=from_path).first())
        if not form.is_valid():
            return " ".join(
                f"{field}: {message}" if field != "__all__" else message
                for field, messages in form.errors.items()
                for message in messages
            )
        form.save()
        return None
