"""One promise: ENQUIRY_REPLY_PROMISE, word for word, wherever a visitor is told when we reply."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import make_service

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enquiry_settings", "cold_cache")]

PROMISE = "within four business hours"


def visible_text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def promise(settings):
    settings.ENQUIRY_REPLY_PROMISE = PROMISE
    settings.ENQUIRY_SEND_ACKNOWLEDGEMENT = True
    return PROMISE


def test_the_promise_is_the_same_in_all_four_places(
    client, promise, send_enquiry, enquiry_form_data
):
    service = make_service()
    places = {
        "call to action": client.get(service.get_absolute_url()).content.decode(),
        "contact page": client.get(reverse("services:contact")).content.decode(),
        "thank-you page": client.get(reverse("services:contact_thanks")).content.decode(),
    }
    send_enquiry(enquiry_form_data())
    [receipt] = [email for email in mail.outbox if email.to == ["ada@example.com"]]
    places["receipt email"] = receipt.body

    for where, text in places.items():
        text = visible_text(text)
        assert f"reply {promise}" in text.lower(), where
        # No other promise left behind.
        for old in ("two working days", "one working day"):
            assert old not in text, where


def test_the_call_to_action_carries_the_promise_on_the_home_page_too(client, promise):
    content = visible_text(client.get(reverse("home")).content.decode())
    assert f"We reply {promise}." in content


def test_the_default_promise_is_one_working_day(client):
    content = visible_text(client.get(reverse("services:contact")).content.decode())
    assert "we reply within one working day" in content
