"""
Export everything held about one person, for a subject access request:

    python manage.py export_enquiries --email jane@example.com > jane.json

Writes a JSON object to standard output: "contact", the Contact kept for the
address (or null), and "enquiries", an array of their enquiries (matched on
email address, ignoring case), written one at a time so that memory use stays flat.
"""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from services.models import Enquiry
from services.retention import contact_data, personal_data


class Command(BaseCommand):
    help = "Print one person's enquiries as JSON (access requests)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--email", required=True, metavar="ADDRESS", help="Their email address (any case)."
        )

    def handle(self, *, email, **options):
        email = email.strip()
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email!r} is not an email address.") from error

        queryset = Enquiry.objects.for_email(email).order_by("created_at", "pk")
        count = 0
        contact = json.dumps(contact_data(email), ensure_ascii=False)
        self.stdout.write(f'{{"contact": {contact},\n"enquiries": [', ending="")
        for enquiry in queryset.iterator(chunk_size=200):
            separator = "," if count else ""
            data = json.dumps(personal_data(enquiry), ensure_ascii=False, indent=2)
            self.stdout.write(f"{separator}\n{data}", ending="")
            count += 1
        self.stdout.write("\n]}" if count else "]}")
        self.stderr.write(f"Exported {count} enquir{'y' if count == 1 else 'ies'} for {email}.")
