"""Held for review: suspicious submissions wait for sales, who release them; a daily summary."""

import smtplib
import time
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from services.forms import sign_timestamp
from services.models import DailySummary, Enquiry, EnquiryStatus, NotificationStatus, SpamReason
from tests.factories import make_enquiry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enquiry_settings")]

CHANGELIST = reverse("admin:services_enquiry_changelist")


def change_url(enquiry):
    return reverse("admin:services_enquiry_change", args=[enquiry.pk])


def make_held(**overrides):
    return make_enquiry(
        status=EnquiryStatus.HELD,
        spam_reason=SpamReason.TOO_FAST,
        notification_status=NotificationStatus.NOT_NEEDED,
        **overrides,
    )


def test_a_password_manager_filling_the_form_at_once_is_held_then_answered(
    send_enquiry, enquiry_form_data, sales_client, django_capture_on_commit_callbacks
):
    send_enquiry(enquiry_form_data(started=sign_timestamp(at=time.time() - 0.5)))
    enquiry = Enquiry.objects.get()
    assert enquiry.status == EnquiryStatus.HELD
    assert not mail.outbox

    with django_capture_on_commit_callbacks(execute=True):
        response = sales_client.post(
            CHANGELIST, {"action": "release_held", "_selected_action": [enquiry.pk]}
        )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.NEW
    assert enquiry.spam_reason == ""
    assert enquiry.notification_status == NotificationStatus.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sales@example.com"]


def test_releasing_again_notifies_no_one_twice(sales_client, django_capture_on_commit_callbacks):
    enquiry = make_held()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            sales_client.post(
                CHANGELIST, {"action": "release_held", "_selected_action": [enquiry.pk]}
            )
    assert len(mail.outbox) == 1


def test_the_release_button_on_a_held_enquiry_saves_releases_and_notifies(
    sales_client, django_capture_on_commit_callbacks
):
    enquiry = make_held()
    page = sales_client.get(change_url(enquiry)).content.decode()
    assert 'name="_release" value="Release and notify sales"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = sales_client.post(
            change_url(enquiry),
            {"status": "held", "assignee": "", "notes": "Looks genuine.", "_release": "1"},
        )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.notes) == (EnquiryStatus.NEW, "Looks genuine.")
    assert len(mail.outbox) == 1


def test_only_a_held_enquiry_has_the_release_button(sales_client):
    assert "_release" not in sales_client.get(change_url(make_enquiry())).content.decode()


def test_held_filter_shows_the_count_and_lists_only_held(sales_client):
    held = [make_held(), make_held()]
    make_enquiry()
    make_enquiry(status=EnquiryStatus.SPAM)

    content = sales_client.get(CHANGELIST).content.decode()
    assert "Held (2)" in content
    listed = sales_client.get(CHANGELIST, {"held": "yes"}).context["cl"].result_list
    assert sorted(e.pk for e in listed) == sorted(e.pk for e in held)


def test_held_enquiries_are_never_notified_by_a_resend(sales_client):
    enquiry = make_held()
    sales_client.post(
        CHANGELIST, {"action": "resend_notification", "_selected_action": [enquiry.pk]}
    )
    call_command("resend_enquiry_notifications", stdout=StringIO())
    assert not mail.outbox
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.HELD


def test_a_double_submit_without_doubt_releases_the_held_first_copy(
    send_enquiry, enquiry_form_data
):
    send_enquiry(enquiry_form_data(started=sign_timestamp(at=time.time() - 1)))
    assert not mail.outbox
    send_enquiry(enquiry_form_data())
    enquiry = Enquiry.objects.get()
    assert enquiry.status == EnquiryStatus.NEW
    assert len(mail.outbox) == 1


def test_a_honeypot_is_still_spam_not_held(send_enquiry, enquiry_form_data):
    send_enquiry(enquiry_form_data(website="x", started=sign_timestamp(at=time.time() - 1)))
    assert Enquiry.objects.get().status == EnquiryStatus.SPAM


# --- The daily summary ---------------------------------------------------------------

DAY = date(2026, 3, 2)


def at(day, hour):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def run_summary(*args):
    out = StringIO()
    call_command("enquiry_daily_summary", *args, stdout=out)
    return out.getvalue()


def test_daily_summary_counts_the_days_held_and_spam_and_is_sent_once(settings):
    settings.ENQUIRY_SITE_URL = "https://halyard.example"
    for hour in (0, 9, 23):
        make_held(created_at=at(DAY, hour))
    make_enquiry(status=EnquiryStatus.SPAM, created_at=at(DAY, 12))
    make_held(created_at=at(DAY + timedelta(days=1), 0))  # The next day.
    make_enquiry(created_at=at(DAY, 10))  # Genuine: not counted.

    assert "3 held, 1 spam" in run_summary("--day", "2026-03-02")
    assert "sent already" in run_summary("--day", "2026-03-02")

    [email] = mail.outbox
    assert email.to == ["sales@example.com"]
    assert "Held for review: 3" in email.body
    assert "Spam:            1" in email.body
    assert "Waiting for review now: 4" in email.body
    assert f"https://halyard.example{CHANGELIST}?held=yes" in email.body


def test_daily_summary_defaults_to_yesterday():
    yesterday = timezone.localdate() - timedelta(days=1)
    make_held(created_at=at(yesterday, 12))
    run_summary()
    assert DailySummary.objects.get().day == yesterday
    assert "Held for review: 1" in mail.outbox[0].body


def test_a_summary_that_failed_to_send_is_sent_by_the_next_run(monkeypatch):
    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    with monkeypatch.context() as down:
        down.setattr(EmailBackend, "send_messages", refuse)
        with pytest.raises(CommandError, match="a next run retries"):
            run_summary("--day", "2026-03-02")
    assert not DailySummary.objects.exists()

    run_summary("--day", "2026-03-02")
    assert len(mail.outbox) == 1
    assert DailySummary.objects.get().day == DAY
