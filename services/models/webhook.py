"""
Webhooks: where the site tells another system (a CRM, a Slack channel) about
an enquiry, and the log of each delivery.

Nothing here sends anything: services/webhooks.py decides which events are
queued and services/webhook_delivery.py signs and sends them.
"""

import base64
import binascii
import ipaddress
import secrets
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from services.models.enquiry import ERROR_MAX_LENGTH, URL_MAX_LENGTH

SECRET_PREFIX = "whsec_"
# The Standard Webhooks specification: at least 24 random bytes, 64 at most.
SECRET_MIN_BYTES = 24
SECRET_MAX_BYTES = 64
SECRET_BYTES = 32
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class WebhookEvent(models.TextChoices):
    CREATED = "enquiry.created", "An enquiry was received (enquiry.created)"
    ASSIGNED = "enquiry.assigned", "An enquiry's assignee changed (enquiry.assigned)"
    STATUS_CHANGED = (
        "enquiry.status_changed",
        "An enquiry's status changed (enquiry.status_changed)",
    )


class WebhookFormat(models.TextChoices):
    STANDARD = "standard", "Standard Webhooks (the full JSON payload, for a CRM)"
    SLACK = "slack", "Slack (a short message with a link to the enquiry)"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"
    # Not sent, on purpose: the enquiry became spam, or the webhook was
    # switched off or unsubscribed from the event, before its turn came.
    SKIPPED = "skipped", "Skipped"


def generate_secret():
    """A new signing secret: "whsec_" and the base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def secret_key(secret):
    """The HMAC key a secret stands for: the bytes base64-encoded after "whsec_"."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)


def validate_secret(value):
    if not value.startswith(SECRET_PREFIX):
        raise ValidationError('A secret starts with "whsec_".', code="secret_prefix")
    try:
        key = secret_key(value)
    except (binascii.Error, ValueError):
        raise ValidationError(
            'After "whsec_" a secret is base64 (A–Z, a–z, 0–9, +, / and = padding).',
            code="secret_base64",
        ) from None
    if not SECRET_MIN_BYTES <= len(key) <= SECRET_MAX_BYTES:
        raise ValidationError(
            f"A secret holds {SECRET_MIN_BYTES} to {SECRET_MAX_BYTES} random bytes "
            f"(this one has {len(key)}). Leave it blank to have one generated.",
            code="secret_length",
        )


def validate_webhook_url(value):
    """
    HTTPS only: the payload is personal data. Plain http is allowed for
    localhost alone, and only where WEBHOOK_ALLOW_LOCAL_HTTP is on (debugging
    and tests). An address on this machine or a private network is refused,
    written as an IP address or as a name that resolves to one, so that the
    site cannot be made to post into its own network (README, "Webhooks").
    The check runs again as each delivery is sent.
    """
    try:
        parts = urlsplit(value)
        host = (parts.hostname or "").lower()
    except ValueError:
        raise ValidationError(
            "Enter a full URL, such as https://crm.example.com/hooks/", code="url"
        ) from None
    local = host in LOCAL_HOSTS
    if local and settings.WEBHOOK_ALLOW_LOCAL_HTTP and parts.scheme in {"http", "https"}:
        return
    if parts.scheme != "https" or not host:
        raise ValidationError(
            "A webhook URL must start with https:// (plain http is allowed only for "
            "localhost while debugging).",
            code="https_only",
        )
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if local or (address is not None and not address.is_global):
        raise ValidationError(
            "A webhook cannot post to this machine or a private network.", code="private_host"
        )
    if address is None and (private := private_address_of(host)) is not None:
        raise ValidationError(
            f"{host} resolves to {private}, on this machine or a private network: "
            "a webhook cannot post there.",
            code="private_host",
        )


def private_address_of(host):
    """
    The first address of this machine or a private network that the name
    `host` resolves to; None when every address is public, or when the name
    does not resolve (sending then fails and says so).
    """
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None
    for *_, socket_address in found:
        # An IPv6 address may carry its interface ("fe80::1%eth0").
        address = ipaddress.ip_address(socket_address[0].split("%")[0])
        if not address.is_global:
            return address
    return None


def validate_events(value):
    if not isinstance(value, list) or not value:
        raise ValidationError("Choose at least one event.", code="no_events")
    unknown = sorted(set(map(str, value)) - set(WebhookEvent.values))
    if unknown:
        raise ValidationError(f"Unknown events: {', '.join(unknown)}.", code="unknown_events")


class WebhookQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def subscribed_to(self, event):
        """
        The active webhooks that receive `event`. Filtered in Python: JSON
        containment has no lookup on SQLite, and there are only a few webhooks.
        """
        return [webhook for webhook in self.active() if event in webhook.events]


class Webhook(models.Model):
    name = models.CharField(
        max_length=100, help_text="Who receives it, e.g. “CRM” or “#sales on Slack”."
    )
    url = models.CharField(
        "URL",
        max_length=URL_MAX_LENGTH,
        validators=[validate_webhook_url],
        help_text="Where each event is POSTed. https:// only; redirects are not followed.",
    )
    events = models.JSONField(
        default=list,
        validators=[validate_events],
        help_text="The events this receiver is sent. Spam is never sent.",
    )
    secret = models.CharField(
        max_length=100,
        blank=True,
        validators=[validate_secret],
        help_text=(
            "The signing secret the receiver verifies each delivery with (README, "
            "“Webhooks”). Leave blank to have one generated; it cannot be changed afterwards."
        ),
    )
    format = models.CharField(
        max_length=20,
        choices=WebhookFormat,
        default=WebhookFormat.STANDARD,
        help_text="Standard for a CRM or your own receiver; Slack for an incoming-webhook URL.",
    )
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Switched off, it is sent nothing (queued deliveries are skipped).",
    )
    description = models.TextField(
        blank=True, help_text="Notes for staff: what it feeds, who owns it."
    )
    created_at = models.DateTimeField("created", default=timezone.now, editable=False)

    objects = WebhookQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "webhook"
        verbose_name_plural = "webhooks"
        constraints = [
            models.CheckConstraint(
                condition=Q(format__in=WebhookFormat.values), name="services_webhook_format_valid"
            ),
            models.CheckConstraint(
                condition=Q(secret__startswith=SECRET_PREFIX), name="services_webhook_secret_prefix"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.secret:
            self.secret = generate_secret()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("admin:services_webhook_change", args=[self.pk])


class WebhookDeliveryQuerySet(models.QuerySet):
    def for_log(self):
        """With the webhook and the enquiry that the log shows, in one query."""
        return self.select_related("webhook", "enquiry")

    def created_before(self, moment):
        return self.filter(created_at__lt=moment)


class WebhookDelivery(models.Model):
    """One event for one webhook: sent with the same message id on every attempt."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    # Deleted with the enquiry: a purged person leaves no trace in the log.
    enquiry = models.ForeignKey(
        "services.Enquiry", on_delete=models.CASCADE, related_name="webhook_deliveries"
    )
    event = models.CharField(max_length=40, choices=WebhookEvent)
    message_id = models.CharField(
        "message id",
        max_length=40,
        unique=True,
        editable=False,
        help_text="The webhook-id header: the receiver's key for ignoring a repeated delivery.",
    )
    status = models.CharField(
        max_length=20, choices=DeliveryStatus, default=DeliveryStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField("last HTTP status", null=True, blank=True)
    last_error = models.TextField(blank=True, max_length=ERROR_MAX_LENGTH)
    created_at = models.DateTimeField("queued", default=timezone.now, editable=False, db_index=True)
    delivered_at = models.DateTimeField("delivered", null=True, blank=True)
    next_attempt_at = models.DateTimeField("next attempt", null=True, blank=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values),
                name="services_webhookdelivery_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(event__in=WebhookEvent.values),
                name="services_webhookdelivery_event_valid",
            ),
        ]

    def __str__(self):
        return f"{self.event} to {self.webhook} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("admin:services_webhookdelivery_change", args=[self.pk])
