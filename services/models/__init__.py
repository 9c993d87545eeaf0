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
from services.models.routing import RoutingRule, SalesAvailability
from services.models.webhook import (
    DeliveryStatus,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
    WebhookFormat,
)

__all__ = [
    "Contact",
    "DailySummary",
    "DeliveryStatus",
    "Enquiry",
    "EnquiryQuerySet",
    "EnquiryStatus",
    "NotificationStatus",
    "RoutingRule",
    "SalesAvailability",
    "Service",
    "ServiceQuerySet",
    "ServiceTechnology",
    "SpamReason",
    "Technology",
    "TechnologyQuerySet",
    "TopicKind",
    "Webhook",
    "WebhookDelivery",
    "WebhookEvent",
    "WebhookFormat",
    "normalise_email",
]
