"""
Issue 10's journeys for staff, in Chromium: an editor whose change the site
could not show is told so and keeps what they typed; a password guesser is
locked out with a clear message.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from glossary.models import Term
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_an_editor_is_told_a_change_cannot_be_shown_and_keeps_their_text(
    page, site, editor, settings, redis_server, monkeypatch
):
    settings.CACHES = {
        "default": {
            "BACKEND": "consultancy.cache_backends.ResilientRedisCache",
            "LOCATION": redis_server.url,
        }
    }
    # A restarted Redis is tried again at once, not after the usual rest.
    monkeypatch.setattr("consultancy.cache_backends.RETRY_AFTER_SECONDS", 0)
    log_in(page, editor.username)
    page.goto(reverse("admin:glossary_term_change", args=[site.term.pk]))
    definition = page.get_by_label("Short definition")
    new_definition = "A model of language, trained on text, that writes the next word."

    redis_server.stop()
    definition.fill(new_definition)
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.get_by_text("Not saved: the site's page cache is not answering")).to_be_visible()
    expect(page.get_by_label("Short definition")).to_have_value(new_definition)
    assert Term.objects.get(pk=site.term.pk).short_definition != new_definition

    redis_server.start()
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    assert Term.objects.get(pk=site.term.pk).short_definition == new_definition


def test_a_password_guesser_is_locked_out_with_a_clear_message(page, editor):
    for attempt in range(5):
        log_in(page, editor.username, f"wrong guess {attempt}")
    # Even the right password is refused now, and the page says why and how long.
    log_in(page, editor.username)
    expect(page.get_by_text("from your network is paused for 15 minutes")).to_be_visible()
    page.goto(reverse("admin:index"))
    expect(page.get_by_label("Password")).to_be_visible()  # still asked to log in
