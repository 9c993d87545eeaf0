"""
Which webhooks hear of what happens to an enquiry: a delivery is logged for
each active webhook subscribed to the event, and queued once the transaction
commits (services/webhook_delivery.py sends it). The write paths call these:
recording an enquiry (services/enquiries.py), the admin's save and actions.

Spam is never sent: it is left out here, and a delivery queued before its
enquiry was marked spam is skipped when its turn comes.
"""

import uuid

from consultancy.batches import delete_in_batches
from services.models import (
    DeliveryStatus,
    Enquiry,
    EnquiryStatus,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
)
from services.webhook_delivery import queue_delivery


def new_message_id():
    # No "." in it: the signature joins id, timestamp and body with dots.
    return f"msg_{uuid.uuid4().hex}"


def genuine(enquiry_ids):
    """Neither spam nor held for review: the enquiries webhooks may hear of."""
    return list(Enquiry.objects.filter(pk__in=enquiry_ids).genuine().values_list("pk", flat=True))


def _queue(pairs, site_url):
    """Log a pending delivery for each (webhook, enquiry id, event) and queue it."""
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(webhook=webhook, enquiry_id=pk, event=event, message_id=new_message_id())
        for webhook, pk, event in pairs
    )
    for delivery in deliveries:
        queue_delivery(delivery.pk, attempt=1, site_url=site_url)
    return deliveries


def queue_event(enquiry_ids, event, site_url=""):
    """`event` for each genuine enquiry, to every active webhook that receives it."""
    webhooks = Webhook.objects.subscribed_to(event)
    if not webhooks or not enquiry_ids:
        return []
    ids = genuine(enquiry_ids)
    return _queue([(webhook, pk, event) for webhook in webhooks for pk in ids], site_url)


def queue_restored(enquiry_ids, site_url=""):
    """
    Enquiries taken back out of spam: a webhook that never received one is
    sent `enquiry.created` (to the receiver it is new), one that did is sent
    `enquiry.status_changed`.
    """
    ids = genuine(enquiry_ids)
    webhooks = list(Webhook.objects.active()) if ids else []
    if not webhooks:
        return []
    received = set(
        WebhookDelivery.objects.filter(enquiry_id__in=ids, event=WebhookEvent.CREATED)
        .exclude(status=DeliveryStatus.SKIPPED)
        .values_list("webhook_id", "enquiry_id")
    )
    pairs = []
    for webhook in webhooks:
        for pk in ids:
            known = (webhook.pk, pk) in received
            event = WebhookEvent.STATUS_CHANGED if known else WebhookEvent.CREATED
            if event in webhook.events:
                pairs.append((webhook, pk, event))
    return _queue(pairs, site_url)


def queue_changes(enquiry, changed_fields, previous_status, site_url=""):
    """What an edit of one enquiry (the admin's form) tells the webhooks."""
    unheard = (EnquiryStatus.SPAM, EnquiryStatus.HELD)
    if previous_status in unheard and enquiry.status not in unheard:
        return queue_restored([enquiry.pk], site_url)
    deliveries = []
    if "assignee" in changed_fields:
        deliveries += queue_event([enquiry.pk], WebhookEvent.ASSIGNED, site_url)
    if "status" in changed_fields:
        deliveries += queue_event([enquiry.pk], WebhookEvent.STATUS_CHANGED, site_url)
    return deliveries


def redeliver(deliveries, site_url=""):
    """
    Queue the next attempt of each undelivered delivery among `deliveries`
    (failed, or still pending because the queue was down); returns how many.
    One still waiting in the queue is harmless: each attempt number is claimed
    once, so only one of the two posts.
    """
    undelivered = dict(
        deliveries.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]).values_list(
            "pk", "attempts"
        )
    )
    for pk, attempts in undelivered.items():
        queue_delivery(pk, attempt=attempts + 1, site_url=site_url)
    return len(undelivered)


def purge_deliveries(before):
    """Delete the log of deliveries queued before `before`; returns how many."""
    return delete_in_batches(WebhookDelivery.objects.created_before(before))
