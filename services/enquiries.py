"""
Recording enquiries and the follow-up actions staff take in the admin.

Rule of the house: an enquiry is saved before anything else can fail, and
nothing after that (mail, task queue, rate limits) may lose it. Only its id is
queued, after the transaction commits (services/tasks.py).
"""

import logging
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from services import contacts, response_clock, routing, webhooks
from services.models import Enquiry, EnquiryStatus, NotificationStatus, SpamReason, WebhookEvent
from services.models.enquiry import UTM_FIELDS, response_deadlines
from services.spam import HOLD_REASONS, spam_reason
from services.tasks import queue_notification
from services.text import is_site_path

logger = logging.getLogger(__name__)


def split_source(source, host):
    """
    The form's `source` is the page that linked to it: a page of ours is the
    enquiry's source page (path only); another site is its referrer. A path
    that a browser would take to another host ("//evil.example/",
    "/\\evil.example/") is neither: the report links source pages.
    """
    try:
        parts = urlsplit(source)
    except ValueError:  # "http://[x": not a URL at all.
        return "", ""
    if parts.scheme not in {"", "http", "https"}:
        return "", ""
    if parts.netloc and parts.netloc != host:
        return "", source
    if is_site_path(parts.path):
        return parts.path, ""
    return "", ""


def record_enquiry(data, submission):
    """
    Store a valid form's enquiry (as spam when it looks like spam, held for
    review when merely suspicious), linked to its Contact, and, for a genuine
    one, queue the email to sales once the transaction commits. Counts the
    email address against its rate limit first. Returns the enquiry (the first
    copy, for a double submit), or None for a flood over the rate limit that
    is not worth keeping.
    """
    submission.count_email(data["email"])
    if submission.rate_limited and not submission.worth_keeping:
        logger.warning("Enquiry dropped: far over the rate limit (ip %s)", submission.ip_hash[:12])
        return None
    reason = spam_reason(data, submission)

    touch = submission.first_touch
    page_url, referrer = split_source(data["source"], submission.host)
    topic = data["topic"]
    if not page_url and topic is not None:
        page_url = topic.get_absolute_url()
    enquiry = Enquiry(
        name=data["name"],
        email=data["email"],
        company=data["company"],
        message=data["message"],
        page_url=page_url,
        referrer=touch.get("referrer") or referrer,
        landing_page=touch.get("landing_page", ""),
        user_agent=submission.user_agent,
        ip_hash=submission.ip_hash,
        consent_text=data["consent_text"],
        consent_given_at=timezone.now(),
        **{name: touch.get(name, "") for name in UTM_FIELDS},
    )
    enquiry.topic = topic
    # Contacts: what the visitor read and how they qualify themselves.
    enquiry.journey = data.get("journey") or []
    enquiry.budget = data.get("budget", "")
    enquiry.timeline = data.get("timeline", "")
    if reason:
        enquiry.status = EnquiryStatus.HELD if reason in HOLD_REASONS else EnquiryStatus.SPAM
        enquiry.spam_reason = reason
        enquiry.notification_status = NotificationStatus.NOT_NEEDED
    with transaction.atomic():
        enquiry.contact = contacts.contact_for(enquiry.email)
        first = contacts.find_double_submit(enquiry.contact, enquiry.message)
        if first is not None:
            # A double submit: the first copy stands. Sent again without doubt
            # about it, a held first copy is released (and notified) now.
            if first.status == EnquiryStatus.HELD and not reason:
                release_held(Enquiry.objects.filter(pk=first.pk), submission.site_url)
            logger.info("Enquiry merged into %s: sent twice", first.pk)
            return first
        if not reason:
            # Spam is never routed: it would take a team member's turn.
            enquiry.assignee = routing.assignee_for(topic)
        enquiry.save()
        if not reason:
            queue_notification(enquiry.pk, attempt=1, site_url=submission.site_url)
            webhooks.queue_event([enquiry.pk], WebhookEvent.CREATED, site_url=submission.site_url)
    if reason:
        logger.info("Enquiry %s stored as %s: %s", enquiry.pk, enquiry.status, reason)
    return enquiry


def mark_contacted(queryset, site_url=""):
    with transaction.atomic():
        pks = list(queryset.filter(status=EnquiryStatus.NEW).values_list("pk", flat=True))
        new = Enquiry.objects.filter(pk__in=pks, status=EnquiryStatus.NEW)
        response_clock.record_first_response(new)
        count = new.update(status=EnquiryStatus.CONTACTED)
        webhooks.queue_event(pks, WebhookEvent.STATUS_CHANGED, site_url=site_url)
    return count


def mark_spam(queryset):
    """Quarantine: no notification will be sent for these any more."""
    with transaction.atomic():
        queryset = queryset.not_spam()
        queryset.exclude(notification_status=NotificationStatus.SENT).update(
            notification_status=NotificationStatus.NOT_NEEDED
        )
        return queryset.update(status=EnquiryStatus.SPAM, spam_reason=SpamReason.STAFF)


def _notify_again(attempts_by_pk, site_url):
    """Queue the next attempt of each enquiry's notification ({pk: attempts so far})."""
    Enquiry.objects.filter(pk__in=attempts_by_pk).update(
        notification_status=NotificationStatus.PENDING
    )
    for pk, attempts in attempts_by_pk.items():
        queue_notification(pk, attempt=attempts + 1, site_url=site_url)


def _back_to_new(queryset, status, site_url, **changes):
    """Enquiries of `status` back to new; sales are notified of those they never heard about."""
    with transaction.atomic():
        chosen = queryset.filter(status=status)
        unsent = dict(
            chosen.filter(notified_at__isnull=True).values_list("pk", "notification_attempts")
        )
        restored = list(chosen.values_list("pk", flat=True))
        count = chosen.update(status=EnquiryStatus.NEW, spam_reason="", **changes)
        # Never routed while held or spam: routed now, before sales are told.
        for enquiry in Enquiry.objects.filter(pk__in=restored, assignee__isnull=True):
            if (assignee := routing.assignee_for(enquiry.topic)) is not None:
                Enquiry.objects.filter(pk=enquiry.pk).update(assignee=assignee)
        _notify_again(unsent, site_url)
        webhooks.queue_restored(restored, site_url=site_url)
    return count


def mark_not_spam(queryset, site_url=""):
    """Back to new; sales are notified of those they never heard about."""
    return _back_to_new(queryset, EnquiryStatus.SPAM, site_url)


def release_held(queryset, site_url=""):
    """Held for review, now judged genuine: back to new, and sales are notified as usual.

    The response clock starts again from now (its deadlines, the time waited
    and the time to first response): while held, nobody in sales was told of
    the enquiry, so a long hold must not make it overdue at once, nor count
    against sales in the Pipeline report.
    """
    now = timezone.now()
    restart_clock = {"clock_started_at": now, **response_deadlines(now)}
    return _back_to_new(queryset, EnquiryStatus.HELD, site_url, **restart_clock)


def resend_notifications(queryset, site_url=""):
    """Send the email to sales again for each genuine enquiry; returns how many."""
    with transaction.atomic():
        genuine = dict(queryset.genuine().values_list("pk", "notification_attempts"))
        _notify_again(genuine, site_url)
    return len(genuine)


def undelivered(stale_after):
    """Genuine enquiries whose email failed, or is still pending after `stale_after`."""
    pending_since = timezone.now() - stale_after
    return (
        Enquiry.objects.genuine()
        .filter(notification_status__in=[NotificationStatus.PENDING, NotificationStatus.FAILED])
        .exclude(notification_status=NotificationStatus.PENDING, created_at__gt=pending_since)
    )
