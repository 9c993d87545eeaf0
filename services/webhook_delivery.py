"""
Sending one webhook delivery, as the Standard Webhooks specification asks
(https://www.standardwebhooks.com): a JSON POST with `webhook-id` (the same on
every attempt), `webhook-timestamp` (this attempt, in whole seconds) and
`webhook-signature` ("v1," and the base64 HMAC-SHA256 of "id.timestamp.body"
keyed with the secret's decoded bytes). Which events are queued is
services/webhooks.py; the receiver's side is in the README ("Webhooks").

Like the email to sales, only the delivery's id goes through the queue, and
the payload is built when it is sent, from the enquiry as it is then: an
enquiry marked spam in the meantime is skipped, a purged one is gone.
"""

import base64
import hashlib
import hmac
import json
import logging
import random
from datetime import UTC, timedelta
from functools import partial

import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from consultancy.people import user_label
from services.models import (
    DeliveryStatus,
    EnquiryStatus,
    Webhook,
    WebhookDelivery,
    WebhookFormat,
)
from services.models.enquiry import ERROR_MAX_LENGTH, UTM_FIELDS
from services.models.webhook import secret_key, validate_webhook_url
from services.notifications import absolute, describe_error
from services.text import one_line

logger = logging.getLogger(__name__)

MAX_RETRY_DELAY = timedelta(hours=6)
# No retries and no redirects inside urllib3: a retry is a new attempt through
# the queue, and a redirect is a failure (the URL should be updated instead).
http = urllib3.PoolManager()


class DeliveryFailed(Exception):
    """The receiver did not answer 2xx; the delivery records why."""

    def __init__(self, message, status_code=None, retry_after=None):
        super().__init__(message)
        self.status_code = status_code
        self.retry_after = retry_after


def timestamp(moment):
    """An ISO 8601 time in UTC, as the specification's examples write it."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def person(user):
    if user is None:
        return None
    return {"name": user_label(user), "email": user.email}


def enquiry_data(enquiry, site_url):
    """What a CRM needs about an enquiry, and nothing else (no IP hash, user agent or notes)."""
    topic = enquiry.topic
    return {
        "id": enquiry.pk,
        "created_at": timestamp(enquiry.created_at),
        "status": enquiry.status,
        "assignee": person(enquiry.assignee),
        "contact": {"name": enquiry.name, "email": enquiry.email, "company": enquiry.company},
        "message": enquiry.message,
        "topic": {
            "kind": enquiry.topic_kind,
            "title": enquiry.topic_title,
            "url": absolute(site_url, topic.get_absolute_url()) if topic else "",
        },
        "source": {
            "page_url": absolute(site_url, enquiry.page_url),
            "referrer": enquiry.referrer,
            "landing_page": absolute(site_url, enquiry.landing_page),
        },
        "utm": {name.removeprefix("utm_"): getattr(enquiry, name) for name in UTM_FIELDS},
        "consent": {"text": enquiry.consent_text, "given_at": timestamp(enquiry.consent_given_at)},
    }


def slack_escape(text):
    # Slack reads <…> as links and mentions (<!channel>): a visitor's name must not.
    return one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_text(delivery, site_url):
    """A line for a channel, with a link to the enquiry in the admin; never the message."""
    enquiry = delivery.enquiry
    who = slack_escape(enquiry.name)
    about = slack_escape(enquiry.topic_title or "general enquiry")
    link = absolute(site_url, reverse("admin:services_enquiry_change", args=[enquiry.pk]))
    if delivery.event == "enquiry.created":
        what = f"New enquiry from {who} ({about})"
    elif delivery.event == "enquiry.assigned":
        assignee = person(enquiry.assignee)
        what = f"Enquiry from {who} ({about}) assigned to " + (
            slack_escape(assignee["name"]) if assignee else "nobody"
        )
    else:
        what = f"Enquiry from {who} ({about}) is now {enquiry.get_status_display()}"
    return f"{what}: <{link}|open it in the admin>"


def payload(delivery, site_url):
    if delivery.webhook.format == WebhookFormat.SLACK:
        return {"text": slack_text(delivery, site_url)}
    return {
        "type": delivery.event,
        "timestamp": timestamp(delivery.created_at),
        "data": enquiry_data(delivery.enquiry, site_url),
    }


def sign(secret, message_id, sent_at, body):
    """The webhook-signature header for `body` (bytes) sent at `sent_at` (integer seconds)."""
    signed = f"{message_id}.{sent_at}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def request_for(delivery, site_url):
    """The body and headers of one attempt (a new timestamp and signature each time)."""
    body = json.dumps(
        payload(delivery, site_url), ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    sent_at = int(timezone.now().timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"{settings.SITE_NAME} webhooks",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(sent_at),
        "webhook-signature": sign(delivery.webhook.secret, delivery.message_id, sent_at, body),
    }
    return body, headers


def retry_after(response):
    try:
        return max(int(response.headers.get("Retry-After", "")), 0)
    except ValueError:
        return None  # absent, or an HTTP date: the usual backoff applies


def post(url, body, headers):
    """POST once, without following redirects; returns the status code, raises DeliveryFailed."""
    # Checked again at send time: a URL stored some other way than the admin
    # form (the shell, a restored backup) must not be posted to either.
    try:
        validate_webhook_url(url)
    except ValidationError as error:
        raise DeliveryFailed(" ".join(error.messages)) from None
    timeout = urllib3.Timeout(
        connect=settings.WEBHOOK_CONNECT_TIMEOUT_SECONDS, read=settings.WEBHOOK_READ_TIMEOUT_SECONDS
    )
    try:
        response = http.request(
            "POST",
            url,
            body=body,
            headers=headers,
            timeout=timeout,
            retries=False,
            redirect=False,
            preload_content=False,
        )
    except urllib3.exceptions.HTTPError as error:
        raise DeliveryFailed(describe_error(error)) from error
    # The receiver's answer is not read: only its status matters.
    response.release_conn()
    if not 200 <= response.status < 300:
        raise DeliveryFailed(
            f"HTTP {response.status} {response.reason or ''}".strip(),
            status_code=response.status,
            retry_after=retry_after(response),
        )
    return response.status


def retry_delay(attempt, at_least=0):
    """
    How long to wait after failed attempt `attempt`: WEBHOOK_RETRY_SECONDS, then
    five times longer each time, at most 6 hours, and never less than what the
    receiver's Retry-After asked; plus up to 10% jitter, so that deliveries
    that failed together do not all come back at the same second.
    """
    base = settings.WEBHOOK_RETRY_SECONDS * 5 ** (attempt - 1)
    seconds = min(max(base, at_least), MAX_RETRY_DELAY.total_seconds())
    return timedelta(seconds=seconds * (1 + random.random() / 10))


def skip_reason(delivery):
    if delivery.enquiry.status == EnquiryStatus.SPAM:
        return "Not sent: the enquiry is spam."
    if delivery.enquiry.status == EnquiryStatus.HELD:
        return "Not sent: the enquiry is held for review."
    if not delivery.webhook.is_active:
        return "Not sent: the webhook is switched off."
    if delivery.event not in delivery.webhook.events:
        return "Not sent: the webhook no longer receives this event."
    return ""


def deliver(delivery_id, attempt=1, site_url=""):
    """
    Attempt number `attempt` of one delivery. Returns False when there is
    nothing to do (gone, done, skipped, or another attempt got there first),
    True once delivered; raises DeliveryFailed after recording the failure.
    """
    # Claiming the attempt number in one UPDATE makes a retry and a duplicate
    # task safe to run at the same time: only one of them posts.
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id,
        attempts=attempt - 1,
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED],
    ).update(attempts=attempt, next_attempt_at=None)
    if not claimed:
        return False
    delivery = WebhookDelivery.objects.select_related(
        "webhook", "enquiry__term", "enquiry__service", "enquiry__technology", "enquiry__assignee"
    ).get(pk=delivery_id)
    log = WebhookDelivery.objects.filter(pk=delivery_id)
    if reason := skip_reason(delivery):
        log.update(status=DeliveryStatus.SKIPPED, last_error=reason)
        return False
    site_url = site_url or settings.ENQUIRY_SITE_URL
    try:
        status_code = post(delivery.webhook.url, *request_for(delivery, site_url))
    except DeliveryFailed as error:
        log.update(
            status=DeliveryStatus.FAILED,
            last_status_code=error.status_code,
            last_error=str(error)[:ERROR_MAX_LENGTH],
        )
        if error.status_code == 410:
            # 410 Gone: the receiver asks to be sent nothing more (the specification).
            Webhook.objects.filter(pk=delivery.webhook_id).update(is_active=False)
            logger.warning("Webhook %s answered 410 Gone: switched off", delivery.webhook_id)
        raise
    log.update(
        status=DeliveryStatus.DELIVERED,
        last_status_code=status_code,
        last_error="",
        delivered_at=timezone.now(),
    )
    return True


@task
def deliver_webhook(delivery_id, attempt=1, site_url=""):
    """
    Send one webhook delivery. On failure, where the backend can defer tasks,
    the next attempt is queued with a growing delay (none after 410 Gone) and
    the task still fails, so the queue shows it; with the immediate backend a
    failure stays in the log, for "Send failed deliveries again".
    """
    try:
        return deliver(delivery_id, attempt=attempt, site_url=site_url)
    except DeliveryFailed as error:
        backend = deliver_webhook.get_backend()
        if (
            attempt < settings.WEBHOOK_MAX_ATTEMPTS
            and backend.supports_defer
            and error.status_code != 410
        ):
            run_after = timezone.now() + retry_delay(attempt, error.retry_after or 0)
            WebhookDelivery.objects.filter(pk=delivery_id).update(next_attempt_at=run_after)
            queue_delivery(delivery_id, attempt + 1, site_url, run_after=run_after)
        raise


def queue_delivery(delivery_id, attempt, site_url="", run_after=None):
    """
    Queue an attempt once the current transaction commits. A queue that is
    down is logged, never raised: the delivery stays in the log as it was.
    """
    queued = deliver_webhook.using(run_after=run_after) if run_after else deliver_webhook
    transaction.on_commit(
        partial(queued.enqueue, delivery_id, attempt=attempt, site_url=site_url), robust=True
    )
