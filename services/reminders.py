"""
The response clock's two emails, each sent once per enquiry: a reminder to
the assignee (ENQUIRY_NOTIFY_EMAILS when unassigned) at 75% of
ENQUIRY_RESPONSE_HOURS, and an escalation to ENQUIRY_ESCALATION_EMAILS at
100%. `manage.py enquiry_reminders` (cron) queues those due; the task claims
the send by stamping the enquiry, so a second run, or a duplicate task,
sends nothing more. A failed send clears the stamp for the next run.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from services import business_hours, response_clock
from services.models import Enquiry
from services.notifications import absolute, notification_subject, recipients, reply_address

logger = logging.getLogger(__name__)

REMINDER = "reminder"
ESCALATION = "escalation"
# Which deadline makes each email due, and which field records it was sent.
KINDS = {
    REMINDER: ("reminder_due_at", "reminder_sent_at"),
    ESCALATION: ("response_due_at", "escalation_sent_at"),
}


def due(kind, now=None):
    """Unanswered genuine enquiries whose `kind` email is due and not sent yet."""
    due_field, sent_field = KINDS[kind]
    return (
        Enquiry.objects.not_spam()
        .awaiting_response()
        .filter(**{f"{due_field}__lte": now or timezone.now(), f"{sent_field}__isnull": True})
    )


def queue_due(now=None, site_url=""):
    """Queue every due reminder and escalation after commit; returns {kind: count}."""
    counts = {}
    for kind in KINDS:
        ids = list(due(kind, now).values_list("pk", flat=True))
        for pk in ids:
            transaction.on_commit(
                lambda pk=pk, kind=kind: send_reminder.enqueue(pk, kind, site_url), robust=True
            )
        counts[kind] = len(ids)
    return counts


def addressees(enquiry, kind):
    if kind == REMINDER:
        return recipients(enquiry)
    return list(settings.ENQUIRY_ESCALATION_EMAILS or settings.ENQUIRY_NOTIFY_EMAILS)


def build_reminder(enquiry, kind, site_url=""):
    """The plain-text reminder or escalation, Reply-To the visitor like the first email."""
    site_url = site_url or settings.ENQUIRY_SITE_URL
    reply_to = reply_address(enquiry)
    waited = response_clock.hours_waited(enquiry)
    context = {
        "enquiry": enquiry,
        "kind": kind,
        "site_name": settings.SITE_NAME,
        "received": timezone.localtime(enquiry.created_at),
        "waited": business_hours.format_hours(waited or 0),
        "target": business_hours.format_hours(settings.ENQUIRY_RESPONSE_HOURS),
        "admin_url": absolute(
            site_url, reverse("admin:services_enquiry_change", args=[enquiry.pk])
        ),
    }
    prefix = "Overdue" if kind == ESCALATION else "Waiting"
    return EmailMessage(
        subject=f"{prefix}: {notification_subject(enquiry)}"[:200],
        body=render_to_string("services/email/enquiry_reminder.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=addressees(enquiry, kind),
        reply_to=[reply_to] if reply_to else [],
    )


def send_once(enquiry_id, kind, site_url=""):
    """Send one enquiry's `kind` email unless it was sent or answered; True once sent."""
    _, sent_field = KINDS[kind]
    claimed = due(kind).filter(pk=enquiry_id).update(**{sent_field: timezone.now()})
    if not claimed:
        return False
    enquiry = Enquiry.objects.for_changelist().get(pk=enquiry_id)
    try:
        message = build_reminder(enquiry, kind, site_url)
        if not message.to:
            raise ValueError(f"Nobody to send the {kind} to: set ENQUIRY_NOTIFY_EMAILS.")
        message.send()
    except Exception:
        Enquiry.objects.filter(pk=enquiry_id).update(**{sent_field: None})
        raise
    return True


@task
def send_reminder(enquiry_id, kind, site_url=""):
    """Only the id travels through the queue, as for the first notification."""
    return send_once(enquiry_id, kind, site_url)
