"""The email to sales: its content, its safety, and what happens when the mail server is down."""

import email
import email.policy
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from services import notifications, tasks
from services.models import Enquiry, EnquiryStatus, NotificationStatus
from services.tasks import notify_sales
from tests.factories import make_enquiry, make_term

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enquiry_settings")]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


@pytest.fixture
def mail_server_down(monkeypatch):
    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    return monkeypatch


def test_email_to_sales_has_the_enquiry_its_source_and_an_admin_link(
    send_enquiry, enquiry_form_data, settings
):
    settings.ENQUIRY_NOTIFY_EMAILS = ["sales@example.com", "ceo@example.com"]
    term = make_term(name="Retrieval-Augmented Generation")
    send_enquiry(
        enquiry_form_data(
            topic=term.contact_topic, source=f"http://testserver{term.get_absolute_url()}"
        )
    )
    enquiry = Enquiry.objects.get()

    [email] = mail.outbox
    assert email.to == ["sales@example.com", "ceo@example.com"]
    assert email.from_email == settings.DEFAULT_FROM_EMAIL
    assert email.reply_to == ["ada@example.com"]
    assert (
        email.subject == "[Halyard AI] Enquiry from Ada Lovelace (Retrieval-Augmented Generation)"
    )
    assert "We would like help evaluating a foundation model." in email.body
    assert "Analytical Engines Ltd" in email.body
    assert f"Source page:   http://testserver{term.get_absolute_url()}" in email.body
    assert f"http://testserver/admin/services/enquiry/{enquiry.pk}/change/" in email.body


def test_html_in_the_enquiry_arrives_as_inert_plain_text(send_enquiry, enquiry_form_data):
    send_enquiry(enquiry_form_data(message='<script>alert("x")</script> & <b>bold</b>'))
    [email] = mail.outbox
    assert email.content_subtype == "plain"
    assert not getattr(email, "alternatives", [])
    # Plain text is never rendered, so the text is kept as typed (not entity-escaped).
    assert '<script>alert("x")</script> & <b>bold</b>' in email.body


def test_the_form_refuses_a_name_that_would_inject_email_headers(client, enquiry_form_data):
    response = client.post(
        reverse("services:contact"),
        enquiry_form_data(name="Eve\r\nBcc: victim@example.com"),
    )
    assert response.status_code == 200
    assert "single line" in response.content.decode()
    assert not Enquiry.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "Eve\r\nBcc: victim@example.com",
        "Eve\nSubject: free money",
        "Eve\u2028Bcc: victim@example.com",
        'Eve "quoted", <x@example.com>',
    ],
)
def test_headers_cannot_be_injected_even_past_the_form(name):
    """Belt and braces: an enquiry stored some other way still yields safe headers."""
    enquiry = make_enquiry(name=name, email="eve@example.com", topic_title="A\r\nBcc: x@y.z")
    message = notifications.build_notification(enquiry, "http://testserver").message()

    headers = message.as_string().split("\n\n", 1)[0]
    assert "\nBcc:" not in headers
    assert "\nSubject: free money" not in headers
    assert "\r" not in message["Subject"]
    assert "\n" not in message["Subject"]
    assert message["Reply-To"].addresses[0].addr_spec == "eve@example.com"
    assert len(message["Reply-To"].addresses) == 1


ENCODED_ADDRESS = "=?utf-8?q?=22Jane=22_=3Cattacker=40evil=2Eexample=3E?="
ENCODED_LINE_BREAK = "=?utf-8?q?Jane=0ABcc=3A_victim=40evil=2Eexample?="


def delivered(message):
    """The message as the recipient's mail program reads it back."""
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


@pytest.mark.parametrize(
    "name", [ENCODED_ADDRESS, ENCODED_LINE_BREAK, "Jane \u202eelgoog", "Jane, <x@evil.example>"]
)
def test_reply_to_is_exactly_the_visitors_address_whatever_their_name(name):
    """An encoded word in a name used to rewrite the delivered Reply-To, or break it."""
    enquiry = make_enquiry(name=name, email="jane@example.com")
    parsed = delivered(notifications.build_notification(enquiry, "http://testserver"))
    [reply_to] = parsed["Reply-To"].addresses
    assert (reply_to.addr_spec, reply_to.display_name) == ("jane@example.com", "")
    assert "evil.example" not in str(parsed["Reply-To"])
    # The name is in the subject as plain text: no mail program decodes it.
    assert "attacker@evil.example" not in str(parsed["Subject"])
    assert "\n" not in str(parsed["Subject"])
    assert "\u202e" not in str(parsed["Subject"])


def test_a_name_with_an_encoded_line_break_is_sent_at_the_first_attempt(
    send_enquiry, enquiry_form_data
):
    """It used to fail on every attempt: "address parts cannot contain CR or LF"."""
    send_enquiry(enquiry_form_data(name=ENCODED_LINE_BREAK))
    enquiry = Enquiry.objects.get()
    assert (enquiry.notification_status, enquiry.notification_attempts) == (
        NotificationStatus.SENT,
        1,
    )
    assert enquiry.notification_last_error == ""
    [sent] = mail.outbox
    assert ENCODED_LINE_BREAK in sent.body


@pytest.mark.parametrize(
    "address",
    [
        "=?utf-8?q?=22J=22_=3Ca=40evil=2Eexample=3E?=@example.com",
        "=?utf-8?q?a=0Ab?=@example.com",
        '"=?utf-8?q?a=0Ab?="@example.com',
        '"jane\x01"@example.com',
    ],
)
def test_the_form_refuses_an_address_a_mail_program_would_decode_into_another(
    client, enquiry_form_data, address
):
    """Django's validator accepts these; in a header they become another address or a line break."""
    response = client.post(reverse("services:contact"), enquiry_form_data(email=address))
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not Enquiry.objects.exists()


def test_a_stored_address_that_is_unsafe_in_a_header_gets_no_reply_to():
    enquiry = make_enquiry(email="=?utf-8?q?=22J=22_=3Ca=40evil=2Eexample=3E?=@example.com")
    parsed = delivered(notifications.build_notification(enquiry, "http://testserver"))
    assert parsed["Reply-To"] is None
    assert "evil.example" not in str(parsed["To"])


def test_the_acknowledgement_goes_to_the_visitors_address_alone(
    send_enquiry, enquiry_form_data, settings
):
    settings.ENQUIRY_SEND_ACKNOWLEDGEMENT = True
    send_enquiry(enquiry_form_data(name=ENCODED_ADDRESS, email="jane@example.com"))
    receipt = delivered(mail.outbox[1])
    assert [a.addr_spec for a in receipt["To"].addresses] == ["jane@example.com"]


def test_mail_server_down_keeps_the_enquiry_and_records_the_attempt(
    client, send_enquiry, mail_server_down
):
    response = send_enquiry()

    # The visitor still sees success.
    assert response.status_code == 302
    assert response.url == reverse("services:contact_thanks")
    enquiry = Enquiry.objects.get()
    assert enquiry.status == EnquiryStatus.NEW
    assert enquiry.notification_status == NotificationStatus.FAILED
    assert enquiry.notification_attempts == 1
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in (
        enquiry.notification_last_error
    )
    assert enquiry.notified_at is None


def test_undelivered_notification_is_visible_in_the_admin_and_can_be_resent(
    send_enquiry, mail_server_down, sales, django_capture_on_commit_callbacks
):
    send_enquiry()
    enquiry = Enquiry.objects.get()
    mail_server_down.undo()

    from django.test import Client

    staff = Client()
    staff.force_login(sales)
    changelist = reverse("admin:services_enquiry_changelist")
    failed = staff.get(changelist, {"notification_status__exact": "failed"})
    assert [row.pk for row in failed.context["cl"].result_list] == [enquiry.pk]
    assert "Failed (1 attempt)" in failed.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        staff.post(changelist, {"action": "resend_notification", "_selected_action": [enquiry.pk]})

    enquiry.refresh_from_db()
    assert enquiry.notification_status == NotificationStatus.SENT
    assert enquiry.notification_attempts == 2
    assert enquiry.notification_last_error == ""
    assert len(mail.outbox) == 1
    # The link in a resent email points at the admin of the site it was resent from.
    assert f"http://testserver/admin/services/enquiry/{enquiry.pk}/change/" in mail.outbox[0].body


def test_failed_attempt_is_retried_later_with_backoff_on_a_deferring_backend(
    mail_server_down, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    enquiry = make_enquiry()
    before = timezone.now()

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(notifications.NotificationFailed),
    ):
        notify_sales.call(enquiry.pk, attempt=1, site_url="https://example.com")

    [retry] = DBTaskResult.objects.all()
    assert retry.task_path == "services.tasks.notify_sales"
    assert retry.args_kwargs["kwargs"] == {"attempt": 2, "site_url": "https://example.com"}
    assert retry.run_after >= before + timedelta(minutes=1)

    # The next attempt, once the server is back, sends it.
    mail_server_down.undo()
    assert notify_sales.call(*retry.args_kwargs["args"], **retry.args_kwargs["kwargs"])
    enquiry.refresh_from_db()
    assert (enquiry.notification_status, enquiry.notification_attempts) == (
        NotificationStatus.SENT,
        2,
    )


def test_retries_stop_after_the_last_attempt(
    mail_server_down, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    settings.ENQUIRY_NOTIFY_MAX_ATTEMPTS = 2
    enquiry = make_enquiry(notification_attempts=1, notification_status="failed")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(notifications.NotificationFailed),
    ):
        notify_sales.call(enquiry.pk, attempt=2)
    assert not DBTaskResult.objects.exists()


def test_retry_delays_grow_and_are_capped():
    delays = [tasks.retry_delay(attempt) for attempt in range(1, 8)]
    assert delays[:4] == [timedelta(minutes=m) for m in (1, 5, 25, 125)]
    assert delays == sorted(delays)
    assert max(delays) == timedelta(hours=6)


def test_the_database_backend_queues_the_email_for_the_worker(send_enquiry, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    send_enquiry()
    enquiry = Enquiry.objects.get()
    [queued] = DBTaskResult.objects.all()
    # Only the id travels through the queue: no personal data in it.
    assert queued.args_kwargs["args"] == [enquiry.pk]
    assert enquiry.notification_status == NotificationStatus.PENDING
    assert not mail.outbox


def test_a_stale_or_duplicate_attempt_sends_nothing():
    enquiry = make_enquiry()
    assert notifications.send_notification(enquiry.pk, attempt=1)
    # The same attempt again (a duplicate task), or an old retry after a resend.
    assert not notifications.send_notification(enquiry.pk, attempt=1)
    assert len(mail.outbox) == 1


def test_spam_and_deleted_enquiries_are_never_notified():
    spam = make_enquiry(status=EnquiryStatus.SPAM)
    assert not notifications.send_notification(spam.pk, attempt=1)
    assert not notifications.send_notification(999999, attempt=1)
    assert not mail.outbox


def test_no_recipients_configured_is_a_recorded_failure(settings):
    settings.ENQUIRY_NOTIFY_EMAILS = []
    enquiry = make_enquiry()
    with pytest.raises(notifications.NotificationFailed):
        notifications.send_notification(enquiry.pk, attempt=1)
    enquiry.refresh_from_db()
    assert enquiry.notification_status == NotificationStatus.FAILED
    assert "ENQUIRY_NOTIFY_EMAILS is empty" in enquiry.notification_last_error


def test_acknowledgement_to_the_visitor_when_switched_on(send_enquiry, enquiry_form_data, settings):
    settings.ENQUIRY_SEND_ACKNOWLEDGEMENT = True
    send_enquiry(enquiry_form_data(message="Secret plans <b>here</b>"))

    _to_sales, receipt = mail.outbox
    assert receipt.to == ["ada@example.com"]
    assert receipt.reply_to == ["sales@example.com"]
    # It repeats nothing the sender typed, so the form cannot relay text to strangers.
    assert "Secret plans" not in receipt.body
    assert "Ada" not in receipt.body


def test_acknowledgement_is_off_by_default(send_enquiry):
    send_enquiry()
    assert len(mail.outbox) == 1


def test_resend_command_picks_up_failed_and_stuck_notifications(django_capture_on_commit_callbacks):
    failed = make_enquiry(notification_status="failed", notification_attempts=3)
    stuck = make_enquiry(created_at=timezone.now() - timedelta(hours=2))
    recent = make_enquiry()
    sent = make_enquiry(notification_status="sent", notified_at=timezone.now())
    spam = make_enquiry(status=EnquiryStatus.SPAM, notification_status="not_needed")

    with django_capture_on_commit_callbacks(execute=True):
        call_command("resend_enquiry_notifications", "--site-url", "https://www.example.com")

    assert len(mail.outbox) == 2
    assert "https://www.example.com/admin/services/enquiry/" in mail.outbox[0].body
    statuses = dict(Enquiry.objects.values_list("pk", "notification_status"))
    assert statuses[failed.pk] == statuses[stuck.pk] == NotificationStatus.SENT
    assert statuses[recent.pk] == NotificationStatus.PENDING
    assert statuses[sent.pk] == NotificationStatus.SENT
    assert statuses[spam.pk] == NotificationStatus.NOT_NEEDED


def test_resend_command_dry_run_sends_nothing():
    from io import StringIO

    make_enquiry(notification_status="failed")
    out = StringIO()
    call_command("resend_enquiry_notifications", "--dry-run", stdout=out)
    assert "1 notification(s) would be resent" in out.getvalue()
    assert not mail.outbox
