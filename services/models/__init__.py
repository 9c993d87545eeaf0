"""Services and technologies (content) and the enquiries visitors send."""

from services.models.contact import Contact, DailySummary, normalise_email
from services.models.content import (
    Service,
    ServiceQuerySet,
    ServiceTechnology,
    Technology,
    TechnologyQuerySet,
)
from services.models.enquiry import (
    Enquiry,
    EnquiryQuerySet,
    EnquiryStatus,
    NotificationStatus,
    SpamReason,
    TopicKind,
)

__all__ = [
    "Contact",
    "DailySummary",
    "Enquiry",
    "EnquiryQuerySet",
    "EnquiryStatus",
    "NotificationStatus",
    "Service",
    "ServiceQuerySet",
    "ServiceTechnology",
    "SpamReason",
    "Technology",
    "TechnologyQuerySet",
    "TopicKind",
    "normalise_email",
]
