"""Spam defences: spam is stored as spam, the merely suspicious held for review; neither is notified or lost."""

import time

import pytest
from django.core import mail
from django.urls import reverse

from services.forms import sign_timestamp
from services.models import Enquiry, EnquiryStatus, NotificationStatus, SpamReason
from services.spam import hash_ip

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enquiry_settings")]

CONTACT_URL = reverse("services:contact")
THANKS_URL = reverse("services:contact_thanks")


def assert_quarantined(reason, status=EnquiryStatus.SPAM):
    enquiry = Enquiry.objects.get()
    assert enquiry.status == status
    assert enquiry.spam_reason == reason
    assert enquiry.notification_status == NotificationStatus.NOT_NEEDED
    assert not mail.outbox
    return enquiry


def test_filled_honeypot_is_stored_as_spam_and_not_notified(send_enquiry, enquiry_form_data):
    response = send_enquiry(enquiry_form_data(website="http://spam.example"))
    # The bot is told nothing: it sees the same thank-you page as a person.
    assert response.status_code == 302
    assert response.url == THANKS_URL
    assert_quarantined(SpamReason.HONEYPOT)


def test_form_sent_too_soon_after_it_was_shown_is_held_for_review(send_enquiry, enquiry_form_data):
    # A password manager fills the form in under a second: suspicious, not spam.
    response = send_enquiry(enquiry_form_data(started=sign_timestamp(at=time.time() - 1)))
    assert response.url == THANKS_URL
    assert_quarantined(SpamReason.TOO_FAST, status=EnquiryStatus.HELD)


def test_form_sent_after_the_minimum_time_is_genuine(send_enquiry, enquiry_form_data, settings):
    send_enquiry(enquiry_form_data(started=sign_timestamp(at=time.time() - 4)))
    assert Enquiry.objects.get().status == EnquiryStatus.NEW
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("started", [None, "", "12345", sign_timestamp()[:-3] + "abc"])
def test_missing_or_forged_timestamp_is_held_for_review(send_enquiry, enquiry_form_data, started):
    send_enquiry(enquiry_form_data(started=started))
    assert_quarantined(SpamReason.NO_TIMESTAMP, status=EnquiryStatus.HELD)


def test_timestamp_signed_for_another_purpose_is_refused(send_enquiry, enquiry_form_data):
    from django.core import signing

    other = signing.dumps(int(time.time() - 60), salt="something-else")
    send_enquiry(enquiry_form_data(started=other))
    assert_quarantined(SpamReason.NO_TIMESTAMP, status=EnquiryStatus.HELD)


def test_form_replayed_hours_later_is_refused_and_offered_again(client, enquiry_form_data):
    five_hours_ago = sign_timestamp(at=time.time() - 5 * 60 * 60)
    response = client.post(CONTACT_URL, enquiry_form_data(started=five_hours_ago))

    assert response.status_code == 200
    assert "has expired" in response.content.decode()
    assert not Enquiry.objects.exists()
    # A person just sends it again: the form now carries a fresh timestamp.
    fresh = response.context["form"].data["started"]
    assert fresh != five_hours_ago


def test_rate_limit_per_ip_gives_a_friendly_429_and_stores_the_extra_as_spam(
    send_enquiry, enquiry_form_data, settings
):
    settings.ENQUIRY_RATE_LIMIT_PER_IP = 2
    for n in range(2):
        assert send_enquiry(enquiry_form_data(email=f"person{n}@example.com")).status_code == 302
    response = send_enquiry(enquiry_form_data(email="person3@example.com"))

    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.ENQUIRY_RATE_LIMIT_WINDOW_SECONDS)
    assert "no-store" in response["Cache-Control"]
    assert "Please wait a little" in response.content.decode()
    assert len(mail.outbox) == 2
    extra = Enquiry.objects.get(email="person3@example.com")
    assert (extra.status, extra.spam_reason) == (EnquiryStatus.SPAM, SpamReason.RATE_LIMITED)
    assert extra.notification_status == NotificationStatus.NOT_NEEDED


def test_rate_limit_per_email_ignores_case_and_address(send_enquiry, enquiry_form_data, settings):
    settings.ENQUIRY_RATE_LIMIT_PER_EMAIL = 1
    send_enquiry(enquiry_form_data(email="ada@example.com"), REMOTE_ADDR="198.51.100.1")
    # Another message: the same one again would be a double submit, merged.
    response = send_enquiry(
        enquiry_form_data(email="ADA@Example.com", message="And another question."),
        REMOTE_ADDR="198.51.100.2",
    )

    assert response.status_code == 429
    assert Enquiry.objects.filter(status=EnquiryStatus.SPAM).count() == 1
    assert len(mail.outbox) == 1


def test_typing_mistakes_do_not_count_against_the_ip_limit(
    client, send_enquiry, enquiry_form_data, settings
):
    settings.ENQUIRY_RATE_LIMIT_PER_IP = 10
    mistakes = [{"email": "ada@"}, {"name": ""}, {"consent": None}, {"message": "\x00"}]
    for n in range(20):
        response = client.post(CONTACT_URL, enquiry_form_data(**mistakes[n % len(mistakes)]))
        assert response.status_code == 200
    assert not Enquiry.objects.exists()

    response = send_enquiry(enquiry_form_data())
    assert response.status_code == 302
    assert response.url == THANKS_URL
    assert Enquiry.objects.get().status == EnquiryStatus.NEW
    assert len(mail.outbox) == 1


def test_valid_submissions_still_count_after_mistakes(
    client, send_enquiry, enquiry_form_data, settings
):
    settings.ENQUIRY_RATE_LIMIT_PER_IP = 1
    client.post(CONTACT_URL, enquiry_form_data(email="ada@"))
    assert send_enquiry(enquiry_form_data(email="one@example.com")).status_code == 302
    assert send_enquiry(enquiry_form_data(email="two@example.com")).status_code == 429


def test_a_flood_far_over_the_limit_is_refused_without_filling_the_database(
    send_enquiry, enquiry_form_data, settings
):
    settings.ENQUIRY_RATE_LIMIT_PER_IP = 1
    responses = [send_enquiry(enquiry_form_data(email=f"p{n}@example.com")) for n in range(6)]

    assert [r.status_code for r in responses] == [302, 429, 429, 429, 429, 429]
    # The first is genuine; up to three times the limit is kept as spam; the rest are dropped.
    assert Enquiry.objects.filter(status=EnquiryStatus.NEW).count() == 1
    assert Enquiry.objects.filter(status=EnquiryStatus.SPAM).count() == 2


def test_a_flood_of_honeypot_spam_is_capped_too(send_enquiry, enquiry_form_data, settings):
    settings.ENQUIRY_RATE_LIMIT_PER_IP = 1
    for n in range(6):
        send_enquiry(enquiry_form_data(email=f"p{n}@example.com", website="x"))
    assert Enquiry.objects.count() == 3
    assert set(Enquiry.objects.values_list("spam_reason", flat=True)) == {SpamReason.HONEYPOT}


def test_limits_are_per_visitor_behind_a_trusted_proxy(send_enquiry, enquiry_form_data, settings):
    settings.ENQUIRY_RATE_LIMIT_PER_IP = 1
    settings.ENQUIRY_PROXY_COUNT = 1
    for n, visitor in enumerate(["203.0.113.1", "203.0.113.2"]):
        response = send_enquiry(
            enquiry_form_data(email=f"p{n}@example.com"),
            REMOTE_ADDR="127.0.0.1",
            # The client may prepend anything; the proxy appends what it saw.
            HTTP_X_FORWARDED_FOR=f"10.9.9.9, {visitor}",
        )
        assert response.status_code == 302
    assert set(Enquiry.objects.values_list("ip_hash", flat=True)) == {
        hash_ip("203.0.113.1"),
        hash_ip("203.0.113.2"),
    }


def test_without_a_trusted_proxy_forwarded_for_is_ignored(send_enquiry, settings):
    settings.ENQUIRY_PROXY_COUNT = 0
    send_enquiry(REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert Enquiry.objects.get().ip_hash == hash_ip("192.0.2.7")
