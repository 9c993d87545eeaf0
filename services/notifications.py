"""
The email to sales about an enquiry (and the visitor's optional receipt):
building it, and sending it exactly once per attempt. Queuing and retries are
services/tasks.py.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from services.models import Enquiry, NotificationStatus
from services.models.enquiry import ERROR_MAX_LENGTH
from services.qualification import qualification
from services.text import is_plain_address, one_line

logger = logging.getLogger(__name__)

SUBJECT_MAX_LENGTH = 150


class NotificationFailed(Exception):
    """The email to sales could not be sent; the enquiry records why."""


def absolute(site_url, path):
    return f"{site_url.rstrip('/')}{path}" if path.startswith("/") else path


def notification_subject(enquiry):
    about = enquiry.topic_title or "general enquiry"
    subject = f"[{settings.SITE_NAME}] Enquiry from {enquiry.name} ({about})"
    return one_line(subject)[:SUBJECT_MAX_LENGTH]


def reply_address(enquiry):
    """
    The Reply-To address: the visitor's validated address alone, or "" for
    none. Their name never goes into an address header: Django and the email
    package parse the header again, and decode an encoded word in a name
    ("=?utf-8?q?…?=") into another address or a line break. An address stored
    before the form refused such text gets no Reply-To (the message shows it).
    """
    return enquiry.email if is_plain_address(enquiry.email) else ""


def recipients(enquiry):
    """
    A routed enquiry goes to its assignee alone (services/routing.py); any
    other to ENQUIRY_NOTIFY_EMAILS, as does one whose assignee has no usable address.
    """
    assignee = enquiry.assignee
    if assignee is not None and assignee.email and is_plain_address(assignee.email):
        return [assignee.email]
    return list(settings.ENQUIRY_NOTIFY_EMAILS)


def build_notification(enquiry, site_url=""):
    """The plain-text email to sales: HTML in a message arrives as inert text."""
    site_url = site_url or settings.ENQUIRY_SITE_URL
    reply_to = reply_address(enquiry)
    admin_path = reverse("admin:services_enquiry_change", args=[enquiry.pk])
    topic = enquiry.topic
    context = {
        "enquiry": enquiry,
        "site_name": settings.SITE_NAME,
        "received": timezone.localtime(enquiry.created_at),
        "topic_url": absolute(site_url, topic.get_absolute_url()) if topic else "",
        "page_url": absolute(site_url, enquiry.page_url) if enquiry.page_url else "",
        "landing_page": (absolute(site_url, enquiry.landing_page) if enquiry.landing_page else ""),
        "admin_url": absolute(site_url, admin_path),
        "to": recipients(enquiry),
        **qualification(enquiry),
    }
    return EmailMessage(
        subject=notification_subject(enquiry),
        body=render_to_string("services/email/enquiry_notification.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=context["to"],
        reply_to=[reply_to] if reply_to else [],
    )


def build_acknowledgement(enquiry):
    """The short receipt to the visitor (ENQUIRY_SEND_ACKNOWLEDGEMENT)."""
    context = {
        "enquiry": enquiry,
        "site_name": settings.SITE_NAME,
        "reply_promise": settings.ENQUIRY_REPLY_PROMISE,
    }
    return EmailMessage(
        subject=one_line(f"We have your enquiry – {settings.SITE_NAME}"),
        body=render_to_string("services/email/enquiry_acknowledgement.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[enquiry.email],
        reply_to=list(settings.ENQUIRY_NOTIFY_EMAILS[:1]),
    )


def describe_error(error):
    return f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]


def send_notification(enquiry_id, attempt=1, site_url=""):
    """
    Email sales about one enquiry: attempt number `attempt`. Returns False when
    there is nothing to do (deleted, spam, already sent, or another attempt got
    there first), True once sent; raises NotificationFailed after recording the
    error on the enquiry.
    """
    # Claiming the attempt number in one UPDATE makes a retry, a resend and a
    # duplicate task safe to run at the same time: only one of them sends.
    claimed = (
        Enquiry.objects.filter(
            pk=enquiry_id,
            notification_attempts=attempt - 1,
            notification_status__in=[NotificationStatus.PENDING, NotificationStatus.FAILED],
        )
        .genuine()
        .update(notification_attempts=attempt)
    )
    if not claimed:
        return False
    enquiry = Enquiry.objects.for_changelist().get(pk=enquiry_id)
    try:
        if not recipients(enquiry):
            raise NotificationFailed("ENQUIRY_NOTIFY_EMAILS is empty: nobody to notify.")
        build_notification(enquiry, site_url).send()
    except Exception as error:
        Enquiry.objects.filter(pk=enquiry_id).update(
            notification_status=NotificationStatus.FAILED,
            notification_last_error=describe_error(error),
        )
        raise NotificationFailed(describe_error(error)) from error

    first_time = enquiry.notified_at is None
    Enquiry.objects.filter(pk=enquiry_id).update(
        notification_status=NotificationStatus.SENT,
        notification_last_error="",
        notified_at=timezone.now(),
    )
    if first_time and settings.ENQUIRY_SEND_ACKNOWLEDGEMENT and is_plain_address(enquiry.email):
        try:
            build_acknowledgement(enquiry).send()
        except Exception:
            # Sales have it, which is what matters; the visitor saw the thank-you page.
            logger.exception("Acknowledgement for enquiry %s not sent", enquiry_id)
    return True
