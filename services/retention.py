"""
Retention and access requests: deleting enquiries past the retention period
(purge_enquiries) and everything held about one person (export_enquiries).
"""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Concat

from consultancy.batches import delete_in_batches
from services import contacts
from services.models import Contact, Enquiry, EnquiryStatus, normalise_email
from services.models.enquiry import UTM_FIELDS

PERSONAL_FIELDS = [
    "name",
    "email",
    "company",
    "message",
    "topic_kind",
    "topic_title",
    "page_url",
    "referrer",
    "landing_page",
    *UTM_FIELDS,
    "user_agent",
    "ip_hash",
    "consent_text",
    "consent_given_at",
    "status",
    "notes",
    "created_at",
    # Contacts: what they read and how they qualified the enquiry.
    "journey",
    "budget",
    "timeline",
]


def personal_data(enquiry):
    """Everything one enquiry holds about the person who sent it, for an access request."""
    data = {"id": enquiry.pk}
    for name in PERSONAL_FIELDS:
        value = getattr(enquiry, name)
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


def contact_data(email):
    """The Contact held for this address, for an access request, or None."""
    contact = Contact.objects.filter(email=normalise_email(email)).first()
    if contact is None:
        return None
    return {"id": contact.pk, "email": contact.email, "created_at": contact.created_at.isoformat()}


def erase_person(email):
    """
    Delete everything held about one person (an erasure request): their
    enquiries, linked or matched by address in any case, and their Contact.
    Returns how many enquiries were deleted.
    """
    with transaction.atomic():
        linked = Enquiry.objects.filter(contact__email=normalise_email(email))
        theirs = Enquiry.objects.for_email(email) | linked
        pks = list(theirs.values_list("pk", flat=True))
        _, per_model = theirs.delete()
        Contact.objects.filter(email=normalise_email(email)).delete()
        forget_in_admin_log(pks)
    return per_model.get(Enquiry._meta.label, 0)


def forget_in_admin_log(pks):
    """
    The admin's log names each enquiry it changed or deleted by its str(),
    which is the person's name. Once the enquiries `pks` are deleted, their
    entries still say who did what and when, but call it "Enquiry #<id>".
    """
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Enquiry),
        object_id__in=[str(pk) for pk in pks],
    ).update(object_repr=Concat(Value("Enquiry #"), F("object_id"), output_field=CharField()))


def purge(before, *, spam_only=False, batch_size=500, dry_run=False):
    """
    Delete enquiries received before `before`, in batches; returns how many.
    A contact left with no enquiry goes too: nothing is kept about a person
    once their last enquiry has gone.
    """
    queryset = Enquiry.objects.received_before(before)
    if spam_only:
        queryset = queryset.filter(status=EnquiryStatus.SPAM)
    if dry_run:
        return queryset.count()
    deleted = delete_in_batches(queryset, batch_size, then=forget_in_admin_log)
    contacts.delete_orphans()
    return deleted
