"""
The readiness check that enquiries reach sales (registered in apps.py): no
genuine enquiry has waited longer than ENQUIRY_NOTIFY_ALERT_MINUTES for its
notification. One that has means the task worker is down or stuck, and sales
are not hearing about new leads; /readyz then names "notifications".
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from consultancy.health import NotReady
from services.models import Enquiry, NotificationStatus


def notifications_are_sent():
    # Waiting is counted from the enquiry's arrival, as the resend command counts it.
    oldest = (
        Enquiry.objects.not_spam()
        .filter(notification_status=NotificationStatus.PENDING)
        .aggregate(oldest=Min("created_at"))["oldest"]
    )
    if oldest is None:
        return
    waited = timezone.now() - oldest
    limit = timedelta(minutes=settings.ENQUIRY_NOTIFY_ALERT_MINUTES)
    if waited > limit:
        raise NotReady(
            f"An enquiry notification has been pending for {int(waited.total_seconds() // 60)} "
            f"minutes (the limit is {settings.ENQUIRY_NOTIFY_ALERT_MINUTES}): is the task "
            "worker running?"
        )
