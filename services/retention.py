"""
Retention and access requests: deleting enquiries past the retention period
(purge_enquiries) and everything held about one person (export_enquiries).
"""

from services.models import Enquiry, EnquiryStatus
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
]


def personal_data(enquiry):
    """Everything one enquiry holds about the person who sent it, for an access request."""
    data = {"id": enquiry.pk}
    for name in PERSONAL_FIELDS:
        value = getattr(enquiry, name)
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


def purge(before, *, spam_only=False, batch_size=500, dry_run=False):
    """Delete enquiries received before `before`, in batches; returns how many."""
    queryset = Enquiry.objects.received_before(before)
    if spam_only:
        queryset = queryset.filter(status=EnquiryStatus.SPAM)
    if dry_run:
        return queryset.count()
    deleted = 0
    while batch := list(queryset.order_by("pk").values_list("pk", flat=True)[:batch_size]):
        Enquiry.objects.filter(pk__in=batch).delete()
        deleted += len(batch)
    return deleted
