"""
Background tasks (django.tasks) and queuing them. In production they run in
`manage.py db_worker` (django-tasks-db); while debugging and in tests they run
at once, in the request.
"""

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from services import notifications


@task
def notify_sales(enquiry_id, attempt=1, site_url=""):
    """
    Email sales about an enquiry. Only its id travels through the queue, so the
    queue never holds personal data and a purged enquiry is simply skipped.

    On failure the enquiry records the error and, where the backend can defer
    tasks, the next attempt is queued with a growing delay; the task still
    fails, so the queue shows it. Where it cannot (the immediate backend),
    staff resend from the admin or the resend_enquiry_notifications command.
    """
    try:
        return notifications.send_notification(enquiry_id, attempt=attempt, site_url=site_url)
    except notifications.NotificationFailed:
        backend = notify_sales.get_backend()
        if attempt < settings.ENQUIRY_NOTIFY_MAX_ATTEMPTS and backend.supports_defer:
            queue_notification(
                enquiry_id,
                attempt=attempt + 1,
                site_url=site_url,
                run_after=timezone.now() + retry_delay(attempt),
            )
        raise


def queue_notification(enquiry_id, attempt, site_url="", run_after=None):
    """
    Queue the email to sales once the current transaction commits (at once
    outside one). A queue that is down is logged, not raised: the enquiry is
    already safe, and stays "pending" for the resend command to pick up.
    """
    queued = notify_sales.using(run_after=run_after) if run_after else notify_sales
    transaction.on_commit(
        partial(queued.enqueue, enquiry_id, attempt=attempt, site_url=site_url), robust=True
    )


def retry_delay(attempt):
    """
    How long to wait after failed attempt number `attempt`: 1, 5, 25 min, …
    at most 6 h (the first delay is ENQUIRY_NOTIFY_RETRY_SECONDS).
    """
    first = settings.ENQUIRY_NOTIFY_RETRY_SECONDS
    return timedelta(seconds=min(first * 5 ** (attempt - 1), 6 * 60 * 60))
