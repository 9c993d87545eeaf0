"""
The response clock: when an enquiry was first answered, how long (in business
hours, services/business_hours.py) it waited or has been waiting, and whether
it is past the target, ENQUIRY_RESPONSE_HOURS. The clock runs from receipt,
or from the release of an enquiry that was held for review
(Enquiry.clock_start).

A first response is the first status change from New to a follow-up status
(contacted, qualified, won or lost; spam is not an answer) or a reply logged
by hand. It is recorded once and never moved afterwards.
"""

from django.utils import timezone

from services import business_hours
from services.models import EnquiryStatus

ANSWERED_STATUSES = {
    EnquiryStatus.CONTACTED,
    EnquiryStatus.QUALIFIED,
    EnquiryStatus.WON,
    EnquiryStatus.LOST,
}


def record_first_response(queryset, when=None):
    """Mark the first response of those enquiries not answered yet; returns how many."""
    return queryset.filter(first_response_at__isnull=True).update(
        first_response_at=when or timezone.now()
    )


def note_status_change(enquiry, previous_status, when=None):
    """Set `enquiry.first_response_at` (before it is saved) when this change answers it."""
    if (
        enquiry.first_response_at is None
        and previous_status == EnquiryStatus.NEW
        and enquiry.status in ANSWERED_STATUSES
    ):
        enquiry.first_response_at = when or timezone.now()


def hours_to_first_response(enquiry):
    """Business hours from the clock's start to the first response, or None while unanswered."""
    if enquiry.first_response_at is None:
        return None
    return business_hours.hours_between(enquiry.clock_start, enquiry.first_response_at)


def is_waiting(enquiry):
    return enquiry.status == EnquiryStatus.NEW and enquiry.first_response_at is None


def hours_waited(enquiry, now=None):
    """Business hours an unanswered enquiry has waited so far, or None once answered."""
    if not is_waiting(enquiry):
        return None
    return business_hours.hours_between(enquiry.clock_start, now or timezone.now())


def is_overdue(enquiry, now=None):
    """The same test as EnquiryQuerySet.overdue(), for one enquiry already loaded."""
    due = enquiry.response_due_at
    return is_waiting(enquiry) and due is not None and due <= (now or timezone.now())
