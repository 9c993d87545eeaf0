"""One promise: ENQUIRY_REPLY_PROMISE, word for word, wherever a visitor is told when we reply."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import make_service

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enquiry_settings", "cold_cache")]

# Distinctive on purpose: none of its words is a timing phrase, so any "within",
# "working day" or "usually" left on a page was written beside the setting.
PROMISE = "before the next full moon"

# Wording that states when we answer, other than the setting's own text.
OTHER_TIMING = re.compile(
    r"\bwithin\b|\busually\b|\bsame day\b|\bnext day\b|\b(?:working|business) (?:day|hour)s?\b"
    r"|\b(?:\d+|an?|one|two|three|four|few) (?:minutes?|hours?|days?)\b",
    re.IGNORECASE,
)


def visible_text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def said_by_us(html):
    """The visible text without the answers a visitor picks ("Within three months")."""
    return visible_text(re.sub(r"<select\b.*?</select>", " ", html, flags=re.DOTALL))


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

    for where, html in places.items():
        assert f"reply {promise}" in visible_text(html).lower(), where
        # No other promise left behind: with the setting's words taken out, the
        # page says nothing else about when we read or answer.
        rest = said_by_us(html).replace(promise, " ")
        found = [rest[max(m.start() - 40, 0) : m.end() + 40] for m in OTHER_TIMING.finditer(rest)]
        assert found == [], where


def test_the_call_to_action_carries_the_promise_on_the_home_page_too(client, promise):
    content = visible_text(client.get(reverse("home")).content.decode())
    assert f"We reply {promise}." in content


def test_the_default_promise_is_one_working_day(client):
    content = visible_text(client.get(reverse("services:contact")).content.decode())
    assert "we reply within one working day" in content
