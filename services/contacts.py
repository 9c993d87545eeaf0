"""
Returning contacts: the Contact an enquiry belongs to, double submits, and a
person's other enquiries. Recording itself is services/enquiries.py.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from services.models import Contact, Enquiry, normalise_email


def normalise_message(message):
    """The message as double submits are compared: whitespace runs count as one space."""
    return " ".join(str(message).split())


def contact_for(email):
    """
    The Contact for this address, created if new, locked for the rest of the
    transaction: two copies of one form sent at the same moment then queue up
    here, and the second finds the first (find_double_submit).
    """
    address = normalise_email(email)
    # get_or_create() survives a concurrent insert of the same address (it
    # retries the get inside a savepoint), which the unique constraint refuses.
    Contact.objects.get_or_create(email=address)
    return Contact.objects.select_for_update().get(email=address)


def find_double_submit(contact, message, now=None):
    """
    The enquiry that this message repeats, if the same person sent the same
    text (ignoring whitespace) in the last ENQUIRY_DUPLICATE_MINUTES; or None.
    """
    now = now or timezone.now()
    since = now - timedelta(minutes=settings.ENQUIRY_DUPLICATE_MINUTES)
    text = normalise_message(message)
    recent = contact.enquiries.filter(created_at__gte=since).order_by("created_at", "pk")
    return next((e for e in recent if normalise_message(e.message) == text), None)


def earlier_enquiries(enquiry):
    """The same person's enquiries received before this one, newest first, in one query."""
    if enquiry.contact_id is None:
        return Enquiry.objects.none()
    return (
        Enquiry.objects.filter(contact_id=enquiry.contact_id, created_at__lte=enquiry.created_at)
        .exclude(pk=enquiry.pk)
        .only("pk", "created_at", "topic_title", "status")
        .order_by("-created_at", "-pk")
    )


def delete_orphans():
    """Delete contacts left with no enquiry (after a purge); returns how many."""
    deleted, _ = Contact.objects.filter(enquiries__isnull=True).delete()
    return deleted
