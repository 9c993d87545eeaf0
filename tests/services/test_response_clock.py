"""
The response clock: first response, time waited in business hours, the Overdue
filter, and the reminder (75%) and escalation (100%) emails, each sent once.
The clock is frozen by replacing django.utils.timezone.now, which every
module here calls through `timezone.now()`.
"""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from services import enquiries, pipeline, reminders
from services.models import Enquiry, EnquiryStatus
from tests.factories import make_enquiry, make_sales_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enquiry_settings", "office")]

LONDON = ZoneInfo("Europe/London")
CHANGELIST = reverse("admin:services_enquiry_changelist")


def at(day, hour, minute=0):
    """A moment in January 2026, London time (Monday 5 is a working day)."""
    return datetime(2026, 1, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def office(sales_office):
    sales_office.ENQUIRY_ESCALATION_EMAILS = ["head-of-sales@example.com"]


@pytest.fixture
def clock(monkeypatch):
    """A frozen clock: set `clock.now` to move it."""

    class Clock:
        now = at(5, 9)

    monkeypatch.setattr(timezone, "now", lambda: Clock.now)
    return Clock


def run_reminders(django_capture_on_commit_callbacks):
    """Runs the cron command and the tasks it queues; returns what it printed."""
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("enquiry_reminders", stdout=out)
    return out.getvalue()


def test_deadlines_are_set_in_business_hours_when_an_enquiry_is_stored():
    # Friday 16:30 + 4 business hours: Monday 12:00; the reminder at 3 hours.
    enquiry = make_enquiry(created_at=at(2, 16, 30))
    assert enquiry.response_due_at == at(5, 12)
    assert enquiry.reminder_due_at == at(5, 11)


def test_the_first_status_change_from_new_records_the_first_response_once(sales_client, clock):
    enquiry = make_enquiry(created_at=at(5, 9))
    change = reverse("admin:services_enquiry_change", args=[enquiry.pk])
    clock.now = at(5, 10, 30)
    sales_client.post(change, {"status": "contacted", "assignee": "", "notes": ""})
    enquiry.refresh_from_db()
    assert enquiry.first_response_at == at(5, 10, 30)

    clock.now = at(6, 9)
    sales_client.post(change, {"status": "qualified", "assignee": "", "notes": ""})
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.QUALIFIED
    assert enquiry.first_response_at == at(5, 10, 30)

    response = sales_client.get(change)
    assert "1 h 30 min" in response.text  # Time to first response, business hours.


def test_marking_spam_is_not_a_response(sales_client, clock):
    enquiry = make_enquiry(created_at=at(5, 9))
    change = reverse("admin:services_enquiry_change", args=[enquiry.pk])
    sales_client.post(change, {"status": "spam", "assignee": "", "notes": ""})
    enquiry.refresh_from_db()
    assert enquiry.first_response_at is None


def test_mark_contacted_records_the_first_response_and_keeps_an_earlier_one(clock):
    answered = make_enquiry(created_at=at(5, 9), first_response_at=at(5, 9, 10))
    waiting = make_enquiry(created_at=at(5, 9))
    clock.now = at(5, 11)
    enquiries.mark_contacted(Enquiry.objects.all())
    answered.refresh_from_db()
    waiting.refresh_from_db()
    assert answered.first_response_at == at(5, 9, 10)
    assert (waiting.status, waiting.first_response_at) == (EnquiryStatus.CONTACTED, at(5, 11))


def test_log_a_reply_records_the_first_response_without_changing_the_status(sales_client, clock):
    enquiry = make_enquiry(created_at=at(5, 9))
    clock.now = at(5, 9, 45)
    response = sales_client.post(
        CHANGELIST, {"action": "log_reply", "_selected_action": [enquiry.pk]}, follow=True
    )
    assert "Logged the first reply to 1 enquiry." in response.text
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.first_response_at) == (EnquiryStatus.NEW, at(5, 9, 45))
    clock.now = at(5, 15)
    sales_client.post(CHANGELIST, {"action": "log_reply", "_selected_action": [enquiry.pk]})
    enquiry.refresh_from_db()
    assert enquiry.first_response_at == at(5, 9, 45)


def test_the_changelist_shows_the_wait_and_flags_the_overdue(sales_client, clock):
    make_enquiry(name="Overdue Olga", created_at=at(2, 9))
    make_enquiry(name="Recent Rita", created_at=at(5, 9))
    make_enquiry(name="Answered Ann", created_at=at(2, 9), first_response_at=at(2, 9, 30))
    clock.now = at(5, 10)
    response = sales_client.get(CHANGELIST)
    rows = {
        name: row
        for row in response.text.split("<tr")[1:]
        for name in ("Overdue Olga", "Recent Rita", "Answered Ann")
        if name in row
    }
    assert "9 h 30 min – overdue" in rows["Overdue Olga"]  # Friday 8.5 h + Monday 1 h.
    assert 'field-waited">1 h</td>' in rows["Recent Rita"]
    assert "answered in 30 min" in rows["Answered Ann"]


def test_the_overdue_filter_lists_unanswered_enquiries_past_the_target(sales_client, clock):
    late = make_enquiry(created_at=at(2, 9))
    make_enquiry(created_at=at(5, 9))  # Not due until 13:00.
    make_enquiry(created_at=at(2, 9), first_response_at=at(2, 10))
    make_enquiry(created_at=at(2, 9), status=EnquiryStatus.SPAM)
    make_enquiry(created_at=at(2, 9), status=EnquiryStatus.CONTACTED)
    clock.now = at(5, 10)
    response = sales_client.get(CHANGELIST, {"response": "overdue"})
    assert [e.pk for e in response.context["cl"].result_list] == [late.pk]


def test_reminder_at_75_percent_and_escalation_at_100_each_sent_once(
    clock, django_capture_on_commit_callbacks
):
    ann = make_sales_user("ann", first_name="Ann")
    enquiry = make_enquiry(created_at=at(5, 9), assignee=ann, email="visitor@example.org")

    clock.now = at(5, 11, 59)
    run_reminders(django_capture_on_commit_callbacks)
    assert mail.outbox == []

    clock.now = at(5, 12)
    assert "Queued 1 reminder(s)." in run_reminders(django_capture_on_commit_callbacks)
    assert "Queued 0 reminder(s)." in run_reminders(django_capture_on_commit_callbacks)
    [reminder] = mail.outbox
    assert reminder.to == ["ann@example.com"]
    assert reminder.reply_to == ["visitor@example.org"]
    assert reminder.subject.startswith("Waiting: ")
    assert "waited 3 h of business time" in reminder.body
    enquiry.refresh_from_db()
    assert enquiry.reminder_sent_at == at(5, 12)
    assert enquiry.escalation_sent_at is None

    clock.now = at(5, 13)
    run_reminders(django_capture_on_commit_callbacks)
    run_reminders(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    escalation = mail.outbox[1]
    assert escalation.to == ["head-of-sales@example.com"]
    assert escalation.subject.startswith("Overdue: ")
    assert "past the 4 h target" in escalation.body
    enquiry.refresh_from_db()
    assert enquiry.escalation_sent_at == at(5, 13)

    clock.now = at(9, 17)
    run_reminders(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2


def test_a_held_enquiry_released_a_week_later_starts_its_clock_at_the_release(
    clock, django_capture_on_commit_callbacks
):
    # Held on Tuesday 6, released on Tuesday 13 at 10:00 (Monday 12 is a
    # holiday): reminder at 13:00, escalation at 14:00, not at once.
    enquiry = make_enquiry(created_at=at(6, 10), status=EnquiryStatus.HELD)
    clock.now = at(13, 10)
    enquiries.release_held(Enquiry.objects.filter(pk=enquiry.pk))
    enquiry.refresh_from_db()
    assert (enquiry.reminder_due_at, enquiry.response_due_at) == (at(13, 13), at(13, 14))

    def sent():
        return [
            m.subject.split(":")[0]
            for m in mail.outbox
            if m.subject.startswith(("Waiting", "Overdue"))
        ]

    run_reminders(django_capture_on_commit_callbacks)
    clock.now = at(13, 12, 59)
    run_reminders(django_capture_on_commit_callbacks)
    assert sent() == []
    assert enquiry not in Enquiry.objects.overdue()

    clock.now = at(13, 13)
    run_reminders(django_capture_on_commit_callbacks)
    clock.now = at(13, 13, 59)
    run_reminders(django_capture_on_commit_callbacks)
    assert sent() == ["Waiting"]

    clock.now = at(13, 14)
    run_reminders(django_capture_on_commit_callbacks)
    assert sent() == ["Waiting", "Overdue"]


def test_a_released_enquiry_has_waited_and_is_answered_from_its_release(clock, client, sales):
    # Held on Tuesday 6 at 10:00, released on Tuesday 13 at 10:00, answered at
    # 11:30: an hour and a half, not a week of business hours.
    enquiry = make_enquiry(created_at=at(6, 10), status=EnquiryStatus.HELD)
    clock.now = at(13, 10)
    enquiries.release_held(Enquiry.objects.filter(pk=enquiry.pk))
    sales_client = client
    sales_client.force_login(sales)  # staff sessions last 12 hours: a login of that day
    change_page = reverse("admin:services_enquiry_change", args=[enquiry.pk])

    clock.now = at(13, 11)
    assert 'field-waited">1 h</td>' in sales_client.get(CHANGELIST).text
    assert "on release from review, 13 Jan 2026" in sales_client.get(change_page).text

    clock.now = at(13, 11, 30)
    sales_client.post(CHANGELIST, {"action": "mark_contacted", "_selected_action": [enquiry.pk]})
    enquiry.refresh_from_db()
    assert enquiry.first_response_at == at(13, 11, 30)
    assert "1 h 30 min" in sales_client.get(change_page).text
    assert pipeline.pipeline(4).total.median_response == 1.5


def test_a_reminder_of_an_unassigned_enquiry_goes_to_the_notify_list(
    clock, django_capture_on_commit_callbacks
):
    make_enquiry(created_at=at(5, 9))
    clock.now = at(5, 12)
    run_reminders(django_capture_on_commit_callbacks)
    [reminder] = mail.outbox
    assert reminder.to == ["sales@example.com"]


def test_answered_and_spam_enquiries_get_no_reminder(clock, django_capture_on_commit_callbacks):
    make_enquiry(created_at=at(5, 9), first_response_at=at(5, 9, 5))
    make_enquiry(created_at=at(5, 9), status=EnquiryStatus.SPAM)
    make_enquiry(created_at=at(5, 9), status=EnquiryStatus.CONTACTED)
    clock.now = at(6, 17)
    run_reminders(django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_a_failed_reminder_is_sent_by_the_next_run(
    clock, django_capture_on_commit_callbacks, monkeypatch
):
    enquiry = make_enquiry(created_at=at(5, 9))
    clock.now = at(5, 12)

    def refuse(self, messages):
        raise ConnectionRefusedError("mail server down")

    with monkeypatch.context() as down:
        down.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
        run_reminders(django_capture_on_commit_callbacks)
    enquiry.refresh_from_db()
    assert enquiry.reminder_sent_at is None

    run_reminders(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    enquiry.refresh_from_db()
    assert enquiry.reminder_sent_at == at(5, 12)


def test_a_duplicate_task_sends_nothing_more(clock):
    enquiry = make_enquiry(created_at=at(5, 9))
    clock.now = at(5, 12)
    assert reminders.send_once(enquiry.pk, reminders.REMINDER) is True
    assert reminders.send_once(enquiry.pk, reminders.REMINDER) is False
    assert len(mail.outbox) == 1
