"""
Export terms, services and technologies (every registered kind, or one) as
CSV or JSON, in the format import_content reads: importing the export back
changes nothing.

    python manage.py export_content --format csv --output content.csv
    python manage.py export_content --format json --type term
"""

from django.core.management.base import BaseCommand, CommandError

from consultancy import content_io, content_types


class Command(BaseCommand):
    help = "Export content as CSV or JSON (what import_content reads)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=content_io.FORMATS, default="csv")
        parser.add_argument(
            "--type",
            dest="kind",
            help="One kind only: " + "/".join(k.name for k in content_types.kinds()),
        )
        parser.add_argument("--output", help="A file to write (default: standard output).")

    def handle(self, *args, format, kind, output, **options):
        try:
            kinds = [content_types.get(kind)] if kind else content_types.kinds()
        except LookupError as error:
            raise CommandError(str(error)) from None
        text = content_io.export(kinds, format)
        if output:
            with open(output, "w", encoding="utf-8", newline="") as stream:
                stream.write(text)
        else:
            self.stdout.write(text, ending="")
