"""
Background tasks (django.tasks). In production they run in `manage.py db_worker`
(django-tasks-db); while debugging and in tests they run at once, in the request.
"""

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from services import enquiries


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
        return enquiries.send_notification(enquiry_id, attempt=attempt, site_url=site_url)
    except enquiries.NotificationFailed:
        backend = notify_sales.get_backend()
        if attempt < settings.ENQUIRY_NOTIFY_MAX_ATTEMPTS and backend.supports_defer:
            enquiries.queue_notification(
                enquiry_id,
                attempt=attempt + 1,
                site_url=site_url,
                run_after=timezone.now() + enquiries.retry_delay(attempt),
            )
        raise
