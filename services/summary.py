"""
The daily summary to sales of what the filters kept from them: how many
enquiries were held for review and how many filed as spam on one day, and how
many wait for review now (enquiry_daily_summary, from cron).

Sent once per day however often cron runs it: the day is claimed first (a
DailySummary row, unique per day), and a claim whose email failed is given
back, so that the next run sends it.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from services.models import DailySummary, Enquiry, EnquiryStatus
from services.notifications import absolute
from services.text import one_line


def day_counts(day):
    """(held, spam) among the enquiries received on `day` (site time zone), in one query."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    counts = dict(
        Enquiry.objects.filter(
            created_at__gte=start,
            created_at__lt=start + timedelta(days=1),
            status__in=[EnquiryStatus.HELD, EnquiryStatus.SPAM],
        )
        .values_list("status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return counts.get(EnquiryStatus.HELD, 0), counts.get(EnquiryStatus.SPAM, 0)


def build_summary(day, held, spam, site_url=""):
    waiting = Enquiry.objects.filter(status=EnquiryStatus.HELD).count()
    changelist = reverse("admin:services_enquiry_changelist")
    review_url = absolute(site_url or settings.ENQUIRY_SITE_URL, f"{changelist}?held=yes")
    body = (
        f"Enquiries on {day:%A %d %B %Y} that were not sent to you:\n\n"
        f"Held for review: {held}\n"
        f"Spam:            {spam}\n\n"
        f"Waiting for review now: {waiting}. Release those that are genuine "
        f"(sales are then notified as usual):\n{review_url}\n"
    )
    return EmailMessage(
        subject=one_line(f"[{settings.SITE_NAME}] Enquiries held and spam on {day:%d %b %Y}"),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(settings.ENQUIRY_NOTIFY_EMAILS),
    )


def send_daily_summary(day, site_url=""):
    """
    Email the summary of `day` to ENQUIRY_NOTIFY_EMAILS unless it went out
    already. Returns the DailySummary sent now, or None if it had been sent.
    A failure to send is raised after giving the day back.
    """
    held, spam = day_counts(day)
    try:
        with transaction.atomic():
            claim = DailySummary.objects.create(day=day, held=held, spam=spam)
    except IntegrityError:
        return None
    try:
        build_summary(day, held, spam, site_url).send()
    except Exception:
        claim.delete()
        raise
    return claim
