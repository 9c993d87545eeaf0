"""Enquiries as CSV for sales: every column a spreadsheet shows as text."""

import csv

from django.utils import timezone

from services.models.enquiry import UTM_FIELDS
from services.text import reveal_hidden

CSV_COLUMNS = [
    ("id", "pk"),
    ("received", "created_at"),
    ("status", "status"),
    ("name", "name"),
    ("email", "email"),
    ("company", "company"),
    ("message", "message"),
    ("topic type", "topic_kind"),
    ("topic", "topic_title"),
    ("source page", "page_url"),
    ("referrer", "referrer"),
    ("landing page", "landing_page"),
    *((name.replace("_", " "), name) for name in UTM_FIELDS),
    ("assignee", "assignee"),
    ("notes", "notes"),
    ("notification", "notification_status"),
]
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """
    A value as a CSV cell that a spreadsheet shows as text, never runs as a
    formula, and in which no hidden character (a bidirectional override…)
    reorders or hides what it shows: each is spelled out, e.g. "[U+202E]".
    """
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return timezone.localtime(value).isoformat(timespec="seconds")
    text = reveal_hidden(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def write_csv(queryset, out):
    writer = csv.writer(out)
    writer.writerow([heading for heading, _ in CSV_COLUMNS])
    for enquiry in queryset.for_changelist().iterator(chunk_size=500):
        writer.writerow([csv_cell(getattr(enquiry, attribute)) for _, attribute in CSV_COLUMNS])
